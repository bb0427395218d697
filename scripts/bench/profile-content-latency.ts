/**
 * Where the content script's part of a latency sample goes (a diagnostic, not a goal): the latency bench's samples
 * (scripts/bench/latency.ts) on a workbench page, first while the page's renderer is traced (Chromium trace of the
 * page: each task that runs the extension's code after a buyer message, with what ran inside it — the mutation
 * observer's callback, style or layout it forced, GC, the port's post), then while the page is CPU-profiled (V8,
 * sampling: the extension's functions, self and inclusive, per sample). DOM → worker per sample comes from the
 * latency bench itself; the rest of it (after the callback) is messaging. Also the page's first whole read: from
 * navigation start to the first events request at the worker (`firstEventsMs`).
 *
 *   npx jiti scripts/bench/profile-content-latency.ts [--samples=100] [--url=/pdd/large.html?rows=1000&messages=10000&rate=0]
 *     [--ext=DIR] [--interval=50 (µs)] [--save=FILE: the trace's extension tasks as JSON]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { argOrEnv } from './args';
import { ALL_DAY_PDD, cleanupTemps, extensionCopy, untilHistoryStored } from './browser';
import { annotate, attribute, extensionInclusiveTimes, extensionSelfTimes, isExtensionScript } from './cpu';
import { startCpuProfile, stopCpuProfile } from './cpu';
import { installProbes, measureLatency } from './latency';
import { sleep, summarize } from './stats';
import type { TraceEvent } from './trace';

const SAMPLES = Number(argOrEnv('samples', '100'));
const CATEGORIES = 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,v8,toplevel,blink';

async function traced<T>(cdp: CDPSession, run: () => Promise<T>): Promise<[T, TraceEvent[]]> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (p) => void events.push(...(p.value as unknown as TraceEvent[])));
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  const out = await run();
  await cdp.send('Tracing.end');
  await done;
  return [out, events];
}

/**
 * The page's main thread: every top-level task in which the extension's script ran (an event with its URL inside),
 * with its wall and thread time and the time of what ran inside it by event name (exclusive of nested events of the
 * same names counted at their top only).
 */
function extensionTasks(events: TraceEvent[]) {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args!.name!);
  const busy = new Map<string, number>();
  for (const e of events)
    if (e.name === 'RunTask' && names.get(`${e.pid}:${e.tid}`) === 'CrRendererMain')
      busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + (e.dur ?? 0));
  const main = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
  const on = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const tasks = on.filter((e) => e.name === 'RunTask');
  const out: { ts: number; ms: number; ext: number; inside: Record<string, number> }[] = [];
  let j = 0;
  for (const t of tasks) {
    const end = t.ts + (t.dur ?? 0);
    while (j < on.length && on[j]!.ts < t.ts) j++;
    const inside: Record<string, number> = {};
    let ext = 0;
    for (let k = j; k < on.length && on[k]!.ts < end; k++) {
      const e = on[k]!;
      if (e === t || e.name === 'RunTask') continue;
      const url = e.args?.data?.url ?? '';
      const key = isExtensionScript(url) ? `${e.name} EXT ${e.args?.data?.functionName ?? ''}` : e.name;
      inside[key] = (inside[key] ?? 0) + (e.dur ?? 0) / 1000;
      if (isExtensionScript(url)) ext += (e.dur ?? 0) / 1000;
    }
    if (ext > 0) out.push({ ts: t.ts, ms: (t.dur ?? 0) / 1000, ext, inside });
  }
  return out;
}

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const dir = argOrEnv('ext', '') || (await extensionCopy());
  const ext = await launchExtension({ extensionDir: dir });
  try {
    await seedSettings(ext, ALL_DAY_PDD);
    await installProbes(await ext.serviceWorker());
    const page = await ext.context.newPage();
    await page.goto(`${server.url}${argOrEnv('url', '/pdd/large.html?rows=1000&messages=10000&rate=0')}`, {
      timeout: 120_000,
    });
    // The page's first whole read: navigation start → the first events request at the worker (the thread's history).
    const sw = await ext.serviceWorker();
    const origin = await page.evaluate(() => performance.timeOrigin);
    let firstEventsMs: number | null = null;
    for (let end = Date.now() + 120_000; firstEventsMs === null && Date.now() < end; await sleep(100))
      firstEventsMs = await sw.evaluate((o) => {
        const t = (globalThis as unknown as { __rsBench: { events: { t: number }[] } }).__rsBench.events[0]?.t;
        return t === undefined ? null : t - o;
      }, origin);
    await sleep(3000);
    await untilHistoryStored(ext);
    const buyer = await page.evaluate(
      () => (window as unknown as { demo: { openUid?: string } }).demo.openUid ?? '802114',
    );
    const cdp = await ext.context.newCDPSession(page);
    const run = () => measureLatency({ ext, page, buyer, account: '演示旗舰店', samples: SAMPLES });
    // 1. Trace.
    const [r1, events] = await traced(cdp, run);
    const tasks = extensionTasks(events);
    if (argOrEnv('save', '')) writeFileSync(argOrEnv('save', ''), JSON.stringify(tasks));
    // The tasks with a mutation callback of ours that are a buyer's message (the longest ones per sample: each sample
    // makes two, the question and the answer). Summed by what ran inside, per task.
    const sum: Record<string, number> = {};
    for (const t of tasks) for (const [k, v] of Object.entries(t.inside)) sum[k] = (sum[k] ?? 0) + v;
    const perTask = Object.fromEntries(
      Object.entries(sum)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 30)
        .map(([k, v]) => [k, +(v / Math.max(1, tasks.length)).toFixed(3)]),
    );
    // 2. CPU profile.
    await startCpuProfile(cdp, Number(argOrEnv('interval', '50')));
    const r2 = await run();
    const profile = await stopCpuProfile(cdp);
    const a = attribute(profile, isExtensionScript, 40);
    const per = (ms: number) => +(ms / Math.max(1, r2.samples)).toFixed(3);
    const name = annotate(dir);
    const top = (m: Map<string, number>, n = 30) =>
      Object.fromEntries(
        [...m]
          .sort((x, y) => y[1] - x[1])
          .slice(0, n)
          .map(([k, v]) => [name(k), per(v)]),
      );
    console.log(
      JSON.stringify(
        {
          firstEventsMs,
          traced: {
            samples: r1.samples,
            domToWorkerMs: r1.domToWorkerMs,
            workerToBadgeMs: r1.workerToBadgeMs,
            tasksWithExtension: tasks.length,
            taskMs: summarize(tasks.map((t) => t.ms)),
            extensionEventMs: summarize(tasks.map((t) => t.ext)),
            insidePerTaskMs: perTask,
          },
          profiled: {
            samples: r2.samples,
            domToWorkerMs: r2.domToWorkerMs,
            perSampleMs: {
              busy: per(a.busyMs),
              extension: per(a.matchedMs),
              gc: per(a.gcMs),
              program: per(a.programMs),
            },
            extensionSelfPerSampleMs: top(extensionSelfTimes(profile)),
            extensionInclusivePerSampleMs: top(extensionInclusiveTimes(profile)),
          },
        },
        null,
        1,
      ),
    );
  } finally {
    await ext.close();
    await server.close();
    await cleanupTemps();
  }
}

void main();
