/**
 * The large workbench's own frames after a message is inserted, with and without the extension (a diagnostic):
 * traces N buyer/agent message pairs on `/pdd/large.html` in a Chromium without any extension of ours and in one
 * with the given build (settings as the latency bench's), and prints the page renderer's Layout / PrePaint / Paint
 * count and thread time per inserted message. Tells whether the page's rendering that competes with the worker for
 * the cores is the page's own or the extension's.
 *
 *   npx jiti scripts/bench/page-frames.ts --ext=DIR [--pairs=20] [--url=/pdd/large.html?rows=1000&messages=10000&rate=0]
 *     [--css='li.onemsg{content-visibility:auto}': a style added to the page after it loads]
 */
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { argOrEnv } from './args';
import { ALL_DAY_PDD, cleanupTemps, extensionCopy, launchWith } from './browser';
import { sleep } from './stats';
import type { TraceEvent } from './trace';

async function frames(context: BrowserContext, page: Page, pairs: number) {
  const cdp = await context.newCDPSession(page);
  const events: (TraceEvent & { tdur?: number })[] = [];
  cdp.on('Tracing.dataCollected', (p) => void events.push(...(p.value as unknown as TraceEvent[])));
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,blink', transferMode: 'ReportEvents' });
  for (let i = 0; i < pairs; i++) {
    await page.evaluate(() => {
      const d = (window as unknown as { demo: { openUid?: string; buyerSays(u: string, t: string): string } }).demo;
      d.buyerSays(d.openUid ?? '802114', '什么时候发货？');
    });
    await sleep(300);
    await page.evaluate(() => {
      const d = (window as unknown as { demo: { openUid?: string; agentSays(u: string, t: string): string } }).demo;
      d.agentSays(d.openUid ?? '802114', '亲，马上为您处理');
    });
    await sleep(300);
  }
  await cdp.send('Tracing.end');
  await done;
  // The page's renderer main thread: where its Layout events are.
  const layout = events.find((e) => e.name === 'Layout' && e.ph === 'X');
  const mine = events.filter((e) => e.ph === 'X' && layout && e.pid === layout.pid && e.tid === layout.tid);
  const out: Record<string, { perMessage: number; cpuMsPerMessage: number; cpuMsP50: number }> = {};
  for (const name of ['Layout', 'PrePaint', 'Paint', 'UpdateLayoutTree', 'FunctionCall', 'EventDispatch']) {
    const l = mine.filter((e) => e.name === name);
    const cpu = l.map((e) => (e.tdur ?? e.dur ?? 0) / 1000).sort((a, b) => a - b);
    out[name] = {
      perMessage: +(l.length / (2 * pairs)).toFixed(2),
      cpuMsPerMessage: +(cpu.reduce((a, b) => a + b, 0) / (2 * pairs)).toFixed(2),
      cpuMsP50: +(cpu[cpu.length >> 1] ?? 0).toFixed(2),
    };
  }
  return out;
}

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const url = `${server.url}${argOrEnv('url', '/pdd/large.html?rows=1000&messages=10000&rate=0')}`;
  const pairs = Number(argOrEnv('pairs', '20'));
  try {
    const none = await launchWith(null);
    try {
      const page = await none.context.newPage();
      await page.goto(url, { timeout: 120_000 });
      if (argOrEnv('css', '')) await page.addStyleTag({ content: argOrEnv('css', '') });
      await sleep(5000);
      console.log('without the extension', JSON.stringify(await frames(none.context, page, pairs)));
    } finally {
      await none.close();
    }
    const ext = await launchExtension({ extensionDir: await extensionCopy(argOrEnv('ext', '')) });
    try {
      await seedSettings(ext, ALL_DAY_PDD);
      const page = await ext.context.newPage();
      await page.goto(url, { timeout: 120_000 });
      if (argOrEnv('css', '')) await page.addStyleTag({ content: argOrEnv('css', '') });
      await sleep(20_000); // the history's intake
      console.log('with the extension   ', JSON.stringify(await frames(ext.context, page, pairs)));
    } finally {
      await ext.close();
    }
  } finally {
    await server.close();
    await cleanupTemps();
  }
}

void main();
