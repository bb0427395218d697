import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { AnalyticsPage } from '@/components/analytics/AnalyticsPage';
import { analyticsFromRaw, type AnalyticsFirst } from '@/components/analytics/first-read';
import { readAnalyticsRaw } from '@/components/analytics/first-raw';
import { useAnalyticsStore } from '@/components/analytics/store';
import '@/components/ui.css';
import '@/components/analytics/analytics.css';

// The first frame's data (settings, rollups, the per-day aggregates), read right away on raw IndexedDB (started by
// /analytics-first.js; else here; else through Dexie, loaded only then), and one render once it is in: the page
// opens with its figures instead of "loading", and Dexie is not in its first load at all (issue 21). The page's
// live queries keep it current afterwards. A slow or broken database does not hold the page back.
const root = createRoot(document.getElementById('root')!);
const now = Date.now();
const range = useAnalyticsStore.getState().range;
const started = globalThis.__rsAnalyticsFirst;
const first = (started?.range === range ? started.read : readAnalyticsRaw(now, range))
  .then(analyticsFromRaw)
  .catch(() => {
    performance.mark('rs-analytics-read-refused'); // for the benchmarks: the Dexie read instead
    return import('@/components/analytics/query-module').then((m) => m.readAnalyticsFirst(m.uiDb, now, range));
  })
  .catch(() => undefined);
const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, 250));
// Rendered synchronously: nothing else is on screen yet.
// A first read still running then: the page shows "loading" and waits for it (AnalyticsPage `later`) instead of
// starting Dexie and the same reads beside it (at 90 days × 5 000 a day under load, a read of 250–2 500 ms).
void Promise.race([first, timeout]).then((initial?: AnalyticsFirst) => {
  if (!initial) performance.mark('rs-analytics-first-missed'); // for the benchmarks: rendered before the first data
  // (At most 5 s more: a database that never answers leaves it to the live queries.)
  const later = initial ? undefined : Promise.race([first, new Promise<undefined>((r) => setTimeout(r, 5000))]);
  flushSync(() => root.render(<AnalyticsPage initial={initial} later={later} />));
});
