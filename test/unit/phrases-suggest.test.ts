/** Suggestions for the open conversation: phrases ranked by how well they answer the buyer's last question. */
import { describe, expect, it } from 'vitest';
import type { PhraseRow } from '../../lib/model';
import { pinyinKey } from '../../lib/phrases/pinyin';
import { STARTER_PHRASES } from '../../lib/phrases/starter';
import { lastBuyerQuestion, suggestPhrases } from '../../lib/phrases/suggest';

const NOW = 1_790_000_000_000;
const starter: PhraseRow[] = STARTER_PHRASES.map((p, i) => {
  const key = pinyinKey(p.text);
  return { ...p, tags: [...p.tags], id: i + 1, usage: 0, updatedAt: i, ...(key && { pinyin: key }) };
});
const suggest = (question: string, rows = starter) =>
  suggestPhrases(rows, question, { now: NOW, questionPinyin: pinyinKey(question), limit: 20 });
const top = (question: string, n = 1) => suggest(question).slice(0, n);

describe('suggestPhrases', () => {
  it('"什么时候发货" puts the shipping phrases first', () => {
    const found = top('什么时候发货', 3);
    expect(found.map((m) => m.row.group)).toEqual(['发货', '发货', '发货']);
    expect(found[0]!.row.shortcut).toBe('/fh');
    expect(found[0]!.score).toBeGreaterThan(0);
    // What matched is highlighted in the text.
    const m = found[0]!;
    expect(m.ranges.map(([a, b]) => m.row.text.slice(a, b))).toContain('发货');
  });

  it('finds the answer to other everyday questions', () => {
    expect(top('可以开发票吗？')[0]!.row.shortcut).toBe('/fp');
    expect(top('我想退款，怎么弄')[0]!.row.shortcut).toBe('/tk');
    expect(top('能改一下收货地址吗')[0]!.row.shortcut).toBe('/dz');
    expect(top('有优惠券吗')[0]!.row.shortcut).toBe('/yh');
  });

  it('matches by pinyin too: a homophone typed by mistake (发或 for 发货) still finds shipping', () => {
    expect(top('什么时候发或')[0]!.row.group).toBe('发货');
    // Without the question's pinyin (the background did not answer), words alone.
    expect(suggestPhrases(starter, '什么时候发或', { now: NOW, limit: 3 })[0]!.score).toBe(0);
  });

  it('lists every visible phrase: the ones that match first, then the rest by recent use', () => {
    const thanks = starter.findIndex((p) => p.shortcut === '/xx'); // nothing to do with shipping
    const rows = starter.map((p, i) => (i === thanks ? { ...p, usedAt: NOW - 1000, recent: 5 } : p));
    const all = suggest('什么时候发货', rows);
    expect(all).toHaveLength(20 > rows.length ? rows.length : 20);
    const firstZero = all.findIndex((m) => m.score === 0);
    expect(all.slice(0, firstZero).every((m) => m.score > 0)).toBe(true);
    expect(all[firstZero]!.row.shortcut).toBe('/xx'); // the most used of the rest
    expect(suggest('', rows)[0]!.row.shortcut).toBe('/xx'); // no question: by use
  });

  it('hides phrases limited to other platforms', () => {
    const rows = [{ ...starter[3]!, platforms: ['jd' as const] }, ...starter.slice(4, 6)];
    const found = suggestPhrases(rows, '什么时候发货', { platform: 'pdd', now: NOW });
    expect(found.map((m) => m.row.id)).not.toContain(starter[3]!.id);
  });
});

describe('lastBuyerQuestion', () => {
  const msg = (author: string, text: string) => ({ author, text }) as { author: 'buyer'; text: string };
  it('the buyer messages after the last reply, joined; else the last buyer message', () => {
    expect(
      lastBuyerQuestion([
        msg('buyer', '你好'),
        msg('human', '在的'),
        msg('buyer', '请问'),
        msg('buyer', '什么时候发货'),
      ]),
    ).toBe('请问 什么时候发货');
    expect(lastBuyerQuestion([msg('buyer', '什么时候发货'), msg('human', '48 小时内'), msg('system', '已读')])).toBe(
      '什么时候发货',
    );
    expect(lastBuyerQuestion([msg('human', '您好')])).toBe('');
    expect(lastBuyerQuestion([])).toBe('');
  });

  it('keeps the end of a long question', () => {
    const q = lastBuyerQuestion([msg('buyer', `${'很长'.repeat(200)}什么时候发货`)]);
    expect(q.length).toBeLessThanOrEqual(200);
    expect(q.endsWith('什么时候发货')).toBe(true);
  });
});
