/**
 * Issue 21, page cost: the content script's cost of one observer batch on the large workbench (its waiting counters
 * ticked + one message, as the page's `step()` makes them), for two builds of the extension (or one) side by side in
 * ONE run: a micro-benchmark of the known-tick path (branch wt-pc3) without pagecost-ab's windows.
 *
 *   npx jiti scripts/bench/ticks-ab.ts [--ext=DIR_A,DIR_B] [--rounds=3] [--batches=20] [--calls=10]
 *     [--steps=10] [--waiting=140] [--rows=1000] [--thread=10000] [--gap=1000] [--rate=1] [--interval=250]
 *     [--js-flags=--no-turbo-inlining]
 *
 * A build given as `DIR:noop` runs with the observer's callback a no-op during the timing and steps windows (set in
 * the content script's world after the warm-up): the floor of the same page with the extension loaded, its observer
 * registered and its records delivered, its timers running, but nothing read (build − noop = the callback's work).
 * `DIR:loop` (L): the callback only loops over the records reading each one's `type` and `target` with a WeakMap
 * lookup (the least any observer-based reader must do to tell a known counter's tick from another change);
 * `DIR:off`: the observer disconnected (no records delivered: noop − off = the records' delivery). All three are
 * set from the last warm-up batch on, in the counting copy only (the build itself is unchanged).
 *
 * --ext: the unpacked demo builds to compare, comma-separated (e.g. a copy of main's .output/chrome-mv3-demo and
 * this branch's); without it, this checkout's own demo build alone (.output/chrome-mv3-demo, from `npm run build:all`),
 * as pagecost-ab. A build without its content script (content-scripts/pdd.js) stops the run before any Chromium.
 *
 * One Chromium at a time (the machine is shared): each round launches each build in turn (order alternating by
 * round: A B, B A, …) on the large page with its scripted traffic paused right after load, makes `--waiting` buyers
 * wait (their counters exist), waits until every waiting row has its badge, runs 5 warm-up batches, then:
 * - timing: `--batches` batches, one per `--gap` ms (the page's own pace: its counters tick once a second), each in
 *   one task of the page: every counter set to its whole seconds since it started (as step() does) and one message
 *   from a waiting buyer (its row moves to the top). Thread time (CDP Performance.getMetrics, threadTicks:
 *   ScriptDuration and TaskDuration, the page's own script included, the same on both) and the V8 CPU profile's
 *   samples under the extension's scripts (inclusive), both per batch;
 * - calls: `--calls` more batches under precise coverage, its call counts next to the counters' (coverage's are not
 *   exact for functions that ran before it started);
 * - steps: `--steps` messages of the page's own traffic (`step()` at `--rate`, resumed then paused, as pagecost-ab
 *   drives it): the counted calls per message, and thread time and the profile per message (new waits, answers and
 *   the open thread's messages: events sent, the worker's clocks back, badges put on and taken off).
 * The profile's split is given inclusive (by name) and self (a native leaf charged to the nearest extension frame,
 * keyed name:line:column with the build's source there), per batch; `--interval` is its sampling interval (µs).
 * Counted besides the functions: the port's posts and their JSON size, the messages the content script gets
 * (runtime.onMessage: the worker's clock lists) and theirs; in the steps window, the `<title>`'s writes
 * (`titleWrites` per message, the title at its end on stderr).
 * Every session runs a copy of its build with call counters in its content script (countingCopy; the MutationObserver
 * callback `e=>this.onRecords(e)` counts the real callbacks and records): the same closure calls in every build.
 */
import fs from 'node:fs';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { seedSettings } from '../../test/e2e/db';
import { DEMO_EXTENSION_DIR, REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { arg } from './args';
import { ALL_DAY_PDD, cleanupTemps, tempDir } from './browser';
import {
  annotate,
  attribute,
  extensionInclusiveTimes,
  extensionSelfTimes,
  isExtensionScript,
  startCpuProfile,
  stopCpuProfile,
  type CpuProfile,
} from './cpu';
import { round, sleep, summarize } from './stats';

const EXTS = arg('ext', DEMO_EXTENSION_DIR).split(',').filter(Boolean);
const ROUNDS = Number(arg('rounds', '3'));
const BATCHES = Number(arg('batches', '20'));
const CALLS = Number(arg('calls', '10'));
const WAITING = Number(arg('waiting', '140'));
const ROWS = Number(arg('rows', '1000'));
const THREAD = Number(arg('thread', '10000'));
const GAP = Number(arg('gap', '1000'));
const RATE = Number(arg('rate', '1'));
const STEPS = Number(arg('steps', '10'));
const INTERVAL = Number(arg('interval', '250'));
/** V8 flags for every Chromium (e.g. `--no-turbo-inlining`: the profile names each function's own work; naming only). */
const JS_FLAGS = arg('js-flags', '');
const BADGE_ATTR = 'data-reply-sentinel-badge'; // lib/content/row-badges.ts
const OBSERVER_CALLBACK = 'e=>this.onRecords(e)'; // the watcher's MutationObserver callback, minified

interface Demo {
  demo: {
    buyers: { uid: string }[];
    openUid: string;
    buyerSays(uid: string, text?: string): string;
    pause(): void;
    resume(): void;
    sent: number;
    whenSent(n: number): Promise<number>;
  };
}

/** `n` batches from the page, one per `gap` ms: every counter ticked (whole seconds since it started) + one message. */
async function batches(page: Page, n: number, gap: number, waiting: readonly string[]): Promise<number> {
  return page.evaluate(
    async ([n, gap, uids]) => {
      const d = (window as unknown as Demo).demo;
      const w = window as unknown as { __since?: Map<Element, number>; __next?: number };
      // Each counter's start, from its text when first seen (as the page's waitingSince).
      const since = (w.__since ??= new Map());
      let ticks = 0;
      for (let i = 0; i < n; i++) {
        const now = Date.now();
        d.buyerSays(uids[(w.__next = ((w.__next ?? -1) + 1) % uids.length)]!);
        for (const t of document.querySelectorAll('span.chat-unreply-time')) {
          if (!since.has(t)) since.set(t, now - (parseInt(t.textContent ?? '0', 10) || 0) * 1000);
          t.textContent = `${Math.floor((now - since.get(t)!) / 1000)}秒`;
          ticks++;
        }
        await new Promise((r) => setTimeout(r, gap));
      }
      return ticks / n;
    },
    [n, gap, waiting] as const,
  );
}

/** ms under each named function of the extension (inclusive: a sample counted once per name on its stack). */
const inclusiveByName = (profile: CpuProfile) =>
  extensionInclusiveTimes(profile, (f) => f.functionName || '(anonymous)');

/**
 * A copy of the build with counters in its content script (pdd.js): the observer's callbacks and their records, and
 * calls of the watcher's/reader's methods by name, kept in the content script's world (`globalThis.__rsCount`,
 * read over CDP). One closure call per counted call, the same in every build; precise coverage's counts are not
 * exact for functions run before it started (measured: see the results file), these are.
 */
const COUNTED = [
  'onRecords',
  'forget',
  'counterTicked',
  'knownTicked',
  'render',
  'renderSoon',
  'pageChanged',
  'receive',
  'paint',
  'renderBuyers',
  'scan',
  'health',
  // The tab title's (lib/content/tab-title.ts): a clock push or its timer, and the title compared / written.
  'update',
  'apply',
  // The round trip of a message (lib/content): the clock push's listener, its title call and its clock changes; the
  // link's posts (events, health) and the reporter's health re-sends.
  'handle',
  'show',
  'changeClocks',
  'send',
  'sendHealth',
  // RowBadges: badges coming into view repainted (after the IntersectionObserver's entries, counted as ioEntries).
  'showInView',
];
/**
 * Counts the port's posts and their JSON size, and the runtime messages the content script takes, with their size
 * (wrapped where the content script finds them: chrome.runtime.connect's port, runtime.onMessage's listeners).
 */
const COUNT_PORT = `(()=>{try{const r=globalThis.chrome.runtime,c=r.connect,o=r.onMessage,al=o.addListener;
r.connect=function(...a){const p=c.apply(r,a),pm=p.postMessage;p.postMessage=function(m){__rsN('portPosts');
__rsN('portBytes',JSON.stringify(m).length);return pm.call(p,m)};p.onMessage.addListener(()=>__rsN('portIn'));return p};
o.addListener=function(f){return al.call(o,function(m,...x){__rsN('messagesIn');__rsN('messagesInBytes',
JSON.stringify(m)?.length??0);return f.call(this,m,...x)})}}catch(e){globalThis.__rsCountPortError=String(e)}})();
`;
/**
 * The observer callback of the counting copy: counts, then the real callback, or (`__rsMode` set in the content
 * script's world, see setMode) a floor's: 'noop' nothing; 'loop' (L) only what any observer-based reader must do to
 * tell a known counter's tick from another change — per record its `type` and `target` and a WeakMap lookup (a
 * target not seen yet put in, once); 'off' the observer disconnected (no records delivered at all from then on).
 */
const CALLBACK =
  'e=>(__rsN(`observerCallback`),__rsN(`records`,e.length),globalThis.__rsMode?__rsFloor(this,e):this.onRecords(e))';
const FLOOR = `globalThis.__rsFloor=(w,e)=>{const m=globalThis.__rsMode;if(m==='off')w.observer?.disconnect();
else if(m==='loop'){const k=(globalThis.__rsWM??=new WeakMap);let h=0;for(let i=0;i<e.length;i++){const r=e[i],t=r.target;
if(r.type!=='attributes'){if(k.get(t)!==void 0)h++;else k.set(t,1)}}globalThis.__rsHits=h}};
`;
async function countingCopy(dir: string): Promise<{ dir: string; callback: { line: number; column: number } }> {
  const out = path.join(await tempDir('rs-bench-count-'), 'ext');
  await cp(dir, out, { recursive: true });
  const file = path.join(out, 'content-scripts', 'pdd.js');
  let src = fs.readFileSync(file, 'utf8');
  const once = (from: string | RegExp, to: string) => {
    const n = src.split(from).length - 1;
    if (n !== 1) throw new Error(`countingCopy: ${String(from)} found ${n} times in ${file}`);
    src = src.replace(from, to);
  };
  // `__rsMode` (a `DIR:noop`, `DIR:loop` or `DIR:off` session, see the top): the callback replaced by FLOOR's.
  once(OBSERVER_CALLBACK, CALLBACK);
  for (const name of COUNTED) {
    const re = new RegExp(`(?<![.\\w$])${name}\\(([^(){}]*)\\)\\{`, 'g');
    const m = src.match(re) ?? [];
    // More than one method of that name (`render`: the badges' and another class's): each counted under the name.
    if (m.length > 3) throw new Error(`countingCopy: ${name} defined ${m.length} times`);
    if (m.length !== 1) console.error(`countingCopy: ${name} defined ${m.length} times (counted together)`);
    src = src.replace(re, (h) => `${h}__rsN(\`${name}\`);`);
  }
  // The badges' IntersectionObserver callback (RowBadges' constructor): its calls and entries (no name to count by).
  const io = /(\w)=>\{let (\w)=this\.frames\.inStep\(\);/g;
  if ((src.match(io) ?? []).length === 1)
    src = src.replace(io, (h, e: string) => `${h}__rsN(\`ioCallback\`);__rsN(\`ioEntries\`,${e}.length);`);
  else console.error('countingCopy: the IntersectionObserver callback not found once (not counted)');
  const wc = /waitingCounter:\(([\w,$]*)\)=>/g;
  if ((src.match(wc) ?? []).length !== 1) throw new Error('countingCopy: waitingCounter not found once');
  src = src.replace(wc, (h) => `${h}void __rsN(\`waitingCounter\`)??`);
  src =
    'globalThis.__rsN=(k,n=1)=>{const c=(globalThis.__rsCount??={});c[k]=(c[k]??0)+n};\n' + FLOOR + COUNT_PORT + src;
  fs.writeFileSync(file, src);
  // Where the callback starts (the profile's line:column, 0-based), for its inclusive time.
  const at = src.indexOf(CALLBACK);
  const line = src.slice(0, at).split('\n').length - 1;
  return { dir: out, callback: { line, column: at - (src.lastIndexOf('\n', at - 1) + 1) } };
}

/** The content script's counters (its isolated world's `__rsCount`). */
async function counts(cdp: CDPSession, contexts: Set<number>): Promise<Record<string, number>> {
  for (const id of contexts) {
    const r = (await cdp
      .send('Runtime.evaluate', {
        expression: 'JSON.stringify(globalThis.__rsCount ?? null)',
        contextId: id,
        returnByValue: true,
      })
      .catch(() => null)) as { result?: { value?: string } } | null;
    const v = r?.result?.value;
    if (v && v !== 'null') return JSON.parse(v) as Record<string, number>;
  }
  throw new Error('no content script world with counters');
}

const diffPer = (a: Record<string, number>, b: Record<string, number>, n: number) =>
  Object.fromEntries(Object.keys(b).map((k) => [k, (b[k]! - (a[k] ?? 0)) / n]));

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const r = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
}

interface Session {
  /** Thread time per batch (ms): ScriptDuration, TaskDuration (page's own work included). */
  scriptMs: number;
  taskMs: number;
  /** The CPU profile's samples under the extension's scripts, per batch (ms): inclusive (any extension frame on the stack). */
  extMs: number;
  /** The same as the sum of extensionSelfTimes (each sample charged to its nearest extension frame), per batch. */
  extSelfMs: number;
  /** Inclusive ms per batch under the observer's callback (the counting copy's CALLBACK). */
  callbackMs: number;
  /** Inclusive ms per batch of a few functions (profile). */
  fns: Record<string, number>;
  ticksPerBatch: number;
  /** Calls per batch (precise coverage). */
  calls: Record<string, number>;
  /** Calls per batch, counted (countingCopy), in the timing window and in the coverage window. */
  counted: Record<string, number>;
  countedUnderCoverage: Record<string, number>;
  /** Calls per message of the page's own traffic (step()). */
  countedPerStep: Record<string, number>;
  /** Self ms per batch by function (see extensionSelfTimes), annotated with the build's source. */
  self: Record<string, number>;
  /** The page's own traffic, per message: thread time, the extension's samples, its split inclusive and self. */
  step: {
    scriptMs: number;
    taskMs: number;
    extMs: number;
    callbackMs: number;
    fns: Record<string, number>;
    self: Record<string, number>;
  };
}

const WATCH = [
  'onRecords',
  'forget',
  'readIncremental',
  'planIncremental',
  'knownTicked',
  'counterTicked',
  'waitingCounter',
  'isOwnMutation',
  'pageChanged',
  'render',
  'renderSoon',
  'renderRows',
  'events',
  'receive',
  'send',
  'paint',
  'paintOne',
  'sync',
  'scan',
  'update',
  // The badges put on in an animation frame (RowBadges.createQueued → create) and the clocks' message listener.
  'createQueued',
  'create',
  'handle',
];

/** Sets the content script's `__rsMode` (see CALLBACK) in every world that has its counters. */
async function setMode(cdp: CDPSession, contexts: Set<number>, mode: string): Promise<void> {
  for (const id of contexts)
    await cdp
      .send('Runtime.evaluate', { expression: `globalThis.__rsMode = ${JSON.stringify(mode)}`, contextId: id })
      .catch(() => undefined);
}

/** ms with the observer's callback (its frame at `at`, the counting copy's line:column) on the stack. */
function callbackTime(profile: CpuProfile, at: { line: number; column: number }): number {
  let ms = 0;
  // The callback's frame is anonymous: found by where it starts (V8's column, 0-based, at its parameter or a little
  // after: within a few characters).
  const near = new RegExp(`^\\(anonymous\\):${at.line}:(\\d+)$`);
  for (const [k, v] of extensionInclusiveTimes(profile)) {
    const m = near.exec(k);
    if (m && Math.abs(+m[1]! - at.column) <= 4) ms += v;
  }
  return ms;
}

/** Self ms per unit by annotated key, the top `n`. */
function selfTop(profile: CpuProfile, per: number, name: (k: string) => string, n = 25): Record<string, number> {
  return Object.fromEntries(
    [...extensionSelfTimes(profile)]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => [name(k), v / per]),
  );
}

async function session(spec: string, url: string): Promise<Session> {
  const mode = /:(noop|loop|off)$/.exec(spec)?.[1] ?? '';
  const dir = path.resolve(mode ? spec.slice(0, -mode.length - 1) : spec);
  const { dir: copy, callback } = await countingCopy(dir);
  // The profile's line:column are the counting copy's.
  const name = annotate(copy);
  const h = await launchExtension({ extensionDir: copy, ...(JS_FLAGS && { args: [`--js-flags=${JS_FLAGS}`] }) });
  try {
    await seedSettings(h, ALL_DAY_PDD);
    const page = await h.context.newPage();
    const cdp = await h.context.newCDPSession(page);
    const contexts = new Set<number>();
    cdp.on('Runtime.executionContextCreated', (e) => {
      if (e.context.origin.startsWith('chrome-extension://') || e.context.auxData?.type === 'isolated')
        contexts.add(e.context.id);
    });
    await cdp.send('Runtime.enable');
    await page.goto(url, { timeout: 120_000 });
    const waiting = await page.evaluate((n) => {
      const d = (window as unknown as Demo).demo;
      d.pause();
      const uids = d.buyers
        .filter((x) => x.uid !== d.openUid)
        .slice(0, n)
        .map((b) => b.uid);
      for (const u of uids) d.buyerSays(u);
      return uids;
    }, WAITING);
    // The content script read the page and the worker's clocks came back: every waiting row has its badge.
    const end = Date.now() + 120_000;
    for (;;) {
      const n = await page.evaluate((a) => document.querySelectorAll(`[${a}]`).length, BADGE_ATTR);
      if (n >= WAITING) break;
      if (Date.now() > end) throw new Error(`only ${n} badges of ${WAITING}`);
      await sleep(500);
    }
    await batches(page, 4, GAP, waiting);
    // A floor's mode from the last warm-up batch on (an observer disconnected by its first callback).
    if (mode) await setMode(cdp, contexts, mode);
    await batches(page, 1, GAP, waiting);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await cdp.send('HeapProfiler.collectGarbage');
    const c0 = await counts(cdp, contexts);
    const m0 = await metrics(cdp);
    await startCpuProfile(cdp, INTERVAL);
    const ticksPerBatch = await batches(page, BATCHES, GAP, waiting);
    const profile = await stopCpuProfile(cdp);
    const m1 = await metrics(cdp);
    const c1 = await counts(cdp, contexts);
    const per = (k: string) => ((m1[k]! - m0[k]!) * 1000) / BATCHES;
    const x = attribute(profile, isExtensionScript);
    const fns: Record<string, number> = {};
    for (const [k, v] of inclusiveByName(profile)) if (WATCH.includes(k)) fns[k] = v / BATCHES;
    const self = selfTop(profile, BATCHES, name);
    const callbackMs = callbackTime(profile, callback) / BATCHES;
    // Calls: precise coverage over more batches (it keeps functions unoptimised: not timed).
    await cdp.send('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    await batches(page, CALLS, GAP, waiting);
    const { result } = (await cdp.send('Profiler.takePreciseCoverage')) as unknown as {
      result: {
        url: string;
        functions: { functionName: string; ranges: { startOffset: number; count: number }[] }[];
      }[];
    };
    await cdp.send('Profiler.stopPreciseCoverage');
    const c2 = await counts(cdp, contexts);
    const calls: Record<string, number> = {};
    for (const script of result) {
      if (!isExtensionScript(script.url)) continue;
      for (const f of script.functions) {
        const c = f.ranges[0]!.count / CALLS;
        if (WATCH.includes(f.functionName)) calls[f.functionName] = (calls[f.functionName] ?? 0) + c;
      }
    }
    // The page's own traffic (step(): its random messages, the counters ticked in the same task), as pagecost-ab
    // drives it: callbacks counted per scripted message, thread time and the profile per message.
    await cdp.send('HeapProfiler.collectGarbage');
    const s0 = await metrics(cdp);
    await startCpuProfile(cdp, INTERVAL);
    const { steps, titleWrites, title } = await page.evaluate(async (k) => {
      const d = (window as unknown as Demo).demo;
      // The <title>'s writes in the window (the tab title's own: it rewrites the text node).
      let titleWrites = 0;
      const inTitle = (n: Node | null) => n?.nodeName === 'TITLE' || n?.parentNode?.nodeName === 'TITLE';
      const mo = new MutationObserver((records) => (titleWrites += records.filter((r) => inTitle(r.target)).length));
      mo.observe(document.head, { subtree: true, childList: true, characterData: true });
      const from = d.sent;
      d.resume();
      await d.whenSent(from + k);
      d.pause();
      await new Promise((r) => setTimeout(r, 0));
      mo.disconnect();
      return { steps: d.sent - from, titleWrites, title: document.title };
    }, STEPS);
    console.error(`steps: ${titleWrites} title writes in ${steps} messages, the title then: ${title}`);
    const stepProfile = await stopCpuProfile(cdp);
    const s1 = await metrics(cdp);
    const c3 = await counts(cdp, contexts);
    const stepFns: Record<string, number> = {};
    for (const [k, v] of inclusiveByName(stepProfile)) if (WATCH.includes(k)) stepFns[k] = v / steps;
    return {
      self,
      step: {
        scriptMs: ((s1.ScriptDuration! - s0.ScriptDuration!) * 1000) / steps,
        taskMs: ((s1.TaskDuration! - s0.TaskDuration!) * 1000) / steps,
        extMs: attribute(stepProfile, isExtensionScript).matchedMs / steps,
        callbackMs: callbackTime(stepProfile, callback) / steps,
        fns: stepFns,
        self: selfTop(stepProfile, steps, name),
      },
      countedPerStep: { ...diffPer(c2, c3, steps), titleWrites: titleWrites / steps },
      scriptMs: per('ScriptDuration'),
      taskMs: per('TaskDuration'),
      extMs: x.matchedMs / BATCHES,
      extSelfMs: [...extensionSelfTimes(profile).values()].reduce((a, b) => a + b, 0) / BATCHES,
      callbackMs,
      fns,
      ticksPerBatch,
      calls,
      counted: diffPer(c0, c1, BATCHES),
      countedUnderCoverage: diffPer(c1, c2, CALLS),
    };
  } finally {
    await h.close();
  }
}

async function main() {
  const missing = EXTS.filter(
    (spec) =>
      !fs.existsSync(path.join(path.resolve(spec.replace(/:(noop|loop|off)$/, '')), 'content-scripts', 'pdd.js')),
  );
  if (missing.length) {
    console.error(
      `ticks-ab: no extension build (content-scripts/pdd.js) in ${missing.join(', ')}: ` +
        'pass --ext=DIR_A,DIR_B (unpacked demo builds), or run `npm run build:all` for .output/chrome-mv3-demo',
    );
    process.exitCode = 2;
    return;
  }
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const url = `${server.url}/pdd/large.html?rows=${ROWS}&messages=${THREAD}&rate=${RATE}&seed=1`;
  const names = EXTS.map((_, i) => String.fromCharCode(65 + i));
  const got = new Map<string, Session[]>(names.map((n) => [n, []]));
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const order = EXTS.map((_, i) => (r % 2 ? EXTS.length - 1 - i : i));
      for (const i of order) {
        const s = await session(EXTS[i]!, url);
        got.get(names[i]!)!.push(s);
        console.error(
          `round ${r + 1}/${ROUNDS} ${names[i]}: script ${s.scriptMs.toFixed(2)} ms/batch, extension ${s.extMs.toFixed(2)}, ` +
            `callback ${s.callbackMs.toFixed(2)}, records ${s.counted.records}/batch, ` +
            `step script ${s.step.scriptMs.toFixed(2)} ms/message, extension ${s.step.extMs.toFixed(2)}, ` +
            `observer callbacks ${s.counted.observerCallback}/batch, ${s.countedPerStep.observerCallback}/step message`,
        );
      }
    }
    const out: Record<string, unknown> = { url, waiting: WAITING, batches: BATCHES, gapMs: GAP, rounds: ROUNDS };
    for (const [i, n] of names.entries()) {
      const ss = got.get(n)!;
      const mean = (f: (s: Session) => number) => ss.reduce((a, s) => a + f(s), 0) / ss.length;
      const keys = (f: (s: Session) => Record<string, number>) => [...new Set(ss.flatMap((s) => Object.keys(f(s))))];
      out[`${n} ${EXTS[i]}`] = {
        scriptMsPerBatch: summarize(ss.map((s) => s.scriptMs)),
        taskMsPerBatch: summarize(ss.map((s) => s.taskMs)),
        extensionMsPerBatch: summarize(ss.map((s) => s.extMs)),
        extensionSelfMsPerBatch: summarize(ss.map((s) => s.extSelfMs)),
        callbackMsPerBatch: summarize(ss.map((s) => s.callbackMs)),
        perSession: ss.map((s) => ({
          script: s.scriptMs,
          task: s.taskMs,
          extension: s.extMs,
          callback: s.callbackMs,
          records: s.counted.records,
        })),
        ticksPerBatch: mean((s) => s.ticksPerBatch),
        inclusiveMsPerBatch: Object.fromEntries(keys((s) => s.fns).map((k) => [k, mean((s) => s.fns[k] ?? 0)])),
        countedPerBatch: Object.fromEntries(keys((s) => s.counted).map((k) => [k, mean((s) => s.counted[k] ?? 0)])),
        countedPerBatchUnderCoverage: Object.fromEntries(
          keys((s) => s.countedUnderCoverage).map((k) => [k, mean((s) => s.countedUnderCoverage[k] ?? 0)]),
        ),
        countedPerStepMessage: Object.fromEntries(
          keys((s) => s.countedPerStep).map((k) => [k, mean((s) => s.countedPerStep[k] ?? 0)]),
        ),
        coverageCallsPerBatch: Object.fromEntries(keys((s) => s.calls).map((k) => [k, mean((s) => s.calls[k] ?? 0)])),
        selfMsPerBatch: Object.fromEntries(
          keys((s) => s.self)
            .map((k) => [k, mean((s) => s.self[k] ?? 0)] as const)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 25),
        ),
        stepScriptMsPerMessage: summarize(ss.map((s) => s.step.scriptMs)),
        stepTaskMsPerMessage: summarize(ss.map((s) => s.step.taskMs)),
        stepExtensionMsPerMessage: summarize(ss.map((s) => s.step.extMs)),
        stepPerSession: ss.map((s) => ({
          script: s.step.scriptMs,
          extension: s.step.extMs,
          callback: s.step.callbackMs,
          inclusive: s.step.fns,
        })),
        stepInclusiveMsPerMessage: Object.fromEntries(
          keys((s) => s.step.fns).map((k) => [k, mean((s) => s.step.fns[k] ?? 0)]),
        ),
        stepSelfMsPerMessage: Object.fromEntries(
          keys((s) => s.step.self)
            .map((k) => [k, mean((s) => s.step.self[k] ?? 0)] as const)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 25),
        ),
      };
    }
    console.log(JSON.stringify(round(out, 3), null, 1));
  } finally {
    await server.close();
    await cleanupTemps();
  }
}

void main();
