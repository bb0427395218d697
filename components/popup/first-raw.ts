/**
 * The popup's first-screen read on raw IndexedDB, alone: what /popup-first.js (entrypoints/popup-first.ts) runs
 * before the popup's module graph. Only names, dates and the default rules' periods: no settings schema, no rules
 * checks (valibot and the overrides' schemas stay out of the first script; `first-read.ts` checks the rows).
 */
import { rollupKeyRanges } from '@/lib/compliance';
import { INDEX, TABLE } from '@/lib/db/name';
import { openRawDb, rawResult } from '@/lib/db/raw';
import { chinaDay } from '@/lib/engine/time';
import type { ClockRow, RollupRow, TabRow } from '@/lib/model';
import { DEFAULT_RULES } from '@/lib/rules/defaults';
import { BREACH_SHOWN_MS } from '@/lib/shown';

/** What the raw read returns: the stored rows as they are (checked and built into `PopupData` by `popupFromRaw`). */
export interface PopupRaw {
  overrides: { value: unknown } | undefined;
  language: { value: unknown } | undefined;
  tabs: TabRow[];
  clockLists: ClockRow[][];
  rollupLists: RollupRow[][];
}

/**
 * The rows of the popup's first screen, in one read-only transaction. Opens whatever version exists and rejects
 * (creating nothing) when the database is missing or lacks an index it needs, e.g. not yet upgraded.
 */
export async function readPopupRaw(now: number): Promise<PopupRaw> {
  const idb = await openRawDb();
  try {
    const tx = idb.transaction([TABLE.settings, TABLE.tabs, TABLE.clocks, TABLE.rollups], 'readonly');
    const today = chinaDay(now);
    const since = now - BREACH_SHOWN_MS;
    const clocks = tx.objectStore(TABLE.clocks);
    const recent = (status: string, by: 'dueAt' | 'startedAt') =>
      rawResult<ClockRow[]>(
        clocks
          .index(by === 'dueAt' ? INDEX.clocks.statusDueAt : INDEX.clocks.statusStartedAt)
          .getAll(IDBKeyRange.bound([status, since], [status, Infinity], true, true)),
      );
    const byId = tx.objectStore(TABLE.rollups);
    const settings = tx.objectStore(TABLE.settings);
    const [overrides, language, tabs, pending, breached, unknown, outside, rollupLists] = await Promise.all([
      rawResult<{ value: unknown } | undefined>(settings.get('ruleOverrides')),
      rawResult<{ value: unknown } | undefined>(settings.get('language')),
      rawResult<TabRow[]>(tx.objectStore(TABLE.tabs).getAll()),
      rawResult<ClockRow[]>(clocks.index(INDEX.clocks.status).getAll('pending')),
      recent('breached', 'dueAt'),
      recent('unknown', 'dueAt'),
      recent('notAssessed', 'startedAt'),
      Promise.all(
        rollupKeyRanges(DEFAULT_RULES, today).map(([a, b]) =>
          rawResult<RollupRow[]>(byId.getAll(IDBKeyRange.bound(a, b))),
        ),
      ),
    ]);
    return { overrides, language, tabs, clockLists: [pending, breached, unknown, outside], rollupLists };
  } finally {
    idb.close();
  }
}
