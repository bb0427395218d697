/**
 * The content scripts' translator: the `content` namespace only (row badges, the palette), so a content script
 * carries a few hundred bytes of strings rather than the whole UI's. The language is the one the worker sends with
 * the clocks (`ClocksMessage.lang`, from the setting), the browser's until the first list arrives.
 */
import zh from '../locales/zh_CN/content.json';
import en from '../locales/en/content.json';
import { makeTranslator, resolveLang, type BaseKey, type Lang, type Translator } from './core';

export type ContentKey = BaseKey<keyof typeof zh | keyof typeof en>;
export type ContentT = Translator<ContentKey>;
export const CONTENT_CATALOGS = { zh_CN: zh, en } as const;

const made: Partial<Record<Lang, ContentT>> = {};
/** The content translator for `lang`. */
export const contentTranslate = (lang: Lang): ContentT =>
  (made[lang] ??= makeTranslator<ContentKey>(lang, CONTENT_CATALOGS));

let current: Lang | null = null;
/** The content script's current translator (the browser's language until `setContentLang`). */
export const contentT = (): ContentT => contentTranslate((current ??= resolveLang('auto')));
const listeners = new Set<() => void>();
/** Calls `fn` after each change of the content script's language (an open palette relabels); returns the unsubscribe. */
export function onContentLang(fn: () => void): () => void {
  listeners.add(fn);
  return () => void listeners.delete(fn);
}
/** Sets the content script's language; true when it changed (then the listeners are told). */
export function setContentLang(lang: Lang): boolean {
  const changed = contentT().lang !== lang;
  current = lang;
  if (changed) for (const fn of [...listeners]) fn();
  return changed;
}
