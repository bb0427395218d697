/**
 * Issue 18, "tab strip": on every demo workbench, in Chromium, the tab's title starts with the waiting count and the
 * most urgent time ("(2) 2:58 · 原标题") while buyers wait, and is the page's own title again, exactly, once they are
 * answered (1688: the chat is in an iframe, the title is the top page's). With the setting off it never changes.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDayOverrides, seedSettings } from './db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness, type StaticServer } from './harness';

declare const demo: {
  buyers: { uid: string }[];
  open(uid: string): void;
  buyerSays(uid: string, text?: string): string;
  agentSays(uid: string, text?: string): string;
};

const FOLDERS = ['pdd', 'douyin', 'ali1688', 'taobao', 'jd', 'kuaishou'] as const;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let server: StaticServer;
let ext: ExtensionHarness;
beforeAll(async () => {
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  ext = await launchExtension();
  // Assessed all day, whatever the hour the suite runs at.
  const overrides = allDayOverrides();
  await seedSettings(ext, { ruleOverrides: overrides });
});
afterAll(async () => {
  await ext?.close();
  await server?.close();
});

async function openDemo(folder: string): Promise<{ page: Page; own: string }> {
  const page = await ext.context.newPage();
  await page.goto(`${server.url}/${folder}/index.html?auto=0`);
  await page.waitForFunction(() => {
    try {
      return demo.buyers.length > 1;
    } catch {
      return false; // 1688: the iframe's core is not loaded yet
    }
  });
  await page.waitForTimeout(800);
  return { page, own: await page.title() };
}

describe.each(FOLDERS)('%s: the tab title', (folder) => {
  it('shows the waiting count and the most urgent time, and is the page’s own again once they are answered', async () => {
    const { page, own } = await openDemo(folder);
    expect(own.length).toBeGreaterThan(0);
    const [a, b] = await page.evaluate(() => {
      const [x, y] = [demo.buyers[1]!.uid, demo.buyers[2]!.uid];
      demo.buyerSays(x, '在吗？');
      demo.buyerSays(y, '有优惠吗？');
      return [x, y];
    });
    await expect
      .poll(() => page.title(), { timeout: 15_000 })
      .toMatch(new RegExp(`^\\(2\\) [0-3]:\\d\\d · ${escape(own)}$`));
    // A reply in the same second may not count (Taobao): answer a moment later.
    await page.waitForTimeout(1200);
    for (const uid of [a, b]) {
      await page.evaluate((u) => {
        demo.open(u);
        demo.agentSays(u, '亲，马上为您处理');
      }, uid);
      await page.waitForTimeout(300);
    }
    await expect.poll(() => page.title(), { timeout: 15_000 }).toBe(own);
    await page.close();
  });
});

describe('the setting off', () => {
  it('leaves the title alone while buyers wait (the row badges still show)', async () => {
    await seedSettings(ext, { tabTitle: false });
    const { page, own } = await openDemo('pdd');
    await page.evaluate(() => demo.buyerSays(demo.buyers[1]!.uid, '在吗？'));
    await page.waitForFunction(() => document.querySelectorAll('[data-reply-sentinel-badge]').length >= 1, undefined, {
      timeout: 15_000,
    });
    await page.waitForTimeout(1500);
    expect(await page.title()).toBe(own);
    await page.close();
    await seedSettings(ext, { tabTitle: true });
  });
});
