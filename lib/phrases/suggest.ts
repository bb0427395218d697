/**
 * Suggestions for the open conversation (pure, runs in the content script: no dictionary here): phrases ranked by
 * how well they answer the buyer's last question, locally.
 *
 * The question's features: pairs of neighbouring Chinese characters (`发货`), Latin words, and pairs of
 * neighbouring pinyin syllables (`fa huo`, when the background sent the question's pinyin key: a homophone typed by
 * mistake, 发或 for 发货, still matches). Each weighs by how rare it is in the library (idf: a pair every phrase has
 * says little), more when it occurs more than once in the text (1 + ln tf), twice more in the phrase's tags or
 * group (the librarian's own words for what it is about). A pinyin pair counts 0.7, and only where the characters
 * did not match. Common question words (什么, 怎么, 可以…) count for nothing.
 * Every visible phrase is listed: the matching ones first, best first, then the others by recent use.
 */
import type { PhraseRow } from '../model';
import type { Author, Platform } from '../model';
import { byUse, pinyinIndex, useScore, type PhraseMatch, type Ranked } from './search';

/** Question words that say nothing about the topic. */
const STOP = new Set(
  '什么 怎么 为什么 请问 可以 一下 你好 您好 谢谢 是不 不是 没有 有没 能不 不能 多少 时候 这个 那个 我们 你们 我的 的话 一个 现在 还是 就是 还有 吗吗'.split(
    ' ',
  ),
);
const HAN = /\p{Script=Han}/u;
const MAX_QUESTION = 200;
const PINYIN_WEIGHT = 0.7;
const LABEL_WEIGHT = 2;

/**
 * The buyer's last question: the buyer's messages after the last reply (joined by spaces), or, when the seller
 * spoke last, the last buyer message; its last 200 characters. '' when the buyer said nothing.
 */
export function lastBuyerQuestion(messages: readonly { author: Author; text: string }[]): string {
  const trailing: string[] = [];
  // From the end: replies after the buyer's last message are passed over, the first reply before it ends the run.
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.author === 'buyer') trailing.unshift(m.text);
    else if (m.author !== 'system' && m.author !== 'internal' && trailing.length) break;
    if (trailing.length >= 3) break;
  }
  const q = trailing
    .map((t) => t.trim())
    .filter(Boolean)
    .join(' ');
  return q.length > MAX_QUESTION ? q.slice(q.length - MAX_QUESTION) : q;
}

interface Feature {
  kind: 'han' | 'word' | 'pinyin';
  /** The pair or word as it is searched: `发货`, `refund`, ` fa huo ` (spaces around: whole syllables). */
  key: string;
  /** For a pinyin pair: the characters' pair in the question, so a match of the characters is not counted twice. */
  han?: string;
}

function featuresOf(question: string, questionPinyin: string | undefined): Feature[] {
  const q = question.normalize('NFKC').toLowerCase();
  const cps = [...q];
  const out = new Map<string, Feature>();
  for (let i = 0; i + 1 < cps.length; i++) {
    const pair = cps[i]! + cps[i + 1]!;
    if (HAN.test(cps[i]!) && HAN.test(cps[i + 1]!) && !STOP.has(pair)) out.set(pair, { kind: 'han', key: pair });
  }
  for (const w of q.match(/[a-z]{2,}/g) ?? []) out.set(w, { kind: 'word', key: w });
  const syl = questionPinyin?.split(' ');
  if (syl && syl.length === [...question].length) {
    const orig = [...question];
    for (let i = 0; i + 1 < syl.length; i++) {
      if (!syl[i] || !syl[i + 1]) continue;
      const han = orig[i]! + orig[i + 1]!;
      if (STOP.has(han)) continue;
      const key = ` ${syl[i]} ${syl[i + 1]} `;
      if (!out.has(key)) out.set(key, { kind: 'pinyin', key, han });
    }
  }
  return [...out.values()];
}

interface Doc {
  text: string;
  labels: string;
  /** ` ${pinyin key} `, or '' */
  py: string;
}

const docCache = new WeakMap<PhraseRow, Doc & { of: string }>();

function docOf(row: PhraseRow): Doc {
  const of = `${row.text}\u0000${row.group}\u0000${row.tags.join('\u0000')}\u0000${row.pinyin ?? ''}`;
  const hit = docCache.get(row);
  if (hit?.of === of) return hit;
  const doc = {
    of,
    text: row.text.normalize('NFKC').toLowerCase(),
    labels: [row.group, ...row.tags].join(' ').normalize('NFKC').toLowerCase(),
    py: row.pinyin && pinyinIndex(row.text, row.pinyin) ? ` ${row.pinyin} ` : '',
  };
  docCache.set(row, doc);
  return doc;
}

function count(hay: string, needle: string): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0 && n < 20; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Where in the text a matched feature is, for highlighting (UTF-16 ranges of the original text). */
function rangeOf(row: PhraseRow, f: Feature): [number, number] | null {
  if (f.kind === 'pinyin') {
    const py = pinyinIndex(row.text, row.pinyin);
    if (!py) return null;
    const [a, b] = f.key.trim().split(' ');
    for (let k = 0; k + 1 < py.syl.length; k++)
      if (py.syl[k] === a && py.syl[k + 1] === b) return [py.at[k]!, py.end[k + 1]!];
    return null;
  }
  const lower = row.text.toLowerCase();
  if (lower.length !== row.text.length) return null;
  const i = lower.indexOf(f.key);
  return i >= 0 ? [i, i + f.key.length] : null;
}

function merge(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of ranges.sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * Every phrase visible on `platform`, the ones that answer `question` first (score > 0: the relevance, best
 * first), then the rest by recent use. `questionPinyin`: the question's pinyin key (`pinyinKey`, from the
 * background), if any.
 */
export function suggestPhrases(
  rows: readonly PhraseRow[],
  question: string,
  opts: { platform?: Platform; limit?: number; now?: number; questionPinyin?: string } = {},
): PhraseMatch[] {
  const now = opts.now ?? Date.now();
  const visible = rows.filter((r) => !opts.platform || !r.platforms?.length || r.platforms.includes(opts.platform));
  const features = featuresOf(question.slice(-MAX_QUESTION), opts.questionPinyin);
  const docs = visible.map(docOf);
  // Per feature: in which phrases, how often in the text, and whether in the labels.
  const hits = features.map((f) => {
    const where: { i: number; tf: number; label: boolean }[] = [];
    docs.forEach((d, i) => {
      const tf = f.kind === 'pinyin' ? (d.py ? count(d.py, f.key) : 0) : count(d.text, f.key);
      const label = f.kind !== 'pinyin' && d.labels.includes(f.key);
      if (tf || label) where.push({ i, tf, label });
    });
    return where;
  });
  const n = visible.length;
  const score = new Array<number>(n).fill(0);
  const ranges: [number, number][][] = visible.map(() => []);
  const hanMatched = visible.map(() => new Set<string>());
  // Characters first, then pinyin where the same characters did not match.
  const order = features
    .map((f, k) => k)
    .sort((a, b) => Number(features[a]!.kind === 'pinyin') - Number(features[b]!.kind === 'pinyin'));
  for (const k of order) {
    const f = features[k]!;
    const where = hits[k]!;
    if (!where.length) continue;
    const idf = Math.log(1 + n / where.length);
    for (const { i, tf, label } of where) {
      if (f.kind === 'pinyin' && hanMatched[i]!.has(f.han!)) continue;
      let s = (tf ? 1 + Math.log(tf) : 0) + (label ? LABEL_WEIGHT : 0);
      if (f.kind === 'pinyin') s *= PINYIN_WEIGHT;
      else hanMatched[i]!.add(f.key);
      score[i]! += s * idf;
      const r = tf ? rangeOf(visible[i]!, f) : null;
      if (r) ranges[i]!.push(r);
    }
  }
  const ranked: (Ranked & { score: number })[] = visible.map((row, i) => ({
    row,
    i,
    use: useScore(row, now),
    score: Math.round(score[i]! * 1000) / 1000,
  }));
  ranked.sort((a, b) => b.score - a.score || byUse(a, b));
  return ranked
    .slice(0, Math.max(0, opts.limit ?? Infinity))
    .map((r) => ({ row: r.row, score: r.score, ranges: merge(ranges[r.i]!) }));
}
