/**
 * The PC's clock is wrong (lib/skew.ts), in real Chromium with the demo build: the PDD demo's platform clock runs
 * 2 minutes ahead of the PC's (`?skew=120`: message ids and waiting counters are the platform's times). From the
 * messages seen arriving the tab estimates the offset, the worker applies it: the toolbar badge, the popup and the
 * in-page badges count down by the platform's 3 minutes (not the PC's 5), and the popup says the PC's clock is slow.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore, seedSettings } from './db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness, type StaticServer } from './harness';

declare const demo: { buyerSays(uid: string, text?: string): string };

const BUYER = '802114';

let server: StaticServer;
let ext: ExtensionHarness;
let page: Page;

/** Seconds shown on the badge (`m:ss`), or null when it shows something else. */
function badgeSeconds(text: string): number | null {
  const m = /^(\d+):(\d\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

beforeAll(async () => {
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  ext = await launchExtension();
  // Any hour: PDD's window widened to the whole day; Chinese, the product's first language.
  await seedSettings(ext, {
    ruleOverrides: { 'pdd.manual3min': { window: { startMin: 0, endMin: 1440 } } },
    language: 'zh_CN',
  });
  page = await ext.context.newPage();
  await page.goto(`${server.url}/pdd/index.html?auto=0&skew=120`);
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

describe('a PC clock 2 minutes slow', () => {
  it('the countdowns follow the platform’s clock, and the popup says the PC’s is slow', async () => {
    await expect
      .poll(async () => (await readStore(ext, 'tabs')).some((t) => t.health === 'watching'), { timeout: 15_000 })
      .toBe(true);
    // Three messages arrive live in the open thread (three samples: enough for an estimate).
    for (const text of ['在吗', '请问今天能发货吗？', '急']) {
      await page.evaluate(([uid, t]) => demo.buyerSays(uid!, t), [BUYER, text]);
      await expect.poll(async () => (await readStore(ext, 'events')).filter((e) => e.text === text).length).toBe(1);
    }
    // The PC's clock would leave about 5 minutes (the question's platform time is 2 minutes ahead of it): the
    // badge shows the platform's 3.
    await expect.poll(async () => badgeSeconds((await ext.badge()).text), { timeout: 15_000 }).toBeLessThanOrEqual(180);
    expect(badgeSeconds((await ext.badge()).text)).toBeGreaterThan(150);
    // The in-page badge on the row counts the same.
    const rowBadge = page.locator(`[data-reply-sentinel-badge="${BUYER}"] span[role="timer"]`);
    await expect.poll(() => rowBadge.textContent(), { timeout: 10_000 }).toMatch(/^剩 [23] 分$/);

    const popup = await ext.context.newPage();
    await popup.goto(`${ext.baseUrl}/popup.html`);
    await expect
      .poll(() => popup.locator('.rs-clock-skew').textContent(), { timeout: 10_000 })
      .toMatch(/^电脑时间慢了 (2 分|1 分 5\d 秒) — 倒计时已按平台时间校正$/);
    const item = popup.locator('.rs-queue .rs-item').filter({ hasText: 'S*******n' });
    await expect.poll(() => item.locator('.time').textContent()).toMatch(/^剩 ([12] 分( \d+ 秒)?|[23] 分)$/);
    await popup.close();
  });
});
