import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { readPopupData, readPopupDataFast } from '../../components/popup/data';
import { readPopupFirst, readPopupRaw, type PopupRaw } from '../../components/popup/first-raw';
import { popupFromRaw } from '../../components/popup/first-read';
import { Sentinel } from '../../lib/background/sentinel';
import type { ReplyOf } from '../../lib/protocol';
import { addDays } from '../../lib/compliance';
import { DB_NAME, SentinelDB } from '../../lib/db/schema';
import type { ClockRow } from '../../lib/model';
import { chinaDay } from '../../lib/engine/time';
import { uiDb } from '../../lib/ui/db';
import { FakeHost } from './helpers/host';
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

describe("the popup's first screen from the worker", () => {
  /** A worker on the same database, started at NOW (its clock mirror loaded then). */
  async function worker(): Promise<Sentinel> {
    const host = new FakeHost();
    host.clock = NOW;
    host.tabs = new Set([3]);
    const s = new Sentinel(new SentinelDB(DB_NAME), host);
    await s.start();
    return s;
  }

  const msg = (buyer: string, ms: number, id: string) => ({
    type: 'events' as const,
    platform: 'pdd' as const,
    account: 'shop',
    events: [
      {
        platform: 'pdd' as const,
        account: 'shop',
        buyer,
        messageId: id,
        author: 'buyer' as const,
        at: ms,
        timeSource: 'stamp' as const,
        observedAt: ms,
      },
    ],
  });

  it('answers exactly the rows of the raw read, in the same order', async () => {
    await seed();
    const h = 3600_000;
    // More of each kind: orders within a status, an unknown clock older than the hour the mirror keeps, the edges.
    await uiDb.clocks.bulkPut([
      clock('waiting-2', 'pending', NOW + 30_000),
      clock('a-late', 'breached', NOW - 5 * 60_000),
      clock('b-late', 'breached', NOW - 5 * 60_000),
      clock('late-edge', 'breached', NOW - 12 * h),
      clock('late-inside', 'breached', NOW - 12 * h + 1),
      clock('unseen-2h', 'unknown', NOW - 2 * h),
      clock('night-2', 'notAssessed', null, NOW - 2 * h),
    ]);
    await uiDb.settings.bulkPut([
      { key: 'ruleOverrides', value: { 'pdd.manual3min': { thresholdSec: 120 } } },
      { key: 'language', value: 'en' },
    ]);
    const s = await worker();
    // A message (its mirror then keeps the unknown clocks of the last hour only).
    await s.ingest(msg('new-buyer', NOW - 60_000, 'm1'));
    const fromWorker = await s.firstScreen(NOW);
    const raw = await readPopupRaw(NOW);
    expect(fromWorker).toEqual(raw);
    expect(fromWorker.clockLists.map((l) => l.map((c) => c.buyer))).toEqual([
      ['new-buyer', 'waiting', 'waiting-2'],
      ['late-inside', 'a-late', 'b-late', 'late-now'],
      ['unseen-2h', 'unseen'],
      ['night-2', 'night'],
    ]);
    // The same figures: the rules with the overrides, the language, the rollups.
    const data = popupFromRaw(fromWorker);
    expect(data).toEqual(popupFromRaw(raw));
    expect(data.language).toBe('en');
    expect(data.rollups.length).toBeGreaterThan(0);
    s.db.close();
  });

  it('follows what the worker wrote since it started (its mirror), as the raw read does', async () => {
    await seed();
    const s = await worker();
    const at = NOW - 60_000;
    await s.ingest(msg('new-buyer', at, 'm1'));
    const fromWorker = await s.firstScreen(NOW);
    expect(fromWorker).toEqual(await readPopupRaw(NOW));
    expect(fromWorker.clockLists[0]!.map((c) => c.buyer)).toContain('new-buyer');
    s.db.close();
  });
});

describe("the popup's first read: the worker's answer or the raw read, whichever comes first", () => {
  const rows = (tag: string): PopupRaw => ({
    overrides: undefined,
    language: { value: tag },
    tabs: [],
    clockLists: [[], [], [], []],
    rollupLists: [],
  });
  const ok = (r: PopupRaw): ReplyOf<'popupFirst'> => ({ ok: true, rows: r });

  it("takes the worker's rows when they come first", async () => {
    await seed();
    expect(await readPopupFirst(NOW, async () => ok(rows('worker')))).toEqual(rows('worker'));
  });

  it('takes the raw read when the worker refuses, fails or does not answer in time (a sleeping worker)', async () => {
    await seed();
    const raw = await readPopupRaw(NOW);
    expect(await readPopupFirst(NOW, async () => ({ ok: false, error: 'unknown message type: popupFirst' }))).toEqual(
      raw,
    );
    expect(await readPopupFirst(NOW, () => Promise.reject(new Error('no receiver')))).toEqual(raw);
    expect(await readPopupFirst(NOW, () => new Promise(() => {}))).toEqual(raw);
  });

  it("takes the worker's rows when there is no database for the raw read, and rejects when both fail", async () => {
    expect(await readPopupFirst(NOW, async () => ok(rows('worker')))).toEqual(rows('worker'));
    await expect(readPopupFirst(NOW, async () => ({ ok: false, error: 'x' }))).rejects.toBeTruthy();
  });
});
