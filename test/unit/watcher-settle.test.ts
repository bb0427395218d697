// @vitest-environment jsdom
/**
 * The step wait of the tests that compare a watcher with a whole-read reference (helpers/watcher.ts settle). A real
 * 5 ms tick raced the watcher: the observer's callback runs after the tick's timer was set, and when reading the
 * records takes longer than 5 ms (a loaded machine: watcher-waits-pdd's seeds 11 and 12 failed at load 7–16), the
 * whole read it schedules (a timer of 0 ms) is due after the tick, and the test's next change came before it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import type { Watcher } from '../../lib/content/watcher';
import { recordingWatcher, settle, wholeReadPending } from './helpers/watcher';
import { pddList, pddRowHtml } from './helpers/pdd-rows';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
let w: Watcher | undefined;
beforeEach(() => {
  document.body.innerHTML = fixture;
  pddList().insertAdjacentHTML('beforeend', pddRowHtml('600001', '10秒') + pddRowHtml('600002', '10秒'));
});
afterEach(() => {
  w?.stop();
  w = undefined;
});

/**
 * The watcher, its observer's callback made slow (10 ms to read the records: a machine under load) and its
 * incremental path declining every change (as it does a thread switch): each change is read whole, on the next task.
 */
function slowWatcher(): Watcher {
  ({ w } = recordingWatcher(pddAdapter, NOW));
  const rd = (w as unknown as { reader: { readIncremental: (...a: unknown[]) => unknown } }).reader;
  rd.readIncremental = () => {
    const t0 = performance.now();
    while (performance.now() - t0 < 10);
    return null;
  };
  return w;
}
const removeRow = () => pddList().querySelector('[data-random^="600001-"]')!.closest('li')!.remove();

it('a 5 ms tick can end before the whole read the slow observer scheduled (the race)', async () => {
  const x = slowWatcher();
  const scans = x.stats.scans;
  removeRow();
  await new Promise((r) => setTimeout(r, 5));
  expect({ scans: x.stats.scans, pending: wholeReadPending(x) }).toEqual({ scans, pending: true });
});

it('settle waits for it', async () => {
  const x = slowWatcher();
  const scans = x.stats.scans;
  removeRow();
  await settle(x);
  expect({ scans: x.stats.scans, pending: wholeReadPending(x) }).toEqual({ scans: scans + 1, pending: false });
  expect(x.last!.conversations.map((c) => c.buyer)).not.toContain('600001');
});
