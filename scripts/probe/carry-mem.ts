// node --expose-gc node_modules/jiti/lib/jiti-cli.mjs scripts/probe/carry-mem.ts --platform=pdd --convs=5000 --per=6 [--unique=0]
// Retained heap of carries vs the events they describe (the thread cache holds ≤ 30 000 events; carries are not counted).
import { carryWeight, evaluateCarried, type Carry } from '../../lib/engine/incremental';
import type { ChatEvent, Platform } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';
import { dayMessage } from './carry-day';

const gc = (globalThis as { gc?: () => void }).gc!;
const rules = effectiveRules(undefined);
const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const platform = arg('platform', 'pdd') as Platform;
const convs = Number(arg('convs', '5000'));
const per = Number(arg('per', '6'));
const uniqueIds = arg('unique', '1') === '1';
function heap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
const thread = (c: number): ChatEvent[] => Array.from({ length: per }, (_, i) => dayMessage(platform, c, i));
const h0 = heap();
const threads: ChatEvent[][] = [];
for (let c = 0; c < convs; c++) threads.push(thread(c));
const h1 = heap();
const carries: (Carry | undefined)[] = [];
for (const th of threads) {
  // fed as the worker feeds it: one intake per message, the carry kept
  let carry: Carry | undefined;
  for (let k = 1; k <= th.length; k++)
    carry = evaluateCarried(
      { events: th.slice(0, k), coverage: [], rules, now: th[k - 1]!.at + 1000, alertLeadSec: 60 },
      carry,
      { uniqueIds },
    ).carry;
  carries.push(carry);
}
const h2 = heap();
let rounds = 0;
let groups = 0;
for (const c of carries)
  for (const m of c?.metrics ?? []) {
    rounds += m.builder.closed.length;
    groups += m.groups.size;
  }
const weight = carries.reduce((s, c) => s + (c ? carryWeight(c) : 0), 0);
console.log(
  JSON.stringify({
    platform,
    convs,
    per,
    events: convs * per,
    eventsMB: +((h1 - h0) / 1e6).toFixed(1),
    carriesMB: +((h2 - h1) / 1e6).toFixed(1),
    perCarryKB: +((h2 - h1) / convs / 1e3).toFixed(2),
    held: carries.length,
    uniqueIds,
    rounds,
    groups,
    weight,
    weightPerEvent: +(weight / (convs * per)).toFixed(2),
    bytesPerEvent: +((h1 - h0) / (convs * per)).toFixed(0),
  }),
);
