/** Analytics over seeded rollups and units: trends, first-response quantiles, heatmaps, accounts, missed buyers. */
import { describe, expect, it } from 'vitest';
import {
  accountBreakdown,
  BUYER_LEVEL_AVAILABLE,
  chinaHour,
  chinaWeekday,
  dayWeekday,
  hourWeekMatrices,
  metricTrends,
  missedBuyers,
  quantile,
  rangeScope,
  responseTrends,
  scopeDays,
  splitAccount,
  thresholdOf,
} from '../../lib/analytics';
import type { RollupRow, UnitRow } from '../../lib/model';
import { chinaTime } from '../../lib/engine/time';
import type { UnitResult } from '../../lib/model';
import { DEFAULT_RULES, findMetric } from '../../lib/rules';
import { rollupRow } from './helpers/rollups';
import { unitRow } from './helpers/units';

const rules = DEFAULT_RULES;
const TODAY = '2026-11-20'; // a Friday

const rollup = rollupRow;

function unit(
  metric: string,
  day: string,
  hms: [number, number, number],
  result: UnitResult,
  responseSec: number | null,
  extra: Partial<UnitRow> = {},
): UnitRow {
  const startAt = chinaTime(day, ...hms);
  const thr = findMetric(rules, metric)!.thresholdSec * 1000;
  return unitRow(metric, day, startAt, result, responseSec, {
    dueAt: result === 'notAssessed' ? null : startAt + thr,
    ...extra,
  });
}

describe('China time (UTC+8, no daylight saving)', () => {
  it('hour and weekday are China-local whatever the instant, across the dates other zones switch DST', () => {
    // 2026-03-29 and 2026-10-25 are the EU switch days, 2026-03-08 / 11-01 the US ones: China does not move.
    for (const day of ['2026-03-08', '2026-03-29', '2026-10-25', '2026-11-01', '2026-06-21', '2026-12-31']) {
      for (const h of [0, 1, 2, 3, 7, 8, 15, 16, 23]) {
        const ms = chinaTime(day, h, 30);
        expect(chinaHour(ms), `${day} ${h}:30`).toBe(h);
        expect(chinaWeekday(ms)).toBe(dayWeekday(day));
      }
    }
    // 2026-11-20 is a Friday (Monday = 0 → Friday = 4); 16:00 UTC on Sunday is 00:00 Monday in China.
    expect(dayWeekday('2026-11-20')).toBe(4);
    expect(chinaWeekday(Date.parse('2026-11-22T16:00:00Z'))).toBe(0);
    expect(chinaHour(Date.parse('2026-11-22T16:00:00Z'))).toBe(0);
    expect(chinaWeekday(Date.parse('2026-11-22T15:59:59Z'))).toBe(6);
    expect(chinaHour(Date.parse('2026-11-22T15:59:59Z'))).toBe(23);
  });

  it('ranges end today and hold exactly n days, also across month and year ends', () => {
    expect(scopeDays(rangeScope(TODAY, 7))).toEqual([
      '2026-11-14',
      '2026-11-15',
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
      '2026-11-20',
    ]);
    const s90 = scopeDays(rangeScope('2027-01-05', 90));
    expect(s90).toHaveLength(90);
    expect(s90[0]).toBe('2026-10-08');
    expect(s90.at(-1)).toBe('2027-01-05');
    expect(() => rangeScope(TODAY, 0)).toThrow(/whole number of days/);
  });

  it('splits sub-accounts from their main account (ASCII or full-width colon)', () => {
    expect(splitAccount('旗舰店:小王')).toEqual({ main: '旗舰店', sub: '小王' });
    expect(splitAccount('旗舰店：小李')).toEqual({ main: '旗舰店', sub: '小李' });
    expect(splitAccount('旗舰店')).toEqual({ main: '旗舰店', sub: null });
  });
});

describe('metric trends from rollups', () => {
  const rows = [
    rollup('pdd.manual3min', '2026-11-20', { pass: 57, fail: 3, pending: 2 }),
    rollup('pdd.manual3min', '2026-11-19', { pass: 40, fail: 60 }),
    rollup('pdd.manual3min', '2026-11-19', { pass: 10, fail: 0 }, 'shop:sub'),
    rollup('pdd.manual3min', '2026-11-17', { pending: 4 }), // nothing decided: a gap, not 0%
    rollup('pdd.manual3min', '2026-11-01', { pass: 1 }), // outside 7 days
    rollup('taobao.avgResp', '2026-11-18', { pass: 3, fail: 1, cappedSum: 3 * 40 + 600, cappedCount: 4 }),
    rollup('taobao.avgResp', '2026-11-20', { pass: 1, cappedSum: 20, cappedCount: 1 }),
  ];

  it('gives one point per day: the rate or the capped average, null where nothing was decided', () => {
    const trends = metricTrends(rules, rows, rangeScope(TODAY, 7));
    expect(trends.map((t) => t.rule.key)).toEqual(['taobao.avgResp', 'pdd.manual3min']);
    const pdd = trends.find((t) => t.rule.key === 'pdd.manual3min')!;
    expect(pdd.points.map((p) => p.day)).toEqual(scopeDays(rangeScope(TODAY, 7)));
    expect(pdd.points.map((p) => p.value)).toEqual([null, null, null, null, null, 50 / 110, 57 / 60]);
    expect(pdd.points[3]!.figure.pending).toBe(4);
    // The total is what the platform would compute over the days (sums, not a mean of daily rates).
    expect(pdd.total.pass).toBe(107);
    expect(pdd.total.fail).toBe(63);
    expect(pdd.total.rate).toBeCloseTo(107 / 170, 12);
    expect(pdd.threshold).toEqual({ kind: 'warn', value: 0.5 });

    const avg = trends.find((t) => t.rule.key === 'taobao.avgResp')!;
    expect(avg.points.map((p) => p.value)).toEqual([null, null, null, null, 180, null, 20]);
    expect(avg.total.average).toBe((720 + 20) / 5);
    expect(avg.threshold).toEqual({ kind: 'deadline', value: 180 });
  });

  it('narrows to one account, and to 30/90 days', () => {
    const only = metricTrends(rules, rows, rangeScope(TODAY, 7, { platform: 'pdd', account: 'shop:sub' }));
    expect(only).toHaveLength(1);
    expect(only[0]!.points.map((p) => p.value)).toEqual([null, null, null, null, null, 1, null]);
    const d30 = metricTrends(rules, rows, rangeScope(TODAY, 30)).find((t) => t.rule.key === 'pdd.manual3min')!;
    expect(d30.points).toHaveLength(30);
    expect(d30.total.pass).toBe(108);
    expect(metricTrends(rules, rows, rangeScope(TODAY, 90))[0]!.points).toHaveLength(90);
  });

  it('draws the official lines only where the platform has one', () => {
    expect(thresholdOf(findMetric(rules, 'ali1688.perMsg3min')!)).toEqual({ kind: 'warn', value: 0.8 });
    expect(thresholdOf(findMetric(rules, 'ali1688.firstMsg3min')!)).toEqual({ kind: 'warn', value: 0.8 });
    expect(thresholdOf(findMetric(rules, 'taobao.ww3min')!)).toBeNull();
    expect(thresholdOf(findMetric(rules, 'douyin.avgResp')!)).toEqual({ kind: 'deadline', value: 180 });
  });

  it('empty data gives no series at all', () => {
    expect(metricTrends(rules, [], rangeScope(TODAY, 30))).toEqual([]);
    expect(responseTrends(rules, [], rangeScope(TODAY, 30))).toEqual([]);
  });
});

describe('first-response time (median, p90)', () => {
  it('quantile interpolates between closest ranks (type 7) and lets "never answered" dominate', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(quantile([10, 20, 30, 40], 0.9)).toBeCloseTo(37, 12); // h = 2.7 → 30 + 0.7·10
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 12);
    expect(quantile([10, 20, Infinity], 0.5)).toBe(20);
    expect(quantile([10, 20, Infinity], 0.9)).toBe(Infinity);
    expect(quantile([Infinity, Infinity], 0.5)).toBe(Infinity);
    expect(() => quantile([1], 1.5)).toThrow();
  });

  it('per day from the primary metric’s decided units only; unanswered fails count as endless waits', () => {
    const units = [
      unit('pdd.manual3min', '2026-11-20', [9, 0, 0], 'pass', 30),
      unit('pdd.manual3min', '2026-11-20', [9, 5, 0], 'pass', 60),
      unit('pdd.manual3min', '2026-11-20', [10, 0, 0], 'pass', 90),
      unit('pdd.manual3min', '2026-11-20', [11, 0, 0], 'fail', 250),
      unit('pdd.manual3min', '2026-11-20', [12, 0, 0], 'fail', null), // never answered
      unit('pdd.manual3min', '2026-11-20', [13, 0, 0], 'pending', null),
      unit('pdd.manual3min', '2026-11-20', [14, 0, 0], 'unknown', 200),
      unit('pdd.manual3min', '2026-11-20', [23, 30, 0], 'notAssessed', 5),
      unit('pdd.answer30s', '2026-11-20', [9, 0, 0], 'pass', 1), // not the primary metric
      unit('pdd.manual3min', '2026-11-19', [9, 0, 0], 'pass', 100),
      unit('pdd.manual3min', '2026-11-19', [9, 0, 0], 'pass', 20),
      unit('jd.dd30s', '2026-11-20', [10, 0, 0], 'pass', 12),
    ];
    const trends = responseTrends(rules, units, rangeScope(TODAY, 7));
    expect(trends.map((t) => t.platform)).toEqual(['pdd', 'jd']);
    const pdd = trends[0]!;
    expect(pdd.threshold).toEqual({ kind: 'deadline', value: 180 });
    const today = pdd.points.at(-1)!;
    expect(today).toEqual({ day: TODAY, n: 5, answered: 4, median: 90, p90: Infinity });
    expect(pdd.points.at(-2)).toEqual({ day: '2026-11-19', n: 2, answered: 2, median: 60, p90: 92 });
    expect(pdd.points[0]).toEqual({ day: '2026-11-14', n: 0, answered: 0, median: null, p90: null });
    // Over the scope: 20, 30, 60, 90, 100, 250, ∞ → median 90, p90 at h = 5.4 → between 250 and ∞.
    expect(pdd.total).toMatchObject({ n: 7, answered: 6, median: 90, p90: Infinity });
    // JD's own deadline (30 s).
    expect(trends[1]!.threshold.value).toBe(30);
    expect(trends[1]!.points.at(-1)!.median).toBe(12);
  });
});

describe('hour × weekday heatmaps', () => {
  it('counts inquiries and breaches in China-local hours, Monday first, primary metric only', () => {
    const units = [
      unit('pdd.manual3min', '2026-11-16', [9, 0, 0], 'pass', 10), // Monday 09
      unit('pdd.manual3min', '2026-11-16', [9, 59, 59], 'fail', null), // Monday 09
      unit('pdd.manual3min', '2026-11-16', [10, 0, 0], 'fail', 400), // Monday 10
      unit('pdd.manual3min', '2026-11-22', [0, 0, 0], 'notAssessed', null), // Sunday 00
      unit('pdd.manual3min', '2026-11-20', [23, 59, 59], 'unknown', null), // Friday 23
      unit('pdd.answer30s', '2026-11-16', [9, 0, 0], 'fail', 40), // not primary
      unit('pdd.manual3min', '2026-11-02', [9, 0, 0], 'fail', 400), // outside the 7 days
    ];
    const { volume, breaches } = hourWeekMatrices(rules, units, rangeScope('2026-11-22', 7));
    expect(volume.total).toBe(5);
    expect(volume.cells[0]![9]).toBe(2);
    expect(volume.cells[0]![10]).toBe(1);
    expect(volume.cells[6]![0]).toBe(1);
    expect(volume.cells[4]![23]).toBe(1);
    expect(volume.max).toBe(2);
    expect(breaches.total).toBe(2);
    expect(breaches.cells[0]![9]).toBe(1);
    expect(breaches.cells[0]![10]).toBe(1);
    expect(breaches.cells.flat().reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('empty data: all zero', () => {
    const { volume, breaches } = hourWeekMatrices(rules, [], rangeScope(TODAY, 90));
    expect(volume.total + volume.max + breaches.total).toBe(0);
    expect(volume.cells).toHaveLength(7);
    expect(volume.cells.every((r) => r.length === 24 && r.every((c) => c === 0))).toBe(true);
  });
});

describe('accounts and missed buyers', () => {
  it('groups sub-accounts under their main account with per-metric figures and the median first response', () => {
    const rows = [
      rollup('taobao.ww3min', '2026-11-19', { pass: 8, fail: 2 }, '旗舰店'),
      rollup('taobao.ww3min', '2026-11-19', { pass: 5, fail: 5 }, '旗舰店:小王'),
      rollup('taobao.ww3min', '2026-11-20', { pass: 9, fail: 1 }, '旗舰店:小李'),
      rollup('taobao.avgResp', '2026-11-19', { pass: 5, fail: 5, cappedSum: 1000, cappedCount: 10 }, '旗舰店:小王'),
      rollup('taobao.ww3min', '2026-11-19', { pass: 1 }, '另一店'),
      rollup('pdd.manual3min', '2026-11-19', { pass: 3, fail: 1 }, 'pdd-shop'),
      rollup('taobao.ww3min', '2026-10-01', { pass: 100 }, '旗舰店'), // outside
    ];
    const units = [
      unit('taobao.ww3min', '2026-11-19', [10, 0, 0], 'pass', 30, { account: '旗舰店:小王' }),
      unit('taobao.ww3min', '2026-11-19', [10, 0, 0], 'fail', 300, { account: '旗舰店:小王' }),
      unit('taobao.ww3min', '2026-11-19', [10, 0, 0], 'pass', 50, { account: '旗舰店:小王' }),
    ];
    const out = accountBreakdown(rules, rows, units, rangeScope(TODAY, 7));
    expect(out.map((p) => p.platform)).toEqual(['taobao', 'pdd']); // the rules' order
    const tb = out.find((p) => p.platform === 'taobao')!;
    expect(tb.metrics.map((m) => m.key)).toEqual(['taobao.ww3min', 'taobao.avgResp']);
    expect(tb.groups.map((g) => g.main)).toEqual(['另一店', '旗舰店']);
    const flag = tb.groups[1]!;
    expect(flag.accounts.map((a) => a.account)).toEqual(['旗舰店', '旗舰店:小李', '旗舰店:小王']);
    expect(flag.accounts.map((a) => a.sub)).toEqual([null, '小李', '小王']);
    expect(flag.total[0]).toMatchObject({ pass: 22, fail: 8 });
    expect(flag.total[0]!.rate).toBeCloseTo(22 / 30, 12);
    expect(flag.total[1]!.average).toBe(100);
    const wang = flag.accounts[2]!;
    expect(wang.figures[0]).toMatchObject({ pass: 5, fail: 5, rate: 0.5 });
    expect(wang.medianSec).toBe(50);
    expect(flag.accounts[0]!.medianSec).toBeNull();
    // With an account filter only that account remains.
    const one = accountBreakdown(
      rules,
      rows,
      units,
      rangeScope(TODAY, 7, { platform: 'taobao', account: '旗舰店:小李' }),
    );
    expect(one).toHaveLength(1);
    expect(one[0]!.groups[0]!.accounts.map((a) => a.account)).toEqual(['旗舰店:小李']);
    expect(accountBreakdown(rules, [], [], rangeScope(TODAY, 7))).toEqual([]);
  });

  it('1688: the message rates are columns; the retired round metric only where the scope holds its history', () => {
    const fresh = [
      rollup('ali1688.firstMsg3min', '2026-11-19', { pass: 1, fail: 1 }, '厂家'),
      rollup('ali1688.perMsg3min', '2026-11-19', { pass: 5, fail: 1 }, '厂家'),
    ];
    const cols = (rows: RollupRow[], days = 7) =>
      accountBreakdown(rules, rows, [], rangeScope(TODAY, days))
        .find((p) => p.platform === 'ali1688')!
        .metrics.map((m) => m.key);
    expect(cols(fresh)).toEqual(['ali1688.firstMsg3min', 'ali1688.perMsg3min']);
    const old = [...fresh, rollup('ali1688.ww3min', '2026-11-01', { pass: 4 }, '厂家')];
    expect(cols(old)).toEqual(['ali1688.firstMsg3min', 'ali1688.perMsg3min']); // outside the 7 days
    expect(cols(old, 30)).toEqual(['ali1688.firstMsg3min', 'ali1688.perMsg3min', 'ali1688.ww3min']);
    const g = accountBreakdown(rules, old, [], rangeScope(TODAY, 30)).find((p) => p.platform === 'ali1688')!.groups[0]!;
    expect(g.total.map((f) => [f.pass, f.fail])).toEqual([
      [1, 1],
      [5, 1],
      [4, 0],
    ]);
  });

  it('lists the missed buyers newest first with how late the reply was (or that none came)', () => {
    const units = [
      unit('pdd.manual3min', '2026-11-19', [10, 0, 0], 'fail', 250, { buyerNick: '老王', buyer: 'w' }),
      unit('pdd.manual3min', '2026-11-20', [15, 0, 0], 'fail', null, { buyer: 'z' }),
      unit('pdd.manual3min', '2026-11-20', [16, 0, 0], 'pass', 20),
      unit('pdd.answer30s', '2026-11-20', [16, 0, 0], 'fail', 40),
      unit('pdd.manual3min', '2026-10-20', [16, 0, 0], 'fail', 999),
    ];
    const list = missedBuyers(rules, units, rangeScope(TODAY, 7));
    expect(list.map((m) => m.buyer)).toEqual(['z', 'w']);
    expect(list[0]).toMatchObject({ lateSec: null, replyAt: null, startAt: chinaTime('2026-11-20', 15) });
    expect(list[1]).toMatchObject({ buyerNick: '老王', lateSec: 70, dueAt: chinaTime('2026-11-19', 10, 3) });
    expect(missedBuyers(rules, [], rangeScope(TODAY, 7))).toEqual([]);
  });

  it('buyer levels are not extracted by any adapter yet', () => {
    expect(BUYER_LEVEL_AVAILABLE).toBe(false);
  });
});
