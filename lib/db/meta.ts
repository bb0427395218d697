/** Keys of the `meta` table that pages read too (the background writes them). */

/** The last space recovery's notice ({ at, events, units }). */
export const PRUNE_NOTICE_KEY = 'lastPrune';

export interface PruneNotice {
  at: number;
  events: number;
  units: number;
}

/**
 * The conversations a schema upgrade asks the background to recompute at its next start (a list of conversation
 * keys, e.g. the 1688 ones when 1688's metrics changed: schema v7). `Sentinel.start` recomputes them and deletes the
 * row; a damaged value is dropped.
 */
export const RECOMPUTE_KEY = 'recompute';

/**
 * The analytics page's past-days summaries (lib/analytics/past-stats.ts): one row per range, keyed by the range and
 * the China day it was built for (`pastStats:30:2026-12-06`). The background writes them; every write to an earlier
 * day's `dayStats` deletes them all (the key range of this prefix) in its own transaction.
 */
export const PAST_STATS_PREFIX = 'pastStats:';
export const pastStatsKey = (range: number, today: string): string => `${PAST_STATS_PREFIX}${range}:${today}`;
