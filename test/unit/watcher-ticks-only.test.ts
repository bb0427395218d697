// @vitest-environment jsdom
/**
 * A batch of known counters' ticks alone (most batches of the large page: ≈ 140 counters a second) is applied by
 * PageReader.readTicks: no incremental plan, no diff, no ledger or reporter call, no badge render; the readings as a
 * fresh read's. A tick whose text shows no wait any more still goes the whole incremental way (its row read, the
 * wait's end reported as before).
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { setContentLang } from '../../lib/i18n/content';
import { Watcher } from '../../lib/content/watcher';
import { EventLedger } from '../../lib/content/ledger';
import { PageReader } from '../../lib/content/page-reader';
import { RowBadges } from '../../lib/content/row-badges';
import type { ToBackground } from '../../lib/messages';
import { tickingPdd } from './helpers/pdd-rows';

const NOW = 1_788_340_500_000;
const N = 20;
setContentLang('zh_CN');
let watcher: Watcher;
let counters: Element[];
let sent: ToBackground[];
let page: ReturnType<typeof tickingPdd>;

beforeEach(() => {
  page = tickingPdd(N, 810000, NOW);
  ({ watcher, counters, sent } = page);
});
afterEach(() => {
  watcher.stop();
  vi.restoreAllMocks();
});

it('ticks alone: no plan, no ledger, no reporter, no badge render; the readings as fresh', async () => {
  for (let i = 0; i < 3; i++) await page.batch(true); // known, chains dropped
  await page.batch(false);
  const incremental = vi.spyOn(PageReader.prototype, 'readIncremental');
  const events = vi.spyOn(EventLedger.prototype, 'events');
  const accountOf = vi.spyOn(EventLedger.prototype, 'accountOf');
  const renderBuyers = vi.spyOn(RowBadges.prototype, 'renderBuyers');
  const reads = watcher.stats.counterReads;
  const rowReads = watcher.stats.rowReads;
  const posted = sent.length;
  for (let i = 0; i < 3; i++) await page.batch(false);
  expect(watcher.stats.counterReads - reads).toBe(3 * N);
  expect(watcher.stats.rowReads - rowReads).toBe(0);
  expect(incremental).not.toHaveBeenCalled();
  expect(events).not.toHaveBeenCalled();
  expect(accountOf).not.toHaveBeenCalled();
  expect(renderBuyers).not.toHaveBeenCalled();
  expect(sent.length).toBe(posted);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  // A batch with a message goes the incremental way.
  await page.batch(true);
  expect(incremental).toHaveBeenCalledTimes(1);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});

it('a tick that shows no wait any more reads its row the incremental way, as before', async () => {
  for (let i = 0; i < 3; i++) await page.batch(true);
  await page.batch(false);
  const incremental = vi.spyOn(PageReader.prototype, 'readIncremental');
  const rowReads = watcher.stats.rowReads;
  const before = watcher.stats.incremental;
  page.sec++;
  counters.forEach((t, i) => (t.textContent = i === 7 ? '' : `${page.sec}秒`));
  await expect.poll(() => watcher.stats.incremental).toBe(before + 1);
  expect(incremental).toHaveBeenCalledTimes(1);
  expect(watcher.stats.rowReads - rowReads).toBe(1);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  const row7 = watcher.last!.conversations.find((c) => c.row === counters[7]!.closest('[data-random]'));
  expect(row7).toBeDefined();
  expect(row7!.waitingSec).toBeUndefined();
});
