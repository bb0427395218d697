// The worker's thread cache filled as Recompute fills it (one intake per message), retained heap per policy, A/B
// alternating in one run: messages only; main's carry (every slice, id Set, not charged); this branch's
// (CARRY_MIN_EVENTS, uniqueIds, charged by carryWeight).
//   node --expose-gc node_modules/jiti/lib/jiti-cli.mjs scripts/probe/carry-cache.ts --platform=pdd --convs=5000 --per=6
import { CARRY_MIN_EVENTS } from '../../lib/background/recompute';
import { carryWeight, evaluateCarried } from '../../lib/engine/incremental';
import type { Platform } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';
import { fillDay } from './carry-day';

const gc = (globalThis as { gc?: () => void }).gc!;
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);
const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const platform = arg('platform', 'pdd') as Platform;
const convs = Number(arg('convs', '5000'));
const per = Number(arg('per', '6'));
const rules = effectiveRules(undefined);
type Policy = 'messages' | 'main' | 'this';

function day(policy: Policy) {
  return fillDay(platform, convs, per, (events, prev, now) => {
    const input = { events, coverage: [], rules, now, alertLeadSec: 60 };
    const r =
      policy === 'main'
        ? evaluateCarried(input, prev)
        : policy === 'this' && events.length >= CARRY_MIN_EVENTS
          ? evaluateCarried(input, prev, { uniqueIds: true })
          : undefined;
    return r && { carry: r.carry, weight: policy === 'main' || !r.carry ? 0 : carryWeight(r.carry) };
  }).cache;
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
