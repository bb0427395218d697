/**
 * The analytics page's first paint on a full database: 90 days × 5 000 inquiries a day seeded as the product stores
 * them (scripts/bench/seed.ts: units, rollups and the per-day aggregates `dayStats`, run inside the service worker;
 * seeded once per run and shared with the popup's section, popup.ts `seedProfile`).
 *
 * - First paint: a fresh analytics page each time; `performance.mark('rs-analytics-rendered')` (set once the
 *   page has rendered its figures: trends, response times, heatmaps, accounts) and `rs-analytics-painted` (the task
 *   after that frame was painted), as ms since navigation start; the first open is reported apart (cold). Opens
 *   at the page's default range (30 days) and at 90 days (the range stored in the page's localStorage, as the page
 *   keeps it). The content is checked (a response median, the heatmap's total).
 * - After it: when the lazily read views (missed buyers' rows: failed units; the handling-time estimate: a week of
 *   messages) show, ms since navigation start (not the goal's number; reported).
 * - Reads: the page's first-paint reads (rollups, the primary metrics' `dayStats`) against what it read before
 *   (every primary unit of the range), on raw IndexedDB in an extension page.
 */
import type { Page } from 'playwright-core';
import type { ExtensionHarness } from '../../test/e2e/harness';
import { addDays } from '../../lib/compliance';
import { chinaDay } from '../../lib/engine/time';
import { INDEX } from '../../lib/db/name';
import { effectiveRules } from '../../lib/rules';
import { ALL_DAY_PDD, blankPageRenderMs } from './browser';
import type { Seeded } from './popup';
import { rangesOf, timeReads, type TimedRead } from './reads';
import { round, sleep, summarize } from './stats';

export interface AnalyticsOptions {
  /** A browser on the seeded history (`launchSeeded`, popup.ts). */
  ext: ExtensionHarness;
  history: Seeded;
  /** Opens per range after half a second of quiet (the very first is the cold one, reported apart). */
  opens: number;
  queryRuns: number;
  log?: (s: string) => void;
}

async function openAnalytics(ext: ExtensionHarness) {
  const page = await ext.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${ext.baseUrl}/analytics.html`);
  const marks = await page.evaluate(
    () =>
      new Promise<{ rendered: number; painted: number; missed: number; aht: number }>((resolve, reject) => {
        const end = performance.now() + 60_000;
        let missed = 0;
        let aht = 0;
        const check = () => {
          const r = performance.getEntriesByName('rs-analytics-rendered')[0];
          const p = performance.getEntriesByName('rs-analytics-painted')[0];
          if (!missed && document.querySelector('#ana-missed tbody tr, #ana-missed .rs-empty:not([role])'))
            missed = performance.now();
          if (!aht && document.querySelector('.rs-aht[data-aht]')) aht = performance.now();
          if (r && p && missed && aht)
            resolve({ rendered: r.startTime, painted: p.startTime, missed: Math.round(missed), aht: Math.round(aht) });
          else if (performance.now() > end) reject(new Error('the analytics page never finished (marks, lazy views)'));
          else setTimeout(check, 2);
        };
        check();
      }),
  );
  return { page, ...marks };
}

async function content(page: Page) {
  return {
    response: ((await page.locator('#ana-response .rs-total').first().textContent()) ?? '').slice(0, 80),
    volume: (await page.locator('#ana-heat-volume caption').textContent()) ?? '',
    missed: (await page.locator('#ana-missed-h').textContent()) ?? '',
  };
}

export async function measureAnalytics(o: AnalyticsOptions) {
  const log = o.log ?? (() => undefined);
  const { seeded, checked, now } = o.history;
  await sleep(2000);
  const byRange: Record<string, unknown> = {};
  let cold: number | null = null;
  const shown: Record<string, unknown> = {};
  const floor: number[] = [];
  for (const range of [30, 90]) {
    // The page keeps its range in its localStorage (zustand persist, `rs-analytics`).
    const setup = await o.ext.context.newPage();
    await setup.goto(`${o.ext.baseUrl}/analytics.html`);
    await setup.evaluate((r) => {
      localStorage.setItem('rs-analytics', JSON.stringify({ state: { range: r }, version: 1 }));
    }, range);
    await setup.close();
    await sleep(500);
    const rendered: number[] = [];
    const painted: number[] = [];
    const missed: number[] = [];
    const aht: number[] = [];
    for (let i = 0; i < o.opens + (cold === null ? 1 : 0); i++) {
      // The floor before each counted open: a blank extension page at the same size and pace (verdict.ts).
      if (cold !== null) {
        floor.push(await blankPageRenderMs(o.ext, { width: 1280, height: 900 }));
        await sleep(500);
      }
      const r = await openAnalytics(o.ext);
      if (i === 0) shown[`${range}d`] = await content(r.page);
      await r.page.close();
      await sleep(500);
      if (cold === null) {
        // The run's first open (after the worker restart): reported apart.
        cold = r.painted;
        continue;
      }
      rendered.push(r.rendered);
      painted.push(r.painted);
      missed.push(r.missed);
      aht.push(r.aht);
    }
    byRange[`${range}d`] = {
      renderedMs: summarize(rendered),
      paintedMs: summarize(painted),
      missedListMs: summarize(missed),
      handlingEstimateMs: summarize(aht),
    };
    log(`  ${range} days: painted ${JSON.stringify(summarize(painted))}`);
  }
  for (const [k, c] of Object.entries(shown) as [string, { response: string; volume: string }][])
    if (!/中位数|median/i.test(c.response) || !/[1-9]/.test(c.volume))
      throw new Error(`the analytics page did not render the seeded data (${k}): ${JSON.stringify(c)}`);
  const queries = await reads(o.ext, o.queryRuns, chinaDay(now));
  return round({ seeded, checked, coldPaintedMs: cold, byRange, floorMs: summarize(floor), shown, queries });
}

/** The first-paint reads of the page against the raw units it read before, each `runs` times (first = cold). */
function reads(ext: ExtensionHarness, runs: number, today: string) {
  const primaries = Object.values(effectiveRules(ALL_DAY_PDD.ruleOverrides).platforms).map((p) => p.primary);
  const byMetricDay = (store: 'dayStats' | 'units', from: string): TimedRead => ({
    store,
    parts: rangesOf(INDEX[store].metricDay, primaries, from, today),
  });
  return timeReads(ext, runs, {
    rollups90d: { store: 'rollups', parts: [{ index: INDEX.rollups.day, range: [addDays(today, -90), today] }] },
    dayStats30d: byMetricDay('dayStats', addDays(today, -30)),
    dayStats90d: byMetricDay('dayStats', addDays(today, -90)),
    primaryUnits30dBefore: byMetricDay('units', addDays(today, -30)),
    primaryUnits90dBefore: byMetricDay('units', addDays(today, -90)),
  });
}
