/**
 * The content script's page reader per change inside an earlier message, on a large JD / Kuaishou / 1688 thread in
 * jsdom (no browser: the demo build has large pages for PDD only), A/B in ONE process, alternating per window: A the
 * adapter without its re-read (each such change a whole read, as before), B with it. Kinds: `isread` (a class
 * toggled on a bubble: reads the same), `edit` (a message's text edited). Reports ms per change (median of windows).
 * jsdom is slower than Chromium: compare A with B, not with the browser bench.
 *
 *   npx jiti scripts/bench/reread-jsdom-ab.ts [--thread=2000] [--windows=5] [--changes=20]
 */
import os from 'node:os';
import { PageReader } from '../../lib/content/page-reader';
import { jdAdapter } from '../../lib/platforms/jd';
import { kuaishouAdapter } from '../../lib/platforms/kuaishou';
import { ali1688Adapter } from '../../lib/platforms/ali';
import { liveOf, withLive, type Adapter } from '../../lib/platforms/types';
import { arg } from './args';
import { grownThread, type Dom } from './jsdom-thread';

const THREAD = Number(arg('thread', '2000'));
const WINDOWS = Number(arg('windows', '5'));
const CHANGES = Number(arg('changes', '20'));
const NOW = Date.parse('2026-09-08T18:00:00+08:00');

function withoutReread(a: Adapter): Adapter {
  return {
    ...a,
    extract(root, memo, now) {
      const x = a.extract(root, memo, now);
      const live = liveOf(x);
      if (live?.thread) {
        const { reread: _, ...thread } = live.thread;
        withLive(x, { ...live, thread });
      }
      return x;
    },
  };
}

const PLATFORMS = [
  {
    name: 'jd',
    adapter: jdAdapter,
    file: 'test/fixtures/jd/thread.html',
    list: '#t-chat-scroll',
    item: '.message',
    text: '.message__text',
    bubble: '.message_right',
  },
  {
    name: 'kuaishou',
    adapter: kuaishouAdapter,
    file: 'test/fixtures/kuaishou/thread.html',
    list: '.ChatMessageList-ContentWrap',
    item: '.ChatMessageList-item',
    text: '[class*="_msgBody"]',
    bubble: '[class*="__isMine"]',
  },
  {
    name: 'ali1688',
    adapter: ali1688Adapter,
    file: 'test/fixtures/ali/thread.html',
    list: '.ww_message .rc-scrollbars-view',
    item: '[data-index]',
    text: '.content',
    bubble: '.message-item.self',
  },
] as const;

type P = (typeof PLATFORMS)[number];

function page(p: P): Dom {
  return grownThread(p, THREAD);
}

function run(p: P, adapter: Adapter, kind: 'isread' | 'edit', seed: number): number {
  const dom = page(p);
  const doc = dom.window.document;
  const reader = new PageReader(adapter, doc);
  reader.readWhole(NOW);
  const obs = new dom.window.MutationObserver(() => {});
  obs.observe(doc, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['class', 'id'],
  });
  const list = doc.querySelector(p.list)!;
  const items = [...list.children].slice(0, -20);
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  let ms = 0;
  for (let i = 0; i < CHANGES; i++) {
    const it = items[Math.floor(rand() * items.length)]!;
    if (kind === 'isread') (it.querySelector(p.bubble) ?? it).classList.toggle('isread');
    else {
      const t = it.querySelector(p.text);
      if (t) t.textContent = `${t.textContent}。`;
    }
    const t0 = performance.now();
    const got = reader.readIncremental(reader.forget(obs.takeRecords()), NOW, reader.page!.thread!.buyer);
    if (!got) reader.readWhole(NOW);
    ms += performance.now() - t0;
  }
  obs.disconnect();
  dom.window.close();
  return ms / CHANGES;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `thread ${THREAD}, ${WINDOWS} windows x ${CHANGES} changes, load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const p of PLATFORMS) {
  for (const kind of ['isread', 'edit'] as const) {
    const a: number[] = [];
    const b: number[] = [];
    for (let w = 0; w < WINDOWS; w++) {
      // Alternating which goes first: load drifts cannot favour one.
      if (w % 2) {
        b.push(run(p, p.adapter, kind, w + 1));
        a.push(run(p, withoutReread(p.adapter), kind, w + 1));
      } else {
        a.push(run(p, withoutReread(p.adapter), kind, w + 1));
        b.push(run(p, p.adapter, kind, w + 1));
      }
    }
    console.log(
      `${p.name} ${kind}: whole read ${median(a).toFixed(2)} ms/change, re-read ${median(b).toFixed(2)} ms/change`,
    );
  }
}
console.log(
  `load after ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
