// @vitest-environment jsdom
/**
 * Outsider review 7's fixed cases (PDD): a known counter (ticked 3×, its memo dropped) moved, re-parented or swapped in
 * the batch of its tick, and a buyer on two rows whose first row moves below the other. What the incremental path
 * sends and where the badge goes must equal what whole reads give (the last case failed before the moved-first-row
 * fix, 25c0068).
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
import { counts, waitEvents, WholeReadReference } from './helpers/waits';
import { pddList, pddRowHtml } from './helpers/pdd-rows';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
setContentLang('zh_CN');
/** Past the observer's records and the whole read they made the watcher schedule (see settle). */
const tick = () => settle(w);
let w: Watcher;
let sent: ToBackground[];
let ref: WholeReadReference;
let n = 20;
beforeEach(() => {
  document.body.innerHTML = fixture;
});
afterEach(() => w?.stop());
const rowOf = (uid: string, i = 0) =>
  [...document.querySelectorAll(`[data-random^="${uid}-"]`)].map((b) => b.closest('li')!)[i]!;
const ctr = (row: Element) => row.querySelector('.chat-unreply-time')!;
async function setup(html: string) {
  pddList().insertAdjacentHTML('beforeend', html);
  ({ w, sent } = recordingWatcher(pddAdapter, NOW));
  await tick();
  ref = new WholeReadReference(pddAdapter, NOW);
  ref.read();
  for (let i = 0; i < 3; i++) {
    n++;
    for (const c of document.querySelectorAll('.chat-unreply-time')) c.textContent = `${n}秒`;
    await tick();
  }
}
async function check(label: string) {
  await tick();
  ref.read();
  const fresh = pddAdapter.extract(document, undefined, NOW)!;
  const p = (cs: typeof fresh.conversations) => cs.map((c) => `${c.buyer}|${c.waitingSec}`);
  expect(counts(waitEvents(sent)), label).toEqual(counts(ref.sent));
  expect(p(w.last!.conversations), label).toEqual(p(fresh.conversations));
  const want = new Map<string, Element>();
  for (const c of fresh.conversations) if (c.row && !want.has(keyId(c.buyer))) want.set(keyId(c.buyer), c.row);
  const br = (w as unknown as { reader: { buyerRows: Map<string, Element> } }).reader.buyerRows;
  expect([...br].sort(), label + ' buyerRows').toEqual([...want].sort());
}
const tickAll = () => {
  n++;
  for (const c of document.querySelectorAll('.chat-unreply-time')) c.textContent = `${n}秒`;
};

it('counter moved (wrapper) from a waiting row into an answered row, ticking before and after', async () => {
  await setup(pddRowHtml('600001', '10秒') + pddRowHtml('600002', null));
  const c = ctr(rowOf('600001'));
  const wr = document.createElement('span');
  c.replaceWith(wr);
  wr.append(c);
  await check('wrapped');
  tickAll();
  await check('tick in wrapper');
  tickAll();
  rowOf('600002').querySelector('[data-random]')!.append(wr);
  tickAll();
  await check('wrapper moved with tick');
});
it('row replaced by a new li with the same box (counter) moved in, ticking in the batch', async () => {
  await setup(pddRowHtml('600001', '10秒') + pddRowHtml('600002', '10秒'));
  const a = rowOf('600001');
  tickAll();
  const li = document.createElement('li');
  li.className = 'chat-item';
  li.append(a.querySelector('[data-random]')!);
  a.replaceWith(li);
  tickAll();
  await check('replaced');
  tickAll();
  await check('tick after');
});
it('counter ticks while the same batch recycles its row to another buyer', async () => {
  await setup(pddRowHtml('600001', '10秒') + pddRowHtml('600002', '10秒'));
  const a = rowOf('600001');
  tickAll();
  a.querySelector('[data-random]')!.setAttribute('data-random', '600003-0-unTimeout');
  tickAll();
  await check('recycled');
});
it('counter text node replaced by one moved from another row (counters swap their texts)', async () => {
  await setup(pddRowHtml('600001', '10秒') + pddRowHtml('600002', null));
  const c = ctr(rowOf('600001'));
  rowOf('600002').querySelector('.chat-message-content')!.append(c.firstChild!);
  c.append(document.createTextNode('已回复'));
  await check('text moved out');
});
it('a buyer on two rows, the first moved below the second: the badge row', async () => {
  await setup(pddRowHtml('600001', '10秒') + pddRowHtml('600001', null) + pddRowHtml('600002', null));
  pddList().append(rowOf('600001', 0));
  await check('first row moved to the end');
});
it('b on rows 1 and 3, row 1 moved to the end, with a tick in the batch', async () => {
  await setup(pddRowHtml('600001', '10秒') + pddRowHtml('600002', '10秒') + pddRowHtml('600001', '10秒'));
  tickAll();
  pddList().append(rowOf('600001', 0));
  await check('first row moved to the end');
});
it('b on rows 1 and 3, row 1 moved to the end, no tick', async () => {
  await setup(pddRowHtml('600001', '10秒') + pddRowHtml('600002', '10秒') + pddRowHtml('600001', null));
  pddList().append(rowOf('600001', 0));
  await check('first row moved to the end');
});
it('b on rows 1 and 3, neither waiting (row memo intact), row 1 moved to the end: badge row', async () => {
  await setup(pddRowHtml('600001', null) + pddRowHtml('600002', '10秒') + pddRowHtml('600001', null));
  pddList().append(rowOf('600001', 0));
  await check('first row moved to the end');
});
it('b on rows 1 and 3, row 1 moved in place once, then moved to the end: badge row', async () => {
  await setup(pddRowHtml('600001', null) + pddRowHtml('600002', '10秒') + pddRowHtml('600001', null));
  const x = rowOf('600001', 0);
  pddList().insertBefore(x, x.nextElementSibling);
  await check('moved in place');
  pddList().append(x);
  await check('first row moved to the end');
});
it('b on rows 1 and 3; row 1 read alone once (its counter removed), then moved to the end: badge row', async () => {
  await setup(pddRowHtml('600001', '10秒') + pddRowHtml('600002', '10秒') + pddRowHtml('600001', null));
  const x = rowOf('600001', 0);
  ctr(x).remove();
  await check('counter removed');
  pddList().append(x);
  await check('first row moved to the end');
});
