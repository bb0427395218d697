import { useLiveQuery } from 'dexie-react-hooks';
import { useRef, useState, type FormEvent } from 'react';
import type { Translate } from '@/lib/badge';
import type { PhraseRow } from '@/lib/model';
import { ask } from '@/lib/ui/ask';
import { PLATFORMS, type Platform } from '@/lib/model';
import { exportPhrases } from '@/lib/phrases/export';
import { parseImport, type ImportPreview } from '@/lib/phrases/formats';
import { planImport, type ImportPlan } from '@/lib/phrases/plan';
import { searchPhrases } from '@/lib/phrases/search';
import { shortcutKey } from '@/lib/phrases/validate';
import { uiDb } from '@/lib/ui/db';
import { useT } from '../i18n';

const VARIABLES = ['{买家昵称}', '{客服名}', '{店铺名}', '{问候}', '{日期}', '{cursor}', '{?订单号}'];

type Editing = { id?: number; text: string; group: string; tags: string; shortcut: string; platforms: Platform[] };

const blank = (group = ''): Editing => ({ text: '', group, tags: '', shortcut: '', platforms: [] });

/** The phrase library: groups, search, edit, import with preview, export. Reads live; writes via the background. */
export function PhraseLibrary() {
  const t = useT();
  const phrases = useLiveQuery(() => uiDb.phrases.toArray(), []);
  const [group, setGroup] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  const all = phrases ?? [];
  const groups = [...new Set(all.map((p) => p.group))].sort((a, b) => a.localeCompare(b, 'zh'));
  const inGroup = group === null ? all : all.filter((p) => p.group === group);
  // Best match first (text, shortcut, pinyin); with no query, what is used now first.
  const shown = searchPhrases(inGroup, query, query.trim() ? { limit: 500 } : {}).map((r) => r.row);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!editing) return;
    const draft = {
      text: editing.text,
      group: editing.group,
      tags: editing.tags.split(/[,，;；、|\s]+/).filter(Boolean),
      shortcut: editing.shortcut,
      platforms: editing.platforms,
    };
    const r = await ask({ type: 'phraseSave', draft, ...(editing.id !== undefined && { id: editing.id }) });
    if (r.ok) setEditing(null);
    setStatus(r.ok ? { ok: true, text: t('phrSaved') } : { ok: false, text: r.error });
  }

  async function remove(p: PhraseRow) {
    if (p.id === undefined || !confirm(t('phrConfirmDelete', [p.text.slice(0, 30)]))) return;
    const r = await ask({ type: 'phraseDelete', id: p.id });
    setStatus(r.ok ? { ok: true, text: t('phrDeleted') } : { ok: false, text: r.error });
  }

  return (
    <section aria-labelledby="phr-title">
      <h2 id="phr-title">{t('phrTitle')}</h2>
      <div className="rs-phr-toolbar">
        <input
          type="search"
          aria-label={t('phrSearch')}
          placeholder={t('phrSearch')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="button" className="rs-primary" onClick={() => setEditing(blank(group ?? ''))}>
          {t('phrNew')}
        </button>
        <ImportExport all={all} t={t} onDone={setStatus} />
      </div>
      <p role="status" className={status?.ok ? 'rs-ok' : 'rs-error'}>
        {status?.text}
      </p>
      <div className="rs-phr-layout">
        <nav aria-label={t('phrGroups')} className="rs-phr-groups">
          <button type="button" aria-pressed={group === null} onClick={() => setGroup(null)}>
            {t('phrAll')} ({all.length})
          </button>
          {groups.map((g) => (
            <button key={g} type="button" aria-pressed={group === g} onClick={() => setGroup(g)}>
              {g} ({all.filter((p) => p.group === g).length})
            </button>
          ))}
        </nav>
        <div className="rs-phr-main">
          {editing ? (
            <Editor editing={editing} setEditing={setEditing} groups={groups} all={all} onSubmit={save} t={t} />
          ) : null}
          <table className="rs-table" aria-label={t('phrTitle')}>
            <thead>
              <tr>
                <th>{t('phrText')}</th>
                <th>{t('phrShortcut')}</th>
                <th>{t('phrUsage')}</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p) => (
                <tr key={p.id} data-phrase-id={p.id}>
                  <td>
                    <div style={{ whiteSpace: 'pre-wrap' }}>{p.text}</div>
                    <div className="rs-help">
                      {p.group}
                      {p.tags.length ? ` · ${p.tags.join('、')}` : ''}
                      {p.platforms?.length
                        ? ` · ${p.platforms.map((x) => t(`platform_${x}`)).join(t('ioListSep'))}`
                        : ''}
                    </div>
                  </td>
                  <td>{p.shortcut ? <kbd>{p.shortcut}</kbd> : null}</td>
                  <td>{p.usage}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() =>
                        setEditing({
                          id: p.id!,
                          text: p.text,
                          group: p.group,
                          tags: p.tags.join(', '),
                          shortcut: p.shortcut ?? '',
                          platforms: p.platforms ?? [],
                        })
                      }
                    >
                      {t('phrEdit')}
                    </button>{' '}
                    <button type="button" onClick={() => void remove(p)}>
                      {t('phrDelete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!shown.length ? <p className="rs-help">{t('phrNone')}</p> : null}
        </div>
      </div>
    </section>
  );
}

function Editor({
  editing,
  setEditing,
  groups,
  all,
  onSubmit,
  t,
}: {
  editing: Editing;
  setEditing: (e: Editing | null) => void;
  groups: string[];
  /** The library, to say beside the shortcut field when the shortcut is another phrase's already. */
  all: readonly PhraseRow[];
  onSubmit: (e: FormEvent) => void;
  t: Translate;
}) {
  const key = editing.shortcut.trim() ? shortcutKey(editing.shortcut) : '';
  const owner = key ? all.find((p) => p.id !== editing.id && p.shortcut && shortcutKey(p.shortcut) === key) : undefined;
  const textRef = useRef<HTMLTextAreaElement>(null);
  const addVar = (v: string) => {
    const ta = textRef.current;
    const at = ta?.selectionStart ?? editing.text.length;
    setEditing({ ...editing, text: editing.text.slice(0, at) + v + editing.text.slice(ta?.selectionEnd ?? at) });
  };
  return (
    <form
      className="rs-phr-editor"
      onSubmit={onSubmit}
      aria-label={editing.id === undefined ? t('phrNew') : t('phrEdit')}
    >
      <label className="rs-field">
        <span>{t('phrText')}</span>
        <textarea
          ref={textRef}
          name="text"
          rows={4}
          required
          value={editing.text}
          onChange={(e) => setEditing({ ...editing, text: e.target.value })}
        />
      </label>
      <div className="rs-help">
        {t('phrVariables')}{' '}
        {VARIABLES.map((v) => (
          <button key={v} type="button" className="rs-chip" onClick={() => addVar(v)}>
            {v}
          </button>
        ))}
      </div>
      <div className="rs-phr-row">
        <label className="rs-field">
          <span>{t('phrGroup')}</span>
          <input
            name="group"
            list="rs-groups"
            value={editing.group}
            onChange={(e) => setEditing({ ...editing, group: e.target.value })}
          />
          <datalist id="rs-groups">
            {groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        </label>
        <label className="rs-field">
          <span>{t('phrShortcut')}</span>
          <input
            name="shortcut"
            placeholder="/fh"
            value={editing.shortcut}
            aria-invalid={owner ? true : undefined}
            aria-describedby={owner ? 'phr-shortcut-taken' : undefined}
            onChange={(e) => setEditing({ ...editing, shortcut: e.target.value })}
          />
          {owner ? (
            <span className="rs-error" role="alert" id="phr-shortcut-taken">
              {t('phrConflict', [
                editing.shortcut.trim(),
                owner.text.length > 30 ? `${owner.text.slice(0, 30)}…` : owner.text,
              ])}
            </span>
          ) : null}
        </label>
        <label className="rs-field">
          <span>{t('phrTags')}</span>
          <input name="tags" value={editing.tags} onChange={(e) => setEditing({ ...editing, tags: e.target.value })} />
        </label>
      </div>
      <fieldset className="rs-field">
        <legend>{t('phrPlatforms')}</legend>
        {PLATFORMS.map((p) => (
          <label key={p} style={{ marginRight: 10 }}>
            <input
              type="checkbox"
              checked={editing.platforms.includes(p)}
              onChange={(e) =>
                setEditing({
                  ...editing,
                  platforms: e.target.checked ? [...editing.platforms, p] : editing.platforms.filter((x) => x !== p),
                })
              }
            />{' '}
            {t(`platform_${p}`)}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="rs-primary" disabled={owner !== undefined}>
        {t('optSave')}
      </button>{' '}
      <button type="button" onClick={() => setEditing(null)}>
        {t('phrCancel')}
      </button>
    </form>
  );
}

function download(name: string, mime: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function ImportExport({
  all,
  t,
  onDone,
}: {
  all: PhraseRow[];
  t: Translate;
  onDone: (s: { ok: boolean; text: string }) => void;
}) {
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mode, setMode] = useState<'merge' | 'replace'>('merge');
  const fileRef = useRef<HTMLInputElement>(null);

  async function pick(files: FileList | null) {
    const f = files?.[0];
    if (!f) return;
    setPreview(parseImport({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }, t));
  }

  async function commit() {
    if (!preview) return;
    const plan = planImport(preview, all, mode, t);
    const replaceAll = mode === 'replace';
    // Replacing the library with nothing deletes every phrase: only when the user says so.
    const confirmDeleteAll = replaceAll && plan.add.length === 0 && confirm(t('phrConfirmDeleteAll'));
    if (replaceAll && plan.add.length === 0 && !confirmDeleteAll) return;
    const r = await ask({ type: 'phraseImport', add: plan.add, update: plan.update, replaceAll, confirmDeleteAll });
    onDone(r.ok ? { ok: true, text: t('phrImported', [r.added ?? 0, r.updated ?? 0]) } : { ok: false, text: r.error });
    if (r.ok) setPreview(null);
    if (fileRef.current) fileRef.current.value = '';
  }

  const plan = preview ? planImport(preview, all, mode, t) : null;
  const conflicts = new Map((plan?.conflicts ?? []).map((c) => [c.line, c] as const));
  return (
    <>
      <label className="rs-file">
        {t('phrImport')}
        <input
          ref={fileRef}
          type="file"
          accept=".csv,.txt,.json,text/csv,text/plain,application/json"
          onChange={(e) => void pick(e.target.files)}
        />
      </label>
      {(['csv', 'txt', 'json'] as const).map((f) => (
        <button
          key={f}
          type="button"
          onClick={() => {
            const out = exportPhrases(all, f);
            download(out.name, out.mime, out.text);
          }}
        >
          {t('phrExport', [f.toUpperCase()])}
        </button>
      ))}
      {preview && plan ? (
        <div className="rs-phr-preview" role="region" aria-label={t('phrPreview')}>
          <h3>{t('phrPreview')}</h3>
          <p data-testid="import-summary">{importSummary(preview, plan, t)}</p>
          <label>
            <input type="radio" name="mode" checked={mode === 'merge'} onChange={() => setMode('merge')} />{' '}
            {t('phrMerge')}
          </label>{' '}
          <label>
            <input type="radio" name="mode" checked={mode === 'replace'} onChange={() => setMode('replace')} />{' '}
            {t('phrReplace')}
          </label>
          <table className="rs-table">
            <tbody>
              {preview.rows.slice(0, 200).map((r) => {
                // A shortcut conflict is the row's problem: said in the row, in the UI language.
                const conflict = conflicts.get(r.line);
                return (
                  <tr
                    key={r.line}
                    data-line={r.line}
                    className={r.error || conflict ? 'rs-error' : ''}
                    data-conflict={conflict ? '' : undefined}
                  >
                    <td>{r.line}</td>
                    <td style={{ whiteSpace: 'pre-wrap' }}>{r.draft?.text ?? ''}</td>
                    <td>
                      {conflict
                        ? t('phrConflict', [conflict.draft.shortcut ?? '', conflict.existing.text])
                        : (r.error ?? r.warning ?? '')}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button
            type="button"
            className="rs-primary"
            disabled={preview.errors > 0 || (!plan.add.length && !plan.update.length)}
            onClick={() => void commit()}
          >
            {t('phrConfirmImport')}
          </button>{' '}
          <button type="button" onClick={() => setPreview(null)}>
            {t('phrCancel')}
          </button>
          {preview.fatal ? <p className="rs-error">{preview.fatal}</p> : null}
          {preview.notes.map((n) => (
            <p key={n} className="rs-help">
              {n}
            </p>
          ))}
          {mode === 'replace' && plan.removed ? (
            <p className="warn">{t('phrWillRemove', { count: plan.removed })}</p>
          ) : null}
          {preview.errors > 0 || plan.conflicts.length > 0 ? <p className="rs-error">{t('phrFixErrors')}</p> : null}
        </div>
      ) : null}
    </>
  );
}

/**
 * The import preview in numbers that add up: all rows, then the importable ones split into what happens to them
 * (new, updated, already there, shortcut conflicts), the rows repeated inside the file, the rows with errors.
 * "4 行：2 行可导入（新增 1 条，已有 1 条跳过），2 行有错误". Parts that are 0 are left out.
 */
export function importSummary(preview: ImportPreview, plan: ImportPlan, t: Translate): string {
  const sep = t('phrSumSep');
  const total = preview.rows.length;
  const ok = plan.add.length + plan.update.length + plan.conflicts.length;
  const same = Math.max(0, preview.ok - ok);
  const details = [
    plan.add.length ? t('phrSumAdd', [plan.add.length]) : '',
    plan.update.length ? t('phrSumUpdate', [plan.update.length]) : '',
    same ? t('phrSumSame', [same]) : '',
    plan.conflicts.length ? t('phrSumConflict', [plan.conflicts.length]) : '',
  ].filter(Boolean);
  const repeated = Math.max(0, total - preview.ok - preview.errors);
  const parts = [
    t('phrSumOk', [preview.ok]) + (details.length ? t('phrSumDetail', [details.join(sep)]) : ''),
    repeated ? t('phrSumRepeat', [repeated]) : '',
    preview.errors ? t('phrSumErrors', [preview.errors]) : '',
  ].filter(Boolean);
  return t('phrSumTotal', [total, parts.join(sep)]);
}
