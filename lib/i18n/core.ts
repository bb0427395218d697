/**
 * The one translation mechanism (see docs/ARCHITECTURE.md, "Language"): catalogs in i18next's JSON format
 * (lib/locales/<lang>/<namespace>.json: flat keys, `{{name}}` placeholders, plurals as `key_one`/`key_other` chosen
 * by `count` through Intl.PluralRules), read by this small translator, which the UI pages and the content scripts
 * share (i18next itself is 16 kB gzip: too much for a content script; a unit test checks that this translator and
 * i18next give the same text for every key). Keys are typed from the catalogs: a missing key is a type error.
 */

/** The UI languages: Simplified Chinese first, English second. */
export const LANGS = ['zh_CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
/** The setting: one of the languages, or the browser's. */
export type LangSetting = Lang | 'auto';

/** Plural forms as i18next names them (`key_one`, `key_other`…), after Intl.PluralRules' categories. */
export const PLURAL_FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
type PluralForm = (typeof PLURAL_FORMS)[number];
/** A catalog key without its plural suffix. */
export type BaseKey<K> = K extends `${infer B}_${PluralForm}` ? B : K;

/** BCP 47 tags of the languages (plural rules, number and date formats, the pages' `lang`). */
export const LOCALE_TAG: Record<Lang, string> = { zh_CN: 'zh-CN', en: 'en' };

export type Arg = string | number;
/** Placeholder values: a list (`{{1}}`, `{{2}}`…) or named (`{{count}}`, `{{name}}`…); `count` picks the plural. */
export type Args = readonly Arg[] | { readonly [name: string]: Arg };
export type Catalog = Readonly<Record<string, string>>;

export interface Translator<K extends string> {
  (key: K, args?: Args): string;
  /** The language it speaks (to pick `{ zh, en }` data labels: see `pick`). */
  readonly lang: Lang;
}

/** A text in both languages as data (rule labels and notes): the one in `lang`. */
export function pick(label: { readonly zh: string; readonly en: string }, lang: Lang): string {
  return lang === 'en' ? label.en : label.zh;
}

/** The language for a setting: the forced one, else the browser's (English browsers English, others Chinese). */
export function resolveLang(setting: LangSetting | undefined, browserLanguage: string = browserUiLanguage()): Lang {
  if (setting === 'zh_CN' || setting === 'en') return setting;
  // As Chrome does with default_locale zh_CN: English only for English browsers, Chinese otherwise.
  return browserLanguage.toLowerCase().startsWith('en') ? 'en' : 'zh_CN';
}

/** The browser's UI language ('zh-CN' where none can be read). */
export function browserUiLanguage(): string {
  try {
    const c = (globalThis as { chrome?: { i18n?: { getUILanguage?: () => string } } }).chrome;
    return c?.i18n?.getUILanguage?.() || globalThis.navigator?.language || 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;
/**
 * i18next's nesting, the one form the catalogs use: `$t(key, {"count": {{2}} })`, for a message with several counts,
 * each taking its own plural ("1 message was ignored (including 3 chat records)"). The nested key gets the message's
 * values with the given ones over them, as in i18next.
 */
const NESTED = /\$t\(([\w.]+)(?:, *(\{[^()]*\}))?\)/g;
/** Nesting deeper than this is a catalog that nests itself: the rest is left out. */
const MAX_NESTING = 4;
type Vars = Record<string, Arg | undefined>;

/**
 * A translator over `catalogs[lang]`, falling back to Chinese (the product's first language), then to the key.
 * A key with plural forms takes the form for `args.count` in its language's plural rules (`_other` if missing).
 */
export function makeTranslator<K extends string>(lang: Lang, catalogs: Readonly<Record<Lang, Catalog>>): Translator<K> {
  const rules = { zh_CN: new Intl.PluralRules(LOCALE_TAG.zh_CN), en: new Intl.PluralRules(LOCALE_TAG.en) };
  const find = (l: Lang, key: string, count: unknown): string | undefined => {
    const c = catalogs[l];
    if (typeof count === 'number') {
      const form = c[`${key}_${rules[l].select(count)}`] ?? c[`${key}_other`];
      if (form !== undefined) return form;
    }
    return c[key];
  };
  const fill = (text: string, vars: Vars) => text.replace(PLACEHOLDER, (_, name: string) => String(vars[name] ?? ''));
  /**
   * The catalog's message with its values. Nesting is expanded in the catalog's text, before the values go in (as
   * i18next's skipOnVariables): a value — a buyer's nickname, page text — that reads "$t(…)" stays text. A catalog
   * that nests itself stops at MAX_NESTING.
   */
  const render = (key: string, vars: Vars, depth: number): string => {
    const msg = find(lang, key, vars.count) ?? find('zh_CN', key, vars.count) ?? key;
    if (!msg.includes('$t(')) return fill(msg, vars);
    let out = '';
    let last = 0;
    for (const m of msg.matchAll(NESTED)) {
      out += fill(msg.slice(last, m.index), vars);
      out += depth < MAX_NESTING ? nested(m[1]!, m[2] && fill(m[2], vars), vars, depth + 1) : '';
      last = m.index + m[0].length;
    }
    return out + fill(msg.slice(last), vars);
  };
  const nested = (key: string, json: string | undefined, vars: Vars, depth: number) => {
    let own: Record<string, Arg> = {};
    try {
      if (json) own = JSON.parse(json) as Record<string, Arg>;
    } catch {
      return `${key},${json}`; // a value that breaks the options (never a count): as i18next shows it
    }
    return render(key, { ...vars, ...own }, depth);
  };
  const t = (key: K, args?: Args): string =>
    render(
      key,
      Array.isArray(args)
        ? Object.fromEntries((args as readonly Arg[]).map((a, i) => [String(i + 1), a]))
        : { ...(args as Record<string, Arg> | undefined) },
      0,
    );
  return Object.assign(t, { lang });
}

/** A translator that follows a language that can change (the worker's: the setting, read at each call). */
export function liveTranslator<K extends string>(current: () => Translator<K>): Translator<K> {
  const t = (key: K, args?: Args) => current()(key, args);
  return Object.defineProperty(t, 'lang', { get: () => current().lang, enumerable: true }) as Translator<K>;
}
