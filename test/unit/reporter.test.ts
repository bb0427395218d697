/**
 * What a watched page sends (lib/content/reporter.ts), without a DOM: events in slices the background accepts, the
 * health only when it changes (and on the heartbeat, with the clock list's number), input focus only once the
 * account is known, a failing send swallowed.
 */
import { describe, expect, it, vi } from 'vitest';
import { judged } from '../../lib/platforms/parts';
import { Reporter, type TabHealth } from '../../lib/content/reporter';
import type { TimerId, Timers } from '../../lib/content/timers';
import { EVENTS_PER_MESSAGE, HEARTBEAT_MS, type ToBackground } from '../../lib/messages';
import type { ChatEvent } from '../../lib/model';

const T0 = Date.UTC(2026, 4, 4, 4, 0, 0);

const FOCUS_AT = 1_795_000_000_000;

function setup(send?: (msg: ToBackground) => Promise<unknown>) {
  const sent: ToBackground[] = [];
  const intervals = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  const timers = {
    setInterval: (fn: () => void, ms: number) => (intervals.set(next, { fn, ms }), next++ as unknown as TimerId),
    clearInterval: (id: TimerId) => void intervals.delete(id as unknown as number),
  } as unknown as Timers;
  let shown: { epoch: number; seq: number } | null = null;
  const reporter = new Reporter({
    platform: 'pdd',
    send: send ?? ((msg) => (sent.push(msg), Promise.resolve())),
    url: () => 'https://mms.pinduoduo.com/chat-merchant/',
    timers,
    clocksShown: () => shown,
    now: () => FOCUS_AT,
  });
  return { reporter, sent, intervals, setSeq: (seq: number, epoch = 3) => (shown = { epoch, seq }) };
}

const HEALTH: TabHealth = {
  ...judged({ list: 'ok', thread: 'ok', input: 'ok', account: 'ok' }),
  account: 'shop-a',
  activeBuyer: 'b1',
};

const event = (i: number): ChatEvent => ({
  platform: 'pdd',
  account: 'shop-a',
  buyer: 'b1',
  messageId: `m${i}`,
  author: 'buyer',
  at: T0 + i,
  timeSource: 'stamp',
  observedAt: T0 + i,
});

describe('Reporter', () => {
  it('sends events in slices of EVENTS_PER_MESSAGE, in order, none empty', () => {
    const { reporter, sent } = setup();
    reporter.events([], 'shop-a');
    expect(sent).toEqual([]);
    const events = Array.from({ length: EVENTS_PER_MESSAGE * 2 + 1 }, (_, i) => event(i));
    reporter.events(events, 'shop-a');
    expect(sent.map((m) => (m.type === 'events' ? m.events.length : -1))).toEqual([
      EVENTS_PER_MESSAGE,
      EVENTS_PER_MESSAGE,
      1,
    ]);
    const all = sent.flatMap((m) => (m.type === 'events' ? m.events.map((e) => e.messageId) : []));
    expect(all).toEqual(events.map((e) => e.messageId));
    expect(sent.every((m) => m.type === 'events' && m.account === 'shop-a' && m.platform === 'pdd')).toBe(true);
  });

  it('sends the health when it changes only; the heartbeat and reportNow send it again, with the clock list number', () => {
    const { reporter, sent, intervals, setSeq } = setup();
    // Nothing to send before the first health.
    reporter.sendHealth();
    expect(sent).toEqual([]);
    reporter.health(HEALTH);
    reporter.health({ ...HEALTH });
    expect(sent).toEqual([
      { type: 'health', platform: 'pdd', url: 'https://mms.pinduoduo.com/chat-merchant/', ...HEALTH },
    ]);
    reporter.health({ ...HEALTH, activeBuyer: 'b2' });
    expect(sent).toHaveLength(2);

    reporter.start();
    reporter.start();
    expect([...intervals.values()].map((t) => t.ms)).toEqual([HEARTBEAT_MS]);
    setSeq(7);
    [...intervals.values()][0]!.fn();
    expect(sent[2]).toMatchObject({ type: 'health', activeBuyer: 'b2', clocksSeq: 7, clocksEpoch: 3 });
    reporter.stop();
    expect(intervals.size).toBe(0);
  });

  it('compares a health with the last one by one stringify (the new one), not two', () => {
    const { reporter, sent } = setup();
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      reporter.health(HEALTH);
      reporter.health({ ...HEALTH });
      reporter.health({ ...HEALTH, activeBuyer: 'b2' });
      reporter.health({ ...HEALTH, activeBuyer: 'b2' });
      expect(stringify).toHaveBeenCalledTimes(4);
    } finally {
      stringify.mockRestore();
    }
    // Still compared by value: the same health again is not sent, a changed one is.
    expect(sent.map((m) => (m as { activeBuyer?: string }).activeBuyer)).toEqual(['b1', 'b2']);
  });

  it('input focus goes out only once the account is known', () => {
    const { reporter, sent } = setup();
    reporter.inputFocused();
    expect(sent).toEqual([]);
    reporter.health(HEALTH);
    reporter.inputFocused();
    expect(sent[1]).toEqual({ type: 'inputFocus', platform: 'pdd', account: 'shop-a', at: FOCUS_AT });
    expect(reporter.account).toBe('shop-a');
  });

  it('a send that fails (the worker gone) is swallowed', async () => {
    let calls = 0;
    const { reporter } = setup(() => (calls++, Promise.reject(new Error('Extension context invalidated'))));
    expect(() => reporter.events([event(1)], 'shop-a')).not.toThrow();
    reporter.health(HEALTH);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toBe(2);
  });
});
