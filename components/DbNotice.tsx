import { useSyncExternalStore } from 'react';
import type { Translate } from '@/lib/badge';
import { dbNotice, onDbNotice } from '@/lib/ui/db-notice';

/**
 * Tells the user when the page's database connection is caught in an update (lib/ui/db-notice.ts): close the other
 * Reply Sentinel pages/tabs so the update can finish, or reload this page, which an update left behind.
 */
export function DbNotice({ t }: { t: Translate }) {
  const notice = useSyncExternalStore(onDbNotice, dbNotice);
  if (notice === 'blocked')
    return (
      <p role="alert" className="rs-error rs-db-notice">
        {t('dbBlockedBody')}
      </p>
    );
  if (notice === 'outdated')
    return (
      <p role="alert" className="rs-error rs-db-notice">
        {t('dbOutdated')}{' '}
        <button type="button" onClick={() => location.reload()}>
          {t('dbReload')}
        </button>
      </p>
    );
  return null;
}
