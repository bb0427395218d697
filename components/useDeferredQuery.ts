import type { liveQuery } from 'dexie';
import { useEffect, useState } from 'react';

/** What useDeferredQuery needs of the module it loads: Dexie's liveQuery (beside whatever its query reads). */
export interface QueryModule {
  liveQuery: typeof liveQuery;
}

/**
 * dexie-react-hooks' useLiveQuery, deferred: Dexie itself is loaded by the first query (`load` is a dynamic import
 * of a query module), so a page shows its first frame before Dexie is even parsed (the popup's first data comes
 * from a raw IndexedDB read). From then on the query follows the database (a Dexie live query). Until the query has
 * a result, and whenever `enabled` is false (nothing is loaded then), it returns `initial` (as it is at that render:
 * a page may get its first data after mounting).
 */
export function useDeferredQuery<M extends QueryModule, T>(
  load: () => Promise<M>,
  query: (m: M) => Promise<T> | T,
  deps: readonly unknown[],
  initial?: T,
  enabled = true,
): T | undefined {
  // Boxed: a query's result may itself be `undefined` (a missing row), which must replace `initial`.
  const [value, setValue] = useState<{ v: T } | undefined>();
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let sub: { unsubscribe(): void } | undefined;
    const fail = (err: unknown) => console.warn('[Reply Sentinel] live query failed', err);
    load().then((m) => {
      if (stopped) return;
      sub = m.liveQuery(() => query(m)).subscribe({ next: (v) => setValue({ v }), error: fail });
    }, fail);
    return () => {
      stopped = true;
      sub?.unsubscribe();
    };
    // The query is a fresh closure each render; like useLiveQuery, it reruns when `deps` change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, ...deps]);
  return enabled && value ? value.v : initial;
}
