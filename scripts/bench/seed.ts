/**
 * Seeds the extension's database the way the product fills it, for the popup/analytics benchmarks: `days` days of
 * `perDay` inquiries (scripts/bench/synth.ts), each conversation run through the real engine, then stored as the
 * background stores it: events (with key/conv), the conversation's clock, its units, the daily rollups and the
 * per-day aggregates (`dayStats`), tallied by the product's own functions (`tallyUnits`, `tallyDayStats`).
 * Today is seeded up to now, so some clocks are still pending.
 *
 * Bundled to an IIFE (global `RSSeed`) and run inside the extension's service worker (see popup.ts), so that
 * millions of rows never cross the DevTools protocol. Pure data + IndexedDB; no chrome.*. Dexie only opens (and so
 * creates or upgrades) the database; the rows go in through raw IndexedDB, a day per transaction with relaxed
 * durability, the next day computed while the previous one commits (Dexie's bulkPut adds nothing the rows need).
 * `verifySeed` then checks a sample of days: their stored rollups and aggregates equal a rebuild from their units.
 */
import { buildDayStats, buildDayStatRows, tallyDayStats, type DayStatDelta } from '../../lib/analytics/daystats';
import { tallyUnits } from '../../lib/engine/rollup';
import { SentinelDB } from '../../lib/db/schema';
import { PAST_STATS_PREFIX } from '../../lib/db/meta';
import { DB_NAME, TABLE } from '../../lib/db/name';
import type { ClockRow, EventRow, RollupRow, UnitRow } from '../../lib/model';
import { evaluate } from '../../lib/engine';
import { chinaDay, chinaDayStart } from '../../lib/engine/time';
import { conversationKey, eventKey, type CoverageSpan } from '../../lib/model';
import { effectiveRules, type RuleOverrides } from '../../lib/rules';
import { ACCOUNT, PLATFORM_MIX, dayConversations } from './synth';

export interface SeedOptions {
  /** Seeds the days `first` … `first + days - 1` back from today (0 = today), so a caller can go in slices. */
  first: number;
  days: number;
  perDay: number;
  now: number;
  ruleOverrides?: RuleOverrides;
  /**
   * Store the raw events of the last this-many days (the bulk of the rows). Nothing the popup shows reads them, and
   * the analytics page reads one week; 0 stores none.
   */
  eventsDays: number;
  /** The database's name (tests); default the extension's. */
  dbName?: string;
}

/** Puts rows into their stores in one readwrite transaction; resolves when it committed. */
function rawPut(idb: IDBDatabase, rows: Partial<Record<string, readonly unknown[]>>): Promise<void> {
  const names = Object.keys(rows).filter((k) => rows[k]!.length);
  if (!names.length) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const tx = idb.transaction(names, 'readwrite', { durability: 'relaxed' });
    for (const n of names) {
      const store = tx.objectStore(n);
      for (const r of rows[n]!) store.put(r);
    }
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('seed write failed'));
    tx.onabort = () => reject(tx.error ?? new Error('seed write aborted'));
  });
}

/** Deletes every past-days summary (`meta` keys `pastStats:…`) in a transaction of its own. */
function dropPastStatsRaw(idb: IDBDatabase): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = idb.transaction(TABLE.meta, 'readwrite');
    tx.objectStore(TABLE.meta).delete(IDBKeyRange.bound(PAST_STATS_PREFIX, `${PAST_STATS_PREFIX}\uffff`));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('seed write failed'));
  });
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function openDb(name: string): Promise<{ idb: IDBDatabase; close(): void }> {
  // Dexie opens it at the newest schema (creating or upgrading it as the product would); the rows go in raw.
  const db = new SentinelDB(name);
  await db.open();
  return { idb: db.backendDB(), close: () => db.close() };
}

/** The China day `d` days before `now`'s. */
export function dayBack(now: number, d: number): string {
  return chinaDay(chinaDayStart(chinaDay(now)) - d * 86_400_000 + 12 * 3600_000);
}

export async function seed(o: SeedOptions) {
  const t0 = Date.now();
  const { idb, close } = await openDb(o.dbName ?? DB_NAME);
  const rules = effectiveRules(o.ruleOverrides);
  const rollups = new Map<string, RollupRow>();
  const dayStats = new Map<string, DayStatDelta>();
  const counts = { events: 0, clocks: 0, units: 0, rollups: 0, dayStats: 0, pending: 0 };
  /** Where the time went: generating and evaluating (this thread) and waiting for the writes to commit. */
  const split = { computeMs: 0, writeWaitMs: 0 };
  let writing: Promise<void> = Promise.resolve();
  try {
    for (let d = o.first + o.days - 1; d >= o.first; d--) {
      const tc = Date.now();
      const day = dayBack(o.now, d);
      const from = chinaDayStart(day);
      const until = d === 0 ? o.now : undefined;
      const convs = dayConversations({ day, inquiries: o.perDay, seed: 5000 + d, ...(until && { until }) });
      const coverage: CoverageSpan[] = PLATFORM_MIX.map(([platform]) => ({
        platform,
        account: ACCOUNT,
        from,
        to: Math.min(o.now, from + 86_400_000),
      }));
      const events: EventRow[] = [];
      const clocks: ClockRow[] = [];
      const units: UnitRow[] = [];
      for (const thread of convs) {
        const out = evaluate({ events: thread, coverage, rules, now: o.now, alertLeadSec: 60 });
        if (d < o.eventsDays) for (const e of thread) events.push({ ...e, key: eventKey(e), conv: conversationKey(e) });
        const clock = out.clocks[0];
        if (clock) {
          clocks.push(clock);
          if (clock.status === 'pending') counts.pending++;
        }
        units.push(...out.units);
      }
      tallyUnits(rollups, units, 1, o.now);
      tallyDayStats(dayStats, units, 1);
      counts.events += events.length;
      counts.clocks += clocks.length;
      counts.units += units.length;
      split.computeMs += Date.now() - tc;
      // One day's transaction in flight while the next day is computed.
      const tw = Date.now();
      await writing;
      split.writeWaitMs += Date.now() - tw;
      writing = rawPut(idb, { [TABLE.events]: events, [TABLE.clocks]: clocks, [TABLE.units]: units });
      writing.catch(() => undefined); // awaited below
    }
    const tw = Date.now();
    await writing;
    const statRows = buildDayStatRows(dayStats.values());
    await rawPut(idb, { [TABLE.rollups]: [...rollups.values()], [TABLE.dayStats]: statRows });
    // As every writer of past days' dayStats: the analytics page's past-days summaries go (the worker builds them
    // again, lib/background/past-stats.ts).
    await dropPastStatsRaw(idb);
    split.writeWaitMs += Date.now() - tw;
    counts.rollups = rollups.size;
    counts.dayStats = statRows.length;
  } finally {
    close();
  }
  return { ...counts, ...split, ms: Date.now() - t0 };
}

/**
 * A row's figures in a comparable form: `updatedAt` left out, typed arrays and ±Infinity spelled out, and a capped
 * sum to a millionth of a second (a sum of the same values in another order differs in its last bits: the product
 * adds them conversation by conversation, the rebuild in the order the units are read).
 */
function canon(x: unknown): string {
  return JSON.stringify(x, (k, v: unknown) =>
    k === 'updatedAt'
      ? undefined
      : k === 'cappedSum' && typeof v === 'number'
        ? Math.round(v * 1e6) / 1e6
        : ArrayBuffer.isView(v)
          ? Array.from(v as unknown as ArrayLike<number>, (n) => (Number.isFinite(n) ? n : String(n)))
          : v,
  );
}

/**
 * Checks the stored rows of the given China days against the product's own rebuild from their units (what
 * `rebuildRollups` computes: `tallyUnits` for rollups, `buildDayStats` for the aggregates): every rollup and
 * `dayStats` row of those days equals the rebuilt one, none missing, none extra. Throws on the first difference.
 */
export async function verifySeed(o: { days: readonly string[]; now: number; dbName?: string }) {
  const { idb, close } = await openDb(o.dbName ?? DB_NAME);
  const checked = { days: 0, units: 0, rollups: 0, dayStats: 0 };
  try {
    for (const day of o.days) {
      const tx = idb.transaction([TABLE.units, TABLE.rollups, TABLE.dayStats], 'readonly');
      const [units, rollups, stats] = await Promise.all([
        req(tx.objectStore(TABLE.units).index('day').getAll(day)) as Promise<UnitRow[]>,
        req(tx.objectStore(TABLE.rollups).index('day').getAll(day)) as Promise<RollupRow[]>,
        req(tx.objectStore(TABLE.dayStats).index('day').getAll(day)) as Promise<unknown[]>,
      ]);
      if (!units.length) throw new Error(`seed check: no units stored for ${day}`);
      const rebuilt = new Map<string, RollupRow>();
      tallyUnits(rebuilt, units, 1, o.now);
      const same = (what: string, stored: { id: string }[], want: { id: string }[]) => {
        const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
        const s = [...stored].sort(byId).map(canon);
        const w = [...want].sort(byId).map(canon);
        if (s.length !== w.length)
          throw new Error(`seed check: ${day}: ${s.length} ${what} rows stored, the units give ${w.length}`);
        s.forEach((row, i) => {
          if (row !== w[i])
            throw new Error(`seed check: ${day}: ${what} row differs from the rebuild:\n${row}\n${w[i]}`);
        });
      };
      same('rollup', rollups, [...rebuilt.values()]);
      same('dayStats', stats as { id: string }[], buildDayStats(units));
      checked.days++;
      checked.units += units.length;
      checked.rollups += rollups.length;
      checked.dayStats += stats.length;
    }
  } finally {
    close();
  }
  return checked;
}
