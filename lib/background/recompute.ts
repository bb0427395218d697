/**
 * Recomputing conversations: a conversation's stored messages (from the thread cache, else the database) and its
 * account's coverage through the engine, then its clock, units, rollups and per-day aggregates written, only what
 * changed. Runs inside the caller's transaction (`RECOMPUTE_TABLES`) and `Sentinel`'s serial queue; what the
 * mirrors must learn is returned (`Staged`). Free of chrome.*.
 */
import Dexie from 'dexie';
import { RECOMPUTE_KEY } from '../db/meta';
import type { SentinelDB } from '../db/schema';
import { absorbedCounters, evaluate, isCounter, lastNick, lateSighting, seenThrough } from '../engine';
import { betterTime, sightedAt, threadCompare } from '../engine/rounds';
import { chinaDay, chinaDayStart } from '../engine/time';
import { carryWeight, evaluateCarried, type Carry } from '../engine/incremental';
import { recentCut, seenLaterBefore, widenBounds, type ThreadBounds } from '../engine/window';
import type { ClockRow, CoverageRow, CoverageSpan, EventRow, Platform, RollupRow, UnitRow } from '../model';
import { rollupId } from '../engine/rollup';
import { primaryMetric } from '../rules';
import type { PlatformRules, RuleSet } from '../rules/types';
import { spansOf, type TabRegistry } from './coverage';
import { markPrunedBefore, readPrunedBefore } from './maintenance';
import { ReadCache, emptyCacheUpdate, type CacheUpdate, type Claim, type HeldConv } from './read-cache';
import { issueDayStatsChange, issueRollupDelta } from './rollups';
import { ThreadCache, type CachedThread } from './thread-cache';

/** How many stored messages the background keeps in memory (recently active conversations; a few MB). */
export const THREAD_CACHE_EVENTS = 30_000;
/**
 * The shortest evaluated slice whose evaluation is carried to the next intake (`evaluateCarried`). Below it a whole
 * `evaluate` per intake costs ≈ 0.1 ms and ≈ 50–200 kB allocated in Node (scripts/bench/engine-carry.ts at 40 and 100
 * messages, bench-results/2026-12-06-carrymem.md), while a carry holds ≈ 250–800 B per message: short conversations,
 * most of them, hold none.
 */
export const CARRY_MIN_EVENTS = 100;
/** From this many stored messages on, a conversation is evaluated from today's or yesterday's midnight (or the first question after it) when that is exact. */
export const LONG_THREAD = 500;

/** What a recompute reads of the settings, at the time it runs. */
export interface RecomputeConfig {
  rules: RuleSet;
  alertLeadSec: number;
  retentionDays: number;
}

export class Recompute {
  /** Stored messages of recently active conversations, so a long thread is not re-read for every new message. */
  readonly threads = new ThreadCache(THREAD_CACHE_EVENTS);
  /** The other rows a recompute reads, for the conversations it recomputed last (`read-cache.ts`). */
  readonly cache: ReadCache;
  /** How conversations were evaluated: whole, or from a recent midnight (long threads). For tests and bench. */
  readonly evaluations = { whole: 0, recent: 0 };
  /**
   * Of the `recent` evaluations, how many were cut at today's midnight (the rest at yesterday's), how many
   * messages all evaluations were given, and how many times a long thread's cut was searched. For tests and bench.
   */
  readonly work = { todayCuts: 0, evaluatedEvents: 0, cutSearches: 0 };
  /**
   * Of `work.evaluatedEvents`, how many came with the engine's state carried from the conversation's last evaluation
   * (`evaluateCarried`: not walked again), in how many evaluations, and how many evaluations had a slice long enough
   * to be carried (`CARRY_MIN_EVENTS`). For tests and bench.
   */
  readonly carry = { carriedEvents: 0, carriedEvaluations: 0, carryable: 0 };
  /** Evaluations carry the engine's state from intake to intake (`evaluateCarried`); tests set false for a reference. */
  carryEvaluations = true;
  /** From this many stored messages on, a thread with new messages is evaluated from the cut (tests set Infinity). */
  longThread = LONG_THREAD;
  /**
   * Conversations this worker has evaluated from yesterday's cut or whole, with the rules they were evaluated under
   * (`rulesKey`). Only those may be cut at today's midnight: after a rule change (or a restart, which clears this)
   * yesterday is judged again once, as it was before today's cut existed. Long threads only; bounded (`judgedMax`:
   * the least recently cut go first).
   */
  private readonly judged = new Map<string, number>();
  /** How many conversations `judged` remembers (smaller in tests). */
  judgedMax = JUDGED_CONVERSATIONS;

  constructor(
    private readonly db: SentinelDB,
    private readonly tabs: Pick<TabRegistry, 'spans' | 'coverageRows'>,
    private readonly config: () => RecomputeConfig,
  ) {
    this.cache = new ReadCache(db);
  }

  /** After a recompute committed: the threads it read and wrote are what the cache holds. */
  remember(staged: Staged): void {
    this.rememberThreads(staged);
    this.rememberDerived(staged);
  }

  /** After the transaction with the messages and clocks committed: the threads (`remember`'s first half). */
  rememberThreads(staged: Staged): void {
    for (const t of staged.threads) {
      if (t.base) this.threads.update(t.conv, t.base, t.events, t.put, t.deleted);
      else this.threads.set(t.conv, t.events);
      // What the engine carries to the conversation's next evaluation, held with its thread (and dropped with it),
      // charged to the cache's budget by what it holds.
      if (t.carry) this.threads.setCarry(t.conv, t.carry, carryWeight(t.carry));
    }
  }

  /**
   * After the units and aggregates committed too (in the same transaction, or in the next one: `Staged.derived`):
   * what the read cache holds, and which threads were judged (`remember`'s second half).
   */
  rememberDerived(staged: Staged): void {
    this.cache.remember(staged.claim, staged.cache);
    for (const [conv, key] of staged.judged ?? []) this.rememberJudged(conv, key);
  }

  /**
   * Recomputes clocks, units and rollups of some conversations, inside the caller's transaction (`RECOMPUTE_TABLES`).
   * A conversation's messages come from the thread cache (plus `page.added`, just stored) or else from the database.
   * What the page just showed (`page`, from ingest) is reconciled first: counter readings the thread already accounts
   * for are not kept (one wait, one event: see `absorbedCounters`), and a sighting a verdict needs is kept as
   * `seenAt` (see `lateSighting`). A long thread that got new messages is reconciled and evaluated from the cut
   * (`recentCut`: today's midnight, or the first question after it, else yesterday's) when that is exact, so a new
   * message costs what today (or the last two days) cost, not the whole thread. What the mirrors must learn is returned, for `remember`
   * (and the caller's clock mirror) once the transaction has committed.
   */
  async within(
    convs: string[],
    now: number,
    page?: PageBatch,
    pre: Prefetched = emptyPrefetch(),
    opts: {
      commitEarly?: boolean;
      deferDerived?: { owed: readonly string[] };
      /**
       * New messages that come after a held thread are appended to its array in place (`ThreadCache.appendInPlace`):
       * only for a caller whose failure clears the thread cache (the intake).
       */
      appendHeld?: boolean;
    } = {},
  ): Promise<Staged> {
    const db = this.db;
    const fresh = page?.added;
    const staged: Staged = { convs: 0, clocks: [], threads: [], dropped: 0 };
    // What the read cache learns once this commits: only in a transaction the cache's owner claimed.
    const update = pre.claim ? emptyCacheUpdate() : undefined;
    if (update) {
      staged.claim = pre.claim;
      staged.cache = update;
    }
    // Each conversation once (its stored units are read once, its deltas must count once).
    convs = [...new Set(convs)];
    const owedConvs = new Set(opts.deferDerived?.owed ?? []);
    // Everything the loop reads, in one batch of parallel requests (what `pre` does not hold yet).
    await this.prefetch(pre, convs, now);
    const frozen = pre.frozen!;
    // What the loop writes, issued together after it: one round trip for all of them, not one per table and thread.
    const clockRows: ClockRow[] = [];
    const unitPuts: UnitRow[] = [];
    const unitGone: string[] = [];
    const replacedAll: UnitRow[] = [];
    const changedAll: UnitRow[] = [];
    for (const conv of convs) {
      const cached = this.threads.peek(conv);
      const added = fresh?.get(conv) ?? [];
      // Neither held nor read: the cache was cleared while the reads waited (a space recovery): read it now.
      if (!cached && !pre.threads.has(conv)) await this.prefetch(pre, [conv], now);
      // Kept in thread order: new messages usually come last, and are then appended (no copy of a Map, no sort).
      const events = withAdded(
        cached ?? pre.threads.get(conv),
        added,
        cached && opts.appendHeld ? (rows) => this.threads.appendInPlace(cached, rows) : undefined,
      );
      const thread: StagedThread = { conv, events, base: cached, put: added, deleted: [] };
      // What the held thread's bounds say of `events` (the new messages folded in): undefined, every check walks.
      const bounds = cached?.bounds ? (added.length ? widenBounds(cached.bounds, added) : cached.bounds) : undefined;
      staged.threads.push(thread);
      if (!events.length) continue;
      const { platform } = events[0]!;
      const stored = pre.units.get(conv) ?? [];
      // Held as it was read unless changed below (only a conversation whose stored rows were all read).
      if (update && pre.units.has(conv)) update.convs.set(conv, { clock: pre.clocks.get(conv), units: stored });
      // Days whose raw messages were pruned (retention, space recovery) keep their stored results: recomputing them
      // from what is left would undercount them. A long thread that got new messages is evaluated from the cut
      // (lib/engine/window.ts) when that is exact and the stored results before the cut's day are final.
      const rules = this.config().rules.platforms[platform];
      // A long thread (counted in `judged` whenever evaluated from yesterday's cut or whole); cut only with new messages.
      const isLongThread = events.length >= this.longThread && rules !== undefined;
      // A conversation still owed its units (`deferDerived.owed`) is evaluated whole: a cut would leave the owed
      // days' units unwritten while the intake marks it paid.
      const long = isLongThread && added.length > 0 && !owedConvs.has(conv);
      const ruleKey = rules === undefined ? -1 : rulesKey(this.config().rules.version, rules);
      // Where a message replaced by a better-timed copy was before (none: undefined).
      const moved = page?.replaced?.get(conv);
      // The earliest day of a stored unit that is not final (its judgement can still change as the thread grows).
      let open: string | undefined;
      // The nicknames on yesterday's stored units: today's cut leaves them as they are, the whole thread would write
      // its last nickname on them (a nickname first shown, or changed, today).
      const yesterday = chinaDay(now - 86_400_000);
      const yesterdayNicks = new Set<string | undefined>();
      if (long)
        for (const u of stored) {
          // A frozen day's units are never rewritten (see `frozenBeforeDay`): final or not, they block no cut.
          if (u.day < frozen) continue;
          if (!isFinal(u) && (open === undefined || u.day < open)) open = u.day;
          if (u.day === yesterday) yesterdayNicks.add(u.buyerNick);
        }
      // Found once per thread array: the reconciled thread is the same array when reconciling changed nothing.
      let found: { list: readonly EventRow[]; cut: Cut } | undefined;
      const cutOf = (list: readonly EventRow[], b: ThreadBounds | undefined): Cut => {
        if (found?.list !== list) found = { list, cut: findCut(list, b) };
        return found.cut;
      };
      const findCut = (list: readonly EventRow[], b: ThreadBounds | undefined): Cut => {
        if (!long) return NO_CUT;
        this.work.cutSearches++;
        // Today's midnight first (a new message then costs today's messages), else yesterday's: the latest whose
        // stored results before it are final.
        // Today's only when yesterday has been judged under these rules (see `judged`) and its units carry the
        // nickname the thread's last one (found after an exact cut too) gives them.
        const nick = lastNick(list);
        const todayOk = this.judged.get(conv) === ruleKey && [...yesterdayNicks].every((n) => n === nick);
        for (const back of todayOk ? [0, 1] : [1]) {
          const at = chinaDayStart(chinaDay(now - back * 86_400_000));
          const day = chinaDay(at);
          if (open !== undefined && open < day) continue;
          const cut = recentCut(list, rules, at, b);
          // Every new message must be after the cut (nothing before it is recomputed), and so must the old place of a
          // message seen again with a better time (what it was judged in before is recomputed too).
          if (cut === 0) continue;
          const cutAt = list[cut]!.at;
          if (added.every((e) => e.at >= cutAt) && (moved === undefined || moved >= cutAt))
            return { cut, day, today: back === 0 };
        }
        return NO_CUT;
      };
      const { account } = events[0]!;
      const ck = coverageKey(platform, account);
      let coverage = pre.coverage.get(ck);
      if (!coverage) pre.coverage.set(ck, (coverage = await this.tabs.spans(platform, account, now)));
      let all = events;
      if (page) {
        // Reconciled from the cut of the thread as it came (the part before it cannot change, see `reconcile`).
        const r = await this.reconcile(
          events,
          cutOf(events, bounds).cut,
          added,
          coverage,
          page.sighted.get(conv),
          page.written,
          bounds,
        );
        all = thread.events = r.events;
        thread.put = r.put;
        thread.deleted = r.deleted;
        staged.dropped += r.dropped;
        if (!all.length) continue;
      }
      staged.convs++;
      // The cut of the thread as stored now (its bounds: those of `events`, with what the reconcile wrote).
      const { cut, day: cutDay, today } = cutOf(all, bounds && widenBounds(bounds, thread.put));
      const from = cut > 0 && cutDay > frozen ? cutDay : frozen;
      const input = cut > 0 ? all.slice(cut) : all;
      if (cut > 0) this.evaluations.recent++;
      else this.evaluations.whole++;
      if (today) {
        this.work.todayCuts++;
        this.touchJudged(conv); // in use: the last to go when the map is full
      }
      // Remembered once this commits (`remember`): long threads only (the only ones cut at today's midnight).
      else if (isLongThread) (staged.judged ??= []).push([conv, ruleKey]);
      this.work.evaluatedEvents += input.length;
      // Carried from the conversation's last evaluation when the input is that one's with messages appended (the
      // usual intake): the engine then walks only the new messages (lib/engine/incremental.ts); else evaluated whole.
      const engineInput = {
        events: input,
        coverage,
        rules: this.config().rules,
        now,
        alertLeadSec: this.config().alertLeadSec,
      };
      // A short slice is evaluated whole, no carry held: walking it costs less than what the carry would hold
      // (`CARRY_MIN_EVENTS`). The thread is keyed by message: its ids are unique (no set of them kept).
      const carryable = input.length >= CARRY_MIN_EVENTS;
      if (carryable) this.carry.carryable++;
      const evaluated =
        this.carryEvaluations && carryable
          ? evaluateCarried(engineInput, cached ? (this.threads.carryOf(conv) as Carry | undefined) : undefined, {
              uniqueIds: true,
            })
          : { out: evaluate(engineInput), carry: undefined, carried: 0 };
      const out = evaluated.out;
      thread.carry = evaluated.carry;
      if (evaluated.carried) {
        this.carry.carriedEvents += evaluated.carried;
        this.carry.carriedEvaluations++;
      }
      const clock = out.clocks[0];
      let clockRow = pre.clocks.get(conv);
      if (clock) {
        const prev = pre.clocks.get(conv);
        const row: ClockRow = { ...clock };
        if (prev?.alertedFor !== undefined) row.alertedFor = prev.alertedFor;
        if (prev?.breachedFor !== undefined) row.breachedFor = prev.breachedFor;
        clockRows.push(row);
        staged.clocks.push(row);
        clockRow = row;
      }
      // Only what changed is written (and moves the rollups).
      const old = new Map(stored.filter((u) => u.day >= from).map((u) => [u.id, u]));
      const next = out.units.filter((u) => u.day >= from);
      const changed = next.filter((u) => !sameUnit(old.get(u.id), u));
      const nextIds = new Set(next.map((u) => u.id));
      const changedIds = new Set(changed.map((u) => u.id));
      replacedAll.push(...[...old.values()].filter((u) => !nextIds.has(u.id) || changedIds.has(u.id)));
      changedAll.push(...changed);
      unitGone.push(...[...old.keys()].filter((id) => !nextIds.has(id)));
      unitPuts.push(...changed);
      if (update && pre.units.has(conv)) {
        // The stored units less those gone or rewritten, then the rewritten ones: built when the read cache takes them
        // (`heldAfter`), once the transaction committed.
        const out = new Set([...[...old.keys()].filter((id) => !nextIds.has(id)), ...changedIds]);
        update.convs.set(conv, heldAfter(clockRow, stored, out, changed));
      }
    }
    if (update) {
      for (const [k, rows] of pre.coverageRows) update.coverage.set(k, rows);
      if (pre.aggregates) {
        for (const [id, r] of pre.aggregates.rollups) update.rollups.set(id, r);
        for (const [id, r] of pre.aggregates.dayStats) update.dayStats.set(id, r);
      }
      if (pre.prunedBefore) update.prunedBefore = pre.prunedBefore;
    }
    // Requests run in the order they are made: the units are written before the per-day aggregates may be rebuilt
    // from them (a malformed row). Rollup and per-day deltas add up, so one delta for all conversations moves them as
    // one per conversation would. The rows they write (or delete) are what the read cache holds of them after this.
    // Returns whether every request was made before it returned (none left to issue after a read).
    const issueDerived = (): { issued: boolean; done: Promise<unknown> } => {
      const writes = [
        ...chunks(unitGone).map((c) => db.units.bulkDelete(c)),
        ...chunks(unitPuts).map((c) => db.units.bulkPut(c)),
      ];
      const rollups = issueRollupDelta(db, replacedAll, changedAll, now, pre.aggregates?.rollups, update?.rollups);
      const dayStats = issueDayStatsChange(
        db,
        replacedAll,
        changedAll,
        chinaDay(now),
        pre.aggregates?.dayStats,
        update?.dayStats,
      );
      return {
        issued: rollups.issued && dayStats.issued,
        done: Promise.all([...writes, rollups.done, dayStats.done]),
      };
    };
    const clockWrites = chunks(clockRows).map((c) => db.clocks.bulkPut(c));
    if (opts.deferDerived && (unitGone.length || unitPuts.length)) {
      // The clocks now, the units and aggregates in the caller's next transaction (`Staged.derived`). Until then the
      // recompute queue names these conversations, with those already owed (a start recomputes what is queued).
      const mine = new Set(convs);
      const keep = opts.deferDerived.owed.filter((c) => !mine.has(c));
      const queued = db.meta.put({ key: RECOMPUTE_KEY, value: [...keep, ...convs] });
      if (opts.commitEarly) commitNow();
      await Promise.all([...clockWrites, queued]);
      staged.derived = {
        convs,
        keep,
        // Not committed early: a request that fails then aborts the whole transaction (Dexie handles a failed
        // request's event itself, so after `commit()` the others would be stored and the queue entry gone, with
        // aggregates the units do not give). It runs after the badge, so the round trip costs no latency.
        run: async () => {
          const derived = issueDerived();
          const paid = keep.length ? db.meta.put({ key: RECOMPUTE_KEY, value: keep }) : db.meta.delete(RECOMPUTE_KEY);
          await Promise.all([derived.done, paid]);
        },
      };
      return staged;
    }
    const derived = issueDerived();
    // Every request of the transaction made (the caller makes none after this: `commitEarly`): commit now, so the
    // browser commits right after the last write instead of after a round trip for each write's answer and the
    // auto-commit. Only when nothing is left to issue (a row to read or rebuild, a write still waiting for one).
    if (opts.commitEarly && derived.issued) commitNow();
    await Promise.all([...clockWrites, derived.done]);
    return staged;
  }

  /** `conv` was evaluated from yesterday's cut or whole under the rules `key` (see `judged`). */
  private rememberJudged(conv: string, key: number): void {
    this.judged.delete(conv);
    this.judged.set(conv, key);
    if (this.judged.size > this.judgedMax) this.judged.delete(this.judged.keys().next().value!);
  }

  /** A conversation cut at today's midnight again: moved to the newest end of `judged` (the oldest go first). */
  private touchJudged(conv: string): void {
    const key = this.judged.get(conv);
    if (key === undefined) return;
    this.judged.delete(conv);
    this.judged.set(conv, key);
  }

  /**
   * Reads, in one batch of parallel requests inside the caller's transaction, what recomputing `convs` needs and `pre`
   * does not hold yet: the frozen-day boundary, their stored units and clocks, the threads the cache does not hold
   * (unless `threads` is false), and the coverage of `accounts`. Each request awaited on its own is a round trip to
   * the browser's database: one after another, they were most of a new message's latency.
   */
  async prefetch(
    pre: Prefetched,
    convs: readonly string[],
    now: number,
    opts: {
      accounts?: readonly { platform: Platform; account: string }[];
      threads?: boolean;
      /** Also read today's rollup and per-day rows of `accounts` (see `Prefetched.aggregates`). */
      aggregates?: boolean;
    } = {},
  ): Promise<void> {
    const db = this.db;
    const cache = this.cache;
    // What the read cache holds for a claimed transaction is taken from there (no request).
    for (const c of new Set(convs)) {
      const held = pre.units.has(c) ? undefined : cache.conv(pre.claim, c);
      if (held) {
        pre.units.set(c, held.units as UnitRow[]);
        pre.clocks.set(c, held.clock);
      }
    }
    for (const a of opts.accounts ?? []) {
      const k = coverageKey(a.platform, a.account);
      const rows = pre.coverage.has(k) ? undefined : cache.coverageRows(pre.claim, k);
      if (rows) pre.coverage.set(k, spansOf(rows, now));
    }
    if (opts.aggregates && !pre.aggregates)
      pre.aggregates = cache.aggregates(pre.claim, this.todayAggregateIds(opts.accounts ?? [], now));
    pre.prunedBefore ??= cache.pruned(pre.claim);
    if (pre.frozen === undefined && pre.prunedBefore) pre.frozen = this.frozenFrom(pre.prunedBefore.value, now);
    const need = [...new Set(convs)].filter((c) => !pre.units.has(c));
    const reads =
      opts.threads === false ? [] : [...new Set(convs)].filter((c) => !this.threads.peek(c) && !pre.threads.has(c));
    const accounts = (opts.accounts ?? []).filter((a) => !pre.coverage.has(coverageKey(a.platform, a.account)));
    const aggregateIds = opts.aggregates && !pre.aggregates ? this.todayAggregateIds(opts.accounts ?? [], now) : [];
    if (!need.length && !reads.length && !accounts.length && !aggregateIds.length && pre.frozen !== undefined) return;
    // One index range per conversation (a `getAll` each): `anyOf` walks a cursor, a round trip per few rows.
    const [pruned, units, clocks, threads, spans, rollups, dayStats] = await Promise.all([
      pre.frozen === undefined ? readPrunedBefore(db) : undefined,
      Promise.all(need.map((c) => db.units.where('conv').equals(c).toArray())),
      need.length ? db.clocks.bulkGet(need) : [],
      Promise.all(reads.map((c) => db.events.where('conv').equals(c).toArray())),
      Promise.all(accounts.map((a) => this.tabs.coverageRows(a.platform, a.account))),
      aggregateIds.length ? db.rollups.bulkGet(aggregateIds) : [],
      aggregateIds.length ? (db.dayStats.bulkGet(aggregateIds) as Promise<unknown[]>) : [],
    ]);
    if (aggregateIds.length)
      pre.aggregates = {
        rollups: new Map(aggregateIds.map((id, i) => [id, rollups[i]])),
        dayStats: new Map(aggregateIds.map((id, i) => [id, dayStats[i]])),
      };
    if (pre.frozen === undefined) {
      pre.prunedBefore = { value: pruned };
      pre.frozen = this.frozenFrom(pruned, now);
    }
    need.forEach((c, i) => {
      pre.units.set(c, units[i]!);
      pre.clocks.set(c, clocks[i]);
    });
    reads.forEach((c, i) => {
      const list = threads[i]!.sort(threadCompare);
      pre.threads.set(c, { events: list, byKey: new Map(list.map((e) => [e.key, e])) });
    });
    accounts.forEach((a, i) => {
      const k = coverageKey(a.platform, a.account);
      pre.coverage.set(k, spansOf(spans[i]!, now));
      pre.coverageRows.set(k, spans[i]!);
    });
  }

  /**
   * The rollup (and per-day aggregate: same id) rows a new message of these accounts most likely moves: today's, of
   * each metric their platform computes (a new question's units are dated today).
   */
  private todayAggregateIds(accounts: readonly { platform: Platform; account: string }[], now: number): string[] {
    const day = chinaDay(now);
    const ids = new Set<string>();
    for (const { platform, account } of accounts)
      for (const m of this.config().rules.platforms[platform]?.metrics ?? [])
        if (!m.retired) ids.add(rollupId({ metric: m.key, day, platform, account }));
    return [...ids];
  }

  /**
   * What the page just showed of one conversation, against its stored thread (inside the ingest's transaction):
   * counter readings the thread accounts for (the same wait read again, or the message it counted: `absorbedCounters`
   * under the primary metric) are deleted, so one wait is one stored event and a reload stores nothing; a sighting
   * at `sighted` that a verdict needs (`lateSighting`) is kept as `seenAt` on the wait's first event. Returns the
   * thread as stored now, what of it was written (`put`: `added` kept, a `seenAt`) and deleted, and how many of
   * `added` were not kept.
   *
   * `cut` > 0 (an exact cut, `recentCut`, with every added message after it): only the part from the cut is read.
   * Its rounds are the whole thread's from there on, and the rounds before it are closed and unchanged since the
   * last reconcile, which deleted their absorbed counters already; the latest sighting is taken from the whole thread.
   */
  private async reconcile(
    events: readonly EventRow[],
    cut: number,
    added: readonly EventRow[],
    coverage: readonly CoverageSpan[],
    sighted: number | undefined,
    written?: Promise<unknown>,
    bounds?: ThreadBounds,
  ): Promise<{ events: readonly EventRow[]; put: EventRow[]; deleted: string[]; dropped: number }> {
    const rule = primaryMetric(this.config().rules, events[0]!.platform);
    const addedKeys = new Set(added.map((e) => e.key));
    // Of two readings of one wait the first seen stands: what arrives now was seen after everything stored, even when
    // the clocks say the same millisecond.
    let storedSeen = -Infinity;
    if (added.some(isCounter))
      for (const e of events) if (!addedKeys.has(e.key)) storedSeen = Math.max(storedSeen, e.observedAt);
    let part = cut > 0 ? events.slice(cut) : events;
    const arrival = part.map((e) =>
      addedKeys.has(e.key) && isCounter(e) && e.observedAt <= storedSeen ? { ...e, observedAt: storedSeen + 1 } : e,
    );
    const absorbed = new Set(absorbedCounters(arrival, rule));
    let dropped = 0;
    let put = [...added];
    const deleted: string[] = [];
    if (absorbed.size) {
      const gone = part.filter((e) => isCounter(e) && absorbed.has(e.messageId));
      // After the page's new messages are written (a reading just stored may be one of those deleted).
      await written;
      await this.db.events.bulkDelete(gone.map((e) => e.key));
      dropped = gone.filter((e) => addedKeys.has(e.key)).length;
      const goneKeys = new Set(gone.map((e) => e.key));
      part = part.filter((e) => !goneKeys.has(e.key));
      put = put.filter((e) => !goneKeys.has(e.key));
      deleted.push(...goneKeys);
    }
    // Nothing deleted: the thread as it came (no copy of it).
    let all = !absorbed.size ? events : cut > 0 ? events.slice(0, cut).concat(part) : part;
    // Seen at or after `sighted` already (the usual case: the new message itself): `lateSighting` would find nothing
    // to keep, whatever the part before the cut holds (a thread's message ids are unique, so its rounds' sighting is
    // this maximum). Decided without ordering and walking the part's rounds, or walking the part before the cut.
    // Its last message (usually the new one) seen at the sighting decides it without a walk.
    const lastSeen = part.length ? sightedAt(part.at(-1)!) : -Infinity;
    const seenPart = sighted === undefined || lastSeen >= sighted ? lastSeen : seenThrough(part);
    if (sighted !== undefined && seenPart < sighted) {
      // How late the thread was seen counts: the part alone when nothing before the cut was seen later.
      const judged = cut > 0 && seenLaterBefore(events, cut, seenPart, bounds) ? all : part;
      const first = lateSighting(judged, rule, coverage, sighted) as EventRow | null;
      if (first) {
        const row: EventRow = { ...first, seenAt: sighted };
        await written;
        await this.db.events.put(row);
        all = all.map((e) => (e.key === row.key ? row : e));
        put = [...put.filter((e) => e.key !== row.key), row];
      }
    }
    return { events: all, put, deleted, dropped };
  }

  /**
   * The first China day whose results may still be recomputed: the days before it lost raw messages to a prune
   * (`meta.prunedBefore`, persisted by every prune that deletes messages) or are past the retention period. Their
   * stored units and rollups stay exactly as they are, whatever the retention is set to later.
   */
  async frozenBeforeDay(now: number): Promise<string> {
    return this.frozenFrom(await readPrunedBefore(this.db), now);
  }

  /** `frozenBeforeDay` with `meta.prunedBefore` as read (`pruned`). */
  private frozenFrom(pruned: string | undefined, now: number): string {
    const retention = chinaDay(now - this.config().retentionDays * 86_400_000);
    return pruned !== undefined && pruned > retention ? pruned : retention;
  }

  /** Deletes the raw messages of the frozen days (whole China days); when any go, those days stay frozen for good. */
  async pruneOld(now: number): Promise<void> {
    this.threads.clear();
    const db = this.db;
    await db.transaction('rw', db.events, db.meta, async () => {
      const before = await this.frozenBeforeDay(now);
      if (await db.events.where('at').below(chinaDayStart(before)).delete()) await markPrunedBefore(db, before);
    });
  }
}

/**
 * Commits the current Dexie transaction now (`IDBTransaction.commit()`): the caller has made its last request. Dexie
 * commits an explicit transaction only by the browser's auto-commit, once every request has been answered and the
 * callbacks are done. A request made after this would fail, so it is called only where none can follow. Where the
 * browser has no `commit()` the auto-commit does it as before. Once committing, the transaction can no longer roll
 * back: a failure after this leaves the writes stored, so the intake reloads its mirrors when it fails
 * (`Sentinel.ingest`).
 */
function commitNow(): void {
  const idb = (Dexie.currentTransaction as { idbtrans?: IDBTransaction } | null)?.idbtrans;
  try {
    if (typeof idb?.commit === 'function') idb.commit();
  } catch {
    // No longer active (an abort under way): the auto-commit, or the abort, ends it as before.
  }
}

/** What the page just showed (from ingest): its new messages by conversation, when it showed each, and the write of the new messages (issued, maybe not done). */
export interface PageBatch {
  added: Map<string, EventRow[]>;
  sighted: Map<string, number>;
  /**
   * By conversation, the earliest stored time of a message that `added` replaces (the same message seen again with a
   * better time: it may move across a midnight, and its old place's results change too).
   */
  replaced?: Map<string, number>;
  written?: Promise<unknown>;
}

/**
 * A message seen again (`e`) against its stored copy (`prev`): the row to store, or undefined when the stored copy
 * stays (its time is as good). A better-timed copy replaces it with its time (`at`, `atLatest`, `timeSource`), keeping
 * when it was first observed and what the background added (`seenAt`), and its old place is noted in `replaced`
 * (`PageBatch.replaced`: by conversation, the earliest). Ingest and account moves.
 */
export function mergeSighting(
  e: EventRow,
  prev: EventRow | undefined,
  replaced: Map<string, number>,
): EventRow | undefined {
  if (!prev) return e;
  // A stored bound before its own time was left by an older merge (see below): its time is exact (the bound is the
  // stale one), so the row is repaired first, then compared as any other.
  let base = prev;
  if (prev.atLatest !== undefined && prev.atLatest < prev.at) {
    base = { ...prev };
    delete base.atLatest;
  }
  let row: EventRow;
  if (betterTime(e, base)) {
    row = { ...base, ...e, observedAt: Math.min(base.observedAt, e.observedAt) };
    // The page order goes with the sighting it was read in (the one kept: the first).
    if (row.observedAt !== e.observedAt) {
      if (base.pageOrder === undefined) delete row.pageOrder;
      else row.pageOrder = base.pageOrder;
    }
    // Its time is the new copy's, whole: an exact time does not keep the old copy's bound (`atLatest`), which would
    // leave the message untimed (a question that starts no clock) with a bound before its own time.
    if (e.atLatest === undefined) delete row.atLatest;
    // So is how finely the page showed it (a minute-only stamp's coarseness does not stay with a time to the second).
    if (e.atPrecisionMs === undefined) delete row.atPrecisionMs;
  } else if (base !== prev) row = base;
  else return undefined;
  replaced.set(e.conv, Math.min(replaced.get(e.conv) ?? Infinity, prev.at));
  return row;
}

/** What a recompute reads before it computes (`Recompute.prefetch`), filled in one batch. */
export interface Prefetched {
  /** The first day that may be recomputed (`frozenBeforeDay`). */
  frozen?: string;
  /** Stored units by conversation (every conversation fetched has an entry). */
  units: Map<string, UnitRow[]>;
  /** Stored clocks by conversation (undefined: none). */
  clocks: Map<string, ClockRow | undefined>;
  /** Threads the cache does not hold, read from the database (thread order). */
  threads: Map<string, CachedThread>;
  /** Coverage spans by `platform|account`. */
  coverage: Map<string, CoverageSpan[]>;
  /**
   * Rollup and per-day aggregate rows read with the intake's reads (today's of the message's account), by id
   * (undefined: no row), so the deltas need no read of their own; rows not here are read when written.
   */
  aggregates?: { rollups: Map<string, RollupRow | undefined>; dayStats: Map<string, unknown> };
  /** The coverage rows read from the database (not from the read cache), by `platform|account`. */
  coverageRows: Map<string, CoverageRow[]>;
  /** `meta.prunedBefore` as read or held (absent: not read). */
  prunedBefore?: { value: string | undefined };
  /**
   * The transaction is the read cache's owner's (`ReadCache.claim`): reads may be served from the cache, and what
   * this recompute read and wrote is held once it commits.
   */
  claim?: Claim;
}

export const emptyPrefetch = (claim?: Claim): Prefetched => ({
  units: new Map(),
  clocks: new Map(),
  threads: new Map(),
  coverage: new Map(),
  coverageRows: new Map(),
  ...(claim && { claim }),
});

const coverageKey = (platform: Platform, account: string) => `${platform}|${account}`;

export interface Staged {
  /** Conversations that had messages. */
  convs: number;
  /** New events not kept (counter readings the thread already accounts for). */
  dropped: number;
  clocks: ClockRow[];
  threads: StagedThread[];
  /** Conversations evaluated from yesterday's cut or whole, and under which rules (`Recompute.judged`). */
  judged?: [conv: string, rules: number][];
  /** For the read cache (a claimed transaction's): its claim and what it read and wrote. */
  claim?: Claim;
  cache?: CacheUpdate;
  /**
   * The units and aggregates not written yet (`deferDerived`: the transaction wrote the messages, the clocks and
   * `meta.recompute` = `keep` + `convs` only, `keep` being the conversations owed before, less these): `run` issues
   * them and leaves `keep` in the queue, inside the caller's next read-write transaction over `DERIVED_TABLES`, in
   * the same serial queue turn (nothing may write between the two).
   */
  derived?: { convs: string[]; keep: readonly string[]; run(): Promise<void> };
}

/** A conversation's thread as a recompute leaves it, for the thread cache once the transaction has committed. */
export interface StagedThread {
  conv: string;
  /** All its stored messages, in thread order. */
  events: readonly EventRow[];
  /** What it was read as from the cache (undefined: read from the database). */
  base: CachedThread | undefined;
  /** Written (new or changed) and deleted since `base`. */
  put: readonly EventRow[];
  deleted: readonly string[];
  /** What the engine carries to the next evaluation of the conversation (`evaluateCarried`), when it was evaluated. */
  carry?: Carry | undefined;
}

/**
 * A held thread with the messages just stored: appended when they are new and come after it (the usual case: no copy
 * of a map, no sort of the thread; in place with `append`, else onto a copy), else merged by key and sorted as a whole.
 */
function withAdded(
  cached: CachedThread | undefined,
  added: readonly EventRow[],
  append?: (rows: readonly EventRow[]) => readonly EventRow[],
): readonly EventRow[] {
  if (!cached) return [...added].sort(threadCompare);
  if (!added.length) return cached.events;
  const sorted = [...added].sort(threadCompare);
  const last = cached.events.at(-1);
  if (!sorted.some((e) => cached.byKey.has(e.key)) && (!last || threadCompare(last, sorted[0]!) <= 0))
    return append ? append(sorted) : cached.events.concat(sorted);
  const merged = new Map(cached.byKey);
  for (const e of added) merged.set(e.key, e);
  return [...merged.values()].sort(threadCompare);
}

/**
 * What the read cache holds of a conversation after a recompute: its clock, and its stored units less `out` (gone or
 * rewritten) followed by `changed`. The units are built when first read, in one pass over the thread's units (no map
 * of them: a long thread has thousands): the cache reads them once the transaction has committed (`remember`), which
 * for an intake whose units are written next (`Staged.derived`) is after the badge, not before it.
 */
function heldAfter(
  clock: ClockRow | undefined,
  stored: readonly UnitRow[],
  out: ReadonlySet<string>,
  changed: readonly UnitRow[],
): HeldConv {
  let units: UnitRow[] | undefined;
  return {
    clock,
    get units() {
      if (!units) {
        units = out.size ? stored.filter((u) => !out.has(u.id)) : stored.slice();
        for (const u of changed) units.push(u);
      }
      return units;
    },
  };
}

/**
 * Writes in pieces under 50 rows: Dexie reports the keys of a smaller bulk write to `storagemutated` listeners (team
 * sync pushes just those), a larger one as the whole table (a full check).
 */
function chunks<T>(rows: readonly T[], size = 49): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Where a long thread was cut (`cut` 0: not cut), the day its stored results are replaced from, and whether that is today. */
interface Cut {
  cut: number;
  day: string;
  today: boolean;
}
const NO_CUT: Cut = { cut: 0, day: '', today: false };

/** How many conversations `Recompute.judged` remembers. */
const JUDGED_CONVERSATIONS = 2000;

/** The effective rules of a platform and the rules' version, as a number (`ruleIds`; found once per rules object: settings replace it when saved). */
const ruleKeys = new WeakMap<PlatformRules, { version: string; id: number }>();
/** Each distinct set of effective rules seen, as a small number (bounded: when full, new numbers for all). */
const ruleIds = new Map<string, number>();
const RULE_IDS_KEPT = 200;
function rulesKey(version: string, rules: PlatformRules): number {
  const known = ruleKeys.get(rules);
  if (known?.version === version) return known.id;
  const text = `${version}|${JSON.stringify(rules)}`;
  let id = ruleIds.get(text);
  if (id === undefined) {
    // Cleared when full: the same rules then get a new number, and a thread judged under the old one is judged
    // from yesterday's cut once more (the safe side).
    if (ruleIds.size >= RULE_IDS_KEPT) ruleIds.clear();
    ruleIds.set(text, (id = nextRuleId++));
  }
  ruleKeys.set(rules, { version, id });
  return id;
}
let nextRuleId = 0;

/** A result that no later message can change unless a message of its own day arrives (not pending or unknown). */
function isFinal(u: UnitRow): boolean {
  return u.result !== 'pending' && u.result !== 'unknown';
}

/** The same stored unit? (Units are flat records.) */
function sameUnit(a: UnitRow | undefined, b: UnitRow): boolean {
  if (!a) return false;
  // A unit the carry kept (`evaluateCarried`) is the very object stored and held by the read cache since: no walk.
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k as keyof UnitRow] !== b[k as keyof UnitRow]) return false;
  return true;
}

export function RECOMPUTE_TABLES(db: SentinelDB) {
  return [db.events, db.clocks, db.units, db.rollups, db.dayStats, db.coverage, db.meta];
}

/** What `Staged.derived` writes (and may read: rollup and per-day rows, the units of a per-day row rebuilt). */
export function DERIVED_TABLES(db: SentinelDB) {
  return [db.units, db.rollups, db.dayStats, db.meta];
}
