/**
 * Team sync's browser side (lib/sync/): permissions, timers and the retry alarm. Requests go only to the database
 * the user configured, and only while sync is on.
 */
import type { SentinelDB } from '@/lib/db/schema';
import { SYNC_ALARM, startTeamSync, type TeamSync } from '@/lib/sync';
import { openRemote } from '@/lib/sync/remote';

export function browserTeamSync(db: SentinelDB): TeamSync {
  return startTeamSync(db, {
    now: () => Date.now(),
    remote: openRemote,
    hasPermission: (pattern) => browser.permissions.contains({ origins: [pattern] }),
    setTimer(fn, ms) {
      const h = setTimeout(fn, ms);
      return () => clearTimeout(h);
    },
    async setRetryAlarm(when) {
      if (when === null) await browser.alarms.clear(SYNC_ALARM);
      else await browser.alarms.create(SYNC_ALARM, { when });
    },
  });
}

export { SYNC_ALARM };
