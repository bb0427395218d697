// @vitest-environment jsdom
/**
 * Outsider review 9 (2026-12-07), kept: PDD, known counters (ticked 3×) then: (a) a change that schedules a whole read, and ticks in the
 * next MutationObserver batches before it runs (incl. a counter going to 已回复 and one going down); (b) a recycle in
 * one batch, and the recycled row's counter ticking alone in the next batch (readTicks), down to 1秒 (a new wait?).
 * Wait events = whole-read reference, readings = fresh extract, buyerRows = fresh.
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

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
setContentLang('zh_CN');
const tick = () => new Promise((r) => setTimeout(r, 10));
const micro = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};
let w: Watcher;
let sent: ToBackground[];
let ref: WholeReadReference;
let n = 20;
beforeEach(() => {
  document.body.innerHTML = fixture;
});
afterEach(() => w?.stop());
const rowOf = (uid: string) => document.querySelector(`[data-random^="${uid}-"]`)!.closest('li')!;
const ctr = (row: Element) => row.querySelector('.chat-unreply-time')!;
const tickAll = () => {
  n++;
  for (const c of document.querySelectorAll('.chat-unreply-time')) c.textContent = `${n}秒`;
};
async function setup() {
  pddList().insertAdjacentHTML('beforeend', ['600001', '600002', '600003'].map((u) => pddRowHtml(u, '10秒')).join(''));
  ({ w, sent } = recordingWatcher(pddAdapter, NOW));
  await tick();
  ref = new WholeReadReference(pddAdapter, NOW);
  ref.read();
  for (let i = 0; i < 3; i++) {
    tickAll();
    await tick();
  }
}
async function check(label: string) {
  await settle(w);
  ref.read();
  const fresh = pddAdapter.extract(document, undefined, NOW)!;
  const p = (cs: typeof fresh.conversations) => cs.map((c) => `${c.buyer}|${c.waitingSec}|${c.active}`);
  expect([...waitEvents(sent)].sort(), label).toEqual([...ref.sent].sort());
  expect(p(w.last!.conversations), label).toEqual(p(fresh.conversations));
  const want = new Map<string, Element>();
  for (const c of fresh.conversations) if (c.row && !want.has(keyId(c.buyer))) want.set(keyId(c.buyer), c.row);
  const br = (w as unknown as { reader: { buyerRows: Map<string, Element> } }).reader.buyerRows;
  expect([...br].sort(), label + ' buyerRows').toEqual([...want].sort());
}

it('ticks in batches while a whole read is scheduled (a counter ends, one goes down)', async () => {
  await setup();
  pddList().insertAdjacentHTML('afterbegin', pddRowHtml('600002', '3秒')); // same buyer on two rows: whole read
  await micro();
  tickAll();
  await micro();
  ctr(rowOf('600001')).textContent = '已回复';
  ctr(rowOf('600003')).textContent = '1秒';
  await micro();
  await check('pending whole read');
  tickAll();
  await check('after');
  ctr(rowOf('600001')).textContent = '2秒';
  await check('600001 waits again');
});

it('recycle in one batch, the recycled row ticking alone in the next (down to 1秒), then 已回复, then back', async () => {
  await setup();
  const row = rowOf('600001');
  row.querySelector('[data-random]')!.setAttribute('data-random', '600009-0-unTimeout');
  row.querySelector('.nickname-span')!.textContent = '买家600009';
  await micro();
  ref.read(); // the page as the watcher saw it in that batch
  ctr(row).textContent = '1秒';
  await micro();
  await check('recycled, then tick alone');
  for (let i = 0; i < 3; i++) {
    ctr(row).textContent = `${2 + i}秒`;
    await check(`tick ${i}`);
  }
  ctr(row).textContent = '已回复';
  await check('ended');
  ctr(row).textContent = '1秒';
  await check('new wait');
  expect(waitEvents(sent).filter((e) => e.startsWith('600009:')).length).toBe(2);
});

it('a thread switch, then the old and new active rows tick alone', async () => {
  await setup();
  document.querySelector('.chat-item-box.active')!.classList.remove('active');
  rowOf('600002').querySelector('.chat-item-box')!.classList.add('active');
  await micro();
  tickAll();
  await check('switch + tick');
  tickAll();
  await check('tick alone');
});
