import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CARRY_MIN_EVENTS } from '../../lib/background/recompute';
import type { EventsMessage } from '../../lib/messages';
import { t } from './helpers/events';
import { closedAfterEach, eventMaker, longThreadWorker, pddWatching, storedTables } from './helpers/worker';

/**
 * Issue 21: a live conversation's intakes carry the engine's state from one to the next (`evaluateCarried`), in a
 * short thread (evaluated whole) and in a long one (from today's cut), and store what a worker that evaluates every
 * thread whole stores, after every message.
 */
const dbs = closedAfterEach();

describe('intake: the engine carried from message to message', () => {
  for (const long of [false, true])
    it(`live messages of a ${long ? 'long thread (cut at a midnight)' : 'short thread'}: carried, stored the same as whole`, async () => {
      const fast = longThreadWorker(dbs, 'carry-fast', long ? 40 : Infinity);
      const ref = longThreadWorker(dbs, 'carry-ref', long ? 40 : Infinity);
      ref.rc.carryEvaluations = false;
      const ev = eventMaker('pdd', 'live', 'c');
      const msg = (events: EventsMessage['events']): EventsMessage => ({
        type: 'events',
        platform: 'pdd',
        account: 'shop-main',
        events,
      });
      const start = t('09:00:00', '2026-11-20');
      let now = start;
      const both = async (f: (w: typeof fast) => Promise<unknown>) => {
        for (const w of [fast, ref]) {
          w.host.clock = now;
          await f(w);
        }
        expect(await storedTables(fast.db)).toEqual(await storedTables(ref.db));
        expect(fast.host.badge?.text ?? null).toEqual(ref.host.badge?.text ?? null);
      };
      await both((w) => w.s.health(pddWatching('http://127.0.0.1/demo/pdd/x.html'), 7));
      // The two days before (the long thread's part before the cut), answered; long enough that the slice evaluated
      // (from yesterday's midnight on) is carried (`CARRY_MIN_EVENTS`).
      const history: EventsMessage['events'] = [];
      for (let i = 0; i < 90; i++) {
        const at = start - (i < 30 ? 2 : 1) * 86_400_000 + i * 120_000;
        history.push(ev('buyer', at, start), ev('human', at + 30_000, start));
      }
      // And a question late yesterday that nobody answered: closed unreplied by today's first, judged at every intake
      // (how late the thread was seen decides it).
      history.push(ev('buyer', start - 86_400_000 + 13.5 * 3600_000, start));
      await both((w) => w.s.ingest(msg(history)));
      const before = fast.rc.carry.carriedEvaluations;
      for (let i = 0; i < 40; i++) {
        now += 20_000;
        // Questions, now and then two, answered in time or late.
        await both((w) => w.s.ingest(msg([ev(i % 3 === 2 ? 'human' : 'buyer', now - 1000, now)])));
      }
      // Every live message but the first after the history was carried from the one before.
      expect(fast.rc.carry.carriedEvaluations - before).toBeGreaterThanOrEqual(38);
      expect(ref.rc.carry.carriedEvaluations).toBe(0);
      // The long thread is evaluated from yesterday's midnight (yesterday has a result that can still change).
      if (long) expect(fast.rc.evaluations.recent).toBeGreaterThan(30);
    });

  it(`a short conversation (under CARRY_MIN_EVENTS messages) is evaluated whole, no carry held`, async () => {
    const fast = longThreadWorker(dbs, 'short-fast', Infinity);
    const ref = longThreadWorker(dbs, 'short-ref', Infinity);
    ref.rc.carryEvaluations = false;
    const ev = eventMaker('pdd', 'live', 'c');
    let now = t('09:00:00', '2026-11-20');
    for (const w of [fast, ref]) {
      w.host.clock = now;
      await w.s.health(pddWatching('http://127.0.0.1/demo/pdd/x.html'), 7);
    }
    for (let i = 0; i < CARRY_MIN_EVENTS - 1; i++) {
      now += 20_000;
      const events = [ev(i % 3 === 2 ? 'human' : 'buyer', now - 1000, now)];
      for (const w of [fast, ref]) {
        w.host.clock = now;
        await w.s.ingest({ type: 'events', platform: 'pdd', account: 'shop-main', events });
      }
    }
    expect(await storedTables(fast.db)).toEqual(await storedTables(ref.db));
    expect(fast.rc.threads.size).toBe(CARRY_MIN_EVENTS - 1); // held, with no carry charged
    expect(fast.rc.carry.carriedEvaluations).toBe(0);
  });
});
