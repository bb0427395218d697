/**
 * A whole read (`adapter.extract(document)`, no memo) of a large JD / Kuaishou / 1688 demo page in a plain Chromium,
 * A/B in ONE page, alternating per window (issue 21): A the adapters of another tree's `lib/` (`--before=DIR`, e.g.
 * `git archive main lib | tar -x -C DIR`), B this tree's, both bundled into the page (vite, IIFE). The page as
 * live-query-probe.ts grows it: the open thread's items cloned to `--messages` (ids made unique). Checks that A and B
 * read the same messages (author, body, time) and prints ms per whole read (median of the windows) for each, and the
 * median of B − A within a window (the pair read back to back, the fairer figure on a shared machine).
 *
 *   npx jiti scripts/bench/whole-read-chromium-ab.ts --before=DIR [--platforms=jd,kuaishou,ali1688]
 *     [--messages=10000] [--windows=9]
 */
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, REPO_ROOT, startStaticServer } from '../../test/e2e/harness';
import { bundleAdapters } from './adapter-bundle';
import { argOrEnv } from './args';
import { demoConversationOpen } from './browser';

const PAGES: Record<string, string> = {
  jd: '/jd/index.html?auto=0',
  kuaishou: '/kuaishou/index.html?auto=0',
  ali1688: '/ali1688/core.html?auto=0',
};

interface Args {
  platform: string;
  messages: number;
  windows: number;
}

/** Runs in the page (serialised): grows the thread, then alternates A and B whole reads. */
function inPage({ platform, messages, windows }: Args) {
  type Rs = {
    adapters: Record<string, { extract(d: Document, m?: unknown, now?: number): unknown }>;
    liveOf(x: unknown): { thread?: { in: Element } } | undefined;
  };
  const w = window as unknown as { __rsA: Rs; __rsB: Rs };
  let serial = 0;
  const unique = (el: Element): Element => {
    const n = ++serial;
    for (const e of [el, ...el.querySelectorAll('[id], [data-id], [data-msg-id], [data-msgid], [data-message-id]')]) {
      if (e.id)
        e.id = /\d+$/.test(e.id) ? e.id.replace(/\d+$/, (d) => String(Number(d) + 7_000_000 + n)) : `${e.id}-c${n}`;
      for (const a of ['data-id', 'data-msg-id', 'data-msgid', 'data-message-id']) {
        const v = e.getAttribute(a);
        if (v)
          e.setAttribute(
            a,
            /\d+$/.test(v) ? v.replace(/\d+$/, (d) => String(Number(d) + 7_000_000 + n)) : `${v}-c${n}`,
          );
      }
    }
    return el;
  };
  const box = w.__rsB.liveOf(w.__rsB.adapters[platform]!.extract(document, undefined, Date.now()))?.thread?.in;
  if (box) {
    const src = [...box.children];
    const frag = document.createDocumentFragment();
    for (let i = 0; box.children.length + frag.children.length < messages; i++)
      frag.append(unique(src[i % src.length]!.cloneNode(true) as Element));
    box.prepend(frag);
  }
  const now = Date.now();
  type X = { thread?: { messages: { author: string; body: string; at?: number }[] } | null };
  const read = (rs: Rs) => {
    const t0 = performance.now();
    const x = rs.adapters[platform]!.extract(document, undefined, now) as X;
    return { ms: performance.now() - t0, x };
  };
  const key = (x: X) => JSON.stringify((x.thread?.messages ?? []).map((m) => [m.author, m.body, m.at]));
  const a: number[] = [];
  const b: number[] = [];
  let same = true;
  let count = 0;
  read(w.__rsA);
  read(w.__rsB);
  for (let i = 0; i < windows; i++) {
    const order = i % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const);
    const got: Record<string, string> = {};
    for (const side of order) {
      const r = read(side === 'A' ? w.__rsA : w.__rsB);
      (side === 'A' ? a : b).push(r.ms);
      got[side] = key(r.x);
      count = r.x.thread?.messages.length ?? 0;
    }
    if (got.A !== got.B) same = false;
  }
  return { a, b, same, count, items: box?.children.length ?? 0 };
}

async function main() {
  const platforms = argOrEnv('platforms', 'jd,kuaishou,ali1688').split(',');
  const before = path.resolve(argOrEnv('before', '.bench-before'));
  const scriptA = await bundleAdapters(before, `/tmp/whole-read-chromium-ab-${process.pid}/a`, '__rsA', [
    'jd',
    'kuaishou',
    'ali1688',
  ]);
  const scriptB = await bundleAdapters(REPO_ROOT, `/tmp/whole-read-chromium-ab-${process.pid}/b`, '__rsB', [
    'jd',
    'kuaishou',
    'ali1688',
  ]);
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  try {
    for (const p of platforms) {
      const page = await browser.newPage();
      await page.goto(`${server.url}${PAGES[p]}`);
      await page.waitForTimeout(1500);
      await page.addScriptTag({ path: scriptA });
      await page.addScriptTag({ path: scriptB });
      await demoConversationOpen(page);
      const l0 = load();
      const r = await page.evaluate(inPage, {
        platform: p,
        messages: Number(argOrEnv('messages', '10000')),
        windows: Number(argOrEnv('windows', '9')),
      });
      console.log(
        `${p.padEnd(9)} ${r.items} items, ${r.count} messages, A and B read ${r.same ? 'the same' : 'DIFFERENTLY'}: ` +
          `A (before) ${median(r.a).toFixed(1)} ms, B ${median(r.b).toFixed(1)} ms per whole read, ` +
          `B − A in the same window ${median(r.b.map((x, i) => x - r.a[i]!)).toFixed(1)} ms (median), B lower in ` +
          `${r.b.filter((x, i) => x < r.a[i]!).length}/${r.a.length} ` +
          `(A ${r.a.map((x) => x.toFixed(0)).join('/')}, B ${r.b.map((x) => x.toFixed(0)).join('/')}), load ${l0} → ${load()}`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

void main();
