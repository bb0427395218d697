/**
 * The analytics page's first-frame read on raw IndexedDB, alone: what /analytics-first.js
 * (entrypoints/analytics-first.ts) runs before the page's module graph (React, the analytics functions) has loaded.
 * Only names, dates and the default rules' primary metrics (overrides change a metric's values, never which one is
 * primary): no Dexie, no settings schema, no row checks (`first-read.ts` checks the rows).
 */
import { RANGES, type RangeDays } from '@/lib/analytics/scope';
import { addDays } from '@/lib/compliance';
import { pastStatsKey } from '@/lib/db/meta';
import { INDEX, TABLE } from '@/lib/db/name';
import { openRawDb, rawResult } from '@/lib/db/raw';
import { chinaDay } from '@/lib/engine/time';
import type { RollupRow } from '@/lib/model';
import { PRIMARY_METRICS } from '@/lib/rules/defaults';

/** The stored rows the first frame shows, as read (see `analyticsFromRaw`). */
export interface AnalyticsRaw {
  /** The China day the read was made for, and the first day of its range (`today − range`). */
  today: string;
  from: string;
  overrides: { value: unknown } | undefined;
  language: { value: unknown } | undefined;
  /** The range read (days). */
  range: number;
  /** The rollups of `from`…`today` (`day` index). */
  rollups: RollupRow[];
  /**
   * The range's past-days summary for `today` as stored (`meta`, `pastStatsKey`; unchecked): when there is one, the
   * past days' `dayStats` rows are not read (`pastStats` undefined).
   */
  past?: unknown;
  /** The primary metrics' `dayStats` rows of `from`…yesterday and of today, one list per metric each (unchecked). */
  pastStats?: unknown[][];
  todayStats: unknown[][];
}

export { PRIMARY_METRICS };

/**
 * What the analytics page's first frame reads, on raw IndexedDB in one read-only transaction: the rule overrides
 * and language settings, the range's rollups, the range's past-days summary (`meta`, lib/analytics/past-stats.ts)
 * and today's per-day aggregates (`dayStats`) of the primary metrics; the past days' `dayStats` rows only when no
 * summary of today is stored (an older database, the day's first minutes, right after a late write to a past day:
 * requested in the same transaction once that is known) or when the page opens on one account (`summary` false: a
 * summary is of all accounts). Rejects, creating nothing,
 * when the database is missing or lacks a table or an index it needs (not yet upgraded): the page then reads
 * through Dexie.
 */
export async function readAnalyticsRaw(now: number, range: number, summary = true): Promise<AnalyticsRaw> {
  // For the benchmarks (analytics-ab.ts, trace-first.ts): the first read's timeline, a few µs each.
  const mark = (name: string) => () => void performance.mark(`rs-first-${name}`);
  mark('open')();
  const idb = await openRawDb();
  mark('opened')();
  try {
    const tx = idb.transaction([TABLE.settings, TABLE.rollups, TABLE.dayStats, TABLE.meta], 'readonly');
    const today = chinaDay(now);
    const from = addDays(today, -range);
    const yesterday = addDays(today, -1);
    const settings = tx.objectStore(TABLE.settings);
    const statsOf = (a: string, b: string) => {
      const stats = tx.objectStore(TABLE.dayStats).index(INDEX.dayStats.metricDay);
      return Promise.all(
        PRIMARY_METRICS.map((m) => rawResult<unknown[]>(stats.getAll(IDBKeyRange.bound([m, a], [m, b])))),
      );
    };
    // The summary and, when none is stored, the past rows: requested in the summary's own success event (the
    // transaction is active then), so that every row comes from one database state.
    const summaryAndPast = summary
      ? new Promise<[unknown, Promise<unknown[][]> | undefined]>((resolve, reject) => {
          const q = tx.objectStore(TABLE.meta).get(pastStatsKey(range, today));
          q.onsuccess = () => {
            const value = (q.result as { value: unknown } | undefined)?.value;
            resolve([value, value === undefined ? statsOf(from, yesterday) : undefined]);
          };
          q.onerror = () => reject(q.error);
        })
      : Promise.resolve<[unknown, Promise<unknown[][]>]>([undefined, statsOf(from, yesterday)]);
    const [overrides, language, rollups, [past, pastStats], todayStats] = await Promise.all([
      rawResult<{ value: unknown } | undefined>(settings.get('ruleOverrides')).finally(mark('settings')),
      rawResult<{ value: unknown } | undefined>(settings.get('language')),
      rawResult<RollupRow[]>(
        tx.objectStore(TABLE.rollups).index(INDEX.rollups.day).getAll(IDBKeyRange.bound(from, today)),
      ).finally(mark('rollups')),
      summaryAndPast.then(async ([value, rows]) => [value, await rows] as const).finally(mark('past')),
      statsOf(today, today).finally(mark('today')),
    ]);
    return {
      today,
      from,
      range,
      overrides,
      language,
      rollups,
      ...(past !== undefined && { past }),
      ...(pastStats && { pastStats }),
      todayStats,
    };
  } finally {
    idb.close();
  }
}

/** The page's persisted UI state in localStorage (zustand `persist`, `store.ts`): its key and version. */
export const ANALYTICS_STORE_KEY = 'rs-analytics';
export const ANALYTICS_STORE_VERSION = 1;

/** The page's persisted UI state as `store.ts` kept it (its version), unchecked; undefined when none or unreadable. */
function storedState(): Record<string, unknown> | undefined {
  try {
    const kept = JSON.parse(localStorage.getItem(ANALYTICS_STORE_KEY) ?? 'null') as {
      state?: unknown;
      version?: unknown;
    } | null;
    const state = kept?.version === ANALYTICS_STORE_VERSION ? kept.state : undefined;
    return state !== null && typeof state === 'object' ? (state as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // no storage, or not JSON: the store starts from its defaults too
  }
}

/** The range the page opens with: the one kept in its localStorage by `store.ts`, else 30 days (the default). */
export function storedRange(): RangeDays {
  const r = storedState()?.range;
  return (RANGES as readonly unknown[]).includes(r) ? (r as RangeDays) : 30;
}

/** Does the page open on one account (`store.ts`)? (The first read then reads the past rows: no summary is of one.) */
export function storedAccount(): boolean {
  const a = storedState()?.account;
  return typeof a === 'string' && a !== '';
}

/** The view the page opens with (`store.ts`): the team view only when it was kept, else this computer's. */
export function storedView(): 'local' | 'team' {
  return storedState()?.view === 'team' ? 'team' : 'local';
}
