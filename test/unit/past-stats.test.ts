import { describe, expect, it } from 'vitest';
import { primaryMetrics, rangeScope, RANGES, responseTrends, responseTrendsFromStats } from '../../lib/analytics';
import { buildDayStats, quantileOfSorted, quantileOfWindow, type DayStatRow } from '../../lib/analytics/daystats';
import { buildPastStats, isPastStats, responseTrendsFromPast } from '../../lib/analytics/past-stats';
import { addDays } from '../../lib/compliance';
import { chinaTime } from '../../lib/engine/time';
import type { UnitResult, UnitRow } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';
import { prng } from '../../scripts/bench/synth';
import { unitRow } from './helpers/units';

const TODAY = '2026-11-27';
const rules = effectiveRules(undefined);
const PRIMARY = [...primaryMetrics(rules)];
const RESULTS: UnitResult[] = ['pass', 'pass', 'pass', 'fail', 'pending', 'unknown', 'notAssessed'];

/**
 * Random units of three primary metrics and one other over 100 days before today and today: some days empty, two
 * accounts on some days, waits from a few values (many repeats) or whole milliseconds, never answered fails.
 */
function randomUnits(seed: number, perDay: number, todayCount: number): UnitRow[] {
  const rnd = prng(seed);
  const out: UnitRow[] = [];
  for (const metric of [PRIMARY[0]!, PRIMARY[1]!, PRIMARY[2]!, 'pdd.manual3minX'])
    for (let d = 0; d <= 100; d++) {
      const day = addDays(TODAY, -d);
      if (d > 0 && rnd() < 0.2) continue; // a day with no data
      const count = d === 0 ? todayCount : Math.floor(rnd() * perDay);
      for (let i = 0; i < count; i++) {
        const result = RESULTS[Math.floor(rnd() * RESULTS.length)]!;
        const coarse = rnd() < 0.5;
        const wait = coarse ? [5, 30, 60, 180][Math.floor(rnd() * 4)]! : Math.round(rnd() * 400_000) / 1000;
        const responseSec = result === 'fail' && rnd() < 0.4 ? null : wait;
        out.push(
          unitRow(metric, day, chinaTime(day, Math.floor(rnd() * 24), Math.floor(rnd() * 60)), result, responseSec, {
            account: rnd() < 0.8 ? 'shop' : 'shop:2',
          }),
        );
      }
    }
  return out;
}

describe('the past days summarised (issue 21): the first frame figures equal those of the rows and of the units', () => {
  for (const seed of [1, 2, 3, 4])
    for (const range of RANGES)
      it(`seed ${seed}, ${range} days: the same response trends as the rows give, and as the units give`, () => {
        const units = randomUnits(seed, 40, seed * 15);
        const rows = buildDayStats(units);
        const today = rows.filter((r) => r.day === TODAY);
        const past = buildPastStats(rows, PRIMARY, range, TODAY);
        expect(isPastStats(past, range, TODAY)).toBe(true);
        const scope = rangeScope(TODAY, range);
        const fromPast = responseTrendsFromPast(rules, past, today, scope);
        expect(fromPast).toBeDefined();
        expect(fromPast).toEqual(responseTrendsFromStats(rules, rows, scope));
        expect(fromPast).toEqual(responseTrends(rules, units, scope));
        // Windows as wide as today's units: still the same figures, and at 90 days most of the past's waits
        // are outside them at 90.
        const tight = buildPastStats(rows, PRIMARY, range, TODAY, seed * 15);
        expect(responseTrendsFromPast(rules, tight, today, scope)).toEqual(fromPast);
        if (range === 90)
          for (const m of tight.metrics) for (const w of m.windows) expect(w.below + w.above).toBeGreaterThan(m.n / 2);
      });

  it('a today with more decided units than a window allows for gives no figures (the past rows are read), never wrong ones', () => {
    let used = 0;
    let refused = 0;
    for (let seed = 10; seed < 40; seed++) {
      const rnd = prng(seed);
      const units = randomUnits(seed, 12, Math.floor(rnd() * 60));
      const rows = buildDayStats(units);
      const today = rows.filter((r) => r.day === TODAY);
      const range = RANGES[seed % RANGES.length]!;
      const scope = rangeScope(TODAY, range);
      // Tight windows: around each rank only a few values.
      const past = buildPastStats(rows, PRIMARY, range, TODAY, Math.floor(rnd() * 30));
      const fromPast = responseTrendsFromPast(rules, past, today, scope);
      if (fromPast === undefined) refused++;
      else {
        used++;
        expect(fromPast).toEqual(responseTrendsFromStats(rules, rows, scope));
      }
    }
    expect(used).toBeGreaterThan(3);
    expect(refused).toBeGreaterThan(3);
  });

  it('the window quantile at the edges of what it holds: every rank either exact or refused', () => {
    const rnd = prng(7);
    for (let round = 0; round < 300; round++) {
      const all = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 8)).sort((a, b) => a - b);
      const others = Array.from({ length: Math.floor(rnd() * 12) }, () => Math.floor(rnd() * 8)).sort((a, b) => a - b);
      const lo = Math.floor(rnd() * all.length);
      const hi = lo + Math.floor(rnd() * (all.length - lo + 1));
      const window = { below: lo, values: all.slice(lo, hi), above: all.length - hi };
      for (const p of [0, 0.25, 0.5, 0.9, 1]) {
        const got = quantileOfWindow(window, [others], p);
        if (got !== undefined) expect(got).toBe(quantileOfSorted([all, others], p));
      }
    }
    // The whole multiset in the window: always given.
    expect(quantileOfWindow({ below: 0, values: [1, 2, 3], above: 0 }, [[4]], 0.5)).toBe(2.5);
  });

  it('a scope the summary is not for gives no figures: one account, another range, another day', () => {
    const units = randomUnits(5, 10, 5);
    const rows = buildDayStats(units);
    const today = rows.filter((r) => r.day === TODAY);
    const past = buildPastStats(rows, PRIMARY, 30, TODAY);
    expect(
      responseTrendsFromPast(rules, past, today, rangeScope(TODAY, 30, { platform: 'pdd', account: 'shop' })),
    ).toBe(undefined);
    expect(responseTrendsFromPast(rules, past, today, rangeScope(TODAY, 90))).toBe(undefined);
    expect(responseTrendsFromPast(rules, past, today, rangeScope(addDays(TODAY, 1), 30))).toBe(undefined);
  });

  it('a damaged or other summary is refused', () => {
    const rows = buildDayStats(randomUnits(6, 10, 5));
    const past = buildPastStats(rows, PRIMARY, 30, TODAY);
    expect(isPastStats(past, 30, TODAY)).toBe(true);
    expect(isPastStats(past, 90, TODAY)).toBe(false);
    expect(isPastStats(past, 30, addDays(TODAY, 1))).toBe(false);
    const clone = () => structuredClone(past) as unknown as { metrics: Record<string, unknown>[] };
    for (const damage of [
      (s: ReturnType<typeof clone>) => (s.metrics[0]!.n = -1),
      (s: ReturnType<typeof clone>) => ((s.metrics[0]!.windows as { below: number }[])[0]!.below += 1),
      (s: ReturnType<typeof clone>) => ((s.metrics[0]!.windows as { waits: unknown }[])[1]!.waits = [1, 2]),
      (s: ReturnType<typeof clone>) => ((s.metrics[0]!.days as { day: string }[])[0]!.day = TODAY),
      (s: ReturnType<typeof clone>) => (s.metrics[1] = s.metrics[0]!),
      (s: ReturnType<typeof clone>) => (s.metrics = 'x' as never),
    ]) {
      const s = clone();
      damage(s);
      expect(isPastStats(s, 30, TODAY)).toBe(false);
    }
    expect(isPastStats(null, 30, TODAY)).toBe(false);
  });

  it('no past rows: the figures are today’s alone', () => {
    const units = randomUnits(8, 10, 20).filter((u) => u.day === TODAY);
    const rows: DayStatRow[] = buildDayStats(units);
    const past = buildPastStats(rows, PRIMARY, 7, TODAY);
    expect(past.metrics).toEqual([]);
    const scope = rangeScope(TODAY, 7);
    expect(responseTrendsFromPast(rules, past, rows, scope)).toEqual(responseTrendsFromStats(rules, rows, scope));
  });
});
