/**
 * The background's logic, free of chrome.*: persistence, engine runs, scheduling, badge and alerts.
 * `entrypoints/background` wires it to the real browser; tests wire it to fakes and fake-indexeddb.
 */
import { outsideHoursNotes } from '../assessed';
import { badgeView, type BadgeView, type BlindTab } from '../badge';
import { RECOMPUTE_KEY } from '../db/meta';
import { clocksSince, clocksWithStatus } from '../db/queries';
import type { SentinelDB } from '../db/schema';
import type { ClockRow, EventRow, TabRow } from '../model';
import type { ExportBundle } from '../analytics/team';
import { byUrgency, type Clock, type ClockStatus } from '../engine';
import { type ClocksMessage, type EventsMessage, type HealthMessage, type TabClock } from '../messages';
import { conversationKey, eventKey, isUnrecognisedAccount, type Platform } from '../model';
import { applyRuleEdits, effectiveRules } from '../rules';
import type { RuleSet } from '../rules/types';
import {
  DEFAULT_SETTINGS,
  SETTINGS_RESET_KEY,
  settingsFromRows,
  validateSettingsPatch,
  type RejectedSetting,
  type Settings,
} from '../settings';
import { BREACH_SHOWN_MS, UNKNOWN_SHOWN_MS } from '../shown';
import { ClockPush } from './clock-push';
import { TabRegistry } from './coverage';
import { DERIVED_TABLES, RECOMPUTE_TABLES, Recompute, emptyPrefetch, mergeSighting, type Staged } from './recompute';
import { pastStatsDrops, refreshPastStats } from './past-stats';
import { chinaDay } from '../engine/time';
import { rebuildRollups } from './rollups';
import * as team from './team';
import { Alerts, type AlertHost } from './alerts';
import { purgeAll } from './maintenance';
import { moveAccount } from './rekey';
import type { Dropped } from './traffic';

export type { Notice, SoundName } from './alerts';

/** The browser as the background sees it, injected (the entrypoint wires chrome.*; tests wire fakes). Notifications and sounds: `AlertHost`. */
export interface SentinelEnv extends AlertHost {
  setBadge(view: BadgeView): Promise<void>;
  /** Keep exactly one alarm: at `when`, or none. */
  setAlarm(when: number | null): Promise<void>;
  /**
   * Send a message to one tab's content script (errors, e.g. a closed tab, are the host's to swallow); resolves to
   * the tab's answer (undefined when none, or when the tab is gone).
   */
  sendToTab(tabId: number, msg: ClocksMessage): Promise<unknown>;
  /** The ids of the tabs that exist now (after a browser restart, none of the old ones). */
  existingTabIds(): Promise<number[]>;
  /**
   * Runs `run` once, `ms` from now, outside any call (the browser's `setTimeout`). Absent (tests): nothing is run
   * later; the caller calls what it would have run itself (`refreshPastStats`).
   */
  later?(run: () => void, ms: number): void;
}

/**
 * How long after its start, and after a write that deleted them, the background builds the analytics page's
 * past-days summaries again (`refreshPastStats`): soon after a start (a page may be about to open), at most once a
 * minute after late writes to past days (each build reads up to 90 days of aggregates).
 */
export const PAST_STATS_START_MS = 2_000;
export const PAST_STATS_AFTER_WRITE_MS = 60_000;

/** While a clock counts down, wake at least this often so the badge never freezes for long. */
export const REFRESH_MS = 30_000;
export { STALE_BREACH_MS } from './alerts';

/** Unknown clocks are re-examined for this long after their deadline (late coverage reports may settle them). */
export const UNKNOWN_RECHECK_MS = UNKNOWN_SHOWN_MS;
export { BREACH_SHOWN_MS };

export { SPAN_OPENS } from './coverage';

export { LONG_THREAD, THREAD_CACHE_EVENTS } from './recompute';
export { TEAM_DECISIONS_SHOWN } from './team';

/**
 * Up to this many conversations in one message, what recomputing them needs is read with the message's own reads (one
 * round trip); a page's whole list read again (many conversations, mostly unchanged) reads it for the changed ones only.
 */
const PREFETCH_WITH_INTAKE = 16;

/** Conversations per transaction when a schema upgrade's queued recompute runs at start. */
const RECOMPUTE_SLICE = 100;

export class Sentinel {
  private settings: Settings = DEFAULT_SETTINGS;
  private rules: RuleSet = effectiveRules(undefined);
  /** Open clocks (pending/breached) for the per-second badge, refreshed after every write. */
  private hot: ClockRow[] = [];
  /**
   * The background is the only writer of clocks, so it mirrors what it reads on every message: the clocks that can
   * still change or still show (pending; breached/unknown with a recent deadline); the tab registry mirrors the tabs.
   * Loaded from Dexie when the worker starts, updated only after a write has committed (a refused write, e.g. a
   * full disk, leaves them as the database is).
   */
  private clockMirror = new Map<string, ClockRow>();
  /** The reporting tabs that are not watching (their state and parts), for the badge, as of the last change. */
  private blind: BlindTab[] = [];
  /** Workbench tabs and their coverage spans (`coverage.ts`). */
  private readonly tabs: TabRegistry;
  /** Recomputing conversations, with the cache of their stored messages (`recompute.ts`). */
  private readonly recomputer: Recompute;
  /**
   * The alarm last set (undefined: not since the worker started), so that a wake still due in time is not set again
   * (`alarmChange`).
   */
  private alarmSet: number | null | undefined = undefined;
  /** The in-page badges' clock lists, pushed to the watching tabs (`clock-push.ts`). */
  private readonly clockPush: ClockPush;
  /** Merged notifications and sounds (`alerts.ts`). */
  readonly alerts: Alerts;
  private ready: Promise<void> | null = null;
  private startError: string | null = null;
  /** Serialises writes so that concurrent messages cannot interleave read-modify-write cycles. */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * The clock pushes to the tabs still waiting for the tabs' answers (`afterChange`): outside the queue, so the next
   * message does not wait for a content script; the caller of the change that started one waits for it.
   */
  private pushes: Promise<void> = Promise.resolve();
  /**
   * Conversations whose units and aggregates are not written yet after their clocks (`writeDerived`): from the clocks'
   * commit until their write or repair, and after both failed, until the next intake repays them (`repayOwed`) or the
   * next start recomputes them (`meta.recompute` names them all).
   */
  private readonly owed = new Set<string>();
  /**
   * The day the past-days summaries were last found stored or built for, and `pastStatsDrops` then (a purge, the space
   * recovery, a rebuild and a late write all count a drop: `dropPastStats`).
   */
  private pastStatsFor: { day: string; writes: number } | null = null;
  private pastStatsLater = false;
  private startedOnce = false;

  constructor(
    readonly db: SentinelDB,
    private readonly env: SentinelEnv,
  ) {
    this.alerts = new Alerts(env);
    this.tabs = new TabRegistry(db);
    this.recomputer = new Recompute(db, this.tabs, () => ({
      rules: this.rules,
      alertLeadSec: this.settings.alertLeadSec,
      retentionDays: this.settings.retentionDays,
    }));
    this.clockPush = new ClockPush((tabId, msg) => env.sendToTab(tabId, msg));
  }

  /**
   * Rehydrate from Dexie: settings, stale coverage, overdue deadlines (fired now), badge, the one alarm. A start that
   * fails is not kept: the next message tries again, and `status()` says what went wrong meanwhile.
   */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const run = this.serial(async () => {
      await this.loadSettings();
      const now = this.env.now();
      await this.tabs.closeStale(new Set(await this.env.existingTabIds()), now);
      await this.recomputer.pruneOld(now);
      await this.reload(now);
      await this.recomputeQueued(now);
      await this.recomputeOpen(now);
    });
    this.ready = run.then(
      () => {
        this.startError = null;
        this.startedOnce = true;
        this.pastStatsSoon(this.env.now(), PAST_STATS_START_MS);
      },
      (err: unknown) => {
        this.ready = null;
        this.startError = String((err as Error)?.message ?? err);
        throw err;
      },
    );
    return this.ready;
  }

  /** How the background is: a start that failed (the popup shows it), settings reset at the last start. */
  async status(): Promise<{ startError: string | null; settingsReset: RejectedSetting[] }> {
    // The reset is kept in `meta` (a later worker start has nothing left to reject): shown for a day, or until the
    // settings are saved again.
    const row = (await this.db.meta.get(SETTINGS_RESET_KEY).catch(() => undefined))?.value as
      { at?: unknown; rejected?: unknown } | undefined;
    const recent =
      typeof row?.at === 'number' && this.env.now() - row.at < 86_400_000 && Array.isArray(row.rejected)
        ? (row.rejected as RejectedSetting[])
        : [];
    return { startError: this.startError, settingsReset: recent };
  }

  /** Fills the tab registry and the mirrors (see `clockMirror`) from the database. */
  private async reload(now: number): Promise<void> {
    await Promise.all([this.tabs.reload(), this.reloadMirrors(now)]);
  }

  /**
   * Fills the clock mirror from the database and forgets the cached threads: at start, and after a transaction that
   * failed once it could no longer roll back (`ingest`, `recompute`: its writes may be stored, the mirrors untold).
   */
  private async reloadMirrors(now: number): Promise<void> {
    // The caches first: a reload whose reads fail still leaves none of them older than the database.
    this.recomputer.threads.clear();
    this.recomputer.cache.clear();
    this.clockPush.clear();
    const since = now - Math.max(BREACH_SHOWN_MS, UNKNOWN_RECHECK_MS);
    const [pending, breached, unknown] = await Promise.all([
      clocksWithStatus(this.db, 'pending'),
      clocksSince(this.db, 'breached', since),
      clocksSince(this.db, 'unknown', since),
    ]);
    this.clockMirror = new Map([...pending, ...breached, ...unknown].map((c) => [c.key, c]));
  }

  /** Deletes all chat data (the user's "delete my data"); returns how many rows went. */
  async purgeAll(): Promise<number> {
    await this.start();
    return this.serial(async () => {
      const removed = await purgeAll(this.db);
      const now = this.env.now();
      await this.reload(now);
      await this.afterChange(now);
      return removed;
    });
  }

  /**
   * Stored messages were deleted behind the background's back (space recovery): forget the cached threads. The read
   * cache is cleared too, though the recovery runs on this connection (`withSpace(sentinel.db…)` in handlers.ts) as a
   * foreign writer its middleware sees and drops the rows of: a belt for a rare event.
   */
  forgetThreads(): void {
    this.recomputer.threads.clear();
    this.recomputer.cache.clear();
  }

  /** How conversations were evaluated: whole, or from yesterday's midnight (long threads). For tests and bench. */
  get evaluations(): { whole: number; recent: number } {
    return this.recomputer.evaluations;
  }

  hasOpenClocks(): boolean {
    return this.hot.some((c) => c.status === 'pending');
  }

  /**
   * Runs `fn` in the queue; resolves once it is done and every clock push started so far (its own included) has been
   * answered — the queue itself does not wait for them.
   */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run.then(async (v) => {
      await this.pushes;
      return v;
    });
  }

  /**
   * Reads the settings through their schema. A stored value that fails it (an older version's, a corrupted profile)
   * is deleted and its default used, with a notice: nothing stored can stop the worker.
   */
  private async loadSettings(): Promise<void> {
    const { settings, rejected } = settingsFromRows(await this.db.settings.toArray());
    // In force first: the notice below speaks the language these settings choose.
    this.settings = settings;
    this.rules = effectiveRules(settings.ruleOverrides);
    if (rejected.length) {
      await this.db.transaction('rw', this.db.settings, this.db.meta, async () => {
        await this.db.settings.bulkDelete(rejected.map((r) => r.key));
        await this.db.meta.put({ key: SETTINGS_RESET_KEY, value: { at: this.env.now(), rejected } });
      });
      await this.env
        .notify({
          id: `settings|${this.env.now()}`,
          title: this.env.t('settingsResetTitle'),
          message: this.env.t('settingsResetBody', [rejected.map((r) => r.key).join(', ')]),
        })
        .catch(() => undefined);
    }
  }

  getSettings(): Settings {
    return this.settings;
  }

  /**
   * Stores a settings patch and, when given, a partial update of the rule overrides (`RuleEdits`), merged with the
   * stored overrides inside `serial` (two saves never overwrite each other's fields); nothing is stored unless all of
   * it is valid.
   */
  async updateSettings(patch: unknown, rules?: unknown): Promise<{ ok: true } | { ok: false; error: string }> {
    const v = validateSettingsPatch(patch);
    if (!v.ok) return { ok: false, error: v.errors.join('; ') };
    if (rules !== undefined && v.patch.ruleOverrides !== undefined)
      return { ok: false, error: 'rules: send either ruleOverrides or rule edits, not both' };
    await this.start();
    return this.serial(async () => {
      let values = v.patch;
      if (rules !== undefined) {
        const merged = applyRuleEdits(this.settings.ruleOverrides, rules);
        if (!merged.ok) return { ok: false as const, error: merged.errors.join('; ') };
        const checked = validateSettingsPatch({ ruleOverrides: merged.overrides });
        if (!checked.ok) return { ok: false as const, error: checked.errors.join('; ') };
        values = { ...values, ...checked.patch };
      }
      // Only validated values are stored (the patch passed the schema above).
      await this.db.settings.bulkPut(Object.entries(values).map(([key, value]) => ({ key, value })));
      // Settings saved again: the notice of an earlier reset has been seen to.
      await this.db.meta.delete(SETTINGS_RESET_KEY);
      await this.loadSettings();
      await this.recomputeOpen(this.env.now());
      return { ok: true as const };
    });
  }

  /**
   * Stores observed messages (idempotently) and recomputes the conversations they touch. `tabId`: the tab they came
   * from (its own account when the page shows no shop).
   */
  async ingest(msg: EventsMessage, tabId?: number): Promise<{ stored: number; conversations: number }> {
    await this.start();
    return this.serial(async () => {
      const now = this.env.now();
      await this.repayOwed(now);
      const account = this.tabs.accountOf(msg.platform, msg.account, tabId, now);
      const rows: EventRow[] = msg.events.map((e) => {
        const x = { ...e, account };
        return { ...x, key: eventKey(x), conv: conversationKey(x) };
      });
      const db = this.db;
      // One transaction: the messages, then what they change (clocks, units, rollups).
      const { stored, staged } = await this.earlyCommitted(now, async () => {
        // One batch of reads for what follows (each awaited request is a round trip to the browser's database): the
        // stored copies of these messages (from the thread cache when it holds their conversation, else read by key),
        // the clocks of the conversations shown, and, when they are few (a new message; not a page's whole list read
        // again), what recomputing them needs: their units, this account's coverage.
        const cache = this.recomputer.threads;
        const generation = cache.generation;
        let unheld = rows.filter((r) => !cache.peek(r.conv));
        const shown = [...new Set(rows.map((r) => r.conv))];
        // This transaction is the read cache's own: what it holds of these conversations is not read again.
        const pre = emptyPrefetch(this.recomputer.cache.claim());
        const few = shown.length <= PREFETCH_WITH_INTAKE;
        const [read, readClocks] = await Promise.all([
          unheld.length ? db.events.bulkGet(unheld.map((r) => r.key)) : [],
          // The prefetch reads the clocks of the conversations it is given: not read twice.
          few ? [] : db.clocks.bulkGet(shown),
          this.recomputer.prefetch(pre, few ? shown : [], now, {
            accounts: [{ platform: msg.platform, account }],
            threads: false,
            aggregates: few,
          }),
        ]);
        const clocks = few ? shown.map((c) => pre.clocks.get(c)) : readClocks;
        let copies = read;
        // The cache was cleared while the reads waited (a space recovery deleted messages): read every copy here.
        if (cache.generation !== generation) {
          unheld = rows;
          copies = await db.events.bulkGet(rows.map((r) => r.key));
        }
        const readByKey = new Map(unheld.map((r, i) => [r.key, copies[i]]));
        const fresh = new Map<string, EventRow>();
        // When the page showed each conversation (any of its events: new, known again, or a counter reading).
        const sighted = new Map<string, number>();
        // The earliest stored time of a message replaced by a better-timed copy, by conversation: the old copy's
        // results are recomputed too (a long thread's cut must not lie after it).
        const replaced = new Map<string, number>();
        for (const r of rows) {
          sighted.set(r.conv, Math.max(sighted.get(r.conv) ?? -Infinity, r.observedAt));
          const prev = fresh.get(r.key) ?? cache.peek(r.conv)?.byKey.get(r.key) ?? readByKey.get(r.key);
          const row = mergeSighting(r, prev, replaced);
          if (row) fresh.set(r.key, row);
        }
        const byConv = new Map<string, EventRow[]>();
        for (const r of fresh.values()) {
          const list = byConv.get(r.conv);
          if (list) list.push(r);
          else byConv.set(r.conv, [r]);
        }
        // Conversations with nothing new whose verdict this sighting may settle (a wait past its deadline that nothing
        // watched: see lateSighting).
        const settle = shown.filter((c, i) => {
          if (byConv.has(c)) return false;
          const clock = clocks[i];
          return (
            clock !== undefined &&
            (clock.status === 'unknown' ||
              (clock.status === 'pending' && clock.dueAt !== null && clock.dueAt < sighted.get(c)!))
          );
        });
        if (!fresh.size && !settle.length) return { stored: 0, staged: null };
        // Issued now, awaited with the recompute (which waits for it before any write of its own to events).
        const written = fresh.size ? db.events.bulkPut([...fresh.values()]) : undefined;
        const [, staged] = await Promise.all([
          written,
          // The last requests of this transaction: it commits as soon as they are made (`commitEarly`).
          this.recomputer.within(
            [...byConv.keys(), ...settle],
            now,
            { added: byConv, sighted, replaced, written },
            pre,
            // The units and aggregates after the badge (`writeDerived`): the clock is stored and shown first.
            // New messages are appended to a held thread in place: a failure here clears the thread cache.
            { commitEarly: true, deferDerived: { owed: [...this.owed] }, appendHeld: true },
          ),
        ]);
        return { stored: fresh.size - staged.dropped, staged };
      });
      if (!staged) await this.afterChange(now);
      else if (!staged.derived) {
        this.commit(staged, now);
        await this.afterChange(now);
      } else {
        this.commitClocks(staged, now);
        this.recomputer.rememberThreads(staged);
        // Owed until written: whatever stops the write below, the next intake repays them (`repayOwed`).
        for (const c of staged.derived.convs) this.owed.add(c);
        await this.afterChange(now, () => this.writeDerived(staged, now));
      }
      return { stored, conversations: staged?.convs ?? 0 };
    });
  }

  /**
   * A tab's health report (also its heartbeat): tab registry and coverage spans. `dropped`: what the router refused
   * from this tab for sending too much (kept on the tab row, shown in the popup). Returns the account the tab watches
   * (its own when the page shows no shop: see `accountOf`).
   */
  async health(health: HealthMessage, tabId: number, dropped?: Dropped): Promise<string> {
    await this.start();
    return this.serial(async () => {
      const now = this.env.now();
      const msg = { ...health, account: this.tabs.accountOf(health.platform, health.account, tabId, now) };
      // The page shows its shop now, after reporting under the tab's own account: what it reported moves to the shop.
      const own = isUnrecognisedAccount(msg.account) ? undefined : this.tabs.ownAccount(tabId, msg.platform);
      if (own) {
        const db = this.db;
        try {
          const { staged, gone } = await db.transaction('rw', RECOMPUTE_TABLES(db), async () =>
            moveAccount(db, this.recomputer, msg.platform, own, msg.account, now),
          );
          for (const conv of gone) this.clockMirror.delete(conv);
          this.commit(staged, now);
        } catch {
          // The move failed (a full disk, a bad row) and rolled back whole: what the tab reported stays under its own
          // account, as before moves existed. The tab itself still reports under its shop below: a failed move never
          // leaves the shop without this tab's coverage (nor retries at every heartbeat).
        }
      }
      await this.tabs.report(msg, tabId, dropped, now);
      // The tab shows another clock list than the one last sent (it reloaded, missed one, or shows a dead worker's):
      // send it whole.
      this.clockPush.tabShows(tabId, msg.clocksSeq, msg.clocksEpoch);
      await this.recomputeOpen(now, { platform: msg.platform, account: msg.account }, 'coverage');
      return msg.account;
    });
  }

  /**
   * The browser (re)started: every tab seen before is gone, whatever its id (ids start again in a new session, so an
   * old id is no old tab, and no tab of this session inherits an old tab's account).
   */
  async browserStarted(): Promise<void> {
    const at = this.env.now();
    await this.start();
    return this.serial(async () => {
      for (const id of await this.tabs.browserStarted(at)) this.clockPush.forget(id);
      await this.recomputeOpen(this.env.now());
    });
  }

  /** Remembers which workbench input was focused last: at `at` (the tab's time of it, never later than now). */
  async inputFocused(tabId: number, at?: number): Promise<void> {
    await this.start();
    await this.serial(async () => {
      const now = this.env.now();
      await this.tabs.inputFocused(tabId, Math.min(at ?? now, now));
    });
  }

  /** The live workbench tab whose input was focused most recently (else the most recently seen one). */
  async lastInputTab(): Promise<TabRow | undefined> {
    return this.tabs.lastInputTab(this.env.now());
  }

  async tabClosed(tabId: number): Promise<void> {
    await this.start();
    return this.serial(async () => {
      const now = this.env.now();
      await this.tabs.closed(tabId, now);
      await this.recomputeOpen(now);
    });
  }

  /** The alarm fired, or the worker woke: bring every open clock up to date, fire due alerts, re-arm. */
  async tick(): Promise<void> {
    await this.start();
    return this.serial(async () => this.recomputeOpen(this.env.now(), undefined, 'due'));
  }

  /** The badge for this instant (called every second while a clock counts down). */
  async renderBadge(): Promise<void> {
    await this.env.setBadge(this.badge(this.env.now()));
  }

  badge(now: number): BadgeView {
    const watched = this.tabs.watchedPlatforms(now);
    return badgeView(this.hot, now, {
      alertLeadSec: this.settings.alertLeadSec,
      blind: this.blind,
      t: this.env.t,
      notes: outsideHoursNotes(watched, this.rules, now, this.env.t),
    });
  }

  /** Open clocks, most urgent first. */
  openClocks(): Clock[] {
    return [...this.hot];
  }

  // ---- internals -------------------------------------------------------------------------------------

  /**
   * Recomputes the conversations a schema upgrade queued (`meta.recompute`: 1688's metrics changed in schema v7),
   * in slices of RECOMPUTE_SLICE per transaction. What is left is written back every ten slices and the row goes
   * once all are done, so a worker stopped halfway goes on where it was (recomputing is idempotent). Frozen days
   * keep their stored results, as in every recompute. A damaged row is dropped.
   */
  private async recomputeQueued(now: number): Promise<void> {
    const convs = await this.queued();
    if (!convs) return;
    for (let i = 0; i < convs.length; i += RECOMPUTE_SLICE) {
      await this.recompute(convs.slice(i, i + RECOMPUTE_SLICE), now);
      const done = i + RECOMPUTE_SLICE;
      if (done < convs.length && (done / RECOMPUTE_SLICE) % 10 === 0)
        await this.db.meta.put({ key: RECOMPUTE_KEY, value: convs.slice(done) });
    }
    await this.db.meta.delete(RECOMPUTE_KEY);
  }

  /** Recomputes clocks, units and rollups of some conversations, in one transaction. */
  /**
   * A read-write transaction over the recompute's tables whose last requests commit it at once (`commitEarly`). Once
   * committing it can no longer roll back: a failure after that may leave writes stored that the mirrors were never
   * told of, so they are read again from the database (as at start) before the failure goes on.
   */
  private earlyCommitted<T>(now: number, scope: () => Promise<T>): Promise<T> {
    return this.db.transaction('rw', RECOMPUTE_TABLES(this.db), scope).catch(async (err: unknown) => {
      await this.reloadMirrors(now).catch(() => undefined);
      // An intake's clocks may have committed with its queue entry and not its units: what the queue names is owed.
      await this.oweQueued().catch(() => undefined);
      throw err;
    });
  }

  /** The conversations `meta.recompute` names become owed (`owed`): the next intake recomputes them first. */
  private async oweQueued(): Promise<void> {
    for (const c of (await this.queued()) ?? []) this.owed.add(c);
  }

  /** The conversations `meta.recompute` names (undefined: no entry; what is not a conversation key is left out). */
  private async queued(): Promise<string[] | undefined> {
    const row = await this.db.meta.get(RECOMPUTE_KEY);
    if (!row) return undefined;
    return Array.isArray(row.value) ? row.value.filter((c): c is string => typeof c === 'string') : [];
  }

  private async recompute(convs: string[], now: number): Promise<void> {
    // An async callback: Dexie follows native awaits through nested async calls only from an async function.
    const staged = await this.earlyCommitted(now, async () =>
      this.recomputer.within(convs, now, undefined, emptyPrefetch(this.recomputer.cache.claim()), {
        commitEarly: true,
      }),
    );
    this.commit(staged, now);
  }

  /**
   * The units and aggregates of an intake whose messages and clocks are committed (`Staged.derived`), in their own
   * transaction, right after the badge is set (in the same serial turn: nothing writes between the two). When it
   * fails (aborted whole: it is not committed early), its conversations are recomputed in one transaction; when that
   * fails too, they stay owed: `meta.recompute` (written with the clocks) names them for the next start
   * (`recomputeQueued`), and the next intake recomputes them first (`repayOwed`).
   */
  private async writeDerived(staged: Staged, now: number): Promise<void> {
    const derived = staged.derived!;
    try {
      await this.db.transaction('rw', DERIVED_TABLES(this.db), async () => {
        staged.claim = this.recomputer.cache.continueClaim(staged.claim);
        await derived.run();
      });
      this.recomputer.rememberDerived(staged);
    } catch {
      await this.reloadMirrors(now).catch(() => undefined);
      await this.repair(derived.convs, derived.keep, now);
    }
    for (const c of derived.convs) this.owed.delete(c);
  }

  /**
   * Recomputes conversations whose units and aggregates were not written (their transaction aborted whole), in one
   * transaction, then leaves `keep` in the recompute queue (the conversations still owed).
   */
  private async repair(convs: string[], keep: readonly string[], now: number): Promise<void> {
    await this.recompute(convs, now);
    if (keep.length) await this.db.meta.put({ key: RECOMPUTE_KEY, value: [...keep] });
    else await this.db.meta.delete(RECOMPUTE_KEY);
  }

  /**
   * Recomputes the conversations whose units and aggregates an intake could not write nor repair (`owed`), before
   * the next intake writes. Best effort: when it fails they stay owed (and queued: the intake's clocks write them into
   * `meta.recompute` with its own), and the intake goes on.
   */
  private async repayOwed(now: number): Promise<void> {
    if (!this.owed.size) return;
    try {
      await this.repair([...this.owed], [], now);
      this.owed.clear();
    } catch {
      // Still owed; the recompute's failure reloaded the mirrors.
    }
  }

  /** After a recompute committed: the clocks and threads it wrote become what the mirrors hold. */
  private commit(staged: Staged, now: number): void {
    this.recomputer.remember(staged);
    this.commitClocks(staged, now);
  }

  /** The clocks a committed recompute wrote become what the clock mirror holds. */
  private commitClocks(staged: Staged, now: number): void {
    for (const c of staged.clocks) {
      if (isMirrored(c, now)) this.clockMirror.set(c.key, c);
      else this.clockMirror.delete(c.key);
    }
  }

  /**
   * Recomputes the clocks that can still change by themselves (pending, and recently unknown ones that new
   * coverage may settle), optionally only one account's, then alerts, badge and alarm. `reason` narrows it to what
   * can have changed: on an alarm (`due`) only waits whose deadline has come (the engine's only change with time:
   * pending → breached/unknown); on a heartbeat (`coverage`) those, and the unknown ones coverage may settle (a wait
   * still before its deadline is pending whatever the coverage). Each recompute is a read-write transaction the
   * popup's reads wait behind, so it stays as small as that.
   */
  private async recomputeOpen(
    now: number,
    only?: { platform: Platform; account: string },
    reason: 'all' | 'due' | 'coverage' = 'all',
  ): Promise<void> {
    const rows = this.clocksWith('pending', 'unknown', now - UNKNOWN_RECHECK_MS).filter(
      (c) =>
        (!only || (c.platform === only.platform && c.account === only.account)) &&
        (reason === 'all' || (c.status === 'pending' ? c.dueAt !== null && c.dueAt <= now : reason === 'coverage')),
    );
    if (rows.length)
      await this.recompute(
        rows.map((c) => c.key),
        now,
      );
    await this.afterChange(now);
  }

  /**
   * Every clock of status `all`, and those of status `recent` whose deadline is after `since`, ordered by status,
   * then key, from the mirror (nothing is read: this runs after every message). Clocks that can no longer matter
   * leave the mirror here.
   */
  private clocksWith(all: ClockStatus, recent: ClockStatus, since: number): ClockRow[] {
    const now = this.env.now();
    const out: ClockRow[] = [];
    for (const c of this.clockMirror.values()) {
      if (!isMirrored(c, now)) this.clockMirror.delete(c.key);
      else if (c.status === all || (c.status === recent && c.dueAt !== null && c.dueAt > since)) out.push(c);
    }
    return out.sort((x, y) =>
      x.status !== y.status ? (x.status < y.status ? -1 : 1) : x.key < y.key ? -1 : x.key > y.key ? 1 : 0,
    );
  }

  /** The badge, then alerts for what just became due, the single alarm and the tabs' clock lists. */
  private async afterChange(now: number, afterBadge?: () => Promise<void>): Promise<void> {
    const db = this.db;
    const open = this.clocksWith('pending', 'breached', now - BREACH_SHOWN_MS);
    this.hot = [...open].sort(byUrgency);
    this.blind = this.tabs.blind(now);
    // A badge or an intake's units and aggregates (`writeDerived`, before the alerts' own writes) that fail are the
    // caller's failure, once the rest is seen to: the units, the alerts, the alarm and the tabs do not wait on them.
    const failure = (err: unknown) => ({ err });
    let failed = await new Promise<void>((shown) => shown(this.env.setBadge(this.badge(now)))).then(
      () => null,
      failure,
    );
    if (afterBadge) failed = (await afterBadge().then(() => null, failure)) ?? failed;
    // The bookkeeping writes (alertedFor / breachedFor) run here, inside the serial queue, as every write does.
    const { soon, breached } = await this.alerts.due(open, now, this.settings, (key, mark) =>
      db.clocks.update(key, mark),
    );
    await this.alerts.after({ open: this.hot, soon, breached, settings: this.settings });
    await this.schedule(now);
    if (this.startedOnce) this.pastStatsSoon(now, PAST_STATS_AFTER_WRITE_MS); // at a start: soon after it (below)
    // Sent now, in order; their answers are awaited outside the queue (`pushes`).
    const push = this.pushClocks(now).catch(() => undefined);
    this.pushes = Promise.all([this.pushes, push]).then(() => undefined);
    if (failed) throw failed.err;
  }

  /** The open clocks of one account, for a workbench tab's in-page badges. */
  clocksFor(platform: Platform, account: string): TabClock[] {
    return this.hot
      .filter((c) => c.platform === platform && c.account === account && c.dueAt !== null)
      .map((c) => ({ buyer: c.buyer, status: c.status as TabClock['status'], dueAt: c.dueAt! }));
  }

  /** Tells every watching tab about its account's open clocks when they changed (`ClockPush`). */
  private async pushClocks(now: number): Promise<void> {
    await this.clockPush.push(
      this.tabs.reporting(now),
      (p, a) => this.clocksFor(p, a),
      { title: this.settings.tabTitle, lang: this.env.t.lang },
      now,
    );
  }

  private async schedule(now: number): Promise<void> {
    let next: number | null = null;
    const consider = (t: number | null) => {
      if (t !== null && t > now && (next === null || t < next)) next = t;
    };
    for (const c of this.hot) {
      if (c.status !== 'pending') continue;
      if (this.settings.alertLeadSec > 0 && c.alertedFor !== c.dueAt) consider(c.alertAt);
      consider(c.dueAt);
      consider(now + REFRESH_MS);
    }
    // Deadlines already past (the worker slept through them) are handled now, not re-armed.
    if (!alarmChange(this.alarmSet, next, now)) return;
    await this.env.setAlarm(next);
    this.alarmSet = next;
  }

  /** This installation's id for team exports (`meta.agentId`), created on first use. */
  async agentId(): Promise<string> {
    return this.serial(() => team.agentId(this.db));
  }

  /** Merges another agent's export into the team view (`team.ts` importTeam), in the serial queue. */
  async importTeam(bundle: ExportBundle): Promise<team.TeamImportReply> {
    const own = await this.agentId();
    return this.serial(() => team.importTeam(this.db, bundle, own, this.env.now()));
  }

  /** Removes everything imported from one source. */
  async removeTeamSource(source: string): Promise<number> {
    return this.serial(() => team.removeTeamSource(this.db, source));
  }

  /**
   * Rebuilds every rollup and per-day aggregate (`dayStats`) from the stored units (repair, and the reference the
   * incremental path is tested against).
   */
  async rebuildRollups(): Promise<void> {
    await this.start();
    await this.serial(() => rebuildRollups(this.db, this.env.now()));
  }

  /**
   * Builds the analytics page's past-days summaries of today when they are not stored (lib/background/past-stats.ts),
   * in the serial queue. `early`: in the day's first minutes, none is built.
   */
  async refreshPastStats(): Promise<'built' | 'current' | 'early'> {
    await this.start();
    return this.serial(async () => {
      const now = this.env.now();
      const writes = pastStatsDrops(this.db);
      const done = await refreshPastStats(this.db, now);
      if (done !== 'early') this.pastStatsFor = { day: chinaDay(now), writes };
      return done;
    });
  }

  /** Has `refreshPastStats` run later (`env.later`) when the summaries may be missing: another day, or deleted since. */
  private pastStatsSoon(now: number, ms: number): void {
    const known = this.pastStatsFor;
    if (!this.env.later || this.pastStatsLater) return;
    if (known && known.day === chinaDay(now) && known.writes === pastStatsDrops(this.db)) return;
    this.pastStatsLater = true;
    this.env.later(() => {
      this.pastStatsLater = false;
      this.refreshPastStats().catch(() => undefined); // not kept: the page reads the past rows meanwhile
    }, ms);
  }
}

/**
 * Must the alarm be set again for the next wake `next`? Not when the one set (`set`) is still to come and no later
 * than `next`: waking early costs a recompute of nothing due and re-arms, and a new message (whose 30-second
 * refresh moves on with every message) then costs no `chrome.alarms` call in the serial queue. A worker that
 * restarted (`set` undefined) sets it again.
 */
export function alarmChange(set: number | null | undefined, next: number | null, now: number): boolean {
  if (set === undefined) return true;
  if (next === null) return set !== null;
  return set === null || set <= now || set > next;
}

/** Can this clock still change by itself, or still show in the badge and queue? (What `clockMirror` keeps.) */
function isMirrored(c: ClockRow, now: number): boolean {
  if (c.status === 'pending') return true;
  if (c.dueAt === null) return false;
  if (c.status === 'breached') return now - c.dueAt < BREACH_SHOWN_MS;
  if (c.status === 'unknown') return now - c.dueAt < UNKNOWN_RECHECK_MS;
  return false;
}
