import zh from '../public/_locales/zh_CN/messages.json';
import en from '../public/_locales/en/messages.json';
import type { Translate } from './badge';

type Catalog = Record<string, { message: string }>;
export const CATALOGS: Record<'zh_CN' | 'en', Catalog> = { zh_CN: zh, en };

/** Fills Chrome-style `$1`…`$9` placeholders. */
export function fill(message: string, subs: (string | number)[] = []): string {
  return message.replace(/\$(\d)/g, (_, d: string) => String(subs[Number(d) - 1] ?? ''));
}

/**
 * A translator over the bundled catalogs (the same files Chrome's i18n reads): used where the UI language
 * is forced in settings, and in tests. Falls back to Chinese, then to the key itself.
 */
export function catalogTranslate(lang: 'zh_CN' | 'en'): Translate {
  return (key, subs) => fill(CATALOGS[lang][key]?.message ?? CATALOGS.zh_CN[key]?.message ?? key, subs);
}
