/**
 * E2E harness: a static file server for the simulated workbench pages, and a Chromium with the built
 * extension loaded (playwright-core driving Debian's /usr/bin/chromium).
 *
 * Service-worker lifecycle, as observed with Chromium 156 + playwright-core 1.65 (see stopServiceWorkers /
 * serviceWorker below):
 * - Stopping: CDP `ServiceWorker.stopAllWorkers` (the ServiceWorker domain only exists on a *page* target,
 *   not on the browser session, and needs `ServiceWorker.enable` first). It reports `runningStatus:
 *   'stopped'` within a few ms, and the worker's JS context is really gone (globals set before are lost).
 * - BUT Playwright usually does NOT notice: `context.serviceWorkers()` keeps listing the old Worker (it is
 *   not dropped even after 10+ s, sometimes it is after ~1 s), and `worker.evaluate()` on it neither
 *   resolves nor throws — it hangs. So "stopped" is judged from the CDP runningStatus, never from
 *   Playwright, and every probe evaluate here has a timeout.
 * - Waking: Chrome does not restart the worker by itself; it waits for an event the worker has a listener
 *   for. Opening an extension page (e.g. chrome-extension://ID/manifest.json or a popup) does NOT wake it
 *   (no fetch handler, so navigations skip the worker). `chrome.runtime.sendMessage(...)` from such a page
 *   (or a content script) does wake it, but only because the background registers `runtime.onMessage` (the
 *   empty stub background could not be woken that way). What works whatever the background does: CDP
 *   `ServiceWorker.startWorker({ scopeURL: 'chrome-extension://ID/' })` — serviceWorker() uses it. It runs
 *   the background script from the top in a fresh context (no install/startup event is dispatched).
 * - After the restart Chrome reuses the same DevTools target id, so the OLD Playwright Worker handle usually
 *   comes back to life (evaluate works again) and NO new 'serviceworker' event fires; if Playwright had
 *   dropped the handle, a new 'serviceworker' event fires instead. serviceWorker() handles both.
 * - Launch race: Playwright reports the worker as soon as its target exists, while the fresh install may still
 *   be 'new'/'installing'. Stopping it then makes Chrome start it again at once to finish installing, so
 *   launchExtension() returns only after CDP reports the version 'activated' + 'running'.
 * - Chrome's 30 s idle shutdown does not happen while Playwright is attached (a worker stayed 'running' for
 *   65 s with nothing to do): tests that need a suspended worker must call stopServiceWorkers().
 * - Timings here (2 cores): launch ≈ 0.5 s, stop ≈ 20 ms, serviceWorker() after a stop ≈ 0.55 s (0.5 s of it
 *   is the probe of the stale handle timing out).
 *
 * A slower machine, on purpose: `RS_E2E_SLOW=4` (a rate, 1–20) slows every page of the context (tabs, popups,
 * the extension's own pages) down that many times through CDP `Emulation.setCPUThrottlingRate`, so that a test
 * reading a state once before the page got to it fails here instead of on someone else's machine. Playwright opens
 * no CDP session on a service worker, so the worker is not throttled: run CPU burners beside it for that. Off by
 * default; CI does not set it.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import type { WxtBrowser } from 'wxt/browser';

/**
 * Type of the `chrome` global inside the extension (worker.evaluate / page.evaluate callbacks run there).
 * There is no global `chrome` type in this project on purpose (app code uses WXT's `browser`), so e2e files
 * that call `chrome.*` inside evaluate declare it module-locally: `declare const chrome: ChromeApi;`.
 */
export type ChromeApi = WxtBrowser;
declare const chrome: ChromeApi;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEMO_EXTENSION_DIR = path.join(REPO_ROOT, '.output/chrome-mv3-demo');
export const PROD_EXTENSION_DIR = path.join(REPO_ROOT, '.output/chrome-mv3');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// ---------------------------------------------------------------------------------------------------------
// Static server
// ---------------------------------------------------------------------------------------------------------

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface StaticServer {
  /** e.g. `http://127.0.0.1:43117` (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 at a random free port. `/` and directories serve their index.html. */
export async function startStaticServer(dir: string): Promise<StaticServer> {
  const root = path.resolve(dir);
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.writeHead(405).end();
          return;
        }
        const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        let file = path.join(root, pathname);
        if (file !== root && !file.startsWith(root + path.sep)) {
          res.writeHead(403).end();
          return;
        }
        const st = await stat(file).catch(() => null);
        if (st?.isDirectory()) file = path.join(file, 'index.html');
        const body = await readFile(file).catch(() => null);
        if (!body) {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${pathname}`);
          return;
        }
        res.writeHead(200, {
          'content-type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
          'content-length': body.length,
          'cache-control': 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Extension
// ---------------------------------------------------------------------------------------------------------

export interface LaunchOptions {
  /** Unpacked extension to load. Default: the demo build, `.output/chrome-mv3-demo`. */
  extensionDir?: string;
  /** Show a real window (the demo on a desktop). Default false: `--headless=new`. */
  headed?: boolean;
  /** Extra Chromium switches (e.g. a proxy for the privacy test). */
  args?: string[];
  /**
   * A profile folder to use and keep (a browser restart: launch again with the same folder). Default: a fresh
   * temporary profile, deleted on close.
   */
  userDataDir?: string;
  /**
   * Keep Chromium's back/forward cache on (Playwright turns it off with `--disable-back-forward-cache`): a test of
   * a page restored from it. Default false.
   */
  bfcache?: boolean;
}

export interface ServiceWorkerOptions {
  /**
   * true (default): if the worker is not running, start it via CDP `ServiceWorker.startWorker`.
   * false: only wait for it to come up by itself (e.g. after the test triggered an alarm or a message).
   */
  wake?: boolean;
  /** ms; default 15 000. */
  timeout?: number;
}

export interface Badge {
  text: string;
  /** [r, g, b, a], 0–255, as chrome.action.getBadgeBackgroundColor returns it. */
  color: number[];
}

export interface ExtensionHarness {
  context: BrowserContext;
  extensionId: string;
  /** `chrome-extension://<id>` (no trailing slash). */
  baseUrl: string;
  /** A live handle on the extension's service worker (wakes it if needed, see ServiceWorkerOptions). */
  serviceWorker(opts?: ServiceWorkerOptions): Promise<Worker>;
  /** Stops all service workers via CDP and waits until Chrome reports ours as stopped. */
  stopServiceWorkers(): Promise<void>;
  /** The extension's global badge (tabId-less). Wakes the worker if needed. */
  badge(): Promise<Badge>;
  close(): Promise<void>;
}

const LAUNCH_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Rejects after `ms`; the losing promise gets a no-op catch so it can't become an unhandled rejection. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  p.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

type RunningStatus = 'stopped' | 'starting' | 'running' | 'stopping';
type VersionStatus = 'new' | 'installing' | 'installed' | 'activating' | 'activated' | 'redundant';
interface SwState {
  runningStatus: RunningStatus;
  status: VersionStatus;
}

/**
 * Tests compare times taken here (Date.now() in node) with times the extension took (stored deadlines, the badge):
 * both must read the same wall clock. A shifted clock (faketime, scripts/china-night.sh) must shift Chromium's
 * too — its processes inherit the LD_PRELOAD — and by the same amount: `faketime '@…'` would restart the clock in
 * every new process, leaving the browser seconds behind. Throws when the worker's clock is off by over a second.
 */
async function checkSameClock(sw: Worker): Promise<void> {
  const before = Date.now();
  const theirs = await sw.evaluate(() => Date.now());
  const after = Date.now();
  const off = theirs < before ? theirs - before : theirs > after ? theirs - after : 0;
  if (Math.abs(off) > 1000)
    throw new Error(
      `Chromium's clock is ${off} ms off this process's clock (${new Date(theirs).toISOString()} vs ` +
        `${new Date(after).toISOString()}): a faked clock must shift both by one offset (faketime -f +N).`,
    );
}

/** `RS_E2E_SLOW` (see the header): the CPU throttling rate for every page, or undefined (off). */
function cpuThrottling(): number | undefined {
  const raw = process.env.RS_E2E_SLOW;
  if (raw === undefined || raw === '') return undefined;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate < 1 || rate > 20)
    throw new Error(`RS_E2E_SLOW must be a CPU throttling rate from 1 to 20, not ${JSON.stringify(raw)}`);
  return rate > 1 ? rate : undefined;
}

export async function launchExtension(opts: LaunchOptions = {}): Promise<ExtensionHarness> {
  const extensionDir = path.resolve(opts.extensionDir ?? DEMO_EXTENSION_DIR);
  const manifestText = await readFile(path.join(extensionDir, 'manifest.json'), 'utf8').catch((err: unknown) => {
    throw new Error(`No built extension at ${extensionDir} — run \`npm run build:all\` first.`, { cause: err });
  });
  const manifest = JSON.parse(manifestText) as { background?: { service_worker?: string } };
  const swPath = '/' + (manifest.background?.service_worker ?? 'background.js').replace(/^\//, '');

  const keepProfile = opts.userDataDir !== undefined;
  const userDataDir = opts.userDataDir ?? (await mkdtemp(path.join(tmpdir(), 'reply-sentinel-e2e-')));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      // --headless=new is passed explicitly below; Playwright's own headless switch must stay off.
      headless: false,
      ...(opts.bfcache && { ignoreDefaultArgs: ['--disable-back-forward-cache'] }),
      args: [
        ...LAUNCH_ARGS.filter((a) => !(opts.headed && a === '--headless=new')),
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
        ...(opts.args ?? []),
      ],
    });
  } catch (err) {
    if (!keepProfile) await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }

  const slow = cpuThrottling();
  if (slow) {
    const throttle = (page: Page) =>
      context
        .newCDPSession(page)
        .then((cdp) => cdp.send('Emulation.setCPUThrottlingRate', { rate: slow }))
        .catch(() => {}); // a page closed at once
    for (const page of context.pages()) void throttle(page);
    context.on('page', (page) => void throttle(page));
  }

  const isOurs = (w: Worker) => {
    const u = new URL(w.url());
    return u.protocol === 'chrome-extension:' && u.pathname === swPath;
  };

  let extensionId: string;
  try {
    const first =
      context.serviceWorkers().find(isOurs) ??
      (await context.waitForEvent('serviceworker', { predicate: isOurs, timeout: 20_000 }));
    extensionId = new URL(first.url()).host;
  } catch (err) {
    await context.close().catch(() => {});
    if (!keepProfile) await rm(userDataDir, { recursive: true, force: true });
    throw new Error(`The extension's service worker did not start (${extensionDir}): ${String(err)}`, {
      cause: err,
    });
  }
  const baseUrl = `chrome-extension://${extensionId}`;
  const scopeURL = `${baseUrl}/`;

  /**
   * Runs `fn` with a ServiceWorker-enabled CDP session on some page (the domain is page-only) and a function
   * that waits until our worker's version reaches a state. Uses an existing page if there is one, else
   * opens (and afterwards closes) a blank one. The session is detached afterwards so tests never see it.
   */
  async function withSwSession<T>(
    fn: (cdp: CDPSession, waitFor: (want: Partial<SwState>, timeout: number) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    let page = context.pages().find((p) => !p.isClosed());
    const ownPage = !page;
    if (!page) page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    let state: SwState | undefined;
    const listeners = new Set<() => void>();
    cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
      for (const v of e.versions) {
        if (!v.scriptURL.startsWith(scopeURL) || v.status === 'redundant') continue;
        state = { runningStatus: v.runningStatus as RunningStatus, status: v.status as VersionStatus };
        for (const l of listeners) l();
      }
    });
    const waitFor = (want: Partial<SwState>, timeout: number) =>
      withTimeout(
        new Promise<void>((resolve) => {
          const check = () => {
            if (!state) return;
            if (want.runningStatus && state.runningStatus !== want.runningStatus) return;
            if (want.status && state.status !== want.status) return;
            listeners.delete(check);
            resolve();
          };
          listeners.add(check);
          check();
        }),
        timeout,
        `service worker state ${JSON.stringify(want)} (last seen: ${JSON.stringify(state ?? null)})`,
      );
    try {
      await cdp.send('ServiceWorker.enable'); // replays the current registrations/versions as events
      return await fn(cdp, waitFor);
    } finally {
      await cdp.detach().catch(() => {});
      if (ownPage) await page.close().catch(() => {});
    }
  }

  /** A Playwright handle on our worker that actually answers, or null. Probes all candidates in parallel. */
  async function liveHandle(probeMs: number): Promise<Worker | null> {
    const candidates = context.serviceWorkers().filter(isOurs);
    if (candidates.length === 0) return null;
    try {
      return await Promise.any(
        candidates.map((w) =>
          withTimeout(
            w.evaluate(() => 1),
            probeMs,
            'probe',
          ).then(() => w),
        ),
      );
    } catch {
      return null;
    }
  }

  async function serviceWorker(swOpts: ServiceWorkerOptions = {}): Promise<Worker> {
    const { wake = true, timeout = 15_000 } = swOpts;
    const deadline = Date.now() + timeout;
    const quick = await liveHandle(500);
    if (quick) return quick;
    if (wake) {
      await withSwSession(async (cdp, waitFor) => {
        await cdp.send('ServiceWorker.startWorker', { scopeURL });
        await waitFor({ runningStatus: 'running' }, Math.max(1000, deadline - Date.now()));
      });
    }
    // The old handle revives, or Playwright reports a new 'serviceworker' — poll for either.
    while (Date.now() < deadline) {
      const w = await liveHandle(1000);
      if (w) return w;
      await sleep(100);
    }
    throw new Error(`No live service worker for ${extensionId} within ${timeout} ms (wake: ${wake})`);
  }

  async function stopServiceWorkers(): Promise<void> {
    await withSwSession(async (cdp, waitFor) => {
      // Stopping a worker that is not activated yet makes Chrome start it again to finish installing.
      await waitFor({ status: 'activated' }, 10_000);
      await cdp.send('ServiceWorker.stopAllWorkers');
      await waitFor({ runningStatus: 'stopped', status: 'activated' }, 10_000);
    });
  }

  async function badge(): Promise<Badge> {
    const w = await serviceWorker();
    return w.evaluate(async () => ({
      text: await chrome.action.getBadgeText({}),
      color: Array.from(await chrome.action.getBadgeBackgroundColor({})),
    }));
  }

  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    try {
      await context.close();
    } finally {
      if (!keepProfile) await rm(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  }

  // Playwright reports the worker as soon as its target exists, i.e. while the freshly installed version may
  // still be 'new'/'installing'. Hand it out only once it is activated and running (and answers).
  try {
    await withSwSession((_cdp, waitFor) => waitFor({ status: 'activated', runningStatus: 'running' }, 20_000));
    const sw = await serviceWorker({ wake: false, timeout: 10_000 });
    await checkSameClock(sw);
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }

  return { context, extensionId, baseUrl, serviceWorker, stopServiceWorkers, badge, close };
}
