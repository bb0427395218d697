// @vitest-environment jsdom
/**
 * A batch of known counters' ticks alone (most batches of the large page: ≈ 140 counters a second) is applied by
 * PageReader.readTicks: no incremental plan, no diff, no ledger or reporter call, no badge render; the readings as a
 * fresh read's. A tick whose text shows no wait any more still goes the whole incremental way (its row read, the
 * wait's end reported as before).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { setContentLang } from '../../lib/i18n/content';
import { Watcher } from '../../lib/content/watcher';
import { EventLedger } from '../../lib/content/ledger';
import { PageReader } from '../../lib/content/page-reader';
import { RowBadges } from '../../lib/content/row-badges';
import type { ToBackground } from '../../lib/messages';
import { pddList, pddRowHtml } from './helpers/pdd-rows';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
const N = 20;
setContentLang('zh_CN');
let watcher: Watcher;
let counters: Element[];
let sent: ToBackground[];
let sec = 100;

beforeEach(() => {
  document.body.innerHTML = fixture;
  pddList().insertAdjacentHTML(
    'beforeend',
    Array.from({ length: N }, (_, i) => pddRowHtml(String(810000 + i), `${i + 1}秒`)).join(''),
  );
  counters = [...document.querySelectorAll('[data-random^="8100"] .chat-unreply-time')];
  sent = [];
  watcher = new Watcher({
    adapter: pddAdapter,
    root: document,
    now: () => NOW,
    url: () => 'http://127.0.0.1/demo/pdd/',
    send: async (m) => void sent.push(m),
  });
  watcher.start();
});
afterEach(() => {
  watcher.stop();
  vi.restoreAllMocks();
});

/** Every counter rewritten (as the large page's second), and one message in a waiting row (moved to the top). */
async function batch(move: boolean) {
  const before = watcher.stats.incremental;
  sec++;
  for (const t of counters) t.textContent = `${sec}秒`;
  if (move) {
    const row = counters[sec % N]!.closest('li')!;
    row.querySelector('.chat-message-content')!.textContent = `消息${sec}`;
    pddList().insertBefore(row, pddList().firstElementChild);
  }
  await expect.poll(() => watcher.stats.incremental).toBe(before + 1);
}

it('ticks alone: no plan, no ledger, no reporter, no badge render; the readings as fresh', async () => {
  for (let i = 0; i < 3; i++) await batch(true); // known, chains dropped
  await batch(false);
  const incremental = vi.spyOn(PageReader.prototype, 'readIncremental');
  const events = vi.spyOn(EventLedger.prototype, 'events');
  const accountOf = vi.spyOn(EventLedger.prototype, 'accountOf');
  const renderBuyers = vi.spyOn(RowBadges.prototype, 'renderBuyers');
  const reads = watcher.stats.counterReads;
  const rowReads = watcher.stats.rowReads;
  const posted = sent.length;
  for (let i = 0; i < 3; i++) await batch(false);
  expect(watcher.stats.counterReads - reads).toBe(3 * N);
  expect(watcher.stats.rowReads - rowReads).toBe(0);
  expect(incremental).not.toHaveBeenCalled();
  expect(events).not.toHaveBeenCalled();
  expect(accountOf).not.toHaveBeenCalled();
  expect(renderBuyers).not.toHaveBeenCalled();
  expect(sent.length).toBe(posted);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  // A batch with a message goes the incremental way.
  await batch(true);
  expect(incremental).toHaveBeenCalledTimes(1);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
});

it('a tick that shows no wait any more reads its row the incremental way, as before', async () => {
  for (let i = 0; i < 3; i++) await batch(true);
  await batch(false);
  const incremental = vi.spyOn(PageReader.prototype, 'readIncremental');
  const rowReads = watcher.stats.rowReads;
  const before = watcher.stats.incremental;
  sec++;
  counters.forEach((t, i) => (t.textContent = i === 7 ? '' : `${sec}秒`));
  await expect.poll(() => watcher.stats.incremental).toBe(before + 1);
  expect(incremental).toHaveBeenCalledTimes(1);
  expect(watcher.stats.rowReads - rowReads).toBe(1);
  expect(watcher.last).toEqual(pddAdapter.extract(document));
  const row7 = watcher.last!.conversations.find((c) => c.row === counters[7]!.closest('[data-random]'));
  expect(row7).toBeDefined();
  expect(row7!.waitingSec).toBeUndefined();
});
