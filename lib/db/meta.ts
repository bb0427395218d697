/** Keys of the `meta` table that pages read too (the background writes them). */

/** The last space recovery's notice ({ at, events, units }). */
export const PRUNE_NOTICE_KEY = 'lastPrune';

export interface PruneNotice {
  at: number;
  events: number;
  units: number;
}
