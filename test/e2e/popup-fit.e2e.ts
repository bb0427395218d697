/**
 * The popup fits the widths Chrome gives it (360–420 px) with a busy queue, in both languages: no horizontal
 * scrollbar, the header's links in view, and every row's time shown whole inside its row.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putRows, allDayOverrides, seedSettings, type Row } from './db';
import { launchExtension, type ExtensionHarness } from './harness';

let ext: ExtensionHarness;
const now = Date.now();
const MIN = 60_000;

/** A clock row as the background stores it (`ClockRow`). */
function clock(i: number, status: string, dueIn: number | null, extra: Row = {}): Row {
  const platform = (['pdd', 'douyin', 'ali1688', 'taobao', 'jd', 'kuaishou'] as const)[i % 6];
  const metric = {
    pdd: 'pdd.manual3min',
    douyin: 'douyin.im3min',
    ali1688: 'ali1688.perMsg3min',
    taobao: 'taobao.ww3min',
    jd: 'jd.dd30s',
    kuaishou: 'kuaishou.manual3min',
  }[platform!];
  const dueAt = dueIn === null ? null : now + dueIn;
  return {
    key: `${platform}|shop-${i}|buyer-${i}`,
    platform,
    account: `shop-${i}`,
    buyer: `buyer-${i}`,
    buyerNick: i % 2 ? `一位名字特别特别长的买家朋友Customer-with-a-very-long-name-${i}` : `王**${i}`,
    shop: i % 3 ? `某某旗舰店 Flagship Store with a long name ${i}` : undefined,
    metric,
    status,
    startedAt: (dueAt ?? now) - 3 * MIN,
    dueAt,
    alertAt: dueAt === null ? null : dueAt - MIN,
    waitingMessages: 1 + (i % 4),
    lastMessageAt: now - MIN,
    lastText:
      '你好，请问这个商品什么时候发货？我已经等了很久了 Hello, when will this ship? I have been waiting a long time',
    ...(i % 5 === 0 && { startedBeforeWatching: true }),
    ...extra,
  };
}

beforeAll(async () => {
  ext = await launchExtension();
  await ext.context.clock.setFixedTime(now);
  // All-day windows: nothing here is about assessed hours.
  const overrides = allDayOverrides();
  await seedSettings(ext, { ruleOverrides: overrides, language: 'zh_CN' });
  await putRows(ext, 'tabs', [
    {
      tabId: 990001,
      platform: 'pdd',
      account: 'shop-0',
      url: 'https://mms.pinduoduo.com/chat-merchant/',
      health: 'watching',
      parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
      lastSeen: now,
    },
    {
      tabId: 990002,
      platform: 'douyin',
      account: 'shop-1',
      url: 'https://im.jinritemai.com/pc_seller_v2/main/workspace',
      health: 'noThread',
      parts: { list: 'ok', thread: 'missing', input: 'ok', account: 'missing' },
      lastSeen: now,
    },
  ]);
  await putRows(ext, 'clocks', [
    clock(0, 'pending', 25_000),
    clock(1, 'pending', 2 * MIN + 5_000),
    clock(2, 'pending', 9 * MIN + 59_000),
    clock(3, 'pending', 2 * 60 * MIN + 17 * MIN),
    clock(4, 'breached', -(10 * 60 * MIN + 41 * MIN)),
    clock(5, 'breached', -(MIN + 3_000), { seenLate: true }),
    clock(6, 'unknown', -5 * MIN),
    clock(7, 'notAssessed', null, { startedAt: now - 10 * MIN }),
    clock(8, 'pending', 59 * MIN + 59_000),
    clock(9, 'breached', -(3 * 60 * MIN + 7 * MIN)),
  ]);
});
afterAll(async () => {
  await ext?.close();
});

/**
 * The viewport at `width`, and the page laid out for it: the window has that width, and two frames have been drawn
 * since (a re-render the resize caused, through a resize event or a media query, is in them). Replaces a fixed 100 ms.
 */
async function resize(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 600 });
  await expect.poll(() => page.evaluate(() => window.innerWidth)).toBe(width);
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

async function checkFit(page: Page, width: number) {
  await resize(page, width);
  const fit = await page.evaluate(() => {
    const box = (el: Element) => el.getBoundingClientRect();
    const doc = document.scrollingElement!;
    const vw = document.documentElement.clientWidth;
    const rows = [...document.querySelectorAll('.rs-queue .rs-item')].map((row) => {
      const time = row.querySelector('.time') as HTMLElement;
      const [r, t] = [box(row), box(time)];
      return {
        text: time.textContent,
        inView: t.left >= 0 && t.right <= vw + 0.5 && t.width > 0,
        inRow: t.left >= r.left - 0.5 && t.right <= r.right + 0.5,
        // Not cut: the element is as wide as its text (no overflow hidden or ellipsis eating it) and on one line.
        whole: time.scrollWidth <= time.clientWidth + 1 && t.height < 2 * parseFloat(getComputedStyle(time).lineHeight),
      };
    });
    const links = [...document.querySelectorAll('.rs-popup-head a')].map((a) => {
      const b = box(a);
      return { text: a.textContent, inView: b.left >= 0 && b.right <= vw + 0.5 && b.width > 0 };
    });
    return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, rows, links };
  });
  expect(fit.scrollWidth, `${width}px: horizontal overflow`).toBeLessThanOrEqual(fit.clientWidth);
  expect(fit.rows.length).toBe(10);
  for (const r of fit.rows)
    expect({ width, ...r }).toEqual({ width, text: r.text, inView: true, inRow: true, whole: true });
  expect(fit.links.length).toBe(2);
  for (const l of fit.links) expect({ width, ...l }).toEqual({ width, text: l.text, inView: true });
}

describe.each([
  { language: 'zh_CN', over: '超时 10 小时 41 分', settings: '设置' },
  { language: 'en', over: '10 h 41 min over', settings: 'Settings' },
])('the popup at 360–420 px ($language)', ({ language, over, settings }) => {
  it('has no horizontal scrollbar, and every time is shown whole inside its row', async () => {
    await putRows(ext, 'settings', [{ key: 'language', value: language }]);
    const page = await ext.context.newPage();
    await page.setViewportSize({ width: 400, height: 600 });
    await page.goto(`${ext.baseUrl}/popup.html`);
    const items = page.locator('.rs-queue .rs-item');
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(10);
    await expect.poll(() => page.locator('.rs-queue').textContent()).toContain(over);
    expect(await page.locator('.rs-popup-head').textContent()).toContain(settings);
    for (const width of [360, 380, 400, 420]) await checkFit(page, width);
    // The other sections too (today's compliance, phrases).
    for (const tab of await page.getByRole('tab').all()) {
      await tab.click();
      // Its panel shown, with what it read (not the busy one while reading).
      const panel = page.locator(`#${await tab.getAttribute('aria-controls')}`);
      await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true');
      await expect
        .poll(async () => (await panel.count()) === 1 && (await panel.getAttribute('aria-busy')) === null)
        .toBe(true);
      for (const width of [360, 420]) {
        await resize(page, width);
        const w = await page.evaluate(() => [
          document.scrollingElement!.scrollWidth,
          document.scrollingElement!.clientWidth,
        ]);
        expect({ width, tab: await tab.textContent(), overflow: w[0]! > w[1]! }).toEqual({
          width,
          tab: await tab.textContent(),
          overflow: false,
        });
      }
    }
    await page.close();
  });
});
