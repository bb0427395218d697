import { Component, useCallback, useEffect, useState, type ReactNode } from 'react';
import type { Settings } from '@/lib/settings';
import {
  accountBreakdownFromStats,
  completeDaysScope,
  estimateHandlingFromStats,
  hourWeekFromStats,
  metricTrends,
  missedBuyers,
  primaryMetrics,
  rangeScope,
  RANGES,
  responseTrendsFromStats,
  scopeDays,
  staffingPlanFromStats,
  teamView,
  type RangeDays,
} from '@/lib/analytics';
import { responseTrendsFromPast } from '@/lib/analytics/past-stats';
import { addDays } from '@/lib/compliance';
import type { DayStatRow, EventRow, RollupRow, UnitRow } from '@/lib/model';
import { chinaDay, chinaDayStart } from '@/lib/engine/time';
import { PLATFORMS, type Platform } from '@/lib/model';
import { effectiveRules, primaryMetric } from '@/lib/rules';
import { isolate, safeText } from '@/lib/text';
import { useNow } from '../popup/useNow';
import { DbNotice } from '../DbNotice';
import { useT } from '../i18n';
import { useDeferredQuery } from '../useDeferredQuery';
import type { AnalyticsFirst } from './first-read';
import {
  AccountsSection,
  BuyerLevelSection,
  HeatmapSection,
  MissedSection,
  ResponseSection,
  TrendsSection,
} from './Sections';
import { StaffingSection } from './Staffing';
import type { Translate } from '@/lib/badge';
import { useAnalyticsStore } from './store';
import { TeamDataSection } from './TeamData';

type ShopLiveModule = typeof import('./ShopLive');
let shopLive: Promise<ShopLiveModule> | undefined;
/** The owner's live view's module once loaded: rendered at once, without a suspended render. */
let shopLiveLoaded: ShopLiveModule | undefined;
/**
 * The owner's live view's module (team sync; it brings the sync settings' module), loaded once: when the team view is
 * chosen, or at once by the page's entry when the page opens in it (entrypoints/analytics/main.tsx), so neither is in
 * the local view's first load.
 */
export const loadShopLive = () =>
  (shopLive ??= import('./ShopLive').then(
    (m) => (shopLiveLoaded = m),
    (err: unknown) => {
      shopLive = undefined; // not kept: the next call loads it again (the view's first render, after the entry's)
      throw err;
    },
  ));

/**
 * The owner's live view, drawn as soon as its module is in: at once when it is (the entry loads it before the page's
 * first render in the team view), else when it arrives. Not `lazy`/`Suspense`: React holds a suspended boundary's
 * content back for 300 ms after its fallback was shown (its fallback throttle), and that alone made the view's first
 * screen ~300 ms later than its chunk and its data (issue 22's bench). A chunk that fails to load is thrown in a
 * render, for `ShopLiveBoundary` to catch.
 */
function ShopLiveSlot(props: { t: Translate; now: number; onShown: () => void }) {
  const [mod, setMod] = useState(() => shopLiveLoaded);
  const [failed, setFailed] = useState<unknown>();
  useEffect(() => {
    if (mod) return;
    let live = true;
    loadShopLive().then(
      (m) => live && setMod(m),
      (err: unknown) => live && setFailed(err ?? new Error('chunk')),
    );
    return () => {
      live = false;
    };
  }, [mod]);
  if (failed !== undefined) throw failed;
  return mod ? <mod.ShopLiveSection {...props} /> : null;
}

/**
 * The owner's live view could not be loaded (its chunk missing: the extension was updated while the page was open):
 * the page says so in its place, releases its own figures (`onFailed`) and stays usable, instead of going blank.
 */
class ShopLiveBoundary extends Component<
  { t: Translate; onFailed: () => void; children: ReactNode },
  { error?: string }
> {
  override state: { error?: string } = {};
  static getDerivedStateFromError(err: unknown) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  override componentDidCatch() {
    this.props.onFailed();
  }
  override render() {
    if (this.state.error === undefined) return this.props.children;
    const { t } = this.props;
    return (
      <section id="ana-shop">
        <p className="rs-error" role="alert" id="ana-shop-error">
          {t('shopLoadFailed', [this.state.error])}
        </p>
      </section>
    );
  }
}

/** How long the page's own figures wait at most for the owner's live view's first screen (page opened in it). */
export const SHOP_FIRST_HOLD_MS = 2000;

/** Days of stored messages the handling-time estimate looks at (complete days before today). */
export const AHT_SAMPLE_DAYS = 7;

/** `platform|account` → its parts (accounts may contain `|`; the platform never does). */
export function parseAccountKey(key: string): { platform: Platform; account: string } | undefined {
  const i = key.indexOf('|');
  if (i < 0) return undefined;
  const platform = key.slice(0, i) as Platform;
  if (!(PLATFORMS as readonly string[]).includes(platform)) return undefined;
  return { platform, account: key.slice(i + 1) };
}

const loadQueries = () => import('./query-module');
type QueriesModule = typeof import('./query-module');

/**
 * The analytics page: trends, response times, heatmaps, staffing, accounts, missed buyers, export/import.
 * `initial`: the first frame's data, read before the first render (entrypoints/analytics/main.tsx), shown until the
 * live queries have run; they (and Dexie) start only after that frame was painted.
 */
export function AnalyticsPage({
  initial,
  later,
  shopHoldMs = SHOP_FIRST_HOLD_MS,
  language,
}: {
  initial?: AnalyticsFirst;
  /**
   * The first read, still running when the page had to render (main.tsx's timeout): the page shows "loading" and
   * waits for it rather than starting its live queries (Dexie, and a second read of the same rows) beside it; a
   * first read that fails or is of another day or range starts them.
   */
  later?: Promise<AnalyticsFirst | undefined>;
  /** Opened in the team view: how long its own figures wait at most for the owner's live view (tests). */
  shopHoldMs?: number;
  /** The stored language setting, read before the first render (team view: no first read brings it). */
  language?: Settings['language'];
} = {}) {
  const now = useNow(60_000);
  const today = chinaDay(now);
  const st = useAnalyticsStore();
  const range = st.range;
  // Staffing averages complete days: one more day back than the range, today left out.
  const from = addDays(today, -range);
  // The first read counts only if it read this day and range (a day that turned while it ran: the live queries).
  const ownFirst = (f?: AnalyticsFirst) => (f?.today === today && f.from === from ? f : undefined);
  const [first, setFirst] = useState(() => ownFirst(initial));
  const [waiting, setWaiting] = useState(() => !first && !!later);
  useEffect(() => {
    if (!waiting || !later) return;
    let live = true;
    void later.then((f) => {
      if (!live) return;
      setFirst(ownFirst(f));
      setWaiting(false);
    });
    return () => {
      live = false;
    };
    // Once, for the page's first day and range (a later one is the live queries' to read).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // Opened in the team view: the page's own figures (their render, Dexie, the sections below the fold) wait until the
  // owner's live view above them has shown its first screen or why it cannot (`onShown`), at most
  // `shopHoldMs`: it is what the page was opened for, and that work would hold the main thread while its
  // chunk and its first screen come in (issue 22). Only at the page's opening, and only while the team view is shown.
  const [hold, setHold] = useState(() => st.view === 'team');
  const held = hold && st.view === 'team';
  useEffect(() => {
    if (!hold) return;
    const timer = setTimeout(() => setHold(false), shopHoldMs);
    return () => clearTimeout(timer);
  }, [hold, shopHoldMs]);
  const shopShown = useCallback(() => setHold(false), []);
  // Left for this computer's view: the hold is over for good (a switch back does not bring it again), and a start
  // the first script began for the team view is not kept for later (its connection may be stale by then).
  if (hold && st.view !== 'team') setHold(false);
  useEffect(() => {
    if (st.view !== 'team') globalThis.__rsShopFirst = undefined;
  }, [st.view]);
  const [painted, setPainted] = useState(false);
  // The first read is of the page's first day and range: once either changed (the person chose another range while
  // it ran), its figures are not shown and it is not waited for; its settings (language, rules) still hold.
  const [firstRange] = useState(() => `${today}|${from}`);
  const sameRange = `${today}|${from}` === firstRange;
  const ranged = sameRange ? first : undefined;
  const queriesOn = !held && ((!first && !waiting) || painted || !sameRange);
  const t = useT({ initial: first?.language ?? language, enabled: queriesOn });
  const title = t('anaTitle');
  useEffect(() => {
    document.title = title;
  }, [title]);

  const overrides = useDeferredQuery(
    loadQueries,
    (m) => m.settingRow(m.uiDb, 'ruleOverrides'),
    [],
    first?.overrides,
    queriesOn,
  )?.value;
  const rules = effectiveRules(overrides);
  const primaries = [...primaryMetrics(rules)];

  const rollups = useDeferredQuery(
    loadQueries,
    (m) => m.rollupsOfDays(m.uiDb, from, today),
    [from, today],
    ranged?.rollups,
    queriesOn,
  );
  const teamRows = useDeferredQuery(
    loadQueries,
    (m) => (st.view === 'team' ? m.teamRollupsOfDays(m.uiDb, from, today) : []),
    [st.view, from, today],
    undefined,
    queriesOn,
  );
  // First paint reads aggregates only: the rollups and the per-day aggregates (`dayStats`: first-response times,
  // units per hour of the week) of the primary metrics, past days and today apart (today's change with every
  // message, the past ones rarely, and a live query re-runs only when a write touches its own range).
  const primaryKey = primaries.join(',');
  const yesterday = addDays(today, -1);
  const pastStats = useDeferredQuery(
    loadQueries,
    (m) => m.readDayStats(m.uiDb, primaryKey.split(','), from, yesterday),
    [from, yesterday, primaryKey],
    ranged?.pastStats,
    queriesOn,
  );
  const todayStats = useDeferredQuery(
    loadQueries,
    (m) => m.readDayStats(m.uiDb, primaryKey.split(','), today, today),
    [today, primaryKey],
    ranged?.todayStats,
    queriesOn,
  );
  const stats: DayStatRow[] | undefined = pastStats && todayStats ? [...pastStats, ...todayStats] : undefined;
  const only = st.account ? parseAccountKey(st.account) : undefined;
  const scope = rangeScope(today, range, only);
  // Until the past rows are in: the first read's past-days summary with today's rows gives the response times (the
  // same figures: lib/analytics/past-stats.ts); the sections below them wait for the rows.
  const past = ranged?.past;
  const fromPast = !stats && past && todayStats ? responseTrendsFromPast(rules, past, todayStats, scope) : undefined;
  const loading = rollups === undefined || (stats === undefined && fromPast === undefined) || held;
  // After the first paint: the raw rows only two views need (the missed buyers' list: the failed units; the
  // handling-time estimate: a week of messages).
  useEffect(() => {
    if (loading || painted) return;
    performance.mark('rs-analytics-rendered');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        performance.mark('rs-analytics-painted');
        setPainted(true);
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [loading, painted]);
  const failedUnits = useDeferredQuery<QueriesModule, UnitRow[]>(
    loadQueries,
    (m) => m.unitsWithResult(m.uiDb, scopeDays({ from, to: today }), 'fail'),
    [from, today],
    undefined,
    painted,
  );
  const sampleFrom = chinaDayStart(addDays(today, -AHT_SAMPLE_DAYS));
  const sampleTo = chinaDayStart(today);
  const events = useDeferredQuery<QueriesModule, EventRow[]>(
    loadQueries,
    (m) => m.eventsBetween(m.uiDb, sampleFrom, sampleTo),
    [sampleFrom, sampleTo],
    undefined,
    painted,
  );
  const agentId = useDeferredQuery(loadQueries, (m) => m.metaRow(m.uiDb, 'agentId'), [], undefined, queriesOn)
    ?.value as string | undefined;

  const own: RollupRow[] = rollups ?? [];
  const ownLabel = t('anaViewLocal');
  const shown: RollupRow[] = st.view === 'team' ? teamView(own, agentId ?? 'self', ownLabel, teamRows ?? []) : own;
  const allStats: DayStatRow[] = stats ?? [];

  // Account choices: every account with data in the loaded days (team view: imported ones too).
  const accountKeys = [...new Set(shown.map((r) => `${r.platform}|${r.account}`))].sort();
  const days = scopeDays(scope);

  // The first paint holds what is above the fold: the controls, the trends and the response times (their numbers;
  // the charts draw once uPlot has loaded). The sections below it, and their figures, come in the frames after it
  // (`painted`), so the first frame is small (issue 21).
  const trends = metricTrends(rules, shown, scope);
  const response = stats ? responseTrendsFromStats(rules, allStats, scope) : (fromPast ?? []);
  // The sections below the fold: after the first paint, once the rows are in (not from a summary).
  const full = painted && stats !== undefined;
  const heat = full ? hourWeekFromStats(rules, allStats, scope) : null;
  const accounts = full ? accountBreakdownFromStats(rules, shown, st.view === 'team' ? [] : allStats, scope) : null;
  const missed = failedUnits ? missedBuyers(rules, failedUnits, scope) : null;
  const staffScope = completeDaysScope(today, range, only);
  const handling =
    events && stats
      ? estimateHandlingFromStats(rules, events, allStats, completeDaysScope(today, AHT_SAMPLE_DAYS, only))
      : null;
  const ahtSec = st.ahtOverride ?? handling?.ahtSec ?? null;
  // The wait to keep: the account's platform deadline; for all accounts the 3-minute rule most platforms use.
  const defaultTarget = only ? primaryMetric(rules, only.platform).thresholdSec : 180;
  const targetSec = st.targetSec ?? defaultTarget;
  const plan =
    full && ahtSec
      ? staffingPlanFromStats(rules, allStats, staffScope, {
          ahtSec,
          targetSec,
          targetLevel: st.targetLevel,
          chatsPerAgent: st.chatsPerAgent,
        })
      : null;
  const team = st.view === 'team';

  return (
    <main className="rs-page rs-analytics">
      <DbNotice t={t} />
      <header className="rs-ana-head">
        <h1>{t('anaTitle')}</h1>
        <nav aria-label={t('anaNav')}>
          <a href="#ana-trends">{t('anaTrends')}</a>
          <a href="#ana-response">{t('anaResponse')}</a>
          <a href="#ana-heatmap">{t('anaHeatmap')}</a>
          <a href="#ana-staffing">{t('anaStaffing')}</a>
          <a href="#ana-accounts">{t('anaAccounts')}</a>
          <a href="#ana-missed">{t('anaMissed')}</a>
          <a href="#ana-data">{t('anaData')}</a>
        </nav>
      </header>

      <section className="rs-ana-controls" aria-label={t('anaFilters')}>
        <div role="group" aria-label={t('anaRange')} className="rs-seg">
          <span className="rs-seg-label">{t('anaRange')}</span>
          {RANGES.map((r) => (
            <button key={r} type="button" aria-pressed={range === r} onClick={() => st.set({ range: r as RangeDays })}>
              {t('popupPeriodDays', { count: r })}
            </button>
          ))}
        </div>
        <label className="rs-inline">
          <span>{t('anaAccount')}</span>
          <select value={st.account} onChange={(e) => st.set({ account: e.target.value })}>
            <option value="">{t('anaAllAccounts')}</option>
            {[...new Set([...accountKeys, ...(st.account ? [st.account] : [])])].map((k) => {
              const a = parseAccountKey(k);
              return (
                <option key={k} value={k}>
                  {a ? `${t(`platform_${a.platform}`)} · ${isolate(a.account)}` : safeText(k)}
                </option>
              );
            })}
          </select>
        </label>
        <label className="rs-inline">
          <span>{t('anaView')}</span>
          <select value={st.view} onChange={(e) => st.set({ view: e.target.value as 'local' | 'team' })}>
            <option value="local">{t('anaViewLocal')}</option>
            <option value="team">{t('anaViewTeam')}</option>
          </select>
        </label>
      </section>

      {team ? (
        <ShopLiveBoundary t={t} onFailed={shopShown}>
          <ShopLiveSlot t={t} now={now} onShown={shopShown} />
        </ShopLiveBoundary>
      ) : null}
      {loading ? (
        <p className="rs-empty" role="status">
          {t('anaLoading')}
        </p>
      ) : (
        <>
          <TrendsSection trends={trends} days={days} tables={painted} t={t} />
          <ResponseSection response={response} days={days} team={team} tables={painted} t={t} />
          {heat && accounts ? (
            <>
              <HeatmapSection heat={heat} team={team} t={t} />
              <StaffingSection
                plan={plan}
                handling={handling}
                ahtSec={ahtSec}
                targetSec={targetSec}
                defaultTarget={defaultTarget}
                sampleDays={AHT_SAMPLE_DAYS}
                team={team}
                t={t}
              />
              <AccountsSection accounts={accounts} team={team} t={t} />
              <BuyerLevelSection t={t} />
              <MissedSection missed={missed} count={heat.breaches.total} team={team} t={t} />
            </>
          ) : null}
        </>
      )}
      {painted ? <TeamDataSection today={today} shown={shown} team={team} agentId={agentId} t={t} /> : null}
    </main>
  );
}
