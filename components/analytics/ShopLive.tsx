import { pick } from '@/lib/i18n';
import { useEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { Translate } from '@/lib/badge';
import { chinaDateTime } from '@/lib/analytics/csv';
import { chinaDay, chinaTime } from '@/lib/engine/time';
import { DEFAULT_RULES, allMetrics } from '@/lib/rules';
import { httpDb, type ReadDb } from '@/lib/sync/http';
import type { ChangesFeed } from '@/lib/sync/remote';
import {
  SHOP_RANGES,
  ShopDocs,
  readDigests,
  readUnits,
  shopRangeDays,
  shopView,
  viewSettingKey,
  type ShopRange,
  type ShopView,
} from '@/lib/sync/shop';
import { firstScreenRanges, readRanges, sameSnapshot, startShop, takeShopStart } from '@/lib/sync/shop-first';
import { isolate, safeText } from '@/lib/text';
import { ask } from '@/lib/ui/ask';
import { syncErrorText } from '../sync/SyncSettings';
import { syncErrorOf } from '@/lib/sync/errors';
import { useDeferredQuery } from '../useDeferredQuery';
import { SYNC_META_KEY, SYNC_OFF_ERROR } from '@/lib/sync/url';

const loadUiQueries = () => import('@/lib/ui/query-module');
let client: Promise<typeof import('@/lib/sync/remote')> | undefined;
/** The sync client (PouchDB), loaded once per page. */
const loadClient = () =>
  (client ??= import('@/lib/sync/remote').catch((err: unknown) => {
    client = undefined; // tried again by the next connect
    throw err;
  }));
/** Feed changes after which the units the figures need may be more: a summary, an agent. */
const NEEDS_UNITS = /^[sa]\|/;

/** A change of the feed. */
type Change = { id: string; doc?: unknown; deleted?: boolean };
/**
 * One connection of the owner view (a reconnect makes a new one): its documents (its snapshot and its feed's changes),
 * its feed, and the changes its feed delivered while its units were read (`held`). Closed once it failed: nothing of it
 * touches a later connection's documents.
 */
interface Link {
  readonly docs: ShopDocs;
  closed: boolean;
  feed?: ChangesFeed;
  held?: Change[];
  /** A summary or an agent came while the units were read: read the units again before the held changes end. */
  again: boolean;
}

/**
 * Waiting buyers listed at first (the earliest deadlines): a shop with hundreds waiting gets the most urgent at once,
 * the rest on request — drawing every row made the view's first screen wait (issue 22's bench: 900 rows).
 */
export const SHOP_WAITING_SHOWN = 100;

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
/** How often the view is recomputed at most while the feed delivers changes. */
const RENDER_EVERY_MS = 250;

const RANGE_KEY = {
  today: 'shopRangeToday',
  yesterday: 'shopRangeYesterday',
  '7d': 'shopRange7',
  '30d': 'shopRange30',
} as const;

/**
 * The owner's view (analytics, team view, when team sync is on): the shop-wide compliance per platform rule and per
 * agent for a period (today, yesterday, 7 or 30 days: units for today and yesterday, the agents' daily rollups for
 * older days), and the buyers waiting now across agents, read from the shop's CouchDB database — the period's key
 * ranges once (plain fetch, `httpDb`), then its changes feed, live (PouchDB, loaded after the first screen).
 * `onShown`: called once its first screen, or why there is none (sync off, an error), is on screen.
 */
export function ShopLiveSection({ t, now, onShown }: { t: Translate; now: number; onShown?: () => void }) {
  const [range, setRange] = useState<ShopRange>('today');
  const [allWaiting, setAllWaiting] = useState(false);
  const today = chinaDay(now);
  // Recomputed when the China day turns (not at every tick of `now`).
  const { days, unitDays } = useMemo(() => shopRangeDays(range, chinaTime(today, 12)), [range, today]);
  const [state, setState] = useState<
    | { kind: 'off'; closed?: boolean }
    | { kind: 'loading' }
    // The error as `code: detail` (`syncErrorText` says it in the page's language when shown).
    | { kind: 'error'; error: string }
    // `checking`: the first screen (the agents' summaries), before the units and digests that make it exact are read;
    // `unchecked`: the older days' digests could not be read (those days count one agent's copy of a shared account;
    // read again after 1 s, 2 s, 4 s … at most 15 s).
    // `read`: the read (setting and period, `read` below) the figures are of.
    | { kind: 'live'; view: ShopView; stale?: string; checking?: 'first' | 'unchecked'; read: string }
  >({ kind: 'loading' });
  const labels = useMemo(
    () =>
      new Map(
        allMetrics(DEFAULT_RULES).map((m) => [m.key, `${t(`platform_${m.platform}`)} · ${pick(m.label, t.lang)}`]),
      ),
    [t],
  );

  // The setting, watched once the view has something on screen (Dexie is not loaded before): turned off (or another
  // server) while the view is open, the feed is closed and the view says so (or reads the other server).
  const [watching, setWatching] = useState(false);
  const setting = useDeferredQuery(
    loadUiQueries,
    (m) => m.uiDb.meta.get(SYNC_META_KEY).then((row) => viewSettingKey(row?.value)),
    [],
    undefined,
    watching,
  );
  const [epoch, setEpoch] = useState(0);
  /**
   * The read the effect below makes (another server or setting: `epoch`; another period or China day: `days`). Figures
   * of another read still on screen (the setting changed, the day turned) are the first screen's until it replaces
   * them: not marked exact.
   */
  const read = `${epoch}|${days.join(',')}`;
  const seenSetting = useRef<string>(undefined);
  /**
   * The background gave this view a connection (sync on) since the page opened: "off" after that is sync turned off
   * while the view was open ("closed"), whichever connect hears it (a retry, the stored setting's, another period's)
   * and however often — not the state shown before it (a second "off" turned the notice into "sync is off").
   */
  const hadConnection = useRef(false);
  useEffect(() => {
    if (setting === undefined) return;
    if (seenSetting.current !== undefined && seenSetting.current !== setting) setEpoch((e) => e + 1);
    seenSetting.current = setting;
  }, [setting]);

  useEffect(() => {
    if (state.kind === 'live') performance.mark('rs-shop-rendered'); // bench: sync.ts
    // Its first screen, or why there is none (off, an error), is on screen: the page's own figures may follow.
    if (state.kind !== 'loading') onShown?.();
  }, [state.kind, onShown]);
  useEffect(() => {
    const readOf = read;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    /** The newest connection (closed by `failed`, replaced by the next `connect`). */
    let current: Link | undefined;
    /** The documents on screen: the current connection's. */
    let docs = new ShopDocs(true);
    /** The figures on screen are exact: the current connection's units and digests were read (or failed to be). */
    let exact = false;
    /** The older days' digests of the current connection could not be read. */
    let unchecked = false;
    /** The next read of those digests after a failed one (1 s, 2 s, 4 s … at most 15 s; a success starts again at 1 s). */
    let recheck: ReturnType<typeof setTimeout> | undefined;
    let recheckFailures = 0;
    const render = () => {
      timer = undefined;
      if (stopped) return;
      const view = shopView(docs.docs.values(), days, unitDays, Date.now());
      setState({ kind: 'live', view, checking: !exact ? 'first' : unchecked ? 'unchecked' : undefined, read: readOf });
      setWatching(true);
    };
    const soon = () => (timer ??= setTimeout(render, RENDER_EVERY_MS));
    /**
     * The server or the way to it failed (on connection `link`): the figures shown stay, marked as not current, and
     * the whole read starts again after a wait (1 s, 2 s, 4 s … at most 15 s) on a new connection — it picks up
     * whatever changed meanwhile. A failure of a connection already replaced changes nothing.
     */
    const failed = (link: Link, err: unknown) => {
      if (stopped || link.closed) return;
      link.closed = true;
      link.feed?.cancel();
      const e = syncErrorOf(err);
      const error = `${e.code}: ${e.detail}`;
      setState((s) => (s.kind === 'live' ? { ...s, stale: error } : { kind: 'error', error }));
      setWatching(true); // the setting changed meanwhile (another server, a password): read with it at once
      retry ??= setTimeout(
        () => {
          retry = undefined;
          void connect();
        },
        Math.min(15_000, 1000 * 2 ** failures++),
      );
    };
    /**
     * The units the figures need (`readUnits`: agents without a summary, rules and accounts two agents share) and
     * the older days' digests of accounts two agents share (`readDigests`),
     * again whenever the feed brings a summary or an agent; the feed's changes wait meanwhile and follow in order.
     * All of it is the connection's own: what its feed held goes to its documents only, and nothing once it is
     * closed (a reconnect reads a new snapshot, which the old feed's changes must never touch).
     */
    const olderDays = days.filter((d) => !unitDays.includes(d));
    /**
     * `firstScreen`: the first screen's ranges are read again first (they were read beside `info`, so a change
     * between their snapshot and `info`'s would be in neither them nor the feed; this read comes after `info`).
     */
    const fill = async (link: Link, remote: ReadDb, firstScreen = false) => {
      if (link.held) return void (link.again = true);
      const held: Change[] = (link.held = []);
      const over = () => stopped || link.closed;
      try {
        do {
          link.again = false;
          if (firstScreen) {
            firstScreen = false;
            const ranges = firstScreenRanges(days, olderDays);
            const { rows } = await readRanges(remote, ranges);
            if (over()) return;
            link.docs.replaceRanges(ranges, rows);
          }
          if (unitDays.length) await readUnits(remote, link.docs, unitDays, over);
          // Older days: the per-wait digests of the accounts two agents share (summaries alone count one copy).
          // A failed digest read is not the view's failure: those keys keep one agent's copy, the feed goes on.
          if (olderDays.length) {
            const missed = await readDigests(remote, link.docs, olderDays, over).then(
              () => false,
              () => true,
            );
            if (link === current) unchecked = missed;
            if (!missed) recheckFailures = 0;
            // Read again later on its own, not only when a summary next changes (which may be minutes away).
            else if (!over() && !recheck)
              recheck = setTimeout(
                () => {
                  recheck = undefined;
                  if (!over()) fill(link, remote).catch((err: unknown) => failed(link, err));
                },
                Math.min(15_000, 1000 * 2 ** recheckFailures++),
              );
          }
          if (over()) return;
          for (const c of held.splice(0)) {
            link.docs.apply(c.id, c.doc, c.deleted);
            if (NEEDS_UNITS.test(c.id)) link.again = true;
          }
        } while (link.again);
      } finally {
        link.held = undefined;
      }
      soon();
    };
    const connect = async () => {
      const link: Link = { docs: new ShopDocs(true), closed: false, again: false };
      current = link;
      exact = unchecked = false;
      if (recheck) clearTimeout(recheck);
      recheck = undefined;
      recheckFailures = 0;
      // The start the page's first script began when the page opened in this view (/analytics-first.js: the
      // connection and the first screen's read, under way while React and this chunk loaded), taken by the first
      // connection if it is for this period and day; else (another period, a reconnect) this connection's own.
      const start = takeShopStart(days, unitDays) ?? startShop(() => ask({ type: 'syncConnect' }), days, unitDays);
      const conn = await start.conn;
      if (stopped) return;
      // No answer from the background (not its "off"): a failure like the server's, tried again — never "off".
      if (!conn.ok && conn.error !== SYNC_OFF_ERROR) return failed(link, { message: conn.error });
      if (!conn.ok) {
        // Off: watched from here too, so that turning sync on while the view is open reads the shop.
        setWatching(true);
        return setState({ kind: 'off', closed: hadConnection.current });
      }
      hadConnection.current = true;
      // What the view reads with: the stored setting, once watched, is compared with it (turned off between this
      // answer and the first watched value: the view closes, it does not keep a feed open while sync is off).
      seenSetting.current = viewSettingKey({ enabled: true, ...conn });
      performance.mark('rs-shop-asked');
      try {
        // Reads with plain fetch (CouchDB's HTTP API, the same origin check as PouchDB's requests): the first
        // screen waits for no client library.
        const reader = httpDb(conn);
        // The first screen (`readFirstScreen`: the agents' day summaries, older days' rollups, their queues, names
        // and waiting clocks; `info` — the feed follows from there — requested after them and not waited for by the
        // first render). Then those ranges once more unless they answered at `info`'s own sequence (read after
        // `info`, so nothing falls between them and the feed) and the units of today / yesterday the exact figures
        // need. (Read: `conn` answered with credentials.)
        const first = (await start.first)!;
        const { rows } = first;
        for (const row of rows) link.docs.apply(row.id, row.doc);
        if (stopped || link.closed) return;
        docs = link.docs;
        // The first screen on screen before the units' responses take the main thread (a frame, or 50 ms in a
        // hidden tab, which has no frames).
        flushSync(render);
        // The changes feed's client (PouchDB, ~120 kB) loads now, after the first screen, while the units are read.
        const loading = loadClient();
        loading.catch(() => undefined);
        await new Promise((resolve) => {
          requestAnimationFrame(() => setTimeout(resolve));
          setTimeout(resolve, 50);
        });
        if (stopped || link.closed) return;
        const info = await first.info;
        if (stopped || link.closed) return;
        // Connected (the ranges and `info` answered): a later failure waits 1 s again. Not before `info`: a server
        // whose `info` keeps failing after the ranges answered is retried ever more slowly.
        failures = 0;
        await fill(link, reader, !sameSnapshot({ info, seqs: first.seqs }));
        performance.mark('rs-shop-units');
        if (stopped || link.closed) return;
        exact = true;
        render();
        const { openRemote } = await loading;
        if (stopped || link.closed) return;
        // From the sequence `info` gave before the second read of the first screen and the units' reads: every
        // change since is delivered (one a read already saw comes again, applied as the same document), none between
        // the reads and the feed is lost.
        link.feed = openRemote(conn)
          .changes({ since: info.update_seq ?? 'now', live: true, include_docs: true, heartbeat: 10_000 })
          .on('change', (c) => {
            if (link.closed) return;
            if (link.held) return void link.held.push(c);
            if (link.docs.apply(c.id, c.doc, c.deleted)) soon();
            if (NEEDS_UNITS.test(c.id)) fill(link, reader).catch((err: unknown) => failed(link, err));
          })
          .on('error', (err) => failed(link, err));
      } catch (err) {
        failed(link, err);
      }
    };
    void connect();
    return () => {
      stopped = true;
      current?.feed?.cancel();
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
      if (recheck) clearTimeout(recheck);
    };
    // Not on `t`: the language the page settles on (its stored setting, read after the first render) must not
    // close the connection and read everything again; the errors are put in words when shown.
  }, [days, unitDays, epoch, read]);

  const checking = state.kind === 'live' ? (state.read === read ? state.checking : 'first') : undefined;
  return (
    <section
      id="ana-shop"
      className="rs-ana-section"
      aria-labelledby="ana-shop-title"
      data-exact={state.kind === 'live' && !checking && !state.stale ? '' : undefined}
    >
      <h2 id="ana-shop-title">{t('shopTitle')}</h2>
      <label className="rs-field">
        <span>{t('shopRange')}</span>
        <select
          id="ana-shop-range"
          value={range}
          onChange={(e) => {
            setRange(e.target.value as ShopRange);
            setState((s) => (s.kind === 'live' ? { kind: 'loading' } : s));
          }}
        >
          {SHOP_RANGES.map((r) => (
            <option key={r} value={r}>
              {t(RANGE_KEY[r])}
            </option>
          ))}
        </select>
      </label>
      {state.kind === 'off' ? (
        <p className="rs-help" id="ana-shop-off" data-closed={state.closed ? '' : undefined}>
          {t(state.closed ? 'shopClosed' : 'shopOff')}
        </p>
      ) : state.kind === 'loading' ? (
        <p className="rs-empty" role="status">
          {t('shopLoading')}
        </p>
      ) : state.kind === 'error' ? (
        <p className="rs-error" role="alert" id="ana-shop-error">
          {t('shopError', [syncErrorText(state.error, t)])}
        </p>
      ) : (
        <>
          {state.stale ? (
            <p className="rs-error" role="status" id="ana-shop-stale">
              {t('shopStale', [syncErrorText(state.stale, t)])}
            </p>
          ) : null}
          {checking && !state.stale ? (
            <p className="rs-help" role="status" id="ana-shop-checking" data-checking={checking}>
              {t(checking === 'first' ? 'shopChecking' : 'shopUnchecked')}
            </p>
          ) : null}
          <p className="rs-help" id="ana-shop-period">
            {t('shopHelp', [state.view.days.length > 1 ? `${state.view.days[0]} – ${state.view.day}` : state.view.day])}
          </p>
          <h3>{t('shopRules')}</h3>
          <table className="rs-table" id="ana-shop-rules">
            <thead>
              <tr>
                <th>{t('shopRule')}</th>
                <th>{t('shopRate')}</th>
                <th>{t('shopPass')}</th>
                <th>{t('shopFail')}</th>
                <th>{t('shopPending')}</th>
                <th>{t('shopUnknown')}</th>
              </tr>
            </thead>
            <tbody>
              {state.view.metrics.map((m) => (
                <tr key={m.metric} data-metric={m.metric}>
                  <td>{labels.get(m.metric) ?? safeText(m.metric)}</td>
                  <td>{pct(m.rate)}</td>
                  <td data-col="pass">{m.counts.pass}</td>
                  <td data-col="fail">{m.counts.fail}</td>
                  <td data-col="pending">{m.counts.pending}</td>
                  <td data-col="unknown">{m.counts.unknown}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('shopAgents')}</h3>
          <table className="rs-table" id="ana-shop-agents">
            <thead>
              <tr>
                <th>{t('shopAgent')}</th>
                <th>{t('shopRate')}</th>
                <th>{t('shopPass')}</th>
                <th>{t('shopFail')}</th>
                <th>{t('shopCounted')}</th>
              </tr>
            </thead>
            <tbody>
              {state.view.agents.map((a) => (
                <tr key={a.agent} data-agent={a.agent}>
                  <td>{isolate(a.label || a.agent.slice(0, 8))}</td>
                  <td>{pct(a.rate)}</td>
                  <td data-col="pass">{a.counts.pass}</td>
                  <td data-col="fail">{a.counts.fail}</td>
                  <td data-col="counted">{a.counted}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 id="ana-shop-waiting-title">{t('shopWaiting', [state.view.waiting.length + state.view.unlisted])}</h3>
          {state.view.waiting.length ? (
            <table className="rs-table" id="ana-shop-waiting">
              <thead>
                <tr>
                  <th>{t('shopBuyer')}</th>
                  <th>{t('shopAgent')}</th>
                  <th>{t('shopStatus')}</th>
                  <th>{t('shopDue')}</th>
                </tr>
              </thead>
              <tbody>
                {(allWaiting ? state.view.waiting : state.view.waiting.slice(0, SHOP_WAITING_SHOWN)).map((c) => (
                  <tr key={c.conv} data-conv={c.conv}>
                    <td>
                      {t(`platform_${c.platform}`)} · {isolate(c.account)} · {isolate(c.buyerNick ?? c.buyer)}
                    </td>
                    <td>{isolate(c.label || c.agent.slice(0, 8))}</td>
                    <td>
                      {c.status === 'breached'
                        ? t('shopFail')
                        : c.status === 'pending'
                          ? t('shopPending')
                          : t('shopUnknown')}
                    </td>
                    <td>{c.dueAt === null ? '—' : chinaDateTime(c.dueAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="rs-empty">{t('shopNone')}</p>
          )}
          {!allWaiting && state.view.waiting.length > SHOP_WAITING_SHOWN && (
            <p id="ana-shop-waiting-more">
              {t('shopWaitingMore', { count: state.view.waiting.length - SHOP_WAITING_SHOWN })}{' '}
              <button type="button" id="ana-shop-waiting-all" onClick={() => setAllWaiting(true)}>
                {t('shopWaitingAll')}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
