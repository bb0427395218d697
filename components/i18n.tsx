import { createContext, useContext, useEffect } from 'react';
import { readLanguageRaw } from '@/lib/db/raw';
import { LOCALE_TAG, catalogTranslate, resolveLang, type Translate } from '@/lib/i18n';
import type { Lang } from '@/lib/i18n/core';
import { storedSetting, type Settings } from '@/lib/settings';
import { settledWithin } from '@/lib/ui/settled';
import { useDeferredQuery } from './useDeferredQuery';

type Language = Settings['language'];
const loadQueries = () => import('@/lib/ui/query-module');

/**
 * The page's language as its top component shows it (`t.lang`, live): every `useT` below starts in it (a part
 * mounted later too), not in the browser's, until its own query has read the setting.
 */
export const PageLang = createContext<Lang | undefined>(undefined);

/**
 * The UI translator: the language chosen in settings, else the browser's (English browsers English, others Chinese). `initial`: the setting
 * when already read (the page's first frame: the popup's first read, `firstLanguage`), else the page's (`PageLang`);
 * `enabled: false` holds off the query (and Dexie's open) until the caller is ready.
 */
export function useT({ initial, enabled = true }: { initial?: Language; enabled?: boolean } = {}): Translate {
  const page = useContext(PageLang);
  const lang = useDeferredQuery(
    loadQueries,
    async (m) => storedSetting('language', (await m.uiDb.settings.get('language'))?.value),
    [],
    initial ?? page,
    enabled,
  );
  const t = catalogTranslate(resolveLang(lang, uiLanguage()));
  // The page says its language (screen readers, hyphenation, fonts): the HTML files start as zh-CN.
  useEffect(() => {
    document.documentElement.lang = LOCALE_TAG[t.lang];
  }, [t.lang]);
  return t;
}

/**
 * The stored language setting, read before a page's first render (raw IndexedDB: no Dexie, ≈ 1 ms), so that render
 * is in it rather than the browser's for a frame (a click then would act on the other language's page); waited for
 * at most `ms` (a database held by an upgrade must not keep the page blank): undefined then, or with no database.
 * `started`: that read already begun (the analytics page's first script starts it).
 */
export function firstLanguage(
  started: Promise<{ value: unknown } | undefined> = readLanguageRaw(),
  ms = 250,
): Promise<Language | undefined> {
  return settledWithin(
    started.then(
      (row) => storedSetting('language', row?.value),
      () => undefined,
    ),
    ms,
  );
}

function uiLanguage(): string {
  try {
    return browser.i18n.getUILanguage();
  } catch {
    return 'zh-CN'; // not available (tests): Chinese, the product's first language
  }
}
