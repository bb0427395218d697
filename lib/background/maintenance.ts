/**
 * Storage housekeeping: purge-all (the user's "delete my data"), and recovery when the browser refuses to store
 * more (quota exhausted): the oldest records go first, by whole China days, with a notice, and nothing
 * half-written is left behind (every write is a Dexie transaction, so a refused write rolls back whole).
 *
 * Frozen days: a day that lost raw messages (retention prune, space recovery) keeps its stored results (units) and
 * daily figures (rollups) for good; recomputing it from what is left would undercount it. `meta.prunedBefore` is
 * the first day whose messages are all still kept; it only ever moves forward (purge-all resets it with the rest).
 */
import type { SentinelDB } from '../db/schema';
import { chinaDay, chinaDayStart } from '../engine/time';

/** The tables that hold chat data (phrases and settings are the user's configuration and stay). */
const CHAT_TABLES = ['events', 'clocks', 'units', 'rollups', 'dayStats', 'coverage', 'teamRollups'] as const;

import { PRUNE_NOTICE_KEY, type PruneNotice } from '../db/meta';
import { dropPastStats } from './past-stats';

export { PRUNE_NOTICE_KEY, type PruneNotice };
/** `meta` key: the first China day (`YYYY-MM-DD`) whose raw messages are complete; earlier days are frozen. */
export const PRUNED_BEFORE_KEY = 'prunedBefore';

/** The persisted frozen-day boundary (`meta.prunedBefore`), if any prune ever deleted messages. */
export async function readPrunedBefore(db: SentinelDB): Promise<string | undefined> {
  const v = (await db.meta.get(PRUNED_BEFORE_KEY))?.value;
  return typeof v === 'string' ? v : undefined;
}

/** Records that the messages of every day before `day` were pruned (never moves the boundary back). */
export async function markPrunedBefore(db: SentinelDB, day: string): Promise<void> {
  const prev = await readPrunedBefore(db);
  if (prev === undefined || day > prev) await db.meta.put({ key: PRUNED_BEFORE_KEY, value: day });
}

/** Deletes all chat data on this computer; returns how many rows went. */
export async function purgeAll(db: SentinelDB): Promise<number> {
  const tables = CHAT_TABLES.filter((n) => db.tables.some((t) => t.name === n)).map((n) => db.table(n));
  let removed = 0;
  await db.transaction('rw', [...tables, db.meta], async () => {
    for (const t of tables) {
      removed += await t.count();
      await t.clear();
    }
    await db.meta.bulkDelete([PRUNE_NOTICE_KEY, PRUNED_BEFORE_KEY]);
    await dropPastStats(db);
  });
  return removed;
}

/** Is this error the browser saying "no more space"? (Dexie wraps the DOMException.) */
export function isQuotaError(err: unknown): boolean {
  for (let e = err as { name?: string; inner?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.name === 'QuotaExceededError' || e.name === 'QuotaExceeded') return true;
    e = e.inner as typeof e;
  }
  return false;
}

const DAY_MS = 86_400_000;
const nextDay = (day: string) => chinaDay(chinaDayStart(day) + DAY_MS);

/**
 * The first day to keep when the oldest whole days before `today` go: days are taken from the oldest until they hold
 * at least `target` rows (or `today` is reached); null when there is no such day. `after(null)` is the oldest day,
 * `after(d)` the first day after `d` that has rows.
 */
async function keepFrom(
  today: string,
  target: number,
  after: (day: string | null) => Promise<string | undefined>,
  count: (day: string) => Promise<number>,
): Promise<string | null> {
  let keep: string | null = null;
  let rows = 0;
  for (let day = await after(null); day !== undefined && day < today; day = await after(day)) {
    rows += await count(day);
    keep = nextDay(day);
    if (rows >= target) break;
  }
  return keep;
}

/**
 * Frees space by deleting the oldest whole China days (before today) of raw messages that hold at least a quarter
 * of them; those days become frozen (`meta.prunedBefore`): their results and daily figures stay as they are. When
 * no messages before today are left, the oldest whole days of results that hold at least a quarter of them go
 * instead, together with those days' daily figures (rollups and aggregates), so the figures always equal what the results give. Today is
 * never pruned. Records a notice for the UI.
 */
export async function freeSpace(db: SentinelDB, now: number): Promise<PruneNotice> {
  const notice: PruneNotice = { at: now, events: 0, units: 0 };
  const today = chinaDay(now);
  await db.transaction('rw', [db.events, db.units, db.rollups, db.dayStats, db.meta], async () => {
    const firstAt = async (from: number) => (await db.events.where('at').aboveOrEqual(from).limit(1).keys())[0];
    let keep = await keepFrom(
      today,
      Math.ceil((await db.events.count()) / 4),
      async (day) => {
        const at = await firstAt(day === null ? -Infinity : chinaDayStart(nextDay(day)));
        return typeof at === 'number' ? chinaDay(at) : undefined;
      },
      (day) =>
        db.events
          .where('at')
          .between(chinaDayStart(day), chinaDayStart(nextDay(day)), true, false)
          .count(),
    );
    if (keep === null) {
      keep = await keepFrom(
        today,
        Math.ceil((await db.units.count()) / 4),
        async (day) =>
          (
            (day === null
              ? await db.units.orderBy('day').limit(1).keys()
              : await db.units.where('day').above(day).limit(1).keys()) as string[]
          )[0],
        (day) => db.units.where('day').equals(day).count(),
      );
      if (keep !== null) {
        notice.units = await db.units.where('day').below(keep).delete();
        await db.rollups.where('day').below(keep).delete();
        await db.dayStats.where('day').below(keep).delete();
        await dropPastStats(db);
      }
    }
    if (keep !== null) {
      notice.events = await db.events.where('at').below(chinaDayStart(keep)).delete();
      await markPrunedBefore(db, keep);
    }
    await db.meta.put({ key: PRUNE_NOTICE_KEY, value: notice });
  });
  return notice;
}

/**
 * Runs a write; when the browser refuses it for lack of space, frees space once and tries again.
 * Any other error, or a second refusal, is passed on.
 */
export async function withSpace<T>(
  db: SentinelDB,
  now: () => number,
  write: () => Promise<T>,
  onPrune: (n: PruneNotice) => void,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isQuotaError(err)) throw err;
    onPrune(await freeSpace(db, now()));
    return write();
  }
}
