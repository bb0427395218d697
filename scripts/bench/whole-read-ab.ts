/**
 * A whole read of a large JD / Kuaishou / 1688 thread in jsdom (the content script's `PageReader.readWhole`, the
 * path every change the re-read declines takes), A/B in ONE process, alternating per window: A the adapters of another
 * tree's `lib/` (`--before=DIR`, e.g. `git archive <commit> lib | tar -x -C DIR`), B this tree's. Pages as
 * reread-jsdom-ab.ts: the fixture's thread grown to `--thread` items (dividers copied with their items). Reports ms
 * per whole read (median of windows). jsdom is slower than Chromium: compare A with B only.
 *
 *   npx jiti scripts/bench/whole-read-ab.ts --before=.bench-before [--thread=2000] [--windows=7] [--reads=5]
 */
import os from 'node:os';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { PageReader } from '../../lib/content/page-reader';
import { jdAdapter } from '../../lib/platforms/jd';
import { kuaishouAdapter } from '../../lib/platforms/kuaishou';
import { ali1688Adapter } from '../../lib/platforms/ali';
import type { Adapter } from '../../lib/platforms/types';
import { arg } from './args';
import { grownThread, type Dom } from './jsdom-thread';

const require = createRequire(import.meta.url);

const THREAD = Number(arg('thread', '2000'));
const WINDOWS = Number(arg('windows', '7'));
const READS = Number(arg('reads', '5'));
const BEFORE = resolve(arg('before', '.bench-before'));
const NOW = Date.parse('2026-09-08T18:00:00+08:00');

const { createJiti } = require('jiti') as {
  createJiti: (from: string) => { import: <T>(id: string) => Promise<T> };
};
const jiti = createJiti(import.meta.url);
const before = {
  PageReader: (await jiti.import<{ PageReader: typeof PageReader }>(`${BEFORE}/lib/content/page-reader.ts`)).PageReader,
  jd: (await jiti.import<{ jdAdapter: Adapter }>(`${BEFORE}/lib/platforms/jd/index.ts`)).jdAdapter,
  kuaishou: (await jiti.import<{ kuaishouAdapter: Adapter }>(`${BEFORE}/lib/platforms/kuaishou/index.ts`))
    .kuaishouAdapter,
  ali1688: (await jiti.import<{ ali1688Adapter: Adapter }>(`${BEFORE}/lib/platforms/ali/index.ts`)).ali1688Adapter,
};

const PLATFORMS = [
  {
    name: 'jd',
    adapter: jdAdapter,
    file: 'test/fixtures/jd/thread.html',
    list: '#t-chat-scroll',
    item: '*',
    text: '.message__text',
    divider: '<div class="message__date">2026-09-08</div>',
  },
  {
    name: 'kuaishou',
    adapter: kuaishouAdapter,
    file: 'test/fixtures/kuaishou/thread.html',
    list: '.ChatMessageList-ContentWrap',
    item: '*',
    text: '[class*="_msgBody"]',
    divider: '',
  },
  {
    name: 'ali1688',
    adapter: ali1688Adapter,
    file: 'test/fixtures/ali/thread.html',
    list: '.ww_message .rc-scrollbars-view',
    item: '[data-index]',
    text: '.content',
    divider: '<div class="message-time-divider">2026-09-08</div>',
  },
] as const;
type P = (typeof PLATFORMS)[number];

function page(p: P): Dom {
  return grownThread(p, THREAD);
}

/** ms per whole read, and what it read (the same for A and B, checked). */
function run(p: P, Reader: typeof PageReader, adapter: Adapter): { ms: number; messages: number; dividers: number } {
  const dom = page(p);
  const doc = dom.window.document;
  const reader = new Reader(adapter, doc);
  reader.readWhole(NOW);
  const t0 = performance.now();
  for (let i = 0; i < READS; i++) reader.readWhole(NOW);
  const ms = (performance.now() - t0) / READS;
  const messages = reader.page!.thread!.messages.length;
  const dividers = doc.querySelectorAll('.message__date, .ChatMessageList-time, .message-time-divider').length;
  dom.window.close();
  return { ms, messages, dividers };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(`thread ${THREAD}, ${WINDOWS} windows x ${READS} whole reads, load ${load()}`);
for (const p of PLATFORMS) {
  const a: number[] = [];
  const b: number[] = [];
  let shape = '';
  for (let w = 0; w < WINDOWS; w++) {
    // Alternating which goes first: load drifts cannot favour one.
    const first = w % 2 ? 'b' : 'a';
    for (const side of first === 'a' ? ['a', 'b'] : ['b', 'a']) {
      const got = side === 'a' ? run(p, before.PageReader, before[p.name]) : run(p, PageReader, p.adapter);
      (side === 'a' ? a : b).push(got.ms);
      const s = `${got.messages} messages, ${got.dividers} dividers`;
      if (shape && shape !== s) throw new Error(`${p.name}: A and B read differently (${shape} vs ${s})`);
      shape = s;
    }
  }
  console.log(
    `${p.name.padEnd(9)} ${shape}: A (before) ${median(a).toFixed(1)} ms, B ${median(b).toFixed(1)} ms per whole read ` +
      `(A ${a.map((x) => x.toFixed(0)).join('/')}, B ${b.map((x) => x.toFixed(0)).join('/')}), load ${load()}`,
  );
}
