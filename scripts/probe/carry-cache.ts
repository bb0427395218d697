// The worker's thread cache filled as Recompute fills it (one intake per message), retained heap per policy, A/B
// alternating in one run: messages only; main's carry (every slice, id Set, not charged); this branch's
// (CARRY_MIN_EVENTS, uniqueIds, charged by carryWeight).
//   node --expose-gc node_modules/jiti/lib/jiti-cli.mjs scripts/probe/carry-cache.ts --platform=pdd --convs=5000 --per=6
import { CARRY_MIN_EVENTS, THREAD_CACHE_EVENTS } from '../../lib/background/recompute';
import { ThreadCache } from '../../lib/background/thread-cache';
import { carryWeight, evaluateCarried, type Carry } from '../../lib/engine/incremental';
import { chinaDay, chinaDayStart } from '../../lib/engine/time';
import type { EventRow, Platform } from '../../lib/model';
import { conversationKey, eventKey } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';

const gc = (globalThis as { gc?: () => void }).gc!;
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);
const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const platform = arg('platform', 'pdd') as Platform;
const convs = Number(arg('convs', '5000'));
const per = Number(arg('per', '6'));
const rules = effectiveRules(undefined);
const start = chinaDayStart(chinaDay(Date.UTC(2026, 11, 6))) + 9 * 3600_000;
type Policy = 'messages' | 'main' | 'this';

function day(policy: Policy): ThreadCache {
  const cache = new ThreadCache(THREAD_CACHE_EVENTS);
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
      events = events.concat(row);
      const cached = cache.peek(row.conv);
      const prev = cached ? (cache.carryOf(row.conv) as Carry | undefined) : undefined;
      const input = { events, coverage: [], rules, now: at + 1000, alertLeadSec: 60 };
      const r =
        policy === 'main'
          ? evaluateCarried(input, prev)
          : policy === 'this' && events.length >= CARRY_MIN_EVENTS
            ? evaluateCarried(input, prev, { uniqueIds: true })
            : undefined;
      cache.set(row.conv, events);
      if (r?.carry) cache.setCarry(row.conv, r.carry, policy === 'main' ? 0 : carryWeight(r.carry));
    }
  }
  return cache;
}

/** Retained heap of a filled cache (the cache unreachable once this returns). */
function measure(policy: Policy): string {
  const h0 = heap();
  const cache = day(policy);
  const h1 = heap();
  return `${((h1 - h0) / 1e6).toFixed(1)} MB (budget used ${cache.size})`;
}

const out: Record<string, string> = {};
for (let rep = 1; rep <= 2; rep++)
  for (const policy of ['messages', 'main', 'this'] as Policy[]) out[`${policy} #${rep}`] = measure(policy);
console.log(JSON.stringify({ platform, convs, per, ...out }));
