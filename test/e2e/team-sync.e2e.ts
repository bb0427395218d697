/**
 * Team sync against a CouchDB-compatible server (pouchdb-server, in memory, started here with users and a database
 * only shop members may use), with two browser profiles as two agents of one shop:
 * - a wrong password gives a clear error, stores nothing, and nothing is sent anywhere but the shop's server;
 * - the owner's view (analytics, team view) merges both agents' figures without counting a buyer twice, and shows
 *   the buyers waiting now across agents, live from the changes feed;
 * - an agent offline, then back, loses nothing; the server down, then back, loses nothing; an agent offline for
 *   days sends those days when back, and the owner sees them in the 7-day period;
 * - two agents sharing the account in shifts on those older days: the 7-day period counts every wait once (the
 *   per-wait digests, read by id with a POST `_all_docs`), where the day summaries alone count one agent's shift;
 * - an owner who is not an agent reads the shop view only (a third profile, view only: nothing of its own sent);
 * - turning sync off withdraws that agent's waiting buyers from the server first, then nothing is sent; with the
 *   server unreachable it still turns off in time and says so, an open owner view closes its feed, and turning on
 *   again later brings the server back to this browser's state.
 * Each agent reaches the server through its own small TCP relay, so the test can cut one agent off (offline) or
 * both (the server's address unreachable: what an agent sees of a server that is down).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDay } from '../../lib/engine/time';
import { allDayOverrides, putRows, readStore, seedSettings, type Row } from './db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness, type StaticServer } from './harness';
import { rollupRow } from '../unit/helpers/rollups';

declare const demo: { buyerSays(uid: string, text?: string): string };

// Makes Playwright report the service worker's network requests too (Chromium).
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

const ADMIN = { user: 'admin', password: 'admin-pw' };
const AGENTS = { a: { user: 'agent1', password: 'pw-agent-1' }, b: { user: 'agent2', password: 'pw-agent-2' } };
/** The shop owner, who is not an agent: view only. */
const OWNER = { user: 'owner', password: 'pw-owner' };
const SECRET = '我的地址是秘密街 42 号';
const SHOP = '演示旗舰店';
const METRIC = 'pdd.manual3min';

let couchDir: string;
let couch: ChildProcess;
let couchUrl: string;
let server: StaticServer;
const relays: Record<'a' | 'b', Relay> = {} as never;
const ext: Record<'a' | 'b', ExtensionHarness> = {} as never;
let ownerExt: ExtensionHarness | undefined;
const seen: Record<'a' | 'b', string[]> = { a: [], b: [] };

/** A TCP relay to the server that can be cut (`down`: connections refused, open ones dropped). */
interface Relay {
  url: string;
  down: boolean;
  setDown(down: boolean): void;
  close(): Promise<void>;
}

async function startRelay(to: number): Promise<Relay> {
  const open = new Set<Socket>();
  const srv: Server = createServer((sock) => {
    if (relay.down) return sock.destroy();
    const up = connect(to, '127.0.0.1');
    open.add(sock).add(up);
    const drop = () => {
      sock.destroy();
      up.destroy();
      open.delete(sock);
      open.delete(up);
    };
    sock.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
    sock.pipe(up).pipe(sock);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const relay: Relay = {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    down: false,
    setDown(down) {
      relay.down = down;
      if (down) for (const s of open) s.destroy();
    },
    close: () => new Promise((r) => srv.close(() => r())),
  };
  return relay;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A request to the server as its admin (JSON in and out). */
async function admin(method: string, p: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${couchUrl}${p}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function startCouch(): Promise<void> {
  couchDir = await mkdtemp(path.join(tmpdir(), 'reply-sentinel-couch-'));
  const port = await freePort();
  couchUrl = `http://127.0.0.1:${port}`;
  // It writes log.txt / config.json into its working directory: a temp dir, removed afterwards.
  couch = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/pouchdb-server/bin/pouchdb-server'), '--in-memory', '-p', String(port)],
    { cwd: couchDir, stdio: 'ignore' },
  );
  for (let i = 0; ; i++) {
    if (
      await fetch(couchUrl).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error('pouchdb-server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Out of "admin party": an admin, the shop's database, one user per agent, members only.
  await fetch(`${couchUrl}/_config/admins/${ADMIN.user}`, { method: 'PUT', body: JSON.stringify(ADMIN.password) });
  await admin('PUT', '/shop');
  for (const a of [...Object.values(AGENTS), OWNER])
    await admin('PUT', `/_users/org.couchdb.user:${a.user}`, {
      name: a.user,
      password: a.password,
      roles: [],
      type: 'user',
    });
  await admin('PUT', '/shop/_security', {
    admins: { names: [], roles: [] },
    members: { names: [...Object.values(AGENTS), OWNER].map((a) => a.user), roles: [] },
  });
}

const today = () => chinaDay(Date.now());
/** When the judged waits of the seeded units started (an hour before the test). */
const START = Date.now() - 3_600_000;

function unit(buyer: string, result: 'pass' | 'fail' | 'unknown', startAt: number, day = today()): Row {
  return {
    id: `${METRIC}|pdd|${SHOP}|${buyer}|${startAt}`,
    metric: METRIC,
    platform: 'pdd',
    account: SHOP,
    buyer,
    conv: `pdd|${SHOP}|${buyer}`,
    buyerNick: `${buyer.slice(0, 1)}***`,
    day,
    startAt,
    dueAt: startAt + 180_000,
    replyAt: result === 'pass' ? startAt + 30_000 : null,
    responseSec: result === 'pass' ? 30 : null,
    cappedSec: result === 'unknown' ? null : result === 'pass' ? 30 : 180,
    result,
    rulesVersion: 'e2e',
  };
}

/** Fills and saves the options page's team sync form; returns the result text. */
async function configure(who: 'a' | 'b', password: string): Promise<string> {
  const page = await ext[who].context.newPage();
  await page.goto(`${ext[who].baseUrl}/options.html`);
  await page.locator('input[name="syncEnabled"]').check();
  await page.locator('input[name="syncUrl"]').fill(`${relays[who].url}/shop`);
  await page.locator('input[name="syncUser"]').fill(AGENTS[who].user);
  await page.locator('input[name="syncPassword"]').fill(password);
  await page.locator('input[name="syncLabel"]').fill(who === 'a' ? '客服甲' : '客服乙');
  await page.locator('#rs-sync-save').click();
  await expect.poll(() => page.locator('#rs-sync-result').textContent(), { timeout: 15_000 }).not.toBe('');
  const text = (await page.locator('#rs-sync-result').textContent()) ?? '';
  await page.close();
  return text;
}

/** Every document in the shop's database (as its admin). */
async function serverDocs(): Promise<Record<string, unknown>[]> {
  const res = (await admin('GET', '/shop/_all_docs?include_docs=true')) as { rows: { doc: Record<string, unknown> }[] };
  return res.rows.map((r) => r.doc);
}

/** The agent id a browser stores. */
async function agentOf(who: 'a' | 'b'): Promise<string> {
  return (await readStore(ext[who], 'meta')).find((r) => r.key === 'agentId')?.value as string;
}

/** The buyers an agent has waiting on the server (its queue document's entries; none as single clock documents). */
async function waitingOnServer(agent: string): Promise<string[]> {
  const docs = (await serverDocs()).filter((d) => d.agent === agent);
  if (docs.some((d) => d.kind === 'clock')) throw new Error('a waiting buyer as a single clock document');
  return docs
    .filter((d) => d.kind === 'queue')
    .flatMap((d) => (d.clocks as { buyer: string }[]).map((c) => c.buyer))
    .sort();
}

let owner: Page;
/** A cell of the owner's per-rule table. */
const ruleCell = (col: string) => owner.locator(`#ana-shop-rules tr[data-metric="${METRIC}"] td[data-col="${col}"]`);

async function buyerWaits(who: 'a' | 'b', uid: string): Promise<Page> {
  const page = await ext[who].context.newPage();
  await page.goto(`${server.url}/pdd/index.html?auto=0`);
  await expect.poll(async () => (await readStore(ext[who], 'tabs')).length, { timeout: 15_000 }).toBeGreaterThan(0);
  await page.evaluate(([u, text]) => demo.buyerSays(u!, text), [uid, SECRET]);
  return page;
}

beforeAll(async () => {
  await startCouch();
  const port = Number(new URL(couchUrl).port);
  relays.a = await startRelay(port);
  relays.b = await startRelay(port);
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  for (const who of ['a', 'b'] as const) {
    ext[who] = await launchExtension();
    ext[who].context.on('request', (r) => seen[who].push(r.url()));
    await seedSettings(ext[who], { ruleOverrides: allDayOverrides() });
  }
}, 120_000);

afterAll(async () => {
  for (const who of ['a', 'b'] as const) await ext[who]?.close();
  await ownerExt?.close();
  await server?.close();
  for (const r of Object.values(relays)) await r.close();
  couch?.kill();
  if (couchDir) await rm(couchDir, { recursive: true, force: true });
});

// Each test's own time limit only guards against a hang: above the sum of its polls' bounds, which are what the test
// allows the product (a slower machine made the view-only test take over 90 s: RS_E2E_SLOW=6 at load ~20).
describe('team sync to the shop’s CouchDB', () => {
  it('while off, nothing is sent; a wrong password is a clear error, stores nothing, reaches nothing else', async () => {
    await putRows(ext.a, 'units', [unit('s-shared', 'pass', START)]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(seen.a.filter((u) => u.startsWith(relays.a.url))).toEqual([]);
    const text = await configure('a', 'not-the-password');
    expect(text).toMatch(/用户名或密码错误|Wrong user name or password/);
    expect((await readStore(ext.a, 'meta')).find((r) => r.key === 'teamSync')).toBeUndefined();
    expect(await serverDocs()).toEqual([]);
    const outside = seen.a.filter(
      (u) => !u.startsWith(relays.a.url) && !u.startsWith('chrome-extension://') && !u.startsWith('data:'),
    );
    expect(outside).toEqual([]);
    expect(seen.a.some((u) => u.startsWith(relays.a.url))).toBe(true); // the check did reach the server
  });

  it('two agents of one shop: the owner view merges their figures without counting a buyer twice', async () => {
    // Both agents judged two shared buyers (the first: A saw the reply, B's tab was closed: unknown; the second:
    // both saw it). Each also has a buyer of its own. Added up, that would be 4 passes and 1 unknown.
    await putRows(ext.a, 'units', [
      unit('s-shared', 'pass', START),
      unit('s-shared2', 'pass', START + 500),
      unit('s-only-a', 'fail', START + 1000),
    ]);
    await putRows(ext.b, 'units', [
      unit('s-shared', 'unknown', START),
      unit('s-shared2', 'pass', START + 500),
      unit('s-only-b', 'pass', START + 2000),
    ]);
    expect(await configure('a', AGENTS.a.password)).toMatch(/已保存|Saved/);
    expect(await configure('b', AGENTS.b.password)).toMatch(/已保存|Saved/);
    const waiting = await buyerWaits('a', '802114');

    await expect
      .poll(async () => (await serverDocs()).filter((d) => d.kind === 'unit' && d.day === today()).length, {
        timeout: 20_000,
      })
      .toBeGreaterThanOrEqual(6);
    await expect
      .poll(async () => (await waitingOnServer(await agentOf('a'))).includes('802114'), { timeout: 20_000 })
      .toBe(true);
    const docs = await serverDocs();
    // Derived data only: no message text anywhere (the buyer's question is in A's database, never on the server).
    expect(JSON.stringify(docs)).not.toContain('秘密街');
    expect(
      docs
        .filter((d) => d.kind === 'agent')
        .map((d) => d.label)
        .sort(),
    ).toEqual(['客服乙', '客服甲']);
    // Each browser pushes as the agent id it stores (the settings page's status read and the first push once
    // created one each: the documents went out under one, the stored id was the other).
    const stored = async (who: 'a' | 'b') =>
      (await readStore(ext[who], 'meta')).find((r) => r.key === 'agentId')?.value as string;
    const ids = [await stored('a'), await stored('b')];
    expect(
      docs
        .filter((d) => d.kind === 'agent')
        .map((d) => d.agent)
        .sort(),
    ).toEqual([...ids].sort());
    expect(new Set(docs.filter((d) => !String(d._id).startsWith('_')).map((d) => d.agent))).toEqual(new Set(ids));

    owner = await ext.a.context.newPage();
    await owner.goto(`${ext.a.baseUrl}/analytics.html`);
    await owner
      .locator('select')
      .filter({ has: owner.locator('option[value="team"]') })
      .selectOption('team');
    await expect
      .poll(async () => [await ruleCell('pass').textContent(), await ruleCell('fail').textContent()], {
        timeout: 20_000,
      })
      .toEqual(['3', '1']);
    // Read once exact (its first screen, the agents' summaries, may show the same totals before the units).
    await owner.locator('#ana-shop[data-exact]').waitFor({ timeout: 20_000 });
    expect([await ruleCell('pass').textContent(), await ruleCell('fail').textContent()]).toEqual(['3', '1']);
    expect(await ruleCell('unknown').textContent()).toBe('0');
    // Each agent's own figures stay theirs.
    const agentCell = (label: string, col: string) =>
      owner.locator('#ana-shop-agents tr', { hasText: label }).locator(`td[data-col="${col}"]`).textContent();
    expect([await agentCell('客服甲', 'pass'), await agentCell('客服甲', 'fail')]).toEqual(['2', '1']);
    expect([await agentCell('客服乙', 'pass'), await agentCell('客服乙', 'fail')]).toEqual(['2', '0']);
    await expect.poll(() => owner.locator(`#ana-shop-waiting tr[data-conv="pdd|${SHOP}|802114"]`).count()).toBe(1);
    // Opened again, the page starts in its team view (kept): the owner view's connection and first read begin in the
    // page's first script (lib/sync/shop-first.ts), the view takes them, and shows the same figures.
    const again = await ext.a.context.newPage();
    // The database's `info` (GET of its URL, read with the first screen): once when the view takes the early start,
    // twice when it starts its own (`takeShopStart` not taking it) — which `earlyRead` and `taken` alone do not tell.
    const infoReads: string[] = [];
    again.on('request', (r) => {
      const url = new URL(r.url());
      if (r.method() === 'GET' && url.pathname.replace(/\/+$/, '') === '/shop' && !url.search) infoReads.push(r.url());
    });
    await again.goto(`${ext.a.baseUrl}/analytics.html`);
    const againCell = (col: string) =>
      again.locator(`#ana-shop-rules tr[data-metric="${METRIC}"] td[data-col="${col}"]`);
    await expect
      .poll(async () => [await againCell('pass').textContent(), await againCell('fail').textContent()], {
        timeout: 20_000,
      })
      .toEqual(['3', '1']);
    expect(
      await again.evaluate(() => ({
        earlyRead: performance.getEntriesByName('rs-shop-first').length,
        taken: globalThis.__rsShopFirst === undefined,
      })),
    ).toEqual({ earlyRead: 1, taken: true });
    expect(infoReads).toHaveLength(1);
    await again.close();
    await waiting.close();
  }, 180_000);

  it('an agent offline, then back, loses nothing (the owner view updates live)', async () => {
    relays.b.setDown(true);
    const page = await buyerWaits('b', '733519');
    // B's extension keeps what it could not send and says so.
    const options = await ext.b.context.newPage();
    await options.goto(`${ext.b.baseUrl}/options.html`);
    await expect
      .poll(() => options.locator('#rs-sync-state').textContent(), { timeout: 20_000 })
      .toMatch(/无法连接服务器|Cannot reach the server/);
    expect((await serverDocs()).some((d) => d.buyer === '733519')).toBe(false);
    relays.b.setDown(false);
    await expect
      .poll(() => owner.locator(`#ana-shop-waiting tr[data-conv="pdd|${SHOP}|733519"]`).count(), { timeout: 45_000 })
      .toBe(1);
    await expect
      .poll(() => options.locator('#rs-sync-state').textContent(), { timeout: 20_000 })
      .toMatch(/已同步|In sync/);
    await options.close();
    await page.close();
  }, 180_000);

  it('the server down, then back, loses nothing', async () => {
    relays.a.setDown(true);
    relays.b.setDown(true);
    await putRows(ext.a, 'units', [unit('s-down-a', 'pass', START + 3000)]);
    await putRows(ext.b, 'units', [unit('s-down-b', 'fail', START + 4000)]);
    // A real change in each profile makes each push (and fail).
    const pa = await buyerWaits('a', '915002');
    const pb = await buyerWaits('b', '640087');
    await new Promise((r) => setTimeout(r, 3000));
    expect((await serverDocs()).some((d) => d.buyer === 's-down-a' || d.buyer === 's-down-b')).toBe(false);
    relays.a.setDown(false);
    relays.b.setDown(false);
    await expect
      .poll(
        async () =>
          (await serverDocs())
            .filter((d) => d.kind === 'unit')
            .map((d) => d.buyer)
            .filter((b) => b === 's-down-a' || b === 's-down-b')
            .sort(),
        { timeout: 45_000 },
      )
      .toEqual(['s-down-a', 's-down-b']);
    // The two agents' documents reach the owner's feed one by one: wait for both figures together.
    await expect
      .poll(async () => [await ruleCell('pass').textContent(), await ruleCell('fail').textContent()], {
        timeout: 20_000,
      })
      .toEqual(['4', '2']);
    for (const uid of ['915002', '640087'])
      await expect
        .poll(() => owner.locator(`#ana-shop-waiting tr[data-conv="pdd|${SHOP}|${uid}"]`).count(), { timeout: 20_000 })
        .toBe(1);
    await pa.close();
    await pb.close();
  }, 240_000);

  it('an agent offline for 3 days, back: the owner sees those days (7-day period)', async () => {
    relays.b.setDown(true);
    // What B judged on the three days before yesterday, while its pushes could not reach the server.
    const old = [2, 3, 4].map((back) => chinaDay(Date.now() - back * 86_400_000));
    const rows = old.flatMap((day, i) => [
      unit(`s-old-${i}-p`, 'pass', START - (i + 2) * 86_400_000, day),
      unit(`s-old-${i}-f`, 'fail', START - (i + 2) * 86_400_000 + 1000, day),
    ]);
    await putRows(ext.b, 'units', rows);
    await putRows(
      ext.b,
      'rollups',
      old.map((day): Row => ({
        ...rollupRow(METRIC, day, { pass: 1, fail: 1, cappedSum: 210, cappedCount: 2, updatedAt: Date.now() }, SHOP),
      })),
    );
    const page = await buyerWaits('b', '511920'); // a change: B tries to push, and fails
    await new Promise((r) => setTimeout(r, 2000));
    expect((await serverDocs()).some((d) => typeof d.buyer === 'string' && d.buyer.startsWith('s-old-'))).toBe(false);
    relays.b.setDown(false);
    await expect
      .poll(
        async () =>
          (await serverDocs())
            .filter((d) => d.kind === 'unit' && old.includes(d.day as string))
            .map((d) => d.buyer)
            .sort(),
        { timeout: 45_000 },
      )
      .toEqual(rows.map((r) => r.buyer).sort());
    expect((await serverDocs()).filter((d) => d.kind === 'rollup' && old.includes(d.day as string))).toHaveLength(3);
    // The owner's 7-day period: today's units (4 passed, 2 late) and B's three older days (3 and 3).
    await owner.locator('#ana-shop-range').selectOption('7d');
    await expect
      .poll(async () => [await ruleCell('pass').textContent(), await ruleCell('fail').textContent()], {
        timeout: 20_000,
      })
      .toEqual(['7', '5']);
    // Today alone is as before.
    await owner.locator('#ana-shop-range').selectOption('today');
    await expect
      .poll(async () => [await ruleCell('pass').textContent(), await ruleCell('fail').textContent()], {
        timeout: 20_000,
      })
      .toEqual(['4', '2']);
    await page.close();
  }, 240_000);

  it('the other agent’s shift on those older days: the 7-day period counts every wait once (digests)', async () => {
    // A judged the same three days too: one of B's buyers (its tab missed the reply: unknown), two of its own.
    const old = [2, 3, 4].map((back) => chinaDay(Date.now() - back * 86_400_000));
    const agentA = (await readStore(ext.a, 'meta')).find((r) => r.key === 'agentId')!.value as string;
    await putRows(
      ext.a,
      'units',
      old.flatMap((day, i) => [
        unit(`s-old-${i}-p`, 'unknown', START - (i + 2) * 86_400_000, day),
        unit(`s-old-a${i}-1`, 'pass', START - (i + 2) * 86_400_000 + 2000, day),
        unit(`s-old-a${i}-2`, 'pass', START - (i + 2) * 86_400_000 + 3000, day),
      ]),
    );
    await putRows(
      ext.a,
      'rollups',
      old.map((day): Row => ({
        ...rollupRow(
          METRIC,
          day,
          { pass: 2, fail: 0, unknown: 1, cappedSum: 60, cappedCount: 2, updatedAt: Date.now() },
          SHOP,
        ),
      })),
    );
    // A worker's first push compares every day with the server (these rows were written behind Dexie's back).
    await ext.a.stopServiceWorkers();
    await ext.a.serviceWorker();
    await expect
      .poll(
        async () =>
          (await serverDocs()).filter((d) => d.kind === 'digest' && d.agent === agentA && old.includes(d.day as string))
            .length,
        { timeout: 45_000 },
      )
      .toBe(3);
    // Each day A's copy is the fuller summary (2 passed, 1 unknown, against B's 1 and 1): alone, the 7-day period
    // would count today's 4 and 2 plus 3 × (2 passed, 0 late, 1 unknown) = 10, 2, 3. Every wait once: each day B's
    // pass and fail, A's two passes (the shared buyer counted once, as B's pass) = 13, 5, and no unknown of the
    // older days. Today's own unknowns are not this test's: the buyers the tests above left waiting (their tabs
    // closed) turn unknown 3 minutes after they asked, which on a slow machine is before this point (the test
    // failed so with "1" and "4" at load 17–40). So the 7-day unknowns are compared with today's, read just before.
    // Each period is read once exact (`#ana-shop[data-exact]`): its first screen, the agents' summaries alone, comes
    // first and is not the figure under test (CI read it, 6, 0 and 3, when the digests took a while to arrive).
    const exactly = async (range: string) => {
      await owner.locator('#ana-shop-range').selectOption(range);
      await owner.locator('#ana-shop[data-exact]').waitFor({ timeout: 20_000 });
      return [
        await ruleCell('pass').textContent(),
        await ruleCell('fail').textContent(),
        Number(await ruleCell('unknown').textContent()),
      ] as const;
    };
    await expect
      .poll(
        async () => {
          const today = await exactly('today');
          const [pass, fail, unknown] = await exactly('7d');
          return [today[0], pass, fail, unknown - today[2]];
        },
        { timeout: 60_000 },
      )
      .toEqual(['4', '13', '5', 0]);
    await owner.locator('#ana-shop-range').selectOption('today');
    await expect
      .poll(async () => [await ruleCell('pass').textContent(), await ruleCell('fail').textContent()], {
        timeout: 20_000,
      })
      .toEqual(['4', '2']);
  }, 240_000);

  it('an owner who is not an agent: view only reads the whole shop and sends nothing of its own', async () => {
    ownerExt = await launchExtension();
    const requests: string[] = [];
    ownerExt.context.on('request', (r) => requests.push(r.url()));
    const before = (await serverDocs()).length;
    const page = await ownerExt.context.newPage();
    await page.goto(`${ownerExt.baseUrl}/options.html`);
    await page.locator('input[name="syncEnabled"]').check();
    await page.locator('input[name="syncViewOnly"]').check();
    await page.locator('input[name="syncUrl"]').fill(`${couchUrl}/shop`);
    await page.locator('input[name="syncUser"]').fill(OWNER.user);
    await page.locator('input[name="syncPassword"]').fill(OWNER.password);
    await page.locator('#rs-sync-save').click();
    await expect.poll(() => page.locator('#rs-sync-result').textContent(), { timeout: 15_000 }).toMatch(/已保存|Saved/);
    await expect.poll(() => page.locator('#rs-sync-state').textContent()).toMatch(/仅查看|View only/);
    await page.goto(`${ownerExt.baseUrl}/analytics.html`);
    await page
      .locator('select')
      .filter({ has: page.locator('option[value="team"]') })
      .selectOption('team');
    const cell = (col: string) =>
      page.locator(`#ana-shop-rules tr[data-metric="${METRIC}"] td[data-col="${col}"]`).textContent();
    await expect.poll(async () => [await cell('pass'), await cell('fail')], { timeout: 20_000 }).toEqual(['4', '2']);
    await new Promise((r) => setTimeout(r, 1500));
    // Nothing of its own on the server (no agent document, no figures), and nothing sent anywhere else.
    expect((await serverDocs()).length).toBe(before);
    expect(requests.filter((u) => !u.startsWith(couchUrl) && !u.startsWith('chrome-extension://'))).toEqual([]);
    expect(requests.filter((u) => u.startsWith(couchUrl) && !/\/shop\/?(\?|$|_all_docs|_changes)/.test(u))).toEqual([]);
    await page.close();
  }, 180_000);

  it('turning sync off withdraws that agent’s waiting buyers from the server first, then sends nothing', async () => {
    const agentB = (await readStore(ext.b, 'meta')).find((r) => r.key === 'agentId')!.value as string;
    const clocksOfB = () => waitingOnServer(agentB);
    await expect.poll(clocksOfB, { timeout: 20_000 }).toContain('733519');
    const page = await ext.b.context.newPage();
    await page.goto(`${ext.b.baseUrl}/options.html`);
    await page.locator('input[name="syncEnabled"]').uncheck();
    await page.locator('#rs-sync-save').click();
    // The withdrawal takes at most 15 s (`WITHDRAW_MAX_MS`: each request 5 s, a push still sending waited for first).
    await expect
      .poll(() => page.locator('#rs-sync-result').textContent(), { timeout: 30_000 })
      .toMatch(/已从服务器撤下|withdrawn from the server/);
    expect(await clocksOfB()).toEqual([]);
    // Its history stays.
    expect((await serverDocs()).some((d) => d.kind === 'unit' && d.agent === agentB)).toBe(true);
    // The owner no longer sees B's buyers waiting.
    await expect
      .poll(() => owner.locator(`#ana-shop-waiting tr[data-conv="pdd|${SHOP}|733519"]`).count(), { timeout: 20_000 })
      .toBe(0);
    // Off: a new buyer message reaches nothing.
    const sent = seen.b.filter((u) => u.startsWith(relays.b.url)).length;
    const buyer = await buyerWaits('b', '802114');
    await new Promise((r) => setTimeout(r, 3000));
    expect(seen.b.filter((u) => u.startsWith(relays.b.url)).length).toBe(sent);
    await expect.poll(() => page.locator('#rs-sync-state').textContent()).toMatch(/未开启|is off/);
    await buyer.close();
    await page.close();
  }, 180_000);

  it('turning off with the server unreachable: done within its time, said clearly, nothing sent; on again resumes', async () => {
    const agentA = (await readStore(ext.a, 'meta')).find((r) => r.key === 'agentId')!.value as string;
    const clocksOfA = () => waitingOnServer(agentA);
    const first = await buyerWaits('a', '640087');
    // On the server within seconds; what is there when the server goes away must stay there.
    await expect.poll(clocksOfA, { timeout: 20_000 }).toContain('640087');
    const stranded = await clocksOfA();
    // The owner view (in A's browser) is live before.
    await expect.poll(() => ruleCell('pass').textContent(), { timeout: 20_000 }).toBe('4');
    relays.a.setDown(true); // what the agent's browser sees of a server that is stopped: connection refused
    const page = await ext.a.context.newPage();
    await page.goto(`${ext.a.baseUrl}/options.html`);
    const from = seen.a.length;
    await page.locator('input[name="syncEnabled"]').uncheck();
    await page.locator('#rs-sync-save').click();
    await expect
      .poll(() => page.locator('#rs-sync-result').textContent(), { timeout: 15_000 })
      .toMatch(/无法连接服务器撤下本机正在等待的买家|could not be reached to withdraw/);
    // Done within its time: the withdrawal ended on the server's refusal (its error is in the message), not on its
    // time limit (5 s, `WITHDRAW_TIMEOUT_MS`: "timed out"), so nothing waited for the server. The limit itself, for a
    // server that never answers, is the pusher's unit test's (test/unit/team-sync.test.ts, on the host's clock): a
    // wall-clock bound here measured this machine's speed too (page, IPC, the test's own polling), not the product.
    expect(await page.locator('#rs-sync-result').textContent()).not.toMatch(/timed out/);
    // Nothing went anywhere but the shop's server (which refused) and the extension itself.
    expect(
      seen.a.slice(from).filter((u) => !u.startsWith(relays.a.url) && !u.startsWith('chrome-extension://')),
    ).toEqual([]);
    await expect.poll(() => page.locator('#rs-sync-state').textContent()).toMatch(/未开启|is off/);
    // The open owner view closes its feed and says why.
    await expect
      .poll(() => owner.locator('#ana-shop-off[data-closed]').textContent(), { timeout: 20_000 })
      .toMatch(/已在设置中关闭|turned off in the settings/);
    // It keeps saying so whatever connects again and hears "off" (another period here; a retry of the feed that failed
    // with the server, before the stored setting changed, in the run where this notice never came: it said "sync is
    // off" instead). The view asks the background at once; the wait leaves it time to answer.
    await owner.locator('#ana-shop-range').selectOption('yesterday');
    await new Promise((r) => setTimeout(r, 2000));
    await owner.locator('#ana-shop-range').selectOption('today');
    await new Promise((r) => setTimeout(r, 2000));
    expect(await owner.locator('#ana-shop-off').getAttribute('data-closed', { timeout: 5000 })).toBe('');
    // Off: the server reachable again, a new buyer and a new unit: no request at all, nothing retried.
    relays.a.setDown(false);
    const off = seen.a.filter((u) => u.startsWith(relays.a.url)).length;
    await putRows(ext.a, 'units', [unit('s-off-a', 'pass', START + 5000)]);
    const buyer = await buyerWaits('a', '511920');
    await new Promise((r) => setTimeout(r, 4000));
    expect(seen.a.filter((u) => u.startsWith(relays.a.url)).length).toBe(off);
    // Those waiting buyers stayed on the server (it could not be reached): as the settings page said.
    expect(await clocksOfA()).toEqual(stranded);
    // On again: the first push brings the server to this browser's state (the stale waits replaced by the current
    // ones, the unit judged while off sent), and the owner view reads again.
    expect(await configure('a', AGENTS.a.password)).toMatch(/已保存|Saved/);
    await expect
      .poll(async () => (await serverDocs()).some((d) => d.kind === 'unit' && d.buyer === 's-off-a'), {
        timeout: 30_000,
      })
      .toBe(true);
    const waitingNow = (await readStore(ext.a, 'clocks'))
      .filter((c) => ['pending', 'breached', 'unknown'].includes(c.status as string))
      .map((c) => c.buyer)
      .sort();
    expect(waitingNow).toEqual(expect.arrayContaining(['511920', '640087']));
    await expect.poll(clocksOfA, { timeout: 30_000 }).toEqual(waitingNow);
    await expect.poll(() => ruleCell('pass').textContent(), { timeout: 30_000 }).toBe('5');
    expect(await owner.locator('#ana-shop-off').count()).toBe(0);
    await buyer.close();
    await first.close();
    await page.close();
  }, 240_000);
});
