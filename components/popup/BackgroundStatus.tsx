import { useEffect, useState } from 'react';
import type { Translate } from '@/lib/badge';
import type { TabRow } from '@/lib/model';
import type { BackgroundStatus as Status } from '@/lib/protocol';
import { ask } from '@/lib/ui/ask';
import { PageText } from '../PageText';

/** How long a tab's refused traffic stays shown after the last refusal. */
const DROPPED_SHOWN_MS = 10 * 60_000;

/**
 * What is wrong with the background itself, asked once when the popup opens: a start that failed (the worker
 * retries with every message, but the numbers may be stale meanwhile), settings reset to their defaults because the
 * stored ones were invalid; and workbench tabs whose messages were refused for sending too much.
 */
export function BackgroundStatus({ tabs, now, t }: { tabs: TabRow[]; now: number; t: Translate }) {
  const [status, setStatus] = useState<Status | null>(null);
  useEffect(() => {
    let live = true;
    void ask({ type: 'status' }).then((r) => {
      if (live && r.ok) setStatus({ startError: r.startError, settingsReset: r.settingsReset });
    });
    return () => {
      live = false;
    };
  }, []);
  const throttled = tabs.filter((tab) => tab.dropped && now - tab.dropped.at <= DROPPED_SHOWN_MS);
  return (
    <>
      {status?.startError ? (
        <p role="alert" className="rs-error" id="rs-degraded">
          {t('popupDegraded', [status.startError])}
        </p>
      ) : null}
      {status?.settingsReset.length ? (
        <p role="alert" className="warn" id="rs-settings-reset">
          {t('settingsResetBody', [status.settingsReset.map((r) => r.key).join(', ')])}
        </p>
      ) : null}
      {throttled.map((tab) => (
        <p role="alert" className="warn rs-throttled" key={tab.tabId}>
          {t(`platform_${tab.platform}`)} · <PageText text={tab.account} /> ·{' '}
          {t('popupThrottled', [tab.dropped!.messages, tab.dropped!.events])}
        </p>
      ))}
    </>
  );
}
