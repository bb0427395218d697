/**
 * Dev tools' shared Chromium trace of one page open (trace-first.ts, profile-sync.ts): `traceOpen` records the
 * page's trace while `open` navigates and waits; `traceBreakdown` sums, for the page's renderer main thread from
 * navigation start to a mark, the busy time and the time by kind (script compile and evaluation per file, HTML,
 * style, layout, paint, timers, GC).
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: { url?: string; functionName?: string; frame?: string }; fileName?: string };
}

// TRACE_CPU=1: V8's sampling profiler too (which functions ran; it slows the page down several times).
const CATEGORIES =
  'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,v8,toplevel,blink.user_timing,loading,blink' +
  (process.env.TRACE_CPU ? ',disabled-by-default-v8.cpu_profiler' : '') +
  // TRACE_IDB=1: the IndexedDB backend's work (in the browser process) and the page's resource loads too.
  (process.env.TRACE_IDB ? ',IndexedDB,disabled-by-default-devtools.timeline.frame,netlog' : '');

/** Traces `page` while `open` runs (navigate and wait for its mark); the trace's events. */
export async function traceOpen(context: BrowserContext, page: Page, open: () => Promise<void>) {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (p) => void events.push(...(p.value as unknown as TraceEvent[])));
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  await open();
  await cdp.send('Tracing.end');
  await done;
  return events;
}

const KINDS = [
  'ParseHTML',
  'UpdateLayoutTree',
  'Layout',
  'Paint',
  'PrePaint',
  'Commit',
  'FunctionCall',
  'TimerFire',
  'FireAnimationFrame',
  'ParseAuthorStyleSheet',
  'MajorGC',
  'MinorGC',
  'V8.GC_SCAVENGER',
];

/**
 * The page's main thread (where `mark` was recorded) from navigation start to `mark`: the window, the busy time of
 * its top-level tasks, and the time by kind, largest first; undefined when the trace has no such mark.
 */
export function traceBreakdown(events: TraceEvent[], mark: string, top = 14) {
  const m = events.find((e) => e.name === mark && e.cat.includes('user_timing'));
  if (!m) return undefined;
  const nav = events.find(
    (e) => e.pid === m.pid && (e.name === 'navigationStart' || e.name === 'fetchStart') && e.cat.includes('blink'),
  );
  const on = events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.ph === 'X');
  const start = nav?.ts ?? Math.min(...on.map((e) => e.ts));
  const end = m.ts;
  const inWindow = on.filter((e) => e.ts >= start && e.ts <= end);
  // Top-level tasks only (RunTask nests inside ThreadControllerImpl::RunTask where both are traced).
  const outer = inWindow.some((e) => e.name === 'ThreadControllerImpl::RunTask')
    ? 'ThreadControllerImpl::RunTask'
    : 'RunTask';
  const busy = inWindow.filter((e) => e.name === outer).reduce((s, e) => s + (e.dur ?? 0), 0) / 1000;
  const by = new Map<string, number>();
  const add = (k: string, d: number) => by.set(k, (by.get(k) ?? 0) + d / 1000);
  for (const e of inWindow) {
    const url = (e.args?.data?.url ?? e.args?.fileName ?? '').split('/').pop();
    if (e.name === 'v8.compile' || e.name === 'V8.CompileCode' || e.name === 'v8.compileModule')
      add(`compile ${url}`, e.dur ?? 0);
    else if (e.name === 'EvaluateScript' || e.name === 'v8.evaluateModule' || e.name === 'v8.run')
      add(`evaluate ${url}`, e.dur ?? 0);
    else if (KINDS.includes(e.name)) add(e.name, e.dur ?? 0);
  }
  return {
    windowMs: (end - start) / 1000,
    busyMs: busy,
    kinds: [...by].sort((a, b) => b[1] - a[1]).slice(0, top),
    /** The top-level tasks in the window: start (ms after navigation start) and duration. */
    tasks: inWindow
      .filter((e) => e.name === outer && (e.dur ?? 0) >= 3000)
      .map((e) => ({ at: Math.round((e.ts - start) / 1000), ms: Math.round((e.dur ?? 0) / 1000) })),
  };
}

/** One line per open: the window, the busy time, the kinds. */
export function formatBreakdown(b: NonNullable<ReturnType<typeof traceBreakdown>>) {
  return (
    `window ${b.windowMs.toFixed(1)} ms, main thread busy ${b.busyMs.toFixed(1)} ms\n  ` +
    b.kinds.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' · ') +
    `\n  tasks ≥ 3 ms: ${b.tasks.map((t) => `${t.at}+${t.ms}`).join(' ')}`
  );
}
