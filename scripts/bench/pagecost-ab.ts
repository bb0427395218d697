/**
 * The page cost (issue 21, scripts/bench/pagecost.ts) of two or more builds of the extension side by side, in ONE
 * run: an A/B that load on the machine cannot bias (a diagnostic for a change of the content script, not the goal's
 * run; that is `index.ts --only=mainthread`). Each build gets its own Chromium on the large workbench, with a plain
 * Chromium as the reference for collections; the pages take turns (the others paused), each window the same scripted
 * messages on every page, under the V8 CPU profiler; on the extensions' pages the badges are shown and hidden in
 * alternate windows (their rendering cost). Per build: its page cost with its parts, and its script's time by
 * function, inclusive and self (what a function spends itself, the DOM and natives it calls included).
 *
 *   npx jiti scripts/bench/pagecost-ab.ts --ext=/tmp/before,.output/chrome-mv3-demo [--waiting=140] [--windows=6]
 *     [--messages=10] [--settle=20] [--rows=1000] [--thread=10000]
 *
 * --waiting=N: N buyers (none the open one) ask at once after load, so the page has N waiting rows (N badges)
 * without minutes of settling; the scripted traffic (1 message a second) runs on top.
 */
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { arg, flag } from './args';
import { ALL_DAY_PDD, cleanupTemps, launchWith } from './browser';
import {
  annotate,
  attribute,
  extensionInclusiveTimes as inclusiveTimes,
  extensionSelfTimes as selfTimes,
  isExtensionScript,
  startCpuProfile,
  stopCpuProfile,
} from './cpu';
import { pageCost, type PageTimes } from './pagecost';
import { round, sleep } from './stats';

const EXTS = arg('ext', '.output/chrome-mv3-demo').split(',').filter(Boolean);
const WAITING = Number(arg('waiting', '140'));
const WINDOWS = Number(arg('windows', '6'));
const MESSAGES = Number(arg('messages', '10'));
const SETTLE = Number(arg('settle', '20'));
const ROWS = Number(arg('rows', '1000'));
const THREAD = Number(arg('thread', '10000'));
const BADGE_ATTR = 'data-reply-sentinel-badge'; // lib/content/row-badges.ts

interface Demo {
  demo: {
    sent: number;
    buyers: { uid: string }[];
    openUid: string;
    buyerSays(uid: string, text?: string): string;
    whenSent(n: number): Promise<number>;
    pause(): void;
    resume(): void;
  };
}

/** Thread time (CDP Performance metrics, threadTicks: what the main thread really ran, load or not), ms/s. */
interface ThreadTimes {
  task: number;
  script: number;
  /** Task − script: style, layout, paint, the browser's own work. */
  native: number;
  style: number;
  layout: number;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const r = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
}

const meanOf = (xs: ThreadTimes[]): ThreadTimes => {
  const m = (f: (t: ThreadTimes) => number) => xs.reduce((s, t) => s + f(t), 0) / Math.max(1, xs.length);
  return {
    task: m((t) => t.task),
    script: m((t) => t.script),
    native: m((t) => t.native),
    style: m((t) => t.style),
    layout: m((t) => t.layout),
  };
};

interface Subject {
  name: string;
  ext: boolean;
  /** The build's directory (extensions only). */
  dir: string | null;
  page: Page;
  cdp: CDPSession;
  close(): Promise<void>;
}

async function runTo(page: Page, n: number): Promise<void> {
  await page.evaluate(async (k) => {
    const demo = (window as unknown as Demo).demo;
    if (demo.sent >= k) return;
    demo.resume();
    await demo.whenSent(k);
    demo.pause();
  }, n);
}

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const url = `${server.url}/pdd/large.html?rows=${ROWS}&messages=${THREAD}&rate=1&seed=1`;
  const subjects: Subject[] = [];
  try {
    const open = async (name: string, dir: string | null) => {
      let context, close;
      if (dir) {
        const h = await launchExtension({ extensionDir: path.resolve(dir) });
        await seedSettings(h, ALL_DAY_PDD);
        context = h.context;
        close = () => h.close();
      } else ({ context, close } = await launchWith(null));
      const page = await context.newPage();
      await page.goto(url, { timeout: 120_000 });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      subjects.push({ name, ext: !!dir, dir, page, cdp, close });
    };
    await open('plain', null);
    for (const [i, d] of EXTS.entries()) await open(`${String.fromCharCode(65 + i)} ${d}`, d);
    await sleep(3000);
    // The waiting rows, the same on every page.
    await Promise.all(
      subjects.map((s) =>
        s.page.evaluate((n) => {
          const d = (window as unknown as Demo).demo;
          for (const b of d.buyers.filter((x) => x.uid !== d.openUid).slice(0, n)) d.buyerSays(b.uid);
        }, WAITING),
      ),
    );
    console.error(`loaded ${subjects.length} pages, ${WAITING} waiting; settling ${SETTLE} s`);
    await sleep(SETTLE * 1000);
    await Promise.all(subjects.map((s) => s.page.evaluate(() => (window as unknown as Demo).demo.pause())));
    let mark = Math.max(
      ...(await Promise.all(subjects.map((s) => s.page.evaluate(() => (window as unknown as Demo).demo.sent)))),
    );
    for (const s of subjects) await runTo(s.page, mark);

    type Acc = {
      shown: PageTimes[];
      hidden: PageTimes[];
      all: PageTimes[];
      thread: ThreadTimes[];
      threadShown: ThreadTimes[];
      threadHidden: ThreadTimes[];
      self: Map<string, number>;
      inc: Map<string, number>;
      sec: number;
      badges: number[];
    };
    const acc = new Map<string, Acc>(
      subjects.map((s) => [
        s.name,
        {
          shown: [],
          hidden: [],
          all: [],
          thread: [],
          threadShown: [],
          threadHidden: [],
          self: new Map(),
          inc: new Map(),
          sec: 0,
          badges: [],
        },
      ]),
    );
    for (let k = 0; k < WINDOWS; k++) {
      const target = mark + MESSAGES;
      for (let i = 0; i < subjects.length; i++) {
        const s = subjects[(i + k) % subjects.length]!;
        const a = acc.get(s.name)!;
        const hide = s.ext && k % 2 === 1;
        if (s.ext)
          a.badges.push(
            await s.page.evaluate(
              ([hide, attr]) => {
                let style = document.getElementById('rs-bench-hide-badges');
                if (hide && !style) {
                  style = document.createElement('style');
                  style.id = 'rs-bench-hide-badges';
                  style.textContent = `[${attr}] { display: none !important; }`;
                  document.head.append(style);
                } else if (!hide) style?.remove();
                return document.querySelectorAll(`[${attr}]`).length;
              },
              [hide, BADGE_ATTR] as const,
            ),
          );
        await sleep(100);
        await s.cdp.send('HeapProfiler.collectGarbage');
        const m0 = await metrics(s.cdp);
        await startCpuProfile(s.cdp);
        await runTo(s.page, target);
        await sleep(300);
        const profile = await stopCpuProfile(s.cdp);
        const m1 = await metrics(s.cdp);
        const wall = m1.Timestamp! - m0.Timestamp!;
        const d = (k: string) => ((m1[k]! - m0[k]!) * 1000) / wall;
        const th: ThreadTimes = {
          task: d('TaskDuration'),
          script: d('ScriptDuration'),
          native: d('TaskDuration') - d('ScriptDuration'),
          style: d('RecalcStyleDuration'),
          layout: d('LayoutDuration'),
        };
        a.thread.push(th);
        (hide ? a.threadHidden : a.threadShown).push(th);
        const x = attribute(profile, isExtensionScript, 40);
        const sec = x.totalMs / 1000;
        const t: PageTimes = {
          busyMsPerSec: x.busyMs / sec,
          programMsPerSec: x.programMs / sec,
          gcMsPerSec: x.gcMs / sec,
          scriptMsPerSec: x.matchedMs / sec,
        };
        a.all.push(t);
        (hide ? a.hidden : a.shown).push(t);
        a.sec += sec;
        for (const [f, v] of inclusiveTimes(profile)) a.inc.set(f, (a.inc.get(f) ?? 0) + v);
        for (const [f, v] of selfTimes(profile)) a.self.set(f, (a.self.get(f) ?? 0) + v);
      }
      mark = target;
      console.error(`  window ${k + 1}/${WINDOWS}`);
    }
    const mean = (xs: PageTimes[]): PageTimes => {
      const m = (f: (t: PageTimes) => number) => xs.reduce((s, t) => s + f(t), 0) / Math.max(1, xs.length);
      return {
        busyMsPerSec: m((t) => t.busyMsPerSec),
        programMsPerSec: m((t) => t.programMsPerSec),
        gcMsPerSec: m((t) => t.gcMsPerSec),
        scriptMsPerSec: m((t) => t.scriptMsPerSec),
      };
    };
    const plain = mean(acc.get('plain')!.all);
    const top = (m: Map<string, number>, sec: number, n: number, name = (k: string) => k) =>
      Object.fromEntries(
        [...m]
          .sort((a, b) => b[1] - a[1])
          .slice(0, n)
          .map(([k, v]) => [name(k), +(v / sec).toFixed(3)]),
      );
    const out: Record<string, unknown> = {
      url,
      waiting: WAITING,
      windows: WINDOWS,
      messages: MESSAGES,
      plain,
      plainThread: meanOf(acc.get('plain')!.thread),
    };
    for (const s of subjects.filter((x) => x.ext)) {
      const a = acc.get(s.name)!;
      const ext = mean(a.all);
      out[s.name] = {
        page: ext,
        badgesInPage: a.badges,
        // Thread time: robust to the machine's load where the profile's (wall-clock) samples are not.
        thread: meanOf(a.thread),
        threadBadgesShown: meanOf(a.threadShown),
        threadBadgesHidden: meanOf(a.threadHidden),
        badgesShownProgram: mean(a.shown).programMsPerSec,
        badgesHiddenProgram: mean(a.hidden).programMsPerSec,
        // No naive poller here: its script is ≈ 31.7 ms/s on this page (bench-results/2026-12-04b-pagecost.md).
        pageCost: pageCost({
          extension: ext,
          plain,
          naive: { ...plain, scriptMsPerSec: 31.7 },
          // The badges' rendering from thread time (as mainthread.ts), in the profile's units.
          badgesShown: { programMsPerSec: (meanOf(a.threadShown).native * ext.busyMsPerSec) / meanOf(a.thread).task },
          badgesHidden: { programMsPerSec: (meanOf(a.threadHidden).native * ext.busyMsPerSec) / meanOf(a.thread).task },
        }),
        inclusive: top(a.inc, a.sec, 30, annotate(s.dir!)),
        self: top(a.self, a.sec, 30, annotate(s.dir!)),
      };
    }
    // How often the extension's functions run per message (precise coverage's call counts), one more window each:
    // the same MESSAGES messages on every page (until 2026-12-06 `mark` grew per page, so the second build's window
    // ran 2 × MESSAGES and its counts per message doubled: bench-results/2026-12-06c-pc3b.md). Coverage's counts are
    // not exact for functions that ran (optimised, inlined) before it started: a hot function's can be 4× low
    // (main's counterTicked 14–47 by coverage, 140 counted per batch: ticks-ab.ts); for exact counts see ticks-ab.ts's counters.
    if (flag('calls'))
      for (const s of subjects.filter((x) => x.ext)) {
        await s.cdp.send('Profiler.enable');
        await s.cdp.send('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
        await runTo(s.page, mark + MESSAGES);
        const { result } = (await s.cdp.send('Profiler.takePreciseCoverage')) as unknown as {
          result: {
            url: string;
            functions: { functionName: string; ranges: { startOffset: number; count: number }[] }[];
          }[];
        };
        await s.cdp.send('Profiler.stopPreciseCoverage');
        const calls = new Map<string, number>();
        for (const script of result)
          if (isExtensionScript(script.url))
            for (const f of script.functions) {
              const k = `${f.functionName || '(anonymous)'}@${f.ranges[0]!.startOffset}`;
              calls.set(k, (calls.get(k) ?? 0) + f.ranges[0]!.count);
            }
        const name = annotate(s.dir!);
        (out[s.name] as Record<string, unknown>).callsPerMessage = Object.fromEntries(
          [...calls]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 40)
            .map(([k, v]) => [name(k), +(v / MESSAGES).toFixed(1)]),
        );
      }
    console.log(JSON.stringify(round(out, 3), null, 1));
  } finally {
    for (const s of subjects) await s.close().catch(() => undefined);
    await server.close();
    await cleanupTemps();
  }
}

void main();
