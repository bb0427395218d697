/**
 * What one write of the tab's title costs the large workbench's main thread, and whether the mutation observers that
 * see it matter (issue 21, bench-results/2026-12-06c-pc2.md). One plain Chromium (no extension) on the large page,
 * its traffic paused (a quiet page: its thread time is ours), then in alternating windows a timer in the page that
 * every --every ms does one of:
 * - `none`: nothing (the timer's own cost, subtracted from the others);
 * - `title`: the <title>'s text node rewritten in place (what TabTitle.apply does);
 * - `title+obs-doc`: the same, with the content script's two observers: one on the whole document (as
 *   Watcher.start, its callback filtering the records as PageReader.forget does) and one on <head> reading the title
 *   back (as TabTitle's);
 * - `title+obs-body` (with --all): the same, the first observer on <body> (plus the document element's children);
 * - `title+obs-doc-take`: as `title+obs-doc`, the head observer's record of the write taken at once (takeRecords);
 * - `text` (with --all): a text node in a hidden <div> of the body rewritten (a text write the browser does not send anywhere).
 * Per variant: thread time (CDP Performance metrics, threadTicks) per write above `none`, and the writes' own wall time
 * measured in the page (performance.now around each write; 0.1 ms resolution, averaged).
 *
 *   npx jiti scripts/bench/title-write.ts [--rounds=4] [--every=100] [--window=4000] [--all]
 */
import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { REPO_ROOT, startStaticServer } from '../../test/e2e/harness';
import { arg, flag } from './args';
import { cleanupTemps, largeWithWaiting, launchWith } from './browser';
import { round, sleep } from './stats';

const ROUNDS = Number(arg('rounds', '4'));
const EVERY = Number(arg('every', '100'));
const WINDOW = Number(arg('window', '4000'));
const VARIANTS = (
  flag('all')
    ? ['none', 'title', 'title+obs-doc', 'title+obs-body', 'title+obs-doc-take', 'text']
    : ['none', 'title', 'title+obs-doc', 'title+obs-doc-take']
) as readonly string[];

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const r = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
}

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const { context, close } = await launchWith(null);
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/pdd/large.html?rows=1000&messages=10000&rate=1&seed=1`, { timeout: 120_000 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await sleep(3000);
    await largeWithWaiting(page);
    await sleep(2000);
    const acc = new Map<string, { task: number; script: number; wall: number; writes: number }>(
      VARIANTS.map((v) => [v, { task: 0, script: 0, wall: 0, writes: 0 }]),
    );
    for (let k = 0; k < ROUNDS; k++) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[(i + k) % VARIANTS.length]!;
        await sleep(300);
        const m0 = await metrics(cdp);
        const got = await page.evaluate(
          ([v, every, window]) =>
            new Promise<{ wall: number; writes: number }>((resolve) => {
              const title = document.head.querySelector(':scope > title')!;
              const own = title.firstChild as Text;
              const base = own.data;
              let hidden = document.getElementById('rs-probe') as HTMLDivElement | null;
              if (!hidden) {
                hidden = document.createElement('div');
                hidden.id = 'rs-probe';
                hidden.style.display = 'none';
                hidden.append('0');
                document.body.append(hidden);
              }
              const hiddenText = hidden.firstChild as Text;
              const observers: MutationObserver[] = [];
              let take: MutationObserver | null = null;
              if (v.startsWith('title+obs')) {
                // As Watcher.start (its callback as PageReader.forget's filter: a <title> change is not the page's).
                const watcher = new MutationObserver((records) => {
                  let n = 0;
                  for (const r of records) {
                    const t = r.target;
                    if ((t.nodeType === 1 ? t : t.parentNode)?.nodeName === 'TITLE') continue;
                    n++;
                  }
                  return n;
                });
                const opts = {
                  childList: true,
                  subtree: true,
                  characterData: true,
                  attributes: true,
                  attributeFilter: ['class', 'id', 'data-random', 'currentuid', 'contenteditable'],
                };
                if (v !== 'title+obs-body') watcher.observe(document, opts);
                else {
                  watcher.observe(document.body, opts);
                  watcher.observe(document.documentElement, { childList: true });
                }
                // As TabTitle's: reads the title back after each write.
                const tab = new MutationObserver(() => {
                  if (document.title.replace(/\s+/g, ' ').trim() === own.data.replace(/\s+/g, ' ').trim()) return;
                });
                tab.observe(document.head, { subtree: true, childList: true, characterData: true });
                observers.push(watcher, tab);
                // As TabTitle since 2026-12-06c: its own write's record taken at once (the observer is not called).
                if (v === 'title+obs-doc-take') take = tab;
              }
              let wall = 0;
              let writes = 0;
              const t0 = performance.now();
              const timer = setInterval(() => {
                if (performance.now() - t0 > window) {
                  clearInterval(timer);
                  for (const o of observers) o.disconnect();
                  own.data = base;
                  resolve({ wall, writes });
                  return;
                }
                if (v === 'none') return;
                const s = performance.now();
                const text = `(${140 - (writes % 60)}) 0:${String(writes % 60).padStart(2, '0')} · ${base}`;
                if (v === 'text') hiddenText.data = text;
                else own.data = text;
                take?.takeRecords();
                wall += performance.now() - s;
                writes++;
              }, every);
            }),
          [v, EVERY, WINDOW] as const,
        );
        const m1 = await metrics(cdp);
        const a = acc.get(v)!;
        a.task += (m1.TaskDuration! - m0.TaskDuration!) * 1000;
        a.script += (m1.ScriptDuration! - m0.ScriptDuration!) * 1000;
        a.wall += got.wall;
        a.writes += v === 'none' ? Math.round(WINDOW / EVERY) : got.writes;
      }
      console.error(`  round ${k + 1}/${ROUNDS}`);
    }
    const none = acc.get('none')!;
    const out: Record<string, unknown> = { rounds: ROUNDS, everyMs: EVERY, windowMs: WINDOW };
    for (const [v, a] of acc) {
      out[v] = {
        writes: a.writes,
        // Per timer callback, in µs; above `none`: the write's own (and its observers').
        taskUsPerCall: (a.task * 1000) / a.writes,
        scriptUsPerCall: (a.script * 1000) / a.writes,
        taskUsAboveNone: ((a.task - none.task) * 1000) / a.writes,
        scriptUsAboveNone: ((a.script - none.script) * 1000) / a.writes,
        writeWallUs: v === 'none' ? 0 : (a.wall * 1000) / a.writes,
      };
    }
    console.log(JSON.stringify(round(out, 1), null, 1));
  } finally {
    await close().catch(() => undefined);
    await server.close();
    await cleanupTemps();
  }
}

void main();
