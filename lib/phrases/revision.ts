/**
 * A phrase list's revision: a hash of everything the palette shows or ranks by (text, group, tags, shortcut,
 * platforms, pinyin key, uses, update time), in order. The palette keeps the list it was sent with its revision and
 * sends that back; the background answers with the list again only when the revision differs. Derived from the
 * rows themselves (not a counter), so it survives the worker being stopped and sees writes made any way.
 */
import type { PhraseRow } from '../model';

export function phrasesRevision(rows: readonly PhraseRow[]): string {
  // Two 32-bit FNV-1a style hashes with different primes: ~2^-64 chance that two lists collide.
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    // A separator, so that field boundaries count ('ab','c' ≠ 'a','bc').
    a = Math.imul(a ^ 0xffff, 0x01000193);
    b = Math.imul(b ^ 0xffff, 0x5bd1e995);
  };
  for (const r of rows) {
    mix(String(r.id ?? ''));
    mix(r.text);
    mix(r.group);
    mix(r.tags.join('\u0000'));
    mix(r.shortcut ?? '\u0001');
    mix(r.platforms?.join(',') ?? '\u0001');
    mix(r.pinyin ?? '\u0001');
    mix(`${r.usage}|${r.recent ?? ''}|${r.usedAt ?? ''}|${r.updatedAt}`);
  }
  return `${rows.length}-${(a >>> 0).toString(36)}-${(b >>> 0).toString(36)}`;
}
