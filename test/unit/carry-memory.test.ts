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
import { carryWeight, evaluateCarried } from '../../lib/engine/incremental';
import type { Platform } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';
import { fillDay } from '../../scripts/probe/carry-day';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);
const rules = effectiveRules(undefined);

/** A day of `convs` conversations of `per` messages each, one intake per message, into a worker-sized thread cache. */
function day(platform: Platform, convs: number, per: number, carry: boolean) {
  // As Recompute: carried from the held carry when the slice is long enough, else evaluated whole (not needed here:
  // only what is held is measured).
  return fillDay(platform, convs, per, (events, prev, now) => {
    if (!carry || events.length < CARRY_MIN_EVENTS) return undefined;
    const r = evaluateCarried({ events, coverage: [], rules, now, alertLeadSec: 60 }, prev, { uniqueIds: true });
    return { carry: r.carry, weight: r.carry ? carryWeight(r.carry) : 0 };
  });
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
      // 30 000 intakes a long case: ≈ 30 s alone, over 120 s on a loaded 2-core machine (timed out there once).
    }, 600_000);
});
