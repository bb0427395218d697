import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { AnalyticsPage, loadShopLive } from '@/components/analytics/AnalyticsPage';
import { analyticsFromRawRead, firstRenderWait, type AnalyticsFirst } from '@/components/analytics/first-read';
import { readAnalyticsRaw } from '@/components/analytics/first-raw';
import { firstLanguage } from '@/components/i18n';
import type { Settings } from '@/lib/settings';
import { useAnalyticsStore } from '@/components/analytics/store';
import '@/components/ui.css';
import '@/components/analytics/analytics.css';

performance.mark('rs-analytics-module'); // for the benchmarks: the page's modules have run (analytics-ab.ts)

// The first frame's data (settings, rollups, the per-day aggregates), read right away on raw IndexedDB (started by
// /analytics-first.js; else here; else through Dexie, loaded only then), and one render once it is in: the page
// opens with its figures instead of "loading", and Dexie is not in its first load at all (issue 21). The page's
// live queries keep it current afterwards. A slow or broken database does not hold the page back.
// Opened in its team view: the owner's live view is what the page is for. Its chunk is requested at once (not when
// the page has rendered) and the page renders without waiting for its own first read (`firstRenderWait`); the live
// view's connection and first screen were started by /analytics-first.js too (lib/sync/shop-first.ts).
const root = createRoot(document.getElementById('root')!);
const now = Date.now();
const { range, view, account } = useAnalyticsStore.getState();
// The owner view's module, requested at once; the team view's first render waits for it (below), so the view is
// drawn in that render (a render without it, then a second one, cost ~300 ms: AnalyticsPage's ShopLiveSlot).
const shopLive = view === 'team' ? loadShopLive().catch(() => undefined) : undefined; // a failure: the slot says so
const started = globalThis.__rsAnalyticsFirst;
// The team view's first render in the stored language (read by /analytics-first.js; else here), waited for at most
// 250 ms as the local view's first read (a database held by an upgrade must not keep the page blank).
const language = view === 'team' ? firstLanguage(globalThis.__rsAnalyticsLanguage) : undefined;
// In the team view, no first read of this computer's figures (/analytics-first.js started none): the page's live
// queries read them once the owner view's first screen is on screen (AnalyticsPage's hold).
const first =
  view === 'team'
    ? Promise.resolve(undefined)
    : analyticsFromRawRead(
        started?.range === range ? started.read : readAnalyticsRaw(now, range, account === ''),
        now,
        range,
      )
        .then((checked) => {
          performance.mark('rs-analytics-checked'); // for the benchmarks: the rows checked (analytics-ab.ts)
          return checked;
        })
        .catch(() => {
          performance.mark('rs-analytics-read-refused'); // for the benchmarks: the Dexie read instead
          return import('@/components/analytics/query-module').then((m) => m.readAnalyticsFirst(m.uiDb, now, range));
        })
        .catch(() => undefined);
// Rendered synchronously: nothing else is on screen yet.
// A first read still running then: the page shows "loading" and waits for it (AnalyticsPage `later`) instead of
// starting Dexie and the same reads beside it (at 90 days × 5 000 a day under load, a read of 250–2 500 ms).
void Promise.all([firstRenderWait(view, first, 250), shopLive, language]).then(
  ([initial, , lang]: [AnalyticsFirst | undefined, unknown, Settings['language'] | undefined]) => {
    // For the benchmarks: rendered before the first data (the local view's first frame waited for it in vain).
    if (!initial && view !== 'team') performance.mark('rs-analytics-first-missed');
    // (At most 5 s more: a database that never answers leaves it to the live queries.)
    const later =
      initial || view === 'team'
        ? undefined
        : Promise.race([first, new Promise<undefined>((r) => setTimeout(r, 5000))]);
    flushSync(() => root.render(<AnalyticsPage initial={initial} later={later} language={lang} />));
  },
);
