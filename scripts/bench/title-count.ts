/**
 * How many times the extension writes the tab's title on the large workbench (issue 21, bench-results/
 * 2026-12-06d-title.md): a build in Chromium on `/pdd/large.html` (1 000 conversations, 10 000 messages), PDD's rule
 * all day, 140 buyers asking at once and the page's traffic then paused (as `largeWithWaiting` for the page-cost
 * benchmarks); every change of the <title> recorded in the page (time and text) for --seconds (default 250: a minute
 * with more than a minute left, the last minute, a minute overdue), then counted per 60 s window and by the kind of
 * text written (whole minutes, m:ss, over) and by what changed from the write before (the count alone, the time
 * part, both).
 *
 * --running: the page's traffic resumed after the buyers ask (its `step()` at 1 message a second: 65% a buyer in
 * another conversation, 25% an answer to a waiting one, 10% the open buyer), so the count of waiting buyers changes
 * about every second and each change comes as a clock push (bench-results/2026-12-06e-title2.md).
 *
 *   npx jiti scripts/bench/title-count.ts [--ext=.output/chrome-mv3-demo] [--seconds=250] [--label=after] [--running]
 */
import path from 'node:path';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { ALL_DAY_PDD, cleanupTemps, extensionCopy, largeWithWaiting } from './browser';
import { arg, flag } from './args';
import { sleep } from './stats';

const EXT = path.resolve(arg('ext', path.join(REPO_ROOT, '.output/chrome-mv3-demo')));
const SECONDS = Number(arg('seconds', '250'));
const LABEL = arg('label', path.basename(path.dirname(EXT)));
const RUNNING = flag('running');

interface Write {
  /** ms since the buyers asked. */
  at: number;
  text: string;
}

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const ext = await launchExtension({ extensionDir: await extensionCopy(EXT) });
  try {
    await seedSettings(ext, { ...ALL_DAY_PDD, tabTitle: true });
    const page = await ext.context.newPage();
    await page.goto(`${server.url}/pdd/large.html?rows=1000&messages=10000&rate=1&seed=1`, { timeout: 120_000 });
    await sleep(3000);
    // The recorder first: every write from the question on.
    await page.evaluate(() => {
      const w = window as unknown as { __titleWrites: { at: number; text: string }[]; __t0: number };
      w.__titleWrites = [];
      w.__t0 = performance.now();
      const inTitle = (n: Node | null) => n?.nodeName === 'TITLE' || n?.parentNode?.nodeName === 'TITLE';
      new MutationObserver((records) => {
        const n = records.filter((r) => inTitle(r.target)).length;
        for (let i = 0; i < n; i++) w.__titleWrites.push({ at: performance.now() - w.__t0, text: document.title });
      }).observe(document.head, { subtree: true, childList: true, characterData: true });
    });
    await largeWithWaiting(page);
    if (RUNNING) await page.evaluate(() => (window as unknown as { demo: { resume(): void } }).demo.resume());
    await sleep(SECONDS * 1000);
    const writes = await page.evaluate(
      () => (window as unknown as { __titleWrites: { at: number; text: string }[] }).__titleWrites,
    );
    const kind = (w: Write) =>
      /^\(\d+\) \d+:\d\d ·/.test(w.text)
        ? 'm:ss'
        : /^\(\d+\) (?:<\d+ (?:分|min)) ·/.test(w.text)
          ? 'minutes left'
          : /^\(\d+\) (?:超|\d+ min over|overdue)/.test(w.text)
            ? 'over'
            : 'other';
    // What changed from the write before: "(3) <3 min · t" → "(4) <3 min · t" is the count alone.
    const parts = (text: string) => /^\((\d+)\) (.*?)(?: · |$)/.exec(text);
    const change = (w: Write, i: number) => {
      const a = parts(writes[i - 1]?.text ?? '');
      const b = parts(w.text);
      if (!a || !b) return 'prefix on/off';
      if (a[2] === b[2]) return a[1] === b[1] ? 'same' : 'count only';
      return a[1] === b[1] ? 'time only' : 'count and time';
    };
    const changes: Record<string, number> = {};
    writes.forEach((w, i) => (changes[change(w, i)] = (changes[change(w, i)] ?? 0) + 1));
    const windows: {
      from: number;
      to: number;
      writes: number;
      kinds: Record<string, number>;
      first?: string;
      last?: string;
    }[] = [];
    for (let from = 0; from < SECONDS; from += 60) {
      const to = Math.min(SECONDS, from + 60);
      const inside = writes.filter((w) => w.at >= from * 1000 && w.at < to * 1000);
      const kinds: Record<string, number> = {};
      for (const w of inside) kinds[kind(w)] = (kinds[kind(w)] ?? 0) + 1;
      windows.push({ from, to, writes: inside.length, kinds, first: inside[0]?.text, last: inside.at(-1)?.text });
    }
    console.log(
      JSON.stringify(
        {
          label: LABEL,
          seconds: SECONDS,
          running: RUNNING,
          total: writes.length,
          perMinute: Math.round((writes.length / SECONDS) * 60 * 10) / 10,
          changes,
          windows,
          sample: writes.slice(0, 3).concat(writes.slice(-3)),
        },
        null,
        1,
      ),
    );
  } finally {
    await ext.close().catch(() => undefined);
    await server.close();
    await cleanupTemps();
  }
}

void main();
