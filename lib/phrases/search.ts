/**
 * Fuzzy phrase search for the in-page palette and the library (pure).
 *
 * A query matches a phrase, best first:
 *   1000 its shortcut exactly (`/fh` or `fh`), 900 a shortcut prefix;
 *    700 the text starts with the query, 650 the text contains it;
 *    620 / 560 a tag equals / contains it; 600 / 540 the group equals / contains it;
 *    630 / 610 the query is the pinyin of characters in a row of the text: in full (`fahuo`, `fahu`: every
 *          syllable whole but maybe the last) / by initials or parts (`fh`, `fhuo`), from the phrase's pinyin key
 *          (`row.pinyin`, made by the background: `lib/phrases/pinyin.ts`; the dictionary never reaches the page);
 *   100–300 the query's characters appear in the text in order (subsequence: `退流` finds 退款流程), scored by
 *          how tightly they sit.
 * Several words (`发货 快递`) must each match somewhere; the weakest decides. Case, full-width letters and
 * digits are folded (NFKC, lower case). Equal scores rank by recent use (`useScore`: every use counts, halved
 * every week of age, so what the agent uses now comes first), then by usage, then by the most recently updated.
 * `ranges` are [start, end) indexes into the phrase's text (UTF-16, as `String.slice` takes them), sorted and
 * disjoint, for highlighting.
 */
import type { PhraseRow } from '../model';
import type { Platform } from '../model';
import { shortcutKey } from './validate';

export interface PhraseMatch {
  row: PhraseRow;
  score: number;
  ranges: [number, number][];
}

export const SCORE = {
  shortcutExact: 1000,
  shortcutPrefix: 900,
  textPrefix: 700,
  textContains: 650,
  pinyinFull: 630,
  tagExact: 620,
  pinyinInitials: 610,
  groupExact: 600,
  tagContains: 560,
  groupContains: 540,
  /** Subsequence scores lie in [fuzzyMin, fuzzyMax]. */
  fuzzyMin: 100,
  fuzzyMax: 300,
} as const;

/** A use counts half as much after this long. */
export const USE_HALF_LIFE_MS = 7 * 86_400_000;

/**
 * How much a phrase is used now: its uses (`recent`, as of `usedAt`) decayed to `now`, each halving every
 * USE_HALF_LIFE_MS. 0 for a phrase never used, or used only before use times were kept.
 */
export function useScore(row: Pick<PhraseRow, 'recent' | 'usedAt'>, now: number): number {
  if (!row.recent || row.usedAt === undefined) return 0;
  return row.recent * 2 ** (-Math.max(0, now - row.usedAt) / USE_HALF_LIFE_MS);
}

/** A row's uses after one more use at `now` (counted in `usage`, and in `recent` with the older uses decayed). */
export function oneMoreUse(
  row: Pick<PhraseRow, 'usage' | 'recent' | 'usedAt'>,
  now: number,
): Pick<PhraseRow, 'usage' | 'recent' | 'usedAt'> {
  // eslint-disable-next-line react-hooks/rules-of-hooks -- useScore is not a React hook
  return { usage: row.usage + 1, recent: useScore(row, now) + 1, usedAt: now };
}

const MAX_QUERY = 100;
/** Highlighted occurrences per phrase. */
const MAX_RANGES = 20;
/** Candidate starting points tried for a subsequence match. */
const MAX_STARTS = 64;
/** Candidate starting syllables tried for a pinyin match. */
const MAX_PINYIN_STARTS = 200;

interface Folded {
  /** NFKC + lower case. */
  f: string;
  /**
   * For each unit of `f`: the [start, end) of the original code point it came from. Absent while every
   * character folded to as many units as it had (then unit k of `f` is unit k of the text).
   */
  start?: number[];
  end?: number[];
}

/** Characters that fold to themselves without asking: ASCII except A–Z, CJK punctuation, CJK ideographs. */
const isPlain = (c: number): boolean =>
  c < 0x80 ? c < 65 || c > 90 : (c >= 0x4e00 && c <= 0x9fff) || (c > 0x3000 && c < 0x3036);

function fold(s: string): Folded {
  let f = '';
  let start: number[] | undefined;
  let end: number[] | undefined;
  let run = 0; // start of the pending run of characters that stay as they are
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isPlain(c)) {
      start?.push(i);
      end?.push(i + 1);
      i++;
      continue;
    }
    const cp = String.fromCodePoint(s.codePointAt(i)!);
    const g = cp.normalize('NFKC').toLowerCase();
    if (g !== cp) {
      f += s.slice(run, i) + g;
      run = i + cp.length;
      if (!start && g.length !== cp.length) {
        // From here on units no longer line up: spell the mapping out (identity so far).
        const before = f.length - g.length;
        start = Array.from({ length: before }, (_, k) => k);
        end = Array.from({ length: before }, (_, k) => k + 1);
      }
    }
    for (let k = 0; k < g.length; k++) {
      start?.push(i);
      end?.push(i + cp.length);
    }
    i += cp.length;
  }
  f += s.slice(run);
  return start && end ? { f, start, end } : { f };
}

const foldQuery = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/** A phrase's pinyin key, aligned with its text: syllable k belongs to the code point at `at[k]` (UTF-16). */
interface PinyinIndex {
  syl: string[];
  /** Each syllable's first letter (a space for none), where a spelling may start: searched natively. */
  initials: string;
  at: number[];
  end: number[];
}

interface Prepared {
  text: string;
  group: string;
  tags: string;
  shortcut: string | undefined;
  pinyin: string | undefined;
  py: PinyinIndex | null;
  folded: Folded;
  foldedGroup: string;
  foldedTags: string[];
  foldedShortcut: string;
  platforms: readonly Platform[] | undefined;
}

/** Folding is the costly part: kept per row object while its fields stay the same (typing reuses the rows). */
const cache = new WeakMap<PhraseRow, Prepared>();

/** `p` was prepared from a row with the fields `row` has now. */
function sameSource(p: Prepared, row: PhraseRow): boolean {
  return (
    p.text === row.text &&
    p.group === row.group &&
    p.tags === row.tags.join('\u0000') &&
    p.shortcut === row.shortcut &&
    p.pinyin === row.pinyin &&
    (p.platforms?.join(',') ?? '') === (row.platforms?.join(',') ?? '')
  );
}

function prepare(row: PhraseRow): Prepared {
  const hit = cache.get(row);
  if (hit && sameSource(hit, row)) return hit;
  const p = build(row);
  cache.set(row, p);
  return p;
}

function build(row: PhraseRow): Prepared {
  return {
    text: row.text,
    group: row.group,
    tags: row.tags.join('\u0000'),
    shortcut: row.shortcut,
    pinyin: row.pinyin,
    py: pinyinIndex(row.text, row.pinyin),
    folded: fold(row.text),
    foldedGroup: foldQuery(row.group),
    foldedTags: row.tags.map(foldQuery),
    foldedShortcut: row.shortcut ? shortcutKey(row.shortcut).replace(/^\//, '') : '',
    platforms: row.platforms,
  };
}

/** The key split into syllables, or null when it does not fit the text (one syllable per code point). */
export function pinyinIndex(text: string, key: string | undefined): PinyinIndex | null {
  if (!key) return null;
  const syl = key.split(' ');
  const at: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < text.length;) {
    const n = text.codePointAt(i)! > 0xffff ? 2 : 1;
    at.push(i);
    end.push(i + n);
    i += n;
  }
  if (syl.length !== at.length || !syl.some(Boolean)) return null;
  return { syl, initials: syl.map((x) => x[0] ?? ' ').join(''), at, end };
}

/**
 * Where the letters `w` spell the pinyin of syllables in a row, from their starts: each syllable gives a prefix of
 * itself (at least its first letter), the last one may stop early. The first placement found, preferring one
 * where every syllable but the last is whole (`full`).
 */
export function matchPinyin(py: PinyinIndex, w: string): { from: number; to: number; full: boolean } | null {
  return w.length < 2 || !/^[a-z]+$/.test(w) ? null : spellPinyin(py, w);
}

/** `matchPinyin` for letters already known to be two or more of a–z. */
function spellPinyin(py: PinyinIndex, w: string): { from: number; to: number; full: boolean } | null {
  const first0 = py.initials.indexOf(w[0]!);
  if (first0 < 0) return null;
  const { syl } = py;
  const failed = new Set<number>();
  let full: boolean;
  // Can w[k..] be spelled from syllable i on? Longest prefixes first: whole syllables are found first.
  const spell = (i: number, k: number): number => {
    if (k === w.length) return i;
    const s = syl[i];
    if (!s || s[0] !== w[k] || failed.has(i * 128 + k)) return -1;
    // The syllable's prefixes that the letters from k spell: up to their common prefix.
    const most = Math.min(s.length, w.length - k);
    let common = 1;
    while (common < most && s.charCodeAt(common) === w.charCodeAt(k + common)) common++;
    for (let n = common; n >= 1; n--) {
      const end = spell(i + 1, k + n);
      if (end >= 0) {
        if (n < s.length && k + n < w.length) full = false;
        return end;
      }
    }
    failed.add(i * 128 + k);
    return -1;
  };
  let first: { from: number; to: number; full: boolean } | null = null;
  let tried = 0;
  for (let i = first0; i >= 0 && tried < MAX_PINYIN_STARTS; i = py.initials.indexOf(w[0]!, i + 1)) {
    tried++;
    full = true;
    failed.clear();
    const end = spell(i, 0);
    if (end < 0) continue;
    const m = { from: i, to: end, full };
    if (full) return m;
    first ??= m;
  }
  return first;
}

/** Text [a, b) → folded [a, b) (the inverse of toTextRanges for whole code points). */
function toFolded(p: Prepared, a: number, b: number): [number, number] {
  const { start, end } = p.folded;
  if (!start || !end) return [a, b];
  const from = start.findIndex((x) => x >= a);
  let to = from;
  while (to < end.length && end[to]! <= b) to++;
  return [from, to];
}

/** Folded [a, b) ranges → original text ranges, sorted and merged. */
function toTextRanges(p: Prepared, folded: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  const { start, end } = p.folded;
  const toText = ([a, b]: [number, number]): [number, number] => (start && end ? [start[a]!, end[b - 1]!] : [a, b]);
  for (const [a, b] of folded.map(toText).sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function occurrences(hay: string, needle: string): [number, number][] {
  const out: [number, number][] = [];
  for (let i = hay.indexOf(needle); i >= 0 && out.length < MAX_RANGES; i = hay.indexOf(needle, i + needle.length))
    out.push([i, i + needle.length]);
  return out;
}

/** The tightest in-order placement of the query's characters in the text, or null. */
/**
 * Set by `subsequence` when the characters are in the text in order but their placement was refused (too
 * scattered, or past the starts tried): a longer query could still be placed there (see PhraseIndex's narrowing).
 */
let refusedPlacement = false;

function subsequence(hay: string, chars: readonly string[]): { positions: number[]; span: number } | null {
  if (chars.length < 2) return null;
  let qLength = 0;
  for (const c of chars) qLength += c.length;
  let best: { positions: number[]; span: number } | null = null;
  let tried = 0;
  let s = hay.indexOf(chars[0]!);
  for (; s >= 0 && tried < MAX_STARTS; s = hay.indexOf(chars[0]!, s + 1), tried++) {
    const positions = [s];
    let at = s + chars[0]!.length;
    let ok = true;
    for (let k = 1; k < chars.length; k++) {
      const j = hay.indexOf(chars[k]!, at);
      if (j < 0) {
        ok = false;
        break;
      }
      positions.push(j);
      at = j + chars[k]!.length;
    }
    if (!ok) break; // a later start cannot succeed if this one ran out of text
    const span = at - s;
    if (!best || span < best.span) best = { positions, span };
    if (span === qLength) {
      s = -1;
      break;
    }
  }
  if (s >= 0 && tried >= MAX_STARTS) refusedPlacement = true;
  if (!best) return null;
  // Too scattered to mean anything.
  if (best.span <= qLength * 6 + 6) return best;
  refusedPlacement = true;
  return null;
}

/** One word of the query, analysed once for every row. */
interface Word {
  /** Without a leading `/` (shortcuts are compared without it). */
  word: string;
  /** Its code points, for the subsequence match. */
  chars: string[];
  /** Only a–z: it may be pinyin. */
  latin: boolean;
}

/** The folded query, split once for every row. */
interface Query {
  whole: Word;
  /** Two words or more: each must match somewhere (else empty). */
  words: Word[];
}

function wordOf(w: string): Word {
  const word = w.replace(/^\//, '');
  return { word, chars: [...word], latin: word.length > 0 && !/[^a-z]/.test(word) };
}

function queryOf(q: string): Query {
  const words = q.split(' ').filter((w) => w && w !== '/');
  return { whole: wordOf(q), words: words.length < 2 ? [] : words.map(wordOf) };
}

/**
 * One word against one phrase: the best score. With `out`, the folded ranges to highlight are added to it (only
 * the few rows shown ask for them: the many others are only scored).
 */
function matchWord(p: Prepared, W: Word, out: [number, number][] | null): number {
  let score = 0;
  const sc = p.foldedShortcut;
  const { word } = W;
  if (sc && word) {
    if (sc === word) score = SCORE.shortcutExact;
    else if (sc.startsWith(word)) score = SCORE.shortcutPrefix;
  }
  if (!word) return score;

  const text = p.folded.f;
  const idx = text.indexOf(word);
  let ranges: [number, number][] | null = null;
  if (idx >= 0) {
    score = Math.max(score, idx === 0 ? SCORE.textPrefix : SCORE.textContains);
    if (out) ranges = occurrences(text, word);
  }
  for (const t of p.foldedTags) {
    if (t === word) score = Math.max(score, SCORE.tagExact);
    else if (t.includes(word)) score = Math.max(score, SCORE.tagContains);
  }
  if (p.foldedGroup === word) score = Math.max(score, SCORE.groupExact);
  else if (p.foldedGroup.includes(word)) score = Math.max(score, SCORE.groupContains);

  if (idx < 0) {
    const sub = subsequence(text, W.chars);
    if (sub) {
      const tightness = word.length / sub.span; // 1 would be contiguous (a substring, handled above)
      const fuzzy = SCORE.fuzzyMin + Math.round(tightness * 20) * 10;
      if (fuzzy > score) {
        score = Math.min(fuzzy, SCORE.fuzzyMax);
        if (out) ranges = sub.positions.map((pos, k) => [pos, pos + W.chars[k]!.length]);
      }
    }
  }
  if (p.py && score < SCORE.pinyinFull && W.latin) {
    const m = word.length < 2 ? null : spellPinyin(p.py, word);
    const pyScore = m ? (m.full ? SCORE.pinyinFull : SCORE.pinyinInitials) : 0;
    if (m && pyScore > score) {
      score = pyScore;
      if (out) ranges = [toFolded(p, p.py.at[m.from]!, p.py.end[m.to - 1]!)];
    }
  }
  if (out && ranges) out.push(...ranges);
  return score;
}

function matchQuery(p: Prepared, Q: Query, out: [number, number][] | null): number {
  const wholeRanges: [number, number][] | null = out && [];
  const whole = matchWord(p, Q.whole, wholeRanges);
  let min = Infinity;
  const ranges: [number, number][] | null = out && [];
  for (const W of Q.words) {
    const s = matchWord(p, W, ranges);
    if (!s) {
      min = 0;
      break;
    }
    min = Math.min(min, s);
  }
  // Every word found, but not as one phrase: just below the weakest word's tier.
  if (Q.words.length && min > 0 && min - 5 > whole) {
    if (out) out.push(...ranges!);
    return min - 5;
  }
  if (out) out.push(...wholeRanges!);
  return whole;
}

/** Recent use, then usage, then the most recently updated, then the library's order. */
export function byUse(a: Ranked, b: Ranked): number {
  return b.use - a.use || b.row.usage - a.row.usage || b.row.updatedAt - a.row.updatedAt || a.i - b.i;
}

/** A row with its `useScore` and its place in the library, for `byUse`. */
export interface Ranked {
  row: PhraseRow;
  use: number;
  i: number;
}

function visibleOn(row: { platforms?: readonly Platform[] | undefined }, platform: Platform | undefined): boolean {
  return !platform || !row.platforms?.length || row.platforms.includes(platform);
}

/**
 * A list of phrases prepared for searching (folded text, pinyin syllables…), each row once, when first searched
 * or by `warm`. For a list searched again and again (the palette: every keystroke over the same 5 000 rows). Its
 * rows may be replaced by copies with other uses (`oneMoreUse`); other changes need a new index (which reuses,
 * given this one, the preparations of unchanged rows).
 */
export class PhraseIndex {
  private readonly prepared: (Prepared | undefined)[];
  /** From the index this one replaces: its rows' preparations by id, reused where a row's fields are the same. */
  private readonly earlier: Map<number, Prepared> | null = null;

  constructor(
    readonly rows: readonly PhraseRow[],
    previous?: PhraseIndex,
  ) {
    this.prepared = new Array<Prepared | undefined>(rows.length);
    if (previous) {
      this.earlier = new Map();
      previous.rows.forEach((row, i) => {
        const p = previous.prepared[i];
        if (p && row.id !== undefined) this.earlier!.set(row.id, p);
      });
    }
  }

  /** Row `i`, prepared. */
  get(i: number): Prepared {
    const hit = this.prepared[i];
    if (hit) return hit;
    const row = this.rows[i]!;
    const old = row.id === undefined ? undefined : this.earlier?.get(row.id);
    const p = old && sameSource(old, row) ? old : build(row);
    this.prepared[i] = p;
    return p;
  }

  /**
   * The rows each recent query matched (row indexes; by platform and folded query), or could match when typed on:
   * typing on only narrows (see `narrowable`), so the next keystroke's query is tried on those rows only.
   */
  private readonly matched = new Map<string, number[]>();

  /** The rows a query extending an earlier one can match (null: all of them). */
  candidates(q: string, platform: Platform | undefined): number[] | null {
    let best: number[] | null = null;
    let bestLength = -1;
    for (const [key, rows] of this.matched) {
      const [p, earlier] = splitKey(key);
      if (p === (platform ?? '') && q.startsWith(earlier) && earlier.length > bestLength) {
        best = rows;
        bestLength = earlier.length;
      }
    }
    return best;
  }

  /** Keeps what a narrowable query matched (the last MAX_REMEMBERED queries). */
  remember(q: string, platform: Platform | undefined, rows: number[]): void {
    const key = `${platform ?? ''}\u0000${q}`;
    this.matched.delete(key);
    this.matched.set(key, rows);
    if (this.matched.size > MAX_REMEMBERED) this.matched.delete(this.matched.keys().next().value!);
  }

  /** Forgets the queries' matches (the palette does at each open: a search starts from every row again). */
  forgetQueries(): void {
    this.matched.clear();
  }

  /** Prepares up to `n` rows not prepared yet; true once every row is. */
  warm(n = Infinity): boolean {
    for (let i = 0; i < this.rows.length; i++) {
      if (this.prepared[i]) continue;
      if (n-- <= 0) return false;
      this.get(i);
    }
    return true;
  }
}

/** Queries whose matches a PhraseIndex keeps. */
const MAX_REMEMBERED = 32;

const splitKey = (key: string): [string, string] => {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
};

/**
 * Whether every row a longer query (this one typed on: `q + more`) matches is a row this one matches, or one whose
 * placement `subsequence` refused (`refusedPlacement`). True when each of its words has two characters or more:
 * then a shortcut, text, tag or group that contains (or starts with) the longer word contains this one, a pinyin
 * spelling of it spells this one (its last syllable stopping earlier), and its characters in order are this one's
 * in order (only the tightness limit and the starts tried differ: those rows are kept). A one-character word has
 * neither pinyin nor subsequence matches, which its longer words may have.
 */
function narrowable(Q: Query): boolean {
  return Q.whole.chars.length >= 2 && Q.words.every((w) => w.chars.length >= 2);
}

type Hit = Ranked & { score: number };

const better = (a: Hit, b: Hit): number => b.score - a.score || byUse(a, b);

/**
 * Phrases matching `query`, best first (see the module comment). An empty query lists the most used first;
 * `/` alone lists the phrases that have a shortcut. `platform` hides phrases limited to other platforms.
 * Every row is scored; only the `limit` best are ranked in full and get their highlight ranges.
 */
export function searchPhrases(
  rows: readonly PhraseRow[] | PhraseIndex,
  query: string,
  opts: { platform?: Platform; limit?: number; now?: number } = {},
): PhraseMatch[] {
  const index = rows instanceof PhraseIndex ? rows : null;
  const list = index ? index.rows : (rows as readonly PhraseRow[]);
  const prep = index ? (i: number) => index.get(i) : (i: number) => prepare(list[i]!);
  const q = foldQuery(query.slice(0, MAX_QUERY));
  const Q = q && q !== '/' ? queryOf(q) : null;
  const now = opts.now ?? Date.now();
  const limit = Math.max(0, opts.limit ?? Infinity);
  if (!limit) return [];
  // The best `limit` so far, best first (all of them when there is no limit).
  const top: Hit[] = [];
  const bounded = Number.isFinite(limit);
  // Typing on: only the rows the shorter query matched (or could have) can match.
  const only = index && Q ? index.candidates(q, opts.platform) : null;
  const matched: number[] | null = index && Q && narrowable(Q) ? [] : null;
  const n = only ? only.length : list.length;
  for (let k = 0; k < n; k++) {
    const i = only ? only[k]! : k;
    const row = list[i]!;
    // Indexed rows are read through their prepared copies (all of one shape: quicker to read than the rows).
    const p = Q ? index?.get(i) : undefined;
    if (opts.platform && !visibleOn(p ?? row, opts.platform)) continue;
    let score = 0;
    if (Q) {
      refusedPlacement = false;
      score = matchQuery(p ?? prep(i), Q, null);
      if (matched && (score > 0 || refusedPlacement)) matched.push(i);
      if (score <= 0) continue;
    } else if (q === '/' && !row.shortcut) continue;
    const worst = top[top.length - 1];
    if (bounded && top.length >= limit && worst!.score > score) continue;
    // eslint-disable-next-line react-hooks/rules-of-hooks -- useScore is not a React hook
    const hit: Hit = { row, i, score, use: useScore(row, now) };
    if (!bounded) {
      top.push(hit);
      continue;
    }
    if (top.length >= limit && better(worst!, hit) <= 0) continue;
    // Insert in order (limit is small: the palette shows 20).
    let at = top.length;
    while (at > 0 && better(top[at - 1]!, hit) > 0) at--;
    top.splice(at, 0, hit);
    if (top.length > limit) top.pop();
  }
  if (matched) index!.remember(q, opts.platform, matched);
  if (!bounded) top.sort(better);
  return top.map((h) => {
    if (!Q) return { row: h.row, score: 0, ranges: [] };
    const p = prep(h.i);
    const ranges: [number, number][] = [];
    matchQuery(p, Q, ranges);
    return { row: h.row, score: h.score, ranges: toTextRanges(p, ranges) };
  });
}
