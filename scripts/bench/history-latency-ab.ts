/**
 * Latency of two demo builds with a seeded history stored (issue 21: the worker's part grows with the history):
 * one history seeded once into a kept profile ($RS_PROF_ROOT, default /tmp/rs-lat90-prof; `--days` × `--per-day`
 * inquiries, seeded with build A; delete the folder to seed again), then rounds alternating A and B, each a browser
 * on a fresh copy of that profile with its build copied to `$RS_PROF_ROOT/ext` (the path the profile's extension id
 * is tied to), latency samples on the demo workbench as in section 1 (scripts/bench/latency.ts). Optionally a V8 CPU
 * profile of the worker during the samples (`--cpu`): each build's self time per sample by function.
 *
 *   NODE_OPTIONS=--experimental-websocket npx jiti scripts/bench/history-latency-ab.ts --a=DIR --b=DIR [--rounds=4]
 *     [--samples=100] [--days=90] [--per-day=5000] [--cpu] [--raw=FILE] [--empty=A|B] [--idb] [--settle=S]
 *     [--raw-idb=N [--raw-batches=K]]
 */
import { cp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { argOrEnv, flag } from './args';
import { ALL_DAY_PDD, cleanupTemps, extensionCopy, untilHistoryStored } from './browser';
import { cdpClient } from './cdp';
import { selfTimes, type CpuProfile } from './cpu';
import { installProbes, measureLatency } from './latency';
import { seedHistory } from './popup';
import { sleep, summarize } from './stats';

const ROOT = process.env.RS_PROF_ROOT ?? '/tmp/rs-lat90-prof';
const EXT = `${ROOT}/ext`;
const SEEDED = `${ROOT}/profile`;
const RUN = `${ROOT}/run`;
const PORT = 9341;
const CPU = flag('cpu');
/** `--empty=A` (or B): that side runs on a fresh, empty profile instead (the same build twice: empty vs history). */
const EMPTY = argOrEnv('empty', '');
/** `--idb`: every IndexedDB request and transaction of the worker timed during the samples (see `idbProbe`). */
const IDB = flag('idb');

/**
 * Wraps the worker's IndexedDB request methods and `transaction` (Dexie calls them through the prototypes at call
 * time): per kind, ms from the call to its success event (a transaction: to its complete event), while `on`; an
 * object store's requests are noted again under their store (`store.put:clocks`).
 */
function idbProbe() {
  type G = { __rsIdb?: { on: boolean; t: Record<string, number[]> } };
  const g = globalThis as unknown as G;
  if (g.__rsIdb) return;
  const rec = (g.__rsIdb = { on: false, t: {} as Record<string, number[]> });
  const note = (k: string, ms: number) => {
    if (rec.on) (rec.t[k] ??= []).push(ms);
  };
  const wrap = (proto: Record<string, unknown>, name: string, tag: string) => {
    const orig = proto[name] as ((...a: unknown[]) => IDBRequest) | undefined;
    if (typeof orig !== 'function') return;
    proto[name] = function (this: unknown, ...a: unknown[]) {
      const t0 = performance.now();
      const r = orig.apply(this, a);
      // Also by object store (`store.put:clocks`): which table's rows an intake writes.
      const store = tag === 'store' ? `:${(this as IDBObjectStore).name}` : '';
      r.addEventListener('success', () => {
        const ms = performance.now() - t0;
        note(`${tag}.${name}`, ms);
        if (store) note(`${tag}.${name}${store}`, ms);
      });
      return r;
    };
  };
  for (const m of ['put', 'add', 'get', 'getAll', 'getAllKeys', 'delete', 'count', 'openCursor', 'openKeyCursor'])
    wrap(IDBObjectStore.prototype as unknown as Record<string, unknown>, m, 'store');
  for (const m of ['get', 'getAll', 'getAllKeys', 'count', 'openCursor', 'openKeyCursor'])
    wrap(IDBIndex.prototype as unknown as Record<string, unknown>, m, 'index');
  const tx = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...a: Parameters<typeof tx>) {
    const t0 = performance.now();
    const t = tx.apply(this, a);
    const stores = [...t.objectStoreNames].join(',');
    t.addEventListener('complete', () => note(`tx ${t.mode} [${stores}]`, performance.now() - t0));
    return t;
  } as typeof tx;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function useBuild(dir: string): Promise<void> {
  await rm(EXT, { recursive: true, force: true });
  await cp(dir, EXT, { recursive: true });
}

async function seedOnce(a: string): Promise<void> {
  if (await exists(SEEDED)) return;
  await useBuild(a);
  const ext = await launchExtension({ extensionDir: EXT, userDataDir: SEEDED });
  try {
    const r = await seedHistory(ext, {
      days: Number(argOrEnv('days', '90')),
      perDay: Number(argOrEnv('per-day', '5000')),
      eventsDays: 7,
      log: (s) => console.error(s),
    });
    console.error(`seeded: ${JSON.stringify(r.seeded)}`);
    await writeFile(`${ROOT}/seeded.json`, JSON.stringify({ at: new Date().toISOString(), ...r.seeded }));
  } finally {
    await ext.close();
  }
}

/** `--raw-idb=N`: instead of latency samples, N rounds of an intake's writes in raw IndexedDB (no product code). */
const RAW = Number(argOrEnv('raw-idb', '0'));

/**
 * In the worker, on the product's database, while the product is idle: per round the writes an intake makes before
 * its badge (a new message, its conversation's clock, the recompute queue entry: one transaction), then those after
 * it (a unit replaced, today's rollup and per-day row, the queue entry deleted: a second one), about 300 ms apart
 * as the latency samples are; ms from each transaction's creation to its complete event.
 */
function rawIdbRounds(n: number): Promise<{ before: number[]; after: number[] }> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('reply-sentinel');
    open.onerror = () => reject(open.error);
    open.onsuccess = async () => {
      const db = open.result;
      const out = { before: [] as number[], after: [] as number[] };
      const run = (stores: string[], fill: (tx: IDBTransaction) => void) =>
        new Promise<number>((res, rej) => {
          const t0 = performance.now();
          const tx = db.transaction(stores, 'readwrite');
          fill(tx);
          tx.oncomplete = () => res(performance.now() - t0);
          tx.onerror = () => rej(tx.error);
        });
      const conv = 'pdd|lat90-shop|buyer';
      const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      for (let i = 0; i < n; i++) {
        const at = Date.now();
        out.before.push(
          await run(['events', 'clocks', 'meta'], (tx) => {
            tx.objectStore('events').put({
              key: `${conv}|m${i}`,
              conv,
              at,
              observedAt: at,
              platform: 'pdd',
              account: 'lat90-shop',
              buyer: 'buyer',
              messageId: `m${i}`,
              author: i % 2 ? 'human' : 'buyer',
              text: '你好，请问什么时候发货',
            });
            tx.objectStore('clocks').put({
              key: conv,
              platform: 'pdd',
              account: 'lat90-shop',
              buyer: 'buyer',
              status: i % 2 ? 'pass' : 'pending',
              startedAt: at,
              dueAt: at + 180_000,
            });
            tx.objectStore('meta').put({ key: 'recompute', value: [conv] });
          }),
        );
        out.after.push(
          await run(['units', 'rollups', 'dayStats', 'meta'], (tx) => {
            tx.objectStore('units').delete(`${conv}|u${i - 1}`);
            tx.objectStore('units').put({
              id: `${conv}|u${i}`,
              conv,
              metric: 'pdd.manual3min',
              day,
              result: 'pass',
              platform: 'pdd',
              account: 'lat90-shop',
              startedAt: at,
              waitSec: 20,
            });
            tx.objectStore('rollups').put({
              id: `pdd.manual3min|${day}|lat90`,
              metric: 'pdd.manual3min',
              day,
              pass: i,
            });
            tx.objectStore('meta').delete('recompute');
          }),
        );
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 200));
      }
      db.close();
      resolve(out);
    };
  });
}

/** The browser's processes: the one started on `dir` and its descendants (by /proc's parent links). */
async function browserPids(dir: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const parent = new Map<number, number>();
  let root: number | undefined;
  for (const pid of pids) {
    try {
      const st = await readFile(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]));
      if (root === undefined && (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes(`--user-data-dir=${dir}`))
        root = pid;
    } catch {
      // gone meanwhile
    }
  }
  if (root === undefined) return [];
  const out = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, pp] of parent) if (!out.has(pid) && out.has(pp)) grew = out.add(pid) !== undefined;
  }
  return [...out];
}

/** CPU ms (user + system) by thread name over the browser's processes (clock ticks of 10 ms). */
async function threadCpu(pids: readonly number[]): Promise<Map<string, number>> {
  const by = new Map<string, number>();
  for (const pid of pids) {
    const tids = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
    for (const tid of tids) {
      try {
        const st = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        by.set(name, (by.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) * 10);
      } catch {
        // gone meanwhile
      }
    }
  }
  return by;
}

async function samplesOf(dir: string, url: string, n: number, empty: boolean) {
  await rm(RUN, { recursive: true, force: true });
  if (!empty) await cp(SEEDED, RUN, { recursive: true });
  await useBuild(dir);
  // As launchKeptProfile: the profile's cached worker script goes, else both sides would run one worker.
  await rm(path.join(RUN, 'Default/Service Worker/ScriptCache'), { recursive: true, force: true });
  const launch = () =>
    launchExtension({ extensionDir: EXT, userDataDir: RUN, args: CPU ? [`--remote-debugging-port=${PORT}`] : [] });
  const ext = await launch().catch(launch);
  try {
    await seedSettings(ext, ALL_DAY_PDD);
    await installProbes(await ext.serviceWorker()); // before the page: its link port is seen
    if (IDB) await (await ext.serviceWorker()).evaluate(idbProbe);
    const page = await ext.context.newPage();
    await page.goto(url, { timeout: 120_000 });
    await sleep(3000);
    await untilHistoryStored(ext);
    const buyer = await page.evaluate(
      () => (window as unknown as { demo: { openUid?: string } }).demo.openUid ?? '802114',
    );
    const sw = await ext.serviceWorker();
    let cdp: ReturnType<typeof cdpClient> | undefined;
    if (CPU) {
      const targets = (await (await fetch(`http://127.0.0.1:${PORT}/json/list`)).json()) as {
        type: string;
        url: string;
        webSocketDebuggerUrl: string;
      }[];
      const target = targets.find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
      if (!target) throw new Error('no service worker target');
      cdp = cdpClient(target.webSocketDebuggerUrl);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    if (IDB) await sw.evaluate(() => ((globalThis as unknown as { __rsIdb: { on: boolean } }).__rsIdb.on = true));
    const pids = await browserPids(RUN);
    // `--settle=S`: S seconds of quiet before the samples, the browser's thread CPU noted per 10 s (work the profile
    // causes by itself after it is opened: the database's compactions run on the browser's thread pool).
    for (let t = 0; t < Number(argOrEnv('settle', '0')); t += 10) {
      const a = await threadCpu(pids);
      await sleep(10_000);
      const b = await threadCpu(pids);
      const top = [...b]
        .map(([k, v]) => [k, v - (a.get(k) ?? 0)] as const)
        .filter(([, ms]) => ms >= 50)
        .sort((x, y) => y[1] - x[1]);
      console.error(`  settle ${t}–${t + 10} s, thread CPU ms: ${JSON.stringify(Object.fromEntries(top))}`);
    }
    const cpu0 = await threadCpu(pids);
    if (RAW) {
      // `--raw-batches=K`: K batches in a row on the same copy, each reported (does the backend's work settle?).
      let raw: { before: number[]; after: number[] } | undefined;
      for (let b = 0; b < Number(argOrEnv('raw-batches', '1')); b++) {
        const c0 = await threadCpu(pids);
        raw = await sw.evaluate(rawIdbRounds, RAW);
        const c1 = await threadCpu(pids);
        const threads = new Map([...c1].map(([k, v]) => [k, (v - (c0.get(k) ?? 0)) / RAW]));
        console.error(
          `  raw IndexedDB, ${empty ? 'empty' : 'history'}, batch ${b + 1}: before-badge tx ${JSON.stringify(summarize(raw.before))}; after-badge tx ${JSON.stringify(summarize(raw.after))}; thread CPU ms per round ${JSON.stringify(Object.fromEntries([...threads].filter(([, v]) => v > 0.5)))}`,
        );
      }
      return { raw };
    }
    const r = await measureLatency({ ext, page, buyer, account: '演示旗舰店', samples: n, keepRaw: true });
    const cpu1 = await threadCpu(pids);
    const threads = new Map([...cpu1].map(([k, v]) => [k, v - (cpu0.get(k) ?? 0)]));
    const idb = IDB
      ? await sw.evaluate(() => (globalThis as unknown as { __rsIdb: { t: Record<string, number[]> } }).__rsIdb.t)
      : undefined;
    let self: Map<string, number> | undefined;
    if (cdp) {
      const { profile } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
      cdp.close();
      self = selfTimes(profile);
    }
    return { r, self, idb, threads };
  } finally {
    await ext.close();
  }
}

async function main() {
  const dirs = { A: await extensionCopy(argOrEnv('a', '')), B: await extensionCopy(argOrEnv('b', '')) };
  await seedOnce(dirs.A);
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const url = `${server.url}${argOrEnv('url', '/pdd/index.html?auto=0')}`;
  const pooled = {
    A: { total: [] as number[], toWorker: [] as number[], worker: [] as number[], floor: [] as number[] },
    B: { total: [] as number[], toWorker: [] as number[], worker: [] as number[], floor: [] as number[] },
  };
  const self = { A: new Map<string, number>(), B: new Map<string, number>() };
  const count = { A: 0, B: 0 };
  const idb = { A: {} as Record<string, number[]>, B: {} as Record<string, number[]> };
  const threads = { A: new Map<string, number>(), B: new Map<string, number>() };
  try {
    for (let r = 0; r < Number(argOrEnv('rounds', '4')); r++) {
      for (const k of r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
        const {
          r: s,
          self: st,
          idb: it,
          threads: th,
        } = await samplesOf(dirs[k], url, Number(argOrEnv('samples', '100')), EMPTY === k);
        if (!s || !th) continue; // --raw-idb: reported as it ran
        for (const [kind, ms] of Object.entries(it ?? {})) (idb[k][kind] ??= []).push(...ms);
        for (const [t, ms] of th) threads[k].set(t, (threads[k].get(t) ?? 0) + ms);
        if (s.failures.length) throw new Error(`${k}: ${s.failures.join('; ')}`);
        console.error(
          `round ${r + 1} ${k}: total p50 ${s.totalMs?.p50} p95 ${s.totalMs?.p95}; worker p50 ${s.workerToBadgeMs?.p50} p95 ${s.workerToBadgeMs?.p95}; floor p95 ${s.floorMs?.p95}`,
        );
        pooled[k].total.push(...(s.raw?.total ?? []));
        pooled[k].toWorker.push(...(s.raw?.toWorker ?? []));
        pooled[k].worker.push(...(s.raw?.worker ?? []));
        pooled[k].floor.push(...(s.raw?.floor ?? []));
        count[k] += s.samples;
        for (const [f, ms] of st ?? []) self[k].set(f, (self[k].get(f) ?? 0) + ms);
      }
    }
    if (RAW) return;
    const out = Object.fromEntries(
      (['A', 'B'] as const).map((k) => {
        const v = pooled[k];
        return [
          k,
          {
            totalMs: summarize(v.total),
            domToWorkerMs: summarize(v.toWorker),
            workerToBadgeMs: summarize(v.worker),
            floorMs: summarize(v.floor),
            // The browser's CPU during the samples by thread name (all its processes), ms per sample.
            threadCpuPerSampleMs: Object.fromEntries(
              [...threads[k]]
                .filter(([, ms]) => ms > 0)
                .sort((x, y) => y[1] - x[1])
                .slice(0, 20)
                .map(([t, ms]) => [t, +(ms / Math.max(1, count[k])).toFixed(3)]),
            ),
            ...(CPU
              ? {
                  selfPerSampleMs: Object.fromEntries(
                    [...self[k]]
                      .sort((x, y) => y[1] - x[1])
                      .slice(0, 30)
                      .map(([f, ms]) => [f, +(ms / Math.max(1, count[k])).toFixed(3)]),
                  ),
                }
              : {}),
            ...(IDB
              ? {
                  idbMs: Object.fromEntries(
                    Object.entries(idb[k])
                      .sort((x, y) => y[1].length - x[1].length)
                      .map(([kind, ms]) => [
                        kind,
                        { perSample: +(ms.length / Math.max(1, count[k])).toFixed(2), ...summarize(ms) },
                      ]),
                  ),
                }
              : {}),
          },
        ];
      }),
    );
    console.log(JSON.stringify(out, null, 1));
    if (argOrEnv('raw', '')) await writeFile(argOrEnv('raw', ''), JSON.stringify(pooled));
  } finally {
    await server.close();
    await rm(RUN, { recursive: true, force: true });
    await cleanupTemps();
  }
}

void main();
