/**
 * Dev tool: where the owner view's first render goes, and an A/B of two builds in one run. Starts the sync bench's
 * server, lets `agents` agents (default 4) push a day and a half of `perDay` inquiries, then opens the analytics
 * page's team view `opens` times per build, the builds interleaved, and prints each open's marks (`rs-shop-*`) and
 * its requests to the server, then per build the first render (navigation start → `rs-shop-rendered`) and the units
 * read (→ `rs-shop-units`, where the build marks it).
 *
 *   npx jiti scripts/bench/profile-sync.ts [agents] [perDay] [opens]      (after `npx wxt build --mode demo`)
 *   EXT_DIRS=/path/a,/path/b …                                             (two builds: A/B; default the demo build)
 *   TRACE=1 [TRACE_OUT=/tmp/x] …                                           (each open traced: its main thread's time)
 *
 * Per build also the first render's split (`split`: script start, connection, server, the page taking the answers,
 * render; p50 / p95).
 *
 * Before each open, a blank extension page's first render in the same browser (the floor of the bench's ratio
 * verdict, scripts/bench/verdict.ts): each build's p95 is printed with the goal's verdicts, by time and by ratio.
 */
import { writeFile } from 'node:fs/promises';
import { launchExtension, DEMO_EXTENSION_DIR, type ExtensionHarness } from '../../test/e2e/harness';
import { sleep, summarize } from './stats';
import { blankPageRenderMs, cleanupTemps, extensionCopy } from './browser';
import { DB, SYNC_GOAL_MS, configureOwner, pushLatency, startCouch } from './sync';
import { formatBreakdown, traceBreakdown, traceOpen } from './trace';
import { ratioVerdict } from './verdict';

/**
 * One open's first render, split (ms): the first script's start (`rs-first-script`, builds that mark it), the
 * connection (its first-screen requests sent − the script's start), the server (the last of those requests answered −
 * sent), the page taking them (`rs-shop-first` − that answer) and the render (`rs-shop-rendered` − `rs-shop-first`).
 */
function split(entries: { name: string; start: number; end: number }[]): Record<string, number> {
  const at = (n: string) => entries.find((e) => e.name === n)?.start;
  const first = at('rs-shop-first');
  const rendered = at('rs-shop-rendered');
  const script = at('rs-first-script');
  const requests = entries.filter(
    (e) => e.name.startsWith('/shop/') && !e.name.includes('u|') && first !== undefined && e.start < first,
  );
  const out: Record<string, number> = {};
  if (script !== undefined) out.scriptStart = script;
  if (!requests.length || first === undefined || rendered === undefined) return out;
  const sent = Math.min(...requests.map((e) => e.start));
  const answered = Math.max(...requests.map((e) => e.end));
  if (script !== undefined) out.connect = sent - script;
  out.server = answered - sent;
  out.take = first - answered;
  out.render = rendered - first;
  return out;
}

const [agents = 4, perDay = 5000, opens = 4] = process.argv.slice(2).map(Number);
const dirs = (process.env.EXT_DIRS ?? DEMO_EXTENSION_DIR).split(',');
const quiet = !!process.env.QUIET;
const couch = await startCouch(agents);
const exts: ExtensionHarness[] = [];
try {
  await pushLatency(couch, { extensionDir: dirs[0]!, agents, perDay, liveSec: 1, opens, log: console.log });
  for (const dir of dirs) {
    // A private copy holding the floor's blank page (and safe from a rebuild during the run).
    const ext = await launchExtension({ extensionDir: await extensionCopy(dir) });
    exts.push(ext);
    await configureOwner(ext, `${couch.url}/${DB}`);
    const setup = await ext.context.newPage();
    await setup.goto(`${ext.baseUrl}/analytics.html`);
    await setup.evaluate(() =>
      localStorage.setItem('rs-analytics', JSON.stringify({ state: { view: 'team' }, version: 1 })),
    );
    await setup.close();
  }
  const rendered = dirs.map(() => [] as number[]);
  const units = dirs.map(() => [] as number[]);
  const floors = dirs.map(() => [] as number[]);
  /** Per build, where each open's first render went (`split`, from the marks and the first screen's requests). */
  const splits = dirs.map(() => new Map<string, number[]>());
  for (let i = 0; i < opens; i++)
    for (const [k, ext] of exts.entries()) {
      await sleep(500);
      floors[k]!.push(await blankPageRenderMs(ext, { width: 1280, height: 900 }));
      const page = await ext.context.newPage();
      await page.setViewportSize({ width: 1280, height: 900 });
      const open = async () => {
        await page.goto(`${ext.baseUrl}/analytics.html`);
        await page.waitForFunction(() => performance.getEntriesByName('rs-shop-rendered').length > 0, undefined, {
          timeout: 120_000,
        });
      };
      // TRACE=1: the open under a Chromium trace, and where its main thread went until the first render.
      if (process.env.TRACE) {
        const events = await traceOpen(ext.context, page, open);
        if (process.env.TRACE_OUT)
          await writeFile(`${process.env.TRACE_OUT}-${k + 1}-${i + 1}.json`, JSON.stringify(events));
        const b = traceBreakdown(events, 'rs-shop-rendered', 20);
        console.log(`build ${k + 1}, open ${i + 1} trace: ${b ? formatBreakdown(b) : 'no rs-shop-rendered in it'}`);
      } else await open();
      // The units' read, done (so that the server is idle for the next open): marked by the newer builds, an older
      // one has then received its single range read of them.
      await page.waitForFunction(
        () =>
          performance.getEntriesByName('rs-shop-units').length > 0 ||
          (performance.getEntriesByName('rs-shop-asked').length === 0 &&
            performance.getEntriesByType('resource').some((e) => e.name.includes('startkey=%22u%7C'))),
        undefined,
        { timeout: 120_000 },
      );
      const entries = await page.evaluate(() =>
        [...performance.getEntriesByType('mark'), ...performance.getEntriesByType('resource')].map((e) => {
          return {
            name: e.name
              .replace(/^chrome-extension:\/\/[^/]+/, '')
              .replace(/^http:\/\/127\.0\.0\.1:\d+/, '')
              .replace(/_all_docs\?include_docs=true(?:&update_seq=true)?&startkey=%22(.)%7C.*/, '$1|…'),
            start: Math.round(e.startTime),
            end: Math.round(e.startTime + e.duration),
          };
        }),
      );
      const at = (n: string) => entries.find((e) => e.name === n)?.start;
      rendered[k]!.push(at('rs-shop-rendered')!);
      for (const [name, ms] of Object.entries(split(entries))) {
        const list = splits[k]!.get(name) ?? [];
        list.push(ms);
        splits[k]!.set(name, list);
      }
      const u = at('rs-shop-units');
      if (u !== undefined) units[k]!.push(u);
      if (!quiet) {
        console.log(`build ${k + 1}, open ${i + 1}:`);
        for (const e of entries.sort((a, b) => a.start - b.start)) console.log('  ', JSON.stringify(e));
      }
      await page.close();
    }
  for (const [k, dir] of dirs.entries()) {
    const r = summarize(rendered[k]!);
    const floor = summarize(floors[k]!);
    console.log(
      JSON.stringify({
        build: dir,
        rendered: r,
        units: units[k]!.length ? summarize(units[k]!) : 'not marked',
        split: Object.fromEntries(
          [...splits[k]!].map(([name, ms]) => {
            const s = summarize(ms);
            return [name, { p50: Math.round(s.p50), p95: Math.round(s.p95), n: s.n }];
          }),
        ),
        floor,
        goal: {
          timeMet: r.p95 <= SYNC_GOAL_MS.ownerView,
          ratio: ratioVerdict(r.p95, floor, SYNC_GOAL_MS.ownerView, 'blankPage'),
        },
      }),
    );
  }
} finally {
  for (const ext of exts) await ext.close();
  await couch.stop();
  await cleanupTemps();
}
