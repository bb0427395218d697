/** A watcher on this test's document that records every message it sends (the background's side left out). */
import { Watcher } from '../../../lib/content/watcher';
import type { TabClock, ToBackground } from '../../../lib/messages';
import type { Adapter } from '../../../lib/platforms/types';

/** Started, at the fixed `now`; the caller stops it. */
export function recordingWatcher(adapter: Adapter, now: number): { w: Watcher; sent: ToBackground[] } {
  const sent: ToBackground[] = [];
  const w = new Watcher({
    adapter,
    root: document,
    now: () => now,
    url: () => '',
    send: async (m) => void sent.push(m),
  });
  w.start();
  return { w, sent };
}

/**
 * `ms` of real time, then one task more: past the whole read (a timer of 0 ms) a watcher's observer scheduled for a
 * change made before the call, however long the observer took (timers of one delay run in the order they were set;
 * a timer of 0 ms set after a tick of 5 ms can be due after it). For tests with watchers under the account grace,
 * whose whole read waits for the grace's end; otherwise see settle.
 */
export async function pastWholeRead(ms = 5): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  await new Promise((r) => setTimeout(r, 0));
}

/** Whether the watcher has a whole read scheduled (Watcher.wholeReadTimer: on the next task, or at the grace's end). */
export function wholeReadPending(w: Watcher): boolean {
  const timer = (w as unknown as { wholeReadTimer?: unknown }).wholeReadTimer;
  if (timer === undefined) throw new Error('Watcher.wholeReadTimer is gone: update wholeReadPending');
  return timer !== null;
}

/**
 * Waits `ms` of real time, then until the whole read the watcher scheduled (if any) has run: a step of a test that
 * compares the watcher with a reference after each change. A real-time tick alone races the watcher: its observer
 * runs after the caller set the tick's timer, and when reading the records takes longer than `ms` (a loaded machine)
 * the whole read's timer of 0 ms is due after the tick's, so the next change would come before the whole read.
 * (Not for a watcher under the account grace: its whole read waits for the grace's end.)
 */
export async function settle(w: Watcher, ms = 5): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  for (let i = 0; wholeReadPending(w); i++) {
    if (i > 1000) throw new Error('the whole read the watcher scheduled never ran');
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * The worker's clock lists for a watcher's tab (PDD, the fixture's shop), as the worker sends them: whole, or the
 * changes since the list it sent last (`base`). `clocks` is the list the tab should show; `lang` goes with each list.
 */
export class ClockFeed {
  seq = 0;
  readonly clocks = new Map<string, TabClock>();
  lang: 'zh_CN' | 'en' = 'zh_CN';

  constructor(private readonly watcher: () => Watcher) {}

  reset(): void {
    this.seq = 0;
    this.lang = 'zh_CN';
    this.clocks.clear();
  }

  send(changed: TabClock[], removed: string[] = [], whole = false): void {
    for (const b of removed) this.clocks.delete(b);
    for (const c of changed) this.clocks.set(c.buyer, c);
    const base = this.seq++;
    this.watcher().receive({
      type: 'clocks',
      platform: 'pdd',
      account: '测试旗舰店',
      epoch: 1,
      seq: this.seq,
      lang: this.lang,
      clocks: whole ? [...this.clocks.values()] : changed,
      ...(whole ? {} : { base, removed }),
    });
  }
}
