/** Reading and seeding the extension's IndexedDB from inside its service worker (e2e only). */
import { DEFAULT_RULES, allMetrics } from '../../lib/rules';
import type { ExtensionHarness } from './harness';

export type Row = Record<string, unknown>;

/** Every row of one object store. */
export async function readStore(ext: ExtensionHarness, store: string): Promise<Row[]> {
  const sw = await ext.serviceWorker();
  return sw.evaluate(
    (name) =>
      new Promise<Row[]>((resolve, reject) => {
        const open = indexedDB.open('reply-sentinel');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(name, 'readonly').objectStore(name).getAll();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result as Row[]);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );
}

/** Puts rows into one object store. */
export async function putRows(ext: ExtensionHarness, store: string, rows: Row[]): Promise<void> {
  const sw = await ext.serviceWorker();
  await sw.evaluate(
    ([name, list]) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('reply-sentinel');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(name, 'readwrite');
          for (const r of list) tx.objectStore(name).put(r);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [store, rows] as const,
  );
}

/**
 * Writes per-day aggregate rows (`dayStats`, as `buildDayStats` gives them): their `waits` cross the DevTools
 * protocol as plain arrays and are stored as the packed Uint8Array the background writes (`packWaits`). Deletes the
 * analytics page's past-days summaries in the same transaction, as the background does.
 */
export async function putDayStats(ext: ExtensionHarness, rows: (Row & { waits: ArrayLike<number> })[]): Promise<void> {
  const sw = await ext.serviceWorker();
  await sw.evaluate(
    (list) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('reply-sentinel');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['dayStats', 'meta'], 'readwrite');
          for (const r of list) tx.objectStore('dayStats').put({ ...r, waits: Uint8Array.from(r.waits as number[]) });
          // As every writer of dayStats: the analytics page's past-days summaries go (lib/background/past-stats.ts).
          tx.objectStore('meta').delete(IDBKeyRange.bound('pastStats:', 'pastStats:\uffff'));
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    rows.map((r) => ({ ...r, waits: [...Array.from(r.waits)] })),
  );
}

/**
 * Rule overrides that assess every metric all day: for tests that are about something else than assessed hours
 * and must pass at any hour.
 */
export function allDayOverrides(): Record<string, { window: { startMin: number; endMin: number } }> {
  return Object.fromEntries(allMetrics(DEFAULT_RULES).map((m) => [m.key, { window: { startMin: 0, endMin: 1440 } }]));
}

/** Writes settings, then restarts the worker so that it loads them (as after a browser restart). */
export async function seedSettings(ext: ExtensionHarness, settings: Row): Promise<void> {
  // Wait until the worker has created the database.
  for (let i = 0; i < 100; i++) {
    if (
      await readStore(ext, 'settings').then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await putRows(
    ext,
    'settings',
    Object.entries(settings).map(([key, value]) => ({ key, value })),
  );
  await ext.stopServiceWorkers();
  await ext.serviceWorker();
}
