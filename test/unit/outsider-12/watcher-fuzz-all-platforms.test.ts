// @vitest-environment jsdom
/**
 * Structure-agnostic seeded DOM changes inside each platform's list and thread (text set as a node or as a child,
 * elements cloned in place, removed, duplicated, moved, wrapped, classes toggled, watched attributes set, messages
 * appended, rows copied), on every platform's fixture. After each step: the watcher's page (`Watcher.last`, as it
 * stands: no re-listing forced) = a memo-less whole extract, its badge rows = a fresh PageReader's, and every event it
 * sent = a reference ledger fed whole reads only.
 *
 * From outsider review 12's probe (`generic-fuzz`), which found Douyin's message shown again and the JD counter's
 * tick kept out of `last` (both fixed: douyin-message-shown-again, jd-counter-tick-page). The suite runs a few seeds
 * per platform; deep runs: RS_FUZZ_SEEDS=40 (seeds per platform), RS_FUZZ_STEPS (steps per seed, 15 in the suite), RS_FUZZ_FROM (first seed, 1),
 * RS_FUZZ_ONLY=jd,douyin (platforms), RS_FUZZ_DEBUG=<seed> (each step's DOM and readings printed), RS_FUZZ_NOW (ms),
 * RS_FUZZ_IGNORE_AT=1 (message times left out of the comparison).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { kuaishouAdapter } from '../../../lib/platforms/kuaishou';
import { jdAdapter } from '../../../lib/platforms/jd';
import { ali1688Adapter, taobaoAdapter } from '../../../lib/platforms/ali';
import { pddAdapter } from '../../../lib/platforms/pdd';
import { douyinAdapter } from '../../../lib/platforms/douyin';
import { liveOf, watchedAttributes, type Adapter, type Extraction } from '../../../lib/platforms/types';
import type { ChatEvent } from '../../../lib/model';
import type { ToBackground } from '../../../lib/messages';
import type { Watcher } from '../../../lib/content/watcher';
import { recordingWatcher, settle } from '../helpers/watcher';
import { expectRowsAndEventsAsWhole, wholeReads } from '../helpers/whole-reads';
import { mulberry32 } from '../helpers/random';

// 2026-09-08 18:00 China time: after every fixture's stamps (their threads are dated 2026-09-08).
const NOW = Number(process.env.RS_FUZZ_NOW ?? 1_788_861_600_000);
const fx = (p: string) => readFileSync(join(process.cwd(), 'test/fixtures', p), 'utf8');
/** RS_FUZZ_IGNORE_AT=1: message times left out (a copy of an old message appended: its stamp runs backwards). */
const IGNORE_AT = process.env.RS_FUZZ_IGNORE_AT === '1';
const key = (e: ChatEvent) =>
  IGNORE_AT
    ? `${e.account}|${e.buyer}|${e.messageId}|${e.author}|${e.timeSource === 'counter' ? e.at : ''}|${e.marker ?? ''}`
    : `${e.account}|${e.buyer}|${e.messageId}|${e.author}|${e.timeSource}|${e.at}|${e.atLatest ?? ''}|${e.marker ?? ''}|${e.atPrecisionMs ?? ''}`;
const untimed = (x: Extraction | null) =>
  !IGNORE_AT || !x?.thread
    ? x
    : {
        ...x,
        thread: {
          ...x.thread,
          messages: x.thread.messages.map(({ at: _a, timeSource: _t, atPrecisionMs: _p, ...m }) => m),
        },
      };

let w: Watcher | undefined;
afterEach(() => {
  w?.stop();
  w = undefined;
});

/** Seeds per platform in the suite (each file ≤ 30 s on a loaded 2-core machine); RS_FUZZ_SEEDS for deep runs. */
const SEEDS = Number(process.env.RS_FUZZ_SEEDS ?? 2);
const STEPS = Number(process.env.RS_FUZZ_STEPS ?? 15);

const CASES: [string, Adapter, string][] = [
  ['kuaishou', kuaishouAdapter, 'kuaishou/thread.html'],
  ['jd', jdAdapter, 'jd/thread.html'],
  ['1688', ali1688Adapter, 'ali/thread.html'],
  ['taobao', taobaoAdapter, 'ali/thread.html'],
  ['pdd', pddAdapter, 'pdd/thread.html'],
  ['douyin', douyinAdapter, 'douyin/workspace.html'],
];

function descendants(el: Element): Element[] {
  return [el, ...el.querySelectorAll('*')].filter((e) => !e.closest('[data-reply-sentinel-badge]'));
}

function textLeaves(el: Element): Text[] {
  const out: Text[] = [];
  const it = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = it.nextNode(); n; n = it.nextNode())
    if ((n.textContent ?? '').trim() && !n.parentElement?.closest('[data-reply-sentinel-badge]')) out.push(n as Text);
  return out;
}

const WORDS = [
  '系统',
  '机器人',
  '自动回复',
  '已读',
  '未读',
  '在吗',
  '[自动回复]',
  '5分钟前',
  '17:30:01',
  '已超时',
  '1分5秒后超时',
  '10秒',
  '已回复',
  '今天',
  '昨天 17:20',
  '2026-09-08 17:40:00',
  '超时',
];

function mutateText(s: string, rand: () => number): string {
  const r = rand();
  // the last digit only (seconds, counts): a date a century away is no page's
  if (r < 0.3) return s.replace(/\d(?=\D*$)/, (d) => String((Number(d) + 1 + Math.floor(rand() * 8)) % 10));
  if (r < 0.6) return WORDS[Math.floor(rand() * WORDS.length)]!;
  if (r < 0.8) return `${s}${WORDS[Math.floor(rand() * WORDS.length)]}`;
  return `${s}。`;
}

function strip(el: Element) {
  for (const b of el.querySelectorAll('[data-reply-sentinel-badge]')) b.remove();
  if (el.hasAttribute('data-reply-sentinel-badge')) el.remove();
}

async function run(name: string, adapter: Adapter, html: string, seed: number) {
  document.body.innerHTML = html;
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  let sent: ToBackground[];
  ({ w, sent } = recordingWatcher(adapter, NOW));
  await settle(w);
  const ref = wholeReads(adapter, NOW, key);
  const refRead = ref.read;
  refRead();
  const attrs = watchedAttributes(adapter);
  let uid = 0;
  const log: string[] = [];
  for (let step = 0; step < STEPS; step++) {
    const x0 = adapter.extract(document, undefined, NOW);
    const live = liveOf(x0);
    const regions = [live?.rows?.in, live?.thread?.in].filter((e): e is Element => !!e);
    if (!regions.length) regions.push(document.body);
    const ops: string[] = [];
    const nOps = rand() < 0.6 ? 1 : 2 + Math.floor(rand() * 3);
    for (let k = 0; k < nOps; k++) {
      const region = pick(regions)!;
      const els = descendants(region);
      const el = pick(els)!;
      const r = rand();
      let op = '';
      if (rand() < 0.04) {
        // the container itself: wrapped, re-rendered whole (a clone in its place), or its parent re-rendered
        const q = rand();
        const target = q < 0.6 ? region : (region.parentElement ?? region);
        if (q < 0.3) {
          op = `wrap region <${region.className}>`;
          const d = document.createElement('div');
          region.replaceWith(d);
          d.appendChild(region);
        } else {
          op = `clone-replace ${target === region ? 'region' : 'region parent'} <${target.className}>`;
          const c = target.cloneNode(true) as Element;
          strip(c);
          target.replaceWith(c);
        }
      } else if (r < 0.18) {
        const t = pick(textLeaves(el));
        if (t) {
          const v = mutateText(t.data, rand);
          op = `nodeValue ${JSON.stringify(t.data)}→${JSON.stringify(v)}`;
          t.data = v;
        }
      } else if (r < 0.3) {
        const t = pick(textLeaves(el));
        const p = t?.parentElement;
        if (p && p.childNodes.length === 1) {
          const v = mutateText(t!.data, rand);
          op = `textContent ${JSON.stringify(t!.data)}→${JSON.stringify(v)}`;
          p.textContent = v;
        }
      } else if (r < 0.4 && el !== region) {
        op = `clone-replace <${el.className}>`;
        const c = el.cloneNode(true) as Element;
        strip(c);
        el.replaceWith(c);
      } else if (r < 0.46 && el !== region) {
        op = `remove <${el.className}>`;
        el.remove();
      } else if (r < 0.52 && el !== region) {
        op = `duplicate <${el.className}>`;
        const c = el.cloneNode(true) as Element;
        strip(c);
        el.after(c);
      } else if (r < 0.6 && el !== region && el.parentElement) {
        const sib = pick([...el.parentElement.children, null]);
        op = `move <${el.className}>`;
        el.parentElement.insertBefore(el, sib === el ? null : (sib ?? null));
      } else if (r < 0.66 && el !== region) {
        op = `wrap <${el.className}>`;
        const d = document.createElement('div');
        el.replaceWith(d);
        d.appendChild(el);
      } else if (r < 0.76) {
        // a class token taken from another element of the page
        const other = pick(descendants(pick(regions)!))!;
        const tok = pick([...other.classList]);
        if (tok) {
          op = `class ${el.classList.contains(tok) ? '-' : '+'}${tok} on <${el.className}>`;
          el.classList.toggle(tok);
        }
      } else if (r < 0.8) {
        const a = pick(attrs.filter((a) => a !== 'class'))!;
        const v = rand() < 0.3 ? null : rand() < 0.5 ? `${a}-${uid++}` : 'true';
        op = `attr ${a}=${v} on <${el.className}>`;
        if (v === null) el.removeAttribute(a);
        else el.setAttribute(a, v);
      } else if (r < 0.92 && live?.thread?.in) {
        // a new message: a copy of one of the thread's children appended, ids made new
        const src = pick([...live.thread.in.children]);
        if (src) {
          const c = src.cloneNode(true) as Element;
          strip(c);
          for (const e of [c, ...c.querySelectorAll('[id]')]) if (e.id) e.id = `${e.id}x${uid++}`;
          const t = pick(textLeaves(c));
          if (t) t.data = mutateText(t.data, rand);
          op = `append <${c.className}> ${c.textContent?.slice(0, 30)}`;
          live.thread.in.appendChild(c);
        }
      } else if (live?.rows?.in) {
        // a row of the list: copied with a new name
        const src = pick(live.rows.all());
        if (src) {
          const c = src.cloneNode(true) as Element;
          strip(c);
          for (const e of [c, ...c.querySelectorAll('[id]')]) if (e.id) e.id = `${e.id}y${uid++}`;
          const t = pick(textLeaves(c));
          if (t) t.data = mutateText(t.data, rand);
          op = `row copy ${c.textContent?.slice(0, 30)}`;
          src.parentElement!.insertBefore(c, pick([...src.parentElement!.children, null]) ?? null);
        }
      }
      ops.push(op);
    }
    log.push(`${step}: ${ops.join(' + ')}`);
    await settle(w!);
    const fresh = refRead();
    if (process.env.RS_FUZZ_DEBUG === `${seed}`) {
      const ms = (x: Extraction | null) =>
        x?.thread?.messages
          .slice(-4)
          .map((m) => `${m.id}:${m.author}:${m.at}:${m.timeSource}:${m.text.slice(0, 12)}`)
          .join(' | ');
      const tin = liveOf(fresh)?.thread?.in;
      const kids = tin
        ? [...tin.children]
            .slice(-4)
            .map(
              (k) =>
                `[${k.querySelector('[data-id]')?.getAttribute('data-id') ?? k.getAttribute('data-id') ?? '-'}] ${k.textContent?.slice(0, 30)}`,
            )
            .join(' || ')
        : '';
      console.log(
        `${step}: ${log[log.length - 1]}\n  dom ${kids}\n  watcher ${ms(w!.last)}\n  fresh   ${ms(fresh)}\n  stats ${JSON.stringify(w!.stats)}`,
      );
    }
    const label = `${name} seed ${seed} step ${step}\n${log.slice(-6).join('\n')}`;
    expect(untimed(w!.last), `${label}: page`).toEqual(untimed(fresh));
    expectRowsAndEventsAsWhole(w!, sent, { adapter: adapter, now: NOW, key, events: ref.events }, label);
  }
}

const ONLY = process.env.RS_FUZZ_ONLY?.split(',');
for (const [name, adapter, file] of CASES.filter(([n]) => !ONLY || ONLY.includes(n)))
  it(
    `${name}: random DOM changes, incremental = whole reads (${SEEDS} seeds × ${STEPS} steps)`,
    { timeout: 600_000 },
    async () => {
      const html = fx(file);
      const from = Number(process.env.RS_FUZZ_FROM ?? 1);
      for (let seed = from; seed < from + SEEDS; seed++) await run(name, adapter, html, seed);
    },
  );
