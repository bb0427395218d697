/**
 * What the pages look like, checked in Chromium (issue 20's leftovers): an empty database says "暂无数据" / "No data"
 * (never a blank, "--", NaN or undefined) in the popup and in analytics; the charts' legends never show uPlot's "--";
 * and in the system's dark mode (emulated `prefers-color-scheme: dark`) every text of the main surfaces — popup,
 * analytics, settings, welcome — has a contrast of at least 4.5:1 with what is behind it (computed styles).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../lib/compliance';
import { chinaDay } from '../../lib/engine/time';
import { putRows, seedSettings, type Row } from './db';
import { launchExtension, type ExtensionHarness } from './harness';

let ext: ExtensionHarness;
beforeAll(async () => {
  ext = await launchExtension();
  await seedSettings(ext, { language: 'zh_CN' });
});
afterAll(async () => {
  await ext?.close();
});

const PAGES = ['popup', 'analytics', 'options', 'welcome'] as const;
/** What a page must never show as a value. */
const JUNK = /(^|[^-])--([^-]|$)|\bNaN\b|\bundefined\b|\bnull\b|\bInfinity\b/;

async function open(name: string, scheme: 'dark' | 'light' = 'light'): Promise<Page> {
  const page = await ext.context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(`${ext.baseUrl}/${name}.html`);
  await page.locator('h1, h2, header').first().waitFor();
  await settled(page);
  return page;
}

/**
 * The page shows what it read (its colours are checked on that): no loading state left (the popup's busy panel,
 * analytics' "正在读取数据…" / "Loading…" notices), every chart drawn (uPlot, loaded lazily, inside each
 * `div.rs-chart`), and then the same DOM at two polls in a row (a live query's later answer re-rendered meanwhile).
 * It replaces a fixed 1.5 s wait, too short on a loaded machine and idle time on a fast one.
 */
async function settled(page: Page): Promise<void> {
  let last: string | null = null;
  await expect
    .poll(
      async () => {
        const now = await page.evaluate(() => {
          const loading =
            /正在读取数据…|Loading…/.test(document.body.innerText) || !!document.querySelector('[aria-busy="true"]');
          const undrawn = [...document.querySelectorAll('div.rs-chart')].some((c) => !c.querySelector('.uplot'));
          return loading || undrawn ? null : document.body.innerHTML;
        });
        const same = now !== null && now === last;
        last = now;
        return same;
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBe(true);
}

/** The page's visible text. */
const text = (page: Page) => page.evaluate(() => document.body.innerText);

interface LowContrast {
  text: string;
  color: string;
  background: string;
  ratio: number;
}

/**
 * Every visible element with text of its own (and every form control): its text colour (with the opacity of it and
 * its ancestors) over the first opaque background behind it, blended as the browser does; those under `min`. Disabled
 * controls are exempt (WCAG 1.4.3).
 */
function lowContrast(
  page: Page,
  min: number,
): Promise<{ checked: number; pageBackground: number[]; low: LowContrast[] }> {
  return page.evaluate((min) => {
    const rgba = (s: string): number[] => {
      const m = /rgba?\(([^)]+)\)/.exec(s);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]!
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
    };
    const over = (top: number[], under: number[]) => {
      const a = top[3]!;
      return [0, 1, 2].map((i) => top[i]! * a + under[i]! * (1 - a)).concat(1);
    };
    const lum = (c: number[]) => {
      const [r, g, b] = [0, 1, 2].map((i) => {
        const v = c[i]! / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const ratio = (a: number[], b: number[]) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x! + 0.05) / (y! + 0.05);
    };
    /** The colour behind an element: its and its ancestors' backgrounds, blended down to the canvas. */
    const backgroundOf = (el: Element | null): number[] => {
      const layers: number[][] = [];
      for (let e = el; e; e = e.parentElement) {
        const bg = rgba(getComputedStyle(e).backgroundColor);
        if (bg[3]! > 0) layers.push(bg);
        if (bg[3] === 1) break;
      }
      // Below everything: the canvas, which follows the root's colour scheme.
      let acc = rgba(getComputedStyle(document.documentElement).backgroundColor);
      if (acc[3] !== 1) acc = matchMedia('(prefers-color-scheme: dark)').matches ? [0, 0, 0, 1] : [255, 255, 255, 1];
      for (const layer of layers.reverse()) acc = over(layer, acc);
      return acc;
    };
    const opacityOf = (el: Element | null) => {
      let o = 1;
      for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
      return o;
    };
    const low: LowContrast[] = [];
    let checked = 0;
    for (const el of document.body.querySelectorAll('*')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      const control = el.matches('input:not([type=checkbox],[type=radio],[type=range],[type=color]), select, textarea');
      if (!own && !control) continue;
      if (el.closest(':disabled, [aria-disabled="true"], [hidden], svg, canvas, style, script, noscript')) continue;
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!rect.width || !rect.height || style.visibility !== 'visible' || style.display === 'none') continue;
      const bg = backgroundOf(el);
      const fg = rgba(style.color);
      fg[3] = fg[3]! * opacityOf(el);
      const r = ratio(over(fg, bg), bg);
      checked++;
      if (r < min)
        low.push({
          text: (control ? (el as HTMLInputElement).value || el.tagName : el.textContent!.trim()).slice(0, 40),
          color: style.color,
          background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
          ratio: Math.round(r * 100) / 100,
        });
    }
    return { checked, pageBackground: backgroundOf(document.body), low };
  }, min);
}

describe('an empty database', () => {
  it('the popup and analytics say there is no data yet, in Chinese and in English', async () => {
    const popup = await open('popup');
    await popup.getByRole('tab', { name: '今日达标' }).click();
    await expect.poll(() => text(popup)).toContain('暂无数据');
    expect(await text(popup)).not.toMatch(JUNK);
    await popup.close();
    const analytics = await open('analytics');
    await expect.poll(() => text(analytics)).toContain('所选范围内没有数据。');
    expect(await text(analytics)).not.toMatch(JUNK);
    await analytics.close();

    await seedSettings(ext, { language: 'en' });
    const popupEn = await open('popup');
    await popupEn.getByRole('tab', { name: 'Today' }).click();
    await expect.poll(() => text(popupEn)).toMatch(/no data yet/);
    expect(await text(popupEn)).not.toMatch(/暂无|[\u4e00-\u9fff]{2,}数据/);
    await popupEn.close();
    const analyticsEn = await open('analytics');
    await expect.poll(() => text(analyticsEn)).toContain('No data in this range.');
    expect(await text(analyticsEn)).not.toMatch(JUNK);
    await analyticsEn.close();
    await seedSettings(ext, { language: 'zh_CN' });
  }, 120_000); // four pages, each waited for until it shows what it read: over 60 s at load 20+

  it.each(PAGES)('%s in dark mode: dark, and every text at least 4.5:1 against its background', async (name) => {
    const page = await open(name, 'dark');
    const { checked, pageBackground, low } = await lowContrast(page, 4.5);
    // Dark mode is on (a page that ignored it would pass the contrast check in light colours).
    expect(Math.max(...pageBackground.slice(0, 3))).toBeLessThan(64);
    expect(checked).toBeGreaterThan(3);
    expect(low).toEqual([]);
    await page.close();
  });

  it.each(PAGES)('%s in light mode: light, and every text at least 4.5:1 against its background', async (name) => {
    const page = await open(name, 'light');
    const { checked, pageBackground, low } = await lowContrast(page, 4.5);
    expect(Math.min(...pageBackground.slice(0, 3))).toBeGreaterThan(192);
    expect(checked).toBeGreaterThan(3);
    expect(low).toEqual([]);
    await page.close();
  });
});

describe('with data', () => {
  beforeAll(async () => {
    const today = chinaDay(Date.now());
    const rows: Row[] = [];
    // Thirty days of one PDD metric, falling below the warning line on some days; today late answers too.
    for (let n = 0; n < 30; n++) {
      const day = addDays(today, -n);
      rows.push({
        id: `pdd.manual3min|${day}|pdd|shop`,
        metric: 'pdd.manual3min',
        day,
        platform: 'pdd',
        account: 'shop',
        pass: 10 + (n % 7),
        fail: n % 5 === 0 ? 12 : 2,
        pending: 0,
        unknown: n % 3,
        notAssessed: 1,
        cappedSum: 0,
        cappedCount: 0,
        updatedAt: Date.now(),
      });
    }
    await putRows(ext, 'rollups', rows);
  });

  it('the charts draw, and no legend shows uPlot’s "--" for a value', async () => {
    const page = await open('analytics');
    await expect.poll(() => page.locator('.u-legend').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const legends = await page.locator('.u-legend').allInnerTexts();
    for (const legend of legends) {
      expect(legend.trim()).not.toBe('');
      expect(legend).not.toMatch(JUNK);
    }
    expect(await text(page)).not.toMatch(JUNK);
    await page.close();
  });

  it.each([
    ['popup', 'dark'],
    ['analytics', 'dark'],
    ['popup', 'light'],
    ['analytics', 'light'],
  ] as const)('%s in %s mode with figures and charts: every text at least 4.5:1', async (name, scheme) => {
    const page = await open(name, scheme);
    if (name === 'popup') {
      await page.getByRole('tab', { name: '今日达标' }).click();
      await expect.poll(() => text(page)).toMatch(/\d+\.\d%/);
      await settled(page);
    }
    const { checked, low } = await lowContrast(page, 4.5);
    expect(checked).toBeGreaterThan(10);
    expect(low).toEqual([]);
    await page.close();
  });
});
