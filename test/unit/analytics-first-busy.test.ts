/**
 * When the past-days summary cannot serve the first frame (a sale day busier than its windows allow, a damaged
 * row), the page's first read takes the rows raw (one transaction of their own), not the slow Dexie read (from an
 * outsider review's probe: the refusal sent every opening of a sale day to Dexie).
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import {
  analyticsFromRaw,
  analyticsFromRawRead,
  PastStatsRefused,
  readAnalyticsFirst,
} from '../../components/analytics/first-read';
import { readAnalyticsRaw } from '../../components/analytics/first-raw';
import { primaryMetrics, rangeScope, responseTrendsFromStats } from '../../lib/analytics';
import { buildDayStats } from '../../lib/analytics/daystats';
import { buildPastStats } from '../../lib/analytics/past-stats';
import { PAST_STATS_METRICS } from '../../lib/background/past-stats';
import { addDays } from '../../lib/compliance';
import { pastStatsKey } from '../../lib/db/meta';
import type { SentinelDB } from '../../lib/db/schema';
import { effectiveRules } from '../../lib/rules';
import { DAY, t } from './helpers/events';
import { freshSentinelDb } from './helpers/fresh-db';
import { unitRow } from './helpers/units';

const rules = effectiveRules(undefined);
const M = [...primaryMetrics(rules)].find((m) => m.startsWith('pdd'))!;
let db: SentinelDB;
freshSentinelDb((fresh) => (db = fresh), { open: true });

/** 29 past days of 200 units and a today of `busy` quickly answered ones; the 30-day summary stored. */
async function seed(busy: number) {
  const units = [];
  for (let d = 1; d <= 29; d++) {
    const day = addDays(DAY, -d);
    for (let i = 0; i < 200; i++) units.push(unitRow(M, day, t('10:00:00', day) + i * 1000, 'pass', 5 + (i % 50)));
  }
  for (let i = 0; i < busy; i++) units.push(unitRow(M, DAY, t('08:00:00') + i * 1000, 'pass', 2 + (i % 7)));
  const rows = buildDayStats(units);
  await db.dayStats.bulkPut(rows);
  await db.meta.put({ key: pastStatsKey(30, DAY), value: buildPastStats(rows, PAST_STATS_METRICS, 30, DAY) });
  return rows;
}

const totals = (first: Awaited<ReturnType<typeof readAnalyticsFirst>>) =>
  responseTrendsFromStats(rules, [...first.pastStats!, ...first.todayStats], rangeScope(first.today, 30)).map(
    (f) => f.total,
  );

it('a today busier than the summary allows gets the rows read raw, the figures of every row', async () => {
  // The sale day: 2.5× the busiest past day.
  const rows = await seed(500);
  const now = t('15:00:00');
  const raw = await readAnalyticsRaw(now, 30);
  expect(raw.past).toBeDefined();
  expect(() => analyticsFromRaw(raw)).toThrow(PastStatsRefused);
  const first = await analyticsFromRawRead(Promise.resolve(raw), now, 30);
  expect(first.past).toBeUndefined();
  expect(first.pastStats).toHaveLength(29);
  expect(totals(first)).toEqual(responseTrendsFromStats(rules, rows, rangeScope(DAY, 30)).map((f) => f.total));
  expect(first).toEqual(await readAnalyticsFirst(db, now, 30));
});

it('a damaged summary: the rows read raw', async () => {
  await seed(10);
  await db.meta.put({ key: pastStatsKey(30, DAY), value: { v: 1, range: 30, today: DAY, metrics: [{}] } });
  const now = t('15:00:00');
  const first = await analyticsFromRawRead(readAnalyticsRaw(now, 30), now, 30);
  expect(first.past).toBeUndefined();
  expect(first).toEqual(await readAnalyticsFirst(db, now, 30));
});

it('a malformed dayStats row is still refused (the page reads through Dexie, which rebuilds its day)', async () => {
  await seed(10);
  await db.dayStats.put({ ...(await db.dayStats.toCollection().first())!, waits: 'x' as never });
  const now = t('15:00:00');
  await expect(analyticsFromRawRead(readAnalyticsRaw(now, 30, false), now, 30)).rejects.toThrow(/malformed dayStats/);
});
