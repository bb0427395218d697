/**
 * Text that comes from the pages (buyer nicknames, shop and account names, message previews) or from imported
 * files (team source labels) is shown in our pages, notifications and CSV files. Bidi controls in it would
 * reorder what is around it (a U+202E nickname reverses the rest of the line) and zero-width characters can hide
 * or fake text, so they are removed when the text is shown (the stored data stays as the page had it), and what is
 * left is isolated from the text around it (`<bdi>` in React: components/PageText.tsx; FSI … PDI in plain text).
 */

/**
 * The controls removed: U+202A–U+202E (embeddings, overrides), U+2066–U+2069 (isolates), U+200E / U+200F / U+061C
 * (marks), U+200B–U+200D, U+2060, U+FEFF (zero-width). A zero-width joiner between two pictographs stays: it joins
 * an emoji sequence (👨‍👩‍👧) and hides nothing.
 */
const CONTROLS =
  /\p{Extended_Pictographic}\p{Emoji_Modifier}?\uFE0F?\u200D(?=\p{Extended_Pictographic})|[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B-\u200D\u2060\uFEFF]/gu;

/** `s` without bidi and zero-width controls (see CONTROLS). */
export function safeText(s: string): string {
  return s.replace(CONTROLS, (m) => (m.length > 1 ? m : ''));
}

/** First strong isolate … pop directional isolate: bidi isolation in plain text (notifications, `<option>`). */
export const FSI = '\u2068';
export const PDI = '\u2069';

/** Page text for a plain-text string: controls removed, isolated by FSI … PDI. */
export function isolate(s: string): string {
  return `${FSI}${safeText(s)}${PDI}`;
}
