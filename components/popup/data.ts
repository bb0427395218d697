/**
 * Everything the popup's first screen shows, read in parallel with Dexie: the rules (with the user's overrides), the
 * language, the workbench tabs, the queue's clocks and each metric's rollups over its own period.
 * Finished clocks stay in the database (one per conversation, for months), so the queue reads the waiting ones by
 * status and the recent ones through the [status+dueAt] / [status+startedAt] indexes, never the whole history.
 */
import { rollupKeyRanges } from '@/lib/compliance';
import { clocksSince } from '@/lib/db/queries';
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
    db.settings.get('ruleOverrides'),
    db.settings.get('language'),
    db.tabs.toArray(),
    db.clocks.where('status').equals('pending').toArray(),
    clocksSince(db, 'breached', since),
    clocksSince(db, 'unknown', since),
    clocksSince(db, 'notAssessed', since, 'startedAt'),
    Promise.all(
      rollupKeyRanges(DEFAULT_RULES, today).map(([a, b]) => db.rollups.where('id').between(a, b, true, true).toArray()),
    ),
  ]);
  return popupData(setting, language, tabs, [pending, breached, unknown, outside], recent);
}
