/**
 * Reads what scripts/bench/profile-tail.ts saved and says why the slow latency samples are slow (a diagnostic):
 *   1. the worker between samples: how long before each message the last read-write transaction ended (none still
 *      open means nothing of the previous sample queued the intake), the second transaction's (units, rollups,
 *      per-day rows) duration, which read-write transactions and messages the worker saw at all;
 *   2. with a CPU profile (and a trace): the slowest, middle and fastest tenth of the samples' worker parts split into
 *      the worker's time on the CPU (100 µs samples), off it while runnable (the profile's gaps: threads not scheduled),
 *      idle (waiting for IndexedDB or the badge), its garbage collection, and the CPU the page's renderer main thread
 *      and the browser process used in the same windows;
 *   3. with a heap sampling (--heap=1): what the worker allocated per sample, by function;
 *   and with --sched=1 the kernel's account of the worker thread in the same tenths (on a CPU, runnable waiting).
 *
 *   npx jiti scripts/bench/tail-report.ts FILE.json
 */
import { readFileSync } from 'node:fs';
import type { CpuProfile, ProfileNode } from './cpu';
import type { TraceEvent } from './trace';

interface Saved {
  marks: [number, number];
  notes: {
    tx: { t0: number; t1?: number; stores: string[] }[];
    msgs: { t: number; type: string }[];
    badge: { t: number; text: string }[];
  };
  profile: (CpuProfile & { startTime: number }) | null;
  /** Trace events (thread durations: `tdur`). */
  trace?: (TraceEvent & { tdur?: number })[];
  allocations?: { profile: { head: HeapNode } } | null;
  /** --sched=1: the worker thread's cumulative run and runqueue-wait times (ms), read every 2 ms. */
  sched?: { t: number; run: number; wait: number }[];
}
interface HeapNode {
  callFrame: { functionName: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const q = (l: number[], p: number) => {
  const s = [...l].sort((a, b) => a - b);
  return s.length ? +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(2) : NaN;
};
const mean = (l: number[]) => +(l.reduce((a, b) => a + b, 0) / Math.max(1, l.length)).toFixed(2);

const saved = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Saved;
const { notes } = saved;

// The samples: an events message, then the first countdown badge before the next message.
const events = notes.msgs.filter((m) => m.type === 'events');
const samples: { recv: number; badge: number }[] = [];
events.forEach((m, k) => {
  const next = events[k + 1]?.t ?? Infinity;
  const b = notes.badge.find((x) => x.t >= m.t && x.t < next && /^\d+:\d\d$/.test(x.text));
  if (b) samples.push({ recv: m.t, badge: b.t });
});
const worker = samples.map((s) => s.badge - s.recv);
console.log(`samples ${samples.length}, worker part p50 ${q(worker, 0.5)} / p95 ${q(worker, 0.95)} ms`);

// 1. Between samples.
const sinceLast: number[] = [];
let openAtMessage = 0;
for (const s of samples) {
  const ended = notes.tx.filter((x) => x.t1 !== undefined && x.t1 <= s.recv).map((x) => x.t1!);
  if (ended.length) sinceLast.push(s.recv - Math.max(...ended));
  if (notes.tx.some((x) => x.t0 < s.recv && (x.t1 ?? Infinity) > s.recv)) openAtMessage++;
}
const second = notes.tx.filter((x) => x.stores.length === 4 && x.t1 !== undefined).map((x) => x.t1! - x.t0);
const kinds: Record<string, number> = {};
for (const x of notes.tx) kinds[x.stores.join('+')] = (kinds[x.stores.join('+')] ?? 0) + 1;
const types: Record<string, number> = {};
for (const m of notes.msgs) types[m.type] = (types[m.type] ?? 0) + 1;
console.log(
  `last read-write transaction's end → next message: min ${q(sinceLast, 0)}, p5 ${q(sinceLast, 0.05)}, p50 ${q(sinceLast, 0.5)} ms; ` +
    `one still open when the message came: ${openAtMessage} of ${samples.length}`,
);
console.log(
  `second transaction (units, rollups, per-day), first request → complete: p50 ${q(second, 0.5)} / p95 ${q(second, 0.95)} / max ${q(second, 1)} ms`,
);
console.log(`read-write transactions: ${JSON.stringify(kinds)}; messages: ${JSON.stringify(types)}`);

// 2a. The kernel's account (--sched=1): the worker thread's time on a CPU and runnable but waiting for one, in each
// window (read every 2 ms outside the browser: a window's edges are interpolated).
const sched = saved.sched ?? [];
if (sched.length) {
  const at = (t: number, k: 'run' | 'wait') => {
    let i = sched.findIndex((x) => x.t >= t);
    if (i <= 0) i = Math.max(1, i === -1 ? sched.length - 1 : 1);
    const a = sched[i - 1]!;
    const b = sched[i]!;
    return a[k] + ((b[k] - a[k]) * (t - a.t)) / Math.max(1e-6, b.t - a.t);
  };
  const rows = samples
    .map((s) => ({
      worker: s.badge - s.recv,
      run: at(s.badge, 'run') - at(s.recv, 'run'),
      wait: at(s.badge, 'wait') - at(s.recv, 'wait'),
    }))
    .sort((a, b) => a.worker - b.worker);
  const d = Math.ceil(rows.length / 10);
  const mid = (rows.length >> 1) - (d >> 1);
  console.log(
    '| tenth (kernel) | worker part | worker thread on a CPU | runnable, waiting for a CPU | neither (idle) |',
  );
  for (const [name, l] of [
    ['slowest', rows.slice(-d)],
    ['middle', rows.slice(mid, mid + d)],
    ['fastest', rows.slice(0, d)],
  ] as const) {
    const w = mean(l.map((r) => r.worker));
    const run = mean(l.map((r) => r.run));
    const wait = mean(l.map((r) => r.wait));
    console.log(`| ${name} (n ${l.length}) | ${w} | ${run} | ${wait} | ${+(w - run - wait).toFixed(2)} |`);
  }
}

// 2. Inside the slow windows.
const p = saved.profile;
if (p) {
  const byId = new Map<number, ProfileNode>(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const onStack = (id: number, name: string) => {
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x))
      if (byId.get(x)?.callFrame.functionName === name) return true;
    return false;
  };
  const times: number[] = [];
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) times.push((t += p.timeDeltas[i]!) / 1000);
  // The profile's clock (and the trace's: both base::TimeTicks) against the samples' (epoch ms), from the marks.
  const markTimes = times.filter((_, i) => onStack(p.samples[i]!, 'tailMarkSpin'));
  // The start of each run of the marker's samples; a run the sampler missed (it may start a little late) leaves
  // one: then a constant offset from it.
  const runs = markTimes.filter((x, i) => i === 0 || x - markTimes[i - 1]! > 50);
  if (!runs.length) throw new Error('no marker in the profile');
  const atEnd = runs.length === 1 && times[times.length - 1]! - runs[0]! < runs[0]! - times[0]!;
  const a0 = runs[0]!;
  const o0 = a0 - saved.marks[atEnd ? 1 : 0];
  const slope = runs.length > 1 ? (runs[runs.length - 1]! - saved.marks[1] - o0) / (runs[runs.length - 1]! - a0) : 0;
  const toProfile = (e: number) => e + o0 + slope * (e - saved.marks[atEnd ? 1 : 0]);
  const trace = saved.trace ?? [];
  const processName = new Map<number, string>();
  for (const e of trace) if (e.ph === 'M' && e.name === 'process_name') processName.set(e.pid, e.args?.name ?? '');
  const layout = trace.find((e) => e.name === 'Layout' && e.ph === 'X');
  const top = trace.filter((e) => e.ph === 'X' && e.dur && e.cat.includes('toplevel'));
  const pageTasks = top.filter((e) => layout && e.pid === layout.pid && e.tid === layout.tid);
  const browserTasks = top.filter((e) => processName.get(e.pid) === 'Browser');
  const cpuIn = (l: typeof top, s: number, end: number) =>
    l.reduce((a, e) => {
      const ts = e.ts / 1000;
      const te = (e.ts + e.dur!) / 1000;
      if (te < s || ts > end) return a;
      return a + (Math.min(te, end) - Math.max(ts, s)) * ((e.tdur ?? e.dur!) / e.dur!);
    }, 0);
  const rows = samples.map((s) => {
    const S = toProfile(s.recv);
    const E = toProfile(s.badge);
    let on = 0;
    let off = 0;
    let idle = 0;
    let gc = 0;
    for (let i = 0; i < times.length; i++) {
      const ti = times[i]!;
      if (ti < S || ti > E) continue;
      const dt = Math.min(times[i + 1] ?? ti, E) - ti;
      const run = Math.min(dt, 0.2);
      off += dt - run;
      const name = byId.get(p.samples[i]!)!.callFrame.functionName;
      if (name === '(idle)') idle += run;
      else {
        on += run;
        if (name === '(garbage collector)') gc += dt;
      }
    }
    return {
      worker: s.badge - s.recv,
      on,
      off,
      idle,
      gc,
      page: cpuIn(pageTasks, S, E),
      browser: cpuIn(browserTasks, S, E),
    };
  });
  rows.sort((a, b) => a.worker - b.worker);
  const d = Math.ceil(rows.length / 10);
  const mid = (rows.length >> 1) - (d >> 1);
  console.log(
    '| tenth | worker part | on the CPU | off it, runnable | idle (waiting) | GC | page renderer CPU | browser CPU |',
  );
  for (const [name, l] of [
    ['slowest', rows.slice(-d)],
    ['middle', rows.slice(mid, mid + d)],
    ['fastest', rows.slice(0, d)],
  ] as const) {
    const m = (k: keyof (typeof rows)[number]) => mean(l.map((r) => r[k]));
    console.log(
      `| ${name} (n ${l.length}) | ${m('worker')} | ${m('on')} | ${m('off')} | ${m('idle')} | ${m('gc')} | ${trace.length ? m('page') : '–'} | ${trace.length ? m('browser') : '–'} |`,
    );
  }
  const gcHit = rows.filter((r) => r.gc > 1);
  const clean = rows.filter((r) => r.gc <= 1).map((r) => r.worker);
  console.log(
    `windows with > 1 ms of GC: ${gcHit.length} of ${rows.length} (${rows.slice(-d).filter((r) => r.gc > 1).length} in the slowest tenth); ` +
      `p95 of the others ${q(clean, 0.95)} ms; worker GC over the whole run ${mean([times.reduce((a, ti, i) => a + (byId.get(p.samples[i]!)!.callFrame.functionName === '(garbage collector)' ? (times[i + 1] ?? ti) - ti : 0), 0) / samples.length])} ms per sample`,
  );
}

// 3. Allocation.
const head = saved.allocations?.profile.head;
if (head) {
  const self = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode) => {
    const k = `${n.callFrame.functionName || '(anonymous)'}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
    self.set(k, (self.get(k) ?? 0) + n.selfSize);
    total += n.selfSize;
    n.children.forEach(walk);
  };
  walk(head);
  const kb = (b: number) => +(b / samples.length / 1024).toFixed(1);
  console.log(`allocated per sample (two intakes): ${kb(total)} KB; by function (self, KB):`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${kb(v)} ${k}`);
}
