/** What a phrase may look like: one set of rules for the editor, imports and the background. */
import type { Said } from '../i18n';
import { PLATFORMS, type Platform } from '../model';

export interface PhraseDraft {
  text: string;
  group: string;
  tags: string[];
  shortcut?: string;
  platforms?: Platform[];
}

export const PHRASE_LIMITS = { text: 2000, group: 40, tags: 10, tag: 20 } as const;
export const SHORTCUT_RE = /^\/[A-Za-z0-9_\-\u4e00-\u9fa5]{1,20}$/;
export const DEFAULT_GROUP = '未分组';

/** Adds the leading slash people forget; trims. */
export function normalizeShortcut(s: string): string {
  const t = s.trim();
  return t && !t.startsWith('/') ? `/${t}` : t;
}

/**
 * What makes two shortcuts the same one: case and full width are ignored (`/Case`, `/case` and `/ＣＡＳＥ` are one
 * shortcut). Every comparison of shortcuts uses it: the background's store (save, import), the import preview and
 * plan, the palette's search and the in-page expansion. A shortcut is stored as typed; only comparisons fold it.
 */
export function shortcutKey(s: string): string {
  return normalizeShortcut(s).normalize('NFKC').toLowerCase();
}

/** A value shortened for a message (whitespace folded, at most `max` characters). */
const shown = (s: string, max = 20): string => {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}…` : one;
};

/** Returns a cleaned draft, or the problems (to be said in the language of whoever shows them). */
export function validateDraft(raw: unknown): { ok: true; draft: PhraseDraft } | { ok: false; errors: Said[] } {
  const errors: Said[] = [];
  const o = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const text = typeof o.text === 'string' ? o.text.replace(/\r\n?/g, '\n') : '';
  if (!text.trim()) errors.push(['ioEmptyText']);
  if (text.length > PHRASE_LIMITS.text) errors.push(['ioTextTooLong', [PHRASE_LIMITS.text, text.length]]);
  const group = typeof o.group === 'string' && o.group.trim() ? o.group.trim() : DEFAULT_GROUP;
  if (group.length > PHRASE_LIMITS.group) errors.push(['ioGroupTooLong', [PHRASE_LIMITS.group, group.length]]);
  const tags = Array.isArray(o.tags)
    ? o.tags
        .filter((x): x is string => typeof x === 'string')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];
  if (tags.length > PHRASE_LIMITS.tags) errors.push(['ioTooManyTags', [PHRASE_LIMITS.tags, tags.length]]);
  const long = tags.find((x) => x.length > PHRASE_LIMITS.tag);
  if (long !== undefined) errors.push(['ioTagTooLong', [shown(long), PHRASE_LIMITS.tag]]);
  const draft: PhraseDraft = { text, group, tags: [...new Set(tags)] };
  if (typeof o.shortcut === 'string' && o.shortcut.trim()) {
    const sc = normalizeShortcut(o.shortcut);
    if (!SHORTCUT_RE.test(sc)) errors.push(['ioBadShortcut', [shown(sc, 30)]]);
    else draft.shortcut = sc;
  }
  if (Array.isArray(o.platforms) && o.platforms.length) {
    const bad = o.platforms.filter((p) => !(PLATFORMS as readonly unknown[]).includes(p));
    if (bad.length) errors.push(['ioUnknownPlatform', [shown(bad.map(String).join(', '))]]);
    else draft.platforms = [...new Set(o.platforms as Platform[])];
  }
  return errors.length ? { ok: false, errors } : { ok: true, draft };
}

/** Fill-in prompts in a phrase, asked at insert time: `{?订单号}` → ['订单号']. */
export function promptsOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\?([^{}]{1,20})\}/g)].map((m) => m[1]!))];
}
