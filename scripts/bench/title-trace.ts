/**
 * Why a write of the tab's title holds the large workbench's main thread (bench-results/2026-12-06c-pc2.md): a Chrome
 * trace of 30 title writes (the <title>'s text node rewritten, 100 ms apart) on the plain large page, its traffic
 * paused; per write, the trace events of the page's main thread inside it, by name (total and self µs).
 *
 *   npx jiti scripts/bench/title-trace.ts
 */
import path from 'node:path';
import { REPO_ROOT, startStaticServer } from '../../test/e2e/harness';
import { cleanupTemps, largeWithWaiting, launchWith } from './browser';
import { sleep } from './stats';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const { context, close } = await launchWith(null);
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/pdd/large.html?rows=1000&messages=10000&rate=1&seed=1`, { timeout: 120_000 });
    await sleep(3000);
    await largeWithWaiting(page);
    await sleep(2000);
    const cdp = await context.newCDPSession(page);
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (e) => {
      events.push(...(e.value as unknown as TraceEvent[]));
    });
    const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cdp.send('Tracing.start', {
      traceConfig: {
        includedCategories: [
          'toplevel',
          'blink',
          'blink.user_timing',
          'devtools.timeline',
          'mojom',
          'ipc',
          'renderer',
          'disabled-by-default-devtools.timeline',
        ],
      },
      transferMode: 'ReportEvents',
    } as never);
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const own = document.head.querySelector(':scope > title')!.firstChild as Text;
          const base = own.data;
          let n = 0;
          const timer = setInterval(() => {
            if (n === 30) {
              clearInterval(timer);
              own.data = base;
              resolve();
              return;
            }
            performance.mark(`w${n}:start`);
            own.data = `(${140 - n}) 0:${String(n).padStart(2, '0')} · ${base}`;
            performance.mark(`w${n}:end`);
            performance.measure(`title-write-${n}`, `w${n}:start`, `w${n}:end`);
            n++;
          }, 100);
        }),
    );
    await cdp.send('Tracing.end');
    await done;
    // The writes: user-timing measures (async begin/end pairs), on the page's main thread.
    const begins = new Map<string, TraceEvent>();
    const spans: { start: number; end: number; pid: number; tid: number }[] = [];
    for (const e of events)
      if (e.cat.includes('blink.user_timing') && e.name.startsWith('title-write-')) {
        if (e.ph === 'b') begins.set(e.name, e);
        if (e.ph === 'e' && begins.has(e.name)) {
          const b = begins.get(e.name)!;
          spans.push({ start: b.ts, end: e.ts, pid: b.pid, tid: b.tid });
        }
      }
    const marks = events.filter((e) => e.cat.includes('blink.user_timing') && /^w\d+:start$/.test(e.name));
    const main = marks[0] ? { pid: marks[0].pid, tid: marks[0].tid } : spans[0];
    const byName = new Map<string, { n: number; dur: number; tdur: number }>();
    let wall = 0;
    for (const s of spans) {
      wall += s.end - s.start;
      for (const e of events) {
        if (e.ph !== 'X' || e.pid !== main?.pid || e.tid !== main?.tid) continue;
        // Every slice of the main thread that overlaps the write (its task, and whatever ran inside it).
        if (e.ts > s.end || e.ts + (e.dur ?? 0) < s.start) continue;
        const k = `${e.cat} ${e.name}`;
        const a = byName.get(k) ?? { n: 0, dur: 0, tdur: 0 };
        a.n++;
        a.dur += e.dur ?? 0;
        a.tdur += e.tdur ?? 0;
        byName.set(k, a);
      }
    }
    // What other threads and processes did while the writes lasted (the biggest slices), for the wait's other side.
    const others = new Map<string, number>();
    for (const s of spans)
      for (const e of events)
        if (e.ph === 'X' && !(e.pid === main?.pid && e.tid === main?.tid) && e.ts >= s.start && e.ts <= s.end)
          others.set(`${e.pid}/${e.tid} ${e.name}`, (others.get(`${e.pid}/${e.tid} ${e.name}`) ?? 0) + (e.dur ?? 0));
    // Per write: when it ended, and the browser UI thread's top-level tasks around it (offsets from the write's
    // start, µs): a write that ends right after the browser's task ends waited for it; one that ends in the middle of
    // it, or long after, lost its core.
    const ui = events.filter(
      (e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.pid !== main?.pid && e.pid === e.tid,
    );
    const timeline = spans.slice(0, 10).map((s) => ({
      end: Math.round(s.end - s.start),
      browserUi: ui
        .filter((e) => e.ts <= s.end + 2000 && e.ts + (e.dur ?? 0) >= s.start - 2000)
        .map((e) => `${Math.round(e.ts - s.start)}..${Math.round(e.ts + (e.dur ?? 0) - s.start)}`),
    }));
    console.log(
      JSON.stringify(
        {
          timeline,
          writes: spans.length,
          main,
          wallUsPerWrite: Math.round(wall / Math.max(1, spans.length)),
          mainThreadInsideWrites: Object.fromEntries(
            [...byName]
              .sort((a, b) => b[1].dur - a[1].dur)
              .slice(0, 25)
              .map(([k, v]) => [
                k,
                { n: v.n, durUs: Math.round(v.dur / spans.length), cpuUs: Math.round(v.tdur / spans.length) },
              ]),
          ),
          othersInsideWrites: Object.fromEntries(
            [...others]
              .sort((a, b) => b[1] - a[1])
              .slice(0, 15)
              .map(([k, v]) => [k, Math.round(v / Math.max(1, spans.length))]),
          ),
        },
        null,
        1,
      ),
    );
  } finally {
    await close().catch(() => undefined);
    await server.close();
    await cleanupTemps();
  }
}

void main();
