/**
 * Loaded by analytics.html as a classic script ahead of the page's module graph: starts the first frame's raw
 * IndexedDB read (settings, the range's rollups, the primary metrics' `dayStats`: components/analytics/first-raw.ts)
 * while the browser still loads and compiles React and the analytics code, so the rows are usually in when the
 * page's module runs; the module picks the promise up and checks the rows (entrypoints/analytics/main.tsx). No
 * React, no Dexie, no schemas in here.
 */
import { readAnalyticsRaw, storedRange, type AnalyticsRaw } from '@/components/analytics/first-raw';

declare global {
  var __rsAnalyticsFirst: { range: number; read: Promise<AnalyticsRaw> } | undefined;
}

export default defineUnlistedScript(() => {
  const range = storedRange();
  const read = readAnalyticsRaw(Date.now(), range);
  // For the benchmarks: when the raw read was in (scripts/bench/trace-first.ts, profile-popup.ts).
  read.then(() => performance.mark('rs-analytics-read')).catch(() => undefined); // the module handles a refusal
  globalThis.__rsAnalyticsFirst = { range, read };
});
