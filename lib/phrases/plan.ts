/**
 * What an import would do to the library (pure): the preview of a file (`formats.ts`) against the phrases there
 * are. Shown to the user before anything is written; the background validates the plan's drafts again.
 */
import type { PhraseRow } from '../model';
import type { Translate } from '../i18n';
import { cleanText, show, type ImportPreview, type ImportRow } from './formats';
import { DEFAULT_GROUP, PHRASE_LIMITS, shortcutKey, type PhraseDraft } from './validate';

export interface ImportConflict {
  line: number;
  draft: PhraseDraft;
  /** The existing phrase that already has this shortcut. */
  existing: { id: number; text: string; shortcut: string };
  reason: string;
}

export interface ImportPlan {
  mode: 'merge' | 'replace';
  /** New phrases. */
  add: PhraseDraft[];
  /** Existing phrases (same text) that get the file's group / tags / shortcut / platforms; usage is kept. */
  update: { id: number; draft: PhraseDraft }[];
  /** Rows that change nothing: errors, repeats inside the file, phrases already in the library. */
  skip: { line: number; reason: string }[];
  /** Rows whose shortcut belongs to another existing phrase: reported, not applied. */
  conflicts: ImportConflict[];
  /** How many existing phrases a replace deletes (0 for merge). */
  removed: number;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b![i]);

/**
 * What an import would do. Every preview row lands in exactly one of add / update / skip / conflicts.
 *
 * merge: a phrase whose text is already in the library is merged into it: the file's group (unless the row
 *   had none), tags added to the existing ones, the file's shortcut and platforms when the row sets them. If
 *   that changes nothing, the row is skipped as a duplicate. A shortcut that belongs to a different existing
 *   phrase is a conflict (nothing applied for that row).
 * replace: the library becomes the file: every importable row is added (the background clears the table in
 *   the same transaction), nothing is updated, and no shortcut can conflict. A file with nothing importable
 *   plans nothing, so it cannot empty the library.
 */
export function planImport(
  preview: ImportPreview,
  existing: readonly PhraseRow[],
  mode: 'merge' | 'replace',
  t: Translate,
): ImportPlan {
  const plan: ImportPlan = { mode, add: [], update: [], skip: [], conflicts: [], removed: 0 };
  const skipRow = (r: ImportRow) => plan.skip.push({ line: r.line, reason: r.error ?? r.warning ?? '' });

  if (preview.fatal || preview.ok === 0) {
    preview.rows.forEach(skipRow);
    return plan;
  }
  if (mode === 'replace') {
    for (const r of preview.rows) {
      if (r.draft) plan.add.push(r.draft);
      else skipRow(r);
    }
    plan.removed = existing.length;
    return plan;
  }

  const byText = new Map<string, PhraseRow>();
  const byShortcut = new Map<string, PhraseRow>();
  for (const p of existing) {
    if (p.id === undefined) continue;
    const t = cleanText(p.text);
    if (!byText.has(t)) byText.set(t, p);
    const sc = p.shortcut ? shortcutKey(p.shortcut) : undefined;
    if (sc && !byShortcut.has(sc)) byShortcut.set(sc, p);
  }

  for (const r of preview.rows) {
    const d = r.draft;
    if (!d) {
      skipRow(r);
      continue;
    }
    const same = byText.get(d.text);
    const merged: PhraseDraft = same ? mergeInto(same, d) : d;
    const owner = merged.shortcut ? byShortcut.get(shortcutKey(merged.shortcut)) : undefined;
    if (owner && owner !== same) {
      plan.conflicts.push({
        line: r.line,
        draft: d,
        existing: { id: owner.id!, text: owner.text, shortcut: owner.shortcut! },
        reason: t('ioShortcutOwned', [r.line, merged.shortcut!, show(owner.text)]),
      });
      continue;
    }
    if (!same) {
      plan.add.push(d);
      continue;
    }
    const unchanged =
      merged.group === same.group &&
      sameList(merged.tags, same.tags) &&
      merged.shortcut === same.shortcut &&
      sameList(merged.platforms, same.platforms);
    if (unchanged)
      plan.skip.push({
        line: r.line,
        reason: t('ioInLibrary', [r.line]),
      });
    else plan.update.push({ id: same.id!, draft: merged });
  }
  return plan;
}

function mergeInto(p: PhraseRow, d: PhraseDraft): PhraseDraft {
  const union = [...new Set([...p.tags, ...d.tags])];
  const out: PhraseDraft = {
    text: p.text,
    group: d.group !== DEFAULT_GROUP ? d.group : p.group || DEFAULT_GROUP,
    tags: union.length <= PHRASE_LIMITS.tags ? union : d.tags,
  };
  const shortcut = d.shortcut ?? p.shortcut;
  if (shortcut) out.shortcut = shortcut;
  const platforms = d.platforms ?? p.platforms;
  if (platforms?.length) out.platforms = [...platforms];
  return out;
}
