import { useEffect } from 'react';
import { LOCALE_TAG, catalogTranslate, resolveLang, type Translate } from '@/lib/i18n';
import { storedSetting, type Settings } from '@/lib/settings';
import { useDeferredQuery } from './useDeferredQuery';

type Language = Settings['language'];
const loadQueries = () => import('@/lib/ui/query-module');

/**
 * The UI translator: the language chosen in settings, else the browser's (English browsers English, others Chinese). `initial`: the setting
 * when already read (the popup's first frame); `enabled: false` holds off the query (and Dexie's open) until the
 * caller is ready.
 */
export function useT({ initial, enabled = true }: { initial?: Language; enabled?: boolean } = {}): Translate {
  const lang = useDeferredQuery(
    loadQueries,
    async (m) => storedSetting('language', (await m.uiDb.settings.get('language'))?.value),
    [],
    initial,
    enabled,
  );
  const t = catalogTranslate(resolveLang(lang, uiLanguage()));
  // The page says its language (screen readers, hyphenation, fonts): the HTML files start as zh-CN.
  useEffect(() => {
    document.documentElement.lang = LOCALE_TAG[t.lang];
  }, [t.lang]);
  return t;
}

function uiLanguage(): string {
  try {
    return browser.i18n.getUILanguage();
  } catch {
    return 'zh-CN'; // not available (tests): Chinese, the product's first language
  }
}
