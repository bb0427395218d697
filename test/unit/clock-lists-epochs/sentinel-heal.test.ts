/**
 * The real worker (Sentinel, its heartbeat handling and ClockPush) restarted on the same database, a tab
 * modelled by ClockListSeq + parseClocks. Counts the heartbeats (Sentinel.health naming the list shown) it takes for
 * the tab to show the live worker's list after a dead worker's late whole list.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sentinel } from '../../../lib/background/sentinel';
import { SentinelDB } from '../../../lib/db/schema';
import { ClockListSeq } from '../../../lib/content/ledger';
import {
  CLOCKS_RESYNC,
  parseClocks,
  type ClocksMessage,
  type EventsMessage,
  type HealthMessage,
} from '../../../lib/messages';
import { parseMessage } from '../../../lib/protocol';
import { ev, t } from '../helpers/events';
import { FakeHost } from '../helpers/host';

let db: SentinelDB;
let n = 0;
beforeEach(() => {
  db = new SentinelDB(`clock-lists-epochs-${++n}`);
});
afterEach(() => db.close());

const watching = (): HealthMessage => ({
  type: 'health',
  platform: 'pdd',
  account: 'shop-main',
  health: 'watching',
  parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
  url: 'http://127.0.0.1/demo/pdd/',
});
const events = (e: ReturnType<typeof ev>[]): EventsMessage => ({
  type: 'events',
  platform: 'pdd',
  account: 'shop-main',
  events: e,
});

class TabModel {
  list = new ClockListSeq();
  buyers: string[] = [];
  receive(raw: ClocksMessage): unknown {
    const msg = parseClocks(JSON.parse(JSON.stringify(raw)));
    if (!msg) return { ok: false, error: CLOCKS_RESYNC };
    const how = this.list.take(msg);
    if (how === 'resync') return { ok: false, error: CLOCKS_RESYNC };
    if (how === 'stale') return undefined;
    const set = new Set(how === 'whole' ? [] : this.buyers);
    for (const b of msg.removed ?? []) set.delete(b);
    for (const c of msg.clocks) set.add(c.buyer);
    this.buyers = [...set].sort();
    return undefined;
  }
  health(): HealthMessage {
    const s = this.list.shown;
    return { ...watching(), ...(s && { clocksSeq: s.seq, clocksEpoch: s.epoch }) };
  }
}

class DeliveringHost extends FakeHost {
  hold = false;
  held: ClocksMessage[] = [];
  constructor(readonly tab: TabModel) {
    super();
  }
  override async sendToTab(tabId: number, msg: ClocksMessage) {
    this.tabMessages.push({ tabId, msg });
    if (this.hold) return void this.held.push(msg);
    return this.tab.receive(msg);
  }
}

describe('a worker restart and a dead worker’s late clock list, through Sentinel', () => {
  it('the tab shows the live worker’s clocks after one heartbeat (a tab that just (re)loaded while the worker died)', async () => {
    const tab = new TabModel();
    const deadHost = new DeliveringHost(tab);
    const dead = new Sentinel(db, deadHost);
    await dead.ingest(events([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    // The tab (just loaded, or restored from the bfcache / an SPA navigation: a fresh Watcher) reports; the dead
    // worker's first whole list to it is in flight when the worker dies.
    deadHost.hold = true;
    await dead.health(tab.health(), 7);
    await new Promise((r) => setTimeout(r, 20));
    expect(deadHost.held.length).toBe(1);
    // The worker restarts (same database); the tab's port reconnects (reportNow); buyerA is answered, buyerB asks.
    const host = new DeliveringHost(tab);
    host.clock = t('10:00:10');
    const live = new Sentinel(db, host);
    await live.health(tab.health(), 7);
    await live.ingest(
      events([ev('pdd', 'buyerA', 'human', t('10:00:05')), ev('pdd', 'buyerB', 'buyer', t('10:00:08'))]),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(tab.buyers).toEqual(['buyerB']);
    // The dead worker's list lands late: the tab shows buyerA (answered) again and not buyerB.
    tab.receive(deadHost.held.shift()!);
    const wrong = [...tab.buyers];
    let beats = 0;
    while (tab.buyers.join() !== 'buyerB' && beats < 10) {
      host.clock += 30_000;
      await live.health(tab.health(), 7);
      await new Promise((r) => setTimeout(r, 20));
      beats++;
    }
    expect(wrong).toEqual(['buyerA']);
    expect(beats).toBeLessThanOrEqual(1);
  });

  it('the same, the live worker pushing a change meanwhile (buyerC asks): shown at once', async () => {
    const tab = new TabModel();
    const deadHost = new DeliveringHost(tab);
    const dead = new Sentinel(db, deadHost);
    await dead.ingest(events([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    deadHost.hold = true;
    await dead.health(tab.health(), 7);
    await new Promise((r) => setTimeout(r, 20));
    const host = new DeliveringHost(tab);
    host.clock = t('10:00:10');
    const live = new Sentinel(db, host);
    await live.health(tab.health(), 7);
    await live.ingest(
      events([ev('pdd', 'buyerA', 'human', t('10:00:05')), ev('pdd', 'buyerB', 'buyer', t('10:00:08'))]),
    );
    await new Promise((r) => setTimeout(r, 20));
    tab.receive(deadHost.held.shift()!);
    host.clock = t('10:00:20');
    await live.ingest(events([ev('pdd', 'buyerC', 'buyer', t('10:00:19'))]));
    await new Promise((r) => setTimeout(r, 20));
    expect(tab.buyers).toEqual(['buyerB', 'buyerC']);
  });

  it('malformed clocksEpoch: refused by the router; handed to Sentinel.health anyway, the worker goes on', async () => {
    const tab = new TabModel();
    const host = new DeliveringHost(tab);
    const s = new Sentinel(db, host);
    await s.health(tab.health(), 7);
    await s.ingest(events([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
    await new Promise((r) => setTimeout(r, 20));
    for (const bad of [-1, Number.NaN, Infinity, 2 ** 53, '7', null, 1.5, {}, [1]]) {
      const r = parseMessage({ ...tab.health(), clocksEpoch: bad });
      expect(r.ok, String(bad)).toBe(false);
      await expect(s.health({ ...tab.health(), clocksEpoch: bad as number }, 7)).resolves.toBe('shop-main');
    }
    // Still pushing, the tab still right; nothing odd stored on the tab row.
    await s.ingest(events([ev('pdd', 'buyerC', 'buyer', t('10:00:20'))]));
    await new Promise((r) => setTimeout(r, 20));
    expect(tab.buyers).toEqual(['buyerA', 'buyerC']);
    const row = await db.tabs.get(7);
    expect(Object.keys(row!)).not.toContain('clocksEpoch');
    expect(parseMessage({ ...tab.health(), clocksEpoch: 2 ** 40 }).ok).toBe(true);
  });
});
