/**
 * The popup/analytics benchmarks' seeding (scripts/bench/seed.ts): raw IndexedDB writes of what the real engine
 * gives, and the check that the stored rollups and aggregates of a sample of days equal the product's rebuild from
 * their units (`verifySeed`), which must fail on a stored row that differs, is missing or is extra.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { SentinelDB } from '../../lib/db/schema';
import { tallyUnits } from '../../lib/engine/rollup';
import { buildDayStats } from '../../lib/analytics/daystats';
import type { RollupRow } from '../../lib/model';
import { dayBack, seed, verifySeed } from '../../scripts/bench/seed';

const NOW = Date.parse('2026-11-20T06:00:00Z'); // 14:00 China time
const ALL_DAY = { ruleOverrides: { 'pdd.manual3min': { window: { startMin: 0, endMin: 1440 } } } };
let n = 0;
let dbName = '';

afterEach(async () => {
  await new SentinelDB(dbName).delete();
});

async function seeded(days = 3) {
  dbName = `bench-seed-${n++}`;
  // Two slices, as the benchmark seeds (the oldest days first).
  const a = await seed({ first: 1, days: days - 1, perDay: 40, now: NOW, eventsDays: 1, dbName, ...ALL_DAY });
  const b = await seed({ first: 0, days: 1, perDay: 40, now: NOW, eventsDays: 1, dbName, ...ALL_DAY });
  return { a, b, db: new SentinelDB(dbName), days: [...new Set([0, 1, days - 1])].map((d) => dayBack(NOW, d)) };
}

describe('bench seeding', () => {
  it('stores what the engine gives, and the rollups and aggregates equal the rebuild from the units', async () => {
    const { a, b, db, days } = await seeded();
    expect(await db.units.count()).toBe(a.units + b.units);
    expect(await db.clocks.count()).toBe(a.clocks + b.clocks);
    // Raw events only of the days asked for (today here).
    expect(a.events).toBe(0);
    expect(await db.events.count()).toBe(b.events);
    expect(b.events).toBeGreaterThan(0);
    expect(b.pending).toBeGreaterThanOrEqual(0);
    // Every stored rollup and aggregate, not only the sample: equal to a rebuild from all units.
    const units = await db.units.toArray();
    const want = new Map<string, RollupRow>();
    tallyUnits(want, units, 1, NOW);
    const strip = ({ updatedAt: _, cappedSum, ...r }: RollupRow) => ({ ...r, cappedSum: cappedSum.toFixed(6) });
    const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : 1);
    expect((await db.rollups.toArray()).map(strip).sort(byId)).toEqual([...want.values()].map(strip).sort(byId));
    expect((await db.dayStats.toArray()).sort(byId)).toEqual(buildDayStats(units).sort(byId));
    const checked = await verifySeed({ days, now: NOW, dbName });
    expect(checked.days).toBe(3);
    expect(checked.units).toBe(units.length);
    db.close();
  });

  it('the check fails on a rollup or aggregate that differs from the units, is missing or is extra', async () => {
    const { db, days } = await seeded(2);
    const day = days[0]!;
    const check = () => verifySeed({ days, now: NOW, dbName });
    const [r] = await db.rollups.where('day').equals(day).toArray();
    await db.rollups.put({ ...r!, pass: r!.pass + 1 });
    await expect(check()).rejects.toThrow(/rollup row differs/);
    await db.rollups.put(r!);
    await expect(check()).resolves.toMatchObject({ days: 2 });

    const [s] = await db.dayStats.where('day').equals(day).toArray();
    await db.dayStats.put({ ...s!, waits: s!.waits.slice(1) });
    await expect(check()).rejects.toThrow(/dayStats row differs/);
    await db.dayStats.delete(s!.id);
    await expect(check()).rejects.toThrow(/dayStats rows stored/);
    await db.dayStats.put(s!);
    await db.rollups.put({ ...r!, id: `${r!.id}-extra`, metric: 'x' });
    await expect(check()).rejects.toThrow(/rollup rows stored/);
    await db.rollups.delete(`${r!.id}-extra`);
    await db.units.where('day').equals(day).delete();
    await expect(check()).rejects.toThrow(/no units stored/);
    db.close();
  });
});
