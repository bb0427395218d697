import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PhraseRow } from '../../lib/model';
import { catalogTranslate } from '../../lib/i18n';
import { parseImport } from '../../lib/phrases/formats';
import { pinyinKey } from '../../lib/phrases/pinyin';
import {
  PhraseIndex,
  SCORE,
  USE_HALF_LIFE_MS,
  searchPhrases,
  useScore,
  type PhraseMatch,
} from '../../lib/phrases/search';
import { phrasesRevision } from '../../lib/phrases/revision';
import { STARTER_PHRASES } from '../../lib/phrases/starter';

let nextId = 1;
function row(p: Partial<PhraseRow> & { text: string }): PhraseRow {
  return { id: nextId++, group: '未分组', tags: [], usage: 0, updatedAt: 0, ...p };
}

const texts = (ms: PhraseMatch[]) => ms.map((m) => m.row.text);
/** The highlighted pieces of each result's text. */
const marked = (m: PhraseMatch) => m.ranges.map(([a, b]) => m.row.text.slice(a, b));

describe('searchPhrases: ranking', () => {
  it('ranks shortcut > text prefix > text > tag > group > subsequence, whatever the usage', () => {
    const rows = [
      row({ text: '无关的内容', usage: 100 }),
      row({ text: '发出后货到付款', usage: 90 }), // subsequence
      row({ text: 'h', group: '发货通知', usage: 80 }), // group contains
      row({ text: 'g', tags: ['快发货了'], usage: 70 }), // tag contains
      row({ text: 'f', group: '发货', usage: 60 }), // group equals
      row({ text: 'e', tags: ['发货'], usage: 50 }), // tag equals
      row({ text: '我们今天发货', usage: 40 }), // text contains
      row({ text: '发货很快', usage: 30 }), // text prefix
      row({ text: 'b', shortcut: '/发货单', usage: 20 }), // shortcut prefix
      row({ text: 'a', shortcut: '/发货', usage: 10 }), // shortcut exact
    ];
    const found = searchPhrases(rows, '发货');
    expect(texts(found)).toEqual(['a', 'b', '发货很快', '我们今天发货', 'e', 'f', 'g', 'h', '发出后货到付款']);
    expect(found.map((m) => m.score).slice(0, 8)).toEqual([
      SCORE.shortcutExact,
      SCORE.shortcutPrefix,
      SCORE.textPrefix,
      SCORE.textContains,
      SCORE.tagExact,
      SCORE.groupExact,
      SCORE.tagContains,
      SCORE.groupContains,
    ]);
    expect(found[8]!.score).toBeGreaterThanOrEqual(SCORE.fuzzyMin);
    expect(found[8]!.score).toBeLessThanOrEqual(SCORE.fuzzyMax);
  });

  it('breaks ties by usage, then by the most recent update', () => {
    const rows = [
      row({ text: '亲，今天发货', usage: 5, updatedAt: 300 }),
      row({ text: '亲，明天发货', usage: 9, updatedAt: 100 }),
      row({ text: '亲，后天发货', usage: 9, updatedAt: 200 }),
    ];
    expect(texts(searchPhrases(rows, '发货'))).toEqual(['亲，后天发货', '亲，明天发货', '亲，今天发货']);
  });

  it('ranks equal matches by recent use: 3 uses today beat 20 uses two months ago', () => {
    const NOW = 1_790_000_000_000;
    const DAY = 86_400_000;
    const rows = [
      row({ text: '亲，老熟人发货', usage: 20, recent: 20, usedAt: NOW - 60 * DAY, updatedAt: 5 }),
      row({ text: '亲，今天常用发货', usage: 3, recent: 3, usedAt: NOW - 3600_000, updatedAt: 1 }),
      row({ text: '亲，从没用过发货', usage: 0, updatedAt: 9 }),
      row({ text: '亲，旧版本用过发货', usage: 7, updatedAt: 2 }), // counted before last-use times were kept
    ];
    const order = ['亲，今天常用发货', '亲，老熟人发货', '亲，旧版本用过发货', '亲，从没用过发货'];
    expect(texts(searchPhrases(rows, '发货', { now: NOW }))).toEqual(order);
    expect(texts(searchPhrases(rows, '', { now: NOW }))).toEqual(order);
    // The weight of past uses halves every half-life.
    expect(useScore({ recent: 4, usedAt: NOW - USE_HALF_LIFE_MS }, NOW)).toBeCloseTo(2);
    expect(useScore({ recent: 4, usedAt: NOW }, NOW)).toBe(4);
    expect(useScore({}, NOW)).toBe(0);
  });

  it('a tighter subsequence ranks above a looser one', () => {
    const rows = [row({ text: '退换货，款项原路，流程见订单', usage: 50 }), row({ text: '退款流程', usage: 0 })];
    const loose = row({ text: '退一下款再说流程' });
    const found = searchPhrases([...rows, loose], '退流');
    expect(texts(found)).toEqual(['退款流程', '退一下款再说流程', '退换货，款项原路，流程见订单']);
    expect(found[0]!.score).toBeGreaterThan(found[1]!.score);
    expect(found[1]!.score).toBeGreaterThan(found[2]!.score);
  });

  it('several words must each match somewhere', () => {
    const rows = [
      row({ text: '发货后请留意快递信息' }),
      row({ text: '只说发货' }),
      row({ text: '快递单号', group: '发货' }),
    ];
    const found = searchPhrases(rows, '发货  快递');
    expect(texts(found).sort()).toEqual(['发货后请留意快递信息', '快递单号'].sort());
    expect(marked(found.find((m) => m.row.text === '发货后请留意快递信息')!)).toEqual(['发货', '快递']);
  });
});

describe('searchPhrases: matching', () => {
  it('matches shortcuts with or without the slash, ignoring case and full width', () => {
    const rows = [row({ text: '付款后 48 小时内发货', shortcut: '/FH' }), row({ text: 'other', shortcut: '/x' })];
    for (const q of ['/fh', 'fh', 'FH', '／ｆｈ', ' /f '])
      expect(texts(searchPhrases(rows, q))).toEqual([rows[0]!.text]);
  });

  it('finds Latin text case-insensitively and by subsequence', () => {
    const rows = [row({ text: 'Your Refund is on its way' })];
    expect(marked(searchPhrases(rows, 'REFUND')[0]!)).toEqual(['Refund']);
    // Neighbouring matches merge into one highlight.
    expect(marked(searchPhrases(rows, 'rfnd')[0]!)).toEqual(['R', 'f', 'nd']);
    expect(searchPhrases(rows, 'zzz')).toEqual([]);
  });

  it('gives text ranges as String.slice indexes, also after emoji and folded characters', () => {
    const emoji = row({ text: '😀亲，发货啦发货' });
    const m = searchPhrases([emoji], '发货')[0]!;
    expect(m.ranges).toEqual([
      [4, 6],
      [7, 9],
    ]);
    expect(marked(m)).toEqual(['发货', '发货']);
    // ㈱ folds to three characters "(株)": ranges after it still point into the original text.
    const folded = row({ text: '㈱会社 ABC' });
    expect(searchPhrases([folded], 'abc')[0]!.ranges).toEqual([[4, 7]]);
    expect(searchPhrases([folded], '株')[0]!.ranges).toEqual([[0, 1]]);
    expect(searchPhrases([row({ text: 'ＡＢＣ全角' })], 'abc')[0]!.ranges).toEqual([[0, 3]]);
    // Compatibility forms among CJK punctuation fold too (〸 is 十).
    expect(searchPhrases([row({ text: '〸月见' })], '十月')[0]!.ranges).toEqual([[0, 2]]);
  });

  it('gives no text ranges when only the shortcut, a tag or the group matched', () => {
    const m = searchPhrases([row({ text: '亲，在的', shortcut: '/zai', tags: ['问候'] })], 'zai')[0]!;
    expect(m).toMatchObject({ score: SCORE.shortcutExact, ranges: [] });
  });

  it('does not match characters scattered too far apart', () => {
    expect(searchPhrases([row({ text: `a${'x'.repeat(100)}b` })], 'ab')).toEqual([]);
    expect(searchPhrases([row({ text: 'ba' })], 'ab')).toEqual([]); // order matters
  });

  it('keeps HTML in texts as text (ranges point into it, nothing is parsed)', () => {
    const r = row({ text: '<script>alert("发货")</script>' });
    expect(marked(searchPhrases([r], '<script>')[0]!)).toEqual(['<script>']);
    expect(marked(searchPhrases([r], '发货')[0]!)).toEqual(['发货']);
  });

  it('sees an edited row (the per-row cache follows the fields)', () => {
    const r = row({ text: '旧的内容' });
    expect(searchPhrases([r], '旧的')).toHaveLength(1);
    r.text = '新的内容';
    expect(searchPhrases([r], '旧的')).toEqual([]);
    expect(searchPhrases([r], '新的')).toHaveLength(1);
  });
});

describe('searchPhrases: filters and the empty query', () => {
  const rows = [
    row({ text: '拼多多专用', platforms: ['pdd'], usage: 1, updatedAt: 1 }),
    row({ text: '京东专用', platforms: ['jd'], usage: 5, updatedAt: 1 }),
    row({ text: '通用一', usage: 5, updatedAt: 9, shortcut: '/t1' }),
    row({ text: '通用二', platforms: [], usage: 7, updatedAt: 1 }),
  ];

  it('hides phrases limited to other platforms', () => {
    expect(texts(searchPhrases(rows, '', { platform: 'jd' }))).toEqual(['通用二', '通用一', '京东专用']);
    expect(texts(searchPhrases(rows, '专用', { platform: 'pdd' }))).toEqual(['拼多多专用']);
    expect(texts(searchPhrases(rows, '专用'))).toEqual(['京东专用', '拼多多专用']);
  });

  it('empty query: most used first, then most recent; / alone: the phrases with a shortcut; limit', () => {
    expect(texts(searchPhrases(rows, '   '))).toEqual(['通用二', '通用一', '京东专用', '拼多多专用']);
    expect(searchPhrases(rows, '').every((m) => m.score === 0 && m.ranges.length === 0)).toBe(true);
    expect(texts(searchPhrases(rows, '/'))).toEqual(['通用一']);
    expect(texts(searchPhrases(rows, '', { limit: 2 }))).toEqual(['通用二', '通用一']);
    expect(searchPhrases(rows, '', { limit: 0 })).toEqual([]);
  });
});

describe('searchPhrases on real libraries', () => {
  const starter = STARTER_PHRASES.map((p, i) => row({ ...p, tags: [...p.tags], usage: 0, updatedAt: i }));

  it('finds the starter pack by shortcut and by words', () => {
    expect(searchPhrases(starter, '/fh')[0]!.row.shortcut).toBe('/fh');
    expect(searchPhrases(starter, 'kd')[0]!.row.shortcut).toBe('/kd');
    expect(searchPhrases(starter, '退款')[0]!.row.shortcut).toBe('/tk');
    expect(searchPhrases(starter, '发票')[0]!.row.shortcut).toBe('/fp');
    expect(searchPhrases(starter, '物流').map((m) => m.row.group)).toContain('发货');
  });

  it('ranges are always sorted, disjoint and inside the text', () => {
    const fromFile = parseImport(
      {
        name: 'groups.txt',
        bytes: new Uint8Array(readFileSync(new URL('../fixtures/phrases/groups.txt', import.meta.url))),
      },
      catalogTranslate('zh_CN'),
    )
      .rows.filter((r) => r.draft)
      .map((r) => row({ ...r.draft! }));
    const library = [...starter, ...fromFile];
    for (const q of ['亲', '发货', '亲您', '订单 售后', 'hi', '48', '退流', '价格活动']) {
      const found = searchPhrases(library, q);
      expect(found.length).toBeGreaterThan(0);
      for (const m of found) {
        let last = -1;
        for (const [a, b] of m.ranges) {
          expect(a).toBeGreaterThan(last);
          expect(b).toBeGreaterThan(a);
          expect(b).toBeLessThanOrEqual(m.row.text.length);
          last = b;
        }
      }
    }
  });
});

describe('pinyin keys (computed in the background, where the dictionary is)', () => {
  it('one toneless syllable per character, empty for anything that is not a Chinese character', () => {
    expect(pinyinKey('亲，48小时发货😀')).toBe('qin    xiao shi fa huo ');
    expect(pinyinKey('银行')).toBe('yin hang'); // read in context
    expect(pinyinKey('绿色')).toBe('lv se'); // ü typed as v
    expect(pinyinKey('only latin')).toBeUndefined();
    const text = '𠮷野家 A发货';
    expect(pinyinKey(text)!.split(' ')).toHaveLength([...text].length);
  });
});

describe('searchPhrases: pinyin, full and initials', () => {
  const py = (p: Partial<PhraseRow> & { text: string }) => {
    const key = pinyinKey(p.text);
    return row({ ...p, ...(key !== undefined && { pinyin: key }) });
  };
  const rows = [
    py({ text: '亲，付款后 48 小时内发货哦' }),
    py({ text: '默认发中通，如需指定快递请备注' }),
    py({ text: '退款申请已收到' }),
    py({ text: 'Refund received' }),
  ];

  it('"fh", "fahuo", "fahu" and "fah" find 发货, highlighted in the text', () => {
    for (const q of ['fh', 'fahuo', 'fahu', 'fah', 'FaHuo']) {
      const found = searchPhrases(rows, q);
      expect(texts(found), q).toEqual([rows[0]!.text]);
      expect(marked(found[0]!), q).toEqual(['发货']);
    }
    expect(marked(searchPhrases(rows, 'kd')[0]!)).toEqual(['快递']);
    expect(marked(searchPhrases(rows, 'xiaoshinei')[0]!)).toEqual(['小时内']);
    expect(texts(searchPhrases(rows, 'tksq'))).toEqual(['退款申请已收到']);
  });

  it('full pinyin ranks above initials, both above tags and groups, below the text itself', () => {
    expect(SCORE.textContains).toBeGreaterThan(SCORE.pinyinFull);
    expect(SCORE.pinyinFull).toBeGreaterThan(SCORE.pinyinInitials);
    expect(SCORE.pinyinInitials).toBeGreaterThan(SCORE.groupExact);
    expect(searchPhrases(rows, 'fahuo')[0]!.score).toBe(SCORE.pinyinFull);
    expect(searchPhrases(rows, 'fh')[0]!.score).toBe(SCORE.pinyinInitials);
  });

  it('syllables must follow each other and each be matched from its start', () => {
    expect(texts(searchPhrases(rows, 'fhuo'))).toEqual([rows[0]!.text]); // an initial, then a whole syllable
    expect(texts(searchPhrases(rows, 'ahuo'))).toEqual([]);
    expect(texts(searchPhrases(rows, 'fx'))).toEqual([]); // 付 … 小 are not neighbours
  });

  it('ignores a key that does not fit the text (the text changed after the key was made)', () => {
    const stale = row({ text: '新的内容', pinyin: 'fa huo' });
    expect(searchPhrases([stale], 'fh')).toEqual([]);
    expect(() => searchPhrases([row({ text: '发货', pinyin: ' '.repeat(5) })], 'fh')).not.toThrow();
  });

  it('several words mix text and pinyin', () => {
    expect(texts(searchPhrases(rows, 'fh 小时'))).toEqual([rows[0]!.text]);
  });

  it('stays fast on a long library', () => {
    const texts2 = ['亲，付款后 48 小时内发货，', '退换货请在订单页申请，'].map(
      (t) => `${t}${'发发发发发'.repeat(20)}`,
    );
    const keys = texts2.map(pinyinKey);
    const big = Array.from({ length: 3000 }, (_, i) => row({ text: texts2[i % 2]!, pinyin: keys[i % 2]! }));
    const t0 = performance.now();
    for (const q of ['f', 'fa', 'fah', 'fahuo', 'ffffffffffffffffffff', 'fafafafafafafafafafafafafafafafah'])
      searchPhrases(big, q, { limit: 20 });
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

const NOW = 1_790_000_000_000;

describe('PhraseIndex (the palette searches one list keystroke after keystroke)', () => {
  const library = (): PhraseRow[] =>
    Array.from({ length: 300 }, (_, i) =>
      row({
        id: i + 1,
        text: `亲，${['发货', '退款', '快递', '尺码'][i % 4]}的问题 ${i}，${['明天', '后天'][i % 2]}处理`,
        group: `分组${i % 5}`,
        ...(i % 7 === 0 && { shortcut: `/k${i}` }),
        usage: (i * 37) % 11,
        ...(i % 9 === 0 && { recent: 2, usedAt: NOW - i * 3_600_000 }),
        updatedAt: i % 13,
      }),
    ).map((r) => ({ ...r, pinyin: pinyinKey(r.text) }));
  const QUERIES = ['', '/', 'f', 'fh', 'fahuo', '发货', 'tk', '/k1', 'k7', '退 明天', 'mingtian', '分组3', 'zzz'];

  it('finds what the plain list finds, in the same order with the same ranges, whatever the limit', () => {
    const rows = library();
    const index = new PhraseIndex(rows);
    for (const q of QUERIES)
      for (const limit of [1, 20, undefined]) {
        const opts = { now: NOW, ...(limit && { limit }) };
        const plain = searchPhrases(rows, q, opts);
        expect(searchPhrases(index, q, opts), `${q} / ${limit}`).toEqual(plain);
        // The best `limit` are the first `limit` of the whole ranking.
        if (limit) expect(plain).toEqual(searchPhrases(rows, q, { now: NOW }).slice(0, limit));
      }
  });

  it('typing on searches only what the shorter query matched, and finds what the plain list finds', () => {
    const rows = [
      ...library(),
      // Too scattered for `ab` (span 22 > 18), tight enough for `abcdefgh` (28 ≤ 54): kept while typing on.
      row({ id: 9001, text: `a${'x'.repeat(20)}bcdefgh` }),
      // More than 64 places to start `发…` before the one that fits.
      row({ id: 9002, text: `${'发'.repeat(70)}票据货` }),
    ];
    const index = new PhraseIndex(rows);
    for (const typed of ['abcdefgh', 'fahuo', 'fh 明天', '发货', '发票据货', '/k14', '退 明天', 'tuikuan']) {
      index.forgetQueries();
      const prefixes = [...typed].map((_, k) => typed.slice(0, k + 1));
      // Typed, then erased.
      for (const q of [...prefixes, ...prefixes.reverse()])
        expect(searchPhrases(index, q, { now: NOW, limit: 20 }), q).toEqual(
          searchPhrases(rows, q, { now: NOW, limit: 20 }),
        );
    }
    expect(texts(searchPhrases(index, 'abcdefgh'))).toContain(rows.at(-2)!.text);
  });

  it('a new index reuses the preparations of rows that did not change, and not of those that did', () => {
    const rows = library();
    const old = new PhraseIndex(rows);
    expect(old.warm(100)).toBe(false);
    expect(old.warm()).toBe(true);
    const edited = rows.map((r) =>
      r.id === 2 ? { ...r, text: '全新的文字', pinyin: pinyinKey('全新的文字') } : { ...r },
    );
    const next = new PhraseIndex(edited, old);
    expect(texts(searchPhrases(next, '全新'))).toEqual(['全新的文字']);
    expect(searchPhrases(next, rows[1]!.text).map((m) => m.row.id)).not.toContain(2);
    expect(searchPhrases(next, 'fh', { now: NOW })).toEqual(searchPhrases(edited, 'fh', { now: NOW }));
  });
});

describe('phrasesRevision', () => {
  it('is the same for the same rows, another after any change the palette shows or ranks by', () => {
    const rows = [row({ id: 1, text: '亲，在的', tags: ['问候'], shortcut: '/zai' }), row({ id: 2, text: '好的' })];
    const rev = phrasesRevision(rows);
    expect(phrasesRevision(structuredClone(rows))).toBe(rev);
    const changes: Partial<PhraseRow>[] = [
      { text: '亲，在的哦' },
      { group: '别的' },
      { tags: ['问候', '开场'] },
      { shortcut: '/zaide' },
      { platforms: ['jd'] },
      { pinyin: 'qin zai de' },
      { usage: 1 },
      { recent: 1, usedAt: NOW },
      { updatedAt: 2 },
    ];
    const seen = new Set([rev]);
    for (const c of changes) {
      const r = phrasesRevision([{ ...rows[0]!, ...c }, rows[1]!]);
      expect(seen.has(r), JSON.stringify(c)).toBe(false);
      seen.add(r);
    }
    expect(phrasesRevision([rows[1]!, rows[0]!])).not.toBe(rev); // the order is the ranking's last tie-break
    expect(phrasesRevision([rows[0]!])).not.toBe(rev);
  });
});
