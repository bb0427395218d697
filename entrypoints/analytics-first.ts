/**
 * Loaded by analytics.html as a classic script ahead of the page's module graph: starts the first frame's worker
 * (/analytics-worker.js: the raw IndexedDB read of the settings, the range's rollups and the primary metrics'
 * `dayStats`, their checks and the first frame's figures, components/analytics/first-worker.ts) while the browser
 * still loads and compiles React and the analytics code, so the figures are usually in when the page's module runs;
 * the module picks the promise up (entrypoints/analytics/main.tsx; it reads on its own if the worker fails). When the
 * page opens in its team view, it starts the owner view instead (`startShopFirst`, lib/sync/shop-first.ts: the
 * `syncConnect` request and the first screen's read with plain fetch), which the owner view takes when it mounts
 * (components/analytics/ShopLive.tsx), and not the page's own read. No React, no Dexie, no schemas in here.
 */
import type { ComputedFirst } from '@/components/analytics/first-check';
import { readLanguageRaw, storedAccount, storedRange, storedView } from '@/components/analytics/first-raw';
import { startFirstWorker } from '@/components/analytics/first-worker';
import { startShopFirst } from '@/lib/sync/shop-first';
import { ask } from '@/lib/ui/ask';

declare global {
  var __rsAnalyticsFirst: { range: number; worker: Promise<ComputedFirst> } | undefined;
  /** Opened in the team view: the stored language setting's read (`readLanguageRaw`). */
  var __rsAnalyticsLanguage: Promise<{ value: unknown } | undefined> | undefined;
}

export default defineUnlistedScript(() => {
  performance.mark('rs-first-script'); // for the benchmarks: when this script ran (scripts/bench/profile-sync.ts)
  const now = Date.now();
  if (storedView() === 'team') {
    const shop = startShopFirst(() => ask({ type: 'syncConnect' }), now);
    // For the benchmarks: when the owner view's first screen was read (scripts/bench/profile-sync.ts).
    shop.first.then(() => performance.mark('rs-shop-first')).catch(() => undefined); // the view handles a failure
    // Not this computer's figures as well: their read (and taking its rows) would hold the main thread while the
    // owner view's first screen comes in; the page reads them with its live queries once that is on screen. Only
    // the language setting, so that the first render is in it.
    const language = readLanguageRaw();
    language.catch(() => undefined); // the module handles a refusal
    globalThis.__rsAnalyticsLanguage = language;
    return;
  }
  const range = storedRange();
  // The read, its checks and the first frame's figures in a worker (components/analytics/first-worker.ts), beside
  // the page's module evaluation on this thread.
  const worker = startFirstWorker({ now, range, account: storedAccount() });
  // For the benchmarks: when the first frame was in (scripts/bench/trace-first.ts, analytics-ab.ts).
  // (And that it was the worker's: the e2e test and analytics-ab.ts check the page took no fallback.)
  worker
    .then(() => {
      performance.mark('rs-analytics-read');
      performance.mark('rs-analytics-worker-first');
    })
    .catch(() => undefined); // the module handles a failure
  globalThis.__rsAnalyticsFirst = { range, worker };
});
