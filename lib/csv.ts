/**
 * The one guard for text cells of every CSV file we write (analytics exports: lib/analytics/csv.ts; the phrase
 * library: lib/phrases/export.ts).
 */
import { safeText } from './text';

/**
 * One CSV text cell:
 * - bidi and zero-width controls removed (they could reorder what a spreadsheet shows, or hide a formula);
 * - a cell that starts with = + - @ TAB or CR, after any apostrophes, gets one more leading apostrophe: Excel
 *   would run it as a formula (CSV injection); the phrase import removes exactly that apostrophe again;
 * - quoted (RFC 4180) when it holds a quote, comma, newline or tab, or starts or ends with white space.
 */
export function csvText(v: string): string {
  const clean = safeText(v);
  const s = /^'*[=+\-@\t\r]/.test(clean) ? `'${clean}` : clean;
  return /[",\r\n\t]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
