/** Chromium set-up shared by the in-browser benchmarks (built on the e2e harness). */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_PATH, DEMO_EXTENSION_DIR } from '../../test/e2e/harness';

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
 * extension under measurement.
 */
export async function extensionCopy(): Promise<string> {
  const dir = path.join(await tempDir('rs-bench-ext-'), 'ext');
  await cp(DEMO_EXTENSION_DIR, dir, { recursive: true });
  return dir;
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
