/** The popup against seeded data, in Chromium: the numbers it shows are the seeded ones, per platform rule. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDay } from '../../lib/engine/time';
import { putRows, seedSettings, type Row } from './db';
import { launchExtension, type ExtensionHarness } from './harness';
import { rollupRow } from '../unit/helpers/rollups';

let ext: ExtensionHarness;
const now = Date.now();
const today = chinaDay(now);
const dayAgo = (n: number) => chinaDay(now - n * 86_400_000);

const rollup = (metric: string, day: string, counts: Record<string, number>): Row => ({
  ...rollupRow(metric, day, { updatedAt: now, ...counts }),
});

beforeAll(async () => {
  ext = await launchExtension();
  // The popup takes "today" from its own clock: pinned to the `now` the rows are seeded for, so that China midnight
  // passing between seeding and reading (a run at 23:59:59) does not move the days under the test.
  await ext.context.clock.setFixedTime(now);
  await seedSettings(ext, { language: 'zh_CN' });
  const rows = [
    rollup('pdd.manual3min', today, { pass: 57, fail: 3, pending: 2 }),
    rollup('pdd.manual3min', dayAgo(1), { pass: 40, fail: 60 }),
    rollup('ali1688.perMsg3min', dayAgo(2), { pass: 18, fail: 2 }),
    rollup('ali1688.perMsg3min', dayAgo(20), { pass: 10, fail: 10 }),
    rollup('ali1688.firstMsg3min', dayAgo(2), { pass: 3, fail: 1 }),
    // History under 1688's retired round metric (before rules 2026.12.1): still shown, under its old label.
    rollup('ali1688.ww3min', dayAgo(25), { pass: 5, fail: 5 }),
  ];
  // 90 days of Taobao history, two rounds a day, one of them late every third day.
  for (let d = 1; d <= 90; d++)
    rows.push(rollup('taobao.ww3min', dayAgo(d), d % 3 === 0 ? { pass: 1, fail: 1 } : { pass: 2 }));
  await putRows(ext, 'rollups', rows);
});
afterAll(async () => {
  await ext?.close();
});

describe('popup with seeded data', () => {
  it('shows each platform with its own formula, period and warnings', async () => {
    const page = await ext.context.newPage();
    await page.setViewportSize({ width: 400, height: 600 });
    await page.goto(`${ext.baseUrl}/popup.html`);
    await page.getByRole('tab', { name: '今日达标' }).click();

    const pdd = page.locator('[data-metric="pdd.manual3min"]');
    await expect.poll(() => pdd.textContent()).toContain('95.0%');
    const pddText = (await pdd.textContent())!;
    expect(pddText).toContain('今日实时估算：95.0% 达标 57 · 未达标 3 · 待定 2 · 未知 0');
    expect(pddText).toContain('前一日：40.0% 达标 40 · 未达标 60');
    expect(await pdd.locator('.warn').count()).toBe(1); // the previous day is under 50%

    const ali = (await page.locator('[data-metric="ali1688.perMsg3min"]').textContent())!;
    expect(ali).toContain('平均每条响应率');
    expect(ali).toContain('近 7 天：90.0% 达标 18 · 未达标 2');
    expect(ali).toContain('近 30 天：70.0% 达标 28 · 未达标 12');
    const first = (await page.locator('[data-metric="ali1688.firstMsg3min"]').textContent())!;
    expect(first).toContain('首条响应率');
    expect(first).toContain('近 7 天：75.0% 达标 3 · 未达标 1');
    const former = (await page.locator('[data-metric="ali1688.ww3min"]').textContent())!;
    expect(former).toContain('旧口径');
    expect(former).toContain('近 30 天：50.0% 达标 5 · 未达标 5');

    // Taobao's 30 days: days 1..30 → 20 days of 2/2 and 10 days of 1/2 → 50 of 60 rounds; under 100 rounds: not assessed.
    const tb = (await page.locator('[data-metric="taobao.ww3min"]').textContent())!;
    expect(tb).toContain('近 30 天：不考核');
    // The page fits the popup: no horizontal scrollbar at 400 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);
    await page.close();
  });
});
