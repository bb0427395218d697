/** The UI's read-only handle on the extension database (writes go through the background). */
import { DB_NAME, SentinelDB } from '../db/schema';
import { dbNotice, setDbNotice } from './db-notice';

/**
 * A page whose connection blocks or loses an upgrade says so (components/DbNotice.tsx): it does not fail silently
 * on a database its code no longer matches.
 */
export const uiDb = new SentinelDB(DB_NAME, Infinity, {
  onBlocked: (waiting) => {
    if (waiting) setDbNotice('blocked');
    else if (dbNotice() === 'blocked') setDbNotice(null);
  },
  onVersionChange: () => setDbNotice('outdated'),
});
