import { useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import {
  buildExport,
  chinaDateTime,
  clocksCsv,
  decisionText,
  parseExport,
  rollupsCsv,
  teamSources,
  type SourcedRollup,
  type TeamDecision,
} from '@/lib/analytics';
import type { Translate } from '@/lib/badge';
import type { RollupRow } from '@/lib/model';
import { safeText } from '@/lib/text';
import { ask } from '@/lib/ui/ask';
import { PageText, tNodes } from '../PageText';
import { useDeferredQuery } from '../useDeferredQuery';
import { useAnalyticsStore } from './store';

/** Dexie, loaded by the first query (the page's first frame has none: `AnalyticsPage`). */
const loadQueries = () => import('./query-module');

/** Files above this size are refused before reading (an export of a year of a busy team is far smaller). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** Saves text as a file (a local download; nothing leaves the computer). */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file's text (FileReader: works in every browser and in jsdom). */
export function readText(f: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('cannot read the file'));
    r.readAsText(f);
  });
}

export function TeamDataSection({
  today,
  shown,
  team,
  agentId,
  t,
}: {
  today: string;
  /** The rollups the page shows (the team view when chosen), for the CSV. */
  shown: (RollupRow | SourcedRollup)[];
  team: boolean;
  agentId: string | undefined;
  t: Translate;
}) {
  const st = useAnalyticsStore();
  const [status, setStatus] = useState<{ ok: boolean; text: ReactNode } | null>(null);
  /** The last import's decisions: which copy counts where a row came more than once (first ones, and how many). */
  const [decisions, setDecisions] = useState<{ list: TeamDecision[]; count: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const imported = useDeferredQuery(loadQueries, (m) => m.uiDb.teamRollups.toArray(), []);
  const sources = teamSources(imported ?? []);

  async function exportJson() {
    let id = agentId;
    if (!id) {
      const reply = await ask({ type: 'agentId' });
      if (!reply.ok || typeof reply.agentId !== 'string') {
        setStatus({ ok: false, text: t('anaExportError', [reply.ok ? 'no id' : safeText(reply.error)]) });
        return;
      }
      id = reply.agentId;
    }
    const { uiDb } = await loadQueries();
    const [rollups, clocks] = await Promise.all([uiDb.rollups.toArray(), uiDb.clocks.toArray()]);
    const bundle = buildExport({ agentId: id, label: st.exportLabel, now: Date.now(), rollups, clocks });
    download(`reply-sentinel-${today}.json`, JSON.stringify(bundle, null, 1), 'application/json');
    setStatus({ ok: true, text: t('anaExported', [rollups.length, clocks.length]) });
  }

  function exportRollupsCsv() {
    download(`reply-sentinel-daily-${today}.csv`, rollupsCsv(shown), 'text/csv;charset=utf-8');
  }

  async function exportClocksCsv() {
    const { uiDb } = await loadQueries();
    download(`reply-sentinel-clocks-${today}.csv`, clocksCsv(await uiDb.clocks.toArray()), 'text/csv;charset=utf-8');
  }

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    setBusy(true);
    setStatus(null);
    setDecisions(null);
    try {
      if (f.size > MAX_IMPORT_BYTES) throw new Error(t('anaImportTooBig', [Math.round(MAX_IMPORT_BYTES / 1048576)]));
      let raw: unknown;
      try {
        raw = JSON.parse(await readText(f));
      } catch {
        throw new Error(t('anaImportBadJson'));
      }
      // Checked here for a quick answer; the background checks again before writing anything.
      const parsed = parseExport(raw);
      if (!parsed.ok) throw new Error(parsed.error);
      if (agentId && parsed.value.source.id === agentId) throw new Error(t('anaImportOwn'));
      const reply = await ask({ type: 'teamImport', bundle: parsed.value });
      if (!reply.ok) throw new Error(reply.error);
      setStatus({
        ok: true,
        text: tNodes(t, 'anaImportDone', [
          <PageText text={parsed.value.source.label || parsed.value.source.id} />,
          Number(reply.added),
          Number(reply.replaced),
          Number(reply.kept),
        ]),
      });
      const list = reply.decisions;
      setDecisions({ list, count: Math.max(list.length, reply.decisionCount) });
    } catch (err) {
      // The message may quote the file (a row id holds its account name): page text.
      setStatus({ ok: false, text: tNodes(t, 'anaImportError', [<PageText text={(err as Error).message} />]) });
    } finally {
      setBusy(false);
    }
  }

  async function remove(source: string) {
    const reply = await ask({ type: 'teamRemove', source });
    setStatus(
      reply.ok
        ? { ok: true, text: t('anaRemoved') }
        : { ok: false, text: t('anaImportError', [safeText(reply.error)]) },
    );
  }

  return (
    <section id="ana-data" aria-labelledby="ana-data-h">
      <h2 id="ana-data-h">{t('anaData')}</h2>
      <p className="rs-help">{t('anaExportHelp')}</p>
      <label className="rs-field">
        <span>{t('anaExportLabel')}</span>
        <input
          type="text"
          maxLength={100}
          value={st.exportLabel}
          onChange={(e) => st.set({ exportLabel: e.target.value })}
        />
      </label>
      <div className="rs-buttons">
        <button type="button" className="rs-primary" onClick={() => void exportJson()}>
          {t('anaExportJson')}
        </button>
        <button type="button" onClick={exportRollupsCsv}>
          {team ? t('anaExportTeamCsv') : t('anaExportRollupsCsv')}
        </button>
        <button type="button" onClick={() => void exportClocksCsv()}>
          {t('anaExportClocksCsv')}
        </button>
      </div>
      <label className="rs-field">
        <span>{t('anaImport')}</span>
        <input
          ref={file}
          type="file"
          accept=".json,application/json"
          disabled={busy}
          onChange={(e) => void onFile(e)}
        />
      </label>
      <p role="status" className={status?.ok ? 'rs-ok' : 'rs-error'}>
        {status?.text}
      </p>
      {decisions?.count ? (
        <div className="rs-decisions">
          <p>{t('anaDecisions', [decisions.count])}</p>
          <ul>
            {decisions.list.map((d) => (
              <li key={`${d.kind}|${d.id}|${d.kept.source}|${d.over.source}|${d.over.copy}`}>{decisionText(d, t)}</li>
            ))}
          </ul>
          {decisions.count > decisions.list.length ? (
            <p>{t('anaDecisionsMore', [decisions.count - decisions.list.length])}</p>
          ) : null}
        </div>
      ) : null}
      <details>
        <summary>{t('anaTeamRuleTitle')}</summary>
        <p className="rs-help">{t('anaTeamRule')}</p>
      </details>
      <h3>{t('anaSources')}</h3>
      {!sources.length ? (
        <p className="rs-empty">{t('anaNoSources')}</p>
      ) : (
        <ul className="rs-sources">
          {sources.map((s) => (
            <li key={s.source}>
              <span>
                {tNodes(t, 'anaSourceRow', [
                  <PageText text={s.label || s.source} />,
                  s.rows,
                  chinaDateTime(s.exportedAt).slice(0, 16),
                ])}
              </span>{' '}
              <button
                type="button"
                onClick={() => void remove(s.source)}
                aria-label={t('anaRemoveSource', [safeText(s.label || s.source)])}
              >
                {t('anaRemove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
