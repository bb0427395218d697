import { catalogTranslate, resolveLang, type Translate } from '@/lib/i18n';
import { storedSetting, type Settings } from '@/lib/settings';
import { useLazyLive } from './useLazyLive';

type Language = Settings['language'];
const loadLive = () => import('@/lib/ui/live');

/**
 * The UI translator: the language chosen in settings, else the browser's (English browsers English, others Chinese). `initial`: the setting
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
  return catalogTranslate(resolveLang(lang, uiLanguage()));
}

function uiLanguage(): string {
  try {
    return browser.i18n.getUILanguage();
  } catch {
    return 'zh-CN'; // not available (tests): Chinese, the product's first language
  }
}
