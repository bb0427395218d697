import { expect } from 'vitest';
import { buildDayStats, type DayStatRow } from '../../../lib/analytics/daystats';
import { tallyUnits } from '../../../lib/engine/rollup';
import type { SentinelDB } from '../../../lib/db/schema';
import type { Platform, RollupRow } from '../../../lib/model';

type Figures = Omit<RollupRow, 'updatedAt'>;

const figures = ({ updatedAt: _, ...r }: RollupRow): Figures => r;

/** The rollups the stored units give (as `Sentinel.rebuildRollups` would write them), by id, without `updatedAt`. */
export async function rollupsFromUnits(db: SentinelDB): Promise<Figures[]> {
  const into = new Map<string, RollupRow>();
  tallyUnits(into, await db.units.toArray(), 1, 0);
  return [...into.values()].map(figures).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The stored rollups, by id, without `updatedAt`. */
export async function storedRollups(db: SentinelDB): Promise<Figures[]> {
  return (await db.rollups.orderBy('id').toArray()).map(figures);
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The per-day aggregates the stored units give (as the schema upgrade and `rebuildRollups` write them), by id. */
export async function dayStatsFromUnits(db: SentinelDB): Promise<DayStatRow[]> {
  return buildDayStats(await db.units.toArray()).sort(byId);
}

/** The stored per-day aggregates, by id. */
export async function storedDayStats(db: SentinelDB): Promise<DayStatRow[]> {
  return db.dayStats.orderBy('id').toArray();
}

/**
 * The numbers never drift: the stored rollups and per-day aggregates are exactly what the stored units give.
 */
export async function expectRollupsMatchUnits(db: SentinelDB): Promise<void> {
  expect(await storedRollups(db)).toEqual(await rollupsFromUnits(db));
  expect(await storedDayStats(db)).toEqual(await dayStatsFromUnits(db));
}

/**
 * A stored rollup row of `metric` on `day` for `account` (default 'shop'), every count 0 but those in `counts`
 * (`updatedAt` too: default 1). The platform is the metric's prefix, the id the stored one.
 */
export function rollupRow(metric: string, day: string, counts: Partial<RollupRow> = {}, account = 'shop'): RollupRow {
  const platform = metric.split('.')[0] as Platform;
  return {
    id: `${metric}|${day}|${platform}|${account}`,
    metric,
    day,
    platform,
    account,
    pass: 0,
    fail: 0,
    pending: 0,
    unknown: 0,
    notAssessed: 0,
    cappedSum: 0,
    cappedCount: 0,
    updatedAt: 1,
    ...counts,
  };
}
