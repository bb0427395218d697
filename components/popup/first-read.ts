/**
 * The popup's first-screen data on raw IndexedDB, without Dexie: loaded by /popup-first.js (a small classic script
 * that runs before the popup's module graph) and by the popup itself. See `data.ts` for the Dexie version (the named
 * queries of `lib/db/queries.ts`); tables and indexes are named by `lib/db/name.ts` here too.
 */
import { rollupKeyRanges } from '@/lib/compliance';
import { DB_NAME, INDEX, TABLE } from '@/lib/db/name';
import { BREACH_SHOWN_MS } from '@/lib/shown';
import type { ClockRow, RollupRow, TabRow } from '@/lib/model';
import { chinaDay } from '@/lib/engine/time';
import { DEFAULT_RULES, effectiveRules } from '@/lib/rules';
import type { RuleSet } from '@/lib/rules/types';
import { storedSetting, type Settings } from '@/lib/settings';

export interface PopupData {
  rules: RuleSet;
  tabs: TabRow[];
  /** Pending clocks, and the breached, unknown and out-of-hours ones of the last BREACH_SHOWN_MS. */
  clocks: ClockRow[];
  rollups: RollupRow[];
  /** The UI language setting, if set. */
  language?: Settings['language'];
}

/**
 * `readPopupData` on raw IndexedDB, in one read-only transaction, for the popup's first frame only: Dexie's open
 * costs 15–25 ms on a popup's first connection, a raw open about 1 ms (bench-results/README.md). It opens whatever
 * version exists and rejects (creating nothing) when the database is missing or lacks an index it needs, e.g. not
 * yet upgraded: the caller then falls back to `readPopupData`. `test/unit/popup-data.test.ts` checks that both
 * return the same.
 */
export async function readPopupDataFast(now: number): Promise<PopupData> {
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(DB_NAME);
    // No database yet: opening it without a version would create an empty one; abort instead (Dexie creates it).
    r.onupgradeneeded = () => r.transaction?.abort();
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('no database'));
    r.onblocked = () => reject(new Error('blocked'));
  });
  try {
    const tx = idb.transaction([TABLE.settings, TABLE.tabs, TABLE.clocks, TABLE.rollups], 'readonly');
    const get = <T>(q: IDBRequest) =>
      new Promise<T>((resolve, reject) => {
        q.onsuccess = () => resolve(q.result as T);
        q.onerror = () => reject(q.error);
      });
    const today = chinaDay(now);
    const since = now - BREACH_SHOWN_MS;
    const clocks = tx.objectStore(TABLE.clocks);
    const recent = (status: string, by: 'dueAt' | 'startedAt') =>
      get<ClockRow[]>(
        clocks
          .index(by === 'dueAt' ? INDEX.clocks.statusDueAt : INDEX.clocks.statusStartedAt)
          .getAll(IDBKeyRange.bound([status, since], [status, Infinity], true, true)),
      );
    const byId = tx.objectStore(TABLE.rollups);
    const settings = tx.objectStore(TABLE.settings);
    const [setting, language, tabs, pending, breached, unknown, outside, recentRollups] = await Promise.all([
      get<{ value: unknown } | undefined>(settings.get('ruleOverrides')),
      get<{ value: unknown } | undefined>(settings.get('language')),
      get<TabRow[]>(tx.objectStore(TABLE.tabs).getAll()),
      get<ClockRow[]>(clocks.index(INDEX.clocks.status).getAll('pending')),
      recent('breached', 'dueAt'),
      recent('unknown', 'dueAt'),
      recent('notAssessed', 'startedAt'),
      Promise.all(
        rollupKeyRanges(DEFAULT_RULES, today).map(([a, b]) => get<RollupRow[]>(byId.getAll(IDBKeyRange.bound(a, b)))),
      ),
    ]);
    return popupData(setting, language, tabs, [pending, breached, unknown, outside], recentRollups);
  } finally {
    idb.close();
  }
}

/** The reads of both versions (raw, Dexie) into one `PopupData`, so their results are built the same way. */
export function popupData(
  overrides: { value: unknown } | undefined,
  language: { value: unknown } | undefined,
  tabs: TabRow[],
  clockLists: ClockRow[][],
  rollupLists: RollupRow[][],
): PopupData {
  return {
    rules: effectiveRules(overrides?.value),
    tabs,
    clocks: clockLists.flat(),
    rollups: rollupLists.flat(),
    ...(language && { language: storedSetting('language', language.value) }),
  };
}
