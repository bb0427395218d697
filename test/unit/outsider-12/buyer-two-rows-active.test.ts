// @vitest-environment jsdom
/**
 * A buyer on two rows, the active one removed while the other changes in the same batch (JD: its 已等待 counter
 * appears): the watcher's open conversation (thread buyer) and its rows' active flags = a whole read's. Pins the fix
 * (PageReader.readIncremental: a buyer with two rows read in one batch goes whole when one is or was active, or is the
 * thread's). Before it the incremental path compared the buyer's readings per buyer keeping the last row's only: it
 * saw no change of the open conversation, kept the thread as the buyer's and never read the page whole.
 * From outsider review 12's probe (`active-two-rows`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { jdAdapter } from '../../../lib/platforms/jd';
import type { Watcher } from '../../../lib/content/watcher';
import { recordingWatcher, settle } from '../helpers/watcher';

const NOW = 1_788_861_600_000;
const html = readFileSync(join(process.cwd(), 'test/fixtures/jd/thread.html'), 'utf8');
let w: Watcher | undefined;
afterEach(() => {
  w?.stop();
  w = undefined;
});

it('jd: the active row removed while the same buyer’s other row changes: the open conversation as a whole read has it', async () => {
  document.body.innerHTML = html;
  const active = document.querySelector('.alluser-item_check')!;
  const other = active.cloneNode(true) as Element;
  other.classList.remove('alluser-item_check');
  active.parentElement!.appendChild(other);
  ({ w } = recordingWatcher(jdAdapter, NOW));
  await settle(w);
  expect(w.last?.thread?.buyer).toBe(jdAdapter.extract(document, undefined, NOW).thread?.buyer);
  active.remove();
  other.insertAdjacentHTML('beforeend', '<span class="alluser-item-wait">已等待0分05秒</span>');
  await settle(w);
  const fresh = jdAdapter.extract(document, undefined, NOW);
  expect(w.last?.thread?.buyer, 'thread buyer').toBe(fresh.thread?.buyer);
  expect(w.last?.conversations.map((c) => `${c.buyer}:${c.active}`)).toEqual(
    fresh.conversations.map((c) => `${c.buyer}:${c.active}`),
  );
});
