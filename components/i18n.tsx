import { useLiveQuery } from 'dexie-react-hooks';
import type { Translate } from '@/lib/badge';
import { catalogTranslate } from '@/lib/i18n';
import { uiDb } from '@/lib/ui/db';

/** The UI translator: the language forced in settings, else the browser's (Chinese first). */
export function useT(): Translate {
  const lang = useLiveQuery(() => uiDb.settings.get('language'), [])?.value as 'auto' | 'zh_CN' | 'en' | undefined;
  if (lang === 'zh_CN' || lang === 'en') return catalogTranslate(lang);
  let ui = 'zh-cn';
  try {
    ui = browser.i18n.getUILanguage().toLowerCase();
  } catch {
    /* not available (tests): Chinese, the product's first language */
  }
  // As Chrome does with default_locale zh_CN: English only for English browsers, Chinese otherwise.
  return catalogTranslate(ui.startsWith('en') ? 'en' : 'zh_CN');
}
