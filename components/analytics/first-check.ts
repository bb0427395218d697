/**
 * The analytics page's first-frame rows, checked (`analyticsFromRaw`), and the first frame's figures computed from
 * them (`computedFirst`): what the page's first render needs. Dexie-free and React-free, so that
 * /analytics-worker.js (entrypoints/analytics-worker.ts) runs it off the page's main thread; the page's own read
 * (`first-read.ts`) uses the same checks.
 */
import {
  metricTrends,
  rangeScope,
  responseTrendsFromStats,
  type MetricTrend,
  type RangeDays,
  type ResponseTrend,
} from '@/lib/analytics';
import { isDayStatRow, type DayStatRow } from '@/lib/analytics/daystats';
import type { RollupRow } from '@/lib/model';
import { effectiveRules } from '@/lib/rules';
import { storedSetting, type Settings } from '@/lib/settings';
import { parseAccountKey } from './account-key';
import type { AnalyticsRaw } from './first-raw';

export interface AnalyticsFirst {
  today: string;
  /** The first day of the range read (`today − range`). */
  from: string;
  /** The rule overrides setting's row (its value unchecked: `effectiveRules` checks it). */
  overrides: { value: unknown } | undefined;
  /** The UI language setting, if set. */
  language?: Settings['language'];
  rollups: RollupRow[];
  /** The primary metrics' per-day aggregates of `from`…yesterday, and of today. */
  pastStats: DayStatRow[];
  todayStats: DayStatRow[];
  /** Not computed (the page computes the figures from the rows): see `ComputedFirst`. */
  figures?: undefined;
  rows?: undefined;
}

/**
 * The raw read's rows, checked: a malformed `dayStats` row throws (the Dexie read rebuilds its day from the units,
 * `readDayStats`; the raw read never reads units), so the page then reads through Dexie instead of showing it.
 */
export function analyticsFromRaw(r: AnalyticsRaw): AnalyticsFirst {
  const checked = (lists: unknown[][]): DayStatRow[] => {
    const rows = lists.flat();
    if (!rows.every(isDayStatRow)) throw new Error('a malformed dayStats row');
    return rows;
  };
  return firstOf(r.today, r.from, r.overrides, r.language, r.rollups, checked(r.pastStats), checked(r.todayStats));
}

export function firstOf(
  today: string,
  from: string,
  overrides: { value: unknown } | undefined,
  language: { value: unknown } | undefined,
  rollups: RollupRow[],
  pastStats: DayStatRow[],
  todayStats: DayStatRow[],
): AnalyticsFirst {
  return {
    today,
    from,
    overrides: overrides && { value: overrides.value },
    ...(language && { language: storedSetting('language', language.value) }),
    rollups,
    pastStats,
    todayStats,
  };
}

/** The figures the first frame shows above the fold, for the account it was opened with ('' = every account). */
export interface FirstFigures {
  account: string;
  trends: MetricTrend[];
  response: ResponseTrend[];
}

/** The primary metrics' per-day aggregates, past days and today apart (`AnalyticsFirst`'s). */
export interface FirstRows {
  pastStats: DayStatRow[];
  todayStats: DayStatRow[];
}

/**
 * The first frame as the worker gives it: its figures computed, without the per-day aggregates (they follow after
 * the paint: `rows`, for the sections below the fold; undefined if they never come: the live queries read them).
 */
export interface ComputedFirst extends Omit<AnalyticsFirst, 'pastStats' | 'todayStats' | 'figures' | 'rows'> {
  pastStats?: undefined;
  todayStats?: undefined;
  figures: FirstFigures;
  rows: Promise<FirstRows | undefined>;
}

/** What the page's first render takes: the rows (the page computes), or the figures (the worker computed). */
export type FirstFrame = AnalyticsFirst | ComputedFirst;

/**
 * The figures of the page's first frame from its checked rows, exactly as the page computes them in its local view
 * (`AnalyticsPage`: `metricTrends` of the rollups, `responseTrendsFromStats` of the aggregates, the rules with the
 * stored overrides, the range's scope for `account`).
 */
export function firstFigures(f: AnalyticsFirst, range: RangeDays, account: string): FirstFigures {
  const rules = effectiveRules(f.overrides?.value);
  const only = account ? parseAccountKey(account) : undefined;
  const scope = rangeScope(f.today, range, only);
  return {
    account,
    trends: metricTrends(rules, f.rollups, scope),
    response: responseTrendsFromStats(rules, [...f.pastStats, ...f.todayStats], scope),
  };
}
