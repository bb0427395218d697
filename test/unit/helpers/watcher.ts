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
