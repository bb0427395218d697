/**
 * The analytics page's first-frame data: read on raw IndexedDB by /analytics-first.js (`first-raw.ts`) and checked
 * here, or read through Dexie (the named queries of `lib/db/queries.ts`) when the raw read is refused. Both give
 * the same `AnalyticsFirst` (`test/unit/analytics-first.test.ts`), which the page shows until its live queries run.
 */
import { isDayStatRow, type DayStatRow } from '@/lib/analytics/daystats';
import { isPastStats, responseTrendsFromPast, type PastStats } from '@/lib/analytics/past-stats';
import { rangeScope } from '@/lib/analytics/scope';
import { effectiveRules } from '@/lib/rules';
import { addDays } from '@/lib/compliance';
import { readDayStats, rollupsOfDays, settingRow } from '@/lib/db/queries';
import type { SentinelDB } from '@/lib/db/schema';
import { chinaDay } from '@/lib/engine/time';
import type { RollupRow } from '@/lib/model';
import { storedSetting, type Settings } from '@/lib/settings';
import { settledWithin } from '@/lib/ui/settled';
import { PRIMARY_METRICS, readAnalyticsRaw, type AnalyticsRaw } from './first-raw';

export interface AnalyticsFirst {
  today: string;
  /** The first day of the range read (`today − range`). */
  from: string;
  /** The rule overrides setting's row (its value unchecked: `effectiveRules` checks it). */
  overrides: { value: unknown } | undefined;
  /** The UI language setting, if set. */
  language?: Settings['language'];
  rollups: RollupRow[];
  /**
   * The primary metrics' per-day aggregates of `from`…yesterday (undefined: the first read took the range's
   * past-days summary instead, `past`), and of today.
   */
  pastStats?: DayStatRow[];
  /** The range's past-days summary for `today` (lib/analytics/past-stats.ts), checked, when the first read took it. */
  past?: PastStats;
  todayStats: DayStatRow[];
}

/** `analyticsFromRaw` refused the past-days summary (malformed, or too narrow for today): the rows can serve. */
export class PastStatsRefused extends Error {}

/**
 * The raw read's rows, checked: a malformed `dayStats` row throws (the Dexie read rebuilds its day from the units,
 * `readDayStats`; the raw read never reads units), so the page then reads through Dexie instead of showing it. A
 * past-days summary that is malformed, or that cannot give the range's figures with today's rows (today has more
 * units than it allows for: `responseTrendsFromPast`), throws `PastStatsRefused` (`analyticsFromRawRead` then reads
 * the rows raw).
 */
export function analyticsFromRaw(r: AnalyticsRaw): AnalyticsFirst {
  const checked = (lists: unknown[][]): DayStatRow[] => {
    const rows = lists.flat();
    if (!rows.every(isDayStatRow)) throw new Error('a malformed dayStats row');
    return rows;
  };
  const todayStats = checked(r.todayStats);
  let past: PastStats | undefined;
  if (r.past !== undefined) {
    if (!isPastStats(r.past, r.range, r.today)) throw new PastStatsRefused('a malformed past-days summary');
    // Which metrics are primary, hence the windows' use, does not depend on the overrides.
    if (!responseTrendsFromPast(effectiveRules(undefined), r.past, todayStats, rangeScope(r.today, r.range)))
      throw new PastStatsRefused('a past-days summary too narrow for today');
    past = r.past;
  } else if (!r.pastStats) throw new Error('no past-days rows nor summary');
  const out = first(
    r.today,
    r.from,
    r.overrides,
    r.language,
    r.rollups,
    r.pastStats && checked(r.pastStats),
    todayStats,
  );
  return past ? { ...out, past } : out;
}

/**
 * The page's first read, checked: `read` (`readAnalyticsRaw` of `now` and `range`, started by /analytics-first.js or
 * by the page) through `analyticsFromRaw`; when its past-days summary cannot serve (a sale day busier than its
 * windows allow, a damaged row the worker has not replaced yet), the raw read again without the summary, every row
 * in one transaction of its own, instead of the much slower Dexie read. Rejects when the rows are refused too, or the
 * raw read is (the page then reads through Dexie).
 */
export async function analyticsFromRawRead(
  read: Promise<AnalyticsRaw>,
  now: number,
  range: number,
): Promise<AnalyticsFirst> {
  const raw = await read;
  try {
    return analyticsFromRaw(raw);
  } catch (e) {
    if (!(e instanceof PastStatsRefused)) throw e;
    performance.mark('rs-analytics-summary-refused'); // for the benchmarks: the rows read raw again
    return analyticsFromRaw(await readAnalyticsRaw(now, range, false));
  }
}

/** The same through Dexie (the page's live queries read the same way). */
export async function readAnalyticsFirst(db: SentinelDB, now: number, range: number): Promise<AnalyticsFirst> {
  const today = chinaDay(now);
  const from = addDays(today, -range);
  const [overrides, language, rollups, pastStats, todayStats] = await Promise.all([
    settingRow(db, 'ruleOverrides'),
    settingRow(db, 'language'),
    rollupsOfDays(db, from, today),
    readDayStats(db, PRIMARY_METRICS, from, addDays(today, -1)),
    readDayStats(db, PRIMARY_METRICS, today, today),
  ]);
  return first(today, from, overrides, language, rollups, pastStats, todayStats);
}

function first(
  today: string,
  from: string,
  overrides: { value: unknown } | undefined,
  language: { value: unknown } | undefined,
  rollups: RollupRow[],
  pastStats: DayStatRow[] | undefined,
  todayStats: DayStatRow[],
): AnalyticsFirst {
  return {
    today,
    from,
    overrides: overrides && { value: overrides.value },
    ...(language && { language: storedSetting('language', language.value) }),
    rollups,
    ...(pastStats && { pastStats }),
    todayStats,
  };
}

/**
 * What the page's first render waits for: the first read, at most `timeoutMs` (then the page renders without it and
 * waits for it: `later`). In the team view, nothing: what the person opened it for is the owner's live view above the
 * page's own figures (`ShopLive.tsx`, its own start already under way), which must not wait for a local read it does
 * not show; the page's own figures follow once the read is in.
 */
export function firstRenderWait<T>(
  view: 'local' | 'team',
  first: Promise<T>,
  timeoutMs: number,
): Promise<T | undefined> {
  return view === 'team' ? Promise.resolve(undefined) : settledWithin(first, timeoutMs);
}
