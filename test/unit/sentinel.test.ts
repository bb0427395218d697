import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BREACH_SHOWN_MS, Sentinel, REFRESH_MS, alarmChange } from '../../lib/background/sentinel';
import { SentinelDB } from '../../lib/db/schema';
import { CLOCKS_REFUSALS, CLOCKS_RESYNC, type EventsMessage, type HealthMessage } from '../../lib/messages';
import type { ChatEvent } from '../../lib/model';
import { evaluate } from '../../lib/engine';
import { parseMessage } from '../../lib/protocol';
import { effectiveRules } from '../../lib/rules';
import { prng } from '../../scripts/bench/synth';
import { freeSpace, withSpace } from '../../lib/background/maintenance';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';
import { expectRollupsMatchUnits, storedRollups } from './helpers/rollups';

let dbName: string;
let n = 0;
let db: SentinelDB;
let host: FakeHost;

beforeEach(() => {
  dbName = `test-${++n}`;
  db = new SentinelDB(dbName);
  host = new FakeHost();
});
afterEach(async () => {
  db.close();
});

const msg = (events: ChatEvent[]): EventsMessage => ({ type: 'events', platform: 'pdd', account: 'shop-main', events });
const watching = (url = 'http://127.0.0.1/demo/pdd/'): HealthMessage => ({
  type: 'health',
  platform: 'pdd',
  account: 'shop-main',
  health: 'watching',
  parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
  url,
});

describe('Sentinel (background logic)', () => {
  it('a buyer question starts a countdown on the badge and arms one alarm', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'), { buyerNick: '小张' })]));
    expect(host.badge.text).toBe('3:00');
    expect(host.badge.title).toContain('1 位买家等待中');
    expect(host.alarm).toBe(t('10:00:00') + REFRESH_MS);
    const clock = await db.clocks.get('pdd|shop-main|buyerA');
    expect(clock?.status).toBe('pending');
    expect(clock?.dueAt).toBe(t('10:03:00'));
    host.clock = t('10:01:30');
    expect(s.badge(host.clock).text).toBe('1:30');
    expect(s.badge(t('10:02:40')).color).toBe('#f5222d');
  });

  it('tells the watching tabs of that account about its open clocks, once per change', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.health({ ...watching(), account: 'other-shop' }, 8);
    await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    const toTab = (id: number) => host.tabMessages.filter((m) => m.tabId === id).map((m) => m.msg);
    const head = {
      type: 'clocks',
      platform: 'pdd',
      account: 'shop-main',
      epoch: expect.any(Number),
      title: true,
      lang: 'zh_CN',
    };
    // The first message to a tab is the whole list; the next ones the changes on top of the previous one, each
    // numbered above the one before.
    const a = { buyer: 'buyerA', status: 'pending', dueAt: t('10:03:00') };
    const [first, second] = toTab(7);
    expect(first).toEqual({ ...head, seq: first!.seq, clocks: [] });
    expect(second).toEqual({ ...head, seq: expect.any(Number), base: first!.seq, clocks: [a], removed: [] });
    expect(second!.seq).toBeGreaterThan(first!.seq);
    expect(toTab(7)).toHaveLength(2);
    expect(toTab(8)).toEqual([{ ...head, account: 'other-shop', seq: expect.any(Number), clocks: [] }]);
    const count = host.tabMessages.length;
    await s.tick();
    expect(host.tabMessages.length).toBe(count);
    await s.ingest(msg([ev('pdd', 'buyerB', 'buyer', t('10:00:30'))]));
    const b = { buyer: 'buyerB', status: 'pending', dueAt: t('10:03:30') };
    const withB = toTab(7).at(-1)!;
    expect(withB).toEqual({ ...head, seq: expect.any(Number), base: second!.seq, clocks: [b], removed: [] });
    expect(withB.seq).toBeGreaterThan(second!.seq);
    host.clock = t('10:01:00');
    await s.ingest(msg([ev('pdd', 'buyerA', 'human', t('10:01:00'))]));
    const third = toTab(7).at(-1)!;
    expect(third).toMatchObject({ base: withB.seq, clocks: [], removed: ['buyerA'] });
    expect(third.seq).toBeGreaterThan(third.base!);
    expect(toTab(8)).toHaveLength(1);
    // The tab could not apply a change list (it reloaded): it is sent the whole list at once.
    host.tabReply = { ok: false, error: CLOCKS_RESYNC };
    const before = toTab(7).length;
    await s.ingest(msg([ev('pdd', 'buyerC', 'buyer', t('10:01:00'))]));
    const c = { buyer: 'buyerC', status: 'pending', dueAt: t('10:04:00') };
    const [change, ...wholes] = toTab(7).slice(before);
    expect(change).toEqual({ ...head, seq: expect.any(Number), base: third.seq, clocks: [c], removed: [] });
    // Here it refuses the whole lists too (as a tab that took this worker for a dead one does, CLOCKS_REFUSALS
    // times): each is sent again, once more than a tab refuses, then no more in this push.
    expect(wholes).toEqual(Array(CLOCKS_REFUSALS + 1).fill({ ...head, seq: expect.any(Number), clocks: [b, c] }));
    const whole = wholes.at(-1);
    expect(wholes[0]!.seq).toBeGreaterThan(change!.seq);
    host.tabReply = undefined;
    // Its heartbeat says it shows that list: nothing to send. Then it reloads (no list): the whole list at once.
    let sent = host.tabMessages.length;
    await s.health({ ...watching(), clocksSeq: whole!.seq }, 7);
    expect(host.tabMessages.length).toBe(sent);
    await s.health({ ...watching(), clocksSeq: whole!.seq, clocksEpoch: whole!.epoch }, 7);
    expect(host.tabMessages.length).toBe(sent);
    // The same number from another worker (a dead one's list, shown): the whole list, the clocks unchanged.
    await s.health({ ...watching(), clocksSeq: whole!.seq, clocksEpoch: (whole!.epoch + 1) % 2 ** 32 }, 7);
    expect(host.tabMessages.slice(sent).map((m) => m.msg)).toEqual([
      { ...head, seq: expect.any(Number), clocks: [b, c] },
    ]);
    sent = host.tabMessages.length;
    await s.health(watching(), 7);
    const again = host.tabMessages.slice(sent).map((m) => m.msg);
    expect(again).toEqual([{ ...head, seq: expect.any(Number), clocks: [b, c] }]);
    expect(again[0]!.seq).toBeGreaterThan(whole!.seq);
    // Another account in the tab: that account's whole list.
    sent = host.tabMessages.length;
    await s.health({ ...watching(), account: 'other-shop', clocksSeq: again[0]!.seq }, 7);
    expect(host.tabMessages.slice(sent).map((m) => m.msg)).toEqual([
      { ...head, account: 'other-shop', seq: expect.any(Number), clocks: [] },
    ]);
    // One worker, one epoch, on every list to every tab (a tab orders its lists by `seq` within it).
    expect(new Set(host.tabMessages.map((m) => m.msg.epoch)).size).toBe(1);
  });

  it('says with every clocks message whether the tab title shows the wait; a change of that setting resends the list', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    const toTab = () => host.tabMessages.filter((m) => m.tabId === 7).map((m) => m.msg);
    expect(toTab().map((m) => m.title)).toEqual([true, true]); // on by default
    const last = toTab().at(-1)!;
    const a = { buyer: 'buyerA', status: 'pending', dueAt: t('10:03:00') };
    expect(await s.updateSettings({ tabTitle: false })).toEqual({ ok: true });
    // Nothing else changed, but the tab must hear of the setting: the whole list, with it.
    expect(toTab().at(-1)).toEqual({
      type: 'clocks',
      platform: 'pdd',
      account: 'shop-main',
      epoch: expect.any(Number),
      seq: expect.any(Number),
      clocks: [a],
      title: false,
      lang: 'zh_CN',
    });
    expect(toTab().at(-1)!.seq).toBeGreaterThan(last.seq);
    const count = host.tabMessages.length;
    await s.tick();
    expect(host.tabMessages.length).toBe(count);
    // The language too: the badges', title's and palette's words change with it, so the whole list comes again.
    host.lang = 'en';
    await s.tick();
    expect(host.tabMessages.length).toBe(count + 1);
    expect(toTab().at(-1)).toMatchObject({ clocks: [a], title: false, lang: 'en' });
    expect(toTab().at(-1)).not.toHaveProperty('base');
    host.lang = 'zh_CN';
    // A bad value is refused and changes nothing.
    expect(await s.updateSettings({ tabTitle: 'yes' })).toMatchObject({ ok: false });
    expect(s.getSettings().tabTitle).toBe(false);
  });

  it('the same event twice stores nothing new and changes nothing', async () => {
    const s = new Sentinel(db, host);
    const e = ev('pdd', 'buyerA', 'buyer', t('10:00:00'));
    expect((await s.ingest(msg([e]))).stored).toBe(1);
    const before = await db.clocks.toArray();
    const again = await s.ingest(msg([{ ...e, observedAt: e.observedAt + 9000 }, e]));
    expect(again.stored).toBe(0);
    expect(await db.events.count()).toBe(1);
    expect(await db.clocks.toArray()).toEqual(before);
  });

  it('alerts once before the deadline and once at the breach while the tab watches', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'), { buyerNick: '小张' })]));
    host.clock = t('10:02:00');
    await s.health(watching(), 7); // heartbeat
    await s.tick();
    expect(host.notices.map((x) => x.title)).toEqual(['1 位买家即将超时']);
    expect(host.notices[0]).toMatchObject({ id: 'merged|soon', message: '\u2068小张\u2069（剩 1 分）' });
    await s.tick();
    expect(host.notices).toHaveLength(1);
    expect(host.alarm).toBe(t('10:02:30'));
    host.clock = t('10:03:01');
    await s.health(watching(), 7);
    await s.tick();
    expect(host.notices.map((x) => x.title)).toEqual(['1 位买家即将超时', '1 位买家已超时']);
    // Nothing is about to time out any more: the merged warning is taken away; the breach stays until dismissed.
    expect(host.cleared).toContain('merged|soon');
    expect(host.notices[1]).toMatchObject({ id: 'merged|breach', requireInteraction: true });
    expect(host.badge.text).toBe('!1');
    expect(host.alarm).toBeNull();
    expect((await db.clocks.get('pdd|shop-main|buyerA'))?.status).toBe('breached');
  });

  it('notifications isolate the nickname (FSI … PDI) and remove its bidi and zero-width controls', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'), { buyerNick: 'evil\u202Egnp.exe\u200B' })]));
    host.clock = t('10:02:00');
    await s.health(watching(), 7);
    await s.tick();
    host.clock = t('10:03:01');
    await s.health(watching(), 7);
    await s.tick();
    expect(host.notices.map((x) => x.message)).toEqual([
      '\u2068evilgnp.exe\u2069（剩 1 分）',
      '\u2068evilgnp.exe\u2069（超 1 秒）',
    ]);
    // Per-buyer notifications, when asked for, isolate it too.
    host.notices = [];
    await db.delete();
    await db.open();
    const s2 = new Sentinel(db, host);
    expect((await s2.updateSettings({ perBuyerNotices: true })).ok).toBe(true);
    host.clock = t('10:00:00');
    await s2.health(watching(), 7);
    await s2.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'), { buyerNick: 'evil\u202Egnp.exe\u200B' })]));
    host.clock = t('10:02:00');
    await s2.health(watching(), 7);
    await s2.tick();
    host.clock = t('10:03:01');
    await s2.health(watching(), 7);
    await s2.tick();
    expect(host.notices.filter((x) => !x.id.startsWith('merged|')).map((x) => x.message)).toEqual([
      '\u2068evilgnp.exe\u2069（拼多多）正在等待回复',
      '\u2068evilgnp.exe\u2069（拼多多）等待已超过时限，请尽快回复',
    ]);
  });

  it('a breach stays on the badge for BREACH_SHOWN_MS, next to the pending clocks; older breaches are not shown', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    host.clock = t('10:02:00');
    await s.health(watching(), 7); // heartbeats: the tab watched through the deadline
    host.clock = t('10:03:01');
    await s.health(watching(), 7);
    await s.tick();
    expect((await db.clocks.get('pdd|shop-main|buyerA'))?.status).toBe('breached');
    const due = t('10:03:00');
    // A later buyer, still pending, comes first on the badge; the breach is counted in the title.
    host.clock = due + BREACH_SHOWN_MS - 60_000;
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'buyerB', 'buyer', host.clock)]));
    expect(s.openClocks().map((c) => `${c.buyer}:${c.status}`)).toEqual(['buyerA:breached', 'buyerB:pending']);
    host.clock = due + BREACH_SHOWN_MS - 1000;
    await s.tick();
    expect(s.openClocks().map((c) => c.buyer)).toEqual(['buyerA', 'buyerB']);
    host.clock = due + BREACH_SHOWN_MS + 1000;
    await s.tick();
    expect(s.openClocks().map((c) => c.buyer)).toEqual(['buyerB']);
    expect((await db.clocks.get('pdd|shop-main|buyerA'))?.status).toBe('breached'); // kept, just not shown
  });

  it('a human reply stops the clock; a robot reply does not', async () => {
    const s = new Sentinel(db, host);
    await s.ingest(msg([ev('pdd', 'b', 'buyer', t('10:00:00'))]));
    host.clock = t('10:00:05');
    await s.ingest(msg([ev('pdd', 'b', 'robot', t('10:00:05'))]));
    expect((await db.clocks.get('pdd|shop-main|b'))?.status).toBe('pending');
    host.clock = t('10:01:00');
    await s.ingest(msg([ev('pdd', 'b', 'human', t('10:01:00'))]));
    expect((await db.clocks.get('pdd|shop-main|b'))?.status).toBe('answered');
    expect(host.badge.text).toBe('');
    expect(host.alarm).toBeNull();
    const roll = await db.rollups.get(`pdd.manual3min|2026-11-20|pdd|shop-main`);
    expect(roll).toMatchObject({ pass: 1, fail: 0 });
  });

  it('after a worker restart the state is intact and the countdown goes on', async () => {
    const s1 = new Sentinel(db, host);
    await s1.health(watching(), 7);
    await s1.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    // The worker dies; a new one starts 40 s later on the same database.
    host.clock = t('10:00:40');
    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    expect(host.badge.text).toBe('2:20');
    expect(s2.openClocks().map((c) => c.key)).toEqual(['pdd|shop-main|buyerA']);
  });

  it('messages of the same time keep their page order through the protocol, the database and a worker restart', async () => {
    // One reading: the question, then the reply, both stamped 10:00:00, content-hash ids sorting the other way.
    const seen = t('10:00:20');
    const read = (id: string, author: ChatEvent['author'], pageOrder: number) =>
      ev('pdd', 'buyerA', author, t('10:00:00'), { messageId: id, observedAt: seen, pageOrder, timeSource: 'stamp' });
    const parsed = parseMessage(msg([read('h9f', 'buyer', 0), read('h1a', 'human', 1)]));
    if (!parsed.ok || parsed.value.type !== 'events') throw new Error('refused');
    const s1 = new Sentinel(db, host);
    await s1.health(watching(), 7);
    await s1.ingest(parsed.value);
    const day = `pdd.manual3min|2026-11-20|pdd|shop-main`;
    expect(await db.rollups.get(day)).toMatchObject({ pass: 1, fail: 0 });
    // A new worker reads the thread from the database when the buyer writes again: the first round still passes.
    host.clock = t('10:30:00');
    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    await s2.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:30:00')), ev('pdd', 'buyerA', 'human', t('10:31:00'))]));
    const units = await db.units.where('conv').equals('pdd|shop-main|buyerA').toArray();
    expect(units.filter((u) => u.metric === 'pdd.manual3min').map((u) => u.result)).toEqual(['pass']);
    expect(await db.rollups.get(day)).toMatchObject({ pass: 1, fail: 0 });
  });

  it('a deadline missed while nobody watched is unknown after the restart, with no breach alert', async () => {
    const s1 = new Sentinel(db, host);
    await s1.health(watching(), 7);
    await s1.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    // Browser closed at 10:00:10; reopened at 11:00.
    host.clock = t('11:00:00');
    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    expect((await db.clocks.get('pdd|shop-main|buyerA'))?.status).toBe('unknown');
    expect(host.notices).toHaveLength(0);
    expect(host.badge.text).toBe('');
    const roll = await db.rollups.get(`pdd.manual3min|2026-11-20|pdd|shop-main`);
    expect(roll).toMatchObject({ unknown: 1, fail: 0, pass: 0 });
    // The page is reopened and its history shows the reply sent from the phone at 10:02: reconciled to a pass.
    await s2.ingest(msg([ev('pdd', 'buyerA', 'human', t('10:02:00'), { historical: true, observedAt: host.clock })]));
    expect(await db.rollups.get(`pdd.manual3min|2026-11-20|pdd|shop-main`)).toMatchObject({ unknown: 0, pass: 1 });
  });

  it('a browser crash or restart ends coverage where it was last seen, even when it comes back quickly', async () => {
    const s1 = new Sentinel(db, host);
    await s1.health(watching(), 7);
    await s1.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    // The browser dies at 10:00:05 (no tab-closed event) and is back at 10:03:30: tab 7 no longer exists.
    host.clock = t('10:03:30');
    host.tabs = new Set([1]);
    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    expect((await db.clocks.get('pdd|shop-main|buyerA'))?.status).toBe('unknown');
    expect(await db.tabs.count()).toBe(0);
    expect(host.notices).toHaveLength(0);
  });

  it('a deadline passed while the worker slept but the tab watched is fired on wake-up', async () => {
    const s1 = new Sentinel(db, host);
    await s1.health(watching(), 7);
    await s1.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    host.clock = t('10:02:50');
    await s1.health(watching(), 7);
    host.clock = t('10:03:20');
    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    expect((await db.clocks.get('pdd|shop-main|buyerA'))?.status).toBe('breached');
    expect(host.notices.map((x) => x.title)).toContain('1 位买家已超时');
  });

  it('closing the tab ends coverage: later deadlines are unknown', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'b', 'buyer', t('10:00:00'))]));
    await s.tabClosed(7);
    host.clock = t('10:10:00');
    await s.tick();
    expect((await db.clocks.get('pdd|shop-main|b'))?.status).toBe('unknown');
  });

  it('a blind workbench tab shows "?" on the badge', async () => {
    const s = new Sentinel(db, host);
    await s.health({ ...watching(), health: 'noList', parts: { ...watching().parts, list: 'missing' } }, 9);
    expect(host.badge.text).toBe('?');
    expect(host.badge.title).toContain('看不到聊天');
  });

  it('a tab missing a part is blind: no coverage, "?" on the badge, and its title says which part', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    expect(
      await db.coverage
        .where('tabId')
        .equals(7)
        .filter((c) => c.open === 1)
        .count(),
    ).toBe(1);
    const parts = { list: 'ok', thread: 'missing', input: 'ok', account: 'ok' } as const;
    await s.health({ ...watching(), health: 'noThread', parts }, 7);
    expect(await db.tabs.get(7)).toMatchObject({ health: 'noThread', parts });
    expect(
      await db.coverage
        .where('tabId')
        .equals(7)
        .filter((c) => c.open === 1)
        .count(),
    ).toBe(0);
    expect(host.badge.text).toBe('?');
    expect(host.badge.title).toBe('1 个工作台看不到聊天：看不到聊天记录');
    // Another blind tab, missing its list and its account: each missing part named once.
    await s.health(
      {
        ...watching(),
        health: 'noList',
        parts: { list: 'missing', thread: 'missing', input: 'ok', account: 'missing' },
      },
      8,
    );
    expect(host.badge.title).toBe('2 个工作台看不到聊天：看不到聊天记录、看不到会话列表、认不出登录账号');
    // A question waiting meanwhile: its countdown shows, the title still names the blind parts.
    await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    expect(host.badge.text).toBe('3:00');
    expect(host.badge.title).toContain('看不到聊天记录');
  });

  it('incremental rollups equal rollups rebuilt from scratch', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    const script: [string, ChatEvent['author'], string][] = [
      ['a', 'buyer', '10:00:00'],
      ['b', 'buyer', '10:00:30'],
      ['a', 'robot', '10:00:31'],
      ['a', 'human', '10:02:00'],
      ['c', 'buyer', '10:02:10'],
      ['b', 'human', '10:04:00'],
      ['a', 'buyer', '10:05:00'],
      ['c', 'human', '10:05:30'],
    ];
    for (const [buyer, author, hms] of script) {
      host.clock = t(hms);
      await s.health(watching(), 7);
      await s.ingest(msg([ev('pdd', buyer, author, t(hms))]));
    }
    host.clock = t('10:20:00');
    await s.health(watching(), 7);
    await s.tick();
    const incremental = (await db.rollups.toArray()).map(({ updatedAt: _, ...r }) => r);
    await s.rebuildRollups();
    const rebuilt = (await db.rollups.toArray()).map(({ updatedAt: _, ...r }) => r);
    expect(incremental).toEqual(rebuilt);
    // b and c were answered late; a's second question passed its deadline after the last heartbeat: unknown.
    expect(rebuilt.find((r) => r.metric === 'pdd.manual3min')).toMatchObject({ pass: 0, fail: 2, unknown: 1 });
  });

  it('keeps raw messages only for the retention period (results and daily figures stay)', async () => {
    const s1 = new Sentinel(db, host);
    await s1.updateSettings({ retentionDays: 2 });
    await s1.ingest(msg([ev('pdd', 'old', 'buyer', t('10:00:00')), ev('pdd', 'old', 'human', t('10:01:00'))]));
    await s1.ingest(msg([ev('pdd', 'new', 'buyer', t('10:00:00', '2026-11-22'))]));
    const rollupsBefore = await db.rollups.count();
    host.clock = t('12:00:00', '2026-11-23');
    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    expect((await db.events.toArray()).map((e) => e.buyer)).toEqual(['new']);
    expect(await db.rollups.count()).toBe(rollupsBefore);
    // The same buyer writes again: the pruned day's result is not recomputed from nothing.
    const oldDay = `pdd.manual3min|2026-11-20|pdd|shop-main`;
    const before = await db.rollups.get(oldDay);
    expect(before).toMatchObject({ pass: 1 });
    await s2.ingest(msg([ev('pdd', 'old', 'buyer', t('11:00:00', '2026-11-23'))]));
    expect(await db.rollups.get(oldDay)).toEqual(before);
    expect((await db.units.where('conv').equals('pdd|shop-main|old').toArray()).map((u) => u.day).sort()).toContain(
      '2026-11-20',
    );
  });

  it('raising the retention after a prune keeps the pruned days exactly as they were', async () => {
    host.clock = t('10:01:00');
    const s1 = new Sentinel(db, host);
    await s1.updateSettings({ retentionDays: 2 });
    await s1.ingest(msg([ev('pdd', 'old', 'buyer', t('10:00:00')), ev('pdd', 'old', 'human', t('10:01:00'))]));
    const conv = 'pdd|shop-main|old';
    const units = await db.units.where('conv').equals(conv).sortBy('id');
    const rollups = await storedRollups(db);
    expect(units.map((u) => u.day)).toEqual(['2026-11-20', '2026-11-20']);
    expect(rollups.map((r) => `${r.metric}:${r.pass}/${r.fail}`)).toEqual(['pdd.answer30s:0/1', 'pdd.manual3min:1/0']);
    // Day 4: the worker restarts and prunes day 1's messages; then the retention is raised to 90 days.
    host.clock = t('12:00:00', '2026-11-23');
    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    expect(await db.events.count()).toBe(0);
    expect((await s2.updateSettings({ retentionDays: 90 })).ok).toBe(true);
    // The same buyer writes again: day 1 is still frozen (its messages are gone), its results stay as they were.
    await s2.ingest(msg([ev('pdd', 'old', 'buyer', t('11:59:00', '2026-11-23'))]));
    const day1 = async () => ({
      units: (await db.units.where('conv').equals(conv).sortBy('id')).filter((u) => u.day === '2026-11-20'),
      rollups: (await storedRollups(db)).filter((r) => r.day === '2026-11-20'),
    });
    expect(await day1()).toEqual({ units, rollups });
    await expectRollupsMatchUnits(db);
    // And after another restart (the boundary is persisted, not remembered).
    host.clock = t('12:05:00', '2026-11-23');
    const s3 = new Sentinel(new SentinelDB(dbName), host);
    await s3.start();
    await s3.ingest(msg([ev('pdd', 'old', 'human', t('12:05:00', '2026-11-23'))]));
    expect(await day1()).toEqual({ units, rollups });
    await expectRollupsMatchUnits(db);
  });

  it('space recovery prunes whole days and leaves their results alone: the rollups stay what the units give', async () => {
    // 40 messages: ten questions answered in 20 s on each of two days.
    const day = (d: string) =>
      Array.from({ length: 10 }, (_, i) => {
        const at = t('09:00:00', d) + i * 10 * 60_000;
        return [ev('pdd', 'x', 'buyer', at), ev('pdd', 'x', 'human', at + 20_000)];
      }).flat();
    host.clock = t('18:00:00', '2026-11-20');
    const s = new Sentinel(db, host);
    await s.ingest(msg([...day('2026-11-19'), ...day('2026-11-20')]));
    const before = await db.units.orderBy('id').toArray();
    expect(before).toHaveLength(4);
    // The browser refused a write: space is freed (the oldest whole day of messages), the write is tried again.
    let refused = false;
    await withSpace(
      db,
      () => host.clock,
      async () => {
        if (!refused) {
          refused = true;
          throw new DOMException('full', 'QuotaExceededError');
        }
        return s.ingest(msg([ev('pdd', 'x', 'buyer', t('17:59:00', '2026-11-20'))]));
      },
      () => s.forgetThreads(),
    );
    // The pruned day keeps its results; the numbers are what the units give.
    await expectRollupsMatchUnits(db);
    expect(await db.rollups.get('pdd.answer30s|2026-11-19|pdd|shop-main')).toMatchObject({ pass: 1 });
    const after = await db.units.orderBy('id').toArray();
    expect(after.filter((u) => u.day === '2026-11-19')).toEqual(before.filter((u) => u.day === '2026-11-19'));
    // What went is the whole of the older day, the oldest quarter or more of the messages.
    expect((await db.events.toArray()).every((e) => e.at >= t('00:00:00', '2026-11-20'))).toBe(true);
    expect(await db.events.count()).toBe(21);
  });

  it('after every prune path, new messages in the same conversations keep the rollups what the units give', async () => {
    const round = (buyer: string, d: string, hms: string, replySec: number): ChatEvent[] => [
      ev('pdd', buyer, 'buyer', t(hms, d)),
      ev('pdd', buyer, 'human', t(hms, d) + replySec * 1000),
    ];
    const talk = async (s: Sentinel, d: string, ...buyers: string[]) => {
      host.clock = t('20:00:00', d);
      for (const [i, b] of buyers.entries()) {
        await s.ingest(msg(round(b, d, `1${i}:00:00`, 20)));
        await s.ingest(msg(round(b, d, `1${i}:30:00`, 200)));
      }
    };
    const quota = async (s: Sentinel, m: EventsMessage) => {
      let refused = false;
      return withSpace(
        db,
        () => host.clock,
        async () => {
          if (!refused) {
            refused = true;
            throw new DOMException('full', 'QuotaExceededError');
          }
          return s.ingest(m);
        },
        () => s.forgetThreads(),
      );
    };
    const unitsOf = async (d: string) => (await db.units.orderBy('id').toArray()).filter((u) => u.day === d);
    const rollupsOf = async (d: string) => (await storedRollups(db)).filter((r) => r.day === d);

    host.clock = t('08:00:00', '2026-11-18');
    const s1 = new Sentinel(db, host);
    await s1.updateSettings({ retentionDays: 2 });
    await talk(s1, '2026-11-18', 'a', 'b');
    await talk(s1, '2026-11-19', 'a', 'c');
    await talk(s1, '2026-11-20', 'a', 'b', 'c');
    await expectRollupsMatchUnits(db);
    const day18 = { units: await unitsOf('2026-11-18'), rollups: await rollupsOf('2026-11-18') };
    expect(day18.units).toHaveLength(4);

    // 1. Retention prune at start (11-18 goes), then the same buyers write again.
    host.clock = t('08:00:00', '2026-11-21');
    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    expect((await db.events.toArray()).every((e) => e.at >= t('00:00:00', '2026-11-19'))).toBe(true);
    await talk(s2, '2026-11-21', 'a', 'b');
    await expectRollupsMatchUnits(db);
    expect({ units: await unitsOf('2026-11-18'), rollups: await rollupsOf('2026-11-18') }).toEqual(day18);
    const day19 = { units: await unitsOf('2026-11-19'), rollups: await rollupsOf('2026-11-19') };

    // 2. Space recovery (messages of whole days, the thread cache forgotten), then the same buyers again.
    await quota(s2, msg(round('c', '2026-11-21', '21:00:00', 20)));
    await expectRollupsMatchUnits(db);
    await talk(s2, '2026-11-21', 'a', 'c');
    await expectRollupsMatchUnits(db);
    expect((await db.events.toArray()).every((e) => e.at >= t('00:00:00', '2026-11-20'))).toBe(true);
    expect({ units: await unitsOf('2026-11-19'), rollups: await rollupsOf('2026-11-19') }).toEqual(day19);

    // 3. Again: no messages before today are left after this one, so the next recovery drops the oldest whole days
    // of results together with their daily figures.
    await quota(s2, msg(round('a', '2026-11-21', '22:00:00', 20)));
    expect((await db.events.toArray()).every((e) => e.at >= t('00:00:00', '2026-11-21'))).toBe(true);
    await expectRollupsMatchUnits(db);
    const notice = await freeSpace(db, host.clock);
    expect(notice.events).toBe(0);
    expect(notice.units).toBeGreaterThan(0);
    expect({ units: await unitsOf('2026-11-18'), rollups: await rollupsOf('2026-11-18') }).toEqual({
      units: [],
      rollups: [],
    });
    await expectRollupsMatchUnits(db);
    s2.forgetThreads();
    await talk(s2, '2026-11-21', 'a', 'b', 'c');
    await expectRollupsMatchUnits(db);
    expect(await unitsOf('2026-11-18')).toEqual([]);

    // 4. Delete-all, then the same buyers again.
    await s2.purgeAll();
    await talk(s2, '2026-11-21', 'a', 'b');
    await expectRollupsMatchUnits(db);
    expect((await db.units.toArray()).every((u) => u.day === '2026-11-21')).toBe(true);
  });

  it('what it keeps in memory matches the database: a restarted worker reaches the same clocks, units and badge', async () => {
    // A seeded random script over a few buyers, with heartbeats, replies of every kind, repeats, and time passing
    // beyond deadlines, so clocks go pending → breached → answered and leave the mirror.
    const next = prng(42);
    const rand = (k: number) => Math.floor(next() * k);
    const s1 = new Sentinel(db, host);
    const authors: ChatEvent['author'][] = ['buyer', 'buyer', 'buyer', 'human', 'robot', 'system'];
    const sent: ChatEvent[] = [];
    host.clock = t('09:00:00');
    for (let i = 0; i < 120; i++) {
      host.clock += 1000 * (1 + rand(40));
      if (rand(2) === 0) await s1.health(watching(), 7);
      const again = sent.length && rand(8) === 0 ? sent[rand(sent.length)]! : null;
      const e = again ?? ev('pdd', `b${rand(6)}`, authors[rand(authors.length)]!, host.clock - rand(3) * 1000);
      sent.push(e);
      await s1.ingest(msg([e]));
      if (rand(10) === 0) await s1.tick();
    }
    await s1.health(watching(), 7);
    await s1.ingest(msg([ev('pdd', 'last', 'buyer', host.clock)]));
    const badge1 = s1.badge(host.clock);
    const open1 = s1.openClocks();
    const units1 = await db.units.orderBy('id').toArray();
    const rollups1 = (await db.rollups.orderBy('id').toArray()).map(({ updatedAt: _, ...r }) => r);
    expect(open1.length).toBeGreaterThan(0);

    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    expect(s2.openClocks()).toEqual(open1);
    expect(s2.badge(host.clock)).toEqual(badge1);
    expect(await db.units.orderBy('id').toArray()).toEqual(units1);
    await s2.rebuildRollups();
    expect((await db.rollups.orderBy('id').toArray()).map(({ updatedAt: _, ...r }) => r)).toEqual(rollups1);
  });

  it('a long thread is read from the database once, then kept in memory', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    const history = Array.from({ length: 300 }, (_, i) =>
      ev('pdd', 'long', i % 2 ? 'human' : 'buyer', t('08:00:00') + i * 10_000),
    );
    await s.ingest(msg(history));
    let reads = 0;
    db.events.hook('reading', (e: unknown) => (e && reads++, e));
    host.clock = t('10:00:00');
    await s.ingest(msg([ev('pdd', 'long', 'buyer', t('10:00:00'))]));
    expect(reads).toBe(0);
    expect((await db.clocks.get('pdd|shop-main|long'))?.status).toBe('pending');
    expect(host.badge.text).toBe('3:00');
    // A restarted worker reads it from the database and reaches the same units.
    const units = await db.units.where('conv').equals('pdd|shop-main|long').sortBy('id');
    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    await s2.ingest(msg([ev('pdd', 'long', 'human', t('10:01:00'))]));
    const after = await db.units.where('conv').equals('pdd|shop-main|long').sortBy('startAt');
    expect(after.map((u) => u.id).sort()).toEqual(units.map((u) => u.id).sort());
    expect(after.every((u) => u.result === 'pass')).toBe(true);
    expect((await db.clocks.get('pdd|shop-main|long'))?.startedAt).toBeNull();
    expect(host.badge.text).toBe('');
  });

  it('a long thread with new messages is evaluated from yesterday, with the same results as a whole evaluation', async () => {
    const s = new Sentinel(db, host);
    // 600 messages over three days, answered within a minute, quiet nights; then a few new exchanges today.
    const history: ChatEvent[] = [];
    for (const day of ['2026-11-17', '2026-11-18', '2026-11-19'])
      for (let i = 0; i < 100; i++) {
        const at = t('09:00:00', day) + i * 5 * 60_000;
        history.push(ev('pdd', 'long', 'buyer', at, { buyerNick: '老客' }), ev('pdd', 'long', 'human', at + 40_000));
      }
    host.clock = t('08:00:00', '2026-11-20');
    await s.ingest(msg(history));
    expect(s.evaluations).toEqual({ whole: 1, recent: 0 });
    const script: [ChatEvent['author'], string][] = [
      ['buyer', '09:00:00'],
      ['human', '09:05:00'],
      ['buyer', '09:10:00'],
      ['robot', '09:10:01'],
      ['human', '09:11:00'],
      ['buyer', '09:20:00'],
    ];
    for (const [author, hms] of script) {
      host.clock = t(hms, '2026-11-20');
      await s.health(watching(), 7);
      await s.ingest(msg([ev('pdd', 'long', author, t(hms, '2026-11-20'))]));
    }
    expect(s.evaluations.recent).toBe(script.length);
    // The stored results equal a whole evaluation of everything stored.
    const events = await db.events.where('conv').equals('pdd|shop-main|long').toArray();
    const coverage = (await db.coverage.toArray()).map((c) => ({ ...c, to: c.open ? host.clock : c.to }));
    const whole = evaluate({ events, coverage, rules: effectiveRules(undefined), now: host.clock, alertLeadSec: 60 });
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect((await db.units.where('conv').equals('pdd|shop-main|long').toArray()).sort(byId)).toEqual(
      [...whole.units].sort(byId),
    );
    expect(await db.clocks.get('pdd|shop-main|long')).toEqual(whole.clocks[0]);
    expect(host.badge.text).toBe('3:00');
    // And the rollups still equal a rebuild from the units.
    const incremental = (await db.rollups.orderBy('id').toArray()).map(({ updatedAt: _, ...r }) => r);
    await s.rebuildRollups();
    expect((await db.rollups.orderBy('id').toArray()).map(({ updatedAt: _, ...r }) => r)).toEqual(incremental);
  });

  it('a long thread is evaluated whole when a message arrives for an earlier day or a question waits across the cut', async () => {
    const s = new Sentinel(db, host);
    const history: ChatEvent[] = [];
    for (const day of ['2026-11-17', '2026-11-18'])
      for (let i = 0; i < 150; i++) {
        const at = t('09:00:00', day) + i * 2 * 60_000;
        history.push(ev('pdd', 'long', 'buyer', at), ev('pdd', 'long', 'human', at + 40_000));
      }
    host.clock = t('08:00:00', '2026-11-20');
    await s.ingest(msg(history));
    // A message from two days ago turns up (history loaded late): whole.
    await s.ingest(msg([ev('pdd', 'long', 'buyer', t('22:00:00', '2026-11-18'))]));
    expect(
      (await db.units.toArray()).find((u) => u.day === '2026-11-18' && u.metric === 'pdd.manual3min')?.result,
    ).toBe('unknown');
    expect(s.evaluations).toEqual({ whole: 2, recent: 0 });
    // That question was never answered (and its day is unknown): no cut before it, today's message is whole too.
    await s.ingest(msg([ev('pdd', 'long', 'buyer', t('08:00:00', '2026-11-20'))]));
    expect(s.evaluations).toEqual({ whole: 3, recent: 0 });
  });

  it('delete-all through the background empties the badge and forgets what it held in memory', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'gone', 'buyer', t('10:00:00'))]));
    expect(host.badge.text).toBe('3:00');
    expect(await s.purgeAll()).toBeGreaterThan(0);
    expect(host.badge.text).toBe('');
    expect(s.openClocks()).toEqual([]);
    expect(await db.clocks.count()).toBe(0);
    // The same buyer writes again: only the new message counts (nothing deleted comes back from memory).
    host.clock = t('10:05:00');
    await s.ingest(msg([ev('pdd', 'gone', 'buyer', t('10:05:00'))]));
    expect(await db.events.count()).toBe(1);
    expect((await db.clocks.get('pdd|shop-main|gone'))?.startedAt).toBe(t('10:05:00'));
  });

  it('rejects bad settings and keeps the old ones', async () => {
    const s = new Sentinel(db, host);
    const bad = await s.updateSettings({ alertLeadSec: -5, colour: 'red' });
    expect(bad.ok).toBe(false);
    expect(await db.settings.count()).toBe(0);
    expect((await s.updateSettings({ alertLeadSec: 30 })).ok).toBe(true);
    expect(s.getSettings().alertLeadSec).toBe(30);
    const s2 = new Sentinel(new SentinelDB(dbName), host);
    await s2.start();
    expect(s2.getSettings().alertLeadSec).toBe(30);
  });

  describe('latency: nothing before the badge or in the queue that need not be (issue 21)', () => {
    it('keeps an alarm still due in time: a second message within the refresh arms nothing', async () => {
      const s = new Sentinel(db, host);
      await s.health(watching(), 7);
      const armed: (number | null)[] = [];
      const set = host.setAlarm.bind(host);
      host.setAlarm = async (when) => {
        armed.push(when);
        await set(when);
      };
      await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
      host.clock = t('10:00:10');
      await s.ingest(msg([ev('pdd', 'buyerB', 'buyer', t('10:00:10'))]));
      expect(armed).toEqual([t('10:00:30')]);
      // At the alarm: armed again, 30 s on; both answered: none.
      host.clock = t('10:00:30');
      await s.tick();
      expect(host.alarm).toBe(t('10:01:00'));
      host.clock = t('10:00:40');
      await s.ingest(msg([ev('pdd', 'buyerA', 'human', t('10:00:40')), ev('pdd', 'buyerB', 'human', t('10:00:40'))]));
      expect(host.alarm).toBeNull();
      expect(armed).toEqual([t('10:00:30'), t('10:01:00'), null]);
      expect(await db.meta.get('alarm')).toBeUndefined();
    });

    it('alarmChange: set again unless the alarm set is still to come and no later than the next wake', () => {
      const now = t('10:00:00');
      expect(alarmChange(undefined, null, now)).toBe(true);
      expect(alarmChange(undefined, now + 5, now)).toBe(true);
      expect(alarmChange(null, null, now)).toBe(false);
      expect(alarmChange(now + 5, null, now)).toBe(true);
      expect(alarmChange(null, now + 5, now)).toBe(true);
      expect(alarmChange(now + 5, now + 5, now)).toBe(false);
      expect(alarmChange(now + 5, now + 9, now)).toBe(false);
      expect(alarmChange(now + 9, now + 5, now)).toBe(true);
      expect(alarmChange(now, now + 5, now)).toBe(true);
      expect(alarmChange(now - 1, now + 5, now)).toBe(true);
    });

    it('a second message is stored and shown while a tab has not yet answered the clock list of the first', async () => {
      const s = new Sentinel(db, host);
      await s.health(watching(), 7);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const send = host.sendToTab.bind(host);
      host.sendToTab = async (tabId, m) => {
        const reply = await send(tabId, m);
        await gate;
        return reply;
      };
      const first = s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
      const second = s.ingest(msg([ev('pdd', 'buyerB', 'buyer', t('10:00:00') + 500)]));
      await vi.waitFor(async () => {
        expect((await db.clocks.get('pdd|shop-main|buyerB'))?.status).toBe('pending');
        expect(host.badge.title).toContain('2 位买家等待中');
      });
      release();
      expect(await first).toEqual({ stored: 1, conversations: 1 });
      expect(await second).toEqual({ stored: 1, conversations: 1 });
      // The lists still form one chain, in order.
      const toTab = host.tabMessages.filter((x) => x.tabId === 7).map((x) => x.msg);
      expect(toTab.map((m) => m.clocks.map((c) => c.buyer))).toEqual([[], ['buyerA'], ['buyerB']]);
      expect(toTab[1]!.base).toBe(toTab[0]!.seq);
      expect(toTab[2]!.base).toBe(toTab[1]!.seq);
    });

    it('a message to a known conversation reads nothing (the read cache holds what its last intake read and wrote); the figures stay equal to the units’', async () => {
      const s = new Sentinel(db, host);
      await s.health(watching(), 7);
      await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
      host.clock = t('10:01:00');
      await s.ingest(msg([ev('pdd', 'buyerA', 'human', t('10:01:00'))]));
      const log: string[] = [];
      for (const table of [db.events, db.clocks, db.units, db.rollups, db.dayStats, db.coverage, db.meta])
        for (const op of ['get', 'bulkGet', 'put', 'bulkPut', 'bulkDelete'] as const) {
          const orig = (table[op] as (...a: unknown[]) => unknown).bind(table);
          vi.spyOn(table, op).mockImplementation(((...a: unknown[]) => {
            log.push(`${/get/i.test(op) ? 'read' : 'write'} ${table.name}.${op}`);
            return orig(...a);
          }) as never);
        }
      host.clock = t('10:02:00');
      await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:02:00'))]));
      vi.restoreAllMocks();
      // Nothing at all is read: the thread cache holds the messages, the read cache (read-cache.ts) the clock, units,
      // coverage, today's rollup and per-day rows and the frozen day, as the last intake of the conversation left them.
      expect(log.filter((l) => l.startsWith('read'))).toEqual([]);
      expect(log).toContain('write rollups.bulkPut');
      expect(log).toContain('write dayStats.bulkPut');
      await expectRollupsMatchUnits(db);
    });

    /**
     * Records each `IDBTransaction.commit()` call (then commits): the stores of the transaction, and whether every
     * `put` made so far had been answered by then.
     */
    function spyCommits(): { stores: string[]; answered: boolean }[] {
      const committed: { stores: string[]; answered: boolean }[] = [];
      const realCommit = IDBTransaction.prototype.commit;
      const puts = vi.spyOn(IDBObjectStore.prototype, 'put');
      vi.spyOn(IDBTransaction.prototype, 'commit').mockImplementation(function (this: IDBTransaction) {
        const pending = puts.mock.results.filter((r) => (r.value as IDBRequest).readyState === 'pending').length;
        committed.push({ stores: [...this.objectStoreNames], answered: pending === 0 });
        realCommit.call(this);
      });
      return committed;
    }

    it('a message commits its transaction as soon as its last write is made (IDBTransaction.commit), with every write in it', async () => {
      const s = new Sentinel(db, host);
      await s.health(watching(), 7);
      await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
      host.clock = t('10:01:00');
      await s.ingest(msg([ev('pdd', 'buyerA', 'human', t('10:01:00'))]));
      const committed = spyCommits();
      host.clock = t('10:02:00');
      await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:02:00'))]));
      vi.restoreAllMocks();
      // The messages and the clock, committed at their last write; then (after the badge) the units and aggregates,
      // left to the auto-commit (a failed request then aborts them whole).
      expect(committed).toHaveLength(1);
      expect(committed[0]!.stores).toContain('clocks');
      expect(committed[0]!.answered).toBe(false);
      expect(host.badge.text).toBe('3:00');
      expect(await db.clocks.get('pdd|shop-main|buyerA')).toMatchObject({
        status: 'pending',
        startedAt: t('10:02:00'),
      });
      await expectRollupsMatchUnits(db);
    });

    it('an intake that fails after its early commit (its writes stored, its mirrors not told) reloads the mirrors from the database', async () => {
      const s = new Sentinel(db, host);
      await s.health(watching(), 7);
      await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
      host.clock = t('10:01:00');
      await s.ingest(msg([ev('pdd', 'buyerA', 'human', t('10:01:00'))]));
      expect(host.badge.text).toBe('');
      // The recompute makes its writes and commits, then something fails before the intake returns.
      const recomputer = (s as unknown as { recomputer: { within: (...a: unknown[]) => Promise<unknown> } }).recomputer;
      const within = recomputer.within.bind(recomputer);
      vi.spyOn(recomputer, 'within').mockImplementation(async (...a: unknown[]) => {
        await within(...a);
        throw new Error('after the commit');
      });
      host.clock = t('10:02:00');
      await expect(s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:02:00'))]))).rejects.toThrow('after the commit');
      vi.restoreAllMocks();
      const stored = await db.clocks.get('pdd|shop-main|buyerA');
      // Stored (committed early), so the badge must count it: from the mirrors as reloaded, not as they were.
      expect(stored).toMatchObject({ status: 'pending', startedAt: t('10:02:00') });
      await s.tick();
      expect(host.badge.text).toBe('3:00');
    });

    /** An answered question, then the next one (10:02) with `host.setBadge` noting what is stored when it shows 3:00. */
    async function nextQuestion(s: Sentinel) {
      const conv = 'pdd|shop-main|buyerA';
      await s.health(watching(), 7);
      await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
      host.clock = t('10:01:00');
      await s.ingest(msg([ev('pdd', 'buyerA', 'human', t('10:01:00'))]));
      const unitsOf = () => db.units.where('conv').equals(conv).sortBy('id');
      const before = await unitsOf();
      const seen: { clock: unknown; units: unknown; queued: unknown }[] = [];
      const set = host.setBadge.bind(host);
      host.setBadge = async (v) => {
        if (v.text === '3:00')
          seen.push({
            clock: await db.clocks.get(conv),
            units: await unitsOf(),
            queued: (await db.meta.get('recompute'))?.value,
          });
        await set(v);
      };
      host.clock = t('10:02:00');
      return { conv, before, seen, unitsOf, ask: () => s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:02:00'))])) };
    }

    /** Fails the next `times` rollup writes as a full disk does: the write's transaction aborts, nothing of it stored. */
    const failRollups = (times: number) => {
      let left = times;
      const real = db.rollups.bulkPut.bind(db.rollups);
      return vi.spyOn(db.rollups, 'bulkPut').mockImplementation(((...a: Parameters<typeof real>) => {
        if (left-- <= 0) return real(...a);
        Dexie.currentTransaction?.abort();
        return Promise.reject(new Error('disk full (test)'));
      }) as typeof real);
    };

    it("shows a new question's clock once it is stored, before its units and aggregates are (written next, in the same turn)", async () => {
      const s = new Sentinel(db, host);
      const { conv, before, seen, unitsOf, ask } = await nextQuestion(s);
      await ask();
      // At the badge: the clock stored, the units as before the question, the conversation named in the queue.
      expect(seen).toHaveLength(1);
      expect(seen[0]!.clock).toMatchObject({ status: 'pending', startedAt: t('10:02:00') });
      expect(seen[0]!.units).toEqual(before);
      expect(seen[0]!.queued).toEqual([conv]);
      // Once the intake is done: its units, the aggregates that match the units, and the queue empty.
      const after = await unitsOf();
      expect(after).not.toEqual(before);
      expect(after.some((u) => u.result === 'pending' && u.startAt === t('10:02:00'))).toBe(true);
      expect(await db.meta.get('recompute')).toBeUndefined();
      await expectRollupsMatchUnits(db);
    });

    it("repairs an intake whose units' transaction failed: the conversation is recomputed in the same turn", async () => {
      const s = new Sentinel(db, host);
      const { conv, before, unitsOf, ask } = await nextQuestion(s);
      const fail = failRollups(1);
      await ask();
      expect(fail).toHaveBeenCalledTimes(2);
      vi.restoreAllMocks();
      expect(host.badge.text).toBe('3:00');
      expect(await db.clocks.get(conv)).toMatchObject({ status: 'pending', startedAt: t('10:02:00') });
      expect(await unitsOf()).not.toEqual(before);
      expect(await db.meta.get('recompute')).toBeUndefined();
      await expectRollupsMatchUnits(db);
    });

    it('owes what it could neither write nor repair: the next intake, or a restarted worker, recomputes it first', async () => {
      for (const restart of [false, true]) {
        db.close();
        db = new SentinelDB(`${dbName}-${restart}`);
        host = new FakeHost();
        const s = new Sentinel(db, host);
        const { conv, before, unitsOf, ask } = await nextQuestion(s);
        failRollups(2);
        await expect(ask()).rejects.toThrow('disk full');
        vi.restoreAllMocks();
        // The clock and message are stored, and shown; the units are as before, and the queue names the conversation.
        expect(host.badge.text).toBe('3:00');
        expect(await db.clocks.get(conv)).toMatchObject({ status: 'pending', startedAt: t('10:02:00') });
        expect(await unitsOf()).toEqual(before);
        expect((await db.meta.get('recompute'))?.value).toEqual([conv]);
        if (restart) await new Sentinel(db, host).start();
        // Another buyer's message (its own clocks would replace the queue): the owed conversation comes first.
        else await s.ingest(msg([ev('pdd', 'buyerB', 'buyer', t('10:02:30'))]));
        expect(await unitsOf()).not.toEqual(before);
        expect(await db.meta.get('recompute')).toBeUndefined();
        await expectRollupsMatchUnits(db);
      }
    });

    it('an owed conversation whose repayment fails too does not stop the next intake: both stay queued, then repaid', async () => {
      const s = new Sentinel(db, host);
      const { conv, before, unitsOf, ask } = await nextQuestion(s);
      failRollups(3);
      await expect(ask()).rejects.toThrow('disk full');
      // B's message: A's repayment fails (the third failure), B's own intake goes on and is stored and shown.
      await s.ingest(msg([ev('pdd', 'buyerB', 'buyer', t('10:02:30'))]));
      vi.restoreAllMocks();
      expect(await db.clocks.get('pdd|shop-main|buyerB')).toMatchObject({ status: 'pending' });
      expect(await unitsOf()).toEqual(before);
      expect((await db.meta.get('recompute'))?.value).toEqual([conv]);
      // The next intake repays A.
      host.clock = t('10:02:40');
      await s.ingest(msg([ev('pdd', 'buyerB', 'buyer', t('10:02:40'))]));
      expect(await unitsOf()).not.toEqual(before);
      expect(await db.meta.get('recompute')).toBeUndefined();
      await expectRollupsMatchUnits(db);
    });

    for (const sync of [false, true])
      it(`writes the units and aggregates even when setting the badge fails${sync ? ' at once' : ''}, and sees to the alarm`, async () => {
        const s = new Sentinel(db, host);
        const { conv, before, unitsOf, ask } = await nextQuestion(s);
        host.setBadge = sync
          ? () => {
              throw new Error('no badge (test)');
            }
          : async () => {
              throw new Error('no badge (test)');
            };
        const armed: (number | null)[] = [];
        host.setAlarm = async (when) => {
          armed.push(when);
        };
        await expect(ask()).rejects.toThrow('no badge');
        expect(await db.clocks.get(conv)).toMatchObject({ status: 'pending', startedAt: t('10:02:00') });
        expect(await unitsOf()).not.toEqual(before);
        expect(await db.meta.get('recompute')).toBeUndefined();
        await expectRollupsMatchUnits(db);
        expect(armed.length).toBeGreaterThan(0);
      });

    it('a clock write failing after its early commit leaves the conversation queued and owed: the next intake repays it', async () => {
      const s = new Sentinel(db, host);
      const { conv, before, unitsOf, ask } = await nextQuestion(s);
      // The clock's request fails after the transaction began to commit: the message and the queue entry are stored.
      vi.spyOn(db.clocks, 'bulkPut').mockImplementationOnce((() =>
        Promise.reject(new Error('clock write failed (test)'))) as unknown as typeof db.clocks.bulkPut);
      await expect(ask()).rejects.toThrow('clock write failed');
      vi.restoreAllMocks();
      expect((await db.meta.get('recompute'))?.value).toEqual([conv]);
      expect(await unitsOf()).toEqual(before);
      // Another buyer's message: A is repaid first, then B's own intake.
      host.clock = t('10:02:30');
      await s.ingest(msg([ev('pdd', 'buyerB', 'buyer', t('10:02:30'))]));
      expect(await db.clocks.get(conv)).toMatchObject({ status: 'pending', startedAt: t('10:02:00') });
      expect(await unitsOf()).not.toEqual(before);
      expect(await db.meta.get('recompute')).toBeUndefined();
      await expectRollupsMatchUnits(db);
    });

    it("evaluates a conversation still owed its units whole: a long thread's cut would leave the owed day unwritten", async () => {
      const s = new Sentinel(db, host);
      const day = 86_400_000;
      (s as unknown as { recomputer: { longThread: number } }).recomputer.longThread = 2;
      const conv = 'pdd|shop-main|A';
      const say = async (at: number, events: ChatEvent[]) => {
        host.clock = at;
        await s.health(watching(), 7);
        return s.ingest(msg(events));
      };
      // Yesterday's history, then this evening's question and answer, whose units are never written (their
      // transaction and its repair fail), then tomorrow morning's question, whose intake's repayment fails too.
      for (const [at, who] of [
        ['22:30:00', 'buyer'],
        ['22:31:00', 'human'],
        ['22:33:00', 'buyer'],
        ['22:34:00', 'human'],
      ] as const)
        await say(t(at) - day, [ev('pdd', 'A', who, t(at) - day)]);
      host.clock = t('22:50:00');
      await s.health(watching(), 7);
      failRollups(3);
      host.clock = t('22:51:00');
      await expect(
        s.ingest(msg([ev('pdd', 'A', 'buyer', t('22:50:00')), ev('pdd', 'A', 'human', t('22:51:00'))])),
      ).rejects.toThrow('disk full');
      await say(t('08:05:00') + day, [ev('pdd', 'A', 'buyer', t('08:05:00') + day)]);
      vi.restoreAllMocks();
      const units = await db.units.where('conv').equals(conv).toArray();
      expect(units.some((u) => u.startAt === t('22:50:00'))).toBe(true);
      expect(await db.meta.get('recompute')).toBeUndefined();
      await expectRollupsMatchUnits(db);
    });

    it('a message whose per-day row must be rebuilt (malformed) waits for the auto-commit: the rebuild reads in the same transaction', async () => {
      const s = new Sentinel(db, host);
      await s.health(watching(), 7);
      await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
      host.clock = t('10:01:00');
      await s.ingest(msg([ev('pdd', 'buyerA', 'human', t('10:01:00'))]));
      // The per-day rows a new question moves (answer30s counts a wait once it is answered).
      const rows = (await db.dayStats.toArray()).filter((r) => r.metric !== 'pdd.answer30s');
      expect(rows.length).toBeGreaterThan(0);
      await db.dayStats.bulkPut(rows.map((r) => ({ ...r, n: -1 })));
      const committed = spyCommits();
      host.clock = t('10:02:00');
      await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:02:00'))]));
      vi.restoreAllMocks();
      // The clock's transaction commits at its last write; the units' and aggregates' one by itself.
      expect(committed.map((c) => c.stores.includes('clocks'))).toEqual([true]);
      expect(host.badge.text).toBe('3:00');
      expect(await db.clocks.get('pdd|shop-main|buyerA')).toMatchObject({
        status: 'pending',
        startedAt: t('10:02:00'),
      });
      await expectRollupsMatchUnits(db);
    });
  });
});
