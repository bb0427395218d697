/**
 * The UI pages' and the worker's translator: every namespace (see core.ts for the mechanism, content.ts for the
 * content scripts' slim one, palette.ts for the palette's lazy view).
 */
import zhUi from '../locales/zh_CN/ui.json';
import enUi from '../locales/en/ui.json';
import type { Platform } from '../model';
import { PLATFORM_INFOS } from '../platforms/registry';
import { CONTENT_CATALOGS, type ContentKey } from './content';
import { PALETTE_CATALOGS, type PaletteKey } from './palette';
import { makeTranslator, type BaseKey, type Catalog, type Lang, type Translator } from './core';

export * from './core';
export type { ContentKey } from './content';
export type { PaletteKey } from './palette';

/** The catalogs' keys, and each platform's name (`platform_<id>`, from the platform registry: lib/platforms). */
export type UiKey = BaseKey<keyof typeof zhUi | keyof typeof enUi> | `platform_${Platform}`;
/** Every key of every namespace. */
export type Key = UiKey | ContentKey | PaletteKey;
export type Translate = Translator<Key>;

/** Each language's catalog by namespace (the tests compare them). */
export const NAMESPACES = {
  zh_CN: { content: CONTENT_CATALOGS.zh_CN, palette: PALETTE_CATALOGS.zh_CN, ui: zhUi },
  en: { content: CONTENT_CATALOGS.en, palette: PALETTE_CATALOGS.en, ui: enUi },
} as const satisfies Record<Lang, Record<string, Catalog>>;

/** Platform names come from the registry (one place per platform), as `platform_<id>` keys. */
const platformNames = (lang: Lang): Catalog =>
  Object.fromEntries(PLATFORM_INFOS.map((p) => [`platform_${p.id}`, lang === 'zh_CN' ? p.name.zh : p.name.en]));

export const CATALOGS: Record<Lang, Catalog> = {
  zh_CN: { ...zhUi, ...CONTENT_CATALOGS.zh_CN, ...PALETTE_CATALOGS.zh_CN, ...platformNames('zh_CN') },
  en: { ...enUi, ...CONTENT_CATALOGS.en, ...PALETTE_CATALOGS.en, ...platformNames('en') },
};

const made: Partial<Record<Lang, Translate>> = {};
/** The translator for `lang` (every key). */
export const catalogTranslate = (lang: Lang): Translate => (made[lang] ??= makeTranslator<Key>(lang, CATALOGS));

/** A message said later, in the language of whoever shows it: its key and values (pure code returns these). */
export type Said = readonly [key: Key, args?: import('./core').Args];
/** A said message in `t`'s language. */
export const say = (t: Translate, [key, args]: Said): string => t(key, args);
