// @vitest-environment jsdom
/**
 * The work per known counter's tick (issue 21: the large page rewrites ≈ 140 counters a second, each a record): in a
 * batch of ticks and one message in another row, exact counts of the reader's lookups and DOM calls per tick, and the
 * readings equal to a fresh read of the same DOM (also when a counter moves to another row in a batch of ticks).
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { setContentLang } from '../../lib/i18n/content';
import { Watcher } from '../../lib/content/watcher';
import { pddList, pddRowHtml, tickingPdd } from './helpers/pdd-rows';

const NOW = 1_788_340_500_000;
const N = 20;
setContentLang('zh_CN');
let watcher: Watcher;
let counters: Element[];
let page: ReturnType<typeof tickingPdd>;

interface ReaderInside {
  counterRow: WeakMap<Element, unknown>;
  counterValues: Map<string, unknown>;
  rowReadings: Map<Element, unknown> | null;
}
const reader = () => (watcher as unknown as { reader: ReaderInside }).reader;

beforeEach(() => {
  page = tickingPdd(N, 800000, NOW);
  ({ watcher, counters } = page);
});
afterEach(() => watcher.stop());

it('a tick costs one lookup of its counter (forget), one of its text’s value, no row-reading lookup', async () => {
  for (let i = 0; i < 3; i++) await page.batch(); // known, chains dropped
  const r = reader();
  const counterRow = vi.spyOn(r.counterRow, 'get');
  const valuesGet = vi.spyOn(r.counterValues, 'get');
  const valuesHas = vi.spyOn(r.counterValues, 'has');
  const readings = vi.spyOn(r.rowReadings!, 'get');
  const counterReads = watcher.stats.counterReads;
  await page.batch();
  expect(watcher.stats.counterReads - counterReads).toBe(N - 1); // the moved row is read
  // Per record forget's one lookup (the ticks, the message's preview, the row's move: 2), the moved row's counter
  // once more (its tick claimed by the row's read); none per tick past forget.
  expect(counterRow.mock.calls.length).toBe(N + 4);
  // One lookup of the text's value per known tick (all show one text): N − 2 (the row moved this batch is read, the
  // one moved last batch was read then, its counter checked again now, not known yet).
  expect(valuesGet.mock.calls.length + valuesHas.mock.calls.length).toBe(N - 2);
  // The rows' readings are looked up for the row read again, not per tick.
  expect(readings.mock.calls.length).toBeLessThanOrEqual(4);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});

it('a known counter’s tick makes no contains check; a counter moved in a batch of ticks reads fresh', async () => {
  for (let i = 0; i < 3; i++) await page.batch();
  const contains = vi.spyOn(Node.prototype, 'contains');
  try {
    await page.batch(false);
    expect(contains).not.toHaveBeenCalled();
  } finally {
    contains.mockRestore();
  }
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  // A known counter moved (as a virtualised list recycles it) into another waiting row, in one batch with the ticks:
  // its old row loses its counter, the other row has two.
  const from = counters[3]!;
  const to = counters[4]!.closest('[data-random]')!;
  const before = watcher.stats.incremental;
  page.sec++;
  for (const t of counters) t.textContent = `${page.sec}秒`;
  to.insertBefore(from, to.firstChild);
  await expect.poll(() => watcher.stats.incremental + watcher.stats.scans).toBeGreaterThan(before);
  await new Promise((r) => setTimeout(r, 10));
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  // Ticks after it: the moved counter (now the first in its new row) and every other read as fresh.
  await page.batch(false);
  await page.batch(false);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  // Moved back out in one batch, then ticking in the next: as fresh.
  page.sec++;
  counters[5]!.closest('[data-random]')!.appendChild(from);
  for (const t of counters) t.textContent = `${page.sec}秒`;
  await new Promise((r) => setTimeout(r, 10));
  await page.batch(false);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  expect(watcher.last!.conversations.filter((c) => c.waitingSec === page.sec).length).toBe(N - 1);
});

it('a moved row whose buyer no other row shows is not looked for among every row; one on two rows still is', async () => {
  for (let i = 0; i < 2; i++) await page.batch();
  const values = vi.spyOn(reader().rowReadings!, 'values');
  await page.batch();
  expect(values).not.toHaveBeenCalled();
  values.mockRestore();
  const fresh = () => {
    const w = new Watcher({
      adapter: pddAdapter,
      root: document,
      now: () => NOW,
      url: () => 'http://127.0.0.1/demo/pdd/',
      send: async () => undefined,
    });
    w.scan();
    return (w as unknown as { reader: { buyerRows: Map<string, Element> } }).reader.buyerRows;
  };
  const rows = () => (watcher as unknown as { reader: { buyerRows: Map<string, Element> } }).reader.buyerRows;
  expect(rows()).toEqual(fresh());
  // A second row for buyer 800007, below its first; then the first (with a new message) moves below it: the badge
  // goes to the second.
  const first = counters[7]!.closest('li')!;
  // (A second row of a buyer already shown: the page is read whole.)
  const reads = () => watcher.stats.incremental + watcher.stats.scans;
  const was = reads();
  pddList().insertAdjacentHTML('beforeend', pddRowHtml('800007', '5秒'));
  await expect.poll(reads).toBe(was + 1);
  const second = pddList().lastElementChild!;
  expect(rows().get('800007')).toBe(first.querySelector('[data-random]') ?? first);
  const scans = vi.spyOn(reader().rowReadings!, 'values');
  first.querySelector('.chat-message-content')!.textContent = '还在吗';
  pddList().appendChild(first);
  const before = watcher.stats.incremental;
  await expect.poll(() => watcher.stats.incremental).toBe(before + 1);
  expect(scans).toHaveBeenCalled();
  expect(rows().get('800007')).toBe(second.querySelector('[data-random]') ?? second);
  expect(rows()).toEqual(fresh());
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});
