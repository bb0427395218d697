// @vitest-environment jsdom
/**
 * Known counters (PageReader's counter → row map, the ticks' shortcut) on lists that recycle their elements, as
 * virtualised lists (React/Vue) do: every reading must equal a fresh read of the same DOM, and a recycled counter's
 * ticks must be its new row's. From an outsider review of the page-cost cut (2026-12-06).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { setContentLang } from '../../lib/i18n/content';
import { Watcher } from '../../lib/content/watcher';
import type { EventsMessage, ToBackground } from '../../lib/messages';
import { pastWholeRead } from './helpers/watcher';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
setContentLang('zh_CN');
/** Past the whole read a change made the watcher schedule (see pastWholeRead). */
const tick = () => pastWholeRead();
let sent: ToBackground[];
let watcher: Watcher;
const events = () => sent.filter((m): m is EventsMessage => m.type === 'events').flatMap((m) => m.events);

beforeEach(() => {
  document.body.innerHTML = fixture;
  sent = [];
  watcher = new Watcher({
    adapter: pddAdapter,
    root: document,
    now: () => NOW,
    url: () => 'http://127.0.0.1/demo/pdd/',
    send: async (m) => void sent.push(m),
  });
});
afterEach(() => watcher.stop());

it('a counter superseded by another in its row, then recycled into another row: its ticks are that row’s (its answer and next wait seen)', async () => {
  const R = document.querySelector('[data-random^="733519"]')!;
  const S = document.querySelector('[data-random^="915002"]')!;
  const C = R.querySelector('.chat-unreply-time')!;
  // A second span in the row, before the counter, not (yet) a counter.
  C.insertAdjacentHTML('beforebegin', '<span class="d">5秒</span>');
  const D = R.querySelector('.d')!;
  watcher.start();
  C.textContent = '43秒'; // C checked: known as R's counter
  await tick();
  D.className = 'chat-unreply-time'; // D is now the row's counter (first match): checked, R's counter is D
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  const before = events().length;
  // A virtualised list recycles C into row S (another conversation): both rows are read.
  S.appendChild(C);
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  expect(
    events()
      .slice(before)
      .map((e) => e.buyer),
  ).toEqual(['915002']);
  // S's buyer is answered: its counter shows nothing.
  C.textContent = '';
  await tick();
  // S's buyer writes again: a new wait, must be reported.
  C.textContent = '1秒';
  await tick();
  expect(events().filter((e) => e.buyer === '915002')).toHaveLength(2);
});

it('a counter superseded by another in its row, ticking alone, is not read as the row’s wait', async () => {
  const R = document.querySelector('[data-random^="733519"]')!;
  const C = R.querySelector('.chat-unreply-time')!;
  C.insertAdjacentHTML('beforebegin', '<span class="d">5秒</span>');
  const D = R.querySelector('.d')!;
  watcher.start();
  C.textContent = '43秒';
  await tick();
  D.className = 'chat-unreply-time';
  await tick();
  C.textContent = '44秒';
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});

it('a row unmounted with its group (no record on the list names it): its counter recycled into another row ticks for that row', async () => {
  const Rli = document.querySelector('[data-random^="733519"]')!.closest('li')!;
  const S = document.querySelector('[data-random^="915002"]')!;
  // A virtualised list's group element around some rows (its rows are the list's rows as before).
  const grp = document.createElement('div');
  grp.className = 'grp';
  Rli.before(grp);
  grp.appendChild(Rli);
  const C = Rli.querySelector('.chat-unreply-time')!;
  watcher.start();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  C.textContent = '43秒';
  await tick();
  // The list unmounts the group (its row taken out first, as some frameworks do), then reuses the counter node in S.
  Rli.remove();
  grp.remove();
  await tick();
  const before = events().length;
  S.appendChild(C);
  await tick();
  expect(
    events()
      .slice(before)
      .map((e) => e.buyer),
  ).toEqual(['915002']);
  C.textContent = '';
  await tick();
  C.textContent = '1秒';
  await tick();
  expect(events().filter((e) => e.buyer === '915002')).toHaveLength(2);
});

it('a counter turning into 已回复, its text node replaced, its row moved then renamed: the same as a fresh read', async () => {
  const R = document.querySelector('[data-random^="733519"]')!;
  const C = R.querySelector('.chat-unreply-time')!;
  watcher.start();
  C.textContent = '43秒';
  await tick();
  C.textContent = '已回复';
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  C.textContent = '3秒';
  await tick();
  C.replaceChild(document.createTextNode('4秒'), C.firstChild!);
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  const li = R.closest('li')!;
  li.parentElement!.insertBefore(li, li.parentElement!.firstChild);
  await tick();
  C.textContent = '5秒';
  await tick();
  R.querySelector('.nickname-span')!.textContent = '别人';
  R.setAttribute('data-random', '111111-0-unTimeout');
  C.textContent = '6秒';
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});

it('a row unmounted with its group is dropped from the reading (not left waiting)', async () => {
  const Rli = document.querySelector('[data-random^="733519"]')!.closest('li')!;
  const grp = document.createElement('div');
  Rli.before(grp);
  grp.appendChild(Rli);
  watcher.start();
  Rli.remove();
  grp.remove();
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});

it('a row’s class removed while it ticks, its counter moved to another row, a row removed then reused: the same as a fresh read', async () => {
  const R = document.querySelector('[data-random^="733519"]')!;
  const S = document.querySelector('[data-random^="915002"]')!;
  const C = R.querySelector('.chat-unreply-time')!;
  watcher.start();
  C.textContent = '43秒';
  await tick();
  const li = R.closest('li')!;
  li.className = 'x';
  C.textContent = '44秒';
  await tick();
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  li.className = 'chat-item';
  await tick();
  await tick();
  C.textContent = '45秒';
  await tick();
  S.appendChild(C);
  await tick();
  C.textContent = '46秒';
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  C.textContent = '';
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  C.textContent = '1秒';
  await tick();
  const ul = li.parentElement!;
  const sli = S.closest('li')!;
  sli.remove();
  await tick();
  C.textContent = '2秒';
  await tick();
  ul.appendChild(sli);
  S.querySelector('.nickname-span')!.textContent = '新';
  S.setAttribute('data-random', '222222-0-unTimeout');
  await tick();
  C.textContent = '3秒';
  await tick();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});
