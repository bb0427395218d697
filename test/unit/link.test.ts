import { describe, expect, it } from 'vitest';
import { LINK_MAX_BACKOFF_MS, LINK_STABLE_MS, WorkerLink, type PortLike } from '../../lib/content/link';

/** A fake browser: ports the test can break, timers the test runs, a clock the test sets. */
function setup() {
  const ports: { port: PortLike; break: () => void; closed: boolean }[] = [];
  const timers: { at: number; fn: () => void }[] = [];
  const env = { now: 1_000_000, valid: true, reconnects: 0, refuse: false };
  const link = new WorkerLink({
    connect() {
      if (env.refuse) throw new Error('Could not establish connection');
      const listeners: (() => void)[] = [];
      const entry = {
        closed: false,
        port: {
          onDisconnect: { addListener: (cb: () => void) => listeners.push(cb) },
          disconnect: () => {
            entry.closed = true;
          },
        },
        break: () => listeners.forEach((cb) => cb()),
      };
      ports.push(entry);
      return entry.port;
    },
    isValid: () => env.valid,
    setTimeout: (fn, ms) => timers.push({ at: env.now + ms, fn }),
    now: () => env.now,
    onReconnect: () => env.reconnects++,
  });
  /** Runs the timers due by `now`. */
  const run = () => {
    for (const t of timers.splice(0).sort((a, b) => a.at - b.at))
      if (t.at <= env.now) t.fn();
      else timers.push(t);
  };
  return { link, ports, timers, env, run };
}

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
