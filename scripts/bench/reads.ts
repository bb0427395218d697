/**
 * Timed reads on raw IndexedDB in an extension page, for the benchmarks that time what a page reads (popup.ts,
 * analytics.ts): one loop for both. A read is data (a store, its index, keys or key ranges), so the page can run it
 * without code from here (extension pages allow no eval); each read runs `runs` times, the first being the cold one.
 */
import { DB_NAME, TABLE } from '../../lib/db/name';
import type { ExtensionHarness } from '../../test/e2e/harness';
import { summarize } from './stats';

type Key = string | number | (string | number)[];

/** One part of a read: `getAll` of an index (or the store) for one key, or one range `[lower, upper, lowerOpen?, upperOpen?]`. */
export type ReadPart = { index?: string } & ({ key: Key } | { range: [Key, Key, boolean?, boolean?] });

/** A read: its parts in one read-only transaction (rows: their total); `count: true` counts the store's rows. */
export type TimedRead = { store: (typeof TABLE)[keyof typeof TABLE] } & ({ parts: ReadPart[] } | { count: true });

/** Runs every read `runs` times in a fresh extension page: rows, the first (cold) run's ms and the spread. */
export async function timeReads(ext: ExtensionHarness, runs: number, reads: Record<string, TimedRead>) {
  const page = await ext.context.newPage();
  await page.goto(`${ext.baseUrl}/popup.html`);
  const result = await page.evaluate(
    async ({ dbName, runs, reads }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(dbName);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const req = <T>(r: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const run = async (read: (typeof reads)[string]): Promise<number> => {
        const store = db.transaction(read.store, 'readonly').objectStore(read.store);
        if ('count' in read) return req(store.count());
        const lists = await Promise.all(
          read.parts.map((p) => {
            const source = p.index ? store.index(p.index) : store;
            const query =
              'key' in p ? p.key : IDBKeyRange.bound(p.range[0], p.range[1], p.range[2] ?? false, p.range[3] ?? false);
            return req(source.getAll(query));
          }),
        );
        return lists.reduce((n, l) => n + l.length, 0);
      };
      const out: Record<string, { rows: number; ms: number[] }> = {};
      for (const [name, read] of Object.entries(reads)) {
        const ms: number[] = [];
        let rows = 0;
        for (let i = 0; i < runs; i++) {
          const t = performance.now();
          rows = await run(read);
          ms.push(performance.now() - t);
        }
        out[name] = { rows, ms };
      }
      db.close();
      return out;
    },
    { dbName: DB_NAME, runs, reads },
  );
  await page.close();
  return Object.fromEntries(
    Object.entries(result).map(([k, v]) => [k, { rows: v.rows, firstMs: v.ms[0], ms: summarize(v.ms) }]),
  );
}

/** The same index range for each of `firsts` (e.g. the primary metrics): `[first, from]` … `[first, to]`. */
export function rangesOf(index: string, firsts: readonly string[], from: string, to: string): ReadPart[] {
  return firsts.map((f) => ({
    index,
    range: [
      [f, from],
      [f, to],
    ],
  }));
}
