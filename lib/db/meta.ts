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
