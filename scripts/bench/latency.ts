/**
 * Latency from a buyer message entering the workbench DOM to its clock being stored and the toolbar badge set,
 * in Chromium with the demo build. Nothing in the product is changed for it: inside the service worker,
 * `chrome.action.setBadgeText` is wrapped to note when it is called and with what, and extra `runtime.onMessage` and
 * `runtime.onConnect` (port) listeners note when the content script's `events` request arrives (callers install the
 * probes with `installProbes` before opening the workbench page, so that its link port is seen). The page notes when it
 * inserted the message. All three clocks are `performance.timeOrigin + performance.now()` on one machine.
 *
 * One sample: the buyer asks (nothing else counting down, so the badge showed no countdown; the clock starts when
 * the page's own insertion code has returned) → wait for the first countdown badge after that → check the clock row in IndexedDB (pending, started at the message) → the agent answers
 * → wait for the empty badge → the floor (an empty IndexedDB transaction plus a badge set, in the same worker)
 * → a short random pause.
 */
import type { Page, Worker } from 'playwright-core';
import type { ChromeApi, ExtensionHarness } from '../../test/e2e/harness';
import { round, sleep, summarize } from './stats';

declare const chrome: ChromeApi;
declare const demo: {
  buyerSays(uid: string, text?: string): string;
  agentSays(uid: string, text?: string): string;
};

interface Probe {
  badge: { t: number; text: string }[];
  events: { t: number; ids: string[] }[];
  /** One floor sample (ms): an empty readwrite transaction on the extension's database, then a badge set. */
  floor(): Promise<number>;
}
declare const __rsBench: Probe;

/** Installs the probes in the (running) service worker. Idempotent. */
export async function installProbes(sw: Worker): Promise<void> {
  await sw.evaluate(() => {
    const g = globalThis as unknown as { __rsBench?: Probe };
    if (g.__rsBench) return;
    const now = () => performance.timeOrigin + performance.now();
    const action = chrome.action as unknown as {
      setBadgeText(d: { text: string }): Promise<void>;
      getBadgeText(d: object): Promise<string>;
    };
    const original = action.setBadgeText.bind(action);
    // The floor's own connection, opened once (not timed); closed if the background ever upgrades the schema.
    let db: Promise<IDBDatabase> | null = null;
    const openDb = () =>
      (db ??= new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('reply-sentinel');
        r.onsuccess = () => {
          r.result.onversionchange = () => {
            r.result.close();
            db = null;
          };
          resolve(r.result);
        };
        r.onerror = () => reject(r.error);
      }));
    const probe: Probe = {
      badge: [],
      events: [],
      // The same process and the same kinds of work as a sample's worker part, with nothing of the product's own:
      // the badge is set to the text it already shows (read first, not timed), through the unwrapped setter.
      async floor() {
        const conn = await openDb();
        const text = await action.getBadgeText({});
        const t0 = now();
        await new Promise<void>((resolve, reject) => {
          const tx = conn.transaction('meta', 'readwrite');
          tx.oncomplete = () => resolve();
          tx.onerror = tx.onabort = () => reject(tx.error);
        });
        await original({ text });
        return now() - t0;
      },
    };
    g.__rsBench = probe;
    action.setBadgeText = (d) => {
      probe.badge.push({ t: now(), text: d.text });
      return original(d);
    };
    const noteEvents = (m: unknown) => {
      const msg = m as { type?: string; events?: { messageId: string }[] } | null;
      if (msg?.type === 'events' && msg.events)
        probe.events.push({ t: now(), ids: msg.events.map((e) => e.messageId) });
    };
    // Sent as a message, or over the tab's link port as a numbered request ({n, msg}): only ports that connect
    // after this are seen, so the probes go in before the workbench page opens.
    chrome.runtime.onMessage.addListener((m: unknown) => {
      noteEvents(m);
      return undefined;
    });
    chrome.runtime.onConnect.addListener((port) =>
      port.onMessage.addListener((m: unknown) => noteEvents((m as { msg?: unknown } | null)?.msg)),
    );
  });
}

/** Any badge text but a countdown: empty, "!N" (breaches shown), "?". */
const NOT_COUNTDOWN = '^(?!\\d+:\\d\\d$)';

/** Waits in the worker (no polling from node) for the first badge call after `after` whose text matches. */
async function badgeAfter(sw: Worker, after: number, pattern: string, timeoutMs: number): Promise<number | null> {
  return sw.evaluate(
    async ([after, pattern, timeoutMs]) => {
      const re = new RegExp(pattern);
      const end = Date.now() + timeoutMs;
      for (;;) {
        const hit = __rsBench.badge.find((b) => b.t >= after && re.test(b.text));
        if (hit) return hit.t;
        if (Date.now() > end) return null;
        await new Promise((r) => setTimeout(r, 1));
      }
    },
    [after, pattern, timeoutMs] as const,
  );
}

export interface LatencyOptions {
  ext: ExtensionHarness;
  page: Page;
  buyer: string;
  account: string;
  samples: number;
  /** ms; a sample that takes longer counts as a failure. */
  timeoutMs?: number;
  log?: (s: string) => void;
  /** Also return every sample (for pooling across runs: scripts/bench/latency-ab.ts). */
  keepRaw?: boolean;
}

export async function measureLatency(o: LatencyOptions) {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const sw = await o.ext.serviceWorker();
  await installProbes(sw);
  const total: number[] = [];
  const toWorker: number[] = [];
  const inWorker: number[] = [];
  const failures: string[] = [];
  const pageInsert: number[] = [];
  const floor: number[] = [];
  // Keep the probe arrays short.
  await sw.evaluate(() => {
    __rsBench.badge.length = 0;
    __rsBench.events.length = 0;
  });
  const conv = `pdd|${o.account}|${o.buyer}`;
  // Nothing else may be counting down (stored history can hold clocks that are still pending for a few minutes):
  // then the first countdown after an insertion is ours. Breaches ("!N") may stay on the badge.
  const settle = Date.now() + 300_000;
  while (/^\d+:\d\d$/.test((await o.ext.badge()).text)) {
    if (Date.now() > settle) throw new Error('another clock kept counting down on the badge for 5 minutes');
    await sleep(1000);
  }
  for (let i = 0; i < o.samples; i++) {
    // The clock starts when the page has put the message in the DOM: right after its own (synchronous) insertion
    // code, before any observer runs. The page's own insertion time is reported apart.
    const sent = await o.page.evaluate(
      ([uid, i]) => {
        const before = performance.timeOrigin + performance.now();
        const id = demo.buyerSays(uid, `第${i}个问题：什么时候发货？`);
        const t = performance.timeOrigin + performance.now();
        return { t, id, pageMs: t - before };
      },
      [o.buyer, i] as const,
    );
    pageInsert.push(sent.pageMs);
    const badgeT = await badgeAfter(sw, sent.t, '^\\d+:\\d\\d$', timeoutMs);
    if (badgeT === null) {
      failures.push(`sample ${i}: no countdown on the badge within ${timeoutMs} ms`);
      break;
    }
    const check = await sw.evaluate(
      ([conv, id]) =>
        new Promise<{ status?: string; startedAt?: number | null; recv?: number }>((resolve, reject) => {
          const open = indexedDB.open('reply-sentinel');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const req = open.result.transaction('clocks').objectStore('clocks').get(conv);
            req.onsuccess = () => {
              open.result.close();
              const c = req.result as { status?: string; startedAt?: number | null } | undefined;
              const recv = __rsBench.events.find((e) => e.ids.includes(id))?.t;
              resolve({ status: c?.status, startedAt: c?.startedAt, ...(recv !== undefined && { recv }) });
            };
          };
        }),
      [conv, sent.id] as const,
    );
    const at = Number(/(\d+)$/.exec(sent.id)?.[1]);
    if (check.status !== 'pending' || check.startedAt !== at) {
      failures.push(`sample ${i}: clock ${JSON.stringify(check)} does not start at the message (${at})`);
      break;
    }
    total.push(badgeT - sent.t);
    if (check.recv !== undefined) {
      toWorker.push(check.recv - sent.t);
      inWorker.push(badgeT - check.recv);
    }
    // The agent answers; wait until the badge stops counting down so the next sample starts from nothing pending.
    const replied = await o.page.evaluate(
      ([uid]) => {
        const t = performance.timeOrigin + performance.now();
        demo.agentSays(uid, '亲，马上为您处理');
        return t;
      },
      [o.buyer] as const,
    );
    if ((await badgeAfter(sw, replied, NOT_COUNTDOWN, timeoutMs)) === null) {
      failures.push(`sample ${i}: the badge did not stop counting down after the reply`);
      break;
    }
    // The floor, in the same worker between samples (nothing of ours is pending now).
    floor.push(
      await sw.evaluate(async () => {
        const ms = await __rsBench.floor();
        __rsBench.badge.length = 0;
        __rsBench.events.length = 0;
        return ms;
      }),
    );
    if (o.log && (i + 1) % 100 === 0) o.log(`  ${i + 1}/${o.samples}`);
    await sleep(10 + Math.random() * 40);
  }
  return round({
    samples: total.length,
    failures,
    totalMs: total.length ? summarize(total) : null,
    domToWorkerMs: toWorker.length ? summarize(toWorker) : null,
    workerToBadgeMs: inWorker.length ? summarize(inWorker) : null,
    pageInsertMs: pageInsert.length ? summarize(pageInsert) : null,
    /** Each sample's floor in the same worker (scripts/bench/verdict.ts): the goal's ratio is totalMs over it. */
    floorMs: floor.length ? summarize(floor) : null,
    ...(o.keepRaw && { raw: { total, toWorker, worker: inWorker, floor } }),
  });
}
