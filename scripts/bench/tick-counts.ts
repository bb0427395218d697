/**
 * Issue 21, page cost: exact counts of the work the content script's observer callback (Watcher.onRecords →
 * PageReader.forget and readIncremental) does per batch of the large page's noise records, in jsdom (no browser, no
 * timing: counts are the same at any load). The page: the PDD fixture with `--waiting` waiting rows; each batch, as
 * ticks-ab's: every counter rewritten (`textContent =`, its whole seconds) and one message from a waiting buyer
 * (its preview rewritten, its row moved to the top). Counted only inside the callback (and not inside a DOM call):
 * DOM calls by name (prototype getters and methods), the reader's own collections' operations by name, and the
 * collections made (Map / Set / WeakMap / Array constructors and literals are not all countable: constructors are).
 *
 *   npx jiti scripts/bench/tick-counts.ts [--waiting=140] [--batches=5] [--by-caller] [--ticks-only] [--clocks]
 *
 * --clocks: the worker's whole clock list for every waiting buyer comes before the warm-up (deadlines spread over
 * ten minutes either side of now, one in five overdue), the clock advances 1 s a batch, and each message's buyer's
 * clock changes as the worker's change list would (renderSoon, flushed at the next batch): the row badges' work
 * after a batch counted too (jsdom has no IntersectionObserver: every badge counts as in view), with the badges'
 * text and colour writes (`text.data=`, `style.background=`) and the tab title's.
 *
 * --ticks-only: the counted batches rewrite the counters only (no message, no row moved; the warm-up as above).
 * --by-caller: each count keyed by the function that made the call too (from a stack trace: slow, counts the same).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { arg, flag } from './args';

const WAITING = Number(arg('waiting', '140'));
const BATCHES = Number(arg('batches', '5'));
const TICKS_ONLY = flag('ticks-only');
const CLOCKS = flag('clocks');
const NOW = 1_788_340_500_000;
let clock = NOW;

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
// jsdom ships no types of its own here (as jsdom-thread.ts).
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string, o: { url: string; pretendToBeVisual?: boolean }) => { window: unknown };
};
const dom = new JSDOM(`<!doctype html><html><head><title>t</title></head><body>${fixture}</body></html>`, {
  url: 'http://127.0.0.1/demo/pdd/',
  // A shown tab (document.hidden false, animation frames): the badges paint.
  pretendToBeVisual: true,
});
const w = dom.window as unknown as Window & typeof globalThis;
for (const k of ['MutationObserver', 'Node', 'Element', 'HTMLElement', 'MutationRecord', 'document'] as const)
  (globalThis as Record<string, unknown>)[k] = w[k];

/** Plain object (a Map's own calls would count themselves). */
let counts: Record<string, number> = {};
let inside = 0;
let inDom = 0;
const BY_CALLER = process.argv.includes('--by-caller');
const note = (k: string) => {
  if (!inside || inDom) return;
  if (BY_CALLER) {
    // The calling function (the frame above the counting wrapper), for the per-function table.
    const line = new Error().stack!.split('\n')[3] ?? '';
    k += ` ← ${/at (?:new )?([\w.$<>]+)/.exec(line)?.[1] ?? line.trim()}`;
  }
  counts[k] = (counts[k] ?? 0) + 1;
  const trace = process.env.RS_TRACE;
  if (trace && k.startsWith(trace) && counts[k] === 1) console.error(new Error(k).stack);
};

/** Counts calls of a prototype's getter or method (only ours: inside the callback, not inside another DOM call). */
function countOn(proto: object, names: string[], label: string) {
  for (const name of names) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (!d) throw new Error(`${label}.${name} not found`);
    const wrap = (f: (...a: unknown[]) => unknown) =>
      function (this: unknown, ...a: unknown[]) {
        note(`${label}.${name}`);
        inDom++;
        try {
          return f.apply(this, a);
        } finally {
          inDom--;
        }
      };
    if (d.get) Object.defineProperty(proto, name, { ...d, get: wrap(d.get) });
    else if (typeof d.value === 'function') Object.defineProperty(proto, name, { ...d, value: wrap(d.value) });
  }
}
countOn(w.MutationRecord.prototype, ['type', 'target', 'addedNodes', 'removedNodes', 'nextSibling'], 'record');
countOn(w.Node.prototype, ['parentNode', 'contains', 'textContent', 'isConnected', 'nodeType', 'nodeName'], 'node');
countOn(w.Node.prototype, ['compareDocumentPosition', 'parentElement'], 'node');
countOn(w.Element.prototype, ['matches', 'closest', 'firstElementChild', 'querySelector', 'hasAttribute'], 'element');
countOn(w.Document.prototype, ['hidden'], 'document');
/** Counts a setter's calls (the badges' writes). */
function countSet(proto: object, name: string, label: string) {
  const d = Object.getOwnPropertyDescriptor(proto, name)!;
  Object.defineProperty(proto, name, {
    ...d,
    set(this: unknown, v: unknown) {
      note(`${label}.${name}=`);
      inDom++;
      try {
        d.set!.call(this, v);
      } finally {
        inDom--;
      }
    },
  });
}
countSet(w.CharacterData.prototype, 'data', 'text');
countSet(w.Document.prototype, 'title', 'document');
// Collections: JS builtins, counted inside the callback only (jsdom's own use happens inside DOM calls: not counted).
for (const [C, label] of [
  [Map, 'Map'],
  [WeakMap, 'WeakMap'],
  [Set, 'Set'],
] as const) {
  for (const name of ['get', 'set', 'has', 'delete', 'add'])
    if (Object.getOwnPropertyDescriptor(C.prototype, name)) {
      const f = (C.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
      Object.defineProperty(C.prototype, name, {
        configurable: true,
        writable: true,
        value: function (this: unknown, ...a: unknown[]) {
          note(`${label}.${name}`);
          return f.apply(this, a);
        },
      });
    }
  for (const name of ['entries', 'values', 'keys', Symbol.iterator] as const)
    if (Object.getOwnPropertyDescriptor(C.prototype, name)) {
      const f = (C.prototype as unknown as Record<string | symbol, (...a: unknown[]) => unknown>)[name]!;
      Object.defineProperty(C.prototype, name, {
        configurable: true,
        writable: true,
        value: function (this: unknown, ...a: unknown[]) {
          note(`${label}.${String(name)} (iterator made)`);
          return f.apply(this, a);
        },
      });
    }
}

async function main() {
  // Imported after the globals are set (the modules read none at load, but the adapter's helpers may).
  const { Watcher } = await import('../../lib/content/watcher');
  const { pddAdapter } = await import('../../lib/platforms/pdd');
  const { setContentLang } = await import('../../lib/i18n/content');
  const { pddRowHtml, pddList } = await import('../../test/unit/helpers/pdd-rows');
  setContentLang('zh_CN');
  const doc = w.document;
  const list = doc.querySelector('ul.chat-list')!;
  void pddList;
  list.insertAdjacentHTML(
    'beforeend',
    Array.from({ length: WAITING }, (_, i) => pddRowHtml(String(700000 + i), `${i + 1}秒`)).join(''),
  );
  const counters = [...doc.querySelectorAll('.chat-unreply-time')];
  const watcher = new Watcher({
    adapter: pddAdapter,
    root: doc,
    now: () => clock,
    url: () => 'http://127.0.0.1/demo/pdd/',
    send: async () => undefined,
  });
  watcher.start();
  const buyers = Array.from({ length: WAITING }, (_, i) => String(700000 + i));
  const due = (i: number) => NOW + ((i * 7919) % 600_000) - (i % 5 === 0 ? 300_000 : 0);
  let seq = 1;
  const clockMsg = (clocks: { buyer: string; status: 'pending'; dueAt: number }[], base?: number) => ({
    type: 'clocks',
    platform: 'pdd',
    account: watcher.last?.account ?? '',
    seq: ++seq,
    ...(base !== undefined ? { base } : {}),
    clocks,
    title: true,
    lang: 'zh_CN',
  });
  if (CLOCKS) {
    watcher.receive(clockMsg(buyers.map((buyer, i) => ({ buyer, status: 'pending', dueAt: due(i) }))));
    await new Promise((r) => setTimeout(r, 1100)); // the deferred render's FLUSH_MS
    await new Promise((r) => setTimeout(r, 50)); // the badges' animation frame
  }
  const W = watcher as unknown as { onRecords(r: MutationRecord[]): void };
  const real = W.onRecords.bind(watcher);
  let records = 0;
  W.onRecords = (r) => {
    records += r.length;
    inside++;
    try {
      real(r);
    } finally {
      inside--;
    }
  };
  let sec = 100;
  let next = 0;
  const batch = async (ticksOnly = false) => {
    sec++;
    if (CLOCKS) clock += 1000;
    for (const t of counters) t.textContent = `${sec}秒`;
    // One message from a waiting buyer: its preview, its row to the top.
    if (!ticksOnly) {
      const row = counters[(next = (next + 1) % counters.length)]!.closest('li')!;
      row.querySelector('.chat-message-content')!.textContent = `消息${sec}`;
      list.insertBefore(row, list.firstElementChild);
    }
    const before = watcher.stats.incremental;
    for (let i = 0; i < 50 && watcher.stats.incremental === before; i++) await new Promise((r) => setTimeout(r, 0));
    if (watcher.stats.incremental !== before + 1) throw new Error('the batch was not read incrementally');
    // The worker's answer to the message: its buyer's clock changes (a new deadline), a change list.
    if (CLOCKS && !ticksOnly) {
      const i = next;
      watcher.receive(clockMsg([{ buyer: buyers[i]!, status: 'pending', dueAt: clock + 180_000 }], seq));
    }
  };
  // Warm-up: the counters become known, then their chains are dropped.
  for (let i = 0; i < 3; i++) await batch();
  counts = {};
  records = 0;
  const stats0 = { ...watcher.stats };
  for (let i = 0; i < BATCHES; i++) await batch(TICKS_ONLY);
  const per = (n: number) => Math.round((n / BATCHES) * 100) / 100;
  const out: Record<string, unknown> = {
    waiting: WAITING,
    clocks: CLOCKS,
    badges: watcher.badges.shown().size,
    ticksOnly: TICKS_ONLY,
    recordsPerBatch: per(records),
    stats: Object.fromEntries(
      Object.entries(watcher.stats).map(([k, v]) => [k, per(v - stats0[k as keyof typeof stats0])]),
    ),
    perBatch: Object.fromEntries(
      Object.entries(counts)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, per(v)]),
    ),
  };
  console.log(JSON.stringify(out, null, 1));
  watcher.stop();
}

void main();
