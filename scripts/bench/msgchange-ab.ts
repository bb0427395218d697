/**
 * The content script's cost per change inside an earlier message of the open thread, two (or more) builds side by
 * side in ONE run (A/B alternating, load cannot bias one build), on the large PDD workbench (1000 rows, a
 * 10 000-message thread, no scripted traffic). Each window, on each build's page in turn (the others idle): `changes`
 * changes `gap` ms apart, each inside a random earlier message (not among the last 20), under the V8 CPU profiler;
 * the extension's time (its functions on the stack, what they call included) divided by the changes.
 *
 * Kinds: `isread` — the buyer reads a shop-side bubble: its `isread` class removed or put back (reads the same);
 * `edit` — a message's text edited (reads differently; same page id, so no event either way); `rerender` — a message
 * element replaced by a copy of itself (Vue/React re-rendering it in place).
 *
 *   npx jiti scripts/bench/msgchange-ab.ts --ext=/tmp/before/.output/chrome-mv3-demo,.output/chrome-mv3-demo
 *     [--kinds=isread,edit,rerender] [--windows=4] [--changes=30] [--gap=150] [--rows=1000] [--thread=10000] [--settle=15]
 */
import os from 'node:os';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { arg } from './args';
import { ALL_DAY_PDD, cleanupTemps } from './browser';
import { attribute, isExtensionScript, startCpuProfile, stopCpuProfile } from './cpu';
import { round, sleep } from './stats';

const EXTS = arg('ext', '.output/chrome-mv3-demo').split(',').filter(Boolean);
type Kind = 'isread' | 'edit' | 'rerender';
const KINDS = arg('kinds', 'isread,edit,rerender').split(',') as Kind[];
const WINDOWS = Number(arg('windows', '4'));
const CHANGES = Number(arg('changes', '30'));
const GAP = Number(arg('gap', '150'));
const ROWS = Number(arg('rows', '1000'));
const THREAD = Number(arg('thread', '10000'));
const SETTLE = Number(arg('settle', '15'));

interface Subject {
  name: string;
  page: Page;
  cdp: CDPSession;
  close(): Promise<void>;
}

/** In the page: `n` changes `gap` ms apart inside random earlier messages (seeded: every build gets the same ones). */
async function changeMessages(page: Page, kind: Kind, n: number, gap: number, seed: number) {
  await page.evaluate(
    async ([kind, n, gap, seed]) => {
      let s = seed >>> 0 || 1;
      const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
      const list = document.querySelector('ul.msg-list')!;
      const items = [...list.children].slice(0, -20);
      const bubbles = items.map((li) => li.querySelector('.cs-item')).filter((x): x is Element => !!x);
      for (let i = 0; i < n; i++) {
        if (kind === 'isread') bubbles[Math.floor(rand() * bubbles.length)]!.classList.toggle('isread');
        else if (kind === 'rerender') {
          const j = Math.floor(rand() * items.length);
          const neu = items[j]!.cloneNode(true) as Element;
          items[j]!.replaceWith(neu);
          items[j] = neu;
        } else {
          const p = items[Math.floor(rand() * items.length)]!.querySelector('.msg-content-box');
          if (p) p.textContent = `${p.textContent}。`;
        }
        await new Promise((r) => setTimeout(r, gap));
      }
    },
    [kind, n, gap, seed] as const,
  );
}

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const url = `${server.url}/pdd/large.html?rows=${ROWS}&messages=${THREAD}&rate=0&seed=1`;
  const subjects: Subject[] = [];
  const load: number[] = [];
  try {
    for (const [i, dir] of EXTS.entries()) {
      const h = await launchExtension({ extensionDir: path.resolve(dir) });
      await seedSettings(h, ALL_DAY_PDD);
      const page = await h.context.newPage();
      await page.goto(url, { timeout: 120_000 });
      const cdp = await h.context.newCDPSession(page);
      subjects.push({ name: `${String.fromCharCode(65 + i)} ${dir}`, page, cdp, close: () => h.close() });
    }
    console.error(`loaded ${subjects.length} pages; settling ${SETTLE} s`);
    await sleep(SETTLE * 1000);
    const perChange = new Map<string, number[]>();
    load.push(os.loadavg()[0]!);
    for (let k = 0; k < WINDOWS; k++) {
      for (const kind of KINDS)
        for (let i = 0; i < subjects.length; i++) {
          const s = subjects[(i + k) % subjects.length]!;
          await s.cdp.send('HeapProfiler.collectGarbage');
          await sleep(200);
          await startCpuProfile(s.cdp);
          await changeMessages(s.page, kind, CHANGES, GAP, 1000 * k + 7);
          await sleep(300);
          const x = attribute(await stopCpuProfile(s.cdp), isExtensionScript, 10);
          const key = `${s.name} ${kind}`;
          perChange.set(key, [...(perChange.get(key) ?? []), x.matchedMs / CHANGES]);
        }
      load.push(os.loadavg()[0]!);
      console.error(`  window ${k + 1}/${WINDOWS}, load ${os.loadavg()[0]!.toFixed(1)}`);
    }
    const out: Record<string, unknown> = { url, changes: CHANGES, gapMs: GAP, windows: WINDOWS, load1min: load };
    for (const [key, xs] of perChange) {
      const sorted = [...xs].sort((a, b) => a - b);
      out[key] = {
        msPerChangeMean: xs.reduce((a, b) => a + b, 0) / xs.length,
        msPerChangeMedian: sorted[Math.floor(sorted.length / 2)],
        perWindow: xs,
      };
    }
    console.log(JSON.stringify(round(out, 3), null, 1));
  } finally {
    for (const s of subjects) await s.close().catch(() => undefined);
    await server.close();
    await cleanupTemps();
  }
}

void main();
