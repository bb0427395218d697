/**
 * The popup's first-screen data on raw IndexedDB, without Dexie: loaded by /popup-first.js (a small classic script
 * that runs before the popup's module graph: the rows, `first-raw.ts`) and checked here by the popup itself. See `data.ts` for the Dexie version (the named
 * queries of `lib/db/queries.ts`); tables and indexes are named by `lib/db/name.ts` here too.
 */
import { readPopupRaw, type PopupRaw } from './first-raw';

export { readPopupRaw, type PopupRaw };
import type { ClockRow, RollupRow, TabRow } from '@/lib/model';
import { effectiveRules } from '@/lib/rules';
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
  return popupFromRaw(await readPopupRaw(now));
}

/** `PopupData` from the raw read's rows (settings checked here). */
export function popupFromRaw(r: PopupRaw): PopupData {
  return popupData(r.overrides, r.language, r.tabs, r.clockLists, r.rollupLists);
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
