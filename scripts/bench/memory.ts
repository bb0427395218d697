/**
 * Memory (issue 21): the content script's retained heap on the large workbench, and the service worker's heap after
 * a day of 5 000 inquiries.
 *
 * - Content script: in one browser with the extension, the same large page (10 000 messages, no traffic) twice, in
 *   two renderer processes: once watched (`127.0.0.1/pdd/…`) and once not (`localhost/plain/…`, the same files
 *   under a folder no content script matches; another site, so another process). After the watched tab has stored
 *   its history, each page gets forced full collections (CDP `HeapProfiler.collectGarbage`) and its isolate's used
 *   heap is read (`Runtime.getHeapUsage`, V8's heap plus the embedder's: the page's world and the content script's
 *   isolated world together, and the DOM); the
 *   difference is what the content script keeps alive (its own objects, and the page objects only it holds on to).
 * - Worker: a whole day of `perDay` inquiries (yesterday) and today up to now seeded as the product stores them
 *   (scripts/bench/seed.ts), the worker
 *   restarted so it rehydrates from the rows (as after a browser restart), left to settle, then the same
 *   collection and read through a CDP session attached to the worker's target. Reported, not a goal.
 */
import { mkdir, readdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { readStore, seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness } from '../../test/e2e/harness';
import { ALL_DAY_PDD, countStore, tempDir } from './browser';
import { seedHistory } from './popup';
import { round, sleep, summarize } from './stats';

const MB = 1024 * 1024;

/**
 * Forced full collections, then the isolate's used heap (bytes), `times` times: V8's own heap plus the embedder's
 * (Blink's garbage-collected objects, DOM nodes among them, which a script can keep alive too).
 */
async function heapAfterGc(send: (method: string) => Promise<unknown>, times: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    await send('HeapProfiler.collectGarbage');
    await send('HeapProfiler.collectGarbage');
    const u = (await send('Runtime.getHeapUsage')) as { usedSize: number; embedderHeapUsedSize?: number };
    out.push(u.usedSize + (u.embedderHeapUsedSize ?? 0));
    await sleep(300);
  }
  return out;
}

export async function measureContentHeap(o: {
  extensionDir: string;
  query: string;
  reads: number;
  log?: (s: string) => void;
}) {
  const log = o.log ?? (() => undefined);
  // The demo folder again, plus `plain` → demo/pdd: the same page where no content script runs.
  const root = await tempDir('rs-bench-mem-');
  const demo = path.join(REPO_ROOT, 'demo');
  for (const e of await readdir(demo)) await symlink(path.join(demo, e), path.join(root, e));
  await mkdir(path.join(root, 'plain'));
  for (const e of await readdir(path.join(demo, 'pdd')))
    await symlink(path.join(demo, 'pdd', e), path.join(root, 'plain', e));
  const server = await startStaticServer(root);
  const ext = await launchExtension({ extensionDir: o.extensionDir });
  try {
    await seedSettings(ext, ALL_DAY_PDD);
    const watched = await ext.context.newPage();
    await watched.goto(`${server.url}/pdd/large.html?${o.query}&rate=0`, { timeout: 120_000 });
    const plain = await ext.context.newPage();
    await plain.goto(`${server.url.replace('127.0.0.1', 'localhost')}/plain/large.html?${o.query}&rate=0`, {
      timeout: 120_000,
    });
    // Settle: the watched tab watches and its history is stored (the count stops growing).
    const t0 = Date.now();
    let stored = -1;
    for (;;) {
      const tabs = await readStore(ext, 'tabs');
      const n = await countStore(ext, 'events');
      if (tabs.some((t) => t.health === 'watching') && n === stored && n > 0) break;
      if (Date.now() - t0 > 180_000) throw new Error('the large workbench never settled');
      stored = n;
      await sleep(2000);
    }
    log(`  settled: ${stored} events stored`);
    await sleep(3000);
    const heap = async (page: typeof watched) => {
      const cdp: CDPSession = await ext.context.newCDPSession(page);
      try {
        return await heapAfterGc((m) => cdp.send(m as 'Runtime.getHeapUsage'), o.reads);
      } finally {
        await cdp.detach();
      }
    };
    // Alternate the two pages, so both are read at the same moments of the run.
    const w: number[] = [];
    const p: number[] = [];
    for (let i = 0; i < o.reads; i++) {
      w.push(...(await heap(watched)));
      p.push(...(await heap(plain)));
    }
    const badges = await watched.evaluate(
      (attr) => document.querySelectorAll(`[${attr}]`).length,
      'data-reply-sentinel-badge', // lib/content/row-badges.ts BADGE_ATTR
    );
    const diff = w.map((x, i) => (x - p[i]!) / MB);
    return round({
      eventsStored: stored,
      watchedMB: summarize(w.map((x) => x / MB)),
      plainMB: summarize(p.map((x) => x / MB)),
      contentScriptMB: summarize(diff),
      badgesInPage: badges,
    });
  } finally {
    await ext.close();
    await server.close();
  }
}

/** A CDP session on the extension's service worker (through a page session: Playwright has none for workers). */
async function workerSession(ext: ExtensionHarness) {
  const page = await ext.context.newPage();
  const cdp = await ext.context.newCDPSession(page);
  const { targetInfos } = (await cdp.send('Target.getTargets')) as {
    targetInfos: { targetId: string; type: string; url: string }[];
  };
  const t = targetInfos.find((x) => x.type === 'service_worker' && x.url.startsWith(ext.baseUrl));
  if (!t) throw new Error('no service worker target');
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false })) as {
    sessionId: string;
  };
  let id = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
    const m = JSON.parse(e.message) as { id?: number; result?: unknown; error?: { message: string } };
    const p = m.id === undefined ? undefined : pending.get(m.id);
    if (!p) return;
    pending.delete(m.id!);
    if (m.error) p.reject(new Error(m.error.message));
    else p.resolve(m.result);
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const i = ++id;
      pending.set(i, { resolve, reject });
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: i, method, params }) });
    });
  return { send, close: () => page.close() };
}

export async function measureWorkerHeap(o: {
  extensionDir: string;
  perDay: number;
  reads: number;
  log?: (s: string) => void;
}) {
  const ext = await launchExtension({ extensionDir: o.extensionDir });
  try {
    // Before: the worker of an empty profile, the same way (settings only).
    await seedSettings(ext, ALL_DAY_PDD);
    await sleep(2000);
    let s = await workerSession(ext);
    const empty = await heapAfterGc(s.send, o.reads);
    await s.close();
    // Two days: the seeding fills today only up to now; yesterday is a whole day of `perDay` inquiries.
    const { seeded } = await seedHistory(ext, { days: 2, perDay: o.perDay, eventsDays: 2, log: o.log });
    // seedHistory restarted the worker: it rehydrated from the day's rows. Let it settle.
    await sleep(5000);
    s = await workerSession(ext);
    const day = await heapAfterGc(s.send, o.reads);
    await s.close();
    return round({
      seeded,
      emptyMB: summarize(empty.map((x) => x / MB)),
      afterDayMB: summarize(day.map((x) => x / MB)),
    });
  } finally {
    await ext.close();
  }
}
