/** A watcher on this test's document that records every message it sends (the background's side left out). */
import { Watcher } from '../../../lib/content/watcher';
import type { ToBackground } from '../../../lib/messages';
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
