import { useEffect, useState } from 'react';
import { DbNotice } from './DbNotice';
import { PhraseLibrary } from './phrases/PhraseLibrary';
import { SettingsPage } from './SettingsPage';
import { SyncSettings } from './sync/SyncSettings';
import { PageLang, useT } from './i18n';
import type { Settings } from '@/lib/settings';

type Tab = 'general' | 'phrases';
const fromHash = (): Tab => (location.hash === '#phrases' ? 'phrases' : 'general');

/**
 * The options page: general settings and the phrase library, addressable as #general / #phrases. `language`: the
 * stored setting when read before the first render (`firstLanguage`): every part starts in it (`PageLang`).
 */
export function OptionsApp({ language }: { language?: Settings['language'] } = {}) {
  const t = useT({ initial: language });
  const [tab, setTab] = useState<Tab>(fromHash);
  const title = t('optionsTitle');
  useEffect(() => {
    document.title = title; // the HTML file's title is the Chinese one
  }, [title]);
  useEffect(() => {
    const on = () => setTab(fromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return (
    <PageLang.Provider value={t.lang}>
      <div className="rs-page">
        <DbNotice t={t} />
        <nav role="tablist" className="rs-tabs">
          {(['general', 'phrases'] as const).map((x) => (
            <a key={x} role="tab" href={`#${x}`} aria-selected={tab === x} className={tab === x ? 'active' : ''}>
              {x === 'general' ? t('optTabGeneral') : t('optTabPhrases')}
            </a>
          ))}
        </nav>
        <p className="rs-help">
          <a href="welcome.html" id="rs-welcome-link">
            {t('optWelcome')}
          </a>
        </p>
        {tab === 'general' ? (
          <>
            <SettingsPage />
            <SyncSettings t={t} />
          </>
        ) : (
          <PhraseLibrary />
        )}
      </div>
    </PageLang.Provider>
  );
}
