/**
 * The stored figures that follow the units: rollup rows (`tallyUnits`, lib/engine/rollup.ts) and per-day aggregates
 * (`dayStats`, lib/analytics/daystats.ts). A recompute moves them from a conversation's old units to its new ones in
 * the same transaction; `rebuildRollups` rebuilds both from the stored units.
 */
import {
  applyDayStatDelta,
  buildDayStats,
  dayStatsDelta,
  type DayStatDelta,
  type DayStatRow,
} from '../analytics/daystats';
import type { SentinelDB } from '../db/schema';
import { tallyUnits } from '../engine/rollup';
import { dropPastStats, pastStatsNewest } from './past-stats';
import type { RollupRow, UnitRow } from '../model';

/**
 * A change's writes, issued (`done` settles when they have been answered). `issued`: every request of the change was
 * made before the call returned (its rows were all known, nothing had to be read or rebuilt), so once the caller has
 * issued its own writes the transaction may commit at once (`Recompute.within`); false: more requests follow later.
 */
export interface Issued {
  done: Promise<void>;
  issued: boolean;
}

const NOTHING: Issued = { done: Promise.resolve(), issued: true };

/**
 * The rows of `ids` in `known` (read earlier in the same transaction, undefined: no row), or null when some are not
 * there (they must be read: `readRows`).
 */
function knownRows<T>(ids: readonly string[], known?: ReadonlyMap<string, T | undefined>): (T | undefined)[] | null {
  if (!known || ids.some((id) => !known.has(id))) return null;
  return ids.map((id) => known.get(id));
}

/** Reads the rows of `ids` from `table`, taking those in `known` from there (one request for the others). */
async function readRows<T>(
  table: { bulkGet(keys: string[]): Promise<(T | undefined)[]> },
  ids: readonly string[],
  known?: ReadonlyMap<string, T | undefined>,
): Promise<(T | undefined)[]> {
  const missing = known ? ids.filter((id) => !known.has(id)) : [...ids];
  const read = await table.bulkGet(missing);
  const got = new Map(missing.map((id, i) => [id, read[i]]));
  return ids.map((id) => (known?.has(id) ? known.get(id) : got.get(id)));
}

/**
 * Moves rollup counts from the old units of a conversation to its new ones. `known`: rollup rows read earlier in the
 * same transaction (`Recompute.prefetch`), by id.
 */
export function applyRollupDelta(
  db: SentinelDB,
  old: readonly UnitRow[],
  next: readonly UnitRow[],
  now: number,
  known?: ReadonlyMap<string, RollupRow | undefined>,
): Promise<void> {
  return issueRollupDelta(db, old, next, now, known).done;
}

/**
 * `applyRollupDelta`, saying whether every request was issued before it returned (`Issued`). `written`: told each
 * row written (undefined: deleted), by id, as the requests are made.
 */
export function issueRollupDelta(
  db: SentinelDB,
  old: readonly UnitRow[],
  next: readonly UnitRow[],
  now: number,
  known?: ReadonlyMap<string, RollupRow | undefined>,
  written?: Map<string, RollupRow | undefined>,
): Issued {
  const delta = new Map<string, RollupRow>();
  tallyUnits(delta, old, -1, now);
  tallyUnits(delta, next, 1, now);
  if (!delta.size) return NOTHING;
  const ids = [...delta.keys()];
  // Requests are made in the same call as the rows are at hand: no await between them.
  const write = (current: readonly (RollupRow | undefined)[]): Promise<void> => {
    const out: RollupRow[] = [];
    const empty: string[] = [];
    ids.forEach((id, i) => {
      const d = delta.get(id)!;
      const c = current[i];
      const r: RollupRow = c
        ? {
            ...c,
            pass: c.pass + d.pass,
            fail: c.fail + d.fail,
            pending: c.pending + d.pending,
            unknown: c.unknown + d.unknown,
            notAssessed: c.notAssessed + d.notAssessed,
            cappedSum: c.cappedSum + d.cappedSum,
            cappedCount: c.cappedCount + d.cappedCount,
            updatedAt: now,
          }
        : d;
      const none = r.pass + r.fail + r.pending + r.unknown + r.notAssessed === 0;
      if (none) empty.push(id);
      else out.push(r);
      written?.set(id, none ? undefined : r);
    });
    return Promise.all([
      out.length ? db.rollups.bulkPut(out) : undefined,
      empty.length ? db.rollups.bulkDelete(empty) : undefined,
    ]).then(() => undefined);
  };
  const current = knownRows(ids, known);
  if (current) return { done: write(current), issued: true };
  return { done: readRows(db.rollups, ids, known).then(write), issued: false };
}

/** Does a delta change nothing in its row (a unit rewritten with the same day, slot, result and wait)? */
function isNoop(d: DayStatDelta): boolean {
  if (d.n !== 0 || d.add.length !== d.remove.length) return false;
  for (const v of d.vol.values()) if (v !== 0) return false;
  for (const v of d.fail.values()) if (v !== 0) return false;
  const a = [...d.add].sort((x, y) => x - y);
  const r = [...d.remove].sort((x, y) => x - y);
  return a.every((v, i) => v === r[i]);
}

/**
 * Moves the per-day aggregates from a conversation's old units to its new ones (after the new units are stored, in
 * the same transaction). A stored row that is malformed, or disagrees with the delta, is rebuilt from the units of
 * its (metric, day, platform, account): nothing stored stops the worker. `today`: the China day of the change (a
 * change to an earlier day's rows deletes the past-days summaries, see `issueDayStatsChange`). `known`: rows read
 * earlier in the same transaction, by id.
 */
export function applyDayStatsChange(
  db: SentinelDB,
  old: readonly UnitRow[],
  next: readonly UnitRow[],
  today: string,
  known?: ReadonlyMap<string, unknown>,
): Promise<void> {
  return issueDayStatsChange(db, old, next, today, known).done;
}

/**
 * `applyDayStatsChange`, saying whether every request was issued before it returned (`Issued`); `written`: as in
 * `issueRollupDelta`. Every write to `dayStats` but the rebuild's passes through here: a change to an earlier day's
 * rows than `today` (or than the latest stored summary's day, `pastStatsNewest`) deletes the analytics page's past-days summaries in the same transaction (`dropPastStats`,
 * counted for their rebuild; the caller's transaction includes `meta`), and is then not `issued` (rare: a late unit
 * of a past day, an account move).
 */
export function issueDayStatsChange(
  db: SentinelDB,
  old: readonly UnitRow[],
  next: readonly UnitRow[],
  today: string,
  known?: ReadonlyMap<string, unknown>,
  written?: Map<string, unknown>,
): Issued {
  const delta = dayStatsDelta(old, next);
  for (const [id, d] of delta) if (isNoop(d)) delta.delete(id);
  if (!delta.size) return NOTHING;
  const change = writeDayStats(db, [...delta.values()], known, written);
  // Earlier than today, or than a summary built for a later day (the clock put back across midnight since).
  const newest = pastStatsNewest(db);
  const through = newest > today ? newest : today;
  if (![...delta.values()].some((d) => d.day < through)) return change;
  return {
    done: Promise.all([change.done, dropPastStats(db)]).then(() => undefined),
    issued: false,
  };
}

/** Writes the rows of `ds` with their deltas applied (`issueDayStatsChange`). */
function writeDayStats(
  db: SentinelDB,
  ds: readonly DayStatDelta[],
  known?: ReadonlyMap<string, unknown>,
  written?: Map<string, unknown>,
): Issued {
  const ids = ds.map((d) => d.id);
  // Each row with its delta applied (null: the row goes), or 'rebuild' (malformed, or disagrees with the delta).
  const applied = (current: readonly unknown[]) =>
    ds.map((d, i): DayStatRow | null | 'rebuild' => {
      try {
        return applyDayStatDelta(current[i] as DayStatRow | undefined, d);
      } catch {
        return 'rebuild';
      }
    });
  const write = (rows: readonly (DayStatRow | null)[]): Promise<void> => {
    const put = rows.filter((r): r is DayStatRow => r !== null);
    const gone = ds.filter((_, i) => rows[i] === null).map((d) => d.id);
    ds.forEach((d, i) => written?.set(d.id, rows[i] ?? undefined));
    return Promise.all([
      put.length ? db.dayStats.bulkPut(put) : undefined,
      gone.length ? db.dayStats.bulkDelete(gone) : undefined,
    ]).then(() => undefined);
  };
  const rebuilt = async (rows: readonly (DayStatRow | null | 'rebuild')[]): Promise<(DayStatRow | null)[]> => {
    const out: (DayStatRow | null)[] = [];
    for (let i = 0; i < ds.length; i++) {
      const r = rows[i]!;
      if (r !== 'rebuild') {
        out.push(r);
        continue;
      }
      const d = ds[i]!;
      const units = await db.units.where('[metric+day]').equals([d.metric, d.day]).toArray();
      out.push(buildDayStats(units.filter((u) => u.platform === d.platform && u.account === d.account))[0] ?? null);
    }
    return out;
  };
  const current = knownRows<unknown>(ids, known);
  const rows = current && applied(current);
  if (rows && !rows.includes('rebuild')) return { done: write(rows as (DayStatRow | null)[]), issued: true };
  return {
    done: (async () => write(await rebuilt(rows ?? applied(await readRows<unknown>(db.dayStats, ids, known)))))(),
    issued: false,
  };
}

/** Rebuilds every rollup and per-day aggregate from the stored units (repair; the incremental path's reference). */
export async function rebuildRollups(db: SentinelDB, now: number): Promise<void> {
  await db.transaction('rw', [db.units, db.rollups, db.dayStats, db.meta], async () => {
    const units = await db.units.toArray();
    await dropPastStats(db);
    await db.rollups.clear();
    await applyRollupDelta(db, [], units, now);
    await db.dayStats.clear();
    await db.dayStats.bulkPut(buildDayStats(units));
  });
}
