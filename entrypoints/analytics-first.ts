/**
 * Loaded by analytics.html as a classic script ahead of the page's module graph: starts the first frame's raw
 * IndexedDB read (settings, the range's rollups, the primary metrics' `dayStats`: components/analytics/first-raw.ts)
 * while the browser still loads and compiles React and the analytics code, so the rows are usually in when the
 * page's module runs; the module picks the promise up and checks the rows (entrypoints/analytics/main.tsx). When the
 * page opens in its team view, it starts the owner view instead (`startShopFirst`, lib/sync/shop-first.ts: the
 * `syncConnect` request and the first screen's read with plain fetch), which the owner view takes when it mounts
 * (components/analytics/ShopLive.tsx), and not the page's own read. No React, no Dexie, no schemas in here.
 */
import {
  readAnalyticsRaw,
  storedAccount,
  storedRange,
  storedView,
  type AnalyticsRaw,
} from '@/components/analytics/first-raw';
import { readLanguageRaw } from '@/lib/db/raw';
import { startShopFirst } from '@/lib/sync/shop-first';
import { ask } from '@/lib/ui/ask';

declare global {
  var __rsAnalyticsFirst: { range: number; read: Promise<AnalyticsRaw> } | undefined;
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
  const read = readAnalyticsRaw(now, range, !storedAccount());
  // For the benchmarks: when the raw read was in (scripts/bench/trace-first.ts, profile-popup.ts).
  read.then(() => performance.mark('rs-analytics-read')).catch(() => undefined); // the module handles a refusal
  globalThis.__rsAnalyticsFirst = { range, read };
});
