/**
 * Where the main thread goes on the large workbench, with and without the extension (a diagnostic, not a goal):
 * loads demo/pdd/large.html in a plain Chromium and one with the demo build side by side, lets them run, then
 * records a Chromium trace of each page in turn (the other paused, as the benchmark measures them) and sums the
 * renderer main thread's time (thread time) by trace event, and the extension's JavaScript by function.
 *
 *   npx jiti scripts/bench/profile-content.ts [--settle=60] [--sec=20] [--url=...] [--ext=.output/chrome-mv3-demo]
 */
import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { argOrEnv, flag } from './args';
import { ALL_DAY_PDD, cleanupTemps, extensionCopy, launchWith } from './browser';
import { attribute, cpuProfileFor, isExtensionScript } from './cpu';
import { sleep } from './stats';

const SETTLE = Number(argOrEnv('settle', '60'));
const SEC = Number(argOrEnv('sec', '20'));

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; elementCount?: number; data?: { url?: string; functionName?: string } };
}

async function trace(cdp: CDPSession, sec: number): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (p) => void events.push(...(p.value as unknown as TraceEvent[])));
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,toplevel,blink',
    transferMode: 'ReportEvents',
  });
  await sleep(sec * 1000);
  await cdp.send('Tracing.end');
  await done;
  return events;
}

/** Thread time (ms) per event name on the busiest renderer main thread, and JS by script URL. */
function summarize(events: TraceEvent[], sec: number) {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args!.name!);
  const busy = new Map<string, number>();
  for (const e of events)
    if (e.name === 'RunTask' && names.get(`${e.pid}:${e.tid}`) === 'CrRendererMain')
      busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + (e.tdur ?? 0));
  const main = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
  const byName = new Map<string, number>();
  const byUrl = new Map<string, number>();
  let frames = 0;
  const styleRecalcs: number[] = [];
  for (const e of events) {
    if (`${e.pid}:${e.tid}` !== main || e.ph !== 'X') continue;
    const t = (e.tdur ?? 0) / 1000;
    byName.set(e.name, (byName.get(e.name) ?? 0) + t);
    if (e.name === 'WebFrameWidgetImpl::UpdateLifecycle') frames++;
    if (e.name === 'UpdateLayoutTree' && e.args?.elementCount !== undefined) styleRecalcs.push(e.args.elementCount);
    if (e.name === 'FunctionCall' || e.name === 'EvaluateScript' || e.name === 'V8.Execute') {
      const u = e.args?.data?.url ?? '';
      const key = `${e.name} ${u.startsWith('chrome-extension') ? 'EXTENSION' : u.split('/').pop()} ${e.args?.data?.functionName ?? ''}`;
      byUrl.set(key, (byUrl.get(key) ?? 0) + t);
    }
  }
  const perSec = (m: Map<string, number>) =>
    Object.fromEntries(
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 60)
        .map(([k, v]) => [k, +(v / sec).toFixed(3)]),
    );
  styleRecalcs.sort((a, b) => b - a);
  return {
    styleRecalcElements: { n: styleRecalcs.length, top: styleRecalcs.slice(0, 8) },
    framesPerSec: +(frames / sec).toFixed(2),
    msPerSecByEvent: perSec(byName),
    msPerSecByScript: perSec(byUrl),
  };
}

/** The extension's JavaScript on the page (inclusive, by function) against the thread's busy time, per second. */
async function cpu(cdp: CDPSession, sec: number) {
  const a = attribute(await cpuProfileFor(cdp, sec), isExtensionScript, 30);
  const perSec = (ms: number) => +(ms / sec).toFixed(3);
  return {
    busyMsPerSec: perSec(a.busyMs),
    extensionMsPerSec: perSec(a.matchedMs),
    gcMsPerSec: perSec(a.gcMs),
    extensionByFunction: Object.fromEntries(Object.entries(a.byFunction).map(([k, v]) => [k, perSec(v)])),
  };
}

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const url = argOrEnv('url', `${server.url}/pdd/large.html?rows=1000&messages=10000&rate=1&seed=1`);
  const dir = argOrEnv('ext', '') || (await extensionCopy());
  const ext = await launchExtension({ extensionDir: dir });
  await seedSettings(ext, ALL_DAY_PDD);
  const plain = await launchWith(null);
  try {
    const pages = await Promise.all(
      [plain.context, ext.context].map(async (c) => {
        const page = await c.newPage();
        await page.goto(url, { timeout: 120_000 });
        return { page, cdp: await c.newCDPSession(page) };
      }),
    );
    console.error(`settling ${SETTLE} s`);
    await sleep(SETTLE * 1000);
    // One page at a time (as the benchmark measures them): the other is paused, so they do not slow each other.
    type Demo = { demo: { pause(): void; resume(): void } };
    await Promise.all(pages.map((x) => x.page.evaluate(() => (window as unknown as Demo).demo.pause())));
    const traced = [];
    for (const x of pages) {
      await x.page.evaluate(() => (window as unknown as Demo).demo.resume());
      traced.push(await trace(x.cdp, SEC));
      await x.page.evaluate(() => (window as unknown as Demo).demo.pause());
    }
    const [p, e] = traced;
    const badges = await pages[1]!.page.evaluate(() => document.querySelectorAll('[data-reply-sentinel-badge]').length);
    console.error(`badges on the extension's page: ${badges}`);
    await pages[1]!.page.evaluate(() => (window as unknown as Demo).demo.resume());
    const profile = flag('cpu') ? await cpu(pages[1]!.cdp, SEC) : undefined;
    console.log(JSON.stringify({ plain: summarize(p!, SEC), extension: summarize(e!, SEC), cpu: profile }, null, 1));
  } finally {
    await ext.close();
    await plain.close();
    await server.close();
    await cleanupTemps();
  }
}

void main();
