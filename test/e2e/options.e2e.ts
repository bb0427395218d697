/** The settings page: reads live from the database, saves through the background, which validates. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, computedMetrics } from '../../lib/rules';
import { launchExtension, type ChromeApi, type ExtensionHarness } from './harness';

declare const chrome: ChromeApi;
let ext: ExtensionHarness;

beforeAll(async () => {
  ext = await launchExtension();
});
afterAll(async () => {
  await ext?.close();
});

describe('options page', () => {
  it('saves the alert lead through the background and shows it after a reload', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/options.html`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The lead is edited in the rule editor, in minutes where whole (the default 60 s: 1 minute).
    const lead = page.locator('input[name="alertLead"]');
    await expect.poll(() => lead.inputValue()).toBe('1');
    await page.locator('select[name="alertLeadUnit"]').selectOption('s');
    await lead.fill('45');
    await page.locator('form#rs-rules button[type="submit"]').click();
    await expect.poll(() => page.locator('#rs-rules-status').textContent()).toMatch(/已保存|saved/i);
    await page.reload();
    await expect.poll(() => page.locator('input[name="alertLead"]').inputValue()).toBe('45');
    expect(await page.locator('select[name="alertLeadUnit"]').inputValue()).toBe('s');
    // The rules in force are listed, one row each (1688's retired round metric is not one of them).
    const inForce = Object.values(DEFAULT_RULES.platforms).flatMap((p) => computedMetrics(p));
    expect(inForce.length).toBeGreaterThanOrEqual(11);
    expect(await page.locator('table.rs-table tbody tr').count()).toBe(inForce.length);
    await page.close();
  });

  it('a bad settings message is refused with a clear error and changes nothing', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/options.html`);
    const reply = await page.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'settings', patch: { alertLeadSec: -1, evil: true } }),
    );
    expect(reply).toEqual({ ok: false, error: expect.stringMatching(/alertLeadSec.*; evil: unknown setting/) });
    await page.reload();
    await expect.poll(() => page.locator('input[name="alertLead"]').inputValue()).toBe('45');
    await page.close();
  });

  it('messages from pages that are not workbench tabs cannot inject chat events', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/options.html`);
    const reply = await page.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'events', platform: 'pdd', account: 'x', events: [] }),
    );
    expect(reply).toEqual({ ok: false, error: 'events must come from a workbench tab' });
    await page.close();
  });
});
