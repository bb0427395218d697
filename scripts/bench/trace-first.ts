/**
 * Dev tool: where an extension page's first frame goes. On the kept seeded profile of profile-popup.ts ($RS_PROF_ROOT,
 * default /tmp/rs-prof; run that first to seed it), opens a page N times under a Chromium trace and prints, for the
 * page's renderer main thread from navigation start to its painted mark: the marks, the busy time and the time
 * waiting (for files, IndexedDB…), and busy time by kind (script compile and evaluation per file, module loading,
 * HTML, style, layout, paint, the page's own functions).
 *
 *   PAGE=analytics.html npx jiti scripts/bench/trace-first.ts [opens]     (popup.html, bench-blank.html too)
 *
 * RANGE=90: the analytics page's range; TRACE_OUT=/tmp/x: each open's trace to /tmp/x-N.json (TRACE_IDB=1: with the
 * IndexedDB backend's events; `trace-timeline.ts` prints one as a timeline).
 */
import { writeFile } from 'node:fs/promises';
import { BLANK_PAGE, cleanupTemps, extensionCopy, launchKeptProfile } from './browser';
import { sleep } from './stats';
import { formatBreakdown, traceBreakdown, traceOpen } from './trace';

const ROOT = process.env.RS_PROF_ROOT ?? '/tmp/rs-prof';
const PAGE = process.env.PAGE ?? 'analytics.html';
const opens = Number(process.argv[2] ?? 3);
const MARK = PAGE.startsWith('analytics')
  ? 'rs-analytics-painted'
  : PAGE.startsWith('popup')
    ? 'rs-popup-painted'
    : 'rs-blank-painted';

// The profile is tied to the extension's path (its id): the same folder as profile-popup.ts uses, rebuilt here.
const ext = await launchKeptProfile(
  await extensionCopy(process.env.EXT_SRC).then(async (dir) => {
    const { cp, rm } = await import('node:fs/promises');
    await rm(`${ROOT}/ext`, { recursive: true, force: true });
    await cp(dir, `${ROOT}/ext`, { recursive: true });
    return `${ROOT}/ext`;
  }),
  `${ROOT}/profile`,
);
try {
  await sleep(2000);
  if (process.env.RANGE && PAGE.startsWith('analytics')) {
    // The range the analytics page opens with is the one it keeps in its localStorage (store.ts).
    const setter = await ext.context.newPage();
    await setter.goto(`${ext.baseUrl}/analytics.html`);
    await setter.evaluate(
      (rg) => localStorage.setItem('rs-analytics', JSON.stringify({ state: { range: rg }, version: 1 })),
      Number(process.env.RANGE),
    );
    await setter.close();
    await sleep(Number(process.env.GAP_MS ?? 8000));
  }
  for (let i = 0; i < opens; i++) {
    const page = await ext.context.newPage();
    await page.setViewportSize(PAGE.startsWith('popup') ? { width: 400, height: 600 } : { width: 1280, height: 900 });
    let marks: Record<string, number> = {};
    const events = await traceOpen(ext.context, page, async () => {
      await page.goto(`${ext.baseUrl}/${PAGE === 'blank' ? BLANK_PAGE : PAGE}`);
      await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, MARK, { timeout: 60_000 });
      marks = await page.evaluate(() =>
        Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])),
      );
    });
    await page.close();
    if (process.env.TRACE_OUT) await writeFile(`${process.env.TRACE_OUT}-${i}.json`, JSON.stringify(events));
    const b = traceBreakdown(events, MARK);
    if (!b) {
      console.log(`open ${i}: no ${MARK} in the trace`, marks);
      continue;
    }
    console.log(`open ${i}: ${formatBreakdown(b)}; marks ${JSON.stringify(marks)}`);
    // The page's reads after its paint may still run in the IndexedDB backend: let them end before the next open.
    await sleep(Number(process.env.GAP_MS ?? 8000));
  }
} finally {
  await ext.close();
  await cleanupTemps();
}
