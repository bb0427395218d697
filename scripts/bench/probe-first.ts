/**
 * Dev tool: where the popup's first read goes, on the kept seeded profile of profile-popup.ts ($RS_PROF_ROOT,
 * default /tmp/rs-prof). Each open is a new blank extension document (bench-blank.html, scripts/bench/browser.ts) in
 * which the page times `indexedDB.open` of the database, each request of the popup's
 * raw first read (first-raw.ts, same stores, indexes and ranges), and, in another new document, a round trip to the
 * service worker: `status` (MSG=popupFirst: the reverted worker first read of 2026-12-05c-popup.md, for a build that
 * has it; one without answers an error at once, reported as refused), with the worker running and, with WAKE=1,
 * after stopping it first (CDP: the message wakes it).
 *
 *   RS_PROF_ROOT=/tmp/first-prof EXT_SRC=<build dir> npx jiti scripts/bench/probe-first.ts [opens]
 */
import { cp, rm } from 'node:fs/promises';
import { launchExtension } from '../../test/e2e/harness';
import { rollupKeyRanges } from '../../lib/compliance';
import { chinaDay } from '../../lib/engine/time';
import { DEFAULT_RULES } from '../../lib/rules/defaults';
import { BREACH_SHOWN_MS } from '../../lib/shown';
import { BLANK_PAGE, cleanupTemps, extensionCopy } from './browser';
import { sleep, summarize } from './stats';

declare const chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } };

const ROOT = process.env.RS_PROF_ROOT ?? '/tmp/rs-prof';
const opens = Number(process.argv[2] ?? 8);
const MSG = process.env.MSG ?? 'status';
const dir = await extensionCopy(process.env.EXT_SRC);
await rm(`${ROOT}/ext`, { recursive: true, force: true });
await cp(dir, `${ROOT}/ext`, { recursive: true });
// The build's own worker, not the profile's cached script (see popup-ab.ts).
await rm(`${ROOT}/profile/Default/Service Worker/ScriptCache`, { recursive: true, force: true });
const launch = () => launchExtension({ extensionDir: `${ROOT}/ext`, userDataDir: `${ROOT}/profile` });
const ext = await launch().catch(launch);
const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => (rows[k] ??= []).push(Math.round(v * 10) / 10);
try {
  await sleep(2000);
  for (let i = 0; i < opens; i++) {
    const now = Date.now();
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/${BLANK_PAGE}`);
    const r = await page.evaluate(
      async ({ since, ranges }) => {
        const t: Record<string, number> = { nav: performance.now() };
        const got = <T>(q: IDBRequest) =>
          new Promise<T>((res, rej) => {
            q.onsuccess = () => res(q.result as T);
            q.onerror = () => rej(q.error);
          });
        const t0 = performance.now();
        const db = await got<IDBDatabase>(indexedDB.open('reply-sentinel'));
        t.open = performance.now() - t0;
        const tx = db.transaction(['settings', 'tabs', 'clocks', 'rollups'], 'readonly');
        const clocks = tx.objectStore('clocks');
        const timed = async (k: string, q: IDBRequest) => {
          const s = performance.now();
          const v = await got<unknown>(q);
          t[k] = performance.now() - s;
          if (Array.isArray(v)) t[`${k}#`] = v.length;
        };
        const s1 = performance.now();
        await Promise.all([
          timed('settings', tx.objectStore('settings').get('ruleOverrides')),
          timed('tabs', tx.objectStore('tabs').getAll()),
          timed('pending', clocks.index('status').getAll('pending')),
          timed(
            'breached',
            clocks
              .index('[status+dueAt]')
              .getAll(IDBKeyRange.bound(['breached', since], ['breached', Infinity], true, true)),
          ),
          timed(
            'unknown',
            clocks
              .index('[status+dueAt]')
              .getAll(IDBKeyRange.bound(['unknown', since], ['unknown', Infinity], true, true)),
          ),
          timed(
            'notAssessed',
            clocks
              .index('[status+startedAt]')
              .getAll(IDBKeyRange.bound(['notAssessed', since], ['notAssessed', Infinity], true, true)),
          ),
          ...ranges.map(([a, b], j) => timed(`rollups${j}`, tx.objectStore('rollups').getAll(IDBKeyRange.bound(a, b)))),
        ]);
        t.allReads = performance.now() - s1;
        db.close();
        return t;
      },
      { since: now - BREACH_SHOWN_MS, ranges: rollupKeyRanges(DEFAULT_RULES, chinaDay(now)) },
    );
    await page.close();
    for (const [k, v] of Object.entries(r))
      if (!k.startsWith('rollups') || k.endsWith('0') || k === 'rollups0#') add(k, v);
    await sleep(500);
    for (const wake of process.env.WAKE ? [false, true] : [false]) {
      if (wake) await ext.stopServiceWorkers();
      const p2 = await ext.context.newPage();
      await p2.goto(`${ext.baseUrl}/${BLANK_PAGE}`);
      const ms = await p2.evaluate(async (type) => {
        const s = performance.now();
        const r = (await chrome.runtime.sendMessage({ type, now: Date.now() })) as { ok?: boolean };
        return { ok: r?.ok === true, rt: performance.now() - s };
      }, MSG);
      add(`${MSG} ${wake ? 'after stop' : 'warm'}${ms.ok ? '' : ' (refused)'}`, ms.rt);
      await p2.close();
      await sleep(500);
    }
  }
  for (const [k, v] of Object.entries(rows)) console.log(k.padEnd(20), JSON.stringify(summarize(v)), JSON.stringify(v));
} finally {
  await ext.close();
  await cleanupTemps();
}
