import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { analyticsFromRaw } from '../../components/analytics/first-read';
import { readAnalyticsRaw } from '../../components/analytics/first-raw';
import { RANGES } from '../../lib/analytics';
import { PAST_STATS_START_MS, Sentinel } from '../../lib/background/sentinel';
import { addDays } from '../../lib/compliance';
import { PAST_STATS_PREFIX, pastStatsKey } from '../../lib/db/meta';
import { DB_NAME, SentinelDB } from '../../lib/db/schema';
import { DAY, ev, t } from './helpers/events';
import { freshSentinelDb } from './helpers/fresh-db';
import { FakeHost } from './helpers/host';
import { firstPage, pastTraffic } from './helpers/past-traffic';

let db: SentinelDB;
let host: FakeHost;
freshSentinelDb((fresh) => {
  db = fresh;
  host = new FakeHost();
});

const { send, day } = pastTraffic(() => host);

const page = (now: number, range: number) => firstPage(db, now, range);

const storedKeys = async () => (await db.meta.where(':id').startsWith(PAST_STATS_PREFIX).primaryKeys()) as string[];

/** The Sentinel with four days of traffic: three past days and today until 12:00, then 15:00. */
async function fourDays(): Promise<Sentinel> {
  const s = new Sentinel(db, host);
  for (const d of [3, 2, 1]) await day(s, addDays(DAY, -d), 40);
  await day(s, DAY, 40, '12:00:00');
  host.clock = t('15:00:00');
  return s;
}

// Four days of traffic through the real ingest take 1–2 s on a quiet machine: room for a loaded one.
describe('the past-days summaries kept by the worker (issue 21)', { timeout: 60_000 }, () => {
  it('without one (an older database) the first read reads the past rows; once built, only the summary, and the same figures as the units give', async () => {
    const s = await fourDays();
    for (const range of RANGES) {
      const before = await page(host.clock, range);
      expect(before.raw.past).toBeUndefined();
      expect(before.raw.pastStats).toBeDefined();
      expect(before.figures).toEqual(before.units);
    }
    expect(await s.refreshPastStats()).toBe('built');
    expect((await storedKeys()).sort()).toEqual(RANGES.map((r) => pastStatsKey(r, DAY)).sort());
    expect(await s.refreshPastStats()).toBe('current');
    for (const range of RANGES) {
      const after = await page(host.clock, range);
      expect(after.raw.past).toBeDefined();
      expect(after.raw.pastStats).toBeUndefined();
      expect(after.figures).toEqual(after.units);
      expect(after.figures!.map((f) => f.total.n).reduce((a, b) => a + b)).toBeGreaterThan(100);
    }
    // Opened on one account: the past rows, as before (a summary is of all accounts).
    const one = await readAnalyticsRaw(host.clock, 30, false);
    expect(one.past).toBeUndefined();
    expect(one.pastStats).toBeDefined();
  });

  it('a late write to a past day deletes them in its transaction (never a stale one); today’s writes do not; built again they give the new figures', async () => {
    const s = await fourDays();
    await s.refreshPastStats();
    const old = await page(host.clock, 7);
    // Today's traffic keeps them.
    await day(s, DAY, 3, '23:00:00');
    expect(await storedKeys()).toHaveLength(RANGES.length);
    // A reply shown late, with its own time two days ago, to a buyer never answered: that day's figures change.
    const d2 = addDays(DAY, -2);
    await send(s, ev('pdd', `${d2}-b10`, 'human', t('09:10:30', d2)));
    const late = await page(host.clock, 7);
    expect(late.units).not.toEqual(old.units);
    expect(late.figures).toEqual(late.units);
    expect(late.raw.past).toBeUndefined();
    expect(await storedKeys()).toEqual([]);
    expect(await s.refreshPastStats()).toBe('built');
    const rebuilt = await page(host.clock, 7);
    expect(rebuilt.raw.past).toBeDefined();
    expect(rebuilt.figures).toEqual(rebuilt.units);
  });

  it('at the day change: yesterday’s summaries are not used; none is built in the first minutes; then today’s replace them', async () => {
    const s = await fourDays();
    await s.refreshPastStats();
    const next = addDays(DAY, 1);
    host.clock = t('00:05:00', next);
    const early = await page(host.clock, 30);
    expect(early.raw.past).toBeUndefined();
    expect(early.figures).toEqual(early.units);
    expect(await s.refreshPastStats()).toBe('early');
    host.clock = t('00:15:00', next);
    expect(await s.refreshPastStats()).toBe('built');
    expect((await storedKeys()).sort()).toEqual(RANGES.map((r) => pastStatsKey(r, next)).sort());
    const built = await page(host.clock, 30);
    expect(built.raw.past).toBeDefined();
    expect(built.figures).toEqual(built.units);
  });

  it('the worker builds them by itself soon after its start and after a late write (`env.later`)', async () => {
    const s0 = await fourDays();
    await s0.start();
    const later: { run: () => void; ms: number }[] = [];
    const withLater = Object.assign(host, { later: (run: () => void, ms: number) => void later.push({ run, ms }) });
    const s = new Sentinel(new SentinelDB(DB_NAME), withLater);
    await s.start();
    expect(later.map((l) => l.ms)).toEqual([PAST_STATS_START_MS]);
    later.shift()!.run();
    await expect.poll(storedKeys, { timeout: 15_000 }).toHaveLength(RANGES.length);
    // A late write: deleted, and one more build asked for.
    const d1 = addDays(DAY, -1);
    await send(s, ev('pdd', `${d1}-b5`, 'human', t('09:05:30', d1)));
    expect(await storedKeys()).toEqual([]);
    expect(later).toHaveLength(1);
    later.shift()!.run();
    await expect.poll(storedKeys, { timeout: 15_000 }).toHaveLength(RANGES.length);
    expect((await page(host.clock, 90)).raw.past).toBeDefined();
  });

  it('a damaged summary is not used (the page reads the rows) and does not stop the worker', async () => {
    const s = await fourDays();
    await db.meta.put({ key: pastStatsKey(30, DAY), value: { v: 1, range: 30, today: DAY, metrics: [{}] } });
    await expect(readAnalyticsRaw(host.clock, 30).then(analyticsFromRaw)).rejects.toThrow(/malformed/);
    await expect(s.refreshPastStats()).resolves.toBe('built'); // the others were missing: all written again
    expect((await page(host.clock, 30)).raw.past).toBeDefined();
  });
});
