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
import type { RollupRow, UnitRow } from '../model';

/**
 * Reads the rows of `ids` from `table`, taking those in `known` (read earlier in the same transaction, undefined: no
 * row) from there: when every one is known, no request is made (no round trip before the writes).
 */
async function rowsOf<T>(
  table: { bulkGet(keys: string[]): Promise<(T | undefined)[]> },
  ids: readonly string[],
  known?: ReadonlyMap<string, T | undefined>,
): Promise<(T | undefined)[]> {
  const missing = known ? ids.filter((id) => !known.has(id)) : [...ids];
  if (!missing.length) return ids.map((id) => known!.get(id));
  if (missing.length === ids.length) return table.bulkGet(missing);
  const read = await table.bulkGet(missing);
  const got = new Map(missing.map((id, i) => [id, read[i]]));
  return ids.map((id) => (known!.has(id) ? known!.get(id) : got.get(id)));
}

/**
 * Moves rollup counts from the old units of a conversation to its new ones. `known`: rollup rows read earlier in the
 * same transaction (`Recompute.prefetch`), by id.
 */
export async function applyRollupDelta(
  db: SentinelDB,
  old: readonly UnitRow[],
  next: readonly UnitRow[],
  now: number,
  known?: ReadonlyMap<string, RollupRow | undefined>,
): Promise<void> {
  const delta = new Map<string, RollupRow>();
  tallyUnits(delta, old, -1, now);
  tallyUnits(delta, next, 1, now);
  if (!delta.size) return;
  const ids = [...delta.keys()];
  const current = await rowsOf(db.rollups, ids, known);
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
    if (r.pass + r.fail + r.pending + r.unknown + r.notAssessed === 0) empty.push(id);
    else out.push(r);
  });
  if (out.length) await db.rollups.bulkPut(out);
  if (empty.length) await db.rollups.bulkDelete(empty);
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
 * its (metric, day, platform, account): nothing stored stops the worker. `known`: rows read earlier in the same
 * transaction, by id.
 */
export async function applyDayStatsChange(
  db: SentinelDB,
  old: readonly UnitRow[],
  next: readonly UnitRow[],
  known?: ReadonlyMap<string, unknown>,
): Promise<void> {
  const delta = dayStatsDelta(old, next);
  for (const [id, d] of delta) if (isNoop(d)) delta.delete(id);
  if (!delta.size) return;
  const ids = [...delta.keys()];
  const current = await rowsOf<unknown>(db.dayStats, ids, known);
  const put: DayStatRow[] = [];
  const gone: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const d = delta.get(ids[i]!)!;
    let r: DayStatRow | null | 'rebuild';
    try {
      r = applyDayStatDelta(current[i] as DayStatRow | undefined, d);
    } catch {
      r = 'rebuild';
    }
    if (r === 'rebuild') {
      const units = await db.units.where('[metric+day]').equals([d.metric, d.day]).toArray();
      r = buildDayStats(units.filter((u) => u.platform === d.platform && u.account === d.account))[0] ?? null;
    }
    if (r) put.push(r);
    else gone.push(d.id);
  }
  if (put.length) await db.dayStats.bulkPut(put);
  if (gone.length) await db.dayStats.bulkDelete(gone);
}

/** Rebuilds every rollup and per-day aggregate from the stored units (repair; the incremental path's reference). */
export async function rebuildRollups(db: SentinelDB, now: number): Promise<void> {
  await db.transaction('rw', db.units, db.rollups, db.dayStats, async () => {
    const units = await db.units.toArray();
    await db.rollups.clear();
    await applyRollupDelta(db, [], units, now);
    await db.dayStats.clear();
    await db.dayStats.bulkPut(buildDayStats(units));
  });
}
