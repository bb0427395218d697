// A synthetic day for the carry's memory measurements (test/unit/carry-memory.test.ts, scripts/probe/carry-cache.ts,
// scripts/probe/carry-mem.ts): `convs` conversations of `per` messages, buyer and shop taking turns 30 s apart, fed to
// the worker's thread cache one intake per message as `Recompute.rememberThreads` feeds it.
import { THREAD_CACHE_EVENTS } from '../../lib/background/recompute';
import { ThreadCache } from '../../lib/background/thread-cache';
import type { Carry } from '../../lib/engine/incremental';
import { chinaDay, chinaDayStart } from '../../lib/engine/time';
import type { ChatEvent, EventRow, Platform } from '../../lib/model';
import { conversationKey, eventKey } from '../../lib/model';

/** 09:00 China time on a fixed day (no rule window or midnight in reach of the day's messages). */
export const DAY_START = chinaDayStart(chinaDay(Date.UTC(2026, 11, 6))) + 9 * 3600_000;

/** Message `i` of conversation `c`: conversations start 1 s apart, their messages 30 s apart. */
export function dayMessage(platform: Platform, c: number, i: number): ChatEvent {
  const at = DAY_START + c * 1000 + (i + 1) * 30_000;
  return {
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
  };
}

/** What one intake leaves to hold with the thread: a carry and what it is charged, or nothing. */
export type Intake = (
  events: EventRow[],
  prev: Carry | undefined,
  now: number,
) => { carry: Carry | undefined; weight: number } | undefined;

/**
 * A worker-sized thread cache filled with the day, one intake per message (`intake` decides what is carried), and how
 * many conversations held a carry right after their last intake.
 */
export function fillDay(platform: Platform, convs: number, per: number, intake: Intake) {
  const cache = new ThreadCache(THREAD_CACHE_EVENTS);
  let held = 0;
  for (let c = 0; c < convs; c++) {
    let events: EventRow[] = [];
    let conv = '';
    for (let i = 0; i < per; i++) {
      const x = dayMessage(platform, c, i);
      const row = { ...x, key: eventKey(x), conv: conversationKey(x) } as EventRow;
      conv = row.conv;
      events = events.concat(row); // as withAdded appends
      const prev = cache.peek(conv) ? (cache.carryOf(conv) as Carry | undefined) : undefined;
      const r = intake(events, prev, x.at + 1000);
      cache.set(conv, events);
      if (r?.carry) cache.setCarry(conv, r.carry, r.weight);
    }
    if (cache.carryOf(conv)) held++;
  }
  return { cache, held };
}
