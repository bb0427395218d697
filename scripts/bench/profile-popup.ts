/**
 * Dev tool: seeds a kept profile once (90 d × 5000/d), then opens the popup N times and prints the performance
 * marks and resource timings of each open. `npx jiti scripts/bench/profile-popup.ts [opens]` after
 * `npx wxt build --mode demo`. The profile and a copy of the extension live in /tmp/rs-prof, or $RS_PROF_ROOT (delete
 * to reseed). PAGE=analytics.html,popup.html picks the pages, opened in turn (analytics: until `rs-analytics-painted`;
 * blank.html: an empty page; vendor.html: the shared `ui` chunk alone, until it was evaluated).
 */
import { cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { launchExtension, DEMO_EXTENSION_DIR } from '../../test/e2e/harness';
import { seedHistory } from './popup';

const ROOT = process.env.RS_PROF_ROOT ?? '/tmp/rs-prof';
const EXT = `${ROOT}/ext`;
const PROFILE = `${ROOT}/profile`;
const opens = Number(process.argv[2] ?? 8);
const fresh = !(await stat(PROFILE).catch(() => null));
await rm(EXT, { recursive: true, force: true });
await cp(process.env.EXT_SRC ?? DEMO_EXTENSION_DIR, EXT, { recursive: true });
await writeFile(
  `${EXT}/blank.html`,
  '<!doctype html><html><head><meta charset="utf-8"></head><body><div id="root"></div><script>performance.mark("inline")</script></body></html>',
);
const ui = (await readdir(`${EXT}/chunks`)).find((f) => f.startsWith('ui-'));
// vendor.html: the shared `ui` chunk (React and what the pages share) alone, marked once it has been evaluated: the
// fixed cost every React page pays before its first render, against blank.html's.
await writeFile(`${EXT}/vendor-mark.js`, `import '/chunks/${ui}';\nperformance.mark('rs-vendor-loaded');\n`);
await writeFile(
  `${EXT}/vendor.html`,
  `<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/vendor-mark.js"></script></head><body><div id="root"></div></body></html>`,
);
const popupHtml = await readFile(`${EXT}/popup.html`, 'utf8');
await writeFile(`${EXT}/popup-nofirst.html`, popupHtml.replace(/<script[^>]*popup-first[^>]*><\/script>/, ''));
const PAGES = (process.env.PAGE ?? 'popup.html').split(',');
const ext = await launchExtension({ extensionDir: EXT, userDataDir: PROFILE });
try {
  if (fresh) await seedHistory(ext, { days: 90, perDay: 5000, eventsDays: 7, log: console.log });
  await new Promise((r) => setTimeout(r, 1500));
  for (let i = 0; i < opens; i++) {
    const PAGE = PAGES[i % PAGES.length]!;
    const page = await ext.context.newPage();
    const analytics = PAGE.startsWith('analytics');
    await page.setViewportSize(analytics ? { width: 1280, height: 900 } : { width: 400, height: 600 });
    await page.goto(`${ext.baseUrl}/${PAGE}`);
    if (analytics)
      await page.waitForFunction(() => performance.getEntriesByName('rs-analytics-painted').length > 0, null, {
        timeout: 60_000,
      });
    else if (PAGE.startsWith('popup'))
      await page.waitForFunction(() => performance.getEntriesByName('rs-popup-rendered').length > 0, null, {
        timeout: 30_000,
      });
    else if (PAGE.startsWith('vendor'))
      await page.waitForFunction(() => performance.getEntriesByName('rs-vendor-loaded').length > 0, null, {
        timeout: 30_000,
      });
    else await page.waitForLoadState('load');
    const info = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const out: Record<string, number> = {
        respEnd: nav.responseEnd,
        domInteractive: nav.domInteractive,
        dcl: nav.domContentLoadedEventEnd,
      };
      for (const r of performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        out[`res ${r.name.split('/').pop()}`] = r.responseEnd;
      for (const m of performance.getEntriesByType('mark')) out[m.name] ??= m.startTime;
      for (const m of performance.getEntriesByType('measure')) out[`Δ ${m.name}`] = m.duration;
      return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(v * 10) / 10]));
    });
    if (process.env.OPENS) {
      const o = await page.evaluate(async () => {
        const t0 = performance.now();
        await new Promise((r, j) => {
          const q = indexedDB.open('reply-sentinel');
          q.onsuccess = () => r(q.result);
          q.onerror = j;
        });
        const t1 = performance.now();
        return { rawOpen: t1 - t0 };
      });
      Object.assign(info, o);
    }
    console.log(PAGE.padEnd(20), JSON.stringify(info));
    await page.close();
  }
} finally {
  await ext.close();
}
