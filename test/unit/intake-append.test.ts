import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { threadCompare } from '../../lib/engine/rounds';
import type { EventsMessage } from '../../lib/messages';
import { t } from './helpers/events';
import {
  closedAfterEach,
  eventMaker,
  longThreadWorker,
  pddMsg,
  pddWatching,
  storedEvents,
  storedTables,
} from './helpers/worker';

/**
 * Issue 21: the intake appends a new message to the held thread's array in place (`ThreadCache.appendInPlace`), not
 * onto a copy of a 10 000-message thread per message. The array is then ahead of what is stored until the write
 * commits, which is safe only because a failed intake clears the thread cache: a message whose transaction aborted
 * must not be counted by the next intake.
 */
const dbs = closedAfterEach();
afterEach(() => {
  vi.restoreAllMocks();
});

const watching = pddWatching('http://127.0.0.1/demo/pdd/x.html');

describe('intake: new messages appended to the held thread in place', () => {
  for (const long of [false, true])
    it(`appends to the very array held (no copy of the thread), and stores what a worker evaluating whole stores (${long ? 'a long thread, cut' : 'evaluated whole, carried'})`, async () => {
      const fast = longThreadWorker(dbs, 'append-fast', long ? 40 : Infinity);
      const ref = longThreadWorker(dbs, 'append-ref', Infinity);
      ref.rc.carryEvaluations = false;
      const ev = eventMaker('pdd', 'live', 'c');
      let now = t('09:00:00', '2026-11-20');
      const history: EventsMessage['events'] = [];
      for (let i = 0; i < 60; i++) {
        const at = now - 86_400_000 + i * 120_000;
        history.push(ev('buyer', at, now), ev('human', at + 30_000, now));
      }
      for (const w of [fast, ref]) {
        w.host.clock = now;
        await w.s.health(watching, 7);
        await w.s.ingest(pddMsg(history));
      }
      const conv = 'pdd|shop-main|live';
      const held = fast.rc.threads.peek(conv)!.events;
      expect(held.length).toBe(120);
      for (let i = 0; i < 12; i++) {
        now += 20_000;
        const events = [ev(i % 3 === 2 ? 'human' : 'buyer', now - 1000, now)];
        for (const w of [fast, ref]) {
          w.host.clock = now;
          await w.s.ingest(pddMsg(events));
        }
        // The same array, grown by the message.
        expect(fast.rc.threads.peek(conv)!.events).toBe(held);
        expect(held.length).toBe(121 + i);
        expect(await storedTables(fast.db)).toEqual(await storedTables(ref.db));
      }
      if (!long) expect(fast.rc.carry.carriedEvaluations).toBeGreaterThan(10);
      else expect(fast.rc.evaluations.recent).toBeGreaterThan(10);
      expect(held.map((e) => e.key)).toEqual((await storedEvents(fast.db)).sort(threadCompare).map((e) => e.key));
      // The budget counted the appended messages once: the only conversation held, once forgotten, leaves nothing.
      fast.rc.threads.delete(conv);
      expect(fast.rc.threads.size).toBe(0);
    });

  it('an intake whose transaction aborts leaves no appended message behind: the next intake counts what is stored', async () => {
    const fast = longThreadWorker(dbs, 'abort-fast', 40);
    const ref = longThreadWorker(dbs, 'abort-ref', Infinity);
    ref.rc.carryEvaluations = false;
    const ev = eventMaker('pdd', 'live', 'c');
    let now = t('09:00:00', '2026-11-20');
    const history: EventsMessage['events'] = [];
    for (let i = 0; i < 30; i++) {
      const at = now - 3600_000 + i * 60_000;
      history.push(ev('buyer', at, now), ev('human', at + 20_000, now));
    }
    for (const w of [fast, ref]) {
      w.host.clock = now;
      await w.s.health(watching, 7);
      await w.s.ingest(pddMsg(history));
    }
    const conv = 'pdd|shop-main|live';
    expect(fast.rc.threads.peek(conv)?.events.length).toBe(60);
    // A question whose transaction aborts at its clock write (a full disk): nothing of it is stored.
    now += 20_000;
    const lost = ev('buyer', now - 1000, now);
    fast.host.clock = now;
    vi.spyOn(fast.db.clocks, 'bulkPut').mockImplementationOnce((() => {
      Dexie.currentTransaction?.abort();
      return Promise.reject(new Error('disk full (test)'));
    }) as unknown as typeof fast.db.clocks.bulkPut);
    await expect(fast.s.ingest(pddMsg([lost]))).rejects.toThrow();
    vi.restoreAllMocks();
    expect((await storedEvents(fast.db)).some((e) => e.messageId === lost.messageId)).toBe(false);
    // The agent's answer comes next: the lost question is not in the thread, so no wait is answered by it.
    now += 20_000;
    const answer = ev('human', now - 1000, now);
    for (const w of [fast, ref]) {
      w.host.clock = now;
      await w.s.ingest(pddMsg([answer]));
    }
    expect(await storedEvents(fast.db)).toEqual(await storedEvents(ref.db));
    expect(await storedTables(fast.db)).toEqual(await storedTables(ref.db));
    expect(fast.host.badge?.text ?? null).toEqual(ref.host.badge?.text ?? null);
    const held = fast.rc.threads.peek(conv)?.events;
    if (held) expect(held.some((e) => e.messageId === lost.messageId)).toBe(false);
  });
});
