/**
 * Everything the popup's first screen shows, read in parallel with Dexie: the rules (with the user's overrides), the
 * language, the workbench tabs, the queue's clocks and each metric's rollups over its own period.
 * Finished clocks stay in the database (one per conversation, for months), so the queue reads the waiting ones by
 * status and the recent ones through the [status+dueAt] / [status+startedAt] indexes, never the whole history.
 */
import { rollupKeyRanges } from '@/lib/compliance';
import { clocksSince, clocksWithStatus, rollupsInRanges, settingRow } from '@/lib/db/queries';
import { chinaDay } from '@/lib/engine/time';
import { uiDb } from '@/lib/ui/db';
import { DEFAULT_RULES } from '@/lib/rules';
import { BREACH_SHOWN_MS } from '@/lib/shown';
import { popupData, type PopupData } from './first-read';

export { readPopupDataFast, type PopupData } from './first-read';

export async function readPopupData(now: number): Promise<PopupData> {
  const db = uiDb;
  const today = chinaDay(now);
  const since = now - BREACH_SHOWN_MS;
  // Overrides change thresholds and hours, never the periods: the rollups are read with the settings.
  const [setting, language, tabs, pending, breached, unknown, outside, recent] = await Promise.all([
    settingRow(db, 'ruleOverrides'),
    settingRow(db, 'language'),
    db.tabs.toArray(),
    clocksWithStatus(db, 'pending'),
    clocksSince(db, 'breached', since),
    clocksSince(db, 'unknown', since),
    clocksSince(db, 'notAssessed', since, 'startedAt'),
    rollupsInRanges(db, rollupKeyRanges(DEFAULT_RULES, today)),
  ]);
  return popupData(setting, language, tabs, [pending, breached, unknown, outside], recent);
}
