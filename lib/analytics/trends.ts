/**
 * Daily trends: each platform metric from the daily rollups (the platform's own formula: a rate or a capped
 * average), and the first-response time (median, p90) from the assessed units of each platform's primary metric.
 * Pure: the scope (days, account) is an input.
 */
import { sum, type Figure } from '../compliance';
import type { RollupRow, UnitRow } from '../model';
import { isDecided } from '../engine/rollup';
import { finiteCount, quantileOfSorted, waitsOf, type DayStatRow } from './daystats';
import type { Platform } from '../model';
import type { MetricRule, RuleSet } from '../rules/types';
import { inScope, scopeDays, type Scope } from './scope';

/**
 * A line the platform (or the rule) draws on a chart:
 * - `warn`: the platform's warning line for a rate (PDD 50% the previous day, 1688 80%);
 * - `deadline`: the reply deadline in seconds (e.g. 3 minutes), for average and response-time charts.
 */
export interface ThresholdLine {
  kind: 'warn' | 'deadline';
  /** A share (0..1) for rates, seconds for times. */
  value: number;
}

export interface TrendPoint {
  day: string;
  figure: Figure;
  /** The rate (0..1) or the capped average in seconds; null when the day has nothing decided. */
  value: number | null;
}

export interface MetricTrend {
  rule: MetricRule;
  points: TrendPoint[];
  /** The whole scope summed (what the platform would compute over these days). */
  total: Figure;
  /** Null when the platform publishes no line for this metric (the UI says so). */
  threshold: ThresholdLine | null;
}

/** The official line of a metric: the warning share of a rate, the deadline of a capped average. */
export function thresholdOf(rule: MetricRule): ThresholdLine | null {
  if (rule.formula === 'rate') return rule.warnBelow === undefined ? null : { kind: 'warn', value: rule.warnBelow };
  return { kind: 'deadline', value: rule.thresholdSec };
}

const valueOf = (rule: MetricRule, f: Figure): number | null => (rule.formula === 'rate' ? f.rate : f.average);

/**
 * One series per metric of the rules, a point per day of the scope (days without data are null, not zero).
 * Metrics with no row at all in the scope are left out.
 */
export function metricTrends(rules: RuleSet, rows: readonly RollupRow[], scope: Scope): MetricTrend[] {
  // Rows grouped by metric, then day: a metric without rows is passed over without a look at its days (the rules
  // have a few dozen metrics, the rows a handful: this runs in the analytics page's first frame).
  const byMetric = new Map<string, Map<string, RollupRow[]>>();
  for (const r of rows) {
    if (!inScope(r, scope)) continue;
    let byDay = byMetric.get(r.metric);
    if (!byDay) byMetric.set(r.metric, (byDay = new Map()));
    const list = byDay.get(r.day);
    if (list) list.push(r);
    else byDay.set(r.day, [r]);
  }
  const days = byMetric.size ? scopeDays(scope) : [];
  const out: MetricTrend[] = [];
  for (const p of Object.values(rules.platforms)) {
    for (const rule of p.metrics) {
      const byDay = byMetric.get(rule.key);
      if (!byDay) continue;
      const all: RollupRow[] = [];
      const points = days.map((day): TrendPoint => {
        const list = byDay.get(day) ?? [];
        all.push(...list);
        const figure = sum(list);
        return { day, figure, value: valueOf(rule, figure) };
      });
      if (!all.length) continue;
      out.push({ rule, points, total: sum(all), threshold: thresholdOf(rule) });
    }
  }
  return out;
}

/**
 * The p-th quantile (0..1) of ascending values, linearly interpolated between closest ranks (the common
 * "type 7" definition: Excel PERCENTILE.INC, NumPy's default). `Infinity` stands for "never answered":
 * a quantile that reaches into those is Infinity. Null for no values.
 */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new Error(`quantile must be between 0 and 1: ${p}`);
  const n = sorted.length;
  if (!n) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  const a = sorted[lo]!;
  if (frac === 0 || a === Infinity) return a;
  const b = sorted[lo + 1]!;
  if (b === Infinity) return Infinity;
  return a + frac * (b - a);
}

export interface ResponsePoint {
  day: string;
  /** Decided units (pass + fail) of the day. */
  n: number;
  /** Of which answered (a fail may have been answered late, or never). */
  answered: number;
  /** Seconds; Infinity when the quantile falls among the never-answered; null for no decided unit. */
  median: number | null;
  p90: number | null;
}

export interface ResponseTrend {
  platform: Platform;
  /** The primary metric's deadline (the 3-minute line; 30 s on JD). */
  threshold: ThresholdLine;
  metric: string;
  points: ResponsePoint[];
  /** Over the whole scope. */
  total: ResponsePoint;
}

/**
 * First-response time per day and platform, from the units of the platform's primary metric that are decided
 * (pass or fail): their `responseSec` (the wait from the clock start to the first valid reply). A fail that was
 * never answered counts as an infinitely long wait, so it pushes the quantiles up instead of vanishing; pending,
 * unknown and not-assessed units are left out (their wait is not known, or not counted by the platform).
 * Consumer-day units (PDD, Kuaishou) contribute the wait of the round that decided them.
 */
export function responseTrends(rules: RuleSet, units: readonly UnitRow[], scope: Scope): ResponseTrend[] {
  return primaryTrends(
    rules,
    units,
    scope,
    (u) => (isDecided(u.result) ? (u.responseSec ?? Infinity) : null),
    (day, values) => {
      const sorted = [...values].sort((a, b) => a - b);
      return {
        day,
        n: sorted.length,
        answered: sorted.filter((v) => v !== Infinity).length,
        median: quantile(sorted, 0.5),
        p90: quantile(sorted, 0.9),
      };
    },
  );
}

/**
 * `responseTrends` from the per-day aggregates (`dayStats`) instead of the units: the same figures (each row's
 * `waits` are the sorted `responseSec` of its decided units), without reading a unit.
 */
export function responseTrendsFromStats(rules: RuleSet, stats: readonly DayStatRow[], scope: Scope): ResponseTrend[] {
  return primaryTrends(rules, stats, scope, (r) => waitsOf(r), responsePoint);
}

/** The response point of a day (or a range) from its rows' sorted waits (`waitsOf`). */
export function responsePoint(day: string, arrays: readonly ArrayLike<number>[]): ResponsePoint {
  return {
    day,
    n: arrays.reduce((s, a) => s + a.length, 0),
    answered: arrays.reduce((s, a) => s + finiteCount(a), 0),
    median: quantileOfSorted(arrays, 0.5),
    p90: quantileOfSorted(arrays, 0.9),
  };
}

/**
 * The frame both response trends share: per platform with a primary metric that has rows in the scope, its rows'
 * values grouped by day (`valueOf`: null for a row that is in the scope but gives no value), then a point per day
 * of the scope and one over the whole scope (`point`).
 */
function primaryTrends<R extends { metric: string; day: string; platform: Platform; account: string }, V>(
  rules: RuleSet,
  rows: readonly R[],
  scope: Scope,
  valueOf: (row: R) => V | null,
  point: (day: string, values: V[]) => ResponsePoint,
): ResponseTrend[] {
  const days = scopeDays(scope);
  const out: ResponseTrend[] = [];
  for (const p of Object.values(rules.platforms)) {
    const rule = p.metrics.find((m) => m.key === p.primary);
    if (!rule) continue;
    const byDay = new Map<string, V[]>();
    let seen = false;
    for (const r of rows) {
      if (r.metric !== rule.key || !inScope(r, scope)) continue;
      seen = true;
      const v = valueOf(r);
      if (v === null) continue;
      const list = byDay.get(r.day);
      if (list) list.push(v);
      else byDay.set(r.day, [v]);
    }
    if (!seen) continue;
    out.push({
      platform: p.platform,
      metric: rule.key,
      threshold: { kind: 'deadline', value: rule.thresholdSec },
      points: days.map((d) => point(d, byDay.get(d) ?? [])),
      total: point(`${scope.from}..${scope.to}`, [...byDay.values()].flat()),
    });
  }
  return out;
}
