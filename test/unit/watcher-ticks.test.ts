// @vitest-environment jsdom
/**
 * Known counters' ticks (set aside by PageReader.forget, read by knownTicked): every reading equal to a fresh read of
 * the same DOM; a counter read again only when its text changed, each distinct text once, alone or in a batch with
 * other changes (the large page's ticks share their batch with a message); nothing sent for them; a counter that
 * stops showing a wait amid ticks noticed at once (its row read).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { liveOf, type Adapter } from '../../lib/platforms/types';
import { setContentLang } from '../../lib/i18n/content';
import { Watcher } from '../../lib/content/watcher';
import type { EventsMessage, ToBackground } from '../../lib/messages';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
setContentLang('zh_CN');
let sent: ToBackground[];
let watcher: Watcher;
/** The adapter's counter readings (Live rows' waitingCounter calls) since the test began. */
let counterCalls: number;
const events = () => sent.filter((m): m is EventsMessage => m.type === 'events').flatMap((m) => m.events);

/** The PDD adapter, its live rows' waitingCounter counted. */
const counted: Adapter = {
  ...pddAdapter,
  extract(root, memo, now) {
    const x = pddAdapter.extract(root, memo, now);
    const rows = liveOf(x)?.rows;
    const read = rows?.waitingCounter;
    if (rows && read)
      rows.waitingCounter = (el, row, known) => {
        counterCalls++;
        return read(el, row, known);
      };
    return x;
  },
};

let A: Element;
let B: Element;

beforeEach(() => {
  document.body.innerHTML = fixture;
  // A second waiting row.
  document
    .querySelector('[data-random^="733519"]')!
    .closest('li')!
    .insertAdjacentHTML(
      'afterend',
      '<li class="chat-item"><div class="chat-item-box" data-random="600001-0-unTimeout"><span class="nickname-span">a***b</span><p class="chat-message-content">在吗</p><span class="chat-unreply-time">10秒</span></div></li>',
    );
  A = document.querySelector('[data-random^="733519"] .chat-unreply-time')!;
  B = document.querySelector('[data-random^="600001"] .chat-unreply-time')!;
  sent = [];
  counterCalls = 0;
  watcher = new Watcher({
    adapter: counted,
    root: document,
    now: () => NOW,
    url: () => 'http://127.0.0.1/demo/pdd/',
    send: async (m) => void sent.push(m),
  });
  watcher.start();
});
afterEach(() => watcher.stop());

/** Both counters written in one batch; waits until the watcher has taken it (one more incremental read). */
async function both(a: string, b: string) {
  const before = watcher.stats.incremental;
  A.textContent = a;
  B.textContent = b;
  await expect.poll(() => watcher.stats.incremental).toBe(before + 1);
}

it('reads a known counter again only when its text changed, and each distinct text once; sends nothing', async () => {
  await both('43秒', '11秒'); // both counters checked: known as their rows'
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  const sentBefore = events().length;
  const { scans, rowReads, counterReads } = watcher.stats;
  counterCalls = 0;
  // The same text on both: read once.
  await both('50秒', '50秒');
  expect(counterCalls).toBe(1);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  // Rewritten with the text they show: not read.
  await both('50秒', '50秒');
  expect(counterCalls).toBe(1);
  // A text read before (by another row): not read again.
  await both('51秒', '50秒');
  await both('50秒', '52秒');
  expect(counterCalls).toBe(3); // 51秒, 52秒
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  expect(watcher.last!.conversations.map((c) => c.waitingSec)).toEqual([undefined, 50, 52, undefined]);
  // Every batch counted its two counters, none read a row or the page, none sent anything.
  expect(watcher.stats).toMatchObject({ scans, rowReads, counterReads: counterReads + 8 });
  expect(events().length).toBe(sentBefore);
  // A whole read after the fast path's batches reads the ticking rows as they are (nothing stale in the memo).
  watcher.scan();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});

it('ticks in a batch with another change: read as alone, the other change as without them', async () => {
  await both('43秒', '11秒');
  counterCalls = 0;
  const rowReads = watcher.stats.rowReads;
  const before = watcher.stats.incremental;
  // As on the large page: the ticks and a message in another row, one batch.
  A.textContent = '44秒';
  B.textContent = '44秒';
  document.querySelector('[data-random^="915002"] .chat-message-content')!.textContent = '还在吗';
  await expect.poll(() => watcher.stats.incremental).toBe(before + 1);
  expect(counterCalls).toBe(1);
  expect(watcher.stats.rowReads).toBe(rowReads + 1);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  // A tick and another change in the same row: the counter checked again with it, the readings as a fresh read.
  A.textContent = '45秒';
  A.closest('[data-random]')!.querySelector('.chat-message-content')!.textContent = '在吗?';
  await expect.poll(() => watcher.stats.incremental).toBe(before + 2);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});

it('a known counter that stops showing a wait in a batch of ticks is noticed at once (its row read)', async () => {
  await both('43秒', '11秒');
  const rowReads = watcher.stats.rowReads;
  await both('44秒', '已回复');
  expect(watcher.stats.rowReads).toBe(rowReads + 1);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  expect(watcher.last!.conversations.find((c) => c.buyer.startsWith('600001'))?.waitingSec).toBeUndefined();
  // It waits again: a new wait, reported.
  const before = events().length;
  await both('45秒', '1秒');
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  expect(
    events()
      .slice(before)
      .map((e) => e.buyer),
  ).toEqual(['600001']);
});

it('a batch of known ticks reads no record’s added nodes; an element put in and taken out within it changes nothing', async () => {
  await both('43秒', '11秒');
  const added = vi.spyOn(MutationRecord.prototype, 'addedNodes', 'get');
  try {
    await both('44秒', '12秒');
    expect(added).not.toHaveBeenCalled();
    expect(watcher.last).toEqual(pddAdapter.extract(document));
  } finally {
    added.mockRestore();
  }
  // In one batch: an element that a fresh read would take for the counter put in B, B ticks, the element goes.
  const before = watcher.stats.incremental;
  B.insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">99秒</span>');
  B.textContent = '13秒';
  A.textContent = '45秒';
  await expect.poll(() => watcher.stats.incremental).toBe(before + 1);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  expect(watcher.last!.conversations.map((c) => c.waitingSec)).toEqual([undefined, 45, 13, undefined]);
  // One left in it: the counter is checked again (a fresh read takes the inner one).
  B.insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">7秒</span>');
  await expect.poll(() => watcher.stats.incremental).toBe(before + 2);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});

it('a known counter’s ticks drop its memo chain once, then nothing; a whole read after them reads the page as it is', async () => {
  await both('43秒', '11秒'); // known
  await both('44秒', '12秒'); // their chains dropped (counter up to the row, the row's ancestors)
  const memo = (watcher as unknown as { reader: { memo: WeakMap<object, unknown> } }).reader.memo;
  const drop = vi.spyOn(memo, 'delete');
  try {
    await both('45秒', '13秒');
    await both('46秒', '14秒');
    expect(drop).not.toHaveBeenCalled();
    expect(watcher.last).toEqual(pddAdapter.extract(document));
  } finally {
    drop.mockRestore();
  }
  // The rows read again from the memo by a whole read: as a fresh read (nothing stale kept for them).
  watcher.scan();
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  // The whole read memoised the rows again; the counters known again, their first tick drops the rows' memo.
  const rowsA = [A.closest('[data-random]')!, A.closest('li')!].filter((el) => memo.has(el));
  expect(rowsA.length).toBeGreaterThan(0);
  await both('47秒', '15秒'); // known again
  await both('48秒', '16秒'); // their first tick as known
  expect(rowsA.filter((el) => memo.has(el))).toEqual([]);
  watcher.scan();
  expect(watcher.last!.conversations.map((c) => c.waitingSec)).toEqual([undefined, 48, 16, undefined]);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});
