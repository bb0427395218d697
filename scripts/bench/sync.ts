/**
 * Issue 22's team-sync benchmark (`npm run bench -- --only=sync`): a shop of `agents` agents at `perDay` inquiries
 * a day each, against a local CouchDB-compatible server (pouchdb-server, in memory, on a random port; stopped
 * afterwards, also when something fails). Method and model: bench-results/README.md, "Issue 22".
 *
 * 1. Push latency under steady load: the agents (scripts/bench/sync-agents.ts, a child process) replay `liveSec`
 *    seconds of a business afternoon with the real pusher; every local change of a document → the moment the
 *    server's changes feed (read here, as the server's admin) delivers that content or a later one.
 * 2. The owner view's first render: the demo build in Chromium, team sync set up on the options page as the shop's
 *    `owner` user, the analytics page opened in its team view `opens` times: navigation start → the shop-wide
 *    figures rendered (`rs-shop-rendered`, components/analytics/ShopLive.tsx), with the blank-page floor before each.
 * 3. No extra work on the workbench page: structural (bundle check), every content script of the built extension
 *    is searched for the sync client's code (PouchDB, the CouchDB endpoints, lib/sync's names); the worker's bundle
 *    must contain them (the check's positive control).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { contentKey } from '../../lib/sync/docs';
import type { Page } from 'playwright-core';
import { REPO_ROOT, launchExtension, type ExtensionHarness } from '../../test/e2e/harness';
import { blankPageRenderMs } from './browser';
import { round, sleep, summarize, type Summary } from './stats';
import type { AgentsConfig } from './sync-agents';
import { ArrivalMatcher, DELETED, SYNC_MARKERS, businessRatePerSec, syncMarkersIn } from './sync-model';

export { SYNC_MARKERS };

export interface SyncBenchOptions {
  extensionDir: string;
  agents: number;
  perDay: number;
  liveSec: number;
  opens: number;
  log?: (s: string) => void;
}

/** The goals (issue 22). */
export const SYNC_GOAL_MS = { push: 2000, ownerView: 300 } as const;

const ADMIN = { user: 'admin', password: 'bench-admin-pw' };
export const PASSWORD_PREFIX = 'bench-pw-';
export const OWNER = { user: 'owner', password: 'bench-owner-pw' };
export const DB = 'shop';

export interface Couch {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const basic = (u: { user: string; password: string }) =>
  `Basic ${Buffer.from(`${u.user}:${u.password}`).toString('base64')}`;

/** pouchdb-server in memory (as test/e2e/team-sync.e2e.ts starts it): an admin, the shop's database, its users. */
export async function startCouch(agents: number): Promise<Couch> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rs-bench-couch-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/pouchdb-server/bin/pouchdb-server'), '--in-memory', '-p', String(port)],
    { cwd: dir, stdio: 'ignore' },
  );
  // Killed with the benchmark too (Ctrl+C, a timeout): a server left running would hold its port and memory.
  const onExit = () => child.kill();
  const onSignal = (sig: NodeJS.Signals) => {
    child.kill();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', onExit).once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const stop = async () => {
    process.off('exit', onExit).off('SIGINT', onSignal).off('SIGTERM', onSignal);
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await Promise.race([exited, sleep(5000)]);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(url).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 600) throw new Error('pouchdb-server did not start');
      await sleep(100);
    }
    const admin = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(`${url}${p}`, {
        method,
        headers: { 'Content-Type': 'application/json', Authorization: basic(ADMIN) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    };
    await fetch(`${url}/_config/admins/${ADMIN.user}`, { method: 'PUT', body: JSON.stringify(ADMIN.password) });
    await admin('PUT', `/${DB}`);
    const users = [
      ...Array.from({ length: agents }, (_, i) => ({ user: `agent${i + 1}`, password: `${PASSWORD_PREFIX}${i + 1}` })),
      OWNER,
    ];
    for (const u of users)
      await admin('PUT', `/_users/org.couchdb.user:${u.user}`, {
        name: u.user,
        password: u.password,
        roles: [],
        type: 'user',
      });
    await admin('PUT', `/${DB}/_security`, {
      admins: { names: [], roles: [] },
      members: { names: users.map((u) => u.user), roles: [] },
    });
    return { url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The server's changes feed from now on, as its admin: every change's arrival time, id and content. */
function watchFeed(url: string, onChange: (id: string, key: string, t: number) => void) {
  const abort = new AbortController();
  let resolveOpen!: () => void;
  const opened = new Promise<void>((r) => (resolveOpen = r));
  const done = (async () => {
    const res = await fetch(`${url}/${DB}/_changes?feed=continuous&include_docs=true&since=now&heartbeat=5000`, {
      // Uncompressed: pouchdb-server gzips what the client accepts, and a gzip stream holds lines back until it ends.
      headers: { Authorization: basic(ADMIN), 'Accept-Encoding': 'identity' },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) throw new Error(`changes feed: ${res.status}`);
    resolveOpen();
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const t = Date.now();
      buf += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const c = JSON.parse(line) as { id?: string; deleted?: boolean; doc?: object };
        if (c.id) onChange(c.id, c.deleted ? DELETED : contentKey(c.doc ?? {}), t);
      }
    }
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) throw err;
  });
  return { opened, stop: () => abort.abort(), done };
}

/** A summary, or null without samples. */
const some = (xs: number[]): Summary | null => (xs.length ? summarize(xs) : null);

/** Phase 1: the agents' steady load, and each local change's way to the server's feed. */
export async function pushLatency(couch: Couch, o: SyncBenchOptions) {
  const log = o.log ?? (() => undefined);
  const matcher = new ArrivalMatcher();
  const cfg: AgentsConfig = {
    url: `${couch.url}/${DB}`,
    agents: o.agents,
    perDay: o.perDay,
    liveSec: o.liveSec,
    passwordPrefix: PASSWORD_PREFIX,
  };
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules/jiti/lib/jiti-cli.mjs'),
      path.join(REPO_ROOT, 'scripts/bench/sync-agents.ts'),
      JSON.stringify(cfg),
    ],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let feed: ReturnType<typeof watchFeed> | undefined;
  try {
    const lines = createInterface({ input: child.stdout! });
    let ready: Record<string, unknown> | undefined;
    let done: Record<string, unknown> | undefined;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      void exited.then((code) => reject(new Error(`the agents exited (${code}) before they were ready`)));
      lines.on('line', (line) => {
        if (!line.startsWith('{')) return;
        const m = JSON.parse(line) as { type: string; [k: string]: unknown };
        if (m.type === 'w') matcher.expect(m.id as string, m.key as string, m.t as number);
        else if (m.type === 'ready') {
          ready = m;
          resolve();
        } else if (m.type === 'done') done = m;
        else if (m.type === 'error') reject(new Error(`agents: ${String(m.error)}`));
      });
    });
    log(`  agents ready: ${JSON.stringify(ready)}`);
    let delivered = 0;
    feed = watchFeed(couch.url, (id, key, t) => {
      delivered += 1;
      matcher.delivered(id, key, t);
    });
    await feed.opened;
    child.stdin!.write('go\n');
    const code = await exited;
    if (code !== 0 || !done) throw new Error(`the agents exited ${code} without their summary`);
    // The last pushes' changes on their way through the feed.
    for (let i = 0; i < 20 && matcher.pending(); i++) await sleep(500);
    const d = done as { steps: number; changes: number; pushMs: number[]; requestMs: number[]; errors: unknown[] };
    const all = matcher.arrivals.map((a) => a.ms);
    const byKind = (prefix: string) => some(matcher.arrivals.filter((a) => a.id.startsWith(prefix)).map((a) => a.ms));
    log(
      `  ${d.steps} local changes, ${matcher.expected} document changes, ${delivered} feed changes, ${all.length} settled`,
    );
    return round({
      model: {
        agents: o.agents,
        perDayPerAgent: o.perDay,
        shopPerDay: o.agents * o.perDay,
        inquiriesPerSecShop: businessRatePerSec(o.perDay) * o.agents,
        liveSec: o.liveSec,
      },
      seeded: ready!.seeded,
      seedMs: ready!.seedMs,
      warmupMs: ready!.warmupMs,
      localSteps: d.steps,
      docChanges: d.changes,
      feedChanges: delivered,
      latencyMs: some(all),
      byKind: { unit: byKind('u|'), rollup: byKind('r|'), queue: byKind('q|') },
      undelivered: matcher.pending(),
      pushMs: some(d.pushMs),
      bulkDocsMs: some(d.requestMs),
      pushes: d.pushMs.length,
      pushErrors: d.errors,
    });
  } finally {
    feed?.stop();
    await feed?.done.catch(() => undefined);
    if (child.exitCode === null) child.kill();
  }
}

/** Sets team sync on (options page form, as the e2e test does) for the owner. */
export async function configureOwner(ext: ExtensionHarness, url: string) {
  const page = await ext.context.newPage();
  try {
    await page.goto(`${ext.baseUrl}/options.html`);
    await page.locator('input[name="syncEnabled"]').check();
    await page.locator('input[name="syncUrl"]').fill(url);
    await page.locator('input[name="syncUser"]').fill(OWNER.user);
    await page.locator('input[name="syncPassword"]').fill(OWNER.password);
    await page.locator('input[name="syncLabel"]').fill('店主');
    await page.locator('#rs-sync-save').click();
    const end = Date.now() + 30_000;
    let text = '';
    while (!(text = (await page.locator('#rs-sync-result').textContent()) ?? '') && Date.now() < end) await sleep(200);
    if (!/已保存|Saved/.test(text)) throw new Error(`team sync for the owner was not saved: "${text}"`);
  } finally {
    await page.close();
  }
}

/** One open of the analytics page in its team view: ms to the shop-wide figures, and what they show. */
/**
 * When the page set performance mark `name` (ms from navigation start), polled in the page every `everyMs`; rejects
 * when the owner view shows an error or its "off" notice instead, or after 300 s.
 */
function markTime(page: Page, name: string, everyMs: number): Promise<number> {
  return page.evaluate(
    ([name, everyMs]) =>
      new Promise<number>((resolve, reject) => {
        const end = performance.now() + 300_000;
        const check = () => {
          const m = performance.getEntriesByName(name)[0];
          if (m) resolve(m.startTime);
          else if (document.querySelector('#ana-shop-error, #ana-shop-off'))
            reject(new Error(document.querySelector('#ana-shop')?.textContent ?? 'owner view error'));
          else if (performance.now() > end) reject(new Error(`the owner view never set ${name}`));
          else setTimeout(check, everyMs);
        };
        check();
      }),
    [name, everyMs] as const,
  );
}

async function openOwnerView(ext: ExtensionHarness) {
  const page = await ext.context.newPage();
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${ext.baseUrl}/analytics.html`);
    const renderedMs = await markTime(page, 'rs-shop-rendered', 5);
    const shown = await page.evaluate(() => ({
      rules: document.querySelectorAll('#ana-shop-rules tbody tr').length,
      agents: document.querySelectorAll('#ana-shop-agents tbody tr').length,
      counted: [...document.querySelectorAll('#ana-shop-agents td[data-col="counted"]')].reduce(
        (n, td) => n + Number(td.textContent),
        0,
      ),
      // Buyers waiting (the title's count) and the rows listed (the most urgent `SHOP_WAITING_SHOWN`).
      waiting: Number(/\d+/.exec(document.querySelector('#ana-shop-waiting-title')?.textContent ?? '')?.[0] ?? NaN),
      waitingRows: document.querySelectorAll('#ana-shop-waiting tbody tr').length,
    }));
    // Then the exact figures (the units of today the view reads after its first screen): reported, and waited for
    // so that the server is idle again for the next open (a page closed earlier leaves its reads running there).
    const unitsMs = await markTime(page, 'rs-shop-units', 20);
    return { renderedMs, unitsMs, shown };
  } finally {
    await page.close();
  }
}

/** Phase 2: the owner's analytics page, team view, over what the agents pushed. */
async function ownerView(couch: Couch, o: SyncBenchOptions) {
  const log = o.log ?? (() => undefined);
  const ext = await launchExtension({ extensionDir: o.extensionDir });
  try {
    await configureOwner(ext, `${couch.url}/${DB}`);
    const setup = await ext.context.newPage();
    await setup.goto(`${ext.baseUrl}/analytics.html`);
    await setup.evaluate(() =>
      localStorage.setItem('rs-analytics', JSON.stringify({ state: { view: 'team' }, version: 1 })),
    );
    await setup.close();
    await sleep(500);
    const cold = await openOwnerView(ext);
    if (cold.shown.agents < o.agents || !cold.shown.rules || !cold.shown.counted)
      throw new Error(`the owner view did not show the shop's figures: ${JSON.stringify(cold.shown)}`);
    log(`  owner view, first open: ${cold.renderedMs.toFixed(0)} ms, ${JSON.stringify(cold.shown)}`);
    const rendered: number[] = [];
    const units: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < o.opens; i++) {
      floor.push(await blankPageRenderMs(ext, { width: 1280, height: 900 }));
      await sleep(500);
      const open = await openOwnerView(ext);
      rendered.push(open.renderedMs);
      units.push(open.unitsMs);
      await sleep(500);
    }
    log(`  owner view: ${JSON.stringify(summarize(rendered))}`);
    return round({
      coldMs: cold.renderedMs,
      renderedMs: summarize(rendered),
      unitsMs: summarize(units),
      floorMs: summarize(floor),
      shown: cold.shown,
    });
  } finally {
    await ext.close();
  }
}

/**
 * Phase 3: every content script of the built extension, searched for the sync client's code. The worker's bundle
 * is the positive control (it must contain the markers, or the search proves nothing).
 */
export async function contentBundleCheck(extensionDir: string) {
  const dir = path.join(extensionDir, 'content-scripts');
  const scripts: Record<string, string[]> = {};
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.js')).sort())
    scripts[f] = syncMarkersIn(await readFile(path.join(dir, f), 'utf8'));
  const worker = syncMarkersIn(await readFile(path.join(extensionDir, 'background.js'), 'utf8'));
  const clean = Object.values(scripts).every((m) => m.length === 0);
  return { scripts, worker, clean, controlOk: worker.length === SYNC_MARKERS.length, met: clean && worker.length > 0 };
}

export async function measureSync(o: SyncBenchOptions) {
  const log = o.log ?? (() => undefined);
  const bundle = await contentBundleCheck(o.extensionDir);
  log(
    `  content scripts: ${bundle.clean ? 'no sync code' : JSON.stringify(bundle.scripts)}; worker: ${bundle.worker.join(', ')}`,
  );
  const couch = await startCouch(o.agents);
  try {
    const push = await pushLatency(couch, o);
    log(`  push latency: ${JSON.stringify(push.latencyMs)} (undelivered ${push.undelivered})`);
    const owner = await ownerView(couch, o);
    return { push, owner, bundle };
  } finally {
    await couch.stop();
  }
}

export type SyncBenchResult = Awaited<ReturnType<typeof measureSync>>;
export type { Summary };
