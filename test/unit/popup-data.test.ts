import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { readPopupData, readPopupDataFast } from '../../components/popup/data';
import { addDays } from '../../lib/compliance';
import { DB_NAME, SentinelDB } from '../../lib/db/schema';
import type { ClockRow } from '../../lib/model';
import { chinaDay } from '../../lib/engine/time';
import { uiDb } from '../../lib/ui/db';
import { rollupRow } from './helpers/rollups';

const NOW = Date.parse('2026-11-20T06:00:00Z');
const TODAY = chinaDay(NOW);

function clock(buyer: string, status: ClockRow['status'], dueAt: number | null, startedAt = dueAt): ClockRow {
  return {
    key: `pdd|shop|${buyer}`,
    platform: 'pdd',
    account: 'shop',
    buyer,
    metric: 'pdd.manual3min',
    status,
    startedAt,
    dueAt,
    alertAt: dueAt,
    waitingMessages: 1,
    lastMessageAt: NOW - 60_000,
  };
}

const rollup = (day: string, metric = 'pdd.manual3min') => rollupRow(metric, day, { pass: 3, fail: 1, updatedAt: NOW });

beforeEach(async () => {
  uiDb.close();
  await indexedDB.deleteDatabase(DB_NAME);
});

async function seed() {
  await uiDb.open();
  const h = 3600_000;
  await uiDb.clocks.bulkPut([
    clock('waiting', 'pending', NOW + 60_000),
    clock('late-now', 'breached', NOW - 2 * 60_000),
    clock('late-yesterday', 'breached', NOW - 13 * h),
    clock('unseen', 'unknown', NOW - 30 * 60_000),
    clock('unseen-old', 'unknown', NOW - 20 * h),
    clock('night', 'notAssessed', null, NOW - h),
    clock('night-old', 'notAssessed', null, NOW - 30 * h),
    clock('answered', 'answered' as ClockRow['status'], null, null),
  ]);
  await uiDb.rollups.bulkPut(
    ['pdd.manual3min', 'taobao.ww3min', 'douyin.im3min', 'pdd.manual3minX', 'retired.metric'].flatMap((m) =>
      [0, 1, 2, 7, 29, 30, 31, 45, 90, 91, 120].map((d) => rollup(addDays(TODAY, -d), m)),
    ),
  );
  await uiDb.tabs.put({
    tabId: 3,
    platform: 'pdd',
    account: 'shop',
    url: 'https://mms.pinduoduo.com/chat-merchant/',
    health: 'watching',
    lastSeen: NOW,
  });
}

describe('popup first-frame data', () => {
  it('the raw read returns exactly what the Dexie read returns', async () => {
    await seed();
    const dexie = await readPopupData(NOW);
    const raw = await readPopupDataFast(NOW);
    expect(raw).toEqual(dexie);
    expect(raw.clocks.map((c) => c.buyer).sort()).toEqual(['late-now', 'night', 'unseen', 'waiting']);
    // Per metric, its longest period back to today: PDD the previous day, Taobao 30 days, Douyin 90; nothing of
    // metrics the rules do not have.
    const days = (m: string) =>
      raw.rollups
        .filter((r) => r.metric === m)
        .map((r) => r.day)
        .sort();
    expect(days('pdd.manual3min')).toEqual([addDays(TODAY, -1), TODAY]);
    expect(days('taobao.ww3min')).toEqual([-30, -29, -7, -2, -1, 0].map((d) => addDays(TODAY, d)));
    expect(days('douyin.im3min')).toEqual([-90, -45, -31, -30, -29, -7, -2, -1, 0].map((d) => addDays(TODAY, d)));
    expect(days('pdd.manual3minX')).toEqual([]);
    expect(days('retired.metric')).toEqual([]);
  });

  it("both apply the user's rule overrides", async () => {
    await seed();
    await uiDb.settings.put({ key: 'ruleOverrides', value: { 'pdd.manual3min': { thresholdSec: 120 } } });
    const dexie = await readPopupData(NOW);
    expect(await readPopupDataFast(NOW)).toEqual(dexie);
    expect(dexie.rules.platforms.pdd!.metrics.find((m) => m.key === 'pdd.manual3min')?.thresholdSec).toBe(120);
  });

  it('refuses, creating nothing, when there is no database yet', async () => {
    await expect(readPopupDataFast(NOW)).rejects.toBeTruthy();
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(DB_NAME);
    // Dexie then creates it as usual.
    await uiDb.open();
    expect((await readPopupData(NOW)).clocks).toEqual([]);
  });

  it('refuses when the database is an older version without the indexes it reads', async () => {
    const old = new SentinelDB(DB_NAME, 5);
    await old.open();
    await old.clocks.put(clock('waiting', 'pending', NOW + 60_000));
    old.close();
    await expect(readPopupDataFast(NOW)).rejects.toBeTruthy();
    // The Dexie read upgrades it and finds the clock.
    await uiDb.open();
    expect((await readPopupData(NOW)).clocks.map((c) => c.buyer)).toEqual(['waiting']);
  });
});
