// recentCut on the large workbench's open thread (10 000 history messages, one a minute, buyer and agent taking
// turns, all seen when the page loaded, then 50 live ones), walked (main) and with the held thread's bounds
// (ThreadBounds), alternating in one run, at today's and yesterday's China midnight: ms per call, and the cut (equal).
//   npx jiti scripts/probe/cut-bounds.ts [--calls=400]
import { chinaDay, chinaDayStart } from '../../lib/engine/time';
import { recentCut, threadBounds } from '../../lib/engine/window';
import type { ChatEvent } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const calls = Number(arg('calls', '400'));
const rules = effectiveRules(undefined).platforms.pdd;
const now = Date.now();
const load = now - 600_000;
const start = load - 10_005 * 60_000;
const message = (id: string, author: 'buyer' | 'human', at: number, observedAt: number, extra: Partial<ChatEvent>) =>
  ({
    platform: 'pdd',
    account: 's',
    buyer: 'b',
    messageId: id,
    author,
    at,
    timeSource: 'stamp',
    observedAt,
    ...extra,
  }) as ChatEvent;
const thread: ChatEvent[] = [];
for (let i = 0; i < 10_000; i++)
  thread.push(message(`m${i}`, i % 2 ? 'human' : 'buyer', start + i * 60_000, load, { text: 'q', buyerNick: 'n' }));
for (let i = 0; i < 50; i++)
  thread.push(message(`l${i}`, i % 2 ? 'human' : 'buyer', load + i * 10_000, load + i * 10_000 + 5, { text: 'a' }));
const bounds = threadBounds(thread);
for (const back of [0, 1]) {
  const at = chinaDayStart(chinaDay(now - back * 86_400_000));
  const ms = { walked: 0, bounds: 0 };
  const cuts = new Set<number>();
  for (let r = 0; r < 8; r++)
    for (const k of r % 2 ? (['bounds', 'walked'] as const) : (['walked', 'bounds'] as const)) {
      const t0 = performance.now();
      for (let c = 0; c < calls / 8; c++) cuts.add(recentCut(thread, rules, at, k === 'bounds' ? bounds : undefined));
      ms[k] += performance.now() - t0;
    }
  console.log(
    JSON.stringify({
      midnight: back ? 'yesterday' : 'today',
      cuts: [...cuts],
      msPerCall: { walked: +(ms.walked / calls).toFixed(4), bounds: +(ms.bounds / calls).toFixed(4) },
    }),
  );
}
