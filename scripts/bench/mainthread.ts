/**
 * Page main-thread cost on the large simulated workbench (demo/pdd/large.html: 1 000 rows, 10 000 messages in
 * the open thread, 1 new message a second), in four Chromiums in the same run:
 *   - plain: no extension;
 *   - extension: the demo build of Reply Sentinel;
 *   - naive: a peer content script that polls the DOM every second;
 *   - control: a second plain browser (the A/A control: the run's resolution).
 * After the timed rounds, a few more windows per page run under the V8 CPU profiler (attribution, see cpu.ts).
 * The cost is CDP `Performance.getMetrics` TaskDuration (all tasks on the page's renderer main thread: page
 * scripts, content scripts, style, layout, paint) in *thread* time (`timeDomain: threadTicks`).
 *
 * Three things make this number noisy, and the method removes each:
 * - Traffic: the page's messages are seeded, so every page gets the same ones; a window is a number of messages
 *   (the page's whenSent resolves right after its n-th), not a number of seconds, so the pages are compared over
 *   the very same messages.
 * - Contention: several Chromiums on a small machine slow each other's frames unevenly (the same messages cost ±10%
 *   more or less in the same 10 s). The pages take turns instead: one page runs its traffic while the others are
 *   paused (demo.pause/resume), in rounds, the order rotating each round.
 * - Garbage collection: a full collection of this page (its 10 000-message DOM) costs ≈ 110 ms and comes every
 *   15–20 s, at a different moment on each page. Each window starts right after a forced full collection
 *   (HeapProfiler.collectGarbage, not counted), so a natural one rarely falls inside; the forced collection's
 *   own time is reported per page (`fullGcMs`), with the JS heap, as the cost of the memory each page holds.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { readStore, seedSettings } from '../../test/e2e/db';
import { launchExtension } from '../../test/e2e/harness';
import { ALL_DAY_PDD, launchWith, naiveExtension } from './browser';
import { attribute, isExtensionScript, startCpuProfile, stopCpuProfile, type Attribution } from './cpu';
import { pageCost } from './pagecost';
import { bootstrapRatio, pairedDifference, round, sleep, summarize, type PairedDifference } from './stats';

type Metrics = Record<string, number>;

interface LargeDemo {
  demo: { sent: number; whenSent(n: number): Promise<number>; pause(): void; resume(): void };
}
/** After the window's last message, when the metrics are read: that message's frame is done. */
const STEP_OFFSET_MS = 300;

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const r = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
}

const NAMES = ['plain', 'extension', 'naive', 'control'] as const;
type Name = (typeof NAMES)[number];

interface Subject {
  name: Name;
  context: BrowserContext;
  page?: Page;
  cdp?: CDPSession;
  close(): Promise<void>;
  consoleHits: number;
}

/** One page's window: main-thread ms (and parts) over the window's messages, and its forced collection before. */
interface Sample {
  taskMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  /** Wall time of the window (s): for ms-per-second figures. */
  seconds: number;
  fullGcMs: number;
  heapMB: number;
}

export interface MainThreadOptions {
  /** The unpacked Reply Sentinel build to measure. */
  extensionDir: string;
  url: string;
  /** Seconds after load, all pages running, before measuring (initial scan, history ingest). */
  settleSec: number;
  /** Rounds: in each, every page runs one window. */
  rounds: number;
  /** Scripted messages per window (1 a second on the benchmark's page). */
  windowMessages: number;
  /** Windows per page profiled after the rounds, for the attribution (see profileWindow). */
  profiledWindows: number;
  /** Pairs of adjacent windows on the extension's page, its badges shown in one and hidden in the other (default 30). */
  badgePairs?: number;
  /** Identical page frames per badge window (default 5; see measureBadgeFrames). */
  badgeFrames?: number;
  log?: (s: string) => void;
}

export async function measureMainThread(o: MainThreadOptions) {
  const log = o.log ?? (() => undefined);
  const ext = await launchExtension({ extensionDir: o.extensionDir });
  await seedSettings(ext, ALL_DAY_PDD);
  const plain = await launchWith(null);
  const naive = await launchWith(await naiveExtension());
  // The A/A control: a second plain browser. How far its page's cost lies from the plain page's (the same page,
  // the same messages) is how far two browsers differ with nothing to tell them apart: the run's resolution.
  const control = await launchWith(null);
  const subjects: Subject[] = [
    { name: 'plain', context: plain.context, close: plain.close, consoleHits: 0 },
    { name: 'extension', context: ext.context, close: () => ext.close(), consoleHits: 0 },
    { name: 'naive', context: naive.context, close: naive.close, consoleHits: 0 },
    { name: 'control', context: control.context, close: control.close, consoleHits: 0 },
  ];
  try {
    await Promise.all(
      subjects.map(async (s) => {
        const page = await s.context.newPage();
        page.on('console', (m) => {
          if (m.text().startsWith('naive-poll')) s.consoleHits++;
        });
        const cdp = await s.context.newCDPSession(page);
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
        await page.goto(o.url, { timeout: 120_000 });
        s.page = page;
        s.cdp = cdp;
      }),
    );
    log(`  loaded; settling ${o.settleSec} s`);
    await sleep(o.settleSec * 1000);
    await Promise.all(subjects.map((s) => s.page!.evaluate(() => (window as unknown as LargeDemo).demo.pause())));
    // Bring the pages to the same message count (each stopped right after its last one).
    const sentNow = await Promise.all(
      subjects.map((s) => s.page!.evaluate(() => (window as unknown as LargeDemo).demo.sent)),
    );
    let mark = Math.max(...sentNow);
    await Promise.all(subjects.map((s) => runTo(s, mark)));

    const samples: Record<Name, Sample>[] = [];
    // Round -1 is a warm-up, not counted: a page's first window after the settle period (all three running, then
    // paused) often measured far off (the plain page up to +40%).
    for (let r = -1; r < o.rounds; r++) {
      const target = mark + o.windowMessages;
      const turn: Partial<Record<Name, Sample>> = {};
      for (let i = 0; i < subjects.length; i++) {
        const s = subjects[(i + r + subjects.length) % subjects.length]!;
        turn[s.name] = await measureWindow(s, target);
      }
      mark = target;
      if (r < 0) continue;
      const got = turn as Record<Name, Sample>;
      samples.push(got);
      const each = (f: (x: Sample) => number) => NAMES.map((n) => f(got[n]).toFixed(0)).join(' / ');
      log(
        `  round ${r + 1}/${o.rounds} (messages ${target - o.windowMessages}–${target}): extension ×${(got.extension.taskMs / got.plain.taskMs).toFixed(3)}, naive ×${(got.naive.taskMs / got.plain.taskMs).toFixed(3)}, control ×${(got.control.taskMs / got.plain.taskMs).toFixed(3)}; ms ${NAMES.join(' / ')} ${each((x) => x.taskMs)}; full GC before ${each((x) => x.fullGcMs)}`,
      );
    }

    // Who spends the time, within each page (V8 CPU profile): the share of its busy main thread under its
    // extension's functions, exact to a few hundredths of a per cent where the whole-run ratio is exact to a few per
    // cent; and, on every page, the browser's native work, collections and the page's own script, to see where a
    // difference between the pages comes from. Not the goal's number: that is the whole-run ratio.
    const profiled: Partial<Record<Name, (Attribution & { threadTaskMs: number })[]>> = {};
    for (let k = 0; k < o.profiledWindows; k++) {
      const target = mark + o.windowMessages;
      for (let i = 0; i < subjects.length; i++) {
        const s = subjects[(i + k) % subjects.length]!;
        (profiled[s.name] ??= []).push(await profileWindow(s, target));
      }
      mark = target;
    }
    log(`  profiled ${o.profiledWindows} more windows per page`);
    // The badges' own rendering (style, layout, paint): the extension's page alone, in pairs of adjacent windows of
    // the same page frames with its badges shown in one and hidden in the other (see measureBadgeFrames). Thread
    // time, not the profile: the profile's samples are wall-clock intervals, which a loaded machine stretches unevenly.
    // Not the traffic's own windows (measureBadgePairs): each window's messages differ, and that alone spread the
    // pairs' differences ±20–30 ms/s (a 95% interval of ±9–15 ms/s in 40 windows, bench-results/2026-12-06f-brender.md).
    // (Every page got the same messages up to here; the check below counts them now.)
    const sent = await Promise.all(
      subjects.map((s) => s.page!.evaluate(() => (window as unknown as LargeDemo).demo.sent)),
    );
    const extSubject = subjects.find((x) => x.name === 'extension')!;
    const badgeRun = await measureBadgeFrames(extSubject, {
      pairs: o.badgePairs ?? 30,
      frames: o.badgeFrames ?? 5,
      uids: await waitingUids(extSubject.page!, 40),
      a: null,
      b: HIDE_BADGES,
    });
    log(
      `  ${badgeRun.windows.length} badge pairs: shown − hidden native ${badgeRun.difference.mean.toFixed(2)} ms a frame (95% ${badgeRun.difference.ci95.map((x) => x.toFixed(2)).join('…')}, ${badgeRun.difference.sign})`,
    );

    // The subjects really did their work: the extension watched the page and stored what it saw; the naive
    // poller polled; the pages received the same traffic.
    const tabs = await readStore(ext, 'tabs');
    const events = await (
      await ext.serviceWorker()
    ).evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('reply-sentinel');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const req = open.result.transaction('events', 'readonly').objectStore('events').count();
            req.onsuccess = () => {
              open.result.close();
              resolve(req.result);
            };
          };
        }),
    );
    const sum = (n: Name, f: (x: Sample) => number) => samples.reduce((a, w) => a + f(w[n]), 0);
    const plainMs = sum('plain', (x) => x.taskMs);
    const naiveFloor = 1 + (sum('naive', (x) => x.scriptMs) - sum('plain', (x) => x.scriptMs)) / plainMs;
    const naiveRatio = sum('naive', (x) => x.taskMs) / plainMs;
    const attribution = (n: Name) => attributionOf(profiled[n]!);
    const attributionOf = (a: Attribution[]) => {
      const total = (f: (x: Attribution) => number) => a.reduce((acc, x) => acc + f(x), 0);
      const seconds = total((x) => x.totalMs) / 1000;
      const functions = new Map<string, number>();
      for (const x of a)
        for (const [k, v] of Object.entries(x.byFunction)) functions.set(k, (functions.get(k) ?? 0) + v);
      return {
        busyMsPerSec: total((x) => x.busyMs) / seconds,
        // The browser's native work (style, layout, paint, task overhead), collections, and everything in scripts
        // but the extension's (the page's own, and the natives it calls).
        programMsPerSec: total((x) => x.programMs) / seconds,
        gcMsPerSec: total((x) => x.gcMs) / seconds,
        pageScriptMsPerSec: total((x) => x.busyMs - x.programMs - x.gcMs - x.matchedMs) / seconds,
        scriptMsPerSec: total((x) => x.matchedMs) / seconds,
        // Its script's time / the page's busy time, in %: 1 + share is a floor for its page's cost ratio.
        sharePercent: (100 * total((x) => x.matchedMs)) / total((x) => x.busyMs),
        byFunctionMsPerSec: Object.fromEntries(
          [...functions]
            .sort((x, y) => y[1] - x[1])
            .slice(0, 12)
            .map(([k, v]) => [k, v / seconds]),
        ),
      };
    };
    // How sure the whole-run ratio is: a paired bootstrap over the rounds (resampling rounds, each with its
    // pages' times), 95% interval.
    const interval = (n: Name) =>
      bootstrapRatio(
        samples.map((w) => [w[n].taskMs, w.plain.taskMs]),
        2000,
      );
    const controlCi = interval('control');
    const checks = {
      extensionWatching: tabs.some((t) => t.health === 'watching'),
      extensionEventsStored: events,
      naivePolls: subjects[2]!.consoleHits * 10,
      messagesSentPerPage: Object.fromEntries(subjects.map((s, i) => [s.name, sent[i]])),
      // A floor the method must respect: the naive poller's page costs at least the plain page plus the poller's
      // own script. A whole-run ratio below this floor means the run measured noise, not the pages.
      naiveScriptFloor: naiveFloor,
      naiveAboveFloor: naiveRatio >= naiveFloor,
      // A run resolves a 2% goal only if two identical pages in two plain browsers measure within 2% of each other.
      controlCi95: controlCi,
      controlWithin2pct: controlCi[0] >= 0.98 && controlCi[1] <= 1.02,
    };
    const perPage = Object.fromEntries(NAMES.map((n) => [n, attribution(n)])) as Record<
      Name,
      ReturnType<typeof attribution>
    >;
    // Thread time to the profile's units (its busy time over the thread's task time in the extension's profiled
    // windows), so the badges' figure adds up with the script and GC parts.
    const extProfiled = profiled.extension!;
    const extThreadMs = extProfiled.reduce((a, x) => a + x.threadTaskMs, 0);
    const toProfileUnits = extThreadMs > 0 ? extProfiled.reduce((a, x) => a + x.busyMs, 0) / extThreadMs : 1;
    // Per frame (see measureBadgeFrames: a window's `seconds` are its frames).
    const badgeNative = (k: 'a' | 'b') =>
      badgeRun.windows.reduce((acc, w) => acc + w[k].nativeMs, 0) /
      badgeRun.windows.reduce((acc, w) => acc + w[k].seconds, 0);
    // The traffic's frames a second: one a message (its step is one task: the message and the counters' tick).
    const framesPerSec = 1;
    const badgesShownThread = badgeNative('a');
    const badgesHiddenThread = badgeNative('b');
    const per = (f: (x: Sample) => number) =>
      Object.fromEntries(NAMES.map((n) => [n, summarize(samples.map((w) => f(w[n])))])) as Record<
        Name,
        ReturnType<typeof summarize>
      >;
    return round(
      {
        url: o.url,
        windowMessages: o.windowMessages,
        rounds: samples.length,
        // The goal's number: main-thread time with / without over all windows (the same messages on each page).
        overallRatio: {
          extension: sum('extension', (x) => x.taskMs) / plainMs,
          naive: naiveRatio,
          control: sum('control', (x) => x.taskMs) / plainMs,
        },
        ci95: { extension: interval('extension'), naive: interval('naive'), control: controlCi },
        ratio: {
          extension: summarize(samples.map((w) => w.extension.taskMs / w.plain.taskMs)),
          naive: summarize(samples.map((w) => w.naive.taskMs / w.plain.taskMs)),
        },
        taskMsPerWindow: per((x) => x.taskMs),
        taskMsPerSec: per((x) => x.taskMs / x.seconds),
        scriptMsPerSec: per((x) => x.scriptMs / x.seconds),
        layoutMsPerSec: per((x) => x.layoutMs / x.seconds),
        styleMsPerSec: per((x) => x.styleMs / x.seconds),
        // The memory each page holds: the forced full collection's time and the JS heap after it.
        fullGcMs: per((x) => x.fullGcMs),
        heapMB: per((x) => x.heapMB),
        checks,
        attribution: {
          windows: o.profiledWindows,
          ...perPage,
        },
        // Issue 21's page-cost goal from the same run's attribution (scripts/bench/pagecost.ts).
        pageCost: {
          ...pageCost({
            extension: perPage.extension,
            plain: perPage.plain,
            naive: perPage.naive,
            // The point value from the pairs' mean difference (each pair weighs the same, as in its interval), ms a
            // frame × the traffic's frames a second.
            badgesShown: { programMsPerSec: badgeRun.difference.mean * framesPerSec * toProfileUnits },
            badgesHidden: { programMsPerSec: 0 },
            badgeRenderCi95: [
              badgeRun.difference.ci95[0] * framesPerSec * toProfileUnits,
              badgeRun.difference.ci95[1] * framesPerSec * toProfileUnits,
            ],
          }),
          // Thread time, ms a frame: native (task − script) over all windows with the badges shown and over all
          // hidden, the pairs' differences (mean, 95% interval), and the factor to the profile's units.
          badgesShownThreadNativeMsPerSec: badgesShownThread,
          badgesHiddenThreadNativeMsPerSec: badgesHiddenThread,
          badgesThreadDifference: badgeRun.difference,
          badgesThreadToProfile: toProfileUnits,
          badgePairs: badgeRun.windows.length,
          badgeFramesPerWindow: o.badgeFrames ?? 5,
          badgesInPage: summarize(badgeRun.badges),
        },
        perRound: samples,
      },
      3,
    );
  } finally {
    for (const s of subjects) await s.close().catch(() => undefined);
  }
}

/** Runs a paused page's traffic up to message n (nothing if it is there already) and pauses it again. */
async function runTo(s: Subject, n: number): Promise<void> {
  await s.page!.evaluate(async (k) => {
    const demo = (window as unknown as LargeDemo).demo;
    if (demo.sent >= k) return;
    demo.resume();
    await demo.whenSent(k);
    demo.pause();
  }, n);
}

/** A window as measureWindow runs it, under the V8 CPU profiler: who spends the page's main thread (and its thread
 * time, CDP TaskDuration, for the factor between the two). */
async function profileWindow(s: Subject, n: number): Promise<Attribution & { threadTaskMs: number }> {
  const cdp = s.cdp!;
  await cdp.send('HeapProfiler.collectGarbage');
  const a = await metrics(cdp);
  await startCpuProfile(cdp);
  await runTo(s, n);
  await sleep(STEP_OFFSET_MS);
  const attribution = attribute(await stopCpuProfile(cdp), isExtensionScript);
  const b = await metrics(cdp);
  return { ...attribution, threadTaskMs: (b.TaskDuration! - a.TaskDuration!) * 1000 };
}

/** Puts page stylesheet `css` in (null: takes it out); returns the badges in the page. */
async function setCondition(page: Page, css: string | null): Promise<number> {
  return page.evaluate(
    ([css, attr]) => {
      let style = document.getElementById('rs-bench-condition');
      if (css === null) style?.remove();
      else {
        if (!style) {
          style = document.createElement('style');
          style.id = 'rs-bench-condition';
          document.head.append(style);
        }
        if (style.textContent !== css) style.textContent = css;
      }
      return document.querySelectorAll(`[${attr}]`).length;
    },
    [css, 'data-reply-sentinel-badge'] as const, // lib/content/row-badges.ts BADGE_ATTR
  );
}

/**
 * The badges' rendering per page frame, on the same frames: the page paused, each window makes `frames` identical
 * frames of the page's most common change (a buyer already waiting says something: their row's preview and note
 * change and the row moves to the top of the 1 000-row list; `uids` in turn, the same ones in every window), one
 * frame each (an animation frame, then a task after it, so its paint is done). Native thread time (task − script)
 * per frame under stylesheet `a` − under `b`, in `pairs` adjacent pairs (order alternating), mean and 95% interval.
 * The bench's traffic is ≈ 1 such frame a second (one message a second, the counters' tick in the same task), so
 * ms per frame ≈ ms/s; what this leaves out: the badges' creations and removals (a clock opening or closing).
 */
export async function measureBadgeFrames(
  s: { page?: Page; cdp?: CDPSession },
  o: { pairs: number; frames: number; uids: readonly string[]; a: string | null; b: string | null },
): Promise<{ windows: { a: BadgeWindow; b: BadgeWindow }[]; difference: PairedDifference; badges: number[] }> {
  const badges: number[] = [];
  const one = async (css: string | null): Promise<BadgeWindow> => {
    badges.push(await setCondition(s.page!, css));
    await sleep(100);
    await s.cdp!.send('HeapProfiler.collectGarbage');
    const t0 = await metrics(s.cdp!);
    await s.page!.evaluate(
      async ([frames, uids]) => {
        const demo = (window as unknown as { demo: { buyerSays(uid: string, text?: string): void } }).demo;
        const frame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        for (let i = 0; i < frames; i++) {
          demo.buyerSays(uids[i % uids.length]!, '在吗');
          await frame();
        }
      },
      [o.frames, o.uids] as const,
    );
    await sleep(50);
    // Per frame, in `seconds` = frames: the difference below is ms per frame.
    return badgeWindow(t0, await metrics(s.cdp!), o.frames);
  };
  const windows = await alternatingPairs(o.pairs, o.a, o.b, one);
  await setCondition(s.page!, null);
  const perFrame = (w: BadgeWindow) => w.nativeMs / w.seconds;
  return {
    windows,
    difference: pairedDifference(windows.map((w) => [perFrame(w.a), perFrame(w.b)] as const)),
    badges,
  };
}

/**
 * Up to `n` waiting buyers on the large workbench (their rows' `data-random` ends in "unTimeout"), from the bottom of
 * the list, not the open one: the rows measureBadgeFrames moves.
 */
export async function waitingUids(page: Page, n: number): Promise<string[]> {
  return page.evaluate((n) => {
    const open = (window as unknown as { demo: { openUid: string } }).demo.openUid;
    return [...document.querySelectorAll('[data-random$="-unTimeout"]')]
      .map((e) => e.getAttribute('data-random')!.split('-')[0]!)
      .filter((u) => u !== open)
      .slice(-n);
  }, n);
}

/** Thread time between two metric snapshots as a badge window of `seconds` (native = task − script). */
function badgeWindow(t0: Metrics, t1: Metrics, seconds: number): BadgeWindow {
  const taskMs = (t1.TaskDuration! - t0.TaskDuration!) * 1000;
  const scriptMs = (t1.ScriptDuration! - t0.ScriptDuration!) * 1000;
  return { taskMs, scriptMs, nativeMs: taskMs - scriptMs, seconds };
}

/** `pairs` adjacent windows under `a` and under `b`, the order alternating by pair (a b, b a, …). */
async function alternatingPairs<T>(
  pairs: number,
  a: string | null,
  b: string | null,
  one: (css: string | null) => Promise<T>,
): Promise<{ a: T; b: T }[]> {
  const out: { a: T; b: T }[] = [];
  for (let k = 0; k < pairs; k++) {
    if (k % 2 === 0) {
      const first = await one(a);
      out.push({ a: first, b: await one(b) });
    } else {
      const first = await one(b);
      out.push({ a: await one(a), b: first });
    }
  }
  return out;
}

/** A page stylesheet that hides the badges (lib/content/row-badges.ts BADGE_ATTR). */
export const HIDE_BADGES = '[data-reply-sentinel-badge] { display: none !important; }';

/** One badge window's thread time: native = task − script (style, layout, paint, task overhead), ms. */
export interface BadgeWindow {
  nativeMs: number;
  taskMs: number;
  scriptMs: number;
  seconds: number;
}

/**
 * The badges' rendering on one page, resolved within one run: `pairs` pairs of adjacent windows of `windowMessages`
 * scripted messages each, one under page stylesheet `a` and one under `b` (null: none; e.g. shown vs HIDE_BADGES),
 * the order alternating by pair (a b, b a, …). Before each window the stylesheet is put in or taken out, a frame
 * passes (100 ms: the change's own restyle falls outside), then a forced full collection (not counted). Per pair,
 * native ms per second under a − under b; their mean and a 95% t interval (pairedDifference): what drifts between
 * pairs (the machine's load, the page's growth) drops out, and the interval says whether the run resolved the
 * difference from zero. Many short pairs rather than a few long windows: the same time, an honest interval.
 */
export async function measureBadgePairs(
  s: { page?: Page; cdp?: CDPSession },
  mark: number,
  o: { pairs: number; windowMessages: number; a: string | null; b: string | null },
): Promise<{
  windows: { a: BadgeWindow; b: BadgeWindow }[];
  difference: PairedDifference;
  badges: number[];
  mark: number;
}> {
  const badges: number[] = [];
  const one = async (css: string | null): Promise<BadgeWindow> => {
    badges.push(await setCondition(s.page!, css));
    await sleep(100);
    mark += o.windowMessages;
    await s.cdp!.send('HeapProfiler.collectGarbage');
    const t0 = await metrics(s.cdp!);
    await runTo(s as Subject, mark);
    await sleep(STEP_OFFSET_MS);
    const t1 = await metrics(s.cdp!);
    return badgeWindow(t0, t1, t1.Timestamp! - t0.Timestamp!);
  };
  const windows = await alternatingPairs(o.pairs, o.a, o.b, one);
  await setCondition(s.page!, null);
  const perSec = (w: BadgeWindow) => w.nativeMs / w.seconds;
  return {
    windows,
    difference: pairedDifference(windows.map((w) => [perSec(w.a), perSec(w.b)] as const)),
    badges,
    mark,
  };
}

/** One page's window: a forced full collection (timed apart), then its traffic up to message n. */
async function measureWindow(s: Subject, n: number): Promise<Sample> {
  const cdp = s.cdp!;
  const g0 = await metrics(cdp);
  await cdp.send('HeapProfiler.collectGarbage');
  const a = await metrics(cdp);
  await runTo(s, n);
  await sleep(STEP_OFFSET_MS);
  const b = await metrics(cdp);
  const d = (k: 'TaskDuration' | 'ScriptDuration' | 'LayoutDuration' | 'RecalcStyleDuration') => (b[k]! - a[k]!) * 1000;
  return {
    taskMs: d('TaskDuration'),
    scriptMs: d('ScriptDuration'),
    layoutMs: d('LayoutDuration'),
    styleMs: d('RecalcStyleDuration'),
    seconds: b.Timestamp! - a.Timestamp!,
    fullGcMs: (a.TaskDuration! - g0.TaskDuration!) * 1000,
    heapMB: a.JSHeapUsedSize! / 1e6,
  };
}
