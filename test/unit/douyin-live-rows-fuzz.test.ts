// @vitest-environment jsdom
/**
 * From an outsider review of Douyin's live rows (merge b2cb292): seeded random steps (row and header changes, headers
 * and rows recycled into each other) on three list shapes, run with the adapter and with a whole-read-only copy: the
 * reading equal to a fresh extract after every step, and the same events sent.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { douyinAdapter } from '../../lib/platforms/douyin';
import type { Adapter, Extraction } from '../../lib/platforms/types';
import { Watcher } from '../../lib/content/watcher';
import { mulberry32 as random } from './helpers/random';
import {
  GROUPS,
  MARKER,
  NOW,
  ROW,
  type Shape,
  markersNow,
  rowsNow,
  shape,
  tick,
  wholeAdapter,
} from './helpers/douyin-shapes';
import { recordingWatcher } from './helpers/watcher';

let watcher: Watcher | null = null;
afterEach(() => watcher?.stop());

function op(rnd: () => number, n: number, s: Shape): string {
  const pickOf = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rnd() * xs.length)];
  const list = document.querySelector('.list_items')!;
  const rows = rowsNow().filter((r) => r.getAttribute('aria-selected') !== 'true');
  const anyRow = rowsNow();
  const markers = markersNow();
  const inList = [...list.querySelectorAll('*')].filter((e) => !e.closest(ROW));
  const r = pickOf(rows);
  const k = Math.floor(rnd() * 18);
  if (k >= 14) {
    if (k === 14) {
      // header slot becomes a row in place
      const m = pickOf(markers.filter((x) => !x.querySelector(ROW)));
      if (!m) return 'nothing';
      m.removeAttribute('data-btm');
      m.className = 'conversationCard-ePRNJi';
      m.setAttribute('data-qa-id', 'qa-conversation-chat-item');
      m.setAttribute('data-btm-id', `s.${n}.recent`);
      m.innerHTML = `<div class="cardMain-yN3Kd"><div class="topLine-0aPq"><div class="nameLine-Q8PQwE" title="槽${n}"><span>槽${n}</span></div><div class="timerParticular-x8Hy">${n % 4}分1${n % 10}秒</div></div></div>`;
      return 'header->row in place';
    }
    if (k === 15) {
      // row slot becomes a header in place
      if (!r) return 'nothing';
      r.removeAttribute('data-qa-id');
      r.removeAttribute('data-btm-id');
      r.className = 'groupTitle-2LkP';
      r.setAttribute('data-btm', pickOf(GROUPS)!);
      r.textContent = 'H';
      return 'row->header in place';
    }
    if (k === 16) {
      // header stripped and moved into a row
      const m = pickOf(markers.filter((x) => !x.querySelector(ROW)));
      if (!m || !r) return 'nothing';
      m.removeAttribute('data-btm');
      r.querySelector('.cardMain-yN3Kd')?.append(m);
      return 'header stripped into row';
    }
    // element inside a marker becomes a row
    const m = pickOf(markers);
    if (!m) return 'nothing';
    const e = document.createElement('div');
    e.innerHTML = `<div class="nameLine-Q8PQwE" title="内${n}">内${n}</div>`;
    m.append(e);
    e.setAttribute('data-qa-id', 'qa-conversation-chat-item');
    return 'row made inside marker';
  }
  switch (k) {
    case 0: {
      // wrap a row or header or wrapper
      const t = pickOf([...anyRow, ...markers, ...list.querySelectorAll('.wr')]);
      if (!t || t === list) return 'nothing';
      const w = document.createElement('div');
      w.className = 'wr';
      t.before(w);
      w.append(t);
      return 'wrap';
    }
    case 1: {
      const w = pickOf([...list.querySelectorAll('.wr')]);
      if (!w) return 'nothing';
      w.replaceWith(...w.childNodes);
      return 'unwrap';
    }
    case 2:
    case 3: {
      // move a row next to / into some list element
      const rr = pickOf(anyRow);
      const to = pickOf(inList.filter((e) => e !== rr && !rr?.contains(e)));
      if (!rr || !to) return 'nothing';
      const w = rnd();
      if (w < 0.4) to.before(rr);
      else if (w < 0.8) to.after(rr);
      else if (!to.matches(MARKER) || s === 'containers') to.append(rr);
      else to.after(rr);
      return 'move row';
    }
    case 4: {
      const t = pickOf(inList);
      if (!t) return 'nothing';
      const m = document.createElement('div');
      m.className = 'groupTitle-2LkP';
      m.setAttribute('data-btm', pickOf(GROUPS)!);
      m.textContent = 'G';
      t.before(m);
      return 'add header';
    }
    case 5: {
      const m = pickOf(markers);
      if (!m) return 'nothing';
      if (s === 'containers' && rnd() < 0.5) m.replaceWith(...m.childNodes);
      else m.remove();
      return 'remove marker';
    }
    case 6: {
      const rr = pickOf(anyRow);
      const t = rr?.querySelector('.timerParticular-x8Hy');
      if (!t) return 'nothing';
      t.textContent = `${Math.floor(rnd() * 9)}分${10 + Math.floor(rnd() * 49)}秒`;
      return 'timer';
    }
    case 7: {
      if (!r) return 'nothing';
      const v = r.getAttribute('data-btm-id') ?? '';
      r.setAttribute('data-btm-id', v.endsWith('.systemConv') ? `q.${n}.recent` : `q.${n}.systemConv`);
      return 'sys toggle';
    }
    case 8: {
      if (!r || process.env.NOCLONE) return 'nothing';
      const c = r.cloneNode(true) as Element;
      c.setAttribute('data-btm-id', `c.${n}.recent`);
      pickOf(anyRow)!.after(c);
      return 'clone';
    }
    case 9: {
      const t = pickOf([...list.querySelectorAll('.groupTitle-2LkP')]);
      if (!t) return 'nothing';
      if (t.firstChild?.nodeType === 3) (t.firstChild as Text).data = `标题${n}`;
      else t.textContent = `标题${n}`;
      return 'title text';
    }
    case 10: {
      if (!r) return 'nothing';
      const nm = r.querySelector('.nameLine-Q8PQwE');
      if (!nm) return 'nothing';
      nm.setAttribute('title', `买家${n % 7}`);
      return 'rename';
    }
    case 11: {
      if (!r) return 'nothing';
      r.remove();
      return 'remove row';
    }
    case 12: {
      // batch: several row ops
      let out = 'batch:';
      for (let i = 0; i < 3; i++) {
        const kk = [2, 6, 7, 10, 0, 1][Math.floor(rnd() * 6)]!;
        out += ' ' + opK(kk);
      }
      return out;
      function opK(kk: number): string {
        const save = rnd;
        void save;
        return kk + '';
      }
    }
    default: {
      // new row
      const like = pickOf(anyRow);
      if (!like) return 'nothing';
      const c = like.cloneNode(true) as Element;
      c.removeAttribute('aria-selected');
      c.className = 'conversationCard-ePRNJi';
      c.setAttribute('data-btm-id', `n.${n}.recent`);
      const nm = c.querySelector('.nameLine-Q8PQwE');
      nm?.setAttribute('title', `新${n}`);
      const t = c.querySelector('.timerParticular-x8Hy');
      if (t) t.textContent = `${n % 5}分0${n % 10}秒`;
      pickOf(anyRow)!.before(c);
      return 'new row';
    }
  }
}

async function run(adapter: Adapter, s: Shape, seed: number, steps: number) {
  shape(s);
  const { w, sent } = recordingWatcher(adapter, NOW);
  watcher = w;
  const rnd = random(seed);
  const mism: string[] = [];
  const log: string[] = [];
  for (let n = 0; n < steps; n++) {
    let what = op(rnd, n, s);
    if (what.startsWith('batch')) {
      what = 'batch';
      for (let i = 0; i < 3; i++) what += '+' + op(rnd, n * 100 + i, s);
    }
    await tick();
    if (process.env.TRACE)
      console.log(
        'TRACE',
        adapter === douyinAdapter ? 'L' : 'W',
        n,
        what,
        w.stats.scans,
        JSON.stringify(
          w.last?.conversations.map((c) => [c.buyer, c.waitingSec ?? null, c.row?.getAttribute('data-btm-id')]),
        ),
        sent
          .flatMap((m) => (m.type === 'events' ? m.events : []))
          .filter((e) => e.messageId.startsWith('wait'))
          .map((e) => e.buyer)
          .join(','),
      );
    log.push(
      `${n} ${what} ev=${sent
        .flatMap((m) => (m.type === 'events' ? m.events : []))
        .map((e) => e.buyer + ':' + e.messageId)
        .join(',')}`,
    );
    const fresh = douyinAdapter.extract(document, undefined, NOW);
    try {
      expect(w.last).toEqual(fresh);
    } catch {
      const b = (x: Extraction | null) => JSON.stringify(x?.conversations.map((c) => [c.buyer, c.waitingSec ?? null]));
      mism.push(`${n} ${what}: live ${b(w.last)} fresh ${b(fresh)}`);
      break;
    }
  }
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 30));
  w.stop();
  watcher = null;
  const ev = [
    ...new Set(
      sent.flatMap((m) => (m.type === 'events' ? m.events : [])).map((e) => JSON.stringify({ ...e, observedAt: 0 })),
    ),
  ].sort();
  return { mism, ev, log, scans: w.stats.scans, inc: w.stats.incremental };
}

describe.each(['containers', 'headers', 'flat'] as const)('fuzz %s', (s) => {
  it.each(Array.from({ length: 4 }, (_, i) => i + 1))(
    'seed %i',
    async (seed) => {
      const live = await run(douyinAdapter, s, seed * 31 + 7, 50);
      const whole = await run(wholeAdapter, s, seed * 31 + 7, 50);
      expect(whole.mism).toEqual([]);
      expect(live.mism, live.log.join(' | ')).toEqual([]);
      if (JSON.stringify(live.ev) !== JSON.stringify(whole.ev)) {
        const i = live.log.findIndex((l, j) => l !== whole.log[j]);
        console.log(
          'DIVERGE',
          s,
          seed,
          i,
          '\n' +
            live.log
              .slice(0, i + 1)
              .map((l) => l.replace(/ ev=.*/, ''))
              .join(' | '),
        );
      }
      expect(live.ev).toEqual(whole.ev);
      // Each step's reads also proved by the whole-only run: the live one must have read rows alone too.
      expect(live.inc).toBeGreaterThan(0);
      // Two watchers × 50 steps: seconds alone, more on a loaded machine.
    },
    60_000,
  );
});
