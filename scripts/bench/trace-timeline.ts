/**
 * Dev tool: one traced page open (a `TRACE_OUT` file of trace-first.ts, best with TRACE_IDB=1) as a timeline in ms
 * since the page's navigation start: the page's marks, its main thread's tasks of ≥ `--min` ms with what ran in them
 * (HTML parse, each script's compile and evaluation, module loads, style, layout, paint, the page's functions), its
 * resource requests, and the IndexedDB backend's work in any process (the browser's). For where a first frame's time
 * goes between navigation start and its paint (issue 21, wt-afirst).
 *
 *   npx jiti scripts/bench/trace-timeline.ts /tmp/x-0.json [--mark=rs-analytics-painted] [--min=1]
 */
import { readFile } from 'node:fs/promises';
import { arg } from './args';
import type { TraceEvent } from './trace';

const file = process.argv[2]!;
const MARK = arg('mark', 'rs-analytics-painted');
const MIN = Number(arg('min', '1')) * 1000;
const events = JSON.parse(await readFile(file, 'utf8')) as (TraceEvent & { args?: Record<string, unknown> })[];
const m = events.find((e) => e.name === MARK && e.cat.includes('user_timing'));
if (!m) throw new Error(`no ${MARK} in ${file}`);
const nav = events.find((e) => e.pid === m.pid && e.name === 'navigationStart' && e.cat.includes('blink'));
const t0 = nav?.ts ?? 0;
const end = m.ts + 5000;
const at = (ts: number) => ((ts - t0) / 1000).toFixed(1).padStart(7);
const lines: [number, string][] = [];
const urlOf = (e: TraceEvent) => {
  const d = (e.args as { data?: { url?: string; stackTrace?: { url?: string }[] } } | undefined)?.data;
  return (d?.url ?? (e.args as { fileName?: string } | undefined)?.fileName ?? '').split('/').pop() ?? '';
};
for (const e of events) {
  if (e.ts < t0 - 20_000 || e.ts > end) continue;
  const dur = e.dur ?? 0;
  const main = e.pid === m.pid && e.tid === m.tid;
  if (e.cat.includes('user_timing') && e.pid === m.pid && e.ph !== 'X') lines.push([e.ts, `mark ${e.name}`]);
  else if (e.cat.includes('IndexedDB') && (dur >= 200 || e.ph === 'I' || e.ph === 'i'))
    lines.push([e.ts, `  idb[${e.pid}:${e.tid}] ${e.name} ${(dur / 1000).toFixed(1)} ms`]);
  else if (main && (e.name === 'ResourceSendRequest' || e.name === 'ResourceFinish'))
    lines.push([e.ts, `    ${e.name === 'ResourceFinish' ? 'loaded' : 'request'} ${urlOf(e)}`]);
  else if (main && e.ph === 'X' && dur >= MIN && e.name !== 'ThreadControllerImpl::RunTask') {
    const u = urlOf(e);
    lines.push([e.ts, `main ${e.name}${u ? ` ${u}` : ''} ${(dur / 1000).toFixed(1)} ms (to ${at(e.ts + dur).trim()})`]);
  }
}
lines.sort((a, b) => a[0] - b[0]);
for (const [ts, s] of lines) console.log(`${at(ts)}  ${s}`);
