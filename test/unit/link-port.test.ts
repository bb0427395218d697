/**
 * Requests over a workbench tab's link port, end to end without a browser: the tab's `WorkerLink` and the worker's
 * `acceptLink` joined by a fake port pair, the real router, handlers and Sentinel on fake-indexeddb. The port takes
 * the same schemas, sender rules and limits as runtime.sendMessage, and nothing is lost when it breaks.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backgroundHandlers } from '../../lib/background/handlers';
import { acceptLink, type ServedPort } from '../../lib/background/link';
import { PhraseStore } from '../../lib/background/phrases';
import { Router, type RawSender } from '../../lib/background/router';
import { Sentinel } from '../../lib/background/sentinel';
import { TRAFFIC, TrafficLimiter, type Limits } from '../../lib/background/traffic';
import { WorkerLink, type PortLike } from '../../lib/content/link';
import { SentinelDB } from '../../lib/db/schema';
import { LINK_PORT, type LinkAck, type ToBackground } from '../../lib/messages';
import type { ChatEvent } from '../../lib/model';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';

const EXT = { id: 'abcdefghijklmnopabcdefghijklmnop', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/' };
const TAB_SENDER: RawSender = { id: EXT.id, url: 'https://mms.pinduoduo.com/chat-merchant/', tab: { id: 7 } };
const PAGE_SENDER: RawSender = { id: EXT.id, url: `${EXT.origin}popup.html` };

let n = 0;
let db: SentinelDB;
let host: FakeHost;
let sentinel: Sentinel;
let router: Router;
/** What every handled request answered, in order. */
let handled: { type: unknown; ok: boolean }[];

function build(limits: Limits = TRAFFIC) {
  const limiter = new TrafficLimiter(limits);
  const phrases = new PhraseStore(db, () => host.clock);
  const tabs = { focusTab: async () => true, sendToTab: async () => ({ ok: true }) };
  router = new Router(
    backgroundHandlers({ sentinel, phrases, limiter, tabs, now: () => host.clock, t: host.t, onPrune: () => {} }),
    limiter,
    () => host.clock,
  );
}

beforeEach(() => {
  db = new SentinelDB(`link-port-${++n}`);
  host = new FakeHost();
  sentinel = new Sentinel(db, host);
  handled = [];
  build();
});
afterEach(() => db.close());

/** The worker's end of a port as Chrome would hand it over, and what was answered on it. */
function workerPort(sender: RawSender, name = LINK_PORT) {
  const listeners: ((raw: unknown) => void)[] = [];
  const acks: LinkAck[] = [];
  const port: ServedPort & { closed: boolean } = {
    name,
    sender,
    closed: false,
    onMessage: { addListener: (cb) => listeners.push(cb) },
    postMessage: (m) => acks.push(m),
    disconnect: () => {
      port.closed = true;
    },
  };
  const served = acceptLink(port, EXT, async (raw, from) => {
    const reply = await router.handle(raw, from);
    handled.push({ type: (raw as { type?: unknown } | null)?.type, ok: reply.ok });
    return reply;
  });
  return { port, served, acks, deliver: (raw: unknown) => listeners.forEach((cb) => cb(raw)) };
}

const events = (list: ChatEvent[], account = 'shop-main') => ({
  type: 'events',
  platform: 'pdd',
  account,
  events: list,
});
const settled = (acks: LinkAck[], count: number) => vi.waitFor(() => expect(acks).toHaveLength(count));

describe('the worker end of the link port', () => {
  it('stores events sent over the port and acknowledges them, as a sent message', async () => {
    const w = workerPort(TAB_SENDER);
    expect(w.served).toBe(true);
    w.deliver({ n: 4, msg: events([ev('pdd', 'b1', 'buyer', t('10:00:00'))]) });
    await settled(w.acks, 1);
    expect(w.acks).toEqual([{ ack: 4, ok: true }]);
    expect(await db.events.count()).toBe(1);
    expect((await db.clocks.toArray()).map((c) => [c.buyer, c.status])).toEqual([['b1', 'pending']]);
  });

  it('a port opened by an extension page cannot send events (the sender rule); nothing is stored', async () => {
    const w = workerPort(PAGE_SENDER);
    expect(w.served).toBe(true); // pages may hold a link too: their requests follow the page rules
    w.deliver({ n: 0, msg: events([ev('pdd', 'b1', 'buyer', t('10:00:00'))]) });
    await settled(w.acks, 1);
    expect(w.acks).toEqual([{ ack: 0, ok: false }]);
    expect(await db.events.count()).toBe(0);
  });

  it('a port from another extension, from a page without a tab, or of another name is closed unheard', () => {
    for (const [sender, name] of [
      [{ ...TAB_SENDER, id: 'another-extension' }, LINK_PORT],
      [{ id: EXT.id, url: 'https://mms.pinduoduo.com/' }, LINK_PORT],
      [TAB_SENDER, 'something-else'],
    ] as const) {
      const w = workerPort(sender, name);
      expect(w.served).toBe(false);
      expect(w.port.closed).toBe(true);
    }
  });

  it('refuses malformed and spoofed requests over the port (the protocol schema); drops a malformed envelope', async () => {
    const w = workerPort(TAB_SENDER);
    const good = ev('pdd', 'b1', 'buyer', t('10:00:00'));
    w.deliver({ n: 1, msg: events([{ ...good, author: 'owner' } as unknown as ChatEvent]) }); // no such author
    w.deliver({ n: 2, msg: events([{ ...good, account: 'another-shop' }]) }); // an event of another account
    w.deliver({ n: 3, msg: events([{ ...good, account: '?tab9' }], '?tab9') }); // another tab's own account
    w.deliver({ n: 4, msg: { type: 'purgeAll' } }); // a page's request from a workbench tab
    w.deliver({ n: 5, msg: 'events' });
    // Envelopes without a whole number or a request: nothing to acknowledge, nothing handled.
    for (const raw of [null, 'x', [], { msg: events([good]) }, { n: -1, msg: events([good]) }, { n: 1.5 }, { n: 6 }])
      w.deliver(raw);
    await settled(w.acks, 5);
    expect(w.acks).toEqual([1, 2, 3, 4, 5].map((n) => ({ ack: n, ok: false })));
    expect(handled).toHaveLength(5);
    expect(await db.events.count()).toBe(0);
  });

  it('the per-tab traffic limits apply over the port as well', async () => {
    build({ ...TRAFFIC, messagesBurst: 2, messagesPerSec: 0 });
    const w = workerPort(TAB_SENDER);
    for (let i = 0; i < 3; i++) w.deliver({ n: i, msg: events([ev('pdd', `b${i}`, 'buyer', t('10:00:00'))]) });
    await settled(w.acks, 3);
    // The refusal is answered at once, before the two stored.
    expect([...w.acks].sort((a, b) => a.ack - b.ack).map((a) => a.ok)).toEqual([true, true, false]);
    expect(await db.events.count()).toBe(2);
  });
});

/**
 * A tab's link and the worker joined: each connect makes a port pair to a new worker "instance"; `kill()` makes the
 * current worker drop whatever reaches it (Chrome stopping it with messages in flight) and then breaks the port.
 */
function joined() {
  const sentMessages: ToBackground[] = [];
  let current: { alive: boolean; acks: boolean; break: () => void } | null = null;
  let clock = 1_000_000;
  const link = new WorkerLink({
    connect(): PortLike {
      const toTab: ((m: unknown) => void)[] = [];
      const onDisconnect: (() => void)[] = [];
      const worker = { alive: true, acks: true, break: () => onDisconnect.forEach((cb) => cb()) };
      const w = workerPort(TAB_SENDER);
      // The worker's acks reach the tab (while this worker lives).
      w.port.postMessage = (m) => {
        if (worker.alive && worker.acks) queueMicrotask(() => toTab.forEach((cb) => cb(m)));
      };
      current = worker;
      return {
        onDisconnect: { addListener: (cb) => onDisconnect.push(cb) },
        onMessage: { addListener: (cb) => toTab.push(cb) },
        postMessage: (req) => {
          const copy = JSON.parse(JSON.stringify(req)) as unknown;
          queueMicrotask(() => {
            if (worker.alive) w.deliver(copy);
          });
        },
        disconnect: () => undefined,
      };
    },
    sendMessage: async (msg) => {
      sentMessages.push(msg);
      await router.handle(JSON.parse(JSON.stringify(msg)), { kind: 'workbench', tabId: 7 });
    },
    isValid: () => true,
    setTimeout: () => undefined,
    now: () => clock,
    onReconnect: () => undefined,
  });
  return {
    link,
    sentMessages,
    kill() {
      current!.alive = false;
    },
    /** The worker's acknowledgements are lost from now on (it handles what comes). */
    mute() {
      current!.acks = false;
    },
    breakPort() {
      clock += 60_000;
      current!.break();
    },
  };
}

describe('nothing is lost across a port break', () => {
  it('events the worker never handled (it was stopped) are sent again on the new port and stored', async () => {
    const j = joined();
    j.link.start();
    j.link.send(events([ev('pdd', 'b1', 'buyer', t('10:00:00'))]) as ToBackground);
    await vi.waitFor(() => expect(j.link.pending).toBe(0));
    j.kill(); // the worker stops: what is posted now goes nowhere
    j.link.send(events([ev('pdd', 'b2', 'buyer', t('10:00:05'))]) as ToBackground);
    j.link.send(events([ev('pdd', 'b3', 'buyer', t('10:00:06'))]) as ToBackground);
    await new Promise((r) => setTimeout(r, 20));
    expect(await db.events.count()).toBe(1);
    expect(j.link.pending).toBe(2);
    j.breakPort(); // Chrome tells the tab; it reconnects (a new worker)
    await vi.waitFor(() => expect(j.link.pending).toBe(0));
    expect((await db.clocks.toArray()).map((c) => c.buyer).sort()).toEqual(['b1', 'b2', 'b3']);
    expect(j.sentMessages).toHaveLength(0); // all of it went over ports
  });

  it('a request handled but not acknowledged before the break is sent again, and stored once', async () => {
    const j = joined();
    j.link.start();
    j.mute(); // the worker stops after handling the request, before its acknowledgement reaches the tab
    j.link.send(events([ev('pdd', 'b1', 'buyer', t('10:00:00'))]) as ToBackground);
    await vi.waitFor(() => expect(handled).toHaveLength(1));
    expect(j.link.pending).toBe(1);
    j.breakPort();
    await vi.waitFor(() => expect(j.link.pending).toBe(0));
    expect(handled).toEqual([
      { type: 'events', ok: true },
      { type: 'events', ok: true },
    ]);
    expect(await db.events.count()).toBe(1);
    expect(await db.clocks.count()).toBe(1);
  });
});
