/**
 * What the background keeps and decides from the page's evidence (platform-rules.md §3.7; ARCHITECTURE.md "Evidence
 * rules"): one wait is one stored event whatever the number of sources, a reload changes nothing in the store, the
 * backlog at load counts down / breaches from the page's own start, and unknown stays only for what nothing covers.
 * Every time is set explicitly (China time on a fixed day): the tests pass at any wall-clock time and time zone.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Sentinel } from '../../lib/background/sentinel';
import { SentinelDB } from '../../lib/db/schema';
import type { EventsMessage, HealthMessage } from '../../lib/messages';
import { isUnrecognisedAccount, UNRECOGNISED_ACCOUNT, type ChatEvent } from '../../lib/model';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';
import { expectRollupsMatchUnits } from './helpers/rollups';

let n = 0;
let db: SentinelDB;
let host: FakeHost;

beforeEach(() => {
  db = new SentinelDB(`evidence-${++n}`);
  host = new FakeHost();
});
afterEach(() => db.close());

const ACCOUNT = 'shop-main';
const msg = (events: ChatEvent[]): EventsMessage => ({ type: 'events', platform: 'pdd', account: ACCOUNT, events });
const watching = (): HealthMessage => ({
  type: 'health',
  platform: 'pdd',
  account: ACCOUNT,
  health: 'watching',
  parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
  url: 'https://mms.pinduoduo.com/chat-merchant/index.html',
});

/** A list row's counter read at `seen` showing `sec` seconds (as the watcher reports it). */
function counter(buyer: string, seen: number, sec: number): ChatEvent {
  const since = seen - sec * 1000;
  return ev('pdd', buyer, 'buyer', since, {
    messageId: `wait-${Math.floor(since / 1000)}`,
    timeSource: 'counter',
    observedAt: seen,
  });
}

/** Everything stored, table by table (the whole store). */
async function wholeStore(d: SentinelDB): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of d.tables) out[table.name] = await table.toArray();
  return out;
}

describe('one wait, one event', () => {
  it('a row counter and the thread’s message are one stored event, timed by the message; a reload stores nothing', async () => {
    const s = new Sentinel(db, host);
    const opened = t('10:00:43');
    host.clock = opened;
    await s.health(watching(), 7);
    // The question at 10:00:00.500; the open conversation's row says "42秒" (→ 10:00:01).
    const question = ev('pdd', 'A', 'buyer', t('10:00:00') + 500, { historical: true, observedAt: opened });
    const r1 = await s.ingest(msg([question, counter('A', opened, 42)]));
    expect(r1.stored).toBe(1);
    expect((await db.events.toArray()).map((e) => e.messageId)).toEqual([question.messageId]);
    const clock = await db.clocks.get(`pdd|${ACCOUNT}|A`);
    expect(clock).toMatchObject({ status: 'pending', waitingMessages: 1, startedAt: question.at });
    expect(clock!.dueAt).toBe(question.at + 180_000);

    // Reload: the page's counter now reads "43秒" (rounded the other way: 10:00:00), the thread is read again.
    const before = await wholeStore(db);
    const r2 = await s.ingest(msg([{ ...question }, counter('A', opened, 43)]));
    expect(r2.stored).toBe(0);
    expect(await wholeStore(db)).toEqual(before);
  });

  it('the counter first, the message later: the counter gives way to the message (deadline from its own time)', async () => {
    const s = new Sentinel(db, host);
    host.clock = t('10:00:43');
    await s.health(watching(), 7);
    await s.ingest(msg([counter('B', host.clock, 42)]));
    expect((await db.clocks.get(`pdd|${ACCOUNT}|B`))!.dueAt).toBe(t('10:03:01'));
    // The conversation is opened 20 s later: its history shows the question at 10:00:00.500.
    host.clock = t('10:01:03');
    const question = ev('pdd', 'B', 'buyer', t('10:00:00') + 500, { historical: true, observedAt: host.clock });
    await s.ingest(msg([question]));
    expect((await db.events.toArray()).map((e) => e.messageId)).toEqual([question.messageId]);
    expect(await db.clocks.get(`pdd|${ACCOUNT}|B`)).toMatchObject({
      waitingMessages: 1,
      startedAt: question.at,
      dueAt: question.at + 180_000,
    });
    // Reloads with counters rounded either way change nothing.
    const before = await wholeStore(db);
    for (const sec of [62, 63]) await s.ingest(msg([counter('B', host.clock, sec), { ...question }]));
    expect(await wholeStore(db)).toEqual(before);
    await expectRollupsMatchUnits(db);
  });

  it('a wait stored by an earlier version (id wait-<seconds>, timeSource stamp) gives way to the message too', async () => {
    const s = new Sentinel(db, host);
    host.clock = t('10:00:43');
    await s.health(watching(), 7);
    await s.ingest(msg([{ ...counter('L', host.clock, 42), timeSource: 'stamp' }]));
    const question = ev('pdd', 'L', 'buyer', t('10:00:00') + 500, { historical: true, observedAt: host.clock });
    await s.ingest(msg([question]));
    expect((await db.events.toArray()).map((e) => e.messageId)).toEqual([question.messageId]);
    expect(await db.clocks.get(`pdd|${ACCOUNT}|L`)).toMatchObject({ waitingMessages: 1, dueAt: question.at + 180_000 });
  });

  it('two readings of a wait no message explains yet: the first one stands, the second is not stored', async () => {
    const s = new Sentinel(db, host);
    host.clock = t('10:00:43');
    await s.health(watching(), 7);
    await s.ingest(msg([counter('C', host.clock, 42)]));
    const before = await wholeStore(db);
    // Reloaded 0.6 s later: "43秒" says 10:00:00.600, 0.4 s before the first reading.
    await s.ingest(msg([counter('C', host.clock + 600, 43)]));
    expect(await wholeStore(db)).toEqual(before);
    // Even read in the same millisecond (the page's counter ticked between the two reads).
    await s.ingest(msg([counter('C', host.clock, 43)]));
    expect(await wholeStore(db)).toEqual(before);
  });
});

describe('the backlog at load', () => {
  it('a counter at load counts down from the page’s start, badges, alerts, and is marked started before watching', async () => {
    const s = new Sentinel(db, host);
    const opened = t('10:00:00');
    host.clock = opened;
    await s.health(watching(), 7);
    await s.ingest(msg([counter('D', opened, 30)]));
    expect(await db.clocks.get(`pdd|${ACCOUNT}|D`)).toMatchObject({
      status: 'pending',
      startedAt: opened - 30_000,
      dueAt: opened + 150_000,
      startedBeforeWatching: true,
    });
    expect(host.badge.text).toBe('2:30');
    expect(s.clocksFor('pdd', ACCOUNT)).toEqual([{ buyer: 'D', status: 'pending', dueAt: opened + 150_000 }]);
    host.clock = opened + 90_000;
    await s.health(watching(), 7);
    await s.tick();
    expect(host.notices.map((x) => x.title)).toEqual(['1 位买家即将超时']);
  });

  it('"203秒" at load is a breach, seen late: first in the queue, on the row badge, alerted, counted as a fail', async () => {
    const s = new Sentinel(db, host);
    const opened = t('10:00:00');
    host.clock = opened;
    await s.health(watching(), 7);
    await s.ingest(msg([counter('E', opened, 203)]));
    expect(host.badge.text).toBe('!1');
    expect(host.notices.map((x) => x.title)).toEqual(['1 位买家已超时']);
    // Another buyer waiting 30 s: the breach comes first in the queue.
    await s.ingest(msg([counter('F', opened, 30)]));
    expect(await db.clocks.get(`pdd|${ACCOUNT}|E`)).toMatchObject({
      status: 'breached',
      startedBeforeWatching: true,
      seenLate: true,
      dueAt: opened - 23_000,
    });
    expect(s.openClocks().map((c) => c.buyer)).toEqual(['E', 'F']);
    expect(s.clocksFor('pdd', ACCOUNT)).toContainEqual({ buyer: 'E', status: 'breached', dueAt: opened - 23_000 });
    expect(host.badge.title).toBe('1 位买家等待中 · 1 位已超时');
    const units = await db.units.where('conv').equals(`pdd|${ACCOUNT}|E`).toArray();
    expect(units.filter((u) => u.metric === 'pdd.manual3min').map((u) => [u.result, u.seenLate])).toEqual([
      ['fail', true],
    ]);
    // The conversation is opened: the history shows the question (its own time) and no reply. One wait, still a breach.
    host.clock = opened + 10_000;
    const question = ev('pdd', 'E', 'buyer', opened - 203_400, { historical: true, observedAt: host.clock });
    await s.ingest(msg([question]));
    expect((await db.events.where('conv').equals(`pdd|${ACCOUNT}|E`).toArray()).map((e) => e.messageId)).toEqual([
      question.messageId,
    ]);
    expect(await db.clocks.get(`pdd|${ACCOUNT}|E`)).toMatchObject({
      status: 'breached',
      seenLate: true,
      waitingMessages: 1,
      dueAt: question.at + 180_000,
    });
    await expectRollupsMatchUnits(db);
  });

  it('unknown stays only for time nothing covers: the page showing the question unanswered later settles it', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    const q = ev('pdd', 'G', 'buyer', t('10:00:00'));
    await s.ingest(msg([q]));
    await s.tabClosed(7);
    host.clock = t('11:00:00');
    await s.tick();
    expect((await db.clocks.get(`pdd|${ACCOUNT}|G`))!.status).toBe('unknown');
    // Reopened at 11:00: the thread shows the question and nothing after it (the same message, read again).
    await s.health(watching(), 8);
    await s.ingest(msg([{ ...q, historical: true, observedAt: host.clock }]));
    expect(await db.clocks.get(`pdd|${ACCOUNT}|G`)).toMatchObject({ status: 'breached', seenLate: true });
    expect((await db.events.get(`pdd|${ACCOUNT}|G|${q.messageId}`))!.seenAt).toBe(t('11:00:00'));
    await expectRollupsMatchUnits(db);
    // Seen again: nothing more to keep.
    const before = await wholeStore(db);
    host.clock = t('11:05:00');
    await s.ingest(msg([{ ...q, historical: true, observedAt: host.clock }]));
    const after = await wholeStore(db);
    expect(after.events).toEqual(before.events);
    expect(after.units).toEqual(before.units);
  });

  it('a reload before the deadline keeps nothing new', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    const q = ev('pdd', 'H', 'buyer', t('10:00:00'));
    await s.ingest(msg([q]));
    const before = await wholeStore(db);
    await s.ingest(msg([{ ...q, historical: true, observedAt: t('10:01:00') }, counter('H', t('10:01:00'), 60)]));
    expect(await wholeStore(db)).toEqual(before);
  });
});

describe('two shops never merge', () => {
  const feige = (account: string): HealthMessage => ({
    type: 'health',
    platform: 'douyin',
    account,
    health: 'watching',
    parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
    url: 'https://im.jinritemai.com/pc_seller_v2/main/workspace',
  });
  const feigeEvents = (account: string, events: ChatEvent[]): EventsMessage => ({
    type: 'events',
    platform: 'douyin',
    account,
    events: events.map((e) => ({ ...e, account })),
  });

  it('two Feige tabs whose pages show no shop keep separate clocks: a reply in one does not answer the other', async () => {
    const s = new Sentinel(db, host);
    await s.health(feige(UNRECOGNISED_ACCOUNT), 7);
    await s.health(feige(UNRECOGNISED_ACCOUNT), 8);
    // The same display name in both shops (Feige's buyer id is the name the page shows).
    await s.ingest(feigeEvents(UNRECOGNISED_ACCOUNT, [ev('douyin', '小明', 'buyer', t('10:00:00'))]), 7);
    host.clock = t('10:00:30');
    await s.ingest(feigeEvents(UNRECOGNISED_ACCOUNT, [ev('douyin', '小明', 'buyer', t('10:00:30'))]), 8);
    host.clock = t('10:01:00');
    await s.ingest(feigeEvents(UNRECOGNISED_ACCOUNT, [ev('douyin', '小明', 'human', t('10:01:00'))]), 8);
    const clocks = await db.clocks.toArray();
    expect(clocks.map((c) => c.status).sort()).toEqual(['answered', 'pending']);
    const [a, b] = [...(await db.tabs.toArray())].sort((x, y) => x.tabId - y.tabId).map((x) => x.account);
    expect(a).not.toBe(b);
    expect([a, b].every((x) => isUnrecognisedAccount(x!))).toBe(true);
    expect(clocks.find((c) => c.status === 'pending')!.account).toBe(a);
    // Each tab's badges get its own shop's clocks.
    expect(s.clocksFor('douyin', a!)).toEqual([{ buyer: '小明', status: 'pending', dueAt: t('10:03:00') }]);
    expect(s.clocksFor('douyin', b!)).toEqual([]);
    expect(host.tabMessages.filter((m) => m.tabId === 7).every((m) => m.msg.account === a)).toBe(true);
  });

  it('a tab keeps its account through reloads and worker restarts; a tab of a new browser session gets another', async () => {
    const s1 = new Sentinel(db, host);
    await s1.health(feige(UNRECOGNISED_ACCOUNT), 7);
    const first = (await db.tabs.get(7))!.account;
    await s1.health(feige(UNRECOGNISED_ACCOUNT), 7); // reload
    expect((await db.tabs.get(7))!.account).toBe(first);
    const s2 = new Sentinel(new SentinelDB(db.name), host); // the worker restarted
    await s2.ingest(feigeEvents(UNRECOGNISED_ACCOUNT, [ev('douyin', '小红', 'buyer', t('10:00:00'))]), 7);
    expect((await db.clocks.toArray()).map((c) => c.account)).toEqual([first]);
    // The browser restarted: tab ids start again, so an old id is no old tab.
    host.tabs = new Set([7]);
    host.clock = t('11:00:00');
    const s3 = new Sentinel(new SentinelDB(db.name), host);
    await s3.browserStarted();
    expect(await db.tabs.count()).toBe(0);
    await s3.health(feige(UNRECOGNISED_ACCOUNT), 7);
    expect((await db.tabs.get(7))!.account).not.toBe(first);
    // A page that shows its shop is that shop, in any tab.
    await s3.health(feige('抖店旗舰店'), 9);
    expect((await db.tabs.get(9))!.account).toBe('抖店旗舰店');
  });
});

describe('a page that shows its shop late (issue 17: rows reported under "?")', () => {
  const SHOP = '抖店旗舰店';
  const feige = (account: string): HealthMessage => ({
    type: 'health',
    platform: 'douyin',
    account,
    health: 'watching',
    parts: { list: 'ok', thread: 'ok', input: 'ok', account: account === UNRECOGNISED_ACCOUNT ? 'missing' : 'ok' },
    url: 'https://im.jinritemai.com/pc_seller_v2/main/workspace',
  });
  const feigeEvents = (account: string, events: ChatEvent[]): EventsMessage => ({
    type: 'events',
    platform: 'douyin',
    account,
    events: events.map((e) => ({ ...e, account })),
  });
  const thread = [
    ev('douyin', '小明', 'buyer', t('10:00:00')),
    ev('douyin', '小明', 'human', t('10:01:00')),
    ev('douyin', '小红', 'buyer', t('10:02:00')),
  ];
  const where = (rows: unknown[] = []) => rows.map((r) => (r as { account: string }).account);
  /** The store without what differs by construction (ids of spans, times written). */
  async function figures(d: SentinelDB) {
    const w = await wholeStore(d);
    const strip = (rows: unknown[]) =>
      rows.map((r) => {
        const { id: _id, updatedAt: _u, ...rest } = r as Record<string, unknown>;
        return rest;
      });
    return {
      events: w.events,
      clocks: w.clocks,
      units: w.units,
      rollups: strip(w.rollups!),
      dayStats: w.dayStats,
      coverage: strip(w.coverage!),
    };
  }

  it('what the tab reported under its own account moves to the shop, counted once: the store equals one that knew the shop from the start', async () => {
    // Reference: the page showed its shop from the start.
    const refDb = new SentinelDB(`evidence-ref-${n}`);
    const refHost = new FakeHost();
    const ref = new Sentinel(refDb, refHost);
    await ref.health(feige(SHOP), 7);
    await ref.ingest(feigeEvents(SHOP, thread.slice(0, 2)), 7);
    refHost.clock = t('10:02:00');
    await ref.health(feige(SHOP), 7);
    await ref.ingest(feigeEvents(SHOP, thread.slice(2)), 7);
    refHost.clock = t('10:02:30');
    await ref.health(feige(SHOP), 7);
    await ref.ingest(feigeEvents(SHOP, thread), 7);

    // The page's header came after the grace: the tab reported under "?", then shows its shop and reports again.
    const s = new Sentinel(db, host);
    await s.health(feige(UNRECOGNISED_ACCOUNT), 7);
    await s.ingest(feigeEvents(UNRECOGNISED_ACCOUNT, thread.slice(0, 2)), 7);
    host.clock = t('10:02:00');
    await s.health(feige(UNRECOGNISED_ACCOUNT), 7);
    await s.ingest(feigeEvents(UNRECOGNISED_ACCOUNT, thread.slice(2)), 7);
    const own = (await db.tabs.get(7))!.account;
    expect(isUnrecognisedAccount(own)).toBe(true);
    expect((await db.units.toArray()).map((u) => u.account)).toContain(own);
    host.clock = t('10:02:30');
    await s.health(feige(SHOP), 7);
    // Moved before the page's own re-report arrives …
    expect((await db.clocks.toArray()).map((c) => [c.account, c.buyer, c.status])).toEqual([
      [SHOP, '小明', 'answered'],
      [SHOP, '小红', 'pending'],
    ]);
    await s.ingest(feigeEvents(SHOP, thread), 7);

    // … and nothing is left under the tab's own account, nothing counted twice.
    const mine = await figures(db);
    for (const table of ['events', 'clocks', 'units', 'rollups', 'dayStats', 'coverage'] as const)
      expect(where(mine[table]).filter(isUnrecognisedAccount), table).toEqual([]);
    expect(mine.events).toHaveLength(3);
    expect(mine).toEqual(await figures(refDb));
    await expectRollupsMatchUnits(db);
    // The worker's memory follows: the tab's badges are the shop's clocks, the own account has none.
    expect(s.clocksFor('douyin', SHOP)).toEqual([{ buyer: '小红', status: 'pending', dueAt: t('10:05:00') }]);
    expect(s.clocksFor('douyin', own)).toEqual([]);
    expect(host.badge).toEqual(refHost.badge);
    // A restarted worker reads the same.
    const s2 = new Sentinel(new SentinelDB(db.name), host);
    await s2.start();
    expect(s2.clocksFor('douyin', SHOP)).toEqual(s.clocksFor('douyin', SHOP));
    refDb.close();
  });

  it('a move that fails rolls back whole, and the tab still reports under its shop (covered, not blind)', async () => {
    const s = new Sentinel(db, host);
    await s.health(feige(UNRECOGNISED_ACCOUNT), 7);
    await s.ingest(feigeEvents(UNRECOGNISED_ACCOUNT, thread), 7);
    const own = (await db.tabs.get(7))!.account;
    const before = await figures(db);
    // The move's first write fails (a full disk, say).
    const put = vi.spyOn(db.events, 'bulkPut').mockRejectedValueOnce(new Error('QuotaExceededError'));
    host.clock = t('10:02:30');
    await expect(s.health(feige(SHOP), 7)).resolves.toBe(SHOP);
    expect(put).toHaveBeenCalled();
    put.mockRestore();
    expect((await db.tabs.get(7))!.account).toBe(SHOP);
    const after = await figures(db);
    expect(after.events).toEqual(before.events);
    expect(after.units).toEqual(before.units);
    expect(where(after.clocks)).toEqual(where(before.clocks));
    expect(where(after.clocks).every((a) => a === own)).toBe(true);
    // The shop is watched from now on: its coverage has a span from this tab.
    expect((await db.coverage.toArray()).some((c) => c.account === SHOP)).toBe(true);
  });

  it('only a tab’s own account moves: another shop in the tab, or another tab, keeps its rows', async () => {
    const s = new Sentinel(db, host);
    await s.health(feige('店A'), 7);
    await s.ingest(feigeEvents('店A', [ev('douyin', '小明', 'buyer', t('10:00:00'))]), 7);
    await s.health(feige(UNRECOGNISED_ACCOUNT), 8);
    await s.ingest(feigeEvents(UNRECOGNISED_ACCOUNT, [ev('douyin', '小红', 'buyer', t('10:00:10'))]), 8);
    const own8 = (await db.tabs.get(8))!.account;
    // Tab 7 logs into another shop; tab 8 is still blind to its shop.
    host.clock = t('10:00:20');
    await s.health(feige('店B'), 7);
    const accounts = async () => (await db.clocks.toArray()).map((c) => [c.account, c.buyer]).sort();
    expect(await accounts()).toEqual([
      [own8, '小红'],
      ['店A', '小明'],
    ]);
    // Tab 8 shows 店A: its own rows join 店A's (the same shop as tab 7 had), 店A's own stay.
    await s.health(feige('店A'), 8);
    expect(await accounts()).toEqual([
      ['店A', '小明'],
      ['店A', '小红'],
    ]);
    await expectRollupsMatchUnits(db);
  });
});

describe('platform-rules.md §3.7, sentence by sentence', () => {
  it('"a buyer message whose time the page does not show is never invented as a new question"', async () => {
    const s = new Sentinel(db, host);
    const opened = t('10:00:00');
    host.clock = opened;
    await s.health(watching(), 7);
    // The thread's history shows a question without a time (the watcher bounds it: sometime before the page opened).
    const untimed = ev('pdd', 'U', 'buyer', t('00:00:00'), {
      timeSource: 'observed',
      historical: true,
      atLatest: opened,
      observedAt: opened,
    });
    await s.ingest(msg([untimed]));
    expect((await db.events.toArray()).map((e) => e.messageId)).toEqual([untimed.messageId]);
    host.clock = t('11:00:00');
    await s.tick();
    const clock = await db.clocks.get(`pdd|${ACCOUNT}|U`);
    expect(clock).toMatchObject({ status: 'idle', startedAt: null, dueAt: null, waitingMessages: 0 });
    expect(await db.units.toArray()).toEqual([]);
    expect(host.notices).toEqual([]);
    expect(host.badge.text).toBe('');
    // A later timed question is a question: its own clock, from its own time.
    host.clock = t('11:00:30');
    await s.ingest(msg([ev('pdd', 'U', 'buyer', t('11:00:10'))]));
    expect(await db.clocks.get(`pdd|${ACCOUNT}|U`)).toMatchObject({
      status: 'pending',
      startedAt: t('11:00:10'),
      waitingMessages: 1,
    });
  });

  it('"… never invented": but the same question shown later with its time is a question from that time', async () => {
    const s = new Sentinel(db, host);
    const opened = t('10:00:00');
    host.clock = opened;
    await s.health(watching(), 7);
    const untimed = ev('pdd', 'U', 'buyer', t('09:59:00'), {
      messageId: 'm1',
      timeSource: 'observed',
      atLatest: opened,
      observedAt: opened,
    });
    await s.ingest(msg([untimed]));
    expect(await db.clocks.get(`pdd|${ACCOUNT}|U`)).toMatchObject({ status: 'idle' });
    // The page now shows its stamp (the same message): its time replaces the bound, whole.
    host.clock = t('10:00:30');
    const timed = ev('pdd', 'U', 'buyer', t('10:00:10'), {
      messageId: 'm1',
      timeSource: 'stamp',
      observedAt: host.clock,
    });
    expect('atLatest' in timed).toBe(false);
    await s.ingest(msg([timed]));
    const [row, ...more] = await db.events.toArray();
    expect(more).toEqual([]);
    expect(row).toMatchObject({ at: t('10:00:10'), timeSource: 'stamp', observedAt: opened });
    expect(row!.atLatest).toBeUndefined();
    expect(await db.clocks.get(`pdd|${ACCOUNT}|U`)).toMatchObject({
      status: 'pending',
      startedAt: t('10:00:10'),
      waitingMessages: 1,
    });
  });

  it('"a wait whose start the page does show (a message timestamp …) is counted from that start even if it began before the tab was watched"', async () => {
    const s = new Sentinel(db, host);
    const opened = t('10:02:00');
    host.clock = opened;
    await s.health(watching(), 7);
    // No row counter: only the thread's history, whose question is stamped 10:00:00, before the tab opened.
    const q = ev('pdd', 'S', 'buyer', t('10:00:00'), { timeSource: 'stamp', historical: true, observedAt: opened });
    await s.ingest(msg([q]));
    expect(await db.clocks.get(`pdd|${ACCOUNT}|S`)).toMatchObject({
      status: 'pending',
      startedAt: t('10:00:00'),
      dueAt: t('10:03:00'),
      startedBeforeWatching: true,
    });
    // Watched through the deadline: a breach, not seen late (it was watched), counted as a fail.
    host.clock = t('10:03:01');
    await s.tick();
    const clock = await db.clocks.get(`pdd|${ACCOUNT}|S`);
    expect(clock).toMatchObject({ status: 'breached', startedBeforeWatching: true });
    expect(clock!.seenLate).toBeUndefined();
    const units = await db.units.where('conv').equals(`pdd|${ACCOUNT}|S`).toArray();
    expect(units.find((u) => u.metric === 'pdd.manual3min')!.result).toBe('fail');
  });

  it('"a question the history shows unanswered past the threshold is a breach (seen late), not unknown"', async () => {
    const s = new Sentinel(db, host);
    const opened = t('10:30:00');
    host.clock = opened;
    await s.health(watching(), 7);
    // Nobody watched 10:00–10:30; the history shows the 10:00 question and no reply after it.
    const q = ev('pdd', 'L', 'buyer', t('10:00:00'), { timeSource: 'stamp', historical: true, observedAt: opened });
    await s.ingest(msg([q]));
    expect(await db.clocks.get(`pdd|${ACCOUNT}|L`)).toMatchObject({
      status: 'breached',
      seenLate: true,
      dueAt: t('10:03:00'),
    });
    const units = await db.units.where('conv').equals(`pdd|${ACCOUNT}|L`).toArray();
    expect(units.find((u) => u.metric === 'pdd.manual3min')).toMatchObject({ result: 'fail', seenLate: true });
    // A reply the history shows (sent from the phone at 10:02) would have decided by its own time: a pass.
    await s.ingest(msg([ev('pdd', 'L', 'human', t('10:02:00'), { historical: true, observedAt: opened })]));
    const after = await db.units.where('conv').equals(`pdd|${ACCOUNT}|L`).toArray();
    expect(after.find((u) => u.metric === 'pdd.manual3min')!.result).toBe('pass');
    await expectRollupsMatchUnits(db);
  });
});
