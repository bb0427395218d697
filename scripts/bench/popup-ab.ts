/**
 * Dev tool: the popup's first render, two builds A/B in one run on one seeded profile. Each round launches the
 * browser on the kept profile of profile-popup.ts ($RS_PROF_ROOT, default /tmp/rs-prof: seed it there first, with
 * either build) with build A, then with build B (each a build folder, the one holding manifest.json; each copied
 * to $RS_PROF_ROOT/ext, the path the profile's extension id is tied to), and opens, half a second apart, a blank
 * extension page (the floor: scripts/bench/browser.ts) and the popup in turn. Per open: `rs-popup-rendered` and `rs-popup-painted` (ms from navigation start), and for a
 * build with the plain first frame (components/popup/first-frame.ts) `rs-popup-react`, when React took over. The
 * queue tab's text is checked to be the same in both builds. For a build whose first read races the worker's answer
 * (`popupFirst`), which of the two came first is counted (`rs-popup-rows-worker` / `rs-popup-rows-raw`).
 *
 * The worker: Chrome keeps an extension's service-worker script in the profile (`Service Worker/ScriptCache`) and
 * runs the cached one at the next launch even when the files at the extension's path changed (same version): each
 * launch here deletes that cache first, so each build runs its own worker (Chrome registers it again, at times only
 * at a second launch).
 *
 *   A=/tmp/main-demo/chrome-mv3-demo B=.output/chrome-mv3-demo \
 *     npx jiti scripts/bench/popup-ab.ts [rounds] [opens per round]
 *
 * SETTLE_MS (default 2000): the wait after each launch before the first (cold) open, e.g. for the worker's start to
 * be over.
 */
import { cp, rm } from 'node:fs/promises';
import os from 'node:os';
import { blankPageRenderMs, extensionCopy, launchKeptProfile } from './browser';
import { sleep, summarize } from './stats';

const ROOT = process.env.RS_PROF_ROOT ?? '/tmp/rs-prof';
const builds = { A: process.env.A ?? '/tmp/main-demo', B: process.env.B ?? '.output/chrome-mv3-demo' };
const rounds = Number(process.argv[2] ?? 4);
const opens = Number(process.argv[3] ?? 8);
const copies = { A: await extensionCopy(builds.A), B: await extensionCopy(builds.B) };
type Side = keyof typeof builds;
const out: Record<
  Side,
  {
    rendered: number[];
    painted: number[];
    react: number[];
    floor: number[];
    queue: Set<string>;
    first: Record<string, number>;
  }
> = {
  A: { rendered: [], painted: [], react: [], floor: [], queue: new Set(), first: {} },
  B: { rendered: [], painted: [], react: [], floor: [], queue: new Set(), first: {} },
};
const loads: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const side of (r % 2 ? ['B', 'A'] : ['A', 'B']) as Side[]) {
    await rm(`${ROOT}/ext`, { recursive: true, force: true });
    await cp(copies[side], `${ROOT}/ext`, { recursive: true });
    const ext = await launchKeptProfile(`${ROOT}/ext`, `${ROOT}/profile`);
    try {
      await sleep(Number(process.env.SETTLE_MS ?? 2000));
      for (let i = 0; i <= opens; i++) {
        const floor = await blankPageRenderMs(ext, { width: 400, height: 600 });
        await sleep(500);
        const page = await ext.context.newPage();
        await page.setViewportSize({ width: 400, height: 600 });
        await page.goto(`${ext.baseUrl}/popup.html`);
        const marks = await page.evaluate(
          () =>
            new Promise<Record<string, number>>((resolve, reject) => {
              const end = performance.now() + 30_000;
              const at = (n: string) => performance.getEntriesByName(n)[0]?.startTime;
              const check = () => {
                // React has taken over: its module ran (`rs-popup-react` with a plain frame, else the popup marks).
                const react =
                  at('rs-popup-react') ?? (at('rs-popup-first-frame') ? undefined : at('rs-popup-rendered'));
                const [rendered, painted] = [at('rs-popup-rendered'), at('rs-popup-painted')];
                if (rendered !== undefined && painted !== undefined && react !== undefined)
                  resolve({ rendered, painted, react });
                else if (performance.now() > end) reject(new Error('the popup never marked its first render'));
                else setTimeout(check, 5);
              };
              check();
            }),
        );
        const first = await page.evaluate(() => {
          const at = (n: string) => performance.getEntriesByName(n)[0]?.startTime ?? Infinity;
          const [w, r] = [at('rs-popup-rows-worker'), at('rs-popup-rows-raw')];
          return w === Infinity && r === Infinity ? 'no race' : w < r ? 'worker' : 'raw';
        });
        const queue = (await page.locator('#tab-queue').textContent()) ?? '';
        if ((await page.locator('.rs-popup').count()) !== 1) throw new Error(`${side}: not one popup on screen`);
        await page.close();
        await sleep(500);
        if (i === 0) continue; // the cold open
        out[side].rendered.push(marks.rendered!);
        out[side].painted.push(marks.painted!);
        out[side].react.push(marks.react!);
        out[side].floor.push(floor);
        out[side].queue.add(queue.replace(/\d+/, 'N'));
        out[side].first[first] = (out[side].first[first] ?? 0) + 1;
        loads.push(os.loadavg()[0]!);
      }
    } finally {
      await ext.close();
    }
  }
  console.log(`round ${r + 1}/${rounds} done, load ${os.loadavg()[0]!.toFixed(1)}`);
}
const fmt = (xs: number[]) => {
  const s = summarize(xs);
  return `p50 ${s.p50.toFixed(1)} p95 ${s.p95.toFixed(1)} (n ${xs.length})`;
};
for (const side of ['A', 'B'] as Side[]) {
  const o = out[side];
  const ratio = summarize(o.rendered).p95 / summarize(o.floor).p95;
  console.log(`${side} ${builds[side]}`);
  console.log(`  rendered ${fmt(o.rendered)}; painted ${fmt(o.painted)}; React in ${fmt(o.react)}`);
  console.log(
    `  blank floor ${fmt(o.floor)}; rendered p95 / floor p95 ${ratio.toFixed(2)}×; queue tab ${[...o.queue]}; ` +
      `rows first from ${JSON.stringify(o.first)}`,
  );
}
console.log(
  `1-min load during the opens: min ${Math.min(...loads).toFixed(1)} median ${summarize(loads).p50.toFixed(1)} max ${Math.max(...loads).toFixed(1)}`,
);
