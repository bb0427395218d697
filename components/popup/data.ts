/**
 * Everything the popup's first screen shows, read in parallel: the rules (with the user's
 * overrides), the workbench tabs, the queue's clocks and the rollups of the longest period the rules use.
 * Finished clocks stay in the database (one per conversation, for months), so the queue reads the waiting ones by
 * status and the recent ones through the [status+dueAt] / [status+startedAt] indexes, never the whole history.
 */
import { earliestDay } from '@/lib/compliance';
import { clocksSince } from '@/lib/db/queries';
import { DB_NAME, type ClockRow, type RollupRow, type TabRow } from '@/lib/db/schema';
import { chinaDay } from '@/lib/engine/time';
import { effectiveRules, type RuleOverrides } from '@/lib/rules';
import type { RuleSet } from '@/lib/rules/types';
import { uiDb } from '@/lib/ui/db';

/** How long finished-but-unresolved items stay in the queue. */
export const SHOW_BREACHED_MS = 12 * 3600_000;
export const SHOW_UNKNOWN_MS = 3600_000;

export const DEFAULT_RULES = effectiveRules(undefined);

export interface PopupData {
  rules: RuleSet;
  tabs: TabRow[];
  /** Pending clocks, and the breached, unknown and out-of-hours ones of the last SHOW_BREACHED_MS. */
  clocks: ClockRow[];
  rollups: RollupRow[];
}

export async function readPopupData(now: number): Promise<PopupData> {
  const db = uiDb;
  const today = chinaDay(now);
  const since = now - SHOW_BREACHED_MS;
  // Overrides change thresholds and hours, never the periods: the rollups are read with the settings.
  const from = earliestDay(DEFAULT_RULES, today);
  const [setting, tabs, pending, breached, unknown, outside, recent] = await Promise.all([
    db.settings.get('ruleOverrides'),
    db.tabs.toArray(),
    db.clocks.where('status').equals('pending').toArray(),
    clocksSince(db, 'breached', since),
    clocksSince(db, 'unknown', since),
    clocksSince(db, 'notAssessed', since, 'startedAt'),
    db.rollups.where('day').aboveOrEqual(from).toArray(),
  ]);
  return {
    rules: effectiveRules(setting?.value as RuleOverrides | undefined),
    tabs,
    clocks: [...pending, ...breached, ...unknown, ...outside],
    rollups: recent,
  };
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
    const tx = idb.transaction(['settings', 'tabs', 'clocks', 'rollups'], 'readonly');
    const get = <T>(q: IDBRequest) =>
      new Promise<T>((resolve, reject) => {
        q.onsuccess = () => resolve(q.result as T);
        q.onerror = () => reject(q.error);
      });
    const today = chinaDay(now);
    const since = now - SHOW_BREACHED_MS;
    const clocks = tx.objectStore('clocks');
    const recent = (status: string, by: 'dueAt' | 'startedAt') =>
      get<ClockRow[]>(
        clocks.index(`[status+${by}]`).getAll(IDBKeyRange.bound([status, since], [status, Infinity], true, true)),
      );
    const from = earliestDay(DEFAULT_RULES, today);
    const [setting, tabs, pending, breached, unknown, outside, recentRollups] = await Promise.all([
      get<{ value: unknown } | undefined>(tx.objectStore('settings').get('ruleOverrides')),
      get<TabRow[]>(tx.objectStore('tabs').getAll()),
      get<ClockRow[]>(clocks.index('status').getAll('pending')),
      recent('breached', 'dueAt'),
      recent('unknown', 'dueAt'),
      recent('notAssessed', 'startedAt'),
      get<RollupRow[]>(tx.objectStore('rollups').index('day').getAll(IDBKeyRange.lowerBound(from))),
    ]);
    return {
      rules: effectiveRules(setting?.value as RuleOverrides | undefined),
      tabs,
      clocks: [...pending, ...breached, ...unknown, ...outside],
      rollups: recentRollups,
    };
  } finally {
    idb.close();
  }
}
