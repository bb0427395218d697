import { describe, expect, it } from 'vitest';
import {
  LINK_MAX_BACKOFF_MS,
  LINK_STABLE_MS,
  LINK_UNACKED_MAX,
  WorkerLink,
  type PortLike,
} from '../../lib/content/link';
import type { LinkRequest, ToBackground } from '../../lib/messages';

interface FakePort {
  port: PortLike;
  break: () => void;
  closed: boolean;
  /** What the tab posted on it. */
  posted: LinkRequest[];
  /** The worker acknowledges request `n`. */
  ack: (n: number) => void;
  /** postMessage throws (Chrome: "Attempting to use a disconnected port object"). */
  dead: boolean;
}

/** A fake browser: ports the test can break, timers the test runs, a clock the test sets. */
function setup() {
  const ports: FakePort[] = [];
  const timers: { at: number; fn: () => void }[] = [];
  const env = { now: 1_000_000, valid: true, reconnects: 0, refuse: false };
  /** Requests sent by runtime.sendMessage. */
  const sentMessages: ToBackground[] = [];
  /** Everything the tab sent, in order, and how: `port<i>` or `message`. */
  const log: string[] = [];
  const link = new WorkerLink({
    connect() {
      if (env.refuse) throw new Error('Could not establish connection');
      const onDisconnect: (() => void)[] = [];
      const onMessage: ((m: unknown) => void)[] = [];
      const i = ports.length;
      const entry: FakePort = {
        closed: false,
        posted: [],
        dead: false,
        port: {
          onDisconnect: { addListener: (cb: () => void) => onDisconnect.push(cb) },
          onMessage: { addListener: (cb: (m: unknown) => void) => onMessage.push(cb) },
          postMessage: (req) => {
            if (entry.dead) throw new Error('Attempting to use a disconnected port object');
            entry.posted.push(req);
            log.push(`port${i}:${req.msg.type}`);
          },
          disconnect: () => {
            entry.closed = true;
          },
        },
        break: () => onDisconnect.forEach((cb) => cb()),
        ack: (n) => onMessage.forEach((cb) => cb({ ack: n, ok: true })),
      };
      ports.push(entry);
      return entry.port;
    },
    sendMessage: (msg) => {
      sentMessages.push(msg);
      log.push(`message:${msg.type}`);
      return Promise.resolve();
    },
    isValid: () => env.valid,
    setTimeout: (fn, ms) => timers.push({ at: env.now + ms, fn }),
    now: () => env.now,
    onReconnect: () => {
      env.reconnects++;
      // As the watcher does: it reports its health again.
      link.send(HEALTH);
    },
  });
  /** Runs the timers due by `now`. */
  const run = () => {
    for (const t of timers.splice(0).sort((a, b) => a.at - b.at))
      if (t.at <= env.now) t.fn();
      else timers.push(t);
  };
  return { link, ports, timers, env, run, sentMessages, log };
}

const HEALTH: ToBackground = {
  type: 'health',
  platform: 'pdd',
  account: 'shop',
  health: 'watching',
  parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
  url: 'https://mms.pinduoduo.com/',
};
const EVENTS = (buyer: string): ToBackground => ({
  type: 'events',
  platform: 'pdd',
  account: 'shop',
  events: [
    {
      platform: 'pdd',
      account: 'shop',
      buyer,
      messageId: `m-${buyer}`,
      author: 'buyer',
      at: 1_800_000_000_000,
      timeSource: 'stamp',
      observedAt: 1_800_000_000_000,
    },
  ],
});
const buyersOf = (msgs: readonly ToBackground[]) =>
  msgs.map((m) => (m.type === 'events' ? m.events[0]!.buyer : m.type));

describe('the worker link', () => {
  it('reconnects at once when the worker stops, and reports the reconnect', () => {
    const { link, ports, env } = setup();
    link.start();
    link.start(); // idempotent
    expect(ports).toHaveLength(1);
    env.now += 60_000;
    ports[0]!.break(); // the worker was stopped
    expect(ports).toHaveLength(2);
    expect(env.reconnects).toBe(1);
    env.now += 45_000;
    ports[1]!.break();
    expect(ports).toHaveLength(3);
    expect(env.reconnects).toBe(2);
  });

  it('backs off when the port keeps breaking right after connecting, and recovers', () => {
    const { link, ports, timers, env, run } = setup();
    link.start();
    ports[0]!.break(); // broke at once
    expect(ports).toHaveLength(1);
    expect(timers.map((t) => t.at - env.now)).toEqual([250]);
    env.now += 250;
    run();
    expect(ports).toHaveLength(2);
    ports[1]!.break();
    expect(timers.map((t) => t.at - env.now)).toEqual([500]);
    for (let i = 0; i < 12; i++) {
      env.now += LINK_MAX_BACKOFF_MS;
      run();
      ports.at(-1)!.break();
    }
    expect(timers.map((t) => t.at - env.now)).toEqual([LINK_MAX_BACKOFF_MS]);
    env.now += LINK_MAX_BACKOFF_MS;
    run();
    env.now += LINK_STABLE_MS;
    const before = ports.length;
    ports.at(-1)!.break(); // a port that lived: reconnect at once again
    expect(ports.length).toBe(before + 1);
  });

  it('retries a connect that throws, and stops for good when the extension context is gone', () => {
    const { link, ports, timers, env, run } = setup();
    env.refuse = true;
    link.start();
    expect(ports).toHaveLength(0);
    expect(timers).toHaveLength(1);
    env.refuse = false;
    env.now += 250;
    run();
    expect(ports).toHaveLength(1);
    env.valid = false;
    env.now += 60_000;
    ports[0]!.break();
    run();
    expect(ports).toHaveLength(1);
    expect(timers).toHaveLength(0);
  });

  it('start() during a backoff does not open a second chain of reconnects', () => {
    const { link, ports, timers, env, run } = setup();
    link.start();
    ports[0]!.break(); // broke at once: a retry is scheduled
    link.start(); // the page changed its URL meanwhile
    link.start();
    expect(ports).toHaveLength(1);
    expect(timers).toHaveLength(1);
    env.now += 250;
    run();
    expect(ports).toHaveLength(2);
    expect(timers).toHaveLength(0);
  });

  it('stopped during a backoff and started again, the pending retry reconnects', () => {
    const { link, ports, env, run } = setup();
    link.start();
    ports[0]!.break(); // retry pending
    link.stop(); // the page left the workbench…
    link.start(); // …and came back before the retry
    env.now += 250;
    run();
    expect(ports).toHaveLength(2);
  });

  it('stop() closes the port and never reconnects', () => {
    const { link, ports } = setup();
    link.start();
    link.stop();
    expect(ports[0]!.closed).toBe(true);
    ports[0]!.break();
    expect(ports).toHaveLength(1);
  });
});

describe('requests over the link', () => {
  it('go over the port, numbered, while it is open; by runtime.sendMessage before it opens', () => {
    const { link, ports, sentMessages } = setup();
    link.send(EVENTS('early'));
    expect(buyersOf(sentMessages)).toEqual(['early']);
    link.start();
    link.send(EVENTS('a'));
    link.send(HEALTH);
    expect(ports[0]!.posted.map((r) => r.n)).toEqual([0, 1]);
    expect(buyersOf(ports[0]!.posted.map((r) => r.msg))).toEqual(['a', 'health']);
    expect(sentMessages).toHaveLength(1);
    expect(link.pending).toBe(2);
    ports[0]!.ack(0);
    ports[0]!.ack(1);
    ports[0]!.ack(99); // unknown: ignored
    expect(link.pending).toBe(0);
  });

  it('what a broken port was not acknowledged for is sent again on the new port, before the reconnect report', () => {
    const { link, ports, env, log } = setup();
    link.start();
    link.send(EVENTS('a'));
    link.send(EVENTS('b'));
    link.send(EVENTS('c'));
    ports[0]!.ack(1); // b was handled; a and c were lost with the worker
    env.now += 60_000;
    log.length = 0;
    ports[0]!.break();
    expect(buyersOf(ports[1]!.posted.map((r) => r.msg))).toEqual(['a', 'c', 'health']);
    expect(log).toEqual(['port1:events', 'port1:events', 'port1:health']);
    expect(env.reconnects).toBe(1);
    expect(link.pending).toBe(3);
  });

  it('a port that broke at once (backoff): what it lost goes by runtime.sendMessage now, not after the backoff', () => {
    const { link, ports, timers, sentMessages } = setup();
    link.start();
    link.send(EVENTS('a'));
    ports[0]!.break();
    expect(ports).toHaveLength(1);
    expect(timers).toHaveLength(1); // the retry
    expect(buyersOf(sentMessages)).toEqual(['a']);
    link.send(EVENTS('b')); // meanwhile: no port
    expect(buyersOf(sentMessages)).toEqual(['a', 'b']);
    expect(link.pending).toBe(0);
  });

  it('a port that throws on postMessage (broken before Chrome said so): the request goes by runtime.sendMessage', () => {
    const { link, ports, sentMessages } = setup();
    link.start();
    ports[0]!.dead = true;
    link.send(EVENTS('a'));
    expect(buyersOf(sentMessages)).toEqual(['a']);
    expect(link.pending).toBe(0);
  });

  it('stop() sends what was not acknowledged by runtime.sendMessage; a context gone swallows the throw', () => {
    const { link, ports, sentMessages } = setup();
    link.start();
    link.send(EVENTS('a'));
    ports[0]!.ack(0);
    link.send(EVENTS('b'));
    link.stop();
    expect(buyersOf(sentMessages)).toEqual(['b']);
    const throwing = new WorkerLink({
      connect: () => {
        throw new Error('Extension context invalidated');
      },
      sendMessage: () => {
        throw new Error('Extension context invalidated');
      },
      isValid: () => true,
      setTimeout: () => undefined,
      now: () => 0,
      onReconnect: () => undefined,
    });
    expect(() => throwing.send(EVENTS('x'))).not.toThrow();
  });

  it(`keeps at most ${LINK_UNACKED_MAX} requests for sending again (the oldest sent again by sendMessage)`, () => {
    const { link, ports, env, sentMessages } = setup();
    link.start();
    for (let i = 0; i < LINK_UNACKED_MAX + 3; i++) link.send(EVENTS(`b${i}`));
    expect(link.pending).toBe(LINK_UNACKED_MAX);
    // Not forgotten: the three oldest went by runtime.sendMessage.
    expect(buyersOf(sentMessages)).toEqual(['b0', 'b1', 'b2']);
    env.now += 60_000;
    ports[0]!.break();
    const resent = buyersOf(ports[1]!.posted.map((r) => r.msg));
    expect(resent[0]).toBe('b3');
    expect(resent).toHaveLength(LINK_UNACKED_MAX + 1); // and the reconnect's health
  });
});
