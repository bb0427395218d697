// @vitest-environment jsdom
/**
 * Dating leftovers an outsider review found (probes against the tab-open dating): a thread across New Year, a
 * month-day divider without a year on 1688/Taobao, a time-only divider after a 昨天/前天/星期X divider, a live
 * message a few minutes earlier than the last row.
 */
import { describe, expect, it } from 'vitest';
import { StampedThread } from '../../lib/platforms/stamps';
import { parseDividerStamp, parseThreadStamp } from '../../lib/platforms/douyin';

/** China local time → epoch ms. */
const cn = (s: string) => Date.parse(`${s.replace(' ', 'T')}+08:00`);
/** Epoch ms → China `YYYY-MM-DD HH:MM` (or 'null'). */
const fmt = (t: number | null | undefined) =>
  t == null ? String(t) : new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('New Year', () => {
  it('JD/Kuaishou: a month-day divider after 12-31 is in the next year ([12-31 23:00] … [01-01 10:00])', () => {
    const th = new StampedThread(cn('2027-01-02 10:00'));
    const out: (number | null)[] = [];
    th.separator('12-31 23:00');
    out.push(th.message(null, 'buyer', th.stamp('23:00'), 'a').at);
    th.separator('01-01 10:00');
    out.push(th.message(null, 'buyer', th.stamp('10:05'), 'b').at);
    out.push(th.message(null, 'human', th.stamp('01-01 10:06:00'), 'c').at);
    th.settle();
    expect(out.map(fmt)).toEqual(['2026-12-31 23:00', '2027-01-01 10:05', '2027-01-01 10:06']);
  });

  it('JD/Kuaishou: a message stamp 01-02 under a full date 2026-12-31 is in the next year', () => {
    const th = new StampedThread();
    const out = [th.stamp('2026-12-31 23:50:00'), th.stamp('01-02 08:00:00'), th.stamp('08:01:00')];
    expect(out.map(fmt)).toEqual(['2026-12-31 23:50', '2027-01-02 08:00', '2027-01-02 08:01']);
  });

  it('JD/Kuaishou: a month-day earlier than the date reached that the next year would put after the clock is no time', () => {
    const th = new StampedThread(cn('2026-09-09 10:00'));
    const out = [th.stamp('2026-09-08 17:00:00'), th.stamp('09-07 23:59:00'), th.stamp('09-08 17:01:00')];
    expect(out.map(fmt)).toEqual(['2026-09-08 17:00', 'null', '2026-09-08 17:01']);
  });

  it('Douyin: the same', () => {
    const ctx: Parameters<typeof parseThreadStamp>[1] = { last: null, now: cn('2027-01-02 10:00'), run: [] };
    const out = [
      parseDividerStamp('12-31 23:00', ctx),
      parseThreadStamp('23:00', ctx),
      parseDividerStamp('01-01 10:00', ctx),
      parseThreadStamp('10:05', ctx),
    ];
    expect(out.map(fmt)).toEqual(['2026-12-31 23:00', '2026-12-31 23:00', '2027-01-01 10:00', '2027-01-01 10:05']);
  });
});
