/**
 * The phrase library's writes (the UI and content scripts only read, or ask through messages).
 * Every write validates first; imports are one atomic transaction.
 */
import type { SentinelDB } from '../db/schema';
import type { PhraseRow } from '../model';
import { catalogTranslate, say, type Said, type Translate } from '../i18n';
import type { Platform } from '../model';
import { pinyinKey } from '../phrases/pinyin';
import { oneMoreUse } from '../phrases/search';
import { STARTER_PHRASES } from '../phrases/starter';
import { shortcutKey, validateDraft, type PhraseDraft } from '../phrases/validate';

export type PhraseReply = { ok: true; id?: number; added?: number; updated?: number } | { ok: false; error: string };

export class PhraseStore {
  /**
   * @param changed called after a write changed what phrases say (save, delete, import, the starter pack): the
   *   background tells the workbench tabs, whose palettes drop the phrases they hold. A use is not one: the palette
   *   counts its own uses, and picks up others' at its next open (the revision changes).
   */
  constructor(
    private readonly db: SentinelDB,
    private readonly now: () => number,
    private readonly changed: () => void = () => undefined,
    /** Its refusals' language (the worker's: the setting). */
    private readonly t: Translate = catalogTranslate('zh_CN'),
  ) {}

  private said(errors: readonly Said[]): string {
    return errors.map((e) => say(this.t, e)).join(this.t('ioSep'));
  }

  /** Seeds the starter pack into an empty library (first run). */
  async seedIfEmpty(): Promise<void> {
    const seeded = await this.db.transaction('rw', this.db.phrases, async () => {
      if ((await this.db.phrases.count()) > 0) return false;
      const now = this.now();
      await this.db.phrases.bulkAdd(
        STARTER_PHRASES.map((p) => withPinyin({ ...p, tags: [...p.tags], usage: 0, updatedAt: now })),
      );
      return true;
    });
    if (seeded) this.changed();
  }

  /**
   * Phrases visible on a platform (all when no platform), for the in-page palette. Rows written before pinyin keys
   * existed get theirs here, once (stored in the same transaction that reads them).
   */
  async visible(platform?: Platform): Promise<PhraseRow[]> {
    const lacking = (rows: PhraseRow[]) => rows.filter((p) => p.pinyin === undefined && pinyinKey(p.text));
    let all = await this.db.phrases.toArray();
    if (lacking(all).length) {
      // Requests arriving meanwhile wait for the one fix (the keys of 5 000 rows take a while to make).
      this.fixing ??= this.db
        .transaction('rw', this.db.phrases, async () => {
          const rows = await this.db.phrases.toArray();
          const fixed = lacking(rows).map(withPinyin);
          if (fixed.length) await this.db.phrases.bulkPut(fixed);
          const byId = new Map(fixed.map((p) => [p.id, p]));
          return rows.map((p) => byId.get(p.id) ?? p);
        })
        .finally(() => {
          this.fixing = null;
        });
      all = await this.fixing;
    }
    return platform ? all.filter((p) => !p.platforms?.length || p.platforms.includes(platform)) : all;
  }

  /** The running fix of rows without pinyin keys (see `visible`). */
  private fixing: Promise<PhraseRow[]> | null = null;

  /** One more use, now: counted in `usage`, and in `recent` (older uses decayed to now; see useScore). */
  async used(id: number): Promise<void> {
    const now = this.now();
    await this.db.phrases
      .where('id')
      .equals(id)
      .modify((p) => {
        Object.assign(p, oneMoreUse(p, now));
      });
  }

  /** Adds (no id) or replaces (id) one phrase. A shortcut may belong to one phrase only, whatever its case. */
  async save(raw: unknown, id?: number): Promise<PhraseReply> {
    const v = validateDraft(raw);
    if (!v.ok) return { ok: false, error: this.said(v.errors) };
    return this.told(
      this.db.transaction('rw', this.db.phrases, async () => {
        const sc = v.draft.shortcut;
        const key = sc === undefined ? undefined : shortcutKey(sc);
        const clash =
          key === undefined
            ? undefined
            : await this.db.phrases
                .filter((p) => p.id !== id && p.shortcut !== undefined && shortcutKey(p.shortcut) === key)
                .first();
        if (clash) return { ok: false as const, error: shortcutTaken(this.t, sc!, clash) };
        if (id !== undefined) {
          const prev = await this.db.phrases.get(id);
          if (!prev) return { ok: false as const, error: 'no such phrase' };
          await this.db.phrases.put(toRow(v.draft, { ...usesOf(prev), id, updatedAt: this.now() }));
          return { ok: true as const, id };
        }
        const newId = await this.db.phrases.add(toRow(v.draft, { usage: 0, updatedAt: this.now() }));
        return { ok: true as const, id: newId as number };
      }),
    );
  }

  async remove(id: number): Promise<PhraseReply> {
    await this.db.phrases.delete(id);
    this.changed();
    return { ok: true };
  }

  /** Calls `changed` once the write went through. */
  private async told(write: Promise<PhraseReply>): Promise<PhraseReply> {
    const r = await write;
    if (r.ok) this.changed();
    return r;
  }

  /**
   * Applies an import plan atomically: every draft is validated again here (the page is not trusted), and
   * if any is invalid or a shortcut clashes, nothing is written.
   */
  async applyImport(plan: {
    add: unknown[];
    update: { id: number; draft: unknown }[];
    replaceAll?: boolean;
  }): Promise<PhraseReply> {
    const adds: PhraseDraft[] = [];
    const updates: { id: number; draft: PhraseDraft }[] = [];
    const errors: string[] = [];
    plan.add.forEach((d, i) => {
      const v = validateDraft(d);
      if (v.ok) adds.push(v.draft);
      else errors.push(`#${i + 1}: ${this.said(v.errors)}`);
    });
    plan.update.forEach((u, i) => {
      const v = validateDraft(u.draft);
      if (v.ok && Number.isInteger(u.id)) updates.push({ id: u.id, draft: v.draft });
      else errors.push(`update #${i + 1}: ${v.ok ? 'bad id' : this.said(v.errors)}`);
    });
    if (errors.length) return { ok: false, error: errors.slice(0, 5).join(' | ') };
    try {
      return await this.told(
        this.db.transaction('rw', this.db.phrases, async () => {
          const now = this.now();
          // Replacing the library keeps the uses of phrases whose text stays.
          const keptUses = new Map<string, Uses>();
          if (plan.replaceAll) {
            for (const p of await this.db.phrases.toArray()) {
              const had = keptUses.get(p.text);
              if (!had || p.usage > had.usage) keptUses.set(p.text, usesOf(p));
            }
            await this.db.phrases.clear();
          }
          for (const u of updates) {
            const prev = await this.db.phrases.get(u.id);
            if (!prev) throw new Error(`no such phrase ${u.id}`);
            await this.db.phrases.put(toRow(u.draft, { ...usesOf(prev), id: u.id, updatedAt: now }));
          }
          const addedIds = await this.db.phrases.bulkAdd(
            adds.map((d) => toRow(d, { ...(keptUses.get(d.text) ?? { usage: 0 }), updatedAt: now })),
            { allKeys: true },
          );
          // One shortcut, one phrase (whatever its case): checked over the result, inside the transaction (a failure
          // rolls back). Only the phrases this import writes are checked, so a library that already held two
          // shortcuts differing in case (saved before case was ignored) can still import other phrases.
          const written = new Set<number>([...updates.map((u) => u.id), ...(addedIds as number[])]);
          const byKey = new Map<string, PhraseRow[]>();
          for (const p of await this.db.phrases.toArray()) {
            if (!p.shortcut) continue;
            const k = shortcutKey(p.shortcut);
            const same = byKey.get(k);
            if (same) same.push(p);
            else byKey.set(k, [p]);
          }
          for (const same of byKey.values()) {
            if (same.length < 2) continue;
            const mine = same.find((p) => written.has(p.id!));
            if (!mine) continue;
            const other = same.find((p) => p !== mine)!;
            throw new Error(shortcutTaken(this.t, mine.shortcut!, other));
          }
          return { ok: true as const, added: adds.length, updated: updates.length };
        }),
      );
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }
}

/** `shortcut` is taken by `owner` (the same shortcut, ignoring case). */
function shortcutTaken(t: Translate, shortcut: string, owner: PhraseRow): string {
  const text = owner.text.replace(/\s+/g, ' ');
  const shown = text.length > 20 ? `${text.slice(0, 20)}…` : text;
  return t('phrShortcutTaken', [shortcut, shown, owner.shortcut!]);
}

/** The row with the pinyin key of its text (none when the text has no Chinese character). */
function withPinyin<T extends PhraseRow>(row: T): T {
  const { pinyin: _old, ...rest } = row;
  const key = pinyinKey(row.text);
  return (key === undefined ? rest : { ...rest, pinyin: key }) as T;
}

type Uses = Pick<PhraseRow, 'usage' | 'usedAt' | 'recent'>;

/** What a phrase keeps of its uses when it is edited or imported again. */
function usesOf(p: PhraseRow): Uses {
  return {
    usage: p.usage,
    ...(p.usedAt !== undefined && { usedAt: p.usedAt }),
    ...(p.recent !== undefined && { recent: p.recent }),
  };
}

function toRow(d: PhraseDraft, extra: Uses & { id?: number; updatedAt: number }): PhraseRow {
  return withPinyin({
    ...(extra.id !== undefined && { id: extra.id }),
    text: d.text,
    group: d.group,
    tags: d.tags,
    ...(d.shortcut !== undefined && { shortcut: d.shortcut }),
    ...(d.platforms !== undefined && { platforms: d.platforms }),
    usage: extra.usage,
    ...(extra.usedAt !== undefined && { usedAt: extra.usedAt }),
    ...(extra.recent !== undefined && { recent: extra.recent }),
    updatedAt: extra.updatedAt,
  });
}
