// @vitest-environment jsdom
/**
 * Probe 14 (row map aliasing): on every platform, known counters tick, a whole read happens (a change outside the
 * list and the thread), and right after it counters tick DOWN (a new wait) / up / to no wait, as a node or a child;
 * rows re-rendered in between. After each step: Watcher.last = a memo-less whole extract, badge rows = a fresh
 * PageReader's, and the events = a reference ledger fed whole reads only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { kuaishouAdapter } from '../../../lib/platforms/kuaishou';
import { jdAdapter } from '../../../lib/platforms/jd';
import { ali1688Adapter, taobaoAdapter } from '../../../lib/platforms/ali';
import { pddAdapter } from '../../../lib/platforms/pdd';
import { douyinAdapter } from '../../../lib/platforms/douyin';
import { liveOf, type Adapter } from '../../../lib/platforms/types';
import type { ChatEvent } from '../../../lib/model';
import type { ToBackground } from '../../../lib/messages';
import type { Watcher } from '../../../lib/content/watcher';
import { recordingWatcher, settle } from '../helpers/watcher';
import { expectRowsAndEventsAsWhole, wholeReads } from '../helpers/whole-reads';
import { mulberry32 } from '../helpers/random';

const NOW = 1_788_861_600_000;
const fx = (p: string) => readFileSync(join(process.cwd(), 'test/fixtures', p), 'utf8');
const key = (e: ChatEvent) =>
  `${e.account}|${e.buyer}|${e.messageId}|${e.author}|${e.timeSource}|${e.at}|${e.atLatest ?? ''}|${e.marker ?? ''}`;

let w: Watcher | undefined;
afterEach(() => {
  w?.stop();
  w = undefined;
});

const CASES: [string, Adapter, string][] = [
  ['kuaishou', kuaishouAdapter, 'kuaishou/thread.html'],
  ['jd', jdAdapter, 'jd/thread.html'],
  ['1688', ali1688Adapter, 'ali/thread.html'],
  ['taobao', taobaoAdapter, 'ali/thread.html'],
  ['pdd', pddAdapter, 'pdd/thread.html'],
  ['douyin', douyinAdapter, 'douyin/workspace.html'],
];

function leaves(el: Element): Text[] {
  const out: Text[] = [];
  const it = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = it.nextNode(); n; n = it.nextNode()) if (/\d/.test(n.textContent ?? '')) out.push(n as Text);
  return out;
}

/** Counter text leaves: those whose digits change the row's waitingSec in a fresh extract. */
function counters(adapter: Adapter): { leaf: Text; fmt: (n: number) => string }[] {
  const x = adapter.extract(document, undefined, NOW);
  const out: { leaf: Text; fmt: (n: number) => string }[] = [];
  for (const c of x.conversations) {
    if (c.waitingSec === undefined || !c.row) continue;
    for (const leaf of leaves(c.row)) {
      const orig = leaf.data;
      const fmt = (n: number) => {
        let i = 0;
        return orig.replace(/\d+/g, (d) =>
          i++ === 0 || d.length === 1 ? String(n % 10) : String(n % 60).padStart(d.length, '0'),
        );
      };
      leaf.data = fmt(3);
      const a = adapter.extract(document, undefined, NOW).conversations.find((k) => k.row === c.row)?.waitingSec;
      leaf.data = fmt(7);
      const b = adapter.extract(document, undefined, NOW).conversations.find((k) => k.row === c.row)?.waitingSec;
      leaf.data = orig;
      if (a !== undefined && b !== undefined && a !== b) {
        out.push({ leaf, fmt });
        break;
      }
    }
  }
  return out;
}

async function run(name: string, adapter: Adapter, html: string, seed: number) {
  document.body.innerHTML = html;
  const rand = mulberry32(seed);
  let sent: ToBackground[];
  ({ w, sent } = recordingWatcher(adapter, NOW));
  await settle(w);
  const ref = wholeReads(adapter, NOW, key);
  const refRead = ref.read;
  refRead();
  const cs = counters(adapter);
  if (!cs.length) return 'no counters';
  const log: string[] = [];
  let v = 8;
  for (let step = 0; step < 14; step++) {
    const ops: string[] = [];
    const r = rand();
    const c = cs[Math.floor(rand() * cs.length)]!;
    if (r < 0.2) {
      const d = document.createElement('div');
      d.className = `outside-${step}`;
      document.body.appendChild(d); // outside list and thread: a whole read
      ops.push('whole');
    }
    const r2 = rand();
    if (!c.leaf.isConnected) {
      // re-find (the row re-rendered)
    } else if (r2 < 0.4) {
      v = Math.max(1, v - 1 - Math.floor(rand() * 3));
      c.leaf.data = c.fmt(v);
      ops.push(`down node ${c.leaf.data}`);
    } else if (r2 < 0.6) {
      v = Math.max(1, v - 1 - Math.floor(rand() * 3));
      const p = c.leaf.parentElement!;
      if (p.childNodes.length === 1) {
        p.textContent = c.fmt(v);
        c.leaf = p.firstChild as Text;
        ops.push(`down child ${c.leaf.data}`);
      }
    } else if (r2 < 0.9) {
      v = v + 1;
      c.leaf.data = c.fmt(v);
      ops.push(`up node ${c.leaf.data}`);
    } else {
      const row = c.leaf.parentElement!.closest('*')!;
      ops.push('no-op');
      void row;
    }
    const r3 = rand();
    const rowOf = (el: Node) => {
      const rows = liveOf(adapter.extract(document, undefined, NOW))?.rows?.all() ?? [];
      return rows.find((row) => row.contains(el));
    };
    const row = c.leaf.isConnected ? rowOf(c.leaf) : undefined;
    if (row && r3 < 0.15) {
      const cl = row.cloneNode(true) as Element;
      for (const b of cl.querySelectorAll('[data-reply-sentinel-badge]')) b.remove();
      row.replaceWith(cl);
      const i = leaves(row).indexOf(c.leaf);
      c.leaf = leaves(cl)[i]!;
      ops.push('row re-rendered');
    } else if (row && r3 < 0.3) {
      const cl = row.cloneNode(true) as Element;
      for (const b of cl.querySelectorAll('[data-reply-sentinel-badge]')) b.remove();
      row.after(cl);
      ops.push('row duplicated');
    } else if (row && r3 < 0.4) {
      row.parentElement!.insertBefore(row, row.parentElement!.firstElementChild);
      ops.push('row moved first');
    }
    if (rand() < 0.3 && r >= 0.2) {
      const d = document.createElement('div');
      document.body.appendChild(d);
      ops.push('whole after');
    }
    log.push(`${step}: ${ops.join(' + ')}`);
    await settle(w!);
    const fresh = refRead();
    const label = `${name} seed ${seed} step ${step}\n${log.slice(-6).join('\n')}`;
    expect(
      w!.last?.conversations.map((k) => `${k.buyer}:${k.waitingSec}:${k.active}`),
      `${label}: page`,
    ).toEqual(fresh.conversations.map((k) => `${k.buyer}:${k.waitingSec}:${k.active}`));
    expect(w!.last, `${label}: whole page`).toEqual(fresh);
    expectRowsAndEventsAsWhole(w!, sent, { adapter: adapter, now: NOW, key, events: ref.events }, label);
  }
  return `${cs.length} counters, stats ${JSON.stringify(w!.stats)}`;
}

for (const [name, adapter, file] of CASES)
  it(`${name}: counters down right after a whole read`, { timeout: 120_000 }, async () => {
    const html = fx(file);
    for (let seed = 1; seed <= Number(process.env.RS_P14_SEEDS ?? 4); seed++) await run(name, adapter, html, seed);
  });
