/**
 * The analytics first read's past days in Node (issue 21, a diagnostic, not a goal): `days` × `perRow` decided units
 * per primary metric and day (one account; whole-millisecond waits, 5% never answered), as `dayStats` rows. Prints,
 * per range, the bytes of the past rows' packed `waits` against those of the range's summary (lib/analytics/
 * past-stats.ts) plus today's rows, the summaries' build time (the worker's, for the three ranges), and the first
 * frame's work on each (check + unpack + response figures), cold: each rep on fresh copies (structuredClone, as a read).
 *
 *   npx jiti scripts/bench/past-stats-size.ts [--days=90] [--per-row=1750] [--reps=5]
 */
import { performance } from 'node:perf_hooks';
import { RANGES, rangeScope, responseTrendsFromStats } from '../../lib/analytics';
import { isDayStatRow, packWaits, type DayStatRow } from '../../lib/analytics/daystats';
import { buildPastStats, isPastStats, responseTrendsFromPast } from '../../lib/analytics/past-stats';
import { PAST_STATS_METRICS } from '../../lib/background/past-stats';
import { addDays } from '../../lib/compliance';
import { effectiveRules } from '../../lib/rules';
import { arg } from './args';
import { prng } from './synth';

const days = Number(arg('days', '90'));
const perRow = Number(arg('per-row', '1750'));
const reps = Number(arg('reps', '5'));
const TODAY = '2026-12-06';
const rnd = prng(20261206);
const rules = effectiveRules(undefined);

function row(metric: string, day: string, count: number): DayStatRow {
  const waits: number[] = [];
  for (let i = 0; i < count; i++) waits.push(rnd() < 0.05 ? Infinity : Math.round(1000 * 600 * rnd() ** 3) / 1000);
  waits.sort((a, b) => a - b);
  const platform = metric.split('.')[0] as DayStatRow['platform'];
  return {
    id: `${metric}|${day}|${platform}|shop`,
    metric,
    day,
    platform,
    account: 'shop',
    n: count,
    waits: packWaits(waits),
    vol: { 10: count },
    fail: {},
  };
}

const rows: DayStatRow[] = [];
for (const m of PAST_STATS_METRICS)
  for (let d = 0; d <= days; d++) rows.push(row(m, addDays(TODAY, -d), d === 0 ? Math.round(perRow / 3) : perRow));
const today = rows.filter((r) => r.day === TODAY);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

let t0 = performance.now();
const built = RANGES.map((r) => buildPastStats(rows, PAST_STATS_METRICS, r, TODAY));
const buildMs = performance.now() - t0;
console.log(
  `rows ${rows.length}, ${perRow} waits per past row; build of the ${RANGES.length} summaries ${buildMs.toFixed(1)} ms`,
);
const todayBytes = today.reduce((s, r) => s + r.waits.byteLength, 0);
for (const [i, range] of RANGES.entries()) {
  const scope = rangeScope(TODAY, range);
  const past = rows.filter((r) => r.day >= scope.from && r.day < TODAY);
  const pastBytes = past.reduce((s, r) => s + r.waits.byteLength, 0);
  const summary = built[i]!;
  const summaryBytes = summary.metrics.reduce((s, m) => s + m.windows.reduce((t, w) => t + w.waits.byteLength, 0), 0);
  const rowsMs: number[] = [];
  const pastMs: number[] = [];
  for (let k = 0; k < reps; k++) {
    const copyRows = structuredClone([...past, ...today]);
    t0 = performance.now();
    if (!copyRows.every(isDayStatRow)) throw new Error('bad row');
    const a = responseTrendsFromStats(rules, copyRows, scope);
    rowsMs.push(performance.now() - t0);
    const copy = structuredClone({ summary, today });
    t0 = performance.now();
    if (!copy.today.every(isDayStatRow) || !isPastStats(copy.summary, range, TODAY)) throw new Error('bad summary');
    const b = responseTrendsFromPast(rules, copy.summary, copy.today, scope);
    pastMs.push(performance.now() - t0);
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`different figures at ${range} days`);
  }
  console.log(
    `${range} d: past rows' waits ${(pastBytes / 1024).toFixed(0)} kB + today ${(todayBytes / 1024).toFixed(0)} kB` +
      ` vs summary's windows ${(summaryBytes / 1024).toFixed(0)} kB + today; first-frame work p50 rows ${median(rowsMs).toFixed(1)} ms` +
      ` vs summary ${median(pastMs).toFixed(1)} ms (same figures)`,
  );
}
