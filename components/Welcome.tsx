/**
 * The welcome page (first run): which workbenches are watched, pinning the icon, a test of the sound and of the
 * notification, the agent's name (used by quick phrases; the stored one shown, checked by the setting's schema
 * before it is sent), and what data stays where. Every button works on its own;
 * nothing here is required before the extension works.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import * as v from 'valibot';
import { settingRow } from '@/lib/db/queries';
import { ask } from '@/lib/ui/ask';
import { uiDb } from '@/lib/ui/db';
import { PLATFORM_DEFS } from '@/lib/platforms/registry';
import { SETTING_SCHEMAS, WORD_LIMITS, storedSetting, type Settings } from '@/lib/settings';
import { SOUND_FILES } from '@/lib/sounds';
import { useT } from './i18n';

/** The watched sites from the platform registry: each real workbench script with the platforms it serves. */
const WATCHED = PLATFORM_DEFS.flatMap((d) =>
  d.site && !d.site.demoOnly && d.platforms.length ? [{ site: d.site, platforms: d.platforms.map((p) => p.id) }] : [],
);

/** The notification the test button shows (its own id: clicking it opens nothing). */
export const WELCOME_NOTICE = 'welcome|test';

/** `language`: the stored setting when read before the first render (`firstLanguage`). */
export function Welcome({ language }: { language?: Settings['language'] } = {}) {
  const t = useT({ initial: language });
  // The stored name (read live, through the settings schema as the options page reads it) under what is typed.
  const stored = useLiveQuery(() => settingRow(uiDb, 'agentName'), []);
  const [draft, setDraft] = useState<string | null>(null);
  const name = draft ?? storedSetting('agentName', stored?.value);
  const [status, setStatus] = useState<Record<string, { ok: boolean; text: string }>>({});
  const say = (key: string, ok: boolean, text: string) => setStatus((s) => ({ ...s, [key]: { ok, text } }));

  function testSound() {
    const audio = new Audio(SOUND_FILES.soon);
    audio.volume = 0.8;
    audio.play().then(
      () => say('sound', true, t('welSoundPlayed')),
      () => say('sound', false, t('welSoundFailed')),
    );
  }

  async function testNotice() {
    try {
      await browser.notifications.create(WELCOME_NOTICE, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('/icon/128.png'),
        title: t('welNoticeTitle'),
        message: t('welNoticeBody'),
      });
      const level = await browser.notifications.getPermissionLevel();
      say('notice', level === 'granted', level === 'granted' ? t('welNoticeShown') : t('welNoticeDenied'));
    } catch {
      say('notice', false, t('welNoticeDenied'));
    }
  }

  async function saveName() {
    // The setting's own schema (the background checks it again): a bad name is said here, nothing is sent.
    const checked = v.safeParse(SETTING_SCHEMAS.agentName, name);
    if (!checked.success) return say('name', false, t('welNameInvalid', [WORD_LIMITS.agentName]));
    const reply = await ask({ type: 'settings', patch: { agentName: checked.output } });
    if (reply.ok) setDraft(null);
    say('name', reply.ok, reply.ok ? t('welNameSaved') : t('optError', [reply.error]));
  }

  const line = (key: string) =>
    status[key] ? (
      <span role="status" data-status={key} className={status[key].ok ? 'rs-ok' : 'rs-error'}>
        {status[key].text}
      </span>
    ) : null;

  return (
    <main className="rs-page rs-welcome">
      <h1>{t('welTitle')}</h1>
      <p>{t('welIntro')}</p>

      <section aria-labelledby="wel-sites">
        <h2 id="wel-sites">{t('welSites')}</h2>
        <ul id="wel-site-list">
          {WATCHED.map(({ site, platforms }) => (
            <li key={site.folder} data-script={site.folder}>
              <strong>{platforms.map((p) => t(`platform_${p}`)).join(' / ')}</strong>{' '}
              <span className="rs-help">
                {site.matches.map((m) => m.replace(/^https:\/\//, '').replace(/\/\*$/, '')).join(t('welSiteSep'))}
              </span>
            </li>
          ))}
        </ul>
        <p className="rs-help">{t('welSitesHelp')}</p>
      </section>

      <section aria-labelledby="wel-pin">
        <h2 id="wel-pin">{t('welPin')}</h2>
        <p>{t('welPinHow')}</p>
      </section>

      <section aria-labelledby="wel-test">
        <h2 id="wel-test">{t('welTest')}</h2>
        <p>
          <button type="button" id="wel-sound" onClick={testSound}>
            {t('welTestSound')}
          </button>{' '}
          {line('sound')}
        </p>
        <p>
          <button type="button" id="wel-notice" onClick={() => void testNotice()}>
            {t('welTestNotice')}
          </button>{' '}
          {line('notice')}
        </p>
        <p className="rs-help">{t('welTestHelp')}</p>
      </section>

      <section aria-labelledby="wel-name">
        <h2 id="wel-name">{t('welName')}</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void saveName();
          }}
        >
          <label className="rs-field">
            <span>{t('optAgentName')}</span>
            <input
              type="text"
              name="agentName"
              maxLength={WORD_LIMITS.agentName}
              value={name}
              onChange={(e) => setDraft(e.target.value)}
            />
          </label>
          <button type="submit" className="rs-primary">
            {t('optSave')}
          </button>{' '}
          {line('name')}
        </form>
        <p className="rs-help">{t('welNameHelp')}</p>
      </section>

      <section aria-labelledby="wel-data">
        <h2 id="wel-data">{t('welData')}</h2>
        <ul>
          <li>{t('welDataLocal')}</li>
          <li>{t('welDataNoNetwork')}</li>
          <li>{t('welDataDelete')}</li>
        </ul>
      </section>

      <p>
        <a href={browser.runtime.getURL('/options.html')} id="wel-options">
          {t('welOpenOptions')}
        </a>
      </p>
    </main>
  );
}
