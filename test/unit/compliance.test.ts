import { describe, expect, it } from 'vitest';
import { addDays, complianceView, rollupKeyRanges } from '../../lib/compliance';
import type { RollupRow } from '../../lib/model';
import { DEFAULT_RULES } from '../../lib/rules';
import { rollupRow } from './helpers/rollups';

const TODAY = '2026-11-20';

const row = (metric: string, day: string, counts: Partial<RollupRow>, account = 'shop') =>
  rollupRow(metric, day, { updatedAt: 0, ...counts }, account);

function metric(view: ReturnType<typeof complianceView>, key: string) {
  return view.flatMap((p) => p.metrics).find((m) => m.rule.key === key)!;
}

describe('complianceView', () => {
  it('date helpers step over month ends in China time', () => {
    expect(addDays('2026-12-01', -1)).toBe('2026-11-30');
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    // The rollups read reach back to the longest period any rule uses.
    const from = rollupKeyRanges(DEFAULT_RULES, TODAY)
      .map(([lower]) => lower.split('|')[1]!)
      .sort()[0];
    expect(from).toBe(addDays(TODAY, -90));
  });

  it('PDD: today live, the previous day as the platform period, warning under 50%', () => {
    const rows = [
      row('pdd.manual3min', TODAY, { pass: 6, fail: 2, pending: 1 }),
      row('pdd.manual3min', '2026-11-19', { pass: 4, fail: 6 }),
      row('pdd.manual3min', '2026-11-18', { pass: 100 }),
    ];
    const m = metric(complianceView(DEFAULT_RULES, rows, TODAY), 'pdd.manual3min');
    expect(m.today).toMatchObject({ pass: 6, fail: 2, pending: 1, rate: 0.75 });
    expect(m.todayState).toBe('ok');
    expect(m.periods).toHaveLength(1);
    expect(m.periods[0]).toMatchObject({ days: 1, from: '2026-11-19', to: '2026-11-19', state: 'warn' });
    expect(m.periods[0]!.figure.rate).toBe(0.4);
  });

  it('Taobao: 30 days ending yesterday; under 100 rounds is not assessed', () => {
    const few = [row('taobao.ww3min', '2026-11-10', { pass: 50, fail: 10 })];
    expect(metric(complianceView(DEFAULT_RULES, few, TODAY), 'taobao.ww3min').periods[0]!.state).toBe('notAssessed');
    const enough = [
      ...few,
      row('taobao.ww3min', '2026-10-21', { pass: 40, fail: 0 }),
      row('taobao.ww3min', '2026-10-20', { pass: 999 }),
    ];
    const p = metric(complianceView(DEFAULT_RULES, enough, TODAY), 'taobao.ww3min').periods[0]!;
    expect(p).toMatchObject({ from: '2026-10-21', to: '2026-11-19', state: 'ok' });
    expect(p.figure).toMatchObject({ pass: 90, fail: 10, rate: 0.9 });
  });

  it('1688 shows 7 and 30 days; capped averages come from the rollup sums', () => {
    const rows = [
      row('ali1688.perMsg3min', '2026-11-15', { pass: 7, fail: 3 }),
      row('ali1688.perMsg3min', '2026-11-01', { pass: 10 }),
    ];
    const m = metric(complianceView(DEFAULT_RULES, rows, TODAY), 'ali1688.perMsg3min');
    expect(m.periods.map((p) => [p.days, p.figure.pass, p.figure.fail])).toEqual([
      [7, 7, 3],
      [30, 17, 3],
    ]);
    const avg = metric(
      complianceView(
        DEFAULT_RULES,
        [row('taobao.avgResp', TODAY, { pass: 2, fail: 1, cappedSum: 60 + 30 + 600, cappedCount: 3 })],
        TODAY,
      ),
      'taobao.avgResp',
    );
    expect(avg.today.average).toBe(230);
    expect(avg.todayState).toBe('warn');
  });

  it('filters by account and marks platforms without data inactive', () => {
    const rows = [row('pdd.manual3min', TODAY, { pass: 1 }, 'a'), row('pdd.manual3min', TODAY, { fail: 1 }, 'b')];
    expect(metric(complianceView(DEFAULT_RULES, rows, TODAY, 'a'), 'pdd.manual3min').today.rate).toBe(1);
    expect(metric(complianceView(DEFAULT_RULES, rows, TODAY), 'pdd.manual3min').today.rate).toBe(0.5);
    const view = complianceView(DEFAULT_RULES, rows, TODAY);
    expect(view.filter((p) => p.active).map((p) => p.platform)).toEqual(['pdd']);
  });

  it('only not-assessed units: "not assessed", not 100%', () => {
    const m = metric(
      complianceView(DEFAULT_RULES, [row('pdd.manual3min', TODAY, { notAssessed: 3 })], TODAY),
      'pdd.manual3min',
    );
    expect(m.today.rate).toBeNull();
    expect(m.todayState).toBe('notAssessed');
  });

  it('1688: both message rates show; the retired round metric shows only where its history has rows, under its old label', () => {
    const keys = (rows: RollupRow[]) =>
      complianceView(DEFAULT_RULES, rows, TODAY)
        .find((p) => p.platform === 'ali1688')!
        .metrics.map((m) => m.rule.key);
    const fresh = [
      row('ali1688.firstMsg3min', TODAY, { pass: 1 }),
      row('ali1688.perMsg3min', TODAY, { pass: 2, fail: 1 }),
    ];
    expect(keys(fresh)).toEqual(['ali1688.firstMsg3min', 'ali1688.perMsg3min']);
    expect(keys([])).toEqual(['ali1688.firstMsg3min', 'ali1688.perMsg3min']);
    const old = [...fresh, row('ali1688.ww3min', '2026-11-01', { pass: 9, fail: 1 })];
    const view = complianceView(DEFAULT_RULES, old, TODAY).find((p) => p.platform === 'ali1688')!;
    expect(view.metrics.map((m) => m.rule.key)).toEqual([
      'ali1688.firstMsg3min',
      'ali1688.perMsg3min',
      'ali1688.ww3min',
    ]);
    const former = view.metrics[2]!;
    expect(former.rule.label.zh).toContain('旧口径');
    expect(former.periods.map((p) => [p.days, p.figure.pass, p.figure.fail])).toEqual([
      [7, 0, 0],
      [30, 9, 1],
    ]);
    // Its rows are among those the popup reads.
    expect(rollupKeyRanges(DEFAULT_RULES, TODAY).some(([lo]) => lo.startsWith('ali1688.ww3min|'))).toBe(true);
  });
});
