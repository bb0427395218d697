/**
 * A browser restart with open clocks: what happened while the browser was closed is not guessed. A deadline nobody
 * saw is "unknown" until the page shows it; on reopening, the page's history is evidence: a reply sent from the phone
 * decides by its own time, and a question the history shows still unanswered past its deadline is a breach, seen late.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore, seedSettings } from './db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness, type StaticServer } from './harness';

declare const demo: { buyerSays(uid: string, text?: string): string };

let server: StaticServer;
let profile: string;
let ext: ExtensionHarness;
const THRESHOLD_SEC = 6;

const clocks = async () => Object.fromEntries((await readStore(ext, 'clocks')).map((c) => [c.buyer, c.status]));

beforeAll(async () => {
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  profile = await mkdtemp(path.join(tmpdir(), 'reply-sentinel-restart-'));
});
afterAll(async () => {
  await ext?.close();
  await server?.close();
  await rm(profile, { recursive: true, force: true });
});

describe('browser restart', () => {
  let askedAt = 0;

  it('two buyers wait when the browser closes', async () => {
    ext = await launchExtension({ userDataDir: profile });
    // A short limit keeps the test short; all hours are assessed.
    await seedSettings(ext, {
      ruleOverrides: { 'pdd.manual3min': { thresholdSec: THRESHOLD_SEC, window: { startMin: 0, endMin: 1440 } } },
    });
    const page: Page = await ext.context.newPage();
    await page.goto(`${server.url}/pdd/index.html?auto=0&persist=1`);
    await expect.poll(async () => (await readStore(ext, 'tabs')).length, { timeout: 10_000 }).toBe(1);
    askedAt = Date.now();
    await page.evaluate(() => {
      demo.buyerSays('802114', '在吗？');
      demo.buyerSays('733519', '能便宜点吗？');
    });
    await expect.poll(clocks, { timeout: 10_000 }).toEqual({ '802114': 'pending', '733519': 'pending' });
    await ext.close(); // the browser is closed before either deadline
  });

  it('after the restart, missed deadlines are unknown until the page shows them: the phone reply passes, the question still unanswered is a breach seen late', async () => {
    await new Promise((r) => setTimeout(r, Math.max(0, askedAt + (THRESHOLD_SEC + 2) * 1000 - Date.now())));
    ext = await launchExtension({ userDataDir: profile });
    await expect.poll(clocks, { timeout: 10_000 }).toEqual({ '802114': 'unknown', '733519': 'unknown' });
    // Meanwhile the agent answered 802114 from the phone, 3 s after the question (the site's history has it).
    const page = await ext.context.newPage();
    await page.addInitScript((t) => {
      const key = 'reply-sentinel-demo-pdd';
      const threads = JSON.parse(localStorage.getItem(key) ?? '[]') as [
        string,
        { id: number; who: string; text: string }[],
      ][];
      const thread = threads.find(([uid]) => uid === '802114')?.[1];
      if (thread && !thread.some((m) => m.who === 'human'))
        thread.push({ id: t, who: 'human', text: '在的，手机上回复的' });
      localStorage.setItem(key, JSON.stringify(threads));
    }, askedAt + 3000);
    await page.goto(`${server.url}/pdd/index.html?auto=0&persist=1`);
    // The page's history is evidence (docs/ARCHITECTURE.md, "Evidence rules"): the reply from the phone answers
    // 802114 in time; 733519's question is shown still unanswered past its deadline, a breach seen late.
    await expect.poll(clocks, { timeout: 10_000 }).toEqual({ '802114': 'answered', '733519': 'breached' });
    // The units are written after the clocks, in a second transaction (ARCHITECTURE.md, "The clock first, then what
    // it counts"): the clocks above say nothing about them yet.
    const results = async () => {
      const units = await readStore(ext, 'units');
      const result = (buyer: string) => units.find((u) => u.metric === 'pdd.manual3min' && u.buyer === buyer)?.result;
      return { '802114': result('802114'), '733519': result('733519') };
    };
    await expect.poll(results, { timeout: 10_000 }).toEqual({ '802114': 'pass', '733519': 'fail' });
    const clock = (await readStore(ext, 'clocks')).find((c) => c.buyer === '733519');
    expect(clock?.seenLate).toBe(true);
    // The toolbar shows the breach, as for one seen at its deadline.
    await expect.poll(async () => (await ext.badge()).text, { timeout: 5_000 }).toBe('!1');
  });
});
