/**
 * Pinyin search keys for phrases, made with pinyin-pro. Its dictionary is large (≈140 kB gzip): it is imported by
 * the background only (the phrase store writes each phrase's key with the phrase), never by the content script,
 * which matches against the keys it is sent (`lib/phrases/search.ts`, `lib/phrases/suggest.ts`).
 */
import { pinyin } from 'pinyin-pro';

/**
 * The key of a text: one toneless syllable per code point of the text (ü written v, as people type it), '' for a
 * code point that is not a Chinese character, joined by single spaces; undefined when the text has no Chinese
 * character. Polyphones are read in context (银行 yin hang).
 */
export function pinyinKey(text: string): string | undefined {
  if (!/\p{Script=Han}/u.test(text)) return undefined;
  const chars = [...text];
  const syllables = pinyin(text, { toneType: 'none', type: 'array', v: true, nonZh: 'spaced' });
  if (syllables.length !== chars.length) return undefined;
  return syllables.map((s, i) => (s !== chars[i] && /^[a-z]{1,6}$/.test(s) ? s : '')).join(' ');
}
