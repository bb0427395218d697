/**
 * Raw IndexedDB reads for the UI pages' first frames (the popup's and the analytics page's first scripts), without
 * Dexie: Dexie's own open costs 15–25 ms on a page's first connection, a raw open about 1 ms. Names come from
 * `name.ts`; the Dexie reads of the same data are the named queries of `queries.ts`.
 */
import { DB_NAME } from './name';

/**
 * Opens whatever version of the database exists, and rejects (creating nothing) when there is none: opening it
 * without a version would create an empty one, so the upgrade is aborted instead (Dexie creates it, with its schema).
 */
export function openRawDb(): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(DB_NAME);
    r.onupgradeneeded = () => r.transaction?.abort();
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('no database'));
    r.onblocked = () => reject(new Error('blocked'));
  });
}

/** One request's result as a promise. */
export function rawResult<T>(q: IDBRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    q.onsuccess = () => resolve(q.result as T);
    q.onerror = () => reject(q.error);
  });
}
