/**
 * Dev tool: where an extension page's first frame goes. On the kept seeded profile of profile-popup.ts ($RS_PROF_ROOT,
 * default /tmp/rs-prof; run that first to seed it), opens a page N times under a Chromium trace and prints, for the
 * page's renderer main thread from navigation start to its painted mark: the marks, the busy time and the time
 * waiting (for files, IndexedDB…), and busy time by kind (script compile and evaluation per file, module loading,
 * HTML, style, layout, paint, the page's own functions).
 *
 *   PAGE=analytics.html npx jiti scripts/bench/trace-first.ts [opens]     (popup.html, bench-blank.html too)
 */
import { writeFile } from 'node:fs/promises';
import { launchExtension } from '../../test/e2e/harness';
import { BLANK_PAGE, cleanupTemps, extensionCopy } from './browser';
import { sleep } from './stats';

const ROOT = process.env.RS_PROF_ROOT ?? '/tmp/rs-prof';
const PAGE = process.env.PAGE ?? 'analytics.html';
const opens = Number(process.argv[2] ?? 3);
const MARK = PAGE.startsWith('analytics')
  ? 'rs-analytics-painted'
  : PAGE.startsWith('popup')
    ? 'rs-popup-painted'
    : 'rs-blank-painted';

interface Ev {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: { url?: string; functionName?: string; frame?: string }; fileName?: string };
}

// The profile is tied to the extension's path (its id): the same folder as profile-popup.ts uses, rebuilt here.
const ext = await launchExtension({
  extensionDir: await extensionCopy(process.env.EXT_SRC).then(async (dir) => {
    const { cp, rm } = await import('node:fs/promises');
    await rm(`${ROOT}/ext`, { recursive: true, force: true });
    await cp(dir, `${ROOT}/ext`, { recursive: true });
    return `${ROOT}/ext`;
  }),
  userDataDir: `${ROOT}/profile`,
});
try {
  await sleep(2000);
  for (let i = 0; i < opens; i++) {
    const page = await ext.context.newPage();
    await page.setViewportSize(PAGE.startsWith('popup') ? { width: 400, height: 600 } : { width: 1280, height: 900 });
    const cdp = await ext.context.newCDPSession(page);
    const events: Ev[] = [];
    cdp.on('Tracing.dataCollected', (p) => void events.push(...(p.value as unknown as Ev[])));
    const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cdp.send('Tracing.start', {
      categories:
        'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,v8,toplevel,blink.user_timing,loading,blink',
      transferMode: 'ReportEvents',
    });
    await page.goto(`${ext.baseUrl}/${PAGE === 'blank' ? BLANK_PAGE : PAGE}`);
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, MARK, { timeout: 60_000 });
    const marks = await page.evaluate(() =>
      Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])),
    );
    await cdp.send('Tracing.end');
    await done;
    await page.close();
    if (process.env.TRACE_OUT) await writeFile(`${process.env.TRACE_OUT}-${i}.json`, JSON.stringify(events));
    // The page's main thread: where its painted mark was recorded.
    const mark = events.find((e) => e.name === MARK && e.cat.includes('user_timing'));
    if (!mark) {
      console.log(`open ${i}: no ${MARK} in the trace`, marks);
      continue;
    }
    const nav = events.find(
      (e) => e.pid === mark.pid && (e.name === 'navigationStart' || e.name === 'fetchStart') && e.cat.includes('blink'),
    );
    const on = events.filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X');
    const start = nav?.ts ?? Math.min(...on.map((e) => e.ts));
    const end = mark.ts;
    const inWindow = on.filter((e) => e.ts >= start && e.ts <= end);
    // Top-level tasks only (RunTask nests inside ThreadControllerImpl::RunTask where both are traced).
    const outer = inWindow.some((e) => e.name === 'ThreadControllerImpl::RunTask')
      ? 'ThreadControllerImpl::RunTask'
      : 'RunTask';
    const tasks = inWindow.filter((e) => e.name === outer);
    const busy = tasks.reduce((s, e) => s + (e.dur ?? 0), 0) / 1000;
    const by = new Map<string, number>();
    const add = (k: string, d: number) => by.set(k, (by.get(k) ?? 0) + d / 1000);
    for (const e of inWindow) {
      const url = (e.args?.data?.url ?? e.args?.fileName ?? '').split('/').pop();
      if (e.name === 'v8.compile' || e.name === 'V8.CompileCode' || e.name === 'v8.compileModule')
        add(`compile ${url}`, e.dur ?? 0);
      else if (e.name === 'EvaluateScript' || e.name === 'v8.evaluateModule' || e.name === 'v8.run')
        add(`evaluate ${url}`, e.dur ?? 0);
      else if (
        [
          'ParseHTML',
          'UpdateLayoutTree',
          'Layout',
          'Paint',
          'PrePaint',
          'Commit',
          'FunctionCall',
          'TimerFire',
          'FireAnimationFrame',
          'ParseAuthorStyleSheet',
          'MajorGC',
          'MinorGC',
          'V8.GC_SCAVENGER',
        ].includes(e.name)
      )
        add(e.name, e.dur ?? 0);
    }
    const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 14);
    console.log(
      `open ${i}: window ${((end - start) / 1000).toFixed(1)} ms, main thread busy ${busy.toFixed(1)} ms; marks ${JSON.stringify(marks)}`,
    );
    console.log('  ' + top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' · '));
    // The page's reads after its paint may still run in the IndexedDB backend: let them end before the next open.
    await sleep(Number(process.env.GAP_MS ?? 8000));
  }
} finally {
  await ext.close();
  await cleanupTemps();
}
