/**
 * Why a latency sample is slow (a diagnostic, not a goal): the latency bench's samples (scripts/bench/latency.ts)
 * while the service worker is profiled (V8 CPU profile over CDP) and notes, in the worker, every read-write IndexedDB
 * transaction (its first request and its end, its stores), every message and port message it receives (type, time)
 * and every badge set. A named busy loop run at the profile's start and end maps the profile's clock onto the
 * samples' (`performance.timeOrigin + performance.now()`). Saves one JSON (`--save=FILE`) that
 * scripts/bench/tail-report.ts reads (bench-results/2026-12-05f-tail.md).
 *
 *   NODE_OPTIONS=--experimental-websocket npx jiti scripts/bench/profile-tail.ts --save=FILE [--samples=100]
 *     [--url=/pdd/large.html?rows=1000&messages=10000&rate=0] [--ext=DIR] [--interval=100 (µs)] [--profile=0]
 *     [--trace=1: a browser-wide Chromium trace too] [--heap=1: sampled allocations, garbage included]
 *     [--jsflags=--trace-gc: run with DEBUG=pw:browser to see its lines] [--css=STYLE added to the page]
 *     [--sched=1: the worker thread's run and runqueue-wait times from /proc, every 2 ms]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Worker } from 'playwright-core';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer, type ChromeApi } from '../../test/e2e/harness';
import { argOrEnv } from './args';
import { ALL_DAY_PDD, cleanupTemps, extensionCopy, untilHistoryStored } from './browser';
import type { CpuProfile } from './cpu';
import { installProbes, measureLatency } from './latency';
import { sleep } from './stats';
import { cdpClient } from './cdp';

declare const chrome: ChromeApi;

const PORT = 9341;

interface Notes {
  tx: { t0: number; t1?: number; stores: string[]; ok?: boolean }[];
  msgs: { t: number; type: string; n?: number; port: boolean }[];
  badge: { t: number; text: string }[];
}

/** Notes in the worker, kept across the latency probe's own resets. Installed after the probes. */
async function installNotes(sw: Worker): Promise<void> {
  await sw.evaluate(() => {
    const g = globalThis as unknown as { __tail?: Notes };
    if (g.__tail) return;
    const notes: Notes = { tx: [], msgs: [], badge: [] };
    g.__tail = notes;
    const now = () => performance.timeOrigin + performance.now();
    // Dexie's DBCore holds a bound `IDBDatabase.transaction`: a read-write transaction is noted at its first
    // `objectStore` call (its first request), which is when Dexie starts using it.
    const proto = IDBTransaction.prototype;
    const objectStore = proto.objectStore;
    const seen = new WeakSet<IDBTransaction>();
    proto.objectStore = function (this: IDBTransaction, name: string) {
      if (this.mode === 'readwrite' && !seen.has(this)) {
        seen.add(this);
        const note: Notes['tx'][number] = { t0: now(), stores: [...this.objectStoreNames] };
        notes.tx.push(note);
        this.addEventListener('complete', () => ((note.t1 = now()), (note.ok = true)));
        this.addEventListener('abort', () => ((note.t1 = now()), (note.ok = false)));
      }
      return objectStore.call(this, name);
    };
    const action = chrome.action as unknown as { setBadgeText(d: { text: string }): Promise<void> };
    const set = action.setBadgeText.bind(action);
    action.setBadgeText = (d) => {
      notes.badge.push({ t: now(), text: d.text });
      return set(d);
    };
    const note = (m: unknown, port: boolean) => {
      const msg = m as { type?: string; events?: unknown[] } | null;
      notes.msgs.push({ t: now(), type: String(msg?.type), port, ...(msg?.events && { n: msg.events.length }) });
    };
    chrome.runtime.onMessage.addListener((m: unknown) => {
      note(m, false);
      return undefined;
    });
    chrome.runtime.onConnect.addListener((p) =>
      p.onMessage.addListener((m: unknown) => note((m as { msg?: unknown } | null)?.msg ?? m, true)),
    );
  });
}

/** A named busy loop the profile shows: its epoch start time maps the profile's clock. */
const mark = (sw: Worker) =>
  sw.evaluate(() => {
    function tailMarkSpin() {
      const t = performance.timeOrigin + performance.now();
      const end = performance.now() + 4;
      performance.mark('tail-mark');
      while (performance.now() < end);
      return t;
    }
    return tailMarkSpin();
  });

/** The schedstat file of the extension's service worker thread, in the browser launched on `userDataDir`. */
function workerThreadSchedstat(userDataDir: string): string {
  const seen: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (!cmd.includes(userDataDir) || !cmd.includes('--type=renderer')) continue;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      seen.push(`${pid}/${tid} ${name}`);
      if (/^ServiceWorker/i.test(name)) return `/proc/${pid}/task/${tid}/schedstat`;
    }
  }
  throw new Error(`no service worker thread among ${seen.join(', ')}`);
}

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const dir = argOrEnv('ext', '') || (await extensionCopy());
  // --sched=1: the kernel's own account of the worker's thread (/proc/…/schedstat: time on a CPU, time runnable
  // waiting for one), read every 2 ms from here; its profile directory is ours, to find its processes.
  const sched = argOrEnv('sched', '0') !== '0';
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'rs-tail-'));
  const ext = await launchExtension({
    userDataDir,
    extensionDir: dir,
    args: [
      `--remote-debugging-port=${PORT}`,
      ...(argOrEnv('jsflags', '') ? [`--js-flags=${argOrEnv('jsflags', '')}`] : []),
    ],
  });
  try {
    await seedSettings(ext, ALL_DAY_PDD);
    const sw = await ext.serviceWorker();
    await installProbes(sw);
    await installNotes(sw);
    const page = await ext.context.newPage();
    await page.goto(`${server.url}${argOrEnv('url', '/pdd/large.html?rows=1000&messages=10000&rate=0')}`, {
      timeout: 120_000,
    });
    if (argOrEnv('css', '')) await page.addStyleTag({ content: argOrEnv('css', '') });
    await sleep(3000);
    await untilHistoryStored(ext);
    const profiling = argOrEnv('profile', '1') !== '0';
    const targets = (await (await fetch(`http://127.0.0.1:${PORT}/json/list`)).json()) as {
      type: string;
      url: string;
      webSocketDebuggerUrl: string;
    }[];
    const swt = targets.find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
    if (!swt) throw new Error('no service worker target');
    const cdp = cdpClient(swt.webSocketDebuggerUrl);
    if (profiling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: Number(argOrEnv('interval', '100')) });
      await cdp.send('Profiler.start');
    }
    // --trace=1: a browser-wide Chromium trace (every process and thread: the worker's tasks with their thread
    // time, the page's renderer, the browser's IndexedDB backend) instead of the worker's CPU profile.
    const tracing = argOrEnv('trace', '0') !== '0';
    const trace: unknown[] = [];
    const tcdp = tracing ? await ext.context.newCDPSession(page) : null;
    const traced = new Promise<void>((r) => tcdp?.once('Tracing.tracingComplete', () => r()));
    if (tcdp) {
      tcdp.on('Tracing.dataCollected', (p) => void trace.push(...(p.value as unknown[])));
      await tcdp.send('Tracing.start', {
        categories:
          'toplevel,disabled-by-default-devtools.timeline,devtools.timeline,v8,blink.user_timing,IndexedDB,' +
          'disabled-by-default-v8.gc,__metadata',
        transferMode: 'ReportEvents',
      });
    }
    // --heap=1: V8's sampling heap profiler on the worker (what allocates, by function) during the samples.
    const heap = argOrEnv('heap', '0') !== '0';
    if (heap)
      await cdp.send('HeapProfiler.startSampling', {
        samplingInterval: 8192,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    const schedNotes: { t: number; run: number; wait: number }[] = [];
    let schedTimer: NodeJS.Timeout | undefined;
    if (sched) {
      const file = workerThreadSchedstat(userDataDir);
      schedTimer = setInterval(() => {
        const [run, wait] = readFileSync(file, 'utf8').split(' ').map(Number);
        schedNotes.push({ t: performance.timeOrigin + performance.now(), run: run! / 1e6, wait: wait! / 1e6 });
      }, 2);
    }
    const marks = [await mark(sw)];
    await sw.evaluate(() => {
      const n = (globalThis as unknown as { __tail: Notes }).__tail;
      n.tx.length = n.msgs.length = n.badge.length = 0;
    });
    const buyer = await page.evaluate(
      () => (window as unknown as { demo: { openUid?: string } }).demo.openUid ?? '802114',
    );
    const r = await measureLatency({
      ext,
      page,
      buyer,
      account: '演示旗舰店',
      samples: Number(argOrEnv('samples', '100')),
      keepRaw: true,
    });
    marks.push(await mark(sw));
    clearInterval(schedTimer);
    // The worker's and the page's V8 heaps at the end (which isolate is which in --js-flags=--trace-gc's output).
    const allocations = heap ? await cdp.send('HeapProfiler.stopSampling') : null;
    const heaps = {
      worker: await cdp.send('Runtime.getHeapUsage'),
      page: await (await ext.context.newCDPSession(page)).send('Runtime.getHeapUsage'),
    };
    const profile = profiling ? (await cdp.send<{ profile: CpuProfile }>('Profiler.stop')).profile : null;
    cdp.close();
    if (tcdp) {
      await tcdp.send('Tracing.end');
      await traced;
    }
    const notes = await sw.evaluate(() => (globalThis as unknown as { __tail: Notes }).__tail);
    writeFileSync(
      argOrEnv('save', '/tmp/tail.json'),
      JSON.stringify({
        marks,
        notes,
        raw: r.raw,
        profile,
        ...(tracing && { trace }),
        allocations,
        ...(sched && { sched: schedNotes }),
      }),
    );
    console.log(
      JSON.stringify({
        heaps,
        samples: r.samples,
        failures: r.failures,
        totalMs: r.totalMs,
        domToWorkerMs: r.domToWorkerMs,
        workerToBadgeMs: r.workerToBadgeMs,
        floorMs: r.floorMs,
      }),
    );
  } finally {
    await ext.close();
    await server.close();
    await cleanupTemps();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

void main();
