/**
 * The quick-phrase palette's list and prompts' own words (the `palette` namespace), in their own file
 * (`/palette.js`, lib/content/palette-view.ts) rather than in every workbench content script: only an open palette
 * shows them. The language is the content script's (`contentT().lang`, which the view reads through its shell).
 * What the content script itself says about the palette (that its file did not load) stays in `content`.
 */
import zh from '../locales/zh_CN/palette.json';
import en from '../locales/en/palette.json';
import { makeTranslator, type BaseKey, type Lang, type Translator } from './core';

export type PaletteKey = BaseKey<keyof typeof zh | keyof typeof en>;
export type PaletteT = Translator<PaletteKey>;
export const PALETTE_CATALOGS = { zh_CN: zh, en } as const;

const made: Partial<Record<Lang, PaletteT>> = {};
/** The palette's translator for `lang`. */
export const paletteTranslate = (lang: Lang): PaletteT =>
  (made[lang] ??= makeTranslator<PaletteKey>(lang, PALETTE_CATALOGS));
