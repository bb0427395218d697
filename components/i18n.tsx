import type { Translate } from '@/lib/badge';
import { catalogTranslate } from '@/lib/i18n';
import { storedSetting, type Settings } from '@/lib/settings';
import { useLazyLive } from './useLazyLive';

type Language = Settings['language'];
const loadLive = () => import('@/lib/ui/live');

/**
 * The UI translator: the language forced in settings, else the browser's (Chinese first). `initial`: the setting
 * when already read (the popup's first frame); `live: false` holds off the live query (and Dexie's open) until the
 * caller is ready.
 */
export function useT({ initial, live = true }: { initial?: Language; live?: boolean } = {}): Translate {
  const lang = useLazyLive(
    loadLive,
    async (m) => storedSetting('language', (await m.uiDb.settings.get('language'))?.value),
    [],
    initial,
    live,
  );
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
