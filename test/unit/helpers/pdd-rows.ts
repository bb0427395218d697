/** PDD list rows as the fixture (test/fixtures/pdd/thread.html) has them, for tests that add their own. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { pddAdapter } from '../../../lib/platforms/pdd';
import { recordingWatcher } from './watcher';

/** The fixture's conversation list. */
export const pddList = (): Element => document.querySelector('ul.chat-list')!;

/** A row for buyer `uid`: waiting with the counter text `wait` ("10秒"), or answered (null). */
export const pddRowHtml = (uid: string, wait: string | null): string =>
  `<li class="chat-item"><div class="chat-item-box" data-random="${uid}-0-${wait ? 'unTimeout' : 'reply'}">` +
  `<span class="nickname-span">买家${uid}</span><p class="chat-message-content">在吗</p>` +
  (wait ? `<span class="chat-unreply-time">${wait}</span>` : '') +
  '</div></li>';

/**
 * The large page's second in little (the tick tests of issue 21): the PDD fixture with `n` more waiting rows (buyers
 * `first`, `first + 1`, …, counters at 1…n 秒) and a recording watcher started on it at `now` (the caller stops it).
 * `batch` does what the large page does each second — every counter rewritten to the next whole second (`sec`) and,
 * with `move`, one message in a waiting row (its row moved to the top) — and waits until the watcher applied it
 * incrementally.
 */
export function tickingPdd(n: number, first: number, now: number) {
  document.body.innerHTML = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
  pddList().insertAdjacentHTML(
    'beforeend',
    Array.from({ length: n }, (_, i) => pddRowHtml(String(first + i), `${i + 1}秒`)).join(''),
  );
  const counters = [...pddList().children].slice(-n).map((li) => li.querySelector('.chat-unreply-time')!);
  const { w, sent } = recordingWatcher(pddAdapter, now);
  const page = {
    watcher: w,
    sent,
    counters,
    sec: 100,
    async batch(move = true): Promise<void> {
      const before = w.stats.incremental;
      page.sec++;
      for (const t of counters) t.textContent = `${page.sec}秒`;
      if (move) {
        const row = counters[page.sec % n]!.closest('li')!;
        row.querySelector('.chat-message-content')!.textContent = `消息${page.sec}`;
        pddList().insertBefore(row, pddList().firstElementChild);
      }
      await expect.poll(() => w.stats.incremental).toBe(before + 1);
    },
  };
  return page;
}
