/**
 * Raw IndexedDB reads for the UI pages' first frames (the popup's and the analytics page's first scripts, the language
 * of every page's first render), without
 * Dexie: Dexie's own open costs 15–25 ms on a page's first connection, a raw open about 1 ms. Names come from
 * `name.ts`; the Dexie reads of the same data are the named queries of `queries.ts`.
 */
import { DB_NAME, TABLE } from './name';

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

/**
 * The UI language setting alone, as stored (unchecked; undefined when unset): a page's first render is in it (the
 * analytics team view's, the settings and welcome pages': components/i18n.tsx `firstLanguage`). Rejects when the
 * database is missing.
 */
export async function readLanguageRaw(): Promise<{ value: unknown } | undefined> {
  const idb = await openRawDb();
  try {
    return await rawResult<{ value: unknown } | undefined>(
      idb.transaction(TABLE.settings, 'readonly').objectStore(TABLE.settings).get('language'),
    );
  } finally {
    idb.close();
  }
}
