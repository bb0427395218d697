/**
 * Where a whole read's time goes (issue 21): the demo page grown as whole-read-chromium-ab.ts grows it, A (another
 * tree's `lib/`, `--before=DIR`) and B (this tree) bundled into it, then `--reads` whole reads of each under the
 * CPU profiler (CDP, 100 µs sampling): self time by function, top `--top`, per side.
 *
 *   npx jiti scripts/bench/whole-read-profile.ts --before=DIR [--platform=jd] [--messages=10000] [--reads=6] [--top=25]
 */
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

type Rs = {
  adapters: Record<string, { extract(d: Document, m?: unknown, now?: number): unknown }>;
  liveOf(x: unknown): { thread?: { in: Element } } | undefined;
};

/** Runs in the page: grows the open thread to `messages` items (clones, ids made unique). */
function grow({ platform, messages }: { platform: string; messages: number }) {
  const w = window as unknown as { __rsB: Rs };
  let serial = 0;
  const box = w.__rsB.liveOf(w.__rsB.adapters[platform]!.extract(document, undefined, Date.now()))?.thread?.in;
  if (!box) return 0;
  const src = [...box.children];
  const frag = document.createDocumentFragment();
  for (let i = 0; box.children.length + frag.children.length < messages; i++) {
    const el = src[i % src.length]!.cloneNode(true) as Element;
    const n = ++serial;
    for (const e of [el, ...el.querySelectorAll('[id]')]) if (e.id) e.id = `${e.id}-c${n}`;
    frag.append(el);
  }
  box.prepend(frag);
  return box.children.length;
}

/** Runs in the page: `reads` whole reads by one side; ms each. */
function reads({ platform, side, n }: { platform: string; side: '__rsA' | '__rsB'; n: number }) {
  const rs = (window as unknown as Record<string, Rs>)[side]!;
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    rs.adapters[platform]!.extract(document, undefined, Date.now());
    ms.push(performance.now() - t0);
  }
  return ms;
}

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

async function main() {
  const platform = argOrEnv('platform', 'jd');
  const before = path.resolve(argOrEnv('before', '.bench-before'));
  const dir = `/tmp/whole-read-profile-${process.pid}`;
  const scriptA = await bundleAdapters(before, `${dir}/a`, '__rsA', ['jd', 'kuaishou', 'ali1688']);
  const scriptB = await bundleAdapters(REPO_ROOT, `${dir}/b`, '__rsB', ['jd', 'kuaishou', 'ali1688']);
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}${PAGES[platform]}`);
    await page.waitForTimeout(1500);
    await page.addScriptTag({ path: scriptA });
    await page.addScriptTag({ path: scriptB });
    await demoConversationOpen(page);
    const items = await page.evaluate(grow, { platform, messages: Number(argOrEnv('messages', '10000')) });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    const n = Number(argOrEnv('reads', '6'));
    const top = Number(argOrEnv('top', '25'));
    for (const side of ['__rsA', '__rsB'] as const) {
      await page.evaluate(reads, { platform, side, n: 1 });
      await cdp.send('Profiler.start');
      const ms = await page.evaluate(reads, { platform, side, n });
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
        profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] };
      };
      const self = new Map<number, number>();
      profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
      const byFn = new Map<string, number>();
      for (const node of profile.nodes) {
        const us = self.get(node.id) ?? 0;
        if (!us) continue;
        const f = node.callFrame;
        const k = `${f.functionName || '(anonymous)'}${f.url ? `:${f.lineNumber + 1}` : ''}`;
        byFn.set(k, (byFn.get(k) ?? 0) + us);
      }
      const total = [...byFn.values()].reduce((a, b) => a + b, 0);
      console.log(
        `\n## ${platform} ${side === '__rsA' ? 'A (before)' : 'B'}: ${items} items, ${n} reads, ms ${ms.map((x) => x.toFixed(0)).join('/')}; profiled ${(total / 1000 / n).toFixed(1)} ms a read`,
      );
      for (const [k, us] of [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
        console.log(`${(us / 1000 / n).toFixed(2).padStart(8)} ms  ${k}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

void main();
