/**
 * A workbench page through Chromium's back/forward cache (Playwright turns the cache off: `bfcache: true` keeps it):
 * the agent navigates away and comes back; the page is restored with its content script's state, its extension port
 * closed by Chrome. Restored, it must work as a fresh page: the tab title's countdown shown again, the link to the
 * worker open (a new question is timed and shown), the worker's clock list whole again.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDayOverrides, seedSettings } from './db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness, type StaticServer } from './harness';

declare const demo: {
  buyers: { uid: string }[];
  buyerSays(uid: string, text?: string): string;
};

let server: StaticServer;
let ext: ExtensionHarness;
beforeAll(async () => {
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  ext = await launchExtension({ bfcache: true });
  // Assessed all day, whatever the hour the suite runs at.
  await seedSettings(ext, { ruleOverrides: allDayOverrides() });
});
afterAll(async () => {
  await ext?.close();
  await server?.close();
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WAIT = '(?:<[1-3] (?:分|min)|0:[0-5]\\d)';

describe('pdd: a page restored from the back/forward cache', () => {
  it('shows the countdown in its title again and times a new question', async () => {
    const page = await ext.context.newPage();
    const cdp = await ext.context.newCDPSession(page);
    await cdp.send('Page.enable');
    const notRestored: unknown[] = [];
    cdp.on('Page.backForwardCacheNotUsed', (e) => notRestored.push(e.notRestoredExplanations));
    await page.goto(`${server.url}/pdd/index.html?auto=0`);
    await page.waitForFunction(() => demo.buyers.length > 2);
    await page.waitForTimeout(800);
    const own = await page.title();
    await page.evaluate(() => demo.buyerSays(demo.buyers[1]!.uid, '在吗？'));
    await expect
      .poll(() => page.title(), { timeout: 15_000 })
      .toMatch(new RegExp(`^\\(1\\) ${WAIT} · ${escape(own)}$`));
    // State that only a restore from the cache keeps.
    await page.evaluate(() => {
      (window as unknown as { restored?: boolean }).restored = false;
      addEventListener('pageshow', (e) => ((window as unknown as { restored?: boolean }).restored = e.persisted));
    });

    await page.goto(`${server.url}/index.html`);
    await page.waitForTimeout(500);
    // A restore from the cache fires no load event: wait for the commit.
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForTimeout(300);
    const restored = await page.evaluate(() => (window as unknown as { restored?: boolean }).restored);
    expect(restored, `not restored from the cache: ${JSON.stringify(notRestored)}`).toBe(true);

    // The title's countdown again (before the fix: the page's own title, for good).
    await expect
      .poll(() => page.title(), { timeout: 15_000 })
      .toMatch(new RegExp(`^\\(1\\) ${WAIT} · ${escape(own)}$`));
    // The link and the watcher work: a new question is timed, and its clock comes back to the page.
    await page.evaluate(() => demo.buyerSays(demo.buyers[2]!.uid, '有优惠吗？'));
    await expect
      .poll(() => page.title(), { timeout: 15_000 })
      .toMatch(new RegExp(`^\\(2\\) ${WAIT} · ${escape(own)}$`));
    await page.close();
  });
});
