/**
 * Dev tool: the palette's FIRST open in a tab, two demo builds A/B in one run (a diagnostic for the palette's own
 * file, `/palette.js`, loaded on the first open since 2026-12-06; not a goal). Each round is a fresh browser per build
 * (alternating A, B), 5 000 phrases (`benchPhrases`), the demo PDD workbench: the chat input is clicked (the phrases
 * load on its focus), then, timed in the page from its own window-capture keydown to the mutation that adds or
 * changes what is timed:
 * - first: Ctrl+/ → the palette in the page (B: the file imported, the view made, the list built);
 * - key1: the first keystroke in it → its list re-rendered (B: the index's rows prepared by this search, unless idle
 *   tasks did it already);
 * - again: a second Ctrl+/ after Esc → the palette (both: the code is there).
 *
 *   npx jiti scripts/bench/palette-first-ab.ts --a=DIR --b=DIR [--rounds=6] [--settle=6000]
 */
import path from 'node:path';
import { putRows } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { arg } from './args';
import { benchPhrases } from './palette';
import { sleep, summarize } from './stats';
import { loadavg } from 'node:os';

const builds = { A: arg('a', '/tmp/main-demo/chrome-mv3-demo'), B: arg('b', '.output/chrome-mv3-demo') };
const rounds = Number(arg('rounds', '6'));
/** How long the phrases get to arrive after the chat input's focus before the first Ctrl+/ (ms). */
const settle = Number(arg('settle', '6000'));
type Side = keyof typeof builds;
type Probe = { t0: number; first: number[]; key1: number[]; again: number[]; phase: 'first' | 'key1' | 'again' };
const out: Record<Side, { first: number[]; key1: number[]; again: number[] }> = {
  A: { first: [], key1: [], again: [] },
  B: { first: [], key1: [], again: [] },
};

async function once(side: Side, url: string): Promise<void> {
  const ext = await launchExtension({ extensionDir: path.resolve(builds[side]) });
  try {
    await putRows(ext, 'phrases', benchPhrases(5000));
    const page = await ext.context.newPage();
    await page.goto(url, { timeout: 120_000 });
    await page.locator('#replyTextarea').waitFor({ timeout: 60_000 });
    await page.locator('#replyTextarea').click();
    await page.evaluate(() => {
      const w = window as unknown as { __pf: Probe };
      const pf: Probe = { t0: 0, first: [], key1: [], again: [], phase: 'first' };
      w.__pf = pf;
      window.addEventListener('keydown', () => (pf.t0 = performance.now()), true);
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes) {
            if (!(n instanceof HTMLElement) || !n.hasAttribute('data-reply-sentinel-palette')) continue;
            pf[pf.phase === 'again' ? 'again' : 'first'].push(performance.now() - pf.t0);
            const list = n.shadowRoot?.querySelector('ul');
            if (list && pf.phase === 'first')
              new MutationObserver(() => {
                if (pf.phase === 'key1' && !pf.key1.length) pf.key1.push(performance.now() - pf.t0);
              }).observe(list, { childList: true });
          }
      }).observe(document.body, { childList: true });
    });
    // The phrases arrive on the focus (both builds): the first open times the palette, not the request.
    await sleep(settle);
    const palette = page.locator('[data-reply-sentinel-palette]');
    await page.keyboard.press('Control+/');
    await palette.waitFor({ state: 'attached', timeout: 10_000 });
    await page.evaluate(() => ((window as unknown as { __pf: Probe }).__pf.phase = 'key1'));
    await page.keyboard.type('f');
    await sleep(300);
    await page.keyboard.press('Escape');
    await palette.waitFor({ state: 'detached', timeout: 5000 });
    await page.evaluate(() => ((window as unknown as { __pf: Probe }).__pf.phase = 'again'));
    await sleep(300);
    await page.keyboard.press('Control+/');
    await palette.waitFor({ state: 'attached', timeout: 5000 });
    const pf = await page.evaluate(() => (window as unknown as { __pf: Probe }).__pf);
    out[side].first.push(...pf.first);
    out[side].key1.push(...pf.key1);
    out[side].again.push(...pf.again);
  } finally {
    await ext.close();
  }
}

async function main(): Promise<void> {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const load0 = loadavg()[0]!;
  try {
    const url = `${server.url}/pdd/index.html?auto=0`;
    for (let r = 0; r < rounds; r++)
      for (const side of ['A', 'B'] as const) {
        await once(side, url);
        console.log(`round ${r + 1} ${side}: first ${out[side].first.at(-1)?.toFixed(1)} ms`);
      }
  } finally {
    await server.close();
  }
  const fmt = (xs: number[]) => {
    const s = summarize(xs);
    return `p50 ${s.p50.toFixed(1)} p95 ${s.p95.toFixed(1)} min ${s.min.toFixed(1)} max ${s.max.toFixed(1)} n ${s.n}`;
  };
  console.log(`load (1 min) before ${load0.toFixed(2)}, after ${loadavg()[0]!.toFixed(2)}`);
  for (const side of ['A', 'B'] as const) {
    console.log(`${side} (${builds[side]})`);
    for (const k of ['first', 'key1', 'again'] as const) console.log(`  ${k}: ${fmt(out[side][k])}`);
  }
}

void main();
