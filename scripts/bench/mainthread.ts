/**
 * Page main-thread cost on the large simulated workbench (demo/pdd/large.html: 1 000 rows, 10 000 messages in
 * the open thread, 1 new message a second), in three Chromiums side by side in the same run:
 *   - plain: no extension;
 *   - extension: the demo build of Reply Sentinel;
 *   - naive: a peer content script that polls the DOM every second.
 * Each page gets the same seeded traffic. The cost is CDP `Performance.getMetrics` TaskDuration (all tasks on the
 * page's renderer main thread, content scripts included) measured in *thread* time (`timeDomain: threadTicks`),
 * so CPU contention from other processes inflates it far less than wall time. Reported per window as ms of main
 * thread per second, and as ratios to the plain page in the same window.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { readStore, seedSettings } from '../../test/e2e/db';
import { launchExtension } from '../../test/e2e/harness';
import { ALL_DAY_PDD, launchWith, naiveExtension } from './browser';
import { round, sleep, summarize } from './stats';

type Metrics = Record<string, number>;
const KEYS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const;

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const r = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
}

interface Subject {
  name: 'plain' | 'extension' | 'naive';
  context: BrowserContext;
  page?: Page;
  cdp?: CDPSession;
  close(): Promise<void>;
  consoleHits: number;
}

export interface MainThreadOptions {
  /** The unpacked Reply Sentinel build to measure. */
  extensionDir: string;
  url: string;
  /** Seconds after load before measuring (initial scan, history ingest). */
  settleSec: number;
  windows: number;
  windowSec: number;
  log?: (s: string) => void;
}

export async function measureMainThread(o: MainThreadOptions) {
  const log = o.log ?? (() => undefined);
  const ext = await launchExtension({ extensionDir: o.extensionDir });
  await seedSettings(ext, ALL_DAY_PDD);
  const plain = await launchWith(null);
  const naive = await launchWith(await naiveExtension());
  const subjects: Subject[] = [
    { name: 'plain', context: plain.context, close: plain.close, consoleHits: 0 },
    { name: 'extension', context: ext.context, close: () => ext.close(), consoleHits: 0 },
    { name: 'naive', context: naive.context, close: naive.close, consoleHits: 0 },
  ];
  try {
    // Load the three pages at once so their seeded traffic runs in step.
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
    const windows: { perSec: Record<string, Metrics>; ratio: Record<string, number> }[] = [];
    let prev = await Promise.all(subjects.map((s) => metrics(s.cdp!)));
    for (let w = 0; w < o.windows; w++) {
      await sleep(o.windowSec * 1000);
      const cur = await Promise.all(subjects.map((s) => metrics(s.cdp!)));
      const perSec: Record<string, Metrics> = {};
      subjects.forEach((s, i) => {
        const span = cur[i]!.Timestamp! - prev[i]!.Timestamp!;
        perSec[s.name] = Object.fromEntries(KEYS.map((k) => [k, ((cur[i]![k]! - prev[i]![k]!) * 1000) / span]));
      });
      const base = perSec.plain!.TaskDuration!;
      windows.push({
        perSec,
        ratio: {
          extension: perSec.extension!.TaskDuration! / base,
          naive: perSec.naive!.TaskDuration! / base,
        },
      });
      log(
        `  window ${w + 1}/${o.windows}: plain ${base.toFixed(1)} ms/s, extension ×${windows[w]!.ratio.extension!.toFixed(3)}, naive ×${windows[w]!.ratio.naive!.toFixed(3)}`,
      );
      prev = cur;
    }
    // The subjects really did their work: the extension watched the page and stored what it saw; the naive
    // poller polled; the three pages received the same traffic.
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
    const sent = await Promise.all(
      subjects.map((s) => s.page!.evaluate(() => (window as unknown as { demo: { sent: number } }).demo.sent)),
    );
    const checks = {
      extensionWatching: tabs.some((t) => t.health === 'watching'),
      extensionEventsStored: events,
      naivePolls: subjects[2]!.consoleHits * 10,
      messagesSentPerPage: Object.fromEntries(subjects.map((s, i) => [s.name, sent[i]])),
    };
    const series = (f: (w: (typeof windows)[number]) => number) => summarize(windows.map(f));
    const total = (name: string) => windows.reduce((a, w) => a + w.perSec[name]!.TaskDuration!, 0);
    return round(
      {
        url: o.url,
        windowSec: o.windowSec,
        windows: windows.length,
        taskMsPerSec: {
          plain: series((w) => w.perSec.plain!.TaskDuration!),
          extension: series((w) => w.perSec.extension!.TaskDuration!),
          naive: series((w) => w.perSec.naive!.TaskDuration!),
        },
        scriptMsPerSec: {
          plain: series((w) => w.perSec.plain!.ScriptDuration!),
          extension: series((w) => w.perSec.extension!.ScriptDuration!),
          naive: series((w) => w.perSec.naive!.ScriptDuration!),
        },
        // The whole measured span: main-thread time with / without, over all windows (the goal's number; the
        // per-window ratios below show the spread, noisier because the pages' random traffic is not in step
        // within a window).
        overallRatio: {
          extension: total('extension') / total('plain'),
          naive: total('naive') / total('plain'),
        },
        ratio: {
          extension: series((w) => w.ratio.extension!),
          naive: series((w) => w.ratio.naive!),
        },
        checks,
        perWindow: windows,
      },
      3,
    );
  } finally {
    for (const s of subjects) await s.close().catch(() => undefined);
  }
}
