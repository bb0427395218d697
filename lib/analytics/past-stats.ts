/**
 * The past days' part of the analytics page's first frame, summarised (issue 21): for each range the page offers,
 * built by the background for one China day ("today") from the per-day aggregates (`dayStats`) of the range's
 * past days (the scope's days before today), and stored in `meta` under `pastStatsKey(range, today)`. The first
 * frame then reads that row and today's `dayStats` rows instead of every past day's packed `waits` (at 90 days × 5 000
 * inquiries a day, 450 000 values to read and unpack).
 *
 * Exact, not an estimate: the per-day points are those `responseTrendsFromStats` computes from the day's rows (the
 * same function), and the range's median and p90 come from the past's sorted waits around those ranks (`RankWindow`,
 * wide enough for a today of up to `margin` decided units); when today has more, or the row is stale or malformed,
 * the page reads the past rows as before. A stored summary is never stale: its key names the day it was built for,
 * and every write to an earlier day's `dayStats` deletes all summaries in the same transaction
 * (lib/background/past-stats.ts). Pure: no Dexie.
 */
import { PRIMARY_METRICS } from '../rules/defaults';
import type { RuleSet } from '../rules/types';
import {
  finiteCount,
  kthOfSorted,
  packWaits,
  quantileOfWindow,
  unpackWaits,
  waitsOf,
  type DayStatRow,
} from './daystats';
import { inScope, rangeScope, scopeDays, type Scope } from './scope';
import { responsePoint, type ResponsePoint, type ResponseTrend } from './trends';

export { pastStatsKey, PAST_STATS_PREFIX } from '../db/meta';

/** The quantiles the first frame shows over a range (`responsePoint`: median and p90). */
const QUANTILES = [0.5, 0.9] as const;

/** A stretch of the past's sorted waits around one quantile's rank (`RankWindow`, its values packed). */
export interface PastWindow {
  below: number;
  waits: Uint8Array;
  above: number;
}

export interface PastMetric {
  metric: string;
  /** The past days' decided units and, of them, answered ones (all accounts). */
  n: number;
  answered: number;
  /** The response point of every past day with decided units (`responsePoint` of its rows). */
  days: ResponsePoint[];
  /** Around the ranks of the median and the p90 (`QUANTILES`), in that order. */
  windows: PastWindow[];
}

export interface PastStats {
  v: 1;
  range: number;
  /** The day it was built for: it covers the scope's days before it (`from` … the day before `today`). */
  today: string;
  from: string;
  /** The primary metrics it was built for (`PAST_STATS_METRICS` of the version that built it). */
  of: string[];
  /** The primary metrics that have rows in those days (a metric without rows there is left out). */
  metrics: PastMetric[];
}

/**
 * How many of today's decided units a window must allow for: 1.5 × the busiest past day's (and at least 256), so
 * a today busier than that reads the past rows instead. Wider windows cost the first read more bytes.
 */
export function pastMargin(dayCounts: readonly number[]): number {
  return Math.max(256, Math.ceil(1.5 * Math.max(0, ...dayCounts)));
}

/**
 * The summary of one range for `today` from the `dayStats` rows of its past days (rows of other days, or of
 * metrics not in `metrics`, are left out; every row must be well formed: the caller checks them).
 */
export function buildPastStats(
  rows: readonly DayStatRow[],
  metrics: readonly string[],
  range: number,
  today: string,
  margin?: number,
): PastStats {
  const from = rangeScope(today, range).from;
  const out: PastMetric[] = [];
  for (const metric of metrics) {
    const byDay = new Map<string, Float64Array[]>();
    for (const r of rows) {
      if (r.metric !== metric || r.day < from || r.day >= today) continue;
      const w = waitsOf(r);
      if (!w) throw new Error(`a malformed dayStats row: ${r.id}`);
      const list = byDay.get(r.day);
      if (list) list.push(w);
      else byDay.set(r.day, [w]);
    }
    if (!byDay.size) continue;
    const days = [...byDay.keys()].sort();
    const arrays = [...byDay.values()].flat();
    const n = arrays.reduce((s, a) => s + a.length, 0);
    const counts = days.map((d) => byDay.get(d)!.reduce((s, a) => s + a.length, 0));
    const m = margin ?? pastMargin(counts);
    out.push({
      metric,
      n,
      answered: arrays.reduce((s, a) => s + finiteCount(a), 0),
      days: days.map((d) => responsePoint(d, byDay.get(d)!)).filter((p) => p.n > 0),
      windows: QUANTILES.map((p) => pastWindow(arrays, n, p, m)),
    });
  }
  return { v: 1, range, today, from, of: [...metrics], metrics: out };
}

/**
 * The ranks [c − margin, c + margin + 2) around the quantile's rank c of the past alone, clipped to the values: the
 * values between the window's first and last (two selections), gathered by binary search and sorted.
 */
function pastWindow(arrays: readonly Float64Array[], n: number, p: number, margin: number): PastWindow {
  if (!n) return { below: 0, waits: packWaits([]), above: 0 };
  const c = Math.floor((n - 1) * p);
  const lo = Math.max(0, c - margin);
  const hi = Math.min(n, c + margin + 2);
  const first = kthOfSorted(arrays, lo);
  const last = kthOfSorted(arrays, hi - 1);
  let less = 0;
  const between: number[] = [];
  for (const a of arrays) {
    const start = firstAtLeast(a, first);
    less += start;
    for (let i = start; i < a.length && a[i]! <= last; i++) between.push(a[i]!);
  }
  const sorted = Float64Array.from(between).sort(); // numeric (a typed array's sort), Infinity last
  // `sorted` starts at rank `less` (the values below `first`): the window is its ranks lo … hi − 1.
  return { below: lo, waits: packWaits(sorted.subarray(lo - less, hi - less)), above: n - hi };
}

/** The first index of a sorted array whose value is ≥ v. */
function firstAtLeast(a: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** At most this many units in a range's past (90 days × 100 000 a day is 9 · 10⁶). */
const MOST_UNITS = 2 ** 31;
/** At most this many waits in a window (1.5 × the busiest day: 2²⁰ is a day of 700 000). */
const MOST_WINDOW = 2 ** 20;
const isCount = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= MOST_UNITS;
const isQuantile = (x: unknown): boolean => x === null || (typeof x === 'number' && x >= 0);

/** What a summary is built for: the primary metric of every platform (`PRIMARY_METRICS`), what the first frame shows. */
export const PAST_STATS_METRICS = PRIMARY_METRICS;

/**
 * Is this stored value a summary of `range` for `today`, built for the metrics of `PAST_STATS_METRICS` (another
 * version's set is not used), well formed? Nothing stored is trusted: a damaged row is not used (the page reads the
 * past rows instead, the worker builds it again), and no value makes the check throw or expand more than a window's
 * `MOST_WINDOW` waits. Unpacks the windows' waits (a few thousand values).
 */
export function isPastStats(x: unknown, range: number, today: string): x is PastStats {
  try {
    return checkPastStats(x, range, today);
  } catch {
    return false;
  }
}

function checkPastStats(x: unknown, range: number, today: string): x is PastStats {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Partial<PastStats>;
  if (s.v !== 1 || s.range !== range || s.today !== today || !Array.isArray(s.metrics)) return false;
  if (s.from !== rangeScope(today, range).from) return false;
  const seen = new Set<string>();
  for (const m of s.metrics as unknown[]) {
    if (typeof m !== 'object' || m === null) return false;
    const pm = m as Partial<PastMetric>;
    if (typeof pm.metric !== 'string' || seen.has(pm.metric)) return false;
    seen.add(pm.metric);
    if (!isCount(pm.n) || !isCount(pm.answered) || pm.answered > pm.n) return false;
    if (!Array.isArray(pm.days) || !Array.isArray(pm.windows) || pm.windows.length !== QUANTILES.length) return false;
    let prev = '';
    for (const d of pm.days as unknown[]) {
      const p = d as Partial<ResponsePoint> | null;
      if (typeof p !== 'object' || p === null || typeof p.day !== 'string') return false;
      if (p.day <= prev || p.day < s.from || p.day >= today) return false;
      prev = p.day;
      if (!isCount(p.n) || p.n < 1 || !isCount(p.answered) || p.answered > p.n) return false;
      if (!isQuantile(p.median) || !isQuantile(p.p90) || p.median === null || p.p90 === null) return false;
    }
    for (const w of pm.windows as unknown[]) {
      const pw = w as Partial<PastWindow> | null;
      if (typeof pw !== 'object' || pw === null || !isCount(pw.below) || !isCount(pw.above)) return false;
      if (Object.prototype.toString.call(pw.waits) !== '[object Uint8Array]') return false;
      const values = unpackWaits(pw.waits!, Math.min(pm.n, MOST_WINDOW));
      if (!values || pw.below + values.length + pw.above !== pm.n) return false;
    }
  }
  // Built for the primary metrics the first frame shows (another version's set would leave one out or add one).
  const of = s.of as unknown;
  return (
    Array.isArray(of) &&
    of.length === PAST_STATS_METRICS.length &&
    PAST_STATS_METRICS.every((m) => of.includes(m)) &&
    [...seen].every((m) => of.includes(m))
  );
}

const unpackedWindows = new WeakMap<Uint8Array, Float64Array>();

function windowOf(w: PastWindow) {
  let values = unpackedWindows.get(w.waits);
  if (!values) unpackedWindows.set(w.waits, (values = unpackWaits(w.waits) ?? new Float64Array()));
  return { below: w.below, values, above: w.above };
}

/**
 * `responseTrendsFromStats` of the past rows the summary was built from and today's rows, from the summary: the
 * same figures. `undefined` when it cannot give them: a scope that is not the summary's range of all accounts, or
 * a today with more decided units than a window allows for (the caller then reads the past rows).
 */
export function responseTrendsFromPast(
  rules: RuleSet,
  past: PastStats,
  todayRows: readonly DayStatRow[],
  scope: Scope,
): ResponseTrend[] | undefined {
  if (scope.account !== undefined || scope.from !== past.from || scope.to !== past.today) return undefined;
  const days = scopeDays(scope);
  const byMetric = new Map(past.metrics.map((m) => [m.metric, m]));
  const out: ResponseTrend[] = [];
  for (const p of Object.values(rules.platforms)) {
    const rule = p.metrics.find((m) => m.key === p.primary);
    if (!rule) continue;
    const pm = byMetric.get(rule.key);
    const rows = todayRows.filter((r) => r.metric === rule.key && inScope(r, scope));
    if (!pm && !rows.length) continue;
    const today: Float64Array[] = [];
    for (const r of rows) {
      const w = waitsOf(r);
      if (w) today.push(w);
    }
    const pastDays = new Map((pm?.days ?? []).map((d) => [d.day, d]));
    const todayPoint = responsePoint(past.today, today);
    const points = days.map((d) => (d === past.today ? todayPoint : (pastDays.get(d) ?? responsePoint(d, []))));
    const [median, p90] = QUANTILES.map((q, i) =>
      pm ? quantileOfWindow(windowOf(pm.windows[i]!), today, q) : quantileOfWindow(EMPTY, today, q),
    );
    if (median === undefined || p90 === undefined) return undefined;
    out.push({
      platform: p.platform,
      metric: rule.key,
      threshold: { kind: 'deadline', value: rule.thresholdSec },
      points,
      total: {
        day: `${scope.from}..${scope.to}`,
        n: (pm?.n ?? 0) + todayPoint.n,
        answered: (pm?.answered ?? 0) + todayPoint.answered,
        median,
        p90,
      },
    });
  }
  return out;
}

const EMPTY = { below: 0, values: new Float64Array(), above: 0 };
