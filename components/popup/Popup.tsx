import { pick } from '@/lib/i18n';
import { useEffect, useLayoutEffect, useState } from 'react';
import type { Translate } from '@/lib/badge';
import { ceilSec, spokenDuration } from '@/lib/duration';
import { complianceView, type Figure, type FigureState, type MetricView } from '@/lib/compliance';
import type { ClockRow, TabRow } from '@/lib/model';
import { byUrgency } from '@/lib/engine';
import { chinaDay } from '@/lib/engine/time';
import { healthText } from '@/lib/health';
import { COVERAGE_GAP_MS } from '@/lib/messages';
import { ask } from '@/lib/ui/ask';
import { DEFAULT_RULES } from '@/lib/rules';
import { outsideHoursNotes } from '@/lib/assessed';
import { isUnrecognisedAccount } from '@/lib/model';
import { DbNotice } from '../DbNotice';
import { BackgroundStatus } from './BackgroundStatus';
import { useT } from '../i18n';
import { PageText } from '../PageText';
import { usePopupStore } from './store';
import { useDeferredQuery } from '../useDeferredQuery';
import { BREACH_SHOWN_MS, UNKNOWN_SHOWN_MS } from '@/lib/shown';
import type { PopupData } from './first-read';
import { useNow } from './useNow';

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const hhmm = (ms: number) =>
  new Date(ms).toLocaleTimeString('zh-CN', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  });

/** Dexie and the popup's queries, loaded after the first frame (the first data comes from a raw read: main.tsx). */
const loadQueries = () => import('./query-module');
/**
 * `initial`: the data read before the first render (entrypoints/popup/main.tsx), shown until the deferred query has
 * run. `later`: that read, still running when the popup had to render (main.tsx's timeout): the popup waits for it
 * rather than starting Dexie and the same read beside it; none (a failed read) starts the deferred query.
 */
export function Popup({ initial, later }: { initial?: PopupData; later?: Promise<PopupData | undefined> } = {}) {
  const [first, setFirst] = useState(initial);
  const [waiting, setWaiting] = useState(() => !initial && !!later);
  useEffect(() => {
    if (!waiting || !later) return;
    let live = true;
    void later.then((d) => {
      if (!live) return;
      setFirst(d);
      setWaiting(false);
    });
    return () => {
      live = false;
    };
    // Once: the read started for this popup.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // The deferred queries start after the first frame is on screen (their Dexie open would otherwise compete with it).
  const [queriesOn, setQueriesOn] = useState(!initial && !later);
  useLayoutEffect(() => {
    if (!queriesOn && !waiting) requestAnimationFrame(() => setTimeout(() => setQueriesOn(true)));
  }, [queriesOn, waiting]);
  const t = useT({ initial: first?.language, enabled: queriesOn });
  const now = useNow();
  const section = usePopupStore((s) => s.section);
  const setSection = usePopupStore((s) => s.setSection);
  const today = chinaDay(now);

  const data = useDeferredQuery(loadQueries, (m) => m.readPopupData(Date.now()), [today], first, queriesOn);
  const rules = data?.rules ?? DEFAULT_RULES;
  const { tabs, clocks, rollups } = data ?? {};

  // For the benchmarks (`npm run bench`): `rs-popup-rendered` when the header, the queue and the compliance figures
  // have first rendered with their data (today's failed list loads with the compliance tab), and
  // `rs-popup-painted` in the task after the browser painted that frame.
  const loaded = !!(tabs && clocks && rollups);
  useEffect(() => {
    if (!loaded || performance.getEntriesByName('rs-popup-rendered').length) return;
    performance.mark('rs-popup-rendered');
    requestAnimationFrame(() => setTimeout(() => performance.mark('rs-popup-painted')));
  }, [loaded]);

  const reportingTabs = (tabs ?? []).filter((tab) => now - tab.lastSeen <= COVERAGE_GAP_MS);
  const queue = (clocks ?? [])
    .filter((c) => {
      if (c.status === 'pending') return true;
      if (c.status === 'breached') return c.dueAt !== null && now - c.dueAt <= BREACH_SHOWN_MS;
      if (c.status === 'unknown') return c.dueAt !== null && now - c.dueAt <= UNKNOWN_SHOWN_MS;
      return c.startedAt !== null && now - c.startedAt <= BREACH_SHOWN_MS;
    })
    .sort(byUrgency);

  return (
    <div className="rs-popup">
      <header className="rs-popup-head">
        <strong>{t('extName')}</strong>
        <span className="rs-popup-links">
          <a href={browser.runtime.getURL('/analytics.html')} target="_blank" rel="noreferrer">
            {t('popupAnalytics')}
          </a>{' '}
          <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noreferrer">
            {t('popupSettings')}
          </a>
        </span>
      </header>
      <DbNotice t={t} />
      <HealthStrip tabs={reportingTabs} t={t} />
      <BackgroundStatus tabs={reportingTabs} now={now} t={t} />
      {outsideHoursNotes(
        reportingTabs.filter((tab) => tab.health === 'watching').map((tab) => tab.platform),
        rules,
        now,
        t,
      ).map((note) => (
        <p key={note} className="rs-outside-hours" role="note">
          {note}
        </p>
      ))}
      <div role="tablist" className="rs-tabs">
        {(['queue', 'compliance', 'phrases'] as const).map((s) => (
          <button
            key={s}
            role="tab"
            id={`tab-${s}`}
            aria-selected={section === s}
            aria-controls={`panel-${s}`}
            onClick={() => setSection(s)}
          >
            {s === 'queue'
              ? data
                ? `${t('popupQueue')} (${queue.length})`
                : t('popupQueue')
              : s === 'compliance'
                ? t('popupCompliance')
                : t('popupPhrases')}
          </button>
        ))}
      </div>
      {section === 'phrases' ? (
        <section role="tabpanel" id="panel-phrases" aria-labelledby="tab-phrases">
          <Phrases t={t} />
        </section>
      ) : !data ? (
        // Nothing read yet (the first read still running): say so, not "no workbench open" or empty figures.
        <section role="tabpanel" id={`panel-${section}`} aria-labelledby={`tab-${section}`} aria-busy="true">
          <p className="rs-empty">{t('anaLoading')}</p>
        </section>
      ) : section === 'queue' ? (
        <section role="tabpanel" id="panel-queue" aria-labelledby="tab-queue">
          <Queue clocks={queue} now={now} t={t} hasTabs={reportingTabs.length > 0} />
        </section>
      ) : (
        <section role="tabpanel" id="panel-compliance" aria-labelledby="tab-compliance">
          <Compliance
            views={complianceView(rules, rollups ?? [], today).filter((p) => p.active)}
            primaries={new Set(Object.values(rules.platforms).map((p) => p.primary))}
            today={today}
            t={t}
          />
        </section>
      )}
    </div>
  );
}

/** The most used phrases; a click inserts one into the last focused workbench input. */
function Phrases({ t }: { t: Translate }) {
  const phrases = useDeferredQuery(loadQueries, (m) => m.topPhrases(m.uiDb, 8), []);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  if (phrases && !phrases.length) return <p className="rs-empty">{t('popupNoPhrases')}</p>;
  async function insert(id: number) {
    const reply = await ask({ type: 'insertPhrase', phraseId: id });
    setStatus(reply.ok ? { ok: true, text: t('popupPhraseInserted') } : { ok: false, text: reply.error });
  }
  return (
    <div>
      <p className="rs-help">{t('popupPhraseHint')}</p>
      <ul className="rs-phrases">
        {(phrases ?? []).map((p) => (
          <li key={p.id}>
            <button type="button" className="rs-phrase" onClick={() => void insert(p.id!)}>
              {p.shortcut ? <kbd>{p.shortcut}</kbd> : null} {p.text}
            </button>
          </li>
        ))}
      </ul>
      <p role="status" className={status?.ok ? 'rs-ok' : 'rs-error'}>
        {status?.text}
      </p>
    </div>
  );
}

/** Each reporting workbench tab: watching, or what it cannot see (each missing part: "看不到聊天记录、看不到输入框"). */
function HealthStrip({ tabs, t }: { tabs: TabRow[]; t: Translate }) {
  if (!tabs.length) return null;
  return (
    <ul className="rs-health" aria-label={t('popupTabsLabel')}>
      {tabs.map((tab) => (
        <li
          key={tab.tabId}
          className={tab.health === 'watching' ? 'ok' : 'bad'}
          role={tab.health === 'watching' ? undefined : 'alert'}
        >
          <span className="dot" aria-hidden="true" />
          {t(`platform_${tab.platform}`)} · <Shop account={tab.account} t={t} /> ·{' '}
          {healthText(t, tab.health, tab.parts)}
        </li>
      ))}
    </ul>
  );
}

function Queue({ clocks, now, t, hasTabs }: { clocks: ClockRow[]; now: number; t: Translate; hasTabs: boolean }) {
  if (!clocks.length) return <p className="rs-empty">{hasTabs ? t('popupNobody') : t('popupNoTabs')}</p>;
  return (
    <ol className="rs-queue">
      {clocks.map((c) => {
        const left = c.dueAt === null ? null : c.dueAt - now;
        const counting = c.status === 'pending' && left !== null && left > 0;
        const cls =
          c.status === 'unknown' || c.status === 'notAssessed'
            ? 'muted'
            : !counting
              ? 'over'
              : left <= 30_000
                ? 'urgent'
                : left <= 60_000
                  ? 'soon'
                  : 'calm';
        const label =
          c.status === 'unknown'
            ? t('popupUnknown')
            : c.status === 'notAssessed'
              ? t('popupNotAssessed')
              : counting
                ? t('popupLeft', [spokenDuration(ceilSec(left), t, true)])
                : t('popupOver', [spokenDuration(ceilSec(-(left ?? 0)), t, true)]);
        return (
          <li key={c.key}>
            <button
              type="button"
              className={`rs-item ${cls}`}
              title={t('popupFocus')}
              onClick={() => void ask({ type: 'focus', conv: c.key })}
            >
              <span className="who">
                <PageText text={c.buyerNick ?? c.buyer} />
              </span>
              <span className="time" role="timer">
                {label}
              </span>
              <span className="meta">
                {t(`platform_${c.platform}`)} · <Shop account={c.account} shop={c.shop} t={t} />
                {c.waitingMessages > 1 ? ` · ${t('popupWaitingMsgs', [c.waitingMessages])}` : ''}
                {c.startedBeforeWatching ? ` · ${t('popupStartedBefore')}` : ''}
                {c.seenLate && c.status === 'breached' ? ` · ${t('popupSeenLate')}` : ''}
              </span>
              {c.lastText ? (
                <span className="text">
                  <PageText text={c.lastText} />
                </span>
              ) : null}
            </button>
          </li>
        );
      })}
    </ol>
  );
}

/** The shop as the page shows it, or "unrecognised shop" for a tab whose page shows none (its own account). */
function Shop({ account, shop, t }: { account: string; shop?: string | undefined; t: Translate }) {
  if (shop !== undefined) return <PageText text={shop} />;
  return isUnrecognisedAccount(account) ? <>{t('popupUnrecognisedShop')}</> : <PageText text={account} />;
}

function FigureLine({ f, m, state, t }: { f: Figure; m: MetricView; state: FigureState; t: Translate }) {
  if (state === 'empty') return <span className="muted">{t('popupNoData')}</span>;
  if (state === 'notAssessed') return <span className="muted">{t('popupNotAssessedShort')}</span>;
  const main =
    m.rule.formula === 'rate' ? pct(f.rate) : t('popupAvg', [f.average === null ? '—' : Math.round(f.average)]);
  return (
    <span className={state === 'warn' ? 'warn' : ''} title={state === 'warn' ? t('popupWarn') : undefined}>
      <b>{main}</b> <small>{t('popupCounts', [f.pass, f.fail])}</small>
    </span>
  );
}

function Compliance({
  views,
  primaries,
  today,
  t,
}: {
  views: ReturnType<typeof complianceView>;
  primaries: ReadonlySet<string>;
  today: string;
  t: Translate;
}) {
  // Today's failed and unobserved units of the primary metrics: two exact index keys (no cursor walk).
  const failed = useDeferredQuery(
    loadQueries,
    (m) => Promise.all((['fail', 'unknown'] as const).map((r) => m.unitsWithResult(m.uiDb, [today], r))),
    [today],
  );
  if (!views.length) return <p className="rs-empty">{t('popupNoData')}</p>;
  const fails = (failed?.[0] ?? []).filter((u) => primaries.has(u.metric)).sort((a, b) => b.startAt - a.startAt);
  const unknown = (failed?.[1] ?? []).filter((u) => primaries.has(u.metric));
  return (
    <div className="rs-compliance">
      {views.map((p) => (
        <article key={p.platform} className="rs-card">
          <h3>{t(`platform_${p.platform}`)}</h3>
          {p.metrics.map((m) => (
            <div key={m.rule.key} className="rs-metric" data-metric={m.rule.key}>
              <div className="name">
                {pick(m.rule.label, t.lang)}
                {m.rule.confidence === 'L' ? <small className="muted"> · {t('popupUnverified')}</small> : null}
              </div>
              <div>
                <small className="muted">
                  {t('popupEstimate')}
                  {t('labelSep')}
                </small>
                <FigureLine f={m.today} m={m} state={m.todayState} t={t} />
                {m.today.pending || m.today.unknown ? (
                  <small className="muted"> · {t('popupPendingUnknown', [m.today.pending, m.today.unknown])}</small>
                ) : null}
              </div>
              {m.periods.map((per) => (
                <div key={per.days}>
                  <small className="muted">
                    {per.days === 1 ? t('popupPeriodPrev') : t('popupPeriodDays', { count: per.days })}
                    {t('labelSep')}
                  </small>
                  <FigureLine f={per.figure} m={m} state={per.state} t={t} />
                </div>
              ))}
            </div>
          ))}
        </article>
      ))}
      {fails.length ? (
        <article className="rs-card">
          <h3>{t('popupFailedToday')}</h3>
          <ul className="rs-failed">
            {fails.map((u) => (
              <li key={u.id}>
                <PageText text={u.buyerNick ?? u.buyer} /> · {t(`platform_${u.platform}`)} · {hhmm(u.startAt)} ·{' '}
                {u.responseSec === null || u.dueAt === null
                  ? t('popupNoReply')
                  : t('popupLate', [spokenDuration(ceilSec(u.responseSec * 1000 - (u.dueAt - u.startAt)), t, true)])}
                {u.seenLate ? ` · ${t('popupSeenLate')}` : ''}
              </li>
            ))}
          </ul>
        </article>
      ) : null}
      {unknown.length ? (
        <article className="rs-card">
          <h3>{t('popupUnknownToday')}</h3>
          <ul className="rs-failed">
            {unknown.map((u) => (
              <li key={u.id}>
                <PageText text={u.buyerNick ?? u.buyer} /> · {t(`platform_${u.platform}`)} · {hhmm(u.startAt)}
              </li>
            ))}
          </ul>
        </article>
      ) : null}
    </div>
  );
}
