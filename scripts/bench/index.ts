/**
 * `npm run bench` (after `npm run build:all`): the issue-7 benchmarks in real Chromium and node. Writes
 * bench-results/latest.json and bench-results/latest.md; bench-results/README.md explains every number.
 *
 *   jiti scripts/bench/index.ts [--quick]
 *     [--only=bundles,engine,latency,mainthread,popup,analytics,palette,memory,sync]
 *     [--ext=DIR]
 *
 * --quick: small scales for a smoke run (minutes, not tens of minutes); its numbers are not the goals' numbers.
 * --ext=DIR: measure another unpacked demo build instead of .output/chrome-mv3-demo (a before/after pair).
 * The machine may be shared: every section records the load average around it, and every timing has its spread.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { readStore, seedSettings } from '../../test/e2e/db';
import {
  PROD_EXTENSION_DIR,
  REPO_ROOT,
  launchExtension,
  startStaticServer,
  type ExtensionHarness,
} from '../../test/e2e/harness';
import { arg, flag } from './args';
import { ALL_DAY_PDD, cleanupTemps, countStore, extensionCopy } from './browser';
import { measureBundles, type EntrypointSize } from './bundle';
import { installProbes, measureLatency } from './latency';
import { measureAlertLatency } from './alerts';
import { measureMainThread } from './mainthread';
import { PAGE_COST_GOAL } from './pagecost';
import { measureAnalytics } from './analytics';
import { measurePalette } from './palette';
import { launchSeeded, measurePopup, seedProfile, type SeededProfile } from './popup';
import { SYNC_GOAL_MS, SYNC_MARKERS, measureSync } from './sync';
import { measureContentHeap, measureWorkerHeap } from './memory';
import { round, sleep, summarize, type Summary } from './stats';
import { REFERENCE_FLOORS, markdownGoals, ratioVerdict, type Goal } from './verdict';

const QUICK = flag('quick');
const ONLY = arg('only')?.split(',');
const EXT_DIR = arg('ext');
const SECTIONS = [
  'bundles',
  'engine',
  'latency',
  'mainthread',
  'popup',
  'analytics',
  'palette',
  'memory',
  'sync',
] as const;
type Section = (typeof SECTIONS)[number];
const want = (s: Section) => !ONLY || ONLY.includes(s);
for (const s of ONLY ?? []) if (!SECTIONS.includes(s as Section)) throw new Error(`unknown section ${s}`);

const SCALE = QUICK
  ? {
      latencySmall: 60,
      alertSamples: 3,
      latencyLarge: 20,
      latencyHistory: 30,
      mtRounds: 2,
      mtWindowMessages: 5,
      mtProfiled: 1,
      mtSettle: 10,
      days: 5,
      perDay: 1000,
      opens: 5,
      backToBack: 3,
      analyticsOpens: 4,
      palettePhrases: 1000,
      paletteOpens: 5,
      memoryPerDay: 1000,
      memoryReads: 2,
      syncAgents: 4,
      syncPerDay: 5000,
      syncLiveSec: 45,
      syncOpens: 3,
    }
  : {
      latencySmall: 500,
      alertSamples: 10,
      latencyLarge: 100,
      latencyHistory: 200,
      mtRounds: 12,
      mtWindowMessages: 10,
      mtProfiled: 4,
      mtSettle: 30,
      days: 90,
      perDay: 5000,
      opens: 15,
      backToBack: 15,
      analyticsOpens: 12,
      palettePhrases: 5000,
      paletteOpens: 30,
      memoryPerDay: 5000,
      memoryReads: 5,
      // Issue 22: 20 agents × 5 000 inquiries a day each (scripts/bench/sync.ts).
      syncAgents: 20,
      syncPerDay: 5000,
      syncLiveSec: 120,
      // Each open waits for its units' read (every unit document of the day at this size, seconds) before the next.
      syncOpens: 10,
    };
const LARGE_QUERY = 'rows=1000&messages=10000';

const log = (s: string) => console.log(s);

/** Load average sampled every 5 s while the benchmarks run (other people's tests share this machine). */
const loadSamples: number[] = [];
const loadTimer = setInterval(() => loadSamples.push(loadavg()[0]!), 5000);
function load() {
  const [one, five, fifteen] = loadavg();
  return round({ one: one!, five: five!, fifteen: fifteen! });
}

async function section<T>(
  name: string,
  fn: () => Promise<T>,
): Promise<{ load: unknown; ms: number } & { result?: T; error?: string }> {
  log(`\n▶ ${name}`);
  const before = load();
  const t0 = Date.now();
  try {
    const result = await fn();
    return { result, load: { before, after: load() }, ms: Date.now() - t0 };
  } catch (err) {
    console.error(err);
    return { error: String((err as Error)?.stack ?? err), load: { before, after: load() }, ms: Date.now() - t0 };
  }
}

function engineInChild(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        path.join(REPO_ROOT, 'node_modules/jiti/lib/jiti-cli.mjs'),
        path.join(REPO_ROOT, 'scripts/bench/engine.ts'),
        ...(QUICK ? ['--quick'] : []),
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`engine benchmark exited ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!));
      } catch (err) {
        reject(new Error(`engine benchmark printed no JSON: ${out.slice(-500)}`, { cause: err }));
      }
    });
  });
}

async function latencyOn(extensionDir: string, url: string, samples: number) {
  const ext = await launchExtension({ extensionDir });
  try {
    await seedSettings(ext, ALL_DAY_PDD);
    return await latencyWith(ext, url, samples);
  } finally {
    await ext.close();
  }
}

async function latencyWith(ext: ExtensionHarness, url: string, samples: number) {
  await installProbes(await ext.serviceWorker()); // before the page: its link port is seen
  const page = await ext.context.newPage();
  try {
    await page.goto(url, { timeout: 120_000 });
    // Wait until the tab watches and its history is stored, so samples measure live messages only.
    const t0 = Date.now();
    let stored = -1;
    for (;;) {
      const tabs = await readStore(ext, 'tabs');
      const n = await countStore(ext, 'events');
      if (tabs.some((t) => t.health === 'watching') && n === stored) break;
      if (Date.now() - t0 > 120_000) throw new Error('the workbench tab never settled');
      stored = n;
      await sleep(1000);
    }
    const buyer = await page.evaluate(
      () => (window as unknown as { demo: { openUid?: string } }).demo.openUid ?? '802114',
    );
    const r = await measureLatency({ ext, page, buyer, account: '演示旗舰店', samples, log });
    return { url: url.replace(/^http:\/\/[^/]+/, ''), historyEventsStored: stored, ...r };
  } finally {
    await page.close();
  }
}

/** The time goals (issue 21); each is judged on its ratio to the run's floor too (scripts/bench/verdict.ts). */
const GOAL_MS = { latencyDemo: 10, latencyLarge: 12, popup: 50, analytics: 200 } as const;

async function main() {
  const startedAt = new Date();
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const results: Record<string, unknown> = {};
  const goals: Goal[] = [];
  try {
    // One private copy of the demo build for every browser section (a rebuild elsewhere cannot change it).
    const extDir =
      want('latency') ||
      want('mainthread') ||
      want('popup') ||
      want('analytics') ||
      want('palette') ||
      want('memory') ||
      want('sync')
        ? await extensionCopy(EXT_DIR)
        : '';
    if (want('bundles')) {
      const r = await section('bundle sizes (production build)', () => measureBundles(PROD_EXTENSION_DIR));
      results.bundles = r;
      for (const e of (r.result ?? []) as EntrypointSize[])
        goals.push({
          goal: `bundle ${e.entry} (gzip)`,
          target: `≤ ${(e.budget / 1000).toFixed(0)} kB`,
          measured: `${(e.gzip / 1000).toFixed(1)} kB`,
          met: e.ok,
        });
    }
    if (want('engine')) {
      const r = await section('engine throughput and memory (node)', engineInChild);
      results.engine = r;
    }
    if (want('latency')) {
      const small = await section('latency: small workbench', () =>
        latencyOn(extDir, `${server.url}/pdd/index.html?auto=0`, SCALE.latencySmall),
      );
      const large = await section('latency: large workbench', () =>
        latencyOn(extDir, `${server.url}/pdd/large.html?${LARGE_QUERY}&rate=0`, SCALE.latencyLarge),
      );
      const alerts = await section(
        'latency: alerts (warning at the lead-time moment, breach at the deadline)',
        async () => {
          const ext = await launchExtension({ extensionDir: extDir });
          try {
            return await measureAlertLatency(ext, `${server.url}/pdd/index.html?auto=0`, SCALE.alertSamples);
          } finally {
            await ext.close();
          }
        },
      );
      results.latency = { small, large, alerts };
      for (const [name, key] of [
        ['warning sound after the lead-time moment', 'warningMs'],
        ['breach sound after the deadline', 'breachMs'],
      ] as const) {
        const r = alerts.result;
        const s = r?.[key];
        goals.push({
          goal: `alert latency: ${name}, max of ${SCALE.alertSamples}`,
          target: '0–1000 ms',
          measured: s ? `${s.max.toFixed(0)} ms (p50 ${s.p50.toFixed(0)}, min ${s.min.toFixed(0)})` : 'error',
          met: !!s && !r!.failures.length && s.min >= 0 && s.max <= 1000,
        });
      }
      for (const [name, s, goalMs, floorKind] of [
        ['demo workbench', small, GOAL_MS.latencyDemo, 'workerDemo'],
        ['large workbench, 10 000-message thread', large, GOAL_MS.latencyLarge, 'workerLarge'],
      ] as const) {
        const r = s.result as { totalMs?: Summary | null; floorMs?: Summary | null; failures?: string[] } | undefined;
        const p95 = r?.totalMs?.p95;
        const fails = r?.failures?.length ?? 1;
        goals.push({
          goal: `latency DOM → clock stored + badge, p95 (${name})`,
          target: `≤ ${goalMs} ms`,
          measured: p95 === undefined ? 'error' : `${p95.toFixed(1)} ms (p50 ${r!.totalMs!.p50.toFixed(1)})`,
          met: p95 === undefined || fails ? false : p95 <= goalMs,
          ratio: p95 === undefined || fails ? null : ratioVerdict(p95, r?.floorMs, goalMs, floorKind),
        });
      }
    }
    if (want('mainthread')) {
      const r = await section('main-thread cost: large workbench, plain vs extension vs naive poller', async () => {
        return measureMainThread({
          extensionDir: extDir,
          url: `${server.url}/pdd/large.html?${LARGE_QUERY}&rate=1&seed=1`,
          settleSec: SCALE.mtSettle,
          rounds: SCALE.mtRounds,
          windowMessages: SCALE.mtWindowMessages,
          profiledWindows: SCALE.mtProfiled,
          log,
        });
      });
      results.mainThread = r;
      const overall = r.result?.overallRatio;
      const ci = r.result?.ci95;
      goals.push({
        goal: 'main-thread cost, extension / plain (large workbench), whole run',
        target: '≤ 1.02×',
        measured:
          overall && ci
            ? `${overall.extension.toFixed(3)}× (95% interval ${ci.extension[0].toFixed(3)}–${ci.extension[1].toFixed(3)}; naive poller ${overall.naive.toFixed(3)}×${r.result!.checks.naiveAboveFloor ? '' : `, below its own script's floor ${r.result!.checks.naiveScriptFloor.toFixed(3)}×`}; A/A control ${overall.control.toFixed(3)}× (${ci.control[0].toFixed(3)}–${ci.control[1].toFixed(3)})${r.result!.checks.controlWithin2pct ? '' : ': this run cannot resolve 2%'}; the extension's own script ${r.result!.attribution.extension.sharePercent.toFixed(2)}% of the page's busy time)`
            : 'error',
        // Met only when the whole interval is within the goal, in a run that passed the method's own checks.
        met: ci
          ? ci.extension[1] <= 1.02 && r.result!.checks.naiveAboveFloor && r.result!.checks.controlWithin2pct
          : false,
      });
      const pc = r.result?.pageCost;
      goals.push({
        goal: "page cost by attribution (large workbench): the extension's script + the collections it causes + its badges' rendering",
        target: `≤ ${PAGE_COST_GOAL.sharePercent}% of the page's busy time and ≤ 1/${1 / PAGE_COST_GOAL.ofNaiveScript} of the naive poller's script`,
        measured: pc
          ? `${pc.sharePercent.toFixed(2)}% (${pc.attributableMsPerSec.toFixed(2)} ms/s: script ${pc.scriptMsPerSec.toFixed(2)}, GC ${pc.gcDeltaMsPerSec.toFixed(2)}, badges ${pc.badgeRenderDeltaMsPerSec.toFixed(2)}${pc.badgeRenderCi95 ? ` (95% ${pc.badgeRenderCi95.map((x) => x.toFixed(2)).join('…')})` : ''}); ${(pc.ofNaiveScript * 100).toFixed(1)}% of the poller's script${pc.verdict === 'not resolved' ? `; not resolved: ${pc.attributableRangeMsPerSec.map((x) => x.toFixed(2)).join('–')} ms/s over the badges' interval` : ''}`
          : 'error',
        met: pc ? pc.met : false,
      });
    }
    // The history the popup's and the analytics page's sections (and the latency with history) measure on:
    // seeded once per run into a profile folder that each of them copies (popup.ts `seedProfile`).
    let history: SeededProfile | undefined;
    if (want('popup') || want('analytics')) {
      const r = await section(`seed history (${SCALE.days} days × ${SCALE.perDay} inquiries)`, () =>
        seedProfile(extDir, { days: SCALE.days, perDay: SCALE.perDay, eventsDays: 7, log }),
      );
      results.seed = r;
      history = r.result;
    }
    if (want('popup')) {
      const r = await section(
        `popup and analytics queries (${SCALE.days} days × ${SCALE.perDay} inquiries)`,
        async () => {
          if (!history) throw new Error('no seeded history (see the seed section)');
          const ext = await launchSeeded(extDir, history);
          try {
            const popup = await measurePopup({
              ext,
              history,
              opens: SCALE.opens,
              backToBackOpens: SCALE.backToBack,
              queryRuns: 7,
              log,
            });
            // The same latency as section 1, now with the whole history in the database (what a shop has after
            // three months): work that grows with the stored clocks shows here.
            log('  latency on the demo workbench, with the history stored');
            const latencyWithHistory = await latencyWith(
              ext,
              `${server.url}/pdd/index.html?auto=0`,
              SCALE.latencyHistory,
            );
            return { ...popup, latencyWithHistory };
          } finally {
            await ext.close();
          }
        },
      );
      results.popup = r;
      const lh = r.result?.latencyWithHistory;
      const lhOk = !!lh?.totalMs && !lh.failures.length;
      goals.push({
        goal: `latency DOM → clock stored + badge, p95 (demo workbench, ${SCALE.days} d × ${SCALE.perDay}/d stored)`,
        target: `≤ ${GOAL_MS.latencyDemo} ms`,
        measured: lh?.totalMs ? `${lh.totalMs.p95.toFixed(1)} ms (p50 ${lh.totalMs.p50.toFixed(1)})` : 'error',
        met: lhOk ? lh!.totalMs!.p95 <= GOAL_MS.latencyDemo : false,
        ratio: lhOk ? ratioVerdict(lh!.totalMs!.p95, lh!.floorMs, GOAL_MS.latencyDemo, 'workerDemo') : null,
      });
      const warm = r.result?.firstRenderMs.warm;
      const b2b = r.result?.firstRenderMs.backToBack;
      goals.push({
        goal: `popup first render, p95 of warm opens (${SCALE.days} d × ${SCALE.perDay}/d seeded)`,
        target: `≤ ${GOAL_MS.popup} ms`,
        measured:
          warm && b2b
            ? `${warm.p95.toFixed(1)} ms (p50 ${warm.p50.toFixed(1)}, cold ${r.result?.firstRenderMs.cold} ms; opened right after another closed: p95 ${b2b.p95.toFixed(1)})`
            : 'error',
        met: warm ? warm.p95 <= GOAL_MS.popup : false,
        ratio: warm ? ratioVerdict(warm.p95, r.result?.floorMs, GOAL_MS.popup, 'blankPage') : null,
      });
    }
    if (want('analytics')) {
      const r = await section(
        `analytics page first paint (${SCALE.days} days × ${SCALE.perDay} inquiries)`,
        async () => {
          if (!history) throw new Error('no seeded history (see the seed section)');
          const ext = await launchSeeded(extDir, history);
          try {
            return await measureAnalytics({
              ext,
              history,
              opens: SCALE.analyticsOpens,
              queryRuns: 7,
              log,
            });
          } finally {
            await ext.close();
          }
        },
      );
      results.analytics = r;
      for (const range of ['30d', '90d']) {
        const p = (r.result?.byRange as Any | undefined)?.[range]?.paintedMs;
        goals.push({
          goal: `analytics first paint, p95 of opens at ${range.replace('d', ' days')} (${SCALE.days} d × ${SCALE.perDay}/d seeded)`,
          target: `≤ ${GOAL_MS.analytics} ms`,
          measured: p
            ? `${p.p95.toFixed(1)} ms (p50 ${p.p50.toFixed(1)}, n ${p.n}; cold ${r.result?.coldPaintedMs} ms)`
            : 'error',
          met: p ? p.p95 <= GOAL_MS.analytics : false,
          ratio: p
            ? ratioVerdict(p.p95, r.result?.floorMs as Summary | undefined, GOAL_MS.analytics, 'blankPage')
            : null,
        });
      }
    }
    if (want('palette')) {
      const r = await section(`quick-phrase palette (${SCALE.palettePhrases} phrases)`, async () => {
        const ext = await launchExtension({ extensionDir: extDir });
        try {
          return await measurePalette({
            ext,
            url: `${server.url}/pdd/index.html?auto=0`,
            input: '#replyTextarea',
            phrases: SCALE.palettePhrases,
            opens: SCALE.paletteOpens,
            log,
          });
        } finally {
          await ext.close();
        }
      });
      results.palette = r;
      const p = r.result;
      const ok = !!p && !p.failures.length;
      goals.push({
        goal: `palette open (Ctrl+/ → list in the page), p95 (${SCALE.palettePhrases} phrases)`,
        target: '≤ 50 ms',
        measured: p ? `${p.openMs.p95.toFixed(1)} ms (p50 ${p.openMs.p50.toFixed(1)}, n ${p.openMs.n})` : 'error',
        met: ok ? p.openMs.p95 <= 50 : false,
      });
      goals.push({
        goal: `palette search, per keystroke (key → list re-rendered), p95 (${SCALE.palettePhrases} phrases)`,
        target: '≤ 16 ms',
        measured: p
          ? `${p.searchKeystrokeMs.p95.toFixed(1)} ms (p50 ${p.searchKeystrokeMs.p50.toFixed(1)}, n ${p.searchKeystrokeMs.n})`
          : 'error',
        met: ok ? p.searchKeystrokeMs.p95 <= 16 : false,
      });
    }
    if (want('memory')) {
      const content = await section('memory: the content script on the large workbench', () =>
        measureContentHeap({ extensionDir: extDir, query: LARGE_QUERY, reads: SCALE.memoryReads, log }),
      );
      const worker = await section(`memory: the service worker after a day of ${SCALE.memoryPerDay} inquiries`, () =>
        measureWorkerHeap({ extensionDir: extDir, perDay: SCALE.memoryPerDay, reads: SCALE.memoryReads, log }),
      );
      results.memory = { content, worker };
      const c = content.result?.contentScriptMB;
      goals.push({
        goal: "content script's retained heap, large workbench (10 000 messages), watched − unwatched page",
        target: '≤ 5 MB',
        measured: c ? `${c.p50.toFixed(2)} MB (p50 of ${c.n}; max ${c.max.toFixed(2)})` : 'error',
        met: c ? c.max <= 5 : false,
      });
      const w = worker.result;
      goals.push({
        goal: `service worker heap after a day of ${SCALE.memoryPerDay} inquiries (rehydrated)`,
        target: 'reported',
        measured: w ? `${w.afterDayMB.p50.toFixed(2)} MB (empty profile ${w.emptyMB.p50.toFixed(2)} MB)` : 'error',
        met: null,
      });
    }
    if (want('sync')) {
      const r = await section(
        `team sync: ${SCALE.syncAgents} agents × ${SCALE.syncPerDay} inquiries a day against a local server`,
        () =>
          measureSync({
            extensionDir: extDir,
            agents: SCALE.syncAgents,
            perDay: SCALE.syncPerDay,
            liveSec: SCALE.syncLiveSec,
            opens: SCALE.syncOpens,
            log,
          }),
      );
      results.sync = r;
      const p = r.result?.push;
      const lat = p?.latencyMs;
      const pushOk = !!p && !!lat && p.undelivered === 0 && !p.pushErrors.length;
      const p5 = (x: Summary | null | undefined) => (x ? `${x.p50.toFixed(0)}/${x.p95.toFixed(0)}` : '—');
      goals.push({
        goal: `team sync push latency, local change → on the server's changes feed, p95 (${SCALE.syncAgents} agents × ${SCALE.syncPerDay}/d, ${SCALE.syncLiveSec} s of steady load)`,
        target: `≤ ${SYNC_GOAL_MS.push} ms`,
        measured:
          p && lat
            ? `${lat.p95.toFixed(0)} ms (p50 ${lat.p50.toFixed(0)}, max ${lat.max.toFixed(0)}, n ${lat.n}; undelivered ${p.undelivered}; one push p50/p95 ${p5(p.pushMs)} ms, of it requests ${p5(p.bulkDocsMs)})`
            : 'error',
        met: pushOk ? lat.p95 <= SYNC_GOAL_MS.push : false,
      });
      const o = r.result?.owner;
      goals.push({
        goal: `owner view first render (analytics, team view: shop-wide figures), p95 of ${SCALE.syncOpens} opens`,
        target: `≤ ${SYNC_GOAL_MS.ownerView} ms`,
        measured: o
          ? `${o.renderedMs.p95.toFixed(0)} ms (p50 ${o.renderedMs.p50.toFixed(0)}, first open ${o.coldMs.toFixed(0)}; ${o.shown.counted} units of today counted)`
          : 'error',
        met: o ? o.renderedMs.p95 <= SYNC_GOAL_MS.ownerView : false,
        ratio: o ? ratioVerdict(o.renderedMs.p95, o.floorMs, SYNC_GOAL_MS.ownerView, 'blankPage') : null,
      });
      const b = r.result?.bundle;
      goals.push({
        goal: 'no extra work on the workbench page: no sync code in any content script (bundle check)',
        target: 'none of the sync markers',
        measured: b
          ? `${Object.keys(b.scripts).length} scripts, markers found: ${Object.values(b.scripts).flat().length}; the worker bundle has ${b.worker.length} of the ${SYNC_MARKERS.length} (control)`
          : 'error',
        met: b ? b.met : false,
      });
    }
  } finally {
    clearInterval(loadTimer);
    await server.close();
    await cleanupTemps();
  }

  const meta = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: QUICK,
    only: ONLY ?? null,
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: git(['status', '--porcelain']).length > 0,
    node: process.version,
    chromium: chromiumVersion(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memGB: round(totalmem() / 1024 ** 3, 1),
    loadAverage1m: loadSamples.length ? round(summarize(loadSamples)) : null,
  };
  const out = { meta, goals, ...results };
  const dir = path.join(REPO_ROOT, 'bench-results');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'latest.json'), JSON.stringify(out, null, 2) + '\n');
  await writeFile(path.join(dir, 'latest.md'), markdown(out));
  log(`\nWrote bench-results/latest.json and bench-results/latest.md`);
  log(markdownGoals(goals));
  // A missed goal is a result; a section that could not measure is a failure.
  const broken = Object.entries(results).filter(([, r]) => hasError(r));
  if (broken.length) {
    console.error(`\nSections that failed: ${broken.map(([k]) => k).join(', ')} (see the report)`);
    process.exitCode = 1;
  }
}

function hasError(r: unknown): boolean {
  if (!r || typeof r !== 'object') return false;
  if ('error' in r && (r as { error?: unknown }).error) return true;
  return !('result' in r) && Object.values(r).some(hasError);
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

function chromiumVersion(): string {
  try {
    return execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '?';
  }
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function s(x: Any | null | undefined, unit = 'ms'): string {
  if (!x) return '—';
  return `p50 ${x.p50} · p95 ${x.p95} · min ${x.min} · max ${x.max} ${unit} (n ${x.n})`;
}

function markdown(out: Any): string {
  const m = out.meta;
  const lines: string[] = [
    `# Benchmark results${m.quick ? ' (quick run: small scales, not the goals’ numbers)' : ''}`,
    '',
    `${m.startedAt} · commit ${m.commit}${m.dirty ? ' (+ uncommitted changes)' : ''} · ${m.chromium} · node ${m.node} · ${m.cpus} × ${m.cpuModel}`,
    '',
    `Machine load (1-min load average, sampled every 5 s): ${m.loadAverage1m ? `p50 ${m.loadAverage1m.p50}, max ${m.loadAverage1m.max} on ${m.cpus} cores` : 'n/a'}; it counts the benchmark's own Chromiums too (four at once in section 2), so a load well above that means other work shared the machine. Compare spreads, not single numbers. What each number means: bench-results/README.md.`,
    '',
    '## Goals',
    '',
    markdownGoals(out.goals),
    '',
    `Ratio: the goal's p95 ÷ the p95 of a floor measured in the same run and process (latency: an empty IndexedDB transaction plus a badge set in the service worker, between samples; popup and analytics: a blank extension page's first render, opened before each counted open). Its target is the goal's time ÷ the floor of a quiet reference run (${JSON.stringify(REFERENCE_FLOORS)} ms, scripts/bench/verdict.ts): under load the floor grows with the load and the ratio stays comparable. Prefer the ratio's verdict when the load is well above the number of cores.`,
    '',
  ];
  const lat = out.latency as Any | undefined;
  if (lat) {
    lines.push('## 1. Latency: buyer message in the DOM → clock stored and badge set', '');
    for (const [name, sec] of Object.entries(lat) as [string, Any][]) {
      const r = sec.result;
      lines.push(`**${name}** (${r?.url ?? ''}; load ${JSON.stringify(sec.load)})`, '');
      if (!r) lines.push(`error: ${sec.error}`, '');
      else
        lines.push(
          `- total: ${s(r.totalMs)}`,
          `- DOM → events message at the worker (content script + messaging): ${s(r.domToWorkerMs)}`,
          `- worker → badge set (ingest, store, engine, badge): ${s(r.workerToBadgeMs)}`,
          `- (not counted) the page's own insertion code: ${s(r.pageInsertMs)}`,
          `- floor (an empty IndexedDB transaction + a badge set, same worker, between samples): ${s(r.floorMs)}`,
          `- history events stored before sampling: ${r.historyEventsStored}; failures: ${r.failures.length ? r.failures.join('; ') : 'none'}`,
          '',
        );
    }
  }
  const mt = out.mainThread as Any | undefined;
  if (mt) {
    lines.push('## 2. Page main-thread cost, large workbench (1 000 rows, 10 000 messages, 1 message/s)', '');
    const r = mt.result;
    if (!r) lines.push(`error: ${mt.error}`, '');
    else
      lines.push(
        `${r.rounds} rounds; in each, every page in turn runs the same ${r.windowMessages} scripted messages right after a forced full GC, the others paused. Main-thread TaskDuration in thread time (load ${JSON.stringify(mt.load)}):`,
        '',
        `- plain page: ${s(r.taskMsPerSec.plain, 'ms/s')}`,
        `- with Reply Sentinel: ${s(r.taskMsPerSec.extension, 'ms/s')}`,
        `- with the naive 1 s poller: ${s(r.taskMsPerSec.naive, 'ms/s')}`,
        `- A/A control (a second plain browser): ${s(r.taskMsPerSec.control, 'ms/s')}`,
        `- **whole run: extension / plain ${r.overallRatio.extension}× (95% interval ${r.ci95.extension.join('–')}), naive / plain ${r.overallRatio.naive}× (${r.ci95.naive.join('–')}), control / plain ${r.overallRatio.control}× (${r.ci95.control.join('–')})**`,
        `- per round, extension / plain: ${s(r.ratio.extension, '×')}`,
        `- per round, naive / plain: ${s(r.ratio.naive, '×')}`,
        `- full GC before each window (the memory each page holds), ms: plain ${s(r.fullGcMs.plain)}; extension ${s(r.fullGcMs.extension)}; naive ${s(r.fullGcMs.naive)}`,
        `- JS heap after it, MB: plain ${r.heapMB.plain.p50}, extension ${r.heapMB.extension.p50}, naive ${r.heapMB.naive.p50}`,
        `- checks: ${JSON.stringify(r.checks)}`,
        `- attribution (V8 CPU profile of ${r.attribution.windows} more windows per page, the same messages on each): Reply Sentinel's own JavaScript **${r.attribution.extension.sharePercent}%** of its page's busy main thread; the naive poller's ${r.attribution.naive.sharePercent}%. Per page, ms/s:`,
        '',
        '| page | busy | native (style, layout, paint…) | GC | page scripts | extension script |',
        '| --- | --- | --- | --- | --- | --- |',
        ...['plain', 'extension', 'naive', 'control'].map((n) => {
          const a = r.attribution[n];
          return `| ${n} | ${a.busyMsPerSec} | ${a.programMsPerSec} | ${a.gcMsPerSec} | ${a.pageScriptMsPerSec} | ${a.scriptMsPerSec} |`;
        }),
        '',
        `- Reply Sentinel's time by function (ms/s, inclusive): ${JSON.stringify(r.attribution.extension.byFunctionMsPerSec)}`,
        `- page cost (issue 21; scripts/bench/pagecost.ts): script ${r.pageCost.scriptMsPerSec} ms/s + collections it causes (its page's GC − the plain page's) ${r.pageCost.gcDeltaMsPerSec} ms/s + its badges' rendering (native thread time, ${r.pageCost.badgePairs} pairs of adjacent windows of the same ${r.pageCost.badgeFramesPerWindow} page frames with the badges shown and hidden: shown ${r.pageCost.badgesShownThreadNativeMsPerSec} vs hidden ${r.pageCost.badgesHiddenThreadNativeMsPerSec} ms a frame, pairs' difference ${r.pageCost.badgesThreadDifference.mean} ms a frame, 95% ${r.pageCost.badgesThreadDifference.ci95.join('…')}, ${r.pageCost.badgesThreadDifference.sign}; × 1 frame a second of traffic × ${r.pageCost.badgesThreadToProfile} to the profile's units; ${r.pageCost.badgesInPage.p50} badges in the page) ${r.pageCost.badgeRenderDeltaMsPerSec} ms/s (95% ${r.pageCost.badgeRenderCi95?.join('…') ?? '—'}) = **${r.pageCost.attributableMsPerSec} ms/s, ${r.pageCost.sharePercent}% of its page's busy time, ${r.pageCost.ofNaiveScript}× the naive poller's script; verdict ${r.pageCost.verdict}** (${r.pageCost.attributableRangeMsPerSec.join('–')} ms/s over the badges' interval; negative ends add nothing)`,
        '',
      );
  }
  const seed = out.seed as Any | undefined;
  if (seed) {
    lines.push('## 3·0. The seeded history (once for sections 3 and 3b)', '');
    const r = seed.result;
    if (!r) lines.push(`error: ${seed.error}`, '');
    else
      lines.push(
        `Seeded in ${Math.round(seed.ms / 1000)} s (load ${JSON.stringify(seed.load)}): ${JSON.stringify(r.seeded)}; checked against the product's rebuild from the units (a sample of days): ${JSON.stringify(r.checked)}. Each section below runs on a copy of that profile.`,
        '',
      );
  }
  const pop = out.popup as Any | undefined;
  if (pop) {
    lines.push('## 3. Popup first render and analytics queries', '');
    const r = pop.result;
    if (!r) lines.push(`error: ${pop.error}`, '');
    else {
      lines.push(
        `Seeded: ${JSON.stringify(r.seeded)} (load ${JSON.stringify(pop.load)})`,
        '',
        `- first render, cold (first open after the worker restart): ${r.firstRenderMs.cold} ms`,
        `- first render, later opens (each after half a second of quiet): ${s(r.firstRenderMs.warm)}`,
        `- first render, opens right after the previous popup closed (not the goal's; see README): ${s(r.firstRenderMs.backToBack)}`,
        `- that frame painted (the task after the paint), later opens: ${s(r.firstPaintMs)}`,
        `- floor (a blank extension page's first render, opened before each warm open): ${s(r.floorMs)}`,
        `- compliance tab click → panel: ${s(r.complianceTabMs)}`,
        `- rendered: ${JSON.stringify(r.rendered)}`,
        `- latency (section 1) on the demo workbench with this history stored: ${s(r.latencyWithHistory?.totalMs)}; worker part ${s(r.latencyWithHistory?.workerToBadgeMs)}; floor ${s(r.latencyWithHistory?.floorMs)}; failures: ${r.latencyWithHistory?.failures?.length ? r.latencyWithHistory.failures.join('; ') : 'none'}`,
        '',
        '| query | rows | first run ms | p50 ms | p95 ms | max ms |',
        '| --- | --- | --- | --- | --- | --- |',
        ...Object.entries(r.queries as Any).map(
          ([k, v]: [string, Any]) => `| ${k} | ${v.rows} | ${v.firstMs} | ${v.ms.p50} | ${v.ms.p95} | ${v.ms.max} |`,
        ),
        '',
      );
    }
  }
  const ana = out.analytics as Any | undefined;
  if (ana) {
    lines.push('## 3b. Analytics page first paint (from the per-day aggregates)', '');
    const r = ana.result;
    if (!r) lines.push(`error: ${ana.error}`, '');
    else {
      lines.push(
        `Seeded: ${JSON.stringify(r.seeded)} (load ${JSON.stringify(ana.load)})`,
        '',
        `- first open after the worker restart (cold), painted: ${r.coldPaintedMs} ms`,
        `- floor (a blank extension page's first render, opened before each counted open): ${s(r.floorMs)}`,
        ...Object.entries(r.byRange as Any).flatMap(([k, v]: [string, Any]) => [
          `- ${k}: figures rendered ${s(v.renderedMs)}`,
          `- ${k}: that frame painted (the goal's number) ${s(v.paintedMs)}`,
          `- ${k}: after it, the missed buyers' rows shown ${s(v.missedListMs)}; the handling-time estimate shown ${s(v.handlingEstimateMs)}`,
        ]),
        `- rendered: ${JSON.stringify(r.shown)}`,
        '',
        '| read | rows | first run ms | p50 ms | p95 ms | max ms |',
        '| --- | --- | --- | --- | --- | --- |',
        ...Object.entries(r.queries as Any).map(
          ([k, v]: [string, Any]) => `| ${k} | ${v.rows} | ${v.firstMs} | ${v.ms.p50} | ${v.ms.p95} | ${v.ms.max} |`,
        ),
        '',
      );
    }
  }
  const sync = out.sync as Any | undefined;
  if (sync) {
    lines.push('## 7. Team sync: agents against a local server (issue 22)', '');
    const r = sync.result;
    if (!r) lines.push(`error: ${sync.error}`, '');
    else {
      const p = r.push;
      const o = r.owner;
      lines.push(
        `Model: ${JSON.stringify(p.model)} (load ${JSON.stringify(sync.load)}). Seeded per run: ${JSON.stringify(p.seeded)} (yesterday whole, today to 14:00) in ${p.seedMs} ms; the agents' first pushes of all of it: ${p.warmupMs} ms.`,
        '',
        `- push latency, every document a local change touched → the server's changes feed: ${s(p.latencyMs)}`,
        `- by kind: units ${s(p.byKind.unit)}; rollups ${s(p.byKind.rollup)}; waiting queues ${s(p.byKind.queue)}`,
        `- ${p.localSteps} local changes (messages and deadlines), ${p.docChanges} document changes, ${p.feedChanges} feed changes; undelivered: ${p.undelivered}; push errors: ${p.pushErrors.length ? JSON.stringify(p.pushErrors) : 'none'}`,
        `- one push (derive, compare, write; ${p.pushes} pushes): ${s(p.pushMs)}; of it the bulkDocs requests: ${s(p.bulkDocsMs)}`,
        `- owner view, navigation start → shop-wide figures rendered: first open ${o.coldMs} ms; later opens ${s(o.renderedMs)}; floor (blank extension page) ${s(o.floorMs)}; shown ${JSON.stringify(o.shown)}`,
        `- owner view, navigation start → today's units read (the exact figures, not a goal): ${s(o.unitsMs)}`,
        `- content scripts' sync markers (${SYNC_MARKERS.join(', ')}): ${JSON.stringify(r.bundle.scripts)}; the worker bundle's: ${r.bundle.worker.join(', ')}`,
        '',
      );
    }
  }
  const mem = out.memory as Any | undefined;
  if (mem) {
    lines.push('## 6. Memory (V8 + embedder heap after forced full collections)', '');
    const c = mem.content;
    if (!c.result) lines.push(`content script: error: ${c.error}`, '');
    else
      lines.push(
        `Content script, large workbench (load ${JSON.stringify(c.load)}): watched page ${s(c.result.watchedMB, 'MB')}; the same page unwatched ${s(c.result.plainMB, 'MB')}; **difference ${s(c.result.contentScriptMB, 'MB')}** (${c.result.eventsStored} events stored, ${c.result.badgesInPage} badges in the page)`,
        '',
      );
    const w = mem.worker;
    if (!w.result) lines.push(`worker: error: ${w.error}`, '');
    else
      lines.push(
        `Service worker (load ${JSON.stringify(w.load)}): empty profile ${s(w.result.emptyMB, 'MB')}; after a day seeded (${JSON.stringify(w.result.seeded)}) and a restart ${s(w.result.afterDayMB, 'MB')}`,
        '',
      );
  }
  const eng = out.engine as Any | undefined;
  if (eng) {
    lines.push('## 4. Engine throughput and memory (node)', '');
    const r = eng.result;
    if (!r) lines.push(`error: ${eng.error}`, '');
    else
      lines.push(
        `Scale: ${JSON.stringify(r.scale)} (load ${JSON.stringify(eng.load)})`,
        '',
        `- evaluate(), per conversation: **${Math.round(r.evaluate.eventsPerSec).toLocaleString('en')} events/s** overall; per day ${s(r.evaluate.perDayEventsPerSec, 'events/s')}`,
        `- evaluate() once over a whole day (${r.evaluate.oneCallForADay.events} events): ${s(r.evaluate.oneCallForADay.ms)}`,
        `- memory: ${r.memory.heldEvents.toLocaleString('en')} events held = ${r.memory.heapMB} MB heap (${r.memory.bytesPerEvent} B/event); peak RSS ${r.memory.peakRssMB} MB`,
        `- stored path (Sentinel.ingest, fake-indexeddb, one day live, ${r.stored.messages} messages): ${Math.round(r.stored.eventsPerSec)} events/s of ingest time (${Math.round(r.stored.wallEventsPerSec)}/s with heartbeats); per ingest ${s(r.stored.ingestMs)}; first fifth p50 ${r.stored.firstFifthMs.p50} ms, last fifth p50 ${r.stored.lastFifthMs.p50} ms; RSS growth ${r.stored.rssGrowthMB} MB`,
        '',
      );
  }
  const b = out.bundles as Any | undefined;
  if (b) {
    lines.push('## 5. Bundle sizes (production build, gzip -9)', '');
    if (!b.result) lines.push(`error: ${b.error}`, '');
    else
      lines.push(
        '| entrypoint | files | raw kB | gzip kB | budget kB | |',
        '| --- | --- | --- | --- | --- | --- |',
        ...(b.result as EntrypointSize[]).map(
          (e) =>
            `| ${e.entry} | ${e.files.map((f) => f.file).join(', ')} | ${(e.raw / 1000).toFixed(1)} | ${(e.gzip / 1000).toFixed(1)} | ${(e.budget / 1000).toFixed(0)} | ${e.ok ? '✅' : '❌'} |`,
        ),
        '',
      );
  }
  return lines.join('\n') + '\n';
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
