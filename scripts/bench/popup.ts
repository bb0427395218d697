/**
 * The popup's first render and the analytics queries on a full database: 90 days × 5 000 inquiries a day
 * seeded the way the product stores them (scripts/bench/seed.ts, run inside the service worker), once per run into
 * a profile folder (`seedProfile`) that each section copies (`launchSeeded`).
 *
 * - First render: a fresh popup page each time; `performance.mark('rs-popup-rendered')` (set by the popup once its
 *   queue and compliance data have rendered) read as ms since navigation start; `rs-popup-painted` (the task after
 *   that frame was painted) is reported too. The first open is reported apart
 *   (cold), and the rendered content is checked (queue count, a compliance figure).
 * - Compliance tab: click → the compliance panel in the DOM.
 * - Queries: the reads the popup and the analytics page make (open clocks, today's failures; rollups, the primary
 *   metrics' units and a week of messages over 30 and 90 days), on raw IndexedDB in an extension page.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { seedSettings } from '../../test/e2e/db';
import { launchExtension, type ExtensionHarness } from '../../test/e2e/harness';
import { addDays } from '../../lib/compliance';
import { chinaDay, chinaDayStart } from '../../lib/engine/time';
import { INDEX } from '../../lib/db/name';
import { effectiveRules } from '../../lib/rules';
import { ALL_DAY_PDD, blankPageRenderMs, tempDir } from './browser';
import { seedBundle } from './bundle-seed';
import { rangesOf, timeReads, type ReadPart, type TimedRead } from './reads';
import { round, sleep, summarize } from './stats';

export interface PopupOptions {
  /** A browser on the seeded history (`launchSeeded`). */
  ext: ExtensionHarness;
  history: Seeded;
  /** Opens after half a second of quiet (the first is the cold one). */
  opens: number;
  /** Then opens each right after the previous one closed (reported apart). */
  backToBackOpens: number;
  queryRuns: number;
  log?: (s: string) => void;
}

async function openPopup(ext: ExtensionHarness): Promise<{ page: Page; renderedMs: number; paintedMs: number }> {
  const page = await ext.context.newPage();
  await page.setViewportSize({ width: 400, height: 600 });
  await page.goto(`${ext.baseUrl}/popup.html`);
  const [renderedMs, paintedMs] = await page.evaluate(
    () =>
      new Promise<[number, number]>((resolve, reject) => {
        const end = performance.now() + 30_000;
        const check = () => {
          const r = performance.getEntriesByName('rs-popup-rendered')[0];
          const p = performance.getEntriesByName('rs-popup-painted')[0];
          if (r && p) resolve([r.startTime, p.startTime]);
          else if (performance.now() > end) reject(new Error('the popup never marked rs-popup-rendered/painted'));
          else setTimeout(check, 5);
        };
        check();
      }),
  );
  return { page, renderedMs, paintedMs };
}

/** What `seedHistory` stored and checked. */
export interface Seeded {
  seeded: {
    events: number;
    clocks: number;
    units: number;
    rollups: number;
    dayStats: number;
    pending: number;
    computeMs: number;
    writeWaitMs: number;
    ms: number;
  };
  /** The sample of days whose stored rollups and aggregates were checked against a rebuild from their units. */
  checked: { days: number; units: number; rollups: number; dayStats: number };
  /** The instant the history was seeded up to (today's part ends here). */
  now: number;
}

/**
 * Seeds `days` × `perDay` inquiries into the extension's database from inside its service worker (in slices of 10
 * days, with progress), checks a sample of days (the oldest, one in the middle, yesterday, today) against the
 * product's rebuild from their units (`verifySeed`), then restarts the worker so it rehydrates from the seeded rows
 * (as after a browser restart). Also used by scripts/bench/profile-popup.ts.
 */
export async function seedHistory(
  ext: ExtensionHarness,
  o: { days: number; perDay: number; eventsDays: number; log?: (s: string) => void },
): Promise<Seeded> {
  const log = o.log ?? (() => undefined);
  await seedSettings(ext, { ...ALL_DAY_PDD, language: 'zh_CN', notifications: false });
  const sw = await ext.serviceWorker();
  const code = await seedBundle();
  const now = Date.now();
  log(`  seeding ${o.days} days × ${o.perDay} inquiries in the service worker…`);
  await sw.evaluate(`${code}\n;globalThis.RSSeed = RSSeed; 1`);
  const seeded: Seeded['seeded'] = {
    events: 0,
    clocks: 0,
    units: 0,
    rollups: 0,
    dayStats: 0,
    pending: 0,
    computeMs: 0,
    writeWaitMs: 0,
    ms: 0,
  };
  // In slices of 10 days (each day's rollups are its own rows), with progress.
  for (let first = 0; first < o.days; first += 10) {
    const days = Math.min(10, o.days - first);
    const part = (await sw.evaluate(
      `RSSeed.seed(${JSON.stringify({ first, days, perDay: o.perDay, now, eventsDays: o.eventsDays, ...ALL_DAY_PDD })})`,
    )) as typeof seeded;
    for (const k of Object.keys(seeded) as (keyof typeof seeded)[]) seeded[k] += part[k];
    log(`  … ${first + days}/${o.days} days (${Math.round(seeded.ms / 1000)} s)`);
  }
  log(`  seeded ${JSON.stringify(seeded)}`);
  if (!seeded.clocks || !seeded.rollups) throw new Error(`seeding stored nothing: ${JSON.stringify(seeded)}`);
  const sample = [...new Set([o.days - 1, Math.floor(o.days / 2), 1, 0])].filter((d) => d >= 0 && d < o.days);
  const checked = (await sw.evaluate(
    `RSSeed.verifySeed({ days: ${JSON.stringify(sample)}.map((d) => RSSeed.dayBack(${now}, d)), now: ${now} })`,
  )) as Seeded['checked'];
  log(`  checked against a rebuild from the units: ${JSON.stringify(checked)}`);
  await ext.stopServiceWorkers();
  await ext.serviceWorker();
  return { seeded, checked, now };
}

/** A profile folder holding a seeded history (`seedProfile`), shared by the sections that need one. */
export interface SeededProfile extends Seeded {
  dir: string;
}

/**
 * Seeds the history once into a profile folder of its own (one browser, closed afterwards), for every section of a
 * run that needs it: each then launches on a copy (`launchSeeded`), so what one section writes (the latency
 * samples) does not reach another, and none pays for the seeding again.
 */
export async function seedProfile(
  extensionDir: string,
  o: { days: number; perDay: number; eventsDays: number; log?: (s: string) => void },
): Promise<SeededProfile> {
  const dir = await tempDir('rs-bench-seeded-');
  const ext = await launchExtension({ extensionDir, userDataDir: dir });
  try {
    return { dir, ...(await seedHistory(ext, o)) };
  } finally {
    await ext.close();
  }
}

/** A browser on a fresh copy of a seeded profile: the worker starts on the stored history, as after a restart. */
export async function launchSeeded(extensionDir: string, profile: SeededProfile): Promise<ExtensionHarness> {
  const copy = path.join(await tempDir('rs-bench-profile-'), 'profile');
  await cp(profile.dir, copy, { recursive: true });
  return launchExtension({ extensionDir, userDataDir: copy });
}

export async function measurePopup(o: PopupOptions) {
  const { seeded, checked, now } = o.history;
  // Let the restarted worker settle.
  await sleep(2000);

  const renders: number[] = [];
  const paints: number[] = [];
  const complianceClicks: number[] = [];
  const backToBack: number[] = [];
  const floor: number[] = [];
  let cold: number | null = null;
  let content: { queue: string; pdd: string } | null = null;
  // The goal's opens: each after half a second of quiet. Every extension page runs in the extension's one renderer
  // process, on one main thread: popups opened one right after another closed (15 within about 4 s, as this
  // benchmark first did) start while the earlier ones are still being torn down, and measured p50 ≈ 80–95 ms,
  // p95 ≈ 110–125 ms where the same opens half a second apart measured p50 ≈ 56–59, p95 ≈ 68–70 (waiting 20 s
  // after seeding instead of 2 s changed nothing: it is the pace, not the fresh database). A person opens the popup
  // every few seconds at most. The rapid opens are still measured, after the others, and reported apart.
  const total = o.opens + o.backToBackOpens;
  for (let i = 0; i < total; i++) {
    // The floor before each of the goal's opens: a blank extension page in the same renderer process, at the same
    // pace (scripts/bench/verdict.ts).
    if (i > 0 && i < o.opens) {
      floor.push(await blankPageRenderMs(o.ext, { width: 400, height: 600 }));
      await sleep(500);
    }
    const { page, renderedMs, paintedMs } = await openPopup(o.ext);
    if (i === 0) cold = renderedMs;
    else if (i < o.opens) {
      renders.push(renderedMs);
      paints.push(paintedMs);
    } else backToBack.push(renderedMs);
    const queueTab = (await page.locator('#tab-queue').textContent()) ?? '';
    const clickMs = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const t = performance.now();
          (document.querySelector('#tab-compliance') as HTMLElement).click();
          const check = () =>
            document.querySelector('#panel-compliance [data-metric]')
              ? resolve(performance.now() - t)
              : setTimeout(check, 1);
          check();
        }),
    );
    if (i < o.opens) complianceClicks.push(clickMs);
    if (i === 0)
      content = {
        queue: queueTab,
        pdd: ((await page.locator('[data-metric="pdd.manual3min"]').first().textContent()) ?? '').slice(0, 120),
      };
    await page.close();
    if (i < o.opens - 1) await sleep(500);
  }
  if (!content || !/\(\d+\)/.test(content.queue) || !/%/.test(content.pdd))
    throw new Error(`the popup did not render the seeded data: ${JSON.stringify(content)}`);

  const queries = await analyticsQueries(o.ext, o.queryRuns, chinaDay(now));
  return round({
    seeded,
    checked,
    firstRenderMs: { cold, warm: summarize(renders), backToBack: summarize(backToBack) },
    /** A blank extension page's first render, opened before each warm open: the goal's floor. */
    floorMs: summarize(floor),
    firstPaintMs: summarize(paints),
    complianceTabMs: summarize(complianceClicks),
    rendered: content,
    queries,
  });
}

/**
 * The reads the popup and the analytics page (components/analytics/AnalyticsPage.tsx) make, each run `runs` times
 * in a fresh extension page on raw IndexedDB (the same indexes Dexie uses): the first run is the cold one.
 */
function analyticsQueries(ext: ExtensionHarness, runs: number, today: string) {
  const primaries = Object.values(effectiveRules(ALL_DAY_PDD.ruleOverrides).platforms).map((p) => p.primary);
  const since = Date.now() - 12 * 3600_000;
  const recent = (index: string, status: string): ReadPart => ({
    index,
    range: [[status, since], [status, Infinity], true, true],
  });
  const units = (from: string, to: string): TimedRead => ({
    store: 'units',
    parts: rangesOf(INDEX.units.metricDay, primaries, from, to),
  });
  const rollups = (from: string): TimedRead => ({
    store: 'rollups',
    parts: [{ index: INDEX.rollups.day, range: [from, today] }],
  });
  return timeReads(ext, runs, {
    // Popup: the queue, as components/popup/Popup.tsx reads it: the waiting clocks by status, the breached and
    // unknown ones whose deadline is under 12 h old and the recent out-of-hours ones, each one index range.
    popupQueue: {
      store: 'clocks',
      parts: [
        { index: INDEX.clocks.status, key: 'pending' },
        recent(INDEX.clocks.statusDueAt, 'breached'),
        recent(INDEX.clocks.statusDueAt, 'unknown'),
        recent(INDEX.clocks.statusStartedAt, 'notAssessed'),
      ],
    },
    popupFailedToday: {
      store: 'units',
      parts: ['fail', 'unknown'].map((r) => ({ index: INDEX.units.dayResult, key: [today, r] })),
    },
    // Analytics page: rollups of the range, the primary metrics' units (past days and today), the 7-day
    // message sample for handling times.
    rollups30d: rollups(addDays(today, -30)),
    rollups90d: rollups(addDays(today, -90)),
    primaryUnits30d: units(addDays(today, -30), addDays(today, -1)),
    primaryUnits90d: units(addDays(today, -90), addDays(today, -1)),
    primaryUnitsToday: units(today, today),
    events7dSample: {
      store: 'events',
      parts: [
        {
          index: INDEX.events.at,
          range: [chinaDayStart(addDays(today, -7)), chinaDayStart(today), false, true],
        },
      ],
    },
    countEvents: { store: 'events', count: true },
  });
}
