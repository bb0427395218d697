/** The analytics page in Chromium on seeded rollups, units and messages: numbers, staffing, export, team import. */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentsNeeded, buildExport, dayWeekday } from '../../lib/analytics';
import { addDays } from '../../lib/compliance';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import { buildDayStats } from '../../lib/analytics/daystats';
import type { UnitResult, UnitRow } from '../../lib/model';
import { putDayStats, putRows, readStore, seedSettings, type Row } from './db';
import { launchExtension, type ExtensionHarness } from './harness';
import { rollupRow } from '../unit/helpers/rollups';
import { unitRow } from '../unit/helpers/units';

let ext: ExtensionHarness;
const now = Date.now();
const today = chinaDay(now);
const ago = (n: number) => addDays(today, -n);
const D = ago(2); // the busy day
const OTHER = '33333333-cccc-4ccc-8ccc-333333333333';

const rollup = (day: string, counts: Record<string, number>, account = 'shop'): Row => ({
  ...rollupRow('pdd.manual3min', day, { updatedAt: now, ...counts }, account),
});

const unit = (
  buyer: string,
  day: string,
  startAt: number,
  result: string,
  responseSec: number | null,
  nick?: string,
): Row => ({
  ...unitRow('pdd.manual3min', day, startAt, result as UnitResult, responseSec, {
    id: `pdd.manual3min|pdd|shop|${buyer}|${day}`,
    buyer,
    ...(nick && { buyerNick: nick }),
    rulesVersion: 'e2e',
  }),
});

function event(buyer: string, author: string, at: number, id: string): Row {
  return {
    key: `pdd|shop|${buyer}|${id}`,
    conv: `pdd|shop|${buyer}`,
    platform: 'pdd',
    account: 'shop',
    buyer,
    messageId: id,
    author,
    at,
    timeSource: 'id',
    observedAt: at,
  };
}

beforeAll(async () => {
  ext = await launchExtension();
  // The page takes "today" (its ranges, the export's file name) from its own clock: pinned to the `now` the rows
  // are seeded for, so that China midnight passing during the run does not move the days under the test.
  await ext.context.clock.setFixedTime(now);
  await seedSettings(ext, { language: 'zh_CN' });
  // Day D, 10:00–10:58: 30 buyers, one every 2 minutes. 26 answered in 120 s, 2 late (250 s), 2 never.
  const units: Row[] = [];
  const events: Row[] = [];
  for (let i = 0; i < 30; i++) {
    const t = chinaTime(D, 10, 2 * i);
    const r = i < 26 ? 120 : i < 28 ? 250 : null;
    units.push(unit(`b${i}`, D, t, r === null || r > 180 ? 'fail' : 'pass', r, i === 26 ? '晚到的老王' : undefined));
    events.push(event(`b${i}`, 'buyer', t, `q${i}`));
    if (r !== null) events.push(event(`b${i}`, 'human', t + r * 1000, `a${i}`));
  }
  units.push(unit('y1', ago(1), chinaTime(ago(1), 15, 0), 'fail', null, '昨天没回'));
  await putRows(ext, 'units', units);
  await putDayStats(ext, buildDayStats(units as unknown as UnitRow[]) as unknown as Parameters<typeof putDayStats>[1]);
  await putRows(ext, 'events', events);
  await putRows(ext, 'rollups', [
    rollup(D, { pass: 26, fail: 4 }),
    rollup(ago(1), { fail: 1 }),
    rollup(ago(10), { pass: 50, fail: 50 }),
  ]);
});
afterAll(async () => {
  await ext?.close();
});

describe('analytics page with seeded data', () => {
  it('is linked from the popup', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/popup.html`);
    const link = page.getByRole('link', { name: '分析' });
    expect(await link.getAttribute('href')).toBe(`${ext.baseUrl}/analytics.html`);
    await page.close();
  });

  it('shows trends, response times, heatmap, staffing and missed buyers from the seeded data', async () => {
    const page = await ext.context.newPage();
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.goto(`${ext.baseUrl}/analytics.html`);
    await expect.poll(() => page.title()).toBe('响应哨兵 · 分析');

    // 30 days: 76 passed, 55 failed.
    const trend = page.locator('[data-metric="pdd.manual3min"] .rs-total');
    await expect.poll(() => trend.textContent()).toContain('58.0%');
    expect(await trend.textContent()).toContain('达标 76 · 未达标 55');
    expect(await trend.textContent()).toContain('平台预警线 50.0%');
    // uPlot (loaded after the first paint) drew a canvas with the series and the warning line in its legend.
    await expect.poll(() => page.locator('[data-metric="pdd.manual3min"] canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-metric="pdd.manual3min"] .u-legend').textContent()).toContain('平台预警线 50.0%');

    // 26 × 120 s, 2 × 250 s, 2 never, 1 never yesterday (31): median 120 s; p90 at rank 27 of 0..30 → 250 s.
    const resp = page.locator('[data-response="pdd"] .rs-total');
    expect(await resp.textContent()).toContain('中位数：2 分 ·');
    expect(await resp.textContent()).toContain('P90：4 分 10 秒');
    expect(await resp.textContent()).toContain('已回复 28 / 共 31');

    const wd = dayWeekday(D);
    expect(await page.locator(`#ana-heat-volume [data-cell="${wd}-10"]`).textContent()).toBe('30');
    expect(await page.locator(`#ana-heat-breaches [data-cell="${wd}-10"]`).textContent()).toBe('4');
    expect(await page.locator('#ana-heat-volume caption').textContent()).toBe('咨询量（合计 31）');

    // Handling time from the reply gaps: 28 replies × 120 s (capped) over 30 inquiries = 112 s.
    // The handling time is estimated from the week's messages, read after the first paint: wait for it.
    await expect.poll(() => page.locator('.rs-aht').getAttribute('data-aht')).toBe('112.0');
    const expected = agentsNeeded(30, 112, 180, 0.8).agents;
    expect(expected).toBe(2);
    expect(await page.locator(`#ana-staff [data-cell="${wd}-10"]`).textContent()).toBe(String(expected));
    expect(await page.getByTestId('staffing-summary').textContent()).toContain('每个咨询处理 112 秒');

    // The 7-day range leaves the old half-failed day out.
    await page.getByRole('button', { name: '近 7 天' }).click();
    await expect.poll(() => trend.textContent()).toContain('达标 26 · 未达标 5');
    expect(await trend.textContent()).toContain('83.9%');

    // The missed buyers follow the range by their own queries (the per-day aggregates for the count, the failed
    // units for the rows), each answering after the trend's: the section shows the 30 days' until then.
    const missed = page.locator('#ana-missed');
    await expect.poll(() => missed.getByRole('heading').textContent()).toBe('超时买家 (5)');
    const first = missed.locator('tbody tr').first();
    await expect.poll(() => first.textContent()).toContain('昨天没回');
    expect(await first.textContent()).toContain('未回复');
    await expect
      .poll(() => missed.locator('tbody tr', { hasText: '晚到的老王' }).textContent())
      .toContain('晚了 1 分 10 秒');

    expect(await page.locator('[data-state="not-available"]').textContent()).toContain('暂不可用');
    // Keyboard: the range buttons are reachable and pressable.
    await page.getByRole('button', { name: '近 90 天' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('button', { name: '近 90 天' }).getAttribute('aria-pressed')).toBe('true');
    await page.close();
  });

  it('exports the daily rollups as CSV with a BOM', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/analytics.html`);
    await page.locator('[data-metric="pdd.manual3min"]').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出每日汇总 CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`reply-sentinel-daily-${today}.csv`);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text).toContain(`${D},pdd,shop,pdd.manual3min,26,4,0,0,0,0.8667,0,0,,\r\n`);
    await page.close();
  });

  it('merges a colleague’s export into the team view once, and refuses a bad file without writing', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/analytics.html`);
    await page.locator('[data-metric="pdd.manual3min"]').waitFor();
    const file = buildExport({
      agentId: OTHER,
      label: '小王',
      now,
      rollups: [
        rollup(ago(1), { pass: 9, fail: 1 }) as never, // the same account and day as ours, seen more fully
        rollup(D, { pass: 10 }, 'shop:小王') as never, // a sub-account: adds up
      ],
      clocks: [],
    });
    const input = page.getByLabel('导入同事的 JSON 导出');
    // The import's own status line: the sections still reading (the missed buyers, the handling time) say so in a
    // status of their own meanwhile, so the page's first one may be theirs.
    const status = page.locator('#ana-data').getByRole('status');
    const json = { name: 'wang.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) };
    await input.setInputFiles(json);
    await expect.poll(() => status.textContent()).toBe('已导入“小王”：新增 2 行，替换 0 行，保留较新的 0 行。');
    await input.setInputFiles(json);
    await expect.poll(() => status.textContent()).toBe('已导入“小王”：新增 0 行，替换 2 行，保留较新的 0 行。');
    const stored = (await readStore(ext, 'teamRollups')).map((r) => `${String(r.source)} ${String(r.id)}`);
    expect(stored.sort()).toEqual(
      [`${OTHER} pdd.manual3min|${ago(1)}|pdd|shop`, `${OTHER} pdd.manual3min|${D}|pdd|shop:小王`].sort(),
    );

    const bad = { ...file, rollups: [{ ...file.rollups[0], fail: -1 }] };
    await input.setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(bad)),
    });
    await expect.poll(() => status.textContent()).toContain('导入失败，未写入任何数据：rollups[0].fail');
    expect(await readStore(ext, 'teamRollups')).toHaveLength(2);

    // Team view (30 days): ours 76/55 with yesterday's 0/1 replaced by their 9/1, plus their sub-account's 10/0.
    await page.getByRole('combobox', { name: '数据' }).selectOption('team');
    const trend = page.locator('[data-metric="pdd.manual3min"] .rs-total');
    await expect.poll(() => trend.textContent()).toContain('达标 95 · 未达标 55');
    expect(await trend.textContent()).toContain('63.3%');
    expect(await page.locator('#ana-data').textContent()).toContain('小王 · 2 行');

    // A page message that is not from an extension page is refused by the background (checked in unit tests);
    // here: removing the source goes back to our own numbers.
    await page.getByRole('button', { name: '移除 小王 的数据' }).click();
    await expect.poll(() => trend.textContent()).toContain('达标 76 · 未达标 55');
    expect(await readStore(ext, 'teamRollups')).toHaveLength(0);
    await page.close();
  });
});
