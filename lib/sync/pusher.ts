/**
 * Team sync's background side: pushes this agent's derived data (units and rollups of the last `SYNC_DAYS_BACK` days,
 * the conversations waiting now) to the shop's CouchDB database, through PouchDB's http adapter. No `chrome.*`: the
 * browser is behind `SyncHost`.
 *
 * - Off (the default, or a malformed stored setting) or view only: no request at all, ever (view only: the owner
 *   view on the analytics page reads the database itself).
 * - Older days (before yesterday, up to `SYNC_DAYS_BACK`): pushed when their local signature is not the one the server
 *   acknowledged (`SYNC_DAYS_KEY`), so a day missed while offline reaches the server and an unchanged day costs nothing.
 * - The offline queue is the local database itself: every push derives what the database should hold for each id
 *   range of this agent ("scope": a kind, a day, the agent) and writes only what differs from what the server last
 *   acknowledged (a document's content, `contentKey`), deleting what it no longer has. What failed stays different,
 *   so the next push sends it again: nothing is lost while offline or while the server is down. Retries back off
 *   (1 s doubling to 5 min; an alarm wakes a stopped worker for them).
 * - Ids are deterministic (`docs.ts`), so a retry of a write that did reach the server is the same document; a
 *   conflict (`_rev` out of date) re-reads that scope and the local value wins (only this agent writes its ids).
 * - A push costs what changed (`tracked`: `startTeamSync` reports the primary keys every write of the synced tables
 *   touched, from Dexie's `storagemutated`): between full checks, a push reads only those rows (`bulkGet`; for a
 *   changed clock, every waiting clock: the agent's queue is one document), derives their documents and compares
 *   them with the content keys the server acknowledged (`scopes`, in memory). The full diff above stays as the
 *   periodic check: the first push of a worker (nothing in memory), after any failure or
 *   refusal, on the retry alarm, when a write's keys are not known (a range, a big bulk write), when a row of an
 *   older day changed, on a new China day, and at least every `FULL_CHECK_MS`. A change the pusher was not told
 *   of still reaches the server by the next full check.
 */
import { agentId } from '../background/team';
import type { SentinelDB } from '../db/schema';
import { chinaDay } from '../engine/time';
import { pushes, storedSyncConfig, SYNC_META_KEY, type SyncConfig } from './config';
import { syncOrigin } from './url';
import {
  WAITING,
  WAITING_MAX_AGE_MS,
  agentDoc,
  agentDocId,
  clockScope,
  contentKey,
  jsonBytes,
  queueDoc,
  queueDocId,
  digestScope,
  rollupDoc,
  rollupScope,
  summaryDoc,
  summaryDocId,
  unitDoc,
  unitScope,
  type SyncDoc,
} from './docs';
import { digestDocs } from './digest';
import { syncErrorOf, type SyncErrorCode } from './errors';
import type { RemoteDb } from './remote';

const DAY_MS = 86_400_000;
export { WAITING_MAX_AGE_MS };
const BATCH = 500;
/**
 * The most one write request (`_bulk_docs`) carries, its documents' JSON in UTF-8: a batch is cut before it (a
 * document above it goes alone). A reverse proxy in front of CouchDB refuses bodies above 1 MB by default (nginx);
 * 500 units are ~250 kB, so only digest parts (`DIGEST_MAX_BYTES` each) make a batch shorter.
 */
export const BATCH_MAX_BYTES = 768 * 1024;
/**
 * How many days back older days are still pushed (today and yesterday always are): an agent offline for days, or
 * whose pushes failed for days, sends every one of them still stored locally (the owner view's longest range is 30
 * days).
 */
export const SYNC_DAYS_BACK = 30;
/** Older days caught up per push (the rest in the pushes right after): bounds a push's memory and size. */
export const OLD_DAYS_PER_PUSH = 5;
/**
 * `meta` key: per day before yesterday, the local figures' signature the server acknowledged in full (`DaysMemo`).
 * An unchanged day costs no request; a day that changed locally (a late reconciliation) or never reached the server
 * is diffed again.
 */
export const SYNC_DAYS_KEY = 'teamSyncDays';
/**
 * The version of what an older day's push holds, in its signature: a day acknowledged before digests existed
 * (no version) is pushed once more, with them.
 */
const DAYS_SIG_VERSION = 'd2';

interface DaysMemo {
  /** The database these days reached (another URL: nothing known). */
  url: string;
  days: Record<string, string>;
}
export const RETRY_MIN_MS = 1000;
export const RETRY_MAX_MS = 5 * 60_000;
/**
 * Turning pushing off first withdraws this agent's waiting buyers from the server: each of its requests has at most
 * this long (and a push still sending is waited for at most this long).
 */
export const WITHDRAW_TIMEOUT_MS = 5000;
/** The whole withdrawal at most this long (a server answering every request just in time). */
export const WITHDRAW_MAX_MS = 3 * WITHDRAW_TIMEOUT_MS;
/**
 * A change is pushed at most this long after it was made, together with every change made meanwhile: the first
 * change since the last push sets the moment, later ones join it (not pushed back, so a steady stream of changes
 * still reaches the server within this time plus the push itself).
 */
export const PUSH_DEBOUNCE_MS = 1000;
/** A push re-derives everything (the full diff) at least this often, however few rows were reported changed. */
export const FULL_CHECK_MS = 10 * 60_000;

/** Primary keys of the synced tables' rows that a local write touched (written or deleted). */
export interface Touched {
  units: Iterable<string>;
  rollups: Iterable<string>;
  clocks: Iterable<string>;
}
interface Dirty {
  units: Set<string>;
  rollups: Set<string>;
  clocks: Set<string>;
}
const noneDirty = (): Dirty => ({ units: new Set(), rollups: new Set(), clocks: new Set() });

/** Counters of the pusher's local work (tests and the bench assert on them, not on time). */
export interface PushStats {
  /** Pushes that derived every document of today, yesterday and the waiting clocks (the full diff). */
  full: number;
  /** Pushes that derived only the rows reported changed. */
  partial: number;
  /** Local rows read and derived into documents, over all pushes. */
  rowsRead: number;
}

export interface SyncHost {
  now(): number;
  /** The database (`openRemote`: PouchDB's http adapter); tests give a fake. */
  remote(cfg: SyncConfig): RemoteDb;
  /** Does the extension hold the host permission for `pattern` (granted at runtime from the options page)? */
  hasPermission(pattern: string): Promise<boolean>;
  /** A timer while the worker lives; returns its cancel. */
  setTimer(fn: () => void, ms: number): () => void;
  /** An alarm that wakes a stopped worker for a retry (null: none). */
  setRetryAlarm(when: number | null): Promise<void>;
}

export type { SyncErrorCode };

export interface SyncStatus {
  /** The stored setting, without the password. */
  config: Omit<SyncConfig, 'password'> | null;
  hasPassword: boolean;
  agent: string | null;
  lastOkAt: number | null;
  error: { code: SyncErrorCode; detail: string; at: number } | null;
  /** Documents that differ from the server's copy after the last push (0 when all is there). */
  pending: number;
  retryAt: number | null;
}

type Scope = Map<string, { rev: string; key: string }>;

export class TeamSync {
  private cfg: SyncConfig | undefined;
  private loaded = false;
  private remoteDb: RemoteDb | undefined;
  /** What the server holds per scope, as last read or acknowledged (memory; read again after a worker start). */
  private scopes = new Map<string, Scope>();
  private running: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private cancelTimer: (() => void) | undefined;
  /** When the pending push timer fires (not a retry's). */
  private timerAt: number | undefined;
  private state: Omit<SyncStatus, 'config' | 'hasPassword' | 'agent'> = {
    lastOkAt: null,
    error: null,
    pending: 0,
    retryAt: null,
  };
  private agent: string | undefined;
  /** Rows changed since the last push began ('all': not known, the next push is a full one). */
  private dirty: Dirty | 'all' = 'all';
  private forceFull = false;
  /** When and on which China day the last full diff ended with the server holding everything. */
  private lastFull: { at: number; day: string } | undefined;
  readonly stats: PushStats = { full: 0, partial: 0, rowsRead: 0 };

  /**
   * `tracked`: every local change of the synced tables is reported to `changed` with its keys (`startTeamSync`), so
   * pushes between full checks derive only those rows. Untracked, every push is the full diff. `digestMaxBytes`,
   * `batchMaxBytes`: the size limits (`DIGEST_MAX_BYTES`, `BATCH_MAX_BYTES`), smaller in tests.
   */
  constructor(
    private readonly db: SentinelDB,
    private readonly host: SyncHost,
    private readonly opts: { tracked?: boolean; digestMaxBytes?: number; batchMaxBytes?: number } = {},
  ) {}

  /** The stored setting through its schema (malformed: off). Never throws. */
  async config(): Promise<SyncConfig | undefined> {
    if (!this.loaded) {
      try {
        this.cfg = storedSyncConfig((await this.db.meta.get(SYNC_META_KEY))?.value);
      } catch {
        this.cfg = undefined;
      }
      this.loaded = true;
    }
    return this.cfg;
  }

  async status(): Promise<SyncStatus> {
    const cfg = await this.config();
    const { password, ...shown } = cfg ?? ({} as SyncConfig);
    return {
      config: cfg ? shown : null,
      hasPassword: !!password,
      agent: this.agent ?? (cfg ? await agentId(this.db) : null),
      ...this.state,
    };
  }

  /**
   * Stores a new setting (already validated). Turning sync on (or view only) first checks the permission and the
   * server with the given user and password: a refusal is the reply, and sync stays as it was. An empty password
   * keeps the stored one (the settings page never shows it). Turning pushing off (sync off, or view only) first
   * withdraws this agent's waiting buyers from the server (`withdraw`: best effort, each request at most
   * `WITHDRAW_TIMEOUT_MS`, all of it at most `WITHDRAW_MAX_MS`; 'failed' when the server could not be reached: they stay
   * there as they were), then stops.
   */
  async set(
    next: SyncConfig,
  ): Promise<
    { ok: true; withdraw?: 'done' | 'failed'; detail?: string } | { ok: false; code: SyncErrorCode; error: string }
  > {
    const prev = await this.config();
    const cfg = { ...next, password: next.password || (prev?.url === next.url ? (prev?.password ?? '') : '') };
    if (cfg.enabled) {
      const { pattern } = syncOrigin(cfg.url);
      if (!(await this.host.hasPermission(pattern)))
        return { ok: false, code: 'permission', error: `no permission for ${pattern}` };
      try {
        await this.open(cfg).info();
      } catch (err) {
        const e = syncErrorOf(err);
        return { ok: false, code: e.code, error: e.detail };
      }
    }
    let withdrawn: { withdraw: 'done' | 'failed'; detail?: string } | undefined;
    if (prev && pushes(prev) && !(pushes(cfg) && cfg.url === prev.url)) {
      // No push from here on (the new setting is in force), then the waiting buyers leave the server.
      this.cfg = cfg;
      this.cancelTimer?.();
      this.cancelTimer = undefined;
      withdrawn = await this.withdraw(prev);
    }
    await this.db.meta.put({ key: SYNC_META_KEY, value: cfg });
    this.cfg = cfg;
    this.loaded = true;
    this.reset();
    if (pushes(cfg)) this.changed(0);
    return { ok: true, ...withdrawn };
  }

  /**
   * Deletes this agent's waiting-buyer documents (its queue `q|<agent>`, and `c|<agent>|…` as older versions sent)
   * from `cfg`'s database; never throws. Only with the origin still granted.
   *
   * The server "can be reached" when it answers: each request has `WITHDRAW_TIMEOUT_MS`, counted from when it is sent
   * (a loaded server that answers slowly still gets the buyers withdrawn; one that does not answer fails the
   * withdrawal after that long), and the whole withdrawal at most `WITHDRAW_MAX_MS`. A push still running (the
   * setting already changed: it stops after its request in flight) is waited for first, at most
   * `WITHDRAW_TIMEOUT_MS`: that request may be the queue's write, which must not land after the deletion. A push not
   * over by then: the withdrawal goes ahead, and once the push ends (at most `WITHDRAW_TIMEOUT_MS` more) reads and
   * deletes again. (The limit used to count from the start, push included: a push answered slowly by a loaded
   * server left the withdrawal no time, and the buyers stayed on the owner's screen.)
   */
  private async withdraw(cfg: SyncConfig): Promise<{ withdraw: 'done' | 'failed'; detail?: string }> {
    const { pattern } = syncOrigin(cfg.url);
    if (!(await this.host.hasPermission(pattern).catch(() => false)))
      return { withdraw: 'failed', detail: `no permission for ${pattern}` };
    // Past a time limit the withdrawal is over: its requests not yet sent never are (sync is off by then).
    let over = false;
    const cancels: (() => void)[] = [];
    /** `p`, or a 'timed out' failure once `ms` passed first (and the withdrawal is over). */
    const timed = <T>(p: Promise<T>, ms = WITHDRAW_TIMEOUT_MS): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const cancel = this.host.setTimer(() => {
          over = true;
          reject(new Error('timed out'));
        }, ms);
        cancels.push(cancel);
        p.then(
          (v) => {
            cancel();
            resolve(v);
          },
          (err: unknown) => {
            cancel();
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
      });
    try {
      await timed(
        (async () => {
          const pushing = this.running?.catch(() => undefined);
          const pushEnded =
            !pushing ||
            (await this.within(
              pushing.then(() => true),
              WITHDRAW_TIMEOUT_MS,
              false,
            ));
          const remote = this.remoteDb ?? this.open(cfg);
          const agent = this.agent ?? (await agentId(this.db));
          /** Reads and deletes what the server holds; the number of deletions it refused. */
          const clear = async (): Promise<number> => {
            if (over) return 0;
            const [clocks, queue] = await timed(
              Promise.all([readScope(remote, clockScope(agent)), readScope(remote, queueDocId(agent))]),
            );
            const gone = [...clocks, ...queue].map(([id, cur]) => ({ _id: id, _rev: cur.rev, _deleted: true }));
            if (!gone.length || over) return 0;
            const results = await timed(remote.bulkDocs(gone));
            return results.filter((r) => !('ok' in r && r.ok)).length;
          };
          let refused = await clear();
          // The push's request in flight may have written the queue meanwhile (a refusal: a newer revision).
          if (pushing && !pushEnded) {
            await timed(pushing);
            refused = await clear();
          }
          if (refused) throw new Error(`${refused} documents refused`);
        })(),
        WITHDRAW_MAX_MS,
      );
      return { withdraw: 'done' };
    } catch (err) {
      return { withdraw: 'failed', detail: syncErrorOf(err).detail };
    } finally {
      for (const cancel of cancels) cancel();
    }
  }

  /** `p`'s value, or `otherwise` once `ms` passed on the host's timers first. */
  private within<T>(p: Promise<T>, ms: number, otherwise: T): Promise<T> {
    return new Promise<T>((resolve) => {
      const cancel = this.host.setTimer(() => resolve(otherwise), ms);
      void p.then((v) => {
        cancel();
        resolve(v);
      });
    });
  }

  /**
   * Local data changed: push at most `delay` after the first change since the last push (nothing when sync is off;
   * a push running then is followed by one more, a retry pending takes the change along). `touched`: the rows the
   * change wrote or deleted (absent or 'all': not known, the next push is a full diff).
   */
  changed(delay = PUSH_DEBOUNCE_MS, touched?: Touched | 'all'): void {
    // Off: no keys kept (a day's changes would pile up in the worker); turning on starts with the full diff anyway.
    if (this.loaded && !pushes(this.cfg)) {
      this.dirty = 'all';
      return;
    }
    if (this.dirty !== 'all') {
      if (!touched || touched === 'all') this.dirty = 'all';
      else {
        for (const k of touched.units) this.dirty.units.add(k);
        for (const k of touched.rollups) this.dirty.rollups.add(k);
        for (const k of touched.clocks) this.dirty.clocks.add(k);
      }
    }
    if (this.cancelTimer && this.state.retryAt !== null) return; // a retry is already set
    const at = this.host.now() + delay;
    // A push already due sooner takes this change along (a later change never postpones an earlier one).
    if (this.cancelTimer && this.timerAt !== undefined && this.timerAt <= at) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.host.setTimer(() => {
      this.cancelTimer = undefined;
      this.timerAt = undefined;
      void this.push().catch(() => undefined);
    }, delay);
  }

  /**
   * One push (a push already running is followed by one more). Failures set the retry; never throws. `full`: the
   * full diff whatever was reported (the retry alarm).
   */
  push(opts: { full?: boolean } = {}): Promise<void> {
    if (opts.full) this.forceFull = true;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pushOnce();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private reset() {
    this.scopes.clear();
    this.remoteDb = undefined;
    this.failures = 0;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerAt = undefined;
    this.state = { lastOkAt: null, error: null, pending: 0, retryAt: null };
    this.dirty = 'all';
    this.lastFull = undefined;
    void this.host.setRetryAlarm(null).catch(() => undefined);
  }

  private open(cfg: SyncConfig): RemoteDb {
    return this.host.remote(cfg);
  }

  private async pushOnce(): Promise<void> {
    const cfg = await this.config();
    if (!cfg || !pushes(cfg)) return;
    const { pattern } = syncOrigin(cfg.url);
    if (!(await this.host.hasPermission(pattern))) return this.failed('permission', `no permission for ${pattern}`);
    this.remoteDb ??= this.open(cfg);
    const remote = this.remoteDb;
    const now = this.host.now();
    this.agent ??= await agentId(this.db);
    const agent = this.agent;
    let want = new Map<string, Map<string, SyncDoc>>();
    // The setting changed while this push ran (sync turned off, another server): not one more request.
    const stop = () => {
      if (this.cfg !== cfg) throw new PushStopped();
    };
    // What changed since the last push: taken now, so a change during this push is the next push's.
    const dirty = this.dirty;
    this.dirty = this.opts.tracked ? noneDirty() : 'all';
    try {
      // The agent's own document first: when the server does not have it, the database is new or was restored
      // from a backup, and what it acknowledged of older days is not known any more.
      const agentScope = agentDocId(agent);
      if (!this.scopes.has(agentScope)) {
        stop();
        const have = await readScope(remote, agentScope);
        this.scopes.set(agentScope, have);
        if (!have.size) await this.saveMemo({ url: cfg.url, days: {} });
      }
      const day = chinaDay(now);
      const partial =
        dirty !== 'all' && !this.forceFull && this.lastFull?.day === day && now - this.lastFull.at < FULL_CHECK_MS
          ? await this.deriveChanges(agent, now, dirty)
          : undefined;
      let gone = new Map<string, Set<string>>();
      let stale = new Map<string, string>();
      let older: string[] = [];
      const memo = partial ? undefined : await this.memo(cfg.url);
      if (partial) {
        ({ want, gone } = partial);
        this.stats.partial += 1;
      } else {
        this.forceFull = false;
        stale = await this.staleDays(memo!, now);
        older = [...stale.keys()].slice(0, OLD_DAYS_PER_PUSH);
        // Days acknowledged by a version without digests and unchanged since (their signature without the version):
        // the server holds their units, rollups and summary as they are here; their push is the digests alone.
        const digestsOnly = new Set(older.filter((d) => `${DAYS_SIG_VERSION}|${memo!.days[d]}` === stale.get(d)));
        want = await this.derive(agent, cfg.label, now, older, digestsOnly);
        this.stats.full += 1;
      }
      let pending = 0;
      const writes: object[] = [];
      const scopeOf = new Map<string, string>();
      const refused = new Set<string>();
      for (const scope of new Set([...want.keys(), ...gone.keys()])) {
        const docs = want.get(scope) ?? new Map<string, SyncDoc>();
        let have = this.scopes.get(scope);
        if (!have) {
          stop();
          have = await readScope(remote, scope);
          this.scopes.set(scope, have);
        }
        for (const d of docs.values()) {
          const key = contentKey(d);
          const cur = have.get(d._id);
          if (cur?.key === key) continue;
          writes.push(cur ? { ...d, _rev: cur.rev } : d);
          scopeOf.set(d._id, scope);
        }
        // The full diff deletes what the scope no longer has; a partial push what it was told went.
        const drop = partial ? [...(gone.get(scope) ?? [])] : [...have.keys()].filter((id) => !docs.has(id));
        for (const id of drop) {
          const cur = have.get(id);
          if (!cur) continue;
          writes.push({ _id: id, _rev: cur.rev, _deleted: true });
          scopeOf.set(id, scope);
        }
      }
      for (const batch of batches(writes, BATCH, this.opts.batchMaxBytes ?? BATCH_MAX_BYTES)) {
        stop();
        const results = await remote.bulkDocs(batch);
        // Turned off (or another server) while the write was out: its answer is not this setting's (memory reset).
        stop();
        results.forEach((r, j) => {
          const sent = batch[j] as SyncDoc & { _deleted?: true };
          const scope = scopeOf.get(sent._id)!;
          const have = this.scopes.get(scope)!;
          if ('ok' in r && r.ok) {
            if (sent._deleted) have.delete(sent._id);
            else have.set(sent._id, { rev: r.rev, key: contentKey(sent) });
          } else {
            // A conflict (our `_rev` was out of date) or another refusal: read the scope again next time.
            this.scopes.delete(scope);
            refused.add(scope);
            pending += 1;
          }
        });
      }
      // Older days the server now holds in full: remembered by their signature, and out of memory.
      if (memo && older.length) {
        for (const day of older) {
          const scopes = [
            unitScope(day, agent),
            rollupScope(day, agent),
            summaryDocId(day, agent),
            digestScope(day, agent),
          ];
          if (scopes.some((sc) => refused.has(sc))) continue;
          memo.days[day] = stale.get(day)!;
          for (const sc of scopes) this.scopes.delete(sc);
        }
        const first = oldestSyncedDay(now);
        for (const day of Object.keys(memo.days)) if (day < first) delete memo.days[day];
        await this.saveMemo(memo);
      }
      // Scopes of older days not pushed now (acknowledged earlier, or yesterday turned older) leave memory.
      const yesterday = chinaDay(now - DAY_MS);
      for (const sc of this.scopes.keys()) {
        const day = /^[ursw]\|([^|]+)\|/.exec(sc)?.[1];
        if (day !== undefined && day < yesterday && !older.includes(day)) this.scopes.delete(sc);
      }
      this.state.pending = pending + [...stale.keys()].slice(OLD_DAYS_PER_PUSH).length;
      if (pending) {
        this.dirty = 'all';
        return this.failed('server', `${pending} documents refused (conflict); retrying`);
      }
      if (stale.size > older.length) {
        this.again = true; // more older days to catch up: right after this push
        return;
      }
      if (!partial) this.lastFull = { at: now, day };
      this.failures = 0;
      this.state = { lastOkAt: this.host.now(), error: null, pending: 0, retryAt: null };
      await this.host.setRetryAlarm(null).catch(() => undefined);
    } catch (err) {
      this.scopes.clear(); // what reached the server is unknown: read it again
      this.dirty = 'all';
      if (err instanceof PushStopped) return; // the new setting's own state stands
      const e = syncErrorOf(err);
      this.state.pending = [...want.values()].reduce((n, d) => n + d.size, 0);
      return this.failed(e.code, e.detail);
    }
  }

  /** What the server acknowledged of older days (`SYNC_DAYS_KEY`), for this database; a damaged value: nothing. */
  private async memo(url: string): Promise<DaysMemo> {
    const raw = (await this.db.meta.get(SYNC_DAYS_KEY))?.value as Partial<DaysMemo> | undefined;
    const days = raw?.url === url && typeof raw.days === 'object' && raw.days !== null ? raw.days : {};
    return { url, days: Object.fromEntries(Object.entries(days).filter(([, v]) => typeof v === 'string')) };
  }

  private async saveMemo(memo: DaysMemo): Promise<void> {
    await this.db.meta.put({ key: SYNC_DAYS_KEY, value: memo });
  }

  /**
   * Days before yesterday (within `SYNC_DAYS_BACK`) with local figures whose signature is not the one the server
   * acknowledged, oldest first, with their signature. A day's rollups move (`updatedAt`) with every change of its
   * units, so their content and the number of units sign the day without reading its units. A day with no local
   * figures (pruned, or none) is left as the server has it.
   */
  private async staleDays(memo: DaysMemo, now: number): Promise<Map<string, string>> {
    const first = oldestSyncedDay(now);
    const last = chinaDay(now - 2 * DAY_MS);
    const rollups = await this.db.rollups.where('day').between(first, last, true, true).toArray();
    const byDay = new Map<string, string[]>();
    for (const r of rollups) {
      const list = byDay.get(r.day) ?? [];
      list.push(contentKey(rollupDoc('', r)));
      byDay.set(r.day, list);
    }
    const out = new Map<string, string>();
    for (const day of [...byDay.keys()].sort()) {
      const units = await this.db.units.where('day').equals(day).count();
      const sig = `${DAYS_SIG_VERSION}|${units}|${byDay.get(day)!.sort().join('|')}`;
      if (memo.days[day] !== sig) out.set(day, sig);
    }
    return out;
  }

  private async failed(code: SyncErrorCode, detail: string): Promise<void> {
    const now = this.host.now();
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.failures);
    this.failures += 1;
    this.state.error = { code, detail, at: now };
    this.state.retryAt = now + delay;
    this.cancelTimer?.();
    this.timerAt = undefined;
    this.cancelTimer = this.host.setTimer(() => {
      this.cancelTimer = undefined;
      this.state.retryAt = null;
      void this.push().catch(() => undefined);
    }, delay);
    // A stopped worker is woken by the alarm (Chrome's alarms fire no sooner than 30 s).
    await this.host.setRetryAlarm(now + Math.max(delay, 30_000)).catch(() => undefined);
  }

  /** What the database should hold for this agent, per scope (id prefix). */
  private async derive(
    agent: string,
    label: string,
    now: number,
    older: readonly string[],
    digestsOnly: ReadonlySet<string> = new Set(),
  ): Promise<Map<string, Map<string, SyncDoc>>> {
    const out = new Map<string, Map<string, SyncDoc>>();
    const put = (scope: string, d: SyncDoc) => {
      let m = out.get(scope);
      if (!m) out.set(scope, (m = new Map()));
      m.set(d._id, d);
    };
    const days = [chinaDay(now - DAY_MS), chinaDay(now), ...older];
    const [units, rollups, clocks] = await Promise.all([
      this.db.units.where('day').anyOf(days).toArray(),
      this.db.rollups.where('day').anyOf(days).toArray(),
      this.db.clocks.where('status').anyOf(WAITING).toArray(),
    ]);
    // An older day whose push is its digests alone (`digestsOnly`): its other scopes are not read nor written.
    const whole = (day: string) => !digestsOnly.has(day) || !older.includes(day);
    for (const day of days.filter(whole)) {
      out.set(unitScope(day, agent), new Map());
      out.set(rollupScope(day, agent), new Map());
      out.set(summaryDocId(day, agent), new Map());
    }
    for (const u of units) if (whole(u.day)) put(unitScope(u.day, agent), unitDoc(agent, u));
    for (const r of rollups) if (whole(r.day)) put(rollupScope(r.day, agent), rollupDoc(agent, r));
    for (const day of days.filter(whole))
      if (rollups.some((r) => r.day === day)) put(summaryDocId(day, agent), summaryDoc(agent, day, rollups));
    // Older days also as digests (the owner view merges them where agents share an account).
    for (const day of older) {
      out.set(digestScope(day, agent), new Map());
      for (const d of digestDocs(agent, day, units, this.opts.digestMaxBytes)) put(digestScope(day, agent), d);
    }
    // The buyers waiting now: one queue document; the scope of the one-per-conversation documents older versions
    // sent stays, empty, so that those are deleted.
    out.set(queueDocId(agent), new Map());
    const queue = queueDoc(agent, clocks, now);
    if (queue.clocks.length) put(queueDocId(agent), queue); // nobody waiting: no queue document
    // After the queue (written first): the single clock documents older versions sent, deleted.
    out.set(clockScope(agent), new Map());
    put(agentDocId(agent), agentDoc(agent, label));
    this.stats.rowsRead += units.length + rollups.length + clocks.length;
    return out;
  }

  /**
   * The documents of the rows reported changed (`want`, per scope) and the ids they no longer have (`gone`: a row
   * deleted, a clock that stopped waiting). Undefined when a full diff is needed instead: a scope of today, yesterday
   * or the clocks is not in memory, or a changed row is of an older day (its day's signature moves).
   */
  private async deriveChanges(
    agent: string,
    now: number,
    dirty: Dirty,
  ): Promise<{ want: Map<string, Map<string, SyncDoc>>; gone: Map<string, Set<string>> } | undefined> {
    const recent = [chinaDay(now - DAY_MS), chinaDay(now)];
    const needed = [
      ...recent.flatMap((d) => [unitScope(d, agent), rollupScope(d, agent), summaryDocId(d, agent)]),
      clockScope(agent),
      queueDocId(agent),
      agentDocId(agent),
    ];
    if (!needed.every((sc) => this.scopes.has(sc))) return undefined;
    const want = new Map<string, Map<string, SyncDoc>>();
    const gone = new Map<string, Set<string>>();
    const put = (scope: string, d: SyncDoc) => {
      let m = want.get(scope);
      if (!m) want.set(scope, (m = new Map()));
      m.set(d._id, d);
    };
    const drop = (scope: string, id: string) => {
      let g = gone.get(scope);
      if (!g) gone.set(scope, (g = new Set()));
      g.add(scope + id);
    };
    const unitIds = [...dirty.units];
    const rollupIds = [...dirty.rollups];
    // A changed clock: the agent's queue again, from every waiting clock (a few dozen rows, by the status index).
    const [units, rollups, clocks] = await Promise.all([
      this.db.units.bulkGet(unitIds),
      this.db.rollups.bulkGet(rollupIds),
      dirty.clocks.size ? this.db.clocks.where('status').anyOf(WAITING).toArray() : undefined,
    ]);
    this.stats.rowsRead += unitIds.length + rollupIds.length + (clocks?.length ?? 0);
    const first = oldestSyncedDay(now);
    const dayRows = <R extends { day: string }>(
      ids: string[],
      rows: (R | undefined)[],
      scopeOf: (day: string, agent: string) => string,
      docOf: (agent: string, r: R) => SyncDoc,
    ): boolean => {
      for (let i = 0; i < ids.length; i++) {
        const r = rows[i];
        if (r && !recent.includes(r.day)) {
          if (r.day >= first) return false; // an older day changed: its signature is checked by the full diff
          continue;
        }
        for (const d of recent) if (r?.day !== d) drop(scopeOf(d, agent), ids[i]!);
        if (r) put(scopeOf(r.day, agent), docOf(agent, r));
      }
      return true;
    };
    if (!dayRows(unitIds, units, unitScope, unitDoc)) return undefined;
    if (!dayRows(rollupIds, rollups, rollupScope, rollupDoc)) return undefined;
    // A day whose rollups changed: its summary again, from that day's rollups (a few rows: rules × accounts).
    const summaryDays = new Set(
      rollupIds.flatMap((_, i) => (rollups[i] ? [rollups[i].day] : recent)).filter((d) => recent.includes(d)),
    );
    for (const day of summaryDays) {
      const rows = await this.db.rollups.where('day').equals(day).toArray();
      this.stats.rowsRead += rows.length;
      if (rows.length) put(summaryDocId(day, agent), summaryDoc(agent, day, rows));
      else {
        let g = gone.get(summaryDocId(day, agent));
        if (!g) gone.set(summaryDocId(day, agent), (g = new Set()));
        g.add(summaryDocId(day, agent));
      }
    }
    if (clocks) {
      const queue = queueDoc(agent, clocks, now);
      if (queue.clocks.length) put(queueDocId(agent), queue);
      else gone.set(queueDocId(agent), new Set([queueDocId(agent)]));
    }
    return { want, gone };
  }
}

/** The oldest day pushed at `now` (`SYNC_DAYS_BACK`). */
export const oldestSyncedDay = (now: number) => chinaDay(now - SYNC_DAYS_BACK * DAY_MS);

/** A push that stopped because the setting changed under it (not a failure: no error shown, no retry). */
class PushStopped extends Error {}

/** Writes cut into requests of at most `count` documents and `bytes` of JSON (a larger document alone). */
function batches(writes: readonly object[], count: number, bytes: number): object[][] {
  // The request's own JSON around its documents (`{"docs":[…]}`, and a margin): counted too, so the body is within.
  const WRAPPER = 16;
  const out: object[][] = [];
  let batch: object[] = [];
  let size = WRAPPER;
  for (const w of writes) {
    const n = jsonBytes(w) + 1;
    if (batch.length && (batch.length >= count || size + n > bytes)) {
      out.push(batch);
      batch = [];
      size = WRAPPER;
    }
    batch.push(w);
    size += n;
  }
  if (batch.length) out.push(batch);
  return out;
}

/** What the server holds in one scope (an id prefix; the agent doc's scope is its id). */
async function readScope(remote: RemoteDb, scope: string): Promise<Scope> {
  const res = scope.endsWith('|')
    ? await remote.allDocs({ startkey: scope, endkey: `${scope}\uffff`, include_docs: true })
    : await remote.allDocs({ keys: [scope], include_docs: true });
  const have: Scope = new Map();
  for (const row of res.rows)
    if (row.value && !row.value.deleted && row.doc) have.set(row.id, { rev: row.value.rev, key: contentKey(row.doc) });
  return have;
}
