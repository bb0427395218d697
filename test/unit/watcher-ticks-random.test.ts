// @vitest-environment jsdom
/**
 * Outsider review 9 (2026-12-07), kept: tick-heavy seeded runs on PDD with NO forced scans: counters tick up and down, to 已回复 / '' /
 * a non-number / whitespace, in the same batch as a recycle / move / removal / thread switch, or alone (readTicks).
 * After every step: wait events (counts and ids) = whole-read reference; watcher.last rows (buyer|waitingSec|active)
 * = a fresh extract; buyerRows = a fresh read's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { setContentLang } from '../../lib/i18n/content';
import { keyId } from '../../lib/model';
import type { Watcher } from '../../lib/content/watcher';
import type { ToBackground } from '../../lib/messages';
import { recordingWatcher, settle } from './helpers/watcher';
import { waitEvents, WholeReadReference } from './helpers/waits';
import { pddList, pddRowHtml } from './helpers/pdd-rows';
import { mulberry32 } from './helpers/random';
import { PageReader } from '../../lib/content/page-reader';
const P = PageReader.prototype as unknown as { readTicks: () => boolean };
let tickHits = 0;
{
  const orig = P.readTicks;
  P.readTicks = function (this: unknown) {
    const r = orig.call(this);
    if (r) tickHits++;
    return r;
  };
}

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
setContentLang('zh_CN');
const tick = () => new Promise((r) => setTimeout(r, 3));
let w: Watcher | undefined;
let sent: ToBackground[];
beforeEach(() => {
  document.body.innerHTML = fixture;
});
afterEach(() => {
  w?.stop();
  w = undefined;
});
const uidOf = (row: Element) => row.querySelector('[data-random]')?.getAttribute('data-random')?.split('-')[0] ?? '';
const ctrOf = (row: Element) => row.querySelector('.chat-unreply-time');

async function check(label: string, ref: WholeReadReference) {
  await settle(w!);
  ref.read();
  const fresh = pddAdapter.extract(document, undefined, NOW)!;
  const p = (cs: typeof fresh.conversations) => cs.map((c) => `${c.buyer}|${c.waitingSec}|${c.active}`);
  expect([...waitEvents(sent)].sort(), label + ' wait events').toEqual([...ref.sent].sort());
  expect(p(w!.last!.conversations), label + ' rows').toEqual(p(fresh.conversations));
  const want = new Map<string, Element>();
  for (const c of fresh.conversations) if (c.row && !want.has(keyId(c.buyer))) want.set(keyId(c.buyer), c.row);
  const br = (w as unknown as { reader: { buyerRows: Map<string, Element> } }).reader.buyerRows;
  expect([...br].sort(), label + ' buyerRows').toEqual([...want].sort());
}

async function run(seed: number, steps: number) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pool = ['600001', '600002', '600003', '600004', '600005', '600006'];
  pddList().insertAdjacentHTML(
    'beforeend',
    pool.map((b) => pddRowHtml(b, `${10 + Math.floor(rand() * 50)}秒`)).join(''),
  );
  ({ w, sent } = recordingWatcher(pddAdapter, NOW));
  await tick();
  const ref = new WholeReadReference(pddAdapter, NOW);
  ref.read();
  let n = 100;
  const log: string[] = [];
  const values = () => {
    const r = rand();
    if (r < 0.55) return `${++n}秒`;
    if (r < 0.7) return `${1 + Math.floor(rand() * 5)}秒`; // down: a new wait?
    if (r < 0.76) return '已回复';
    if (r < 0.82) return '';
    if (r < 0.87) return 'abc';
    if (r < 0.9) return '  ';
    if (r < 0.95) return `${1 + Math.floor(rand() * 3)}分${Math.floor(rand() * 59)}秒`;
    return `${n}秒`; // same
  };
  const tickSome = (all: boolean) => {
    for (const c of document.querySelectorAll('.chat-unreply-time'))
      if (all || rand() < 0.6) {
        const v = rand() < 0.85 ? `${++n}秒` : values();
        if (rand() < 0.5 && c.firstChild?.nodeType === 3 && c.childNodes.length === 1) (c.firstChild as Text).data = v;
        else c.textContent = v;
      }
  };
  const one = (): string => {
    const rows = [...document.querySelectorAll('li.chat-item')];
    const row = pick(rows);
    const r = rand();
    if (r < 0.35) {
      tickSome(rand() < 0.5);
      return 'ticks';
    }
    if (r < 0.5) {
      const c = ctrOf(row);
      if (!c) return 'noop';
      const v = values();
      c.textContent = v;
      return `set ${uidOf(row)}=${JSON.stringify(v)}`;
    }
    if (r < 0.6) {
      // recycle row for another buyer (virtual list), counter kept, maybe ticking
      const to = pick([...pool, '733519', '915002', '802114']);
      const box = row.querySelector('[data-random]')!;
      const wait = rand() < 0.7;
      box.setAttribute('data-random', `${to}-0-${wait ? 'unTimeout' : 'reply'}`);
      box.querySelector('.nickname-span')!.textContent = `买家${to}`;
      const c = ctrOf(row);
      if (wait && !c) box.insertAdjacentHTML('beforeend', `<span class="chat-unreply-time">${++n}秒</span>`);
      else if (!wait && c && rand() < 0.5) c.remove();
      else if (c) c.textContent = `${rand() < 0.5 ? ++n : 2}秒`;
      return `recycle ${to}`;
    }
    if (r < 0.68) {
      pddList().insertBefore(row, pick([...pddList().children, null] as (Element | null)[]));
      return `move ${uidOf(row)}`;
    }
    if (r < 0.74 && rows.length > 3) {
      row.remove();
      return `remove ${uidOf(row)}`;
    }
    if (r < 0.8) {
      pddList().insertAdjacentHTML(
        rand() < 0.5 ? 'afterbegin' : 'beforeend',
        pddRowHtml(pick(pool), rand() < 0.7 ? `${++n}秒` : null),
      );
      return 'add';
    }
    if (r < 0.86) {
      // thread switch: active moves to another row
      document.querySelector('.chat-item-box.active')?.classList.remove('active');
      row.querySelector('.chat-item-box')?.classList.add('active');
      return `switch ${uidOf(row)}`;
    }
    if (r < 0.92) {
      // counter put back into a row without one
      const box = row.querySelector('[data-random]')!;
      if (!ctrOf(row)) box.insertAdjacentHTML('beforeend', `<span class="chat-unreply-time">${values()}</span>`);
      return `counter add ${uidOf(row)}`;
    }
    ctrOf(row)?.remove();
    return `counter rm ${uidOf(row)}`;
  };
  for (let step = 0; step < steps; step++) {
    const r = rand();
    // Mostly ticks alone (readTicks), sometimes a batch mixing ticks with another change.
    const l =
      r < 0.45
        ? (tickSome(rand() < 0.7), 'ticks-only')
        : r < 0.75
          ? 'batch[' + [one(), (tickSome(false), 'ticks'), one()].join('; ') + ']'
          : one();
    log.push(l);
    await check(`seed ${seed} step ${step}: ${log.slice(-4).join(' | ')}`, ref);
  }
  return w!.stats;
}

for (const seed of [1, 2, 3, 4, 5, 6])
  it(`pdd ticks seeded ${seed}`, async () => {
    const s = await run(seed, 80);
    expect(s.incremental).toBeGreaterThan(10);
  }, 120_000);
it('readTicks took batches of ticks alone in those runs', () => {
  expect(tickHits).toBeGreaterThan(30);
});
