// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { analyticsFromRaw, firstRenderWait, readAnalyticsFirst } from '../../components/analytics/first-read';
import {
  ANALYTICS_STORE_KEY,
  PRIMARY_METRICS,
  readAnalyticsRaw,
  storedRange,
  storedView,
} from '../../components/analytics/first-raw';
import { primaryMetrics, rangeScope, responseTrendsFromStats } from '../../lib/analytics';
import { buildDayStats } from '../../lib/analytics/daystats';
import { addDays } from '../../lib/compliance';
import { DB_NAME, SentinelDB } from '../../lib/db/schema';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import type { RollupRow, UnitResult, UnitRow } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';
import { uiDb } from '../../lib/ui/db';
import { rollupRow } from './helpers/rollups';
import { unitRow } from './helpers/units';

const NOW = chinaTime('2026-11-27', 15, 0);
const TODAY = chinaDay(NOW);
const ago = (n: number) => addDays(TODAY, -n);

const rollup = (metric: string, day: string, pass: number, fail: number) =>
  rollupRow(metric, day, { pass, fail, updatedAt: NOW });

let seq = 0;
const unit = (metric: string, day: string, result: UnitResult, responseSec: number | null) =>
  unitRow(metric, day, chinaTime(day, 10 + (seq++ % 8), 0, 0), result, responseSec);

/** Units of primary and other metrics over 120 days (today, the range edges, outside every range), their rollups. */
async function seed() {
  await uiDb.open();
  const units: UnitRow[] = [];
  const rollups: RollupRow[] = [];
  for (const metric of ['pdd.manual3min', 'taobao.ww3min', 'pdd.manual3minX', 'douyin.im3min'])
    for (const d of [0, 1, 2, 6, 7, 8, 29, 30, 31, 89, 90, 91, 120]) {
      const day = ago(d);
      units.push(unit(metric, day, 'pass', 20 + d), unit(metric, day, 'fail', null), unit(metric, day, 'fail', 200));
      rollups.push(rollup(metric, day, 1, 2));
    }
  await uiDb.units.bulkPut(units);
  await uiDb.rollups.bulkPut(rollups);
  await uiDb.dayStats.bulkPut(buildDayStats(units));
}

beforeEach(async () => {
  uiDb.close();
  await indexedDB.deleteDatabase(DB_NAME);
  localStorage.clear();
});

describe('analytics first-frame data', () => {
  for (const range of [7, 30, 90]) {
    it(`the raw read gives exactly what the Dexie read gives (${range} days)`, async () => {
      await seed();
      await uiDb.settings.bulkPut([
        { key: 'ruleOverrides', value: { 'pdd.manual3min': { thresholdSec: 120 } } },
        { key: 'language', value: 'en' },
      ]);
      const dexie = await readAnalyticsFirst(uiDb, NOW, range);
      const raw = analyticsFromRaw(await readAnalyticsRaw(NOW, range));
      expect(raw).toEqual(dexie);
      expect(raw.today).toBe(TODAY);
      expect(raw.from).toBe(ago(range));
      expect(raw.language).toBe('en');
      expect(raw.overrides).toEqual({ value: { 'pdd.manual3min': { thresholdSec: 120 } } });
      // The range's rollups (every metric), the primary metrics' aggregates, past days and today apart.
      const inRange = [0, 1, 2, 6, 7, 8, 29, 30, 31, 89, 90].filter((d) => d <= range).map(ago);
      expect(new Set(raw.rollups.map((r) => r.day))).toEqual(new Set(inRange));
      expect(raw.rollups).toHaveLength(inRange.length * 4);
      expect(raw.todayStats.map((r) => `${r.metric} ${r.day}`).sort()).toEqual(
        ['douyin.im3min', 'pdd.manual3min', 'taobao.ww3min'].map((m) => `${m} ${TODAY}`),
      );
      expect(new Set(raw.pastStats!.map((r) => r.metric))).toEqual(
        new Set(['douyin.im3min', 'pdd.manual3min', 'taobao.ww3min']),
      );
      expect(new Set(raw.pastStats!.map((r) => r.day))).toEqual(new Set(inRange.filter((d) => d !== TODAY)));
      // And so the figures the first frame shows.
      const rules = effectiveRules(raw.overrides?.value);
      const scope = rangeScope(TODAY, range as 7 | 30 | 90);
      const figures = (f: typeof raw) => responseTrendsFromStats(rules, [...f.pastStats!, ...f.todayStats], scope);
      expect(figures(raw)).toEqual(figures(dexie));
      expect(figures(raw).map((f) => f.total.answered)).toContain(2 * (inRange.length - 1)); // the scope: the range without its extra first day
    });
  }

  it('the primary metrics are those of any effective rules (overrides never change which one)', () => {
    const rules = effectiveRules({ 'pdd.manual3min': { thresholdSec: 120 } });
    expect(new Set(PRIMARY_METRICS)).toEqual(primaryMetrics(rules));
  });

  it('a malformed aggregate row: the raw rows are refused, the Dexie read rebuilds its day from the units', async () => {
    await seed();
    const bad = (await uiDb.dayStats
      .where('[metric+day]')
      .equals(['pdd.manual3min', ago(2)])
      .first())!;
    await uiDb.dayStats.put({ ...bad, n: -1 });
    const raw = await readAnalyticsRaw(NOW, 30);
    expect(() => analyticsFromRaw(raw)).toThrow(/malformed/);
    const dexie = await readAnalyticsFirst(uiDb, NOW, 30);
    const plain = (r: typeof bad | undefined) => r && { ...r, waits: [...r.waits] };
    expect(plain(dexie.pastStats!.find((r) => r.id === bad.id))).toEqual(plain(bad));
    expect(dexie.pastStats!.find((r) => r.id === bad.id)!.n).toBe(3);
  });

  it('refuses, creating nothing, when there is no database yet', async () => {
    await expect(readAnalyticsRaw(NOW, 30)).rejects.toBeTruthy();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(DB_NAME);
    await uiDb.open(); // Dexie then creates it as usual
    expect((await readAnalyticsFirst(uiDb, NOW, 30)).rollups).toEqual([]);
  });

  it('refuses when the database is older than the per-day aggregates (schema v7)', async () => {
    const old = new SentinelDB(DB_NAME, 7);
    await old.open();
    await old.rollups.put(rollup('pdd.manual3min', ago(1), 4, 1));
    old.close();
    await expect(readAnalyticsRaw(NOW, 30)).rejects.toBeTruthy();
    // The Dexie read upgrades it (the aggregates rebuilt from the units: none here).
    await uiDb.open();
    const dexie = await readAnalyticsFirst(uiDb, NOW, 30);
    expect(dexie.rollups.map((r) => r.id)).toEqual([`pdd.manual3min|${ago(1)}|pdd|shop`]);
  });

  it("reads the range the page keeps in its localStorage, else the page's default", () => {
    expect(storedRange()).toBe(30);
    localStorage.setItem(ANALYTICS_STORE_KEY, JSON.stringify({ state: { range: 90 }, version: 1 }));
    expect(storedRange()).toBe(90);
    localStorage.setItem(ANALYTICS_STORE_KEY, JSON.stringify({ state: { range: 45 }, version: 1 }));
    expect(storedRange()).toBe(30);
    localStorage.setItem(ANALYTICS_STORE_KEY, JSON.stringify({ state: { range: 7 }, version: 0 }));
    expect(storedRange()).toBe(30);
    localStorage.setItem(ANALYTICS_STORE_KEY, '{not json');
    expect(storedRange()).toBe(30);
  });

  it('reads the view the page keeps (the team view starts the owner view early), else its own', () => {
    expect(storedView()).toBe('local');
    localStorage.setItem(ANALYTICS_STORE_KEY, JSON.stringify({ state: { view: 'team', range: 7 }, version: 1 }));
    expect(storedView()).toBe('team');
    expect(storedRange()).toBe(7);
    localStorage.setItem(ANALYTICS_STORE_KEY, JSON.stringify({ state: { view: 'local' }, version: 1 }));
    expect(storedView()).toBe('local');
    for (const bad of [
      JSON.stringify({ state: { view: 'team' }, version: 0 }),
      JSON.stringify({ state: { view: 'TEAM' }, version: 1 }),
      JSON.stringify({ state: null, version: 1 }),
      JSON.stringify({ state: 'team', version: 1 }),
      '{not json',
    ]) {
      localStorage.setItem(ANALYTICS_STORE_KEY, bad);
      expect(storedView()).toBe('local');
    }
  });
});

describe("the page's first render: what it waits for", () => {
  afterEach(() => void vi.useRealTimers());
  const never = new Promise<string>(() => undefined);

  it('the local view waits for its first read, at most the timeout', async () => {
    vi.useFakeTimers();
    await expect(firstRenderWait('local', Promise.resolve('read'), 250)).resolves.toBe('read');
    let done: string | undefined = 'pending';
    void firstRenderWait('local', never, 250).then((v) => (done = v));
    await vi.advanceTimersByTimeAsync(249);
    expect(done).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBeUndefined();
  });

  it('the team view renders at once, without the local read (the owner view does not show it)', async () => {
    vi.useFakeTimers();
    let done: string | undefined = 'pending';
    void firstRenderWait('team', never, 250).then((v) => (done = v));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });
});
