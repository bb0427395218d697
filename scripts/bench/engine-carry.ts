/**
 * The engine's work per intake on a growing thread (issue 21): a conversation of today's messages fed one message at
 * a time, each intake evaluated whole (`evaluate`, as before) or carried from the last (`evaluateCarried`); the bytes
 * allocated and the time per intake, at thread lengths around `--at` (the demo's conversation reaches 1 000, the large
 * thread has ≈ 1 300 today). Allocation is read from the heap with a young generation large enough that no scavenge
 * runs inside a measured batch.
 *
 *   node --expose-gc --max-semi-space-size=128 node_modules/jiti/lib/jiti-cli.mjs scripts/bench/engine-carry.ts \
 *     [--at=1000,1300] [--platform=pdd] [--batch=20]
 */
import { evaluate, type EngineInput } from '../../lib/engine';
import { evaluateCarried, type Carry } from '../../lib/engine/incremental';
import { chinaDayStart, chinaDay } from '../../lib/engine/time';
import type { ChatEvent, CoverageSpan, Platform } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';
import { arg } from './args';
import { prng } from './synth';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const platform = arg('platform', 'pdd') as Platform;
const lengths = arg('at', '1000,1300').split(',').map(Number);
const batch = Number(arg('batch', '20'));
const rules = effectiveRules(undefined);
const day = chinaDay(Date.UTC(2026, 11, 6));
const start = chinaDayStart(day) + 8 * 3600_000;
const next = prng(21);

/** Today's thread: a buyer's question, now and then two, each answered 10–100 s later, every ~40 s. */
function thread(n: number): ChatEvent[] {
  const out: ChatEvent[] = [];
  let at = start;
  for (let i = 0; i < n; i++) {
    const buyer = i % 2 === 0 || next() < 0.1;
    at += buyer ? 1000 * (5 + Math.floor(next() * 60)) : 1000 * (10 + Math.floor(next() * 90));
    out.push({
      platform,
      account: '演示旗舰店',
      buyer: '802114',
      messageId: `m${i}`,
      author: buyer ? 'buyer' : 'human',
      at,
      timeSource: 'id',
      observedAt: at + 200,
      text: buyer ? `问题 ${i}` : `回答 ${i}`,
      ...(buyer && { buyerNick: '小明' }),
    });
  }
  return out;
}

function measure(n: number, carried: boolean) {
  const all = thread(n + batch);
  const coverage: CoverageSpan[] = [{ platform, account: '演示旗舰店', from: start - 3600_000, to: all.at(-1)!.at }];
  const input = (k: number): EngineInput => ({
    events: all.slice(0, k),
    coverage,
    rules,
    now: all[k - 1]!.at + 500,
    alertLeadSec: 60,
  });
  // Warm up (JIT), and the carry of the thread as it stands before the batch.
  let carry: Carry | undefined;
  for (let r = 0; r < 3; r++) {
    carry = undefined;
    for (let k = n - 30; k <= n; k++) carry = evaluateCarried(input(k), carry).carry;
    for (let k = n - 30; k <= n; k++) evaluate(input(k));
  }
  carry = evaluateCarried(input(n), undefined).carry;
  const inputs = Array.from({ length: batch }, (_, i) => input(n + 1 + i));
  gc!();
  gc!();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (const inp of inputs) {
    if (carried) carry = evaluateCarried(inp, carry).carry;
    else evaluate(inp);
  }
  const ms = (performance.now() - t0) / batch;
  const bytes = (process.memoryUsage().heapUsed - heap0) / batch;
  return { ms: Math.round(ms * 1000) / 1000, kB: Math.round(bytes / 1024) };
}

const out: Record<string, unknown> = { platform, batch };
for (const n of lengths)
  for (let rep = 0; rep < 3; rep++) {
    // A/B alternating in one run.
    out[`${n} whole #${rep + 1}`] = measure(n, false);
    out[`${n} carried #${rep + 1}`] = measure(n, true);
  }
console.log(JSON.stringify(out, null, 1));
