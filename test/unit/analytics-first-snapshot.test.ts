/**
 * Without a past-days summary (the day's first minutes, right after a late write, an older database) the first read
 * takes the past rows in the same transaction as today's rows and the rollups: a worker write landing while it runs
 * is in all of them or in none (from an outsider review's probe: the past rows came from a second transaction,
 * created once the summary's absence was known, and the first frame mixed two database states).
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { analyticsFromRaw } from '../../components/analytics/first-read';
import { readAnalyticsRaw } from '../../components/analytics/first-raw';
import { primaryMetrics, rangeScope, responseTrendsFromStats } from '../../lib/analytics';
import { buildDayStats, type DayStatRow } from '../../lib/analytics/daystats';
import { addDays } from '../../lib/compliance';
import type { SentinelDB } from '../../lib/db/schema';
import { effectiveRules } from '../../lib/rules';
import { DAY, t } from './helpers/events';
import { freshSentinelDb } from './helpers/fresh-db';
import { unitRow } from './helpers/units';

const rules = effectiveRules(undefined);
const M = [...primaryMetrics(rules)].find((m) => m.startsWith('pdd'))!;
let db: SentinelDB;
freshSentinelDb((fresh) => (db = fresh), { open: true });

it('the rows read without a summary come from one database state', async () => {
  const y = addDays(DAY, -1);
  const before = [
    ...[10, 20, 30, 40].map((w, i) => unitRow(M, y, t(`10:0${i}:00`, y), 'pass', w)),
    ...[50, 60].map((w, i) => unitRow(M, DAY, t(`08:0${i}:00`), 'pass', w)),
  ];
  // One intake (00:20): yesterday's 23:50 buyer answered late (a fail of 1 800 s), and a new buyer today.
  const after = [...before, unitRow(M, y, t('23:50:00', y), 'fail', 1800), unitRow(M, DAY, t('00:20:00'), 'pass', 5)];
  const rowsBefore = buildDayStats(before);
  const rowsAfter = buildDayStats(after);
  await db.dayStats.bulkPut(rowsBefore);
  const scope = rangeScope(DAY, 7);
  const figures = (rows: DayStatRow[]) => responseTrendsFromStats(rules, rows, scope).map((f) => f.total);

  // The worker's write lands while the page's first read runs (issued as the page asks for the summary).
  const get = IDBObjectStore.prototype.get;
  IDBObjectStore.prototype.get = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
    if (this.name === 'meta') {
      IDBObjectStore.prototype.get = get;
      const w = this.transaction.db.transaction(['dayStats'], 'readwrite');
      for (const r of rowsAfter) w.objectStore('dayStats').put(r);
    }
    return get.call(this, key);
  };
  const first = analyticsFromRaw(await readAnalyticsRaw(t('09:00:00'), 7));
  IDBObjectStore.prototype.get = get;
  const shown = responseTrendsFromStats(rules, [...first.pastStats!, ...first.todayStats], scope).map((f) => f.total);
  expect(first.past).toBeUndefined();
  // The write was made (the states differ), and the frame is of one of them.
  expect(figures(rowsAfter)).not.toEqual(figures(rowsBefore));
  expect([JSON.stringify(figures(rowsBefore)), JSON.stringify(figures(rowsAfter))]).toContain(JSON.stringify(shown));
  expect(await db.dayStats.count()).toBe(rowsAfter.length);
});
