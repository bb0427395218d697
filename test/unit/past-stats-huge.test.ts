/** A stored summary whose counts are huge: the check itself allocates them (unpackWaits with `most` = the stored n). */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { analyticsFromRaw, PastStatsRefused } from '../../components/analytics/first-read';
import { readAnalyticsRaw } from '../../components/analytics/first-raw';
import { RANGES, rangeScope } from '../../lib/analytics';
import { isPastStats } from '../../lib/analytics/past-stats';
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

// packWaits' format 0: no finite value, then `never` = 2^40 as a varint (five continuation bytes, then 32).
const hugeNever = () => new Uint8Array([0, 128, 128, 128, 128, 128, 32]);
const huge = (r: number) => {
  const n = 2 ** 40;
  const w = () => ({ below: 0, waits: hugeNever(), above: 0 });
  return {
    v: 1,
    range: r,
    today: DAY,
    from: rangeScope(DAY, r).from,
    metrics: [{ metric: 'pdd.reply3min', n, answered: 0, days: [], windows: [w(), w()] }],
  };
};

it('isPastStats answers false (does not throw) for a summary with a huge count', () => {
  let out: unknown;
  try {
    out = isPastStats(huge(30), 30, DAY);
  } catch (e) {
    out = String(e);
  }
  expect(out).toBe(false);
});

it('the page refuses it (raw rows, not Dexie) and the worker replaces it', async () => {
  host.clock = t('09:00:00');
  const s = new Sentinel(db, host);
  await s.start();
  await db.meta.bulkPut(RANGES.map((r) => ({ key: pastStatsKey(r, DAY), value: huge(r) })));
  const raw = await readAnalyticsRaw(t('09:05:00'), 30);
  let page: unknown;
  try {
    analyticsFromRaw(raw);
    page = 'accepted';
  } catch (e) {
    page = e instanceof PastStatsRefused ? 'refused' : String(e);
  }
  let worker: unknown;
  try {
    worker = await s.refreshPastStats();
  } catch (e) {
    worker = String(e);
  }
  expect({ page, worker }).toEqual({ page: 'refused', worker: 'built' });
});

it('a window claiming more waits than a window holds (a 16-byte row saying 6 · 10⁷ never answered) is refused, unexpanded', () => {
  const n = 6e7;
  const v: number[] = [];
  for (let x = n; x >= 128; x = Math.floor(x / 128)) v.push(128 + (x % 128));
  v.push(Math.floor(n / 128 ** v.length));
  const w = () => ({ below: 0, waits: new Uint8Array([0, ...v]), above: 0 });
  const s = {
    v: 1,
    range: 30,
    today: DAY,
    from: rangeScope(DAY, 30).from,
    of: ['x'],
    metrics: [{ metric: 'x', n, answered: 0, days: [], windows: [w(), w()] }],
  };
  expect(isPastStats(s, 30, DAY)).toBe(false);
});
