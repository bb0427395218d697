/** Chromium set-up shared by the in-browser benchmarks (built on the e2e harness). */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH, DEMO_EXTENSION_DIR, launchExtension, type ExtensionHarness } from '../../test/e2e/harness';
import { sleep } from './stats';

/** The same switches as the e2e harness (headless new, no GPU, nothing phoning home). */
export const BENCH_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** PDD's clock runs all day, so the benchmarks measure the same work at any hour (as the e2e tests do). */
export const ALL_DAY_PDD = { ruleOverrides: { 'pdd.manual3min': { window: { startMin: 0, endMin: 1440 } } } };

const temps: string[] = [];

export async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

export async function cleanupTemps(): Promise<void> {
  for (const d of temps.splice(0)) await rm(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

/**
 * A private copy of the demo build, so that a rebuild elsewhere during a long benchmark cannot change the
 * extension under measurement. The copy also holds the render floor's blank page (BLANK_PAGE), which the
 * product itself does not have.
 */
export async function extensionCopy(from = DEMO_EXTENSION_DIR): Promise<string> {
  const dir = path.join(await tempDir('rs-bench-ext-'), 'ext');
  await cp(from, dir, { recursive: true });
  await writeFile(
    path.join(dir, BLANK_PAGE),
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8" /><title>blank</title></head>' +
      '<body><div id="root"></div><script src="/bench-blank.js"></script></body></html>\n',
  );
  // One node rendered, then the same two marks as the popup: rendered (now) and painted (the task after the frame).
  await writeFile(
    path.join(dir, 'bench-blank.js'),
    `document.getElementById('root').textContent = '响应哨兵';
performance.mark('rs-blank-rendered');
requestAnimationFrame(() => setTimeout(() => performance.mark('rs-blank-painted')));
`,
  );
  return dir;
}

/** The render floor: a blank page of the extension's own origin (one node, one tiny script), see extensionCopy. */
/**
 * The extension at `extensionDir` in a kept profile (a seeded one the A/B tools swap builds in): Chrome keeps an
 * extension's service-worker script in the profile (`Service Worker/ScriptCache`) and runs the cached one at the next
 * launch even when the files at the extension's path changed (same version), so without this both sides of an A/B
 * would run one worker. The cache is deleted first; Chrome then registers the worker again, at times only at a
 * second launch (retried once).
 */
export async function launchKeptProfile(extensionDir: string, userDataDir: string): Promise<ExtensionHarness> {
  await rm(path.join(userDataDir, 'Default/Service Worker/ScriptCache'), { recursive: true, force: true });
  const launch = () => launchExtension({ extensionDir, userDataDir });
  return launch().catch(launch);
}

export const BLANK_PAGE = 'bench-blank.html';

/**
 * One open of the blank page in a fresh tab: ms from navigation start to its `rs-blank-rendered` mark (the floor
 * of the popup's and the analytics page's first render: a new extension document in the same renderer process,
 * with nothing of the product's in it). Needs an extension from extensionCopy.
 */
export async function blankPageRenderMs(
  ext: ExtensionHarness,
  viewport: { width: number; height: number },
): Promise<number> {
  const page = await ext.context.newPage();
  try {
    await page.setViewportSize(viewport);
    await page.goto(`${ext.baseUrl}/${BLANK_PAGE}`);
    return await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const end = performance.now() + 30_000;
          const check = () => {
            const r = performance.getEntriesByName('rs-blank-rendered')[0];
            if (r && performance.getEntriesByName('rs-blank-painted')[0]) resolve(r.startTime);
            else if (performance.now() > end) reject(new Error('the blank page never marked rs-blank-rendered'));
            else setTimeout(check, 5);
          };
          check();
        }),
    );
  } finally {
    await page.close();
  }
}

/**
 * The naive peer: a content script that polls the DOM every second (querySelectorAll of every chat row and
 * message, reading their text), the way a simple extension would watch a workbench. Unpacked into a temp dir.
 */
export async function naiveExtension(): Promise<string> {
  const dir = await tempDir('rs-bench-naive-');
  await writeFile(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'naive poller (benchmark peer)',
      version: '1.0',
      content_scripts: [{ matches: ['http://127.0.0.1/*'], js: ['poll.js'], run_at: 'document_idle' }],
    }),
  );
  await writeFile(
    path.join(dir, 'poll.js'),
    `let polls = 0;
setInterval(() => {
  let chars = 0;
  for (const el of document.querySelectorAll('li.chat-item, li.onemsg')) chars += el.textContent.length;
  polls++;
  if (polls % 10 === 0) console.debug('naive-poll', polls, chars);
}, 1000);
`,
  );
  return dir;
}

/** A Chromium with only the given unpacked extension (or none). */
export async function launchWith(extensionDir: string | null): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = await tempDir('rs-bench-profile-');
  // Without an extension of its own the browser still runs with extensions enabled, as every user's does: the
  // baseline is "Chrome without Reply Sentinel", not "Chrome with its extension system switched off".
  const args = extensionDir
    ? [...BENCH_ARGS, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`]
    : BENCH_ARGS;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: false, // --headless=new is in the args, as in the harness
    args,
  });
  return { context, close: () => context.close() };
}

export function chromiumVersion(context: BrowserContext): string {
  return context.browser()?.version() ?? 'unknown';
}

/** Rows in one object store of the extension's database (counted in the worker, not shipped over CDP). */
export async function countStore(ext: ExtensionHarness, store: string): Promise<number> {
  const sw = await ext.serviceWorker();
  return sw.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('reply-sentinel');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(name, 'readonly').objectStore(name).count();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );
}

/**
 * A page with history (the large workbench): waits until its messages are stored (the count stops growing, read
 * every second), so samples measure live messages only.
 */
export async function untilHistoryStored(ext: ExtensionHarness, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  for (let stored = -1, n = await countStore(ext, 'events'); n !== stored; n = await countStore(ext, 'events')) {
    if (Date.now() > end) throw new Error('the workbench history never settled');
    stored = n;
    await sleep(1000);
  }
}

/**
 * The large workbench with `waiting` buyers waiting (their rows' counters ticking, as in section 2's badge windows)
 * and its scripted traffic paused: a quiet page whose thread time is what the benchmark adds.
 */
export async function largeWithWaiting(page: Page, waiting = 140): Promise<void> {
  await page.evaluate((n) => {
    type D = { buyers: { uid: string }[]; openUid: string; buyerSays(uid: string): void; pause(): void };
    const d = (window as unknown as { demo: D }).demo;
    for (const b of d.buyers.filter((x) => x.uid !== d.openUid).slice(0, n)) d.buyerSays(b.uid);
    d.pause();
  }, waiting);
}

/**
 * A demo workbench page (any platform's) with its first buyer's conversation open and a few messages of each kind
 * (the demo's own API: `open`, `buyerSays`, `robotSays`, `agentSays`, `systemSays`, where the page has them).
 */
export async function demoConversationOpen(page: Page): Promise<void> {
  await page.evaluate(() => {
    type Demo = Record<string, ((uid: string, text?: string) => void) | undefined> & { buyers?: { uid: string }[] };
    const demo = (window as unknown as { demo: Demo }).demo;
    const uid = demo.buyers?.[0]?.uid ?? '';
    demo.open?.(uid);
    for (let i = 0; i < 3; i++)
      for (const say of ['buyerSays', 'robotSays', 'agentSays', 'buyerSays', 'systemSays', 'agentSays'])
        demo[say]?.(uid);
  });
  await page.waitForTimeout(500);
}
