// @vitest-environment jsdom
/**
 * A buyer on two list rows, one of them removed and read alone (the incremental path): while the other row still shows
 * the buyer waiting, the wait goes on — the next whole read sends no second wait event for it (an outsider review of
 * the Douyin live rows found it sent again, 2026-12-06); when no row shows the buyer waiting any more, the wait ends
 * and a later one is reported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { setContentLang } from '../../lib/i18n/content';
import type { Watcher } from '../../lib/content/watcher';
import type { EventsMessage, ToBackground } from '../../lib/messages';
import { recordingWatcher, pastWholeRead } from './helpers/watcher';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
const BUYER = '733519';
setContentLang('zh_CN');
/** Past the whole read a change made the watcher schedule (see pastWholeRead). */
const tick = () => pastWholeRead();
let w: Watcher;
let sent: ToBackground[];
const waits = () =>
  sent
    .filter((m): m is EventsMessage => m.type === 'events')
    .flatMap((m) => m.events)
    .filter((e) => e.buyer === BUYER && e.timeSource === 'counter');

/** The buyer's row as the fixture has it, and a copy of it at the end of the list (`waiting`: with its counter). */
function twoRows(waiting: boolean): { first: Element; second: Element } {
  const first = document.querySelector(`[data-random^="${BUYER}"]`)!.closest('li')!;
  expect(first.querySelector('.chat-unreply-time')).not.toBeNull();
  const second = first.cloneNode(true) as Element;
  if (!waiting) {
    second.querySelector('.chat-unreply-time')!.remove();
    const box = second.querySelector('[data-random]')!;
    box.setAttribute('data-random', box.getAttribute('data-random')!.replace('unTimeout', 'reply'));
  }
  first.parentElement!.appendChild(second);
  return { first, second };
}

beforeEach(() => {
  document.body.innerHTML = fixture;
});
afterEach(() => w?.stop());

it('the removed row’s buyer still waits on the other row: no second wait event, on the incremental path nor the next whole read', async () => {
  const { first } = twoRows(true);
  ({ w, sent } = recordingWatcher(pddAdapter, NOW));
  expect(waits()).toHaveLength(1);
  const incremental = w.stats.incremental;
  first.remove();
  await tick();
  expect(w.stats.incremental).toBe(incremental + 1); // read alone, not whole
  expect(w.last).toEqual(pddAdapter.extract(document));
  w.scan();
  await tick();
  expect(waits()).toHaveLength(1);
});

it('the other row shows the buyer answered: the wait ends with the removed row, and the next wait is reported', async () => {
  const { first, second } = twoRows(false);
  ({ w, sent } = recordingWatcher(pddAdapter, NOW));
  expect(waits()).toHaveLength(1);
  const incremental = w.stats.incremental;
  first.remove();
  await tick();
  expect(w.stats.incremental).toBe(incremental + 1);
  w.scan();
  await tick();
  expect(waits()).toHaveLength(1);
  // The buyer waits again on the row left: a new wait.
  const box = second.querySelector('[data-random]')!;
  box.setAttribute('data-random', box.getAttribute('data-random')!.replace('reply', 'unTimeout'));
  box.insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">3秒</span>');
  await tick();
  expect(waits()).toHaveLength(2);
});
