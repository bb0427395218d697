/**
 * The analytics page's past-days summaries (lib/analytics/past-stats.ts), kept by the background: built for today
 * from the stored `dayStats` rows (a malformed one rebuilt from its day's units in memory, `readDayStats`), one
 * `meta` row per range the page offers, keyed by range and day (`pastStatsKey`). Every write to an earlier day's
 * `dayStats` deletes them all in its own transaction (`dropPastStats`: `issueDayStatsChange`, which every change of
 * the rows passes through — the recompute of a late unit, an account move —, the space recovery, a purge, a
 * rebuild), so a stored summary is never older than the rows; the worker builds them again when the deletions'
 * count moved (`pastStatsDrops`, `Sentinel.refreshPastStats`).
 */
import { PAST_STATS_METRICS, buildPastStats, isPastStats } from '../analytics/past-stats';
import { RANGES, rangeScope } from '../analytics/scope';
import { addDays } from '../compliance';
import { readDayStats } from '../db/daystats-read';
import { PAST_STATS_PREFIX, pastStatsKey } from '../db/meta';
import type { SentinelDB } from '../db/schema';
import { chinaDay, chinaDayStart } from '../engine/time';

export { PAST_STATS_METRICS };

/**
 * No summary is built in a day's first minutes: a write to yesterday whose `now` was taken before midnight (an
 * intake's, its units written in a transaction right after) deletes none (yesterday was today for it), so it must
 * come before any summary that counts yesterday as past. The transactions are ordered; this keeps the build after
 * every such write.
 */
export const PAST_STATS_GRACE_MS = 10 * 60_000;

/** How many times the summaries of each database were deleted (`dropPastStats`) on this worker. */
const drops = new WeakMap<SentinelDB, number>();

/**
 * Deletes every stored summary (in the caller's transaction, which must include `meta`), and counts it
 * (`pastStatsDrops`): the background builds them again when the count moved (`Sentinel.refreshPastStats`).
 */
export function dropPastStats(db: SentinelDB): Promise<number> {
  drops.set(db, pastStatsDrops(db) + 1);
  return db.meta.where(':id').between(PAST_STATS_PREFIX, `${PAST_STATS_PREFIX}\uffff`).delete();
}

/** The latest day a stored summary of each database is for, as this worker last saw them (`refreshPastStats`). */
const newest = new WeakMap<SentinelDB, string>();

/**
 * The latest day a stored summary is for, as far as this worker knows (`''`: none seen). Normally today; a later day
 * when the computer's clock was put back across China midnight after it was built: a change to a day before it
 * (today, for the clock) must delete it too (`issueDayStatsChange`).
 */
export function pastStatsNewest(db: SentinelDB): string {
  return newest.get(db) ?? '';
}

/** How many times `dropPastStats` ran on `db` (issued: an aborted transaction's counts too, a rebuild too many). */
export function pastStatsDrops(db: SentinelDB): number {
  return drops.get(db) ?? 0;
}

/**
 * The summaries of today, built when they are not all stored and well formed (`isPastStats`; those of other days
 * are then deleted), in one transaction: `current` when there was nothing to do, `early` in the day's first minutes
 * (`PAST_STATS_GRACE_MS`).
 */
export async function refreshPastStats(db: SentinelDB, now: number): Promise<'built' | 'current' | 'early'> {
  const today = chinaDay(now);
  if (now < chinaDayStart(today) + PAST_STATS_GRACE_MS) return 'early';
  const want = RANGES.map((r) => pastStatsKey(r, today));
  return db.transaction('rw', [db.dayStats, db.units, db.meta], async () => {
    const stored = (await db.meta
      .where(':id')
      .between(PAST_STATS_PREFIX, `${PAST_STATS_PREFIX}\uffff`)
      .primaryKeys()) as string[];
    // Stored and well formed: a damaged value (a half-written row, another version's format) is built again.
    const rows = await db.meta.bulkGet(want);
    if (rows.every((row, i) => row && isPastStats(row.value, RANGES[i]!, today))) {
      const days = stored.map((k) => k.slice(k.lastIndexOf(':') + 1));
      newest.set(
        db,
        days.reduce((a, b) => (b > a ? b : a), today),
      );
      return 'current';
    }
    const past = await readDayStats(
      db,
      PAST_STATS_METRICS,
      rangeScope(today, Math.max(...RANGES)).from,
      addDays(today, -1),
    );
    const old = stored.filter((k) => !want.includes(k));
    if (old.length) await db.meta.bulkDelete(old);
    await db.meta.bulkPut(
      RANGES.map((r) => ({ key: pastStatsKey(r, today), value: buildPastStats(past, PAST_STATS_METRICS, r, today) })),
    );
    newest.set(db, today);
    return 'built';
  });
}
