/**
 * The analytics page's first paint of two demo builds side by side (a diagnostic for a change to its first frame or
 * to the stored rows it reads, not a goal): one history seeded once into a kept profile ($RS_PROF_ROOT, default
 * /tmp/rs-analytics-ab; delete it to reseed; `--days` × `--per-day` inquiries, seeded with build A), then rounds
 * alternating A and B, each a browser on that build's own copy of the profile (a build with a newer schema
 * upgrades its copy at its first open), 10 s to settle, `--opens` opens at the 30-day range and as many at the
 * 90-day range, each closed once its reads after the paint are done, 1.5 s apart. Both builds are copied into the
 * same folder in turn: the profile belongs to the extension's id, which is its path. Prints p50/p95 of each build's
 * marks (ms since navigation), of each open's time from its read's arrival to its render and paint, and the load;
 * before each open a blank page of the build's origin (the floor, as analytics.ts), and painted / floor per build.
 *
 *   npx jiti scripts/bench/analytics-ab.ts --a=DIR --b=DIR [--rounds=2] [--opens=5] [--days=30] [--per-day=5000]
 */
import { cp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { launchExtension } from '../../test/e2e/harness';
import { arg } from './args';
import { blankPageRenderMs, cleanupTemps, extensionCopy, launchKeptProfile } from './browser';
import { seedHistory } from './popup';
import { sleep, summarize } from './stats';

const ROOT = process.env.RS_PROF_ROOT ?? '/tmp/rs-analytics-ab';
const EXT = `${ROOT}/ext`;
const SEEDED = `${ROOT}/profile`;
const builds = { A: arg('a', ''), B: arg('b', '') };
const rounds = Number(arg('rounds', '2'));
const opens = Number(arg('opens', '5'));
const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

async function useBuild(dir: string) {
  await rm(EXT, { recursive: true, force: true });
  await cp(await extensionCopy(dir), EXT, { recursive: true });
}

async function main() {
  if (!builds.A || !builds.B) throw new Error('--a=DIR and --b=DIR: two unpacked demo builds');
  if (!(await stat(SEEDED).catch(() => null))) {
    await useBuild(builds.A);
    const ext = await launchExtension({ extensionDir: EXT, userDataDir: SEEDED });
    try {
      const days = Number(arg('days', '30'));
      const perDay = Number(arg('per-day', '5000'));
      await seedHistory(ext, { days, perDay, eventsDays: 7, log: (s) => console.error(s) });
    } finally {
      await ext.close();
    }
  }
  const marks: Record<string, Record<string, number[]>> = { A: {}, B: {} };
  const add = (k: string, name: string, v: number) => (marks[k]![name] ??= []).push(v);
  for (const k of ['A', 'B'] as const) {
    await rm(`${ROOT}/profile-${k}`, { recursive: true, force: true });
    await cp(SEEDED, `${ROOT}/profile-${k}`, { recursive: true });
  }
  const before = load();
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
      await useBuild(builds[k]);
      const ext = await launchKeptProfile(EXT, `${ROOT}/profile-${k}`);
      try {
        await sleep(10_000);
        for (const range of [30, 90]) {
          // The range the page opens with is the one it keeps in its localStorage (store.ts).
          const setter = await ext.context.newPage();
          await setter.goto(`${ext.baseUrl}/analytics.html`);
          await setter.evaluate(
            (rg) => localStorage.setItem('rs-analytics', JSON.stringify({ state: { range: rg }, version: 1 })),
            range,
          );
          await setter.close();
          for (let i = 0; i < opens; i++) {
            await sleep(1500);
            // The floor before each open, as the goal's bench (analytics.ts): a blank page of the same build's origin,
            // at the same size, in the same browser: each build's paint is also given as a ratio to its own floor.
            const floor = await blankPageRenderMs(ext, { width: 1280, height: 900 });
            add(k, `${range}d floor`, floor);
            await sleep(500);
            const page = await ext.context.newPage();
            await page.setViewportSize({ width: 1280, height: 900 });
            await page.goto(`${ext.baseUrl}/analytics.html`);
            await page.waitForFunction(() => performance.getEntriesByName('rs-analytics-painted').length > 0, null, {
              timeout: 60_000,
            });
            const m = await page.evaluate(() =>
              Object.fromEntries(performance.getEntriesByType('mark').map((x) => [x.name, x.startTime])),
            );
            // Each open's marks as it goes (a run that breaks off keeps what it measured).
            console.error(`open ${k} ${range}d ${JSON.stringify(m)} floor ${floor} load ${load().join(' ')}`);
            // Every mark of the open: the first read's timeline (rs-first-*: open requested, opened, each read in),
            // the page's modules run, the rows checked, rendered, painted.
            for (const [name, at] of Object.entries(m))
              if (name.startsWith('rs-') && !name.endsWith('-refused')) add(k, `${range}d ${name.slice(3)}`, at);
            add(k, `${range}d refused`, m['rs-analytics-read-refused'] === undefined ? 0 : 1);
            // The first frame from the worker (issue 21, wt-aworker), and a worker given up (the page's own read).
            add(k, `${range}d worker`, m['rs-analytics-worker-first'] === undefined ? 0 : 1);
            add(k, `${range}d worker-failed`, m['rs-analytics-worker-failed'] === undefined ? 0 : 1);
            // The page's own part after its read is in (the checks, the figures, React's render, the frame), per
            // open: the read's arrival varies most under load, and these take it out.
            const read = m['rs-analytics-read'];
            if (read !== undefined) {
              if (m['rs-analytics-rendered'] !== undefined)
                add(k, `${range}d read→rendered`, m['rs-analytics-rendered'] - read);
              if (m['rs-analytics-painted'] !== undefined)
                add(k, `${range}d read→painted`, m['rs-analytics-painted'] - read);
            }
            // Closed once its reads after the paint are done (the missed buyers, the handling-time estimate), as in
            // analytics.ts: else the next open's first read can queue behind them in the database (seconds at 90
            // days under load, on both sides alike).
            await page.waitForFunction(
              () =>
                !!document.querySelector('#ana-missed tbody tr, #ana-missed .rs-empty:not([role])') &&
                !!document.querySelector('.rs-aht[data-aht]'),
              null,
              { timeout: 120_000 },
            );
            await page.close();
          }
        }
      } finally {
        await ext.close();
      }
      console.error(`round ${r + 1} ${k} done; load ${load().join(' ')}`);
    }
  }
  const out = Object.fromEntries(
    Object.entries(marks).map(([k, v]) => [
      k,
      Object.fromEntries(Object.entries(v).map(([n, xs]) => [n, summarize(xs)])),
    ]),
  );
  // Painted / floor, p50 and p95 of each (the goal's ratio, verdict.ts), per build and range.
  const ratios = Object.fromEntries(
    Object.entries(out).flatMap(([k, v]) =>
      ['30d', '90d'].flatMap((range) => {
        const painted = v[`${range} analytics-painted`];
        const floor = v[`${range} floor`];
        if (!painted || !floor) return [];
        const r = (a: number, b: number) => Math.round((a / b) * 100) / 100;
        return [[`${k} ${range}`, { p50: r(painted.p50, floor.p50), p95: r(painted.p95, floor.p95) }]];
      }),
    ),
  );
  console.log(JSON.stringify({ load: { before, after: load() }, builds, ratios, out }, null, 1));
}

try {
  await main();
} finally {
  await cleanupTemps();
}
