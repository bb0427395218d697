/**
 * The carries the worker holds with its thread cache (`evaluateCarried`, `ThreadCache.setCarry`) weigh no more than
 * the messages the cache bounds: short conversations hold none (`CARRY_MIN_EVENTS`), long ones are charged to the
 * budget (`carryWeight`). Retained heap measured with the cache filled the way `Recompute.rememberThreads` fills it,
 * with carries and without (from the review's probe: before, 5 000 six-message conversations held ≈ 25–32 MB of
 * carries over ≈ 7 MB of messages, and 20 Taobao threads of 1 500 ≈ 25 MB over ≈ 6 MB).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CARRY_MIN_EVENTS, THREAD_CACHE_EVENTS } from '../../lib/background/recompute';
import { ThreadCache } from '../../lib/background/thread-cache';
import { carryWeight, evaluateCarried, type Carry } from '../../lib/engine/incremental';
import { chinaDay, chinaDayStart } from '../../lib/engine/time';
import type { EventRow, Platform } from '../../lib/model';
import { conversationKey, eventKey } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);
const rules = effectiveRules(undefined);
const start = chinaDayStart(chinaDay(Date.UTC(2026, 11, 6))) + 9 * 3600_000;

/** A day of `convs` conversations of `per` messages each, one intake per message, into a worker-sized thread cache. */
function day(platform: Platform, convs: number, per: number, carry: boolean) {
  const cache = new ThreadCache(THREAD_CACHE_EVENTS);
  let held = 0;
  for (let c = 0; c < convs; c++) {
    let events: EventRow[] = [];
    let at = start + c * 1000;
    for (let i = 0; i < per; i++) {
      at += 30_000;
      const x = {
        platform,
        account: 'shop',
        buyer: `b${c}`,
        messageId: `c${c}m${i}`,
        author: i % 2 ? 'human' : 'buyer',
        at,
        timeSource: 'id',
        observedAt: at,
        text: `t${i}`,
        ...(i === 0 && { buyerNick: `nick${c}` }),
      } as const;
      const row = { ...x, key: eventKey(x), conv: conversationKey(x) } as EventRow;
      events = events.concat(row); // as withAdded appends
      const conv = row.conv;
      const cached = cache.peek(conv);
      // As Recompute: carried from the held carry when the slice is long enough, else evaluated whole (not needed
      // here: only what is held is measured).
      const r =
        carry && events.length >= CARRY_MIN_EVENTS
          ? evaluateCarried(
              { events, coverage: [], rules, now: at + 1000, alertLeadSec: 60 },
              cached ? (cache.carryOf(conv) as Carry | undefined) : undefined,
              { uniqueIds: true },
            )
          : undefined;
      cache.set(conv, events);
      if (r?.carry) cache.setCarry(conv, r.carry, carryWeight(r.carry));
    }
    if (cache.carryOf(`${platform}|shop|b${c}`)) held++;
  }
  return { cache, held };
}

describe('carries held with the thread cache', () => {
  for (const [platform, convs, per] of [
    ['pdd', 5000, 6],
    ['taobao', 5000, 6],
    ['pdd', 20, 1500],
    ['taobao', 20, 1500],
  ] as const)
    it(`${platform}: ${convs} conversations × ${per} messages: the heap held is at most 1.25× the messages' alone`, () => {
      const h0 = heap();
      const plain = (): number => {
        const { cache } = day(platform, convs, per, false);
        const h1 = heap();
        expect(cache.size).toBe(THREAD_CACHE_EVENTS);
        return h1;
      };
      const messages = plain() - h0;
      const h2 = heap();
      const { cache, held } = day(platform, convs, per, true);
      const h3 = heap();
      expect(cache.size).toBeLessThanOrEqual(THREAD_CACHE_EVENTS);
      if (process.env.CARRY_MEM_LOG)
        console.log(
          JSON.stringify({ platform, convs, per, messagesMB: messages / 1e6, withCarriesMB: (h3 - h2) / 1e6, held }),
        );
      // Long threads are carried (else this would measure nothing); short ones hold none.
      expect(held > 0).toBe(per >= CARRY_MIN_EVENTS);
      // The cache's budget (messages) should bound what it holds, carries included: within 25 % (the measurement's
      // noise, and an estimate's error, in `carryWeight`).
      expect(h3 - h2).toBeLessThanOrEqual(messages * 1.25);
    }, 120_000);
});
