/**
 * The rule editor in Chromium (options page → background → badge, popup): a window, a threshold and the alert lead
 * edited and saved are the ones the response clock then runs by; invalid input shows an error and stores nothing;
 * 恢复默认 restores the default. Runs at any hour: the edited window is the whole day, and after the reset only what
 * does not depend on the hour is checked.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore, seedSettings } from './db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness, type StaticServer } from './harness';

declare const demo: { buyerSays(uid: string, text?: string): string };

const BUYER = '802114';
const METRIC = 'pdd.manual3min';
let server: StaticServer;
let ext: ExtensionHarness;

/** Seconds shown on the badge (`m:ss`), or null when it shows something else. */
function badgeSeconds(text: string): number | null {
  const m = /^(\d+):(\d\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

const stored = async (key: string) => (await readStore(ext, 'settings')).find((r) => r.key === key)?.value;

async function options(): Promise<Page> {
  const page = await ext.context.newPage();
  await page.goto(`${ext.baseUrl}/options.html`);
  await page.locator(`tr[data-metric="${METRIC}"]`).waitFor();
  return page;
}

beforeAll(async () => {
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  ext = await launchExtension();
  await seedSettings(ext, { language: 'zh_CN' });
});
afterAll(async () => {
  await ext?.close();
  await server?.close();
});

describe('the rule editor', () => {
  it('invalid input shows an error beside the field and stores nothing', async () => {
    const page = await options();
    const row = page.locator(`tr[data-metric="${METRIC}"]`);
    await row.locator(`input[name="limit-${METRIC}"]`).fill('90');
    await expect.poll(() => row.locator('[role="alert"]').textContent()).toContain('时限须在 1 秒到 60 分钟之间');
    await page.locator('input[name="alertLead"]').fill('11');
    await expect.poll(() => page.locator('#rs-lead-err').textContent()).toContain('0 到 10 分钟');
    await page.getByRole('button', { name: '保存规则' }).click();
    await expect.poll(() => page.locator('#rs-rules-status').textContent()).toContain('未保存');
    await new Promise((r) => setTimeout(r, 300));
    expect(await stored('ruleOverrides')).toBeUndefined();
    expect(await stored('alertLeadSec')).toBeUndefined();
    await page.close();
  });

  it('a window, threshold and lead saved are the ones the badge and the popup run by', async () => {
    const page = await options();
    const row = page.locator(`tr[data-metric="${METRIC}"]`);
    await row.locator(`input[name="limit-${METRIC}"]`).fill('5');
    await row.locator(`input[name="start-${METRIC}"]`).fill('00:00');
    await row.locator(`input[name="end-${METRIC}"]`).fill('00:00'); // to the end of the day: all day
    await page.locator('input[name="alertLead"]').fill('1.5');
    await page.getByRole('button', { name: '保存规则' }).click();
    await expect.poll(() => page.locator('#rs-rules-status').textContent()).toMatch(/已保存/);
    expect(await stored('ruleOverrides')).toEqual({
      [METRIC]: { thresholdSec: 300, window: { startMin: 0, endMin: 1440 } },
    });
    expect(await stored('alertLeadSec')).toBe(90);
    // The table shows the rule in force, marked as changed.
    await expect.poll(() => row.locator('.rs-rule-limit [data-effective]').textContent()).toBe('5 分钟');
    await expect.poll(() => row.locator('.rs-rule-window [data-effective]').textContent()).toBe('全天');
    expect(await row.textContent()).toContain('已改');

    // A buyer asks on the PDD workbench: the badge counts down from 5 minutes, the alert is 90 s before.
    const shop = await ext.context.newPage();
    await shop.goto(`${server.url}/pdd/index.html?auto=0`);
    await until(
      'the tab to be watching',
      () => readStore(ext, 'tabs'),
      (tabs) => tabs.some((t) => t.health === 'watching'),
    );
    await shop.evaluate((uid) => demo.buyerSays(uid, '请问今天能发货吗？'), BUYER);
    const badge = await until(
      'a countdown',
      () => ext.badge(),
      (b) => badgeSeconds(b.text) !== null,
    );
    expect(badgeSeconds(badge.text)).toBeGreaterThan(270);
    expect(badgeSeconds(badge.text)).toBeLessThanOrEqual(300);
    const clock = (await readStore(ext, 'clocks')).find((c) => String(c.key).endsWith(`|${BUYER}`))!;
    expect((clock.dueAt as number) - (clock.startedAt as number)).toBe(300_000);
    expect((clock.dueAt as number) - (clock.alertAt as number)).toBe(90_000);
    const popup = await ext.context.newPage();
    await popup.goto(`${ext.baseUrl}/popup.html`);
    await expect.poll(() => popup.locator('body').textContent(), { timeout: 10_000 }).toMatch(/剩 4 分/);
    await popup.close();
    await shop.close();
    await page.close();
  });

  it('恢复默认 restores the default, and the clock leaves the 5-minute limit', async () => {
    const page = await options();
    const row = page.locator(`tr[data-metric="${METRIC}"]`);
    await row.locator(`button[data-reset="${METRIC}"]`).click();
    await page.getByRole('button', { name: '保存规则' }).click();
    await expect.poll(() => page.locator('#rs-rules-status').textContent()).toMatch(/已保存/);
    expect(await stored('ruleOverrides')).toEqual({});
    await expect.poll(() => row.locator('.rs-rule-limit [data-effective]').textContent()).toBe('3 分钟');
    await expect.poll(() => row.locator('.rs-rule-window [data-effective]').textContent()).toBe('08:00–23:00');
    expect(await row.textContent()).not.toContain('已改');
    // The clock no longer runs to 5 minutes: within PDD's hours (China time) it counts from 3; outside them it
    // waits for the window to open (or nothing is due).
    const chinaMin = (Math.floor(Date.now() / 60_000) + 8 * 60) % 1440;
    const inHours = chinaMin >= 8 * 60 + 1 && chinaMin < 23 * 60 - 1;
    await until(
      'the clock to follow the default',
      () => readStore(ext, 'clocks').then((cs) => cs.find((c) => String(c.key).endsWith(`|${BUYER}`))!),
      (c) => {
        const limit = c.dueAt === null ? null : (c.dueAt as number) - (c.startedAt as number);
        return inHours ? limit === 180_000 : limit !== 300_000;
      },
    );
    // The lead stays as saved (it has no default button: its own field).
    expect(await stored('alertLeadSec')).toBe(90);
    await page.close();
  });
});
