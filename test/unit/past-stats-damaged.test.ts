/**
 * A damaged summary stored under every range's key is replaced by the worker's refresh, which checks the stored
 * values (from an outsider review's probe: it looked at the keys only, answered 'current', and every page opening
 * that day refused the summary).
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { analyticsFromRaw } from '../../components/analytics/first-read';
import { readAnalyticsRaw } from '../../components/analytics/first-raw';
import { RANGES } from '../../lib/analytics';
import { Sentinel } from '../../lib/background/sentinel';
import { pastStatsKey } from '../../lib/db/meta';
import type { SentinelDB } from '../../lib/db/schema';
import { DAY, t } from './helpers/events';
import { freshSentinelDb } from './helpers/fresh-db';
import { FakeHost } from './helpers/host';

let db: SentinelDB;
let host: FakeHost;
freshSentinelDb((fresh) => {
  db = fresh;
  host = new FakeHost();
});

it('a damaged summary is rebuilt by the worker', async () => {
  host.clock = t('09:00:00');
  const s = new Sentinel(db, host);
  await s.start();
  // An older or damaged value under each of today's keys (a version's other format, a half-written profile).
  await db.meta.bulkPut(
    RANGES.map((r) => ({ key: pastStatsKey(r, DAY), value: { v: 1, range: r, today: DAY, metrics: [{}] } })),
  );
  expect(await s.refreshPastStats()).toBe('built');
  const raw = await readAnalyticsRaw(t('09:05:00'), 30);
  expect(raw.past).toBeDefined();
  expect(analyticsFromRaw(raw).past).toBeDefined();
  // Once well formed, nothing to do.
  expect(await s.refreshPastStats()).toBe('current');
});
