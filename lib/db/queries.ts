/**
 * The named reads of the database, shared by the background and the UI pages (popup, analytics, settings), so each
 * index is read one way. Each takes the connection (the background's, or the page's `uiDb`) and only reads; table and
 * index names come from `name.ts`. The popup's first frame reads the same through raw IndexedDB
 * (`components/popup/first-read.ts`), with the same names.
 */
import type { ClockStatus } from '../engine';
import type { ClockRow, EventRow, MetaRow, PhraseRow, RollupRow, SettingRow, TeamRollupRow, UnitRow } from '../model';
import { INDEX } from './name';
import type { SentinelDB } from './schema';

export { readDayStats } from './daystats-read';

/** Clocks of one status whose deadline (`by: 'dueAt'`) or start (`'startedAt'`) is after `since`: one index range. */
export function clocksSince(
  db: SentinelDB,
  status: ClockStatus,
  since: number,
  by: 'dueAt' | 'startedAt' = 'dueAt',
): Promise<ClockRow[]> {
  const index = by === 'dueAt' ? INDEX.clocks.statusDueAt : INDEX.clocks.statusStartedAt;
  return db.clocks.where(index).between([status, since], [status, Infinity], false, false).toArray();
}

/** Every clock of one status (pending: the waits now). */
export function clocksWithStatus(db: SentinelDB, status: ClockStatus): Promise<ClockRow[]> {
  return db.clocks.where(INDEX.clocks.status).equals(status).toArray();
}

/** One stored setting's row (its value is unchecked: read it through `storedSetting` / the settings schema). */
export function settingRow(db: SentinelDB, key: string): Promise<SettingRow | undefined> {
  return db.settings.get(key);
}

/** One `meta` row (keys: `meta.ts`, `agentId`, …). */
export function metaRow(db: SentinelDB, key: string): Promise<MetaRow | undefined> {
  return db.meta.get(key);
}

/** Rollup rows by id, one list per inclusive id range (`rollupKeyRanges`). */
export function rollupsInRanges(
  db: SentinelDB,
  ranges: readonly (readonly [string, string])[],
): Promise<RollupRow[][]> {
  return Promise.all(ranges.map(([a, b]) => db.rollups.where(INDEX.rollups.id).between(a, b, true, true).toArray()));
}

/** The rollup rows of the China days `from`…`to` (inclusive). */
export function rollupsOfDays(db: SentinelDB, from: string, to: string): Promise<RollupRow[]> {
  return db.rollups.where(INDEX.rollups.day).between(from, to, true, true).toArray();
}

/** The imported team rows of the China days `from`…`to` (inclusive). */
export function teamRollupsOfDays(db: SentinelDB, from: string, to: string): Promise<TeamRollupRow[]> {
  return db.teamRollups.filter((r) => r.day >= from && r.day <= to).toArray();
}

/** The units of some China days with one result: one exact index key per day. */
export function unitsWithResult(
  db: SentinelDB,
  days: readonly string[],
  result: UnitRow['result'],
): Promise<UnitRow[]> {
  return db.units
    .where(INDEX.units.dayResult)
    .anyOf(days.map((d) => [d, result]))
    .toArray();
}

/** The stored messages with `from <= at < to`. */
export function eventsBetween(db: SentinelDB, from: number, to: number): Promise<EventRow[]> {
  return db.events.where(INDEX.events.at).between(from, to, true, false).toArray();
}

/** The `n` most used phrases. */
export function topPhrases(db: SentinelDB, n: number): Promise<PhraseRow[]> {
  return db.phrases.orderBy(INDEX.phrases.usage).reverse().limit(n).toArray();
}
