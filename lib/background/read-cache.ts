/**
 * What a recompute reads besides the messages (a conversation's clock and units, an account's coverage rows, today's
 * rollup and per-day rows, `meta.prunedBefore`), kept in memory after a recompute of the background's own committed,
 * so that the next intake of the same conversation makes no read of the database at all when nothing else wrote
 * those rows since (a heartbeat drops its account's coverage, an alert mark its conversation): its one round trip is
 * then the writes and the commit (the thread cache already serves the messages).
 *
 * Coherence is structural, not left to each writer: a Dexie DBCore middleware sees every read-write transaction of
 * this connection. A transaction is the cache's own only when a recompute claims it (`claim`, inside it); its reads
 * may then be served from here, and what it read and wrote is kept once it has committed (`remember`). Any other
 * read-write transaction over these tables (account moves, purge, prune and space recovery, team import, rollup
 * rebuilds, alert marks, coverage reports) is foreign: while it is open nothing of its tables is served; when it ends
 * the rows it wrote are dropped (by the keys or values its requests name: `written`; the whole table for a range or a
 * request it cannot read), and when it fails or aborts after writing any, everything is. A foreign end that dropped
 * anything moves `epoch`; a claim that saw another epoch keeps nothing (its reads may predate the other writer's
 * commit). When the middleware is not in the connection's stack (added after the database opened), nothing is ever
 * served.
 */
import Dexie, { type DBCoreMutateRequest, type DBCoreTransaction } from 'dexie';
import type { ClockRow, CoverageRow, RollupRow, UnitRow } from '../model';
import { PRUNED_BEFORE_KEY } from './maintenance';

/** The tables whose rows the cache holds copies of. */
const CACHED = new Set(['clocks', 'units', 'coverage', 'rollups', 'dayStats', 'meta']);

/** Units held over all conversations (a long thread has thousands), and conversations held at most. */
const READ_CACHE_UNITS = 30_000;
const CONVS_HELD = 1_000;
/** Accounts' coverage and aggregate rows held at most (the least recently written go first). */
const ROWS_HELD = 256;

/** A conversation's stored clock (undefined: none) and all its stored units. */
export interface HeldConv {
  readonly clock: ClockRow | undefined;
  readonly units: readonly UnitRow[];
}

/** The transaction a recompute owns (`claim`) and the cache's epoch when it was claimed. */
export interface Claim {
  readonly tx: object;
  readonly epoch: number;
}

/** What an owned transaction read and wrote, to be held once it has committed (`remember`). */
export interface CacheUpdate {
  convs: Map<string, HeldConv>;
  /** Coverage rows by `platform|account`. */
  coverage: Map<string, readonly CoverageRow[]>;
  rollups: Map<string, RollupRow | undefined>;
  dayStats: Map<string, unknown>;
  /** `meta.prunedBefore` as read (absent: not read). */
  prunedBefore?: { value: string | undefined };
}

export const emptyCacheUpdate = (): CacheUpdate => ({
  convs: new Map(),
  coverage: new Map(),
  rollups: new Map(),
  dayStats: new Map(),
});

/**
 * What a foreign transaction wrote of one cached table: `all` (a range, or a request whose rows cannot be told), or
 * the held entries it changed (`owners`: conversation keys, `platform|account`, rollup / per-day ids, the meta key) and
 * the row ids whose owner is found among what is held when it ends (`rows`: a unit or coverage row put or deleted by
 * id may have belonged to another conversation or account).
 */
interface Written {
  all: boolean;
  owners: Set<string>;
  rows: Set<unknown>;
}

interface Foreign {
  stores: readonly string[];
  writes: Map<string, Written>;
}

export class ReadCache {
  /** The middleware is in the connection's stack (set when the connection opens with it). */
  private active = false;
  private epoch = 0;
  private readonly owned = new WeakSet<object>();
  /** Read-write transactions over cached tables that are open and not claimed. */
  private readonly foreign = new Map<object, Foreign>();
  /**
   * A claimed transaction that wrote to cached tables and was not `remember`ed yet. When the next claim finds one
   * (its recompute failed after writing, or committed without telling), nothing held is trusted.
   */
  private unsettled: object | null = null;
  private convs = new Map<string, HeldConv>();
  private unitsHeld = 0;
  private coverage = new Map<string, readonly CoverageRow[]>();
  private rollups = new Map<string, RollupRow | undefined>();
  private dayStats = new Map<string, unknown>();
  private prunedBefore: { value: string | undefined } | undefined;

  constructor(db: Dexie) {
    db.use({
      stack: 'dbcore',
      name: 'ReadCache',
      create: (down) => {
        // A (re)opened connection: whatever was held may be older than the database now.
        this.active = true;
        this.clear();
        return {
          ...down,
          transaction: (stores, mode, options) => {
            const tx = down.transaction(stores, mode, options);
            if (mode === 'readwrite' && stores.some((s) => CACHED.has(s))) this.opened(tx, stores);
            return tx;
          },
          table: (name) => {
            const table = down.table(name);
            if (!CACHED.has(name)) return table;
            return {
              ...table,
              mutate: (req: DBCoreMutateRequest) => {
                if (this.owned.has(req.trans)) this.unsettled = req.trans;
                else {
                  const f = this.foreign.get(req.trans);
                  if (f) noteWrite(f.writes, name, req);
                }
                return table.mutate(req);
              },
            };
          },
        };
      },
    });
  }

  private opened(tx: DBCoreTransaction, stores: readonly string[]): void {
    const entry: Foreign = { stores, writes: new Map() };
    this.foreign.set(tx, entry);
    const target = tx as unknown as EventTarget;
    if (typeof target.addEventListener !== 'function') {
      // Not an IndexedDB transaction: its end cannot be seen, so nothing held can be trusted from now on.
      this.active = false;
      this.clear();
      return;
    }
    const end = (ok: boolean) => () => {
      if (!this.foreign.delete(tx) && this.owned.has(tx)) {
        // A claimed transaction: what it wrote is held at `remember`, unless it failed.
        if (!ok) this.clear();
        return;
      }
      // Wrote nothing the cache may hold: nothing it read can be stale (no epoch move).
      if (![...entry.writes.values()].some((w) => w.all || w.owners.size || w.rows.size)) return;
      if (!ok) return this.clear();
      this.epoch++;
      for (const [t, w] of entry.writes) this.dropWritten(t, w);
    };
    target.addEventListener('complete', end(true));
    target.addEventListener('abort', end(false));
    target.addEventListener('error', end(false));
  }

  /**
   * Claims the current read-write transaction (Dexie's) as a recompute's own: its reads may be served from the cache,
   * its writes are what `remember` is told. Undefined when outside a transaction or the middleware is not active.
   */
  claim(): Claim | undefined {
    const tx = (Dexie.currentTransaction as { idbtrans?: object } | null)?.idbtrans;
    if (!this.active || !tx) return undefined;
    if (this.unsettled && this.unsettled !== tx) {
      this.unsettled = null;
      this.clear();
    }
    this.foreign.delete(tx);
    this.owned.add(tx);
    return { tx, epoch: this.epoch };
  }

  /**
   * Claims the current read-write transaction as the continuation of `prev`'s (a recompute that wrote its clocks in
   * one transaction and its units and aggregates in the next: `Staged.derived`): what `prev` wrote and was not told
   * yet is this one's to `remember`, and what `prev` read is kept only if nothing was dropped since `prev` was
   * claimed (the continuation keeps `prev`'s epoch).
   */
  continueClaim(prev: Claim | undefined): Claim | undefined {
    if (!prev) return undefined;
    if (this.unsettled === prev.tx) this.unsettled = null;
    const next = this.claim();
    return next && { tx: next.tx, epoch: prev.epoch };
  }

  /** May `claim` be served copies of `table` now? (No other writer of it open, nothing dropped since the claim.) */
  private serves(claim: Claim | undefined, table: string): boolean {
    if (!claim || !this.active || claim.epoch !== this.epoch || !this.owned.has(claim.tx)) return false;
    if (this.unsettled && this.unsettled !== claim.tx) return false;
    for (const f of this.foreign.values()) if (f.stores.includes(table)) return false;
    return true;
  }

  conv(claim: Claim | undefined, conv: string): HeldConv | undefined {
    if (!this.serves(claim, 'clocks') || !this.serves(claim, 'units')) return undefined;
    const held = this.convs.get(conv);
    if (held) {
      this.convs.delete(conv);
      this.convs.set(conv, held);
    }
    return held;
  }

  coverageRows(claim: Claim | undefined, key: string): readonly CoverageRow[] | undefined {
    return this.serves(claim, 'coverage') ? this.coverage.get(key) : undefined;
  }

  /** The rollup and per-day rows of `ids`, when every one of them is held (undefined: no row). */
  aggregates(
    claim: Claim | undefined,
    ids: readonly string[],
  ): { rollups: Map<string, RollupRow | undefined>; dayStats: Map<string, unknown> } | undefined {
    if (!this.serves(claim, 'rollups') || !this.serves(claim, 'dayStats')) return undefined;
    if (!ids.every((id) => this.rollups.has(id) && this.dayStats.has(id))) return undefined;
    return {
      rollups: new Map(ids.map((id) => [id, this.rollups.get(id)])),
      dayStats: new Map(ids.map((id) => [id, this.dayStats.get(id)])),
    };
  }

  pruned(claim: Claim | undefined): { value: string | undefined } | undefined {
    return this.serves(claim, 'meta') ? this.prunedBefore : undefined;
  }

  /**
   * The claimed transaction committed: what it read and wrote is held. When anything was dropped since the claim
   * (another writer ended: the reads may predate it), nothing is kept, and nothing held before either (it may be
   * older than what this transaction wrote).
   */
  remember(claim: Claim | undefined, update: CacheUpdate | undefined): void {
    if (!claim) return;
    if (this.unsettled === claim.tx) this.unsettled = null;
    if (!update || !this.active || claim.epoch !== this.epoch) {
      this.clear();
      return;
    }
    for (const [conv, held] of update.convs) {
      this.dropConv(conv);
      this.convs.set(conv, held);
      this.unitsHeld += held.units.length;
    }
    for (const [conv] of this.convs) {
      if (this.unitsHeld <= READ_CACHE_UNITS && this.convs.size <= CONVS_HELD) break;
      this.dropConv(conv);
    }
    setBounded(this.coverage, update.coverage);
    setBounded(this.rollups, update.rollups);
    setBounded(this.dayStats, update.dayStats);
    if (update.prunedBefore) this.prunedBefore = update.prunedBefore;
  }

  private dropConv(conv: string): void {
    const held = this.convs.get(conv);
    if (!held) return;
    this.convs.delete(conv);
    this.unitsHeld -= held.units.length;
  }

  /** Forgets what a foreign transaction wrote of `table` (see `Written`). */
  private dropWritten(table: string, w: Written): void {
    if (w.all) return this.drop(table);
    if (table === 'clocks' || table === 'units') {
      for (const conv of w.owners) this.dropConv(conv);
      if (w.rows.size)
        for (const [conv, held] of this.convs) if (held.units.some((u) => w.rows.has(u.id))) this.dropConv(conv);
    } else if (table === 'coverage') {
      for (const k of w.owners) this.coverage.delete(k);
      if (w.rows.size)
        for (const [k, rows] of this.coverage) if (rows.some((r) => w.rows.has(r.id))) this.coverage.delete(k);
    } else if (table === 'rollups') for (const id of w.owners) this.rollups.delete(id);
    else if (table === 'dayStats') for (const id of w.owners) this.dayStats.delete(id);
    else if (table === 'meta' && w.owners.size) this.prunedBefore = undefined;
  }

  /** Forgets what is held of one table. */
  private drop(table: string): void {
    if (table === 'clocks' || table === 'units') {
      this.convs.clear();
      this.unitsHeld = 0;
    } else if (table === 'coverage') this.coverage.clear();
    else if (table === 'rollups') this.rollups.clear();
    else if (table === 'dayStats') this.dayStats.clear();
    else if (table === 'meta') this.prunedBefore = undefined;
  }

  /** Forgets everything held (a transaction that may have written failed: the mirrors are read again). */
  clear(): void {
    this.epoch++;
    for (const t of CACHED) this.drop(t);
  }

  /** Conversations held (tests). */
  get size(): number {
    return this.convs.size;
  }
}

function setBounded<T>(held: Map<string, T>, rows: ReadonlyMap<string, T>): void {
  for (const [k, v] of rows) {
    held.delete(k);
    held.set(k, v);
  }
  for (const k of held.keys()) {
    if (held.size <= ROWS_HELD) break;
    held.delete(k);
  }
}

/** Notes what a foreign request writes of a cached table (see `Written`). */
function noteWrite(writes: Map<string, Written>, table: string, req: DBCoreMutateRequest): void {
  let w = writes.get(table);
  if (!w) writes.set(table, (w = { all: false, owners: new Set(), rows: new Set() }));
  if (w.all) return;
  const rows = written(table, req);
  if (!rows) {
    w.all = true;
    return;
  }
  for (const o of rows.owners) w.owners.add(o);
  for (const r of rows.rows) w.rows.add(r);
}

const isStr = (x: unknown): x is string => typeof x === 'string';

/**
 * What a mutate request of a cached table writes, as `Written` names it; undefined when that cannot be told for
 * certain (a `deleteRange`, an unknown type, a value or key not of the expected shape): the whole table then. Every
 * cached table has its key in its rows (inbound), so an add or put writes its values' own keys (Dexie's base layer
 * ignores `keys` then); `Table.update` and `Collection.modify` arrive as puts of the whole modified rows (a modify that
 * changes a row's key: an add of the new row, a delete of the old key). `criteria`, `changeSpec` and `updates` only
 * describe the same rows (Dexie 4's DBCoreMutateRequest).
 */
function written(table: string, req: DBCoreMutateRequest): { owners: string[]; rows: unknown[] } | undefined {
  const owners: string[] = [];
  const rows: unknown[] = [];
  if (req.type === 'add' || req.type === 'put') {
    if (!Array.isArray(req.values)) return undefined;
    for (const v of req.values as unknown[]) {
      if (typeof v !== 'object' || v === null) return undefined;
      const r = v as Record<string, unknown>;
      if (table === 'clocks' || table === 'meta') {
        if (!isStr(r.key)) return undefined;
        if (table === 'clocks' || r.key === PRUNED_BEFORE_KEY) owners.push(r.key);
      } else if (table === 'units') {
        if (!isStr(r.conv) || !isStr(r.id)) return undefined;
        owners.push(r.conv);
        rows.push(r.id);
      } else if (table === 'coverage') {
        if (!isStr(r.platform) || !isStr(r.account)) return undefined;
        owners.push(`${r.platform}|${r.account}`);
        if (r.id !== undefined) rows.push(r.id);
      } else if (table === 'rollups' || table === 'dayStats') {
        if (!isStr(r.id)) return undefined;
        owners.push(r.id);
      } else return undefined;
    }
    return { owners, rows };
  }
  if (req.type === 'delete') {
    if (!Array.isArray(req.keys)) return undefined;
    for (const k of req.keys as unknown[]) {
      if (table === 'units' || table === 'coverage') rows.push(k);
      else if (!isStr(k)) return undefined;
      else if (table !== 'meta' || k === PRUNED_BEFORE_KEY) owners.push(k);
    }
    return { owners, rows };
  }
  return undefined;
}
