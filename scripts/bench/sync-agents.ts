/**
 * The team-sync benchmark's agents (a child process of scripts/bench/sync.ts, so that their CPU does not delay the
 * parent's reading of the server's changes feed): `agents` agents of one shop, each with the real `TeamSync`
 * (lib/sync/pusher.ts) pushing through the real `openRemote` (PouchDB's http adapter) to the benchmark's server.
 *
 * Each agent's local database is an in-memory stand-in for the tables the pusher reads (units and rollups by day,
 * clocks by status, meta): fake-indexeddb takes minutes for one `anyOf` over thousands of rows, so the worker's
 * IndexedDB read is not part of what this measures (it is per agent, on the agent's own machine).
 *
 * Data: yesterday's `perDay` inquiries and today's up to 14:00 China time (the virtual clock's start), through the
 * real engine (`evaluate`), stored as the background stores them (clocks, units, rollups). Then, after `go` on stdin,
 * `liveSec` seconds of today from 14:00 on replayed in real time: at each message, and at each waiting buyer's
 * deadline (the background's alarm), the conversation is evaluated again, its rows written, and the pusher told
 * (`changed()`, as Dexie's `storagemutated` tells it in the worker). Every document whose content changed is printed
 * ({ type: 'w', t, id, key }) before the pusher hears of it; the parent matches them with the feed.
 *
 *   jiti scripts/bench/sync-agents.ts '<json config>'
 */
import { SentinelDB } from '../../lib/db/schema';
import type { ClockRow, RollupRow, UnitRow } from '../../lib/model';
import { evaluate } from '../../lib/engine';
import { rollupId, tallyUnits } from '../../lib/engine/rollup';
import { chinaDay, chinaDayStart } from '../../lib/engine/time';
import type { ChatEvent, CoverageSpan } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';
import { SYNC_META_KEY, type SyncConfig } from '../../lib/sync/config';
import {
  WAITING,
  contentKey,
  queueDoc,
  queueDocId,
  rollupDoc,
  rollupScope,
  unitDoc,
  unitScope,
} from '../../lib/sync/docs';
import { TeamSync } from '../../lib/sync/pusher';
import type { RemoteDb } from '../../lib/sync/remote';
import { DELETED, agentDay, liveSteps } from './sync-model';
import { ACCOUNT, PLATFORM_MIX } from './synth';

export interface AgentsConfig {
  /** The shop's database URL (`http://127.0.0.1:<port>/shop`). */
  url: string;
  agents: number;
  perDay: number;
  liveSec: number;
  /** User `agent<i+1>`, password `<passwordPrefix><i+1>`. */
  passwordPrefix: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The virtual clock's start: today (China) at 14:00, in business hours whatever the wall clock says. */
const START_HOUR = 14;

const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');

/** The tables `TeamSync` reads, in memory (Dexie's API as far as the pusher uses it). */
class MemTable<T extends object> {
  readonly rows = new Map<string, T>();
  constructor(private readonly key: keyof T) {}
  async get(k: string): Promise<T | undefined> {
    return this.rows.get(k);
  }
  async put(row: T): Promise<void> {
    this.rows.set(String(row[this.key]), row);
  }
  async bulkGet(keys: readonly string[]): Promise<(T | undefined)[]> {
    return keys.map((k) => this.rows.get(k));
  }
  where(field: keyof T) {
    const found = (ok: (v: unknown) => boolean) => {
      const list = () => [...this.rows.values()].filter((r) => ok(r[field]));
      return { toArray: async () => list(), count: async () => list().length };
    };
    return {
      anyOf: (values: readonly unknown[]) => found((v) => values.includes(v)),
      equals: (value: unknown) => found((v) => v === value),
      between: (lo: string, hi: string, loIn = true, hiIn = false) =>
        found((v) => typeof v === 'string' && (loIn ? v >= lo : v > lo) && (hiIn ? v <= hi : v < hi)),
    };
  }
}

interface Agent {
  index: number;
  id: string;
  db: { units: MemTable<UnitRow>; rollups: MemTable<RollupRow>; clocks: MemTable<ClockRow>; meta: MemTable<never> };
  sync: TeamSync;
  today: ChatEvent[][];
  /** Per conversation of today: the unit ids last written. */
  unitsOf: Map<number, UnitRow[]>;
  rollups: Map<string, RollupRow>;
  /** What each document this agent writes held after the last local change (contentKey, or DELETED). */
  keys: Map<string, string>;
}

const rules = effectiveRules({});

function coverageOf(day: string, until: number): CoverageSpan[] {
  const from = chinaDayStart(day);
  return PLATFORM_MIX.map(([platform]) => ({ platform, account: ACCOUNT, from, to: Math.min(until, from + DAY) }));
}

/** Push timings: the pusher's whole push, and its requests' share (the rest is local: derive, compare). */
const pushMs: number[] = [];
const requestMs: number[] = [];

async function main() {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as AgentsConfig;
  // pouchdb-browser reads `self` (a browser global) when loaded; in node its http adapter runs on node's fetch.
  (globalThis as { self?: unknown }).self ??= globalThis;
  const { openRemote } = await import('../../lib/sync/remote');

  const today = chinaDay(Date.now());
  const yesterday = chinaDay(chinaDayStart(today) - DAY / 2);
  const base = chinaDayStart(today) + START_HOUR * HOUR;
  const live: { t0?: number } = {};
  /** The virtual now: 14:00 until the window starts, then as the wall clock runs. */
  const vnow = () => (live.t0 === undefined ? base : base + Date.now() - live.t0);

  const timedRemote = (c: SyncConfig): RemoteDb => {
    const r = openRemote(c);
    const bulkDocs = r.bulkDocs.bind(r);
    r.bulkDocs = async (docs) => {
      const t = performance.now();
      try {
        return await bulkDocs(docs);
      } finally {
        requestMs.push(performance.now() - t);
      }
    };
    return r;
  };

  const agents: Agent[] = [];
  let seeded = { units: 0, rollups: 0, clocks: 0 };
  const tSeed = Date.now();
  for (let i = 0; i < cfg.agents; i++) {
    const db = {
      units: new MemTable<UnitRow>('id'),
      rollups: new MemTable<RollupRow>('id'),
      clocks: new MemTable<ClockRow>('key'),
      meta: new MemTable<never>('key' as never),
    };
    const id = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
    await (db.meta as unknown as MemTable<{ key: string; value: unknown }>).put({ key: 'agentId', value: id });
    const syncCfg: SyncConfig = {
      enabled: true,
      url: cfg.url,
      user: `agent${i + 1}`,
      password: `${cfg.passwordPrefix}${i + 1}`,
      label: `客服${i + 1}`,
    };
    await (db.meta as unknown as MemTable<{ key: string; value: unknown }>).put({ key: SYNC_META_KEY, value: syncCfg });
    const sync = new TeamSync(
      db as unknown as SentinelDB,
      {
        now: vnow,
        remote: timedRemote,
        hasPermission: async () => true,
        setTimer(fn, ms) {
          const h = setTimeout(fn, ms);
          return () => clearTimeout(h);
        },
        setRetryAlarm: async () => undefined,
      },
      { tracked: true },
    );
    const push = sync.push.bind(sync);
    sync.push = (opts) => {
      const t = performance.now();
      const p = push(opts);
      void p.then(() => pushMs.push(performance.now() - t));
      return p;
    };
    const rollups = new Map<string, RollupRow>();
    const unitsOf = new Map<number, UnitRow[]>();
    // Yesterday whole, today up to the window's start.
    for (const [day, until] of [
      [yesterday, undefined],
      [today, base],
    ] as const) {
      const threads = agentDay({ agent: i, day, perDay: cfg.perDay, salt: day === today ? 2 : 1 });
      const coverage = coverageOf(day, base);
      threads.forEach((thread, conv) => {
        const events = until === undefined ? thread : thread.filter((e) => e.at <= until);
        if (!events.length) return;
        const r = evaluate({ events, coverage, rules, now: base, alertLeadSec: 60 });
        const clock = r.clocks[0];
        if (clock && day === today) db.clocks.rows.set(clock.key, clock);
        for (const u of r.units) db.units.rows.set(u.id, u);
        if (day === today) unitsOf.set(conv, r.units);
        tallyUnits(rollups, r.units, 1, base);
      });
      if (day === today) agents.push({ index: i, id, db, sync, today: threads, unitsOf, rollups, keys: new Map() });
    }
    for (const r of rollups.values()) db.rollups.rows.set(r.id, { ...r });
    seeded = {
      units: seeded.units + db.units.rows.size,
      rollups: seeded.rollups + db.rollups.rows.size,
      clocks: seeded.clocks + [...db.clocks.rows.values()].filter((c) => WAITING.includes(c.status)).length,
    };
  }
  const seedMs = Date.now() - tSeed;

  // Warm-up: every agent's first push (everything of both days), four at a time.
  const tWarm = Date.now();
  const queue = [...agents];
  await Promise.all(
    Array.from({ length: Math.min(4, agents.length) }, async () => {
      for (let a = queue.shift(); a; a = queue.shift()) {
        for (let k = 0; k < 5; k++) {
          await a.sync.push();
          const s = await a.sync.status();
          if (!s.error && !s.pending) break;
        }
      }
    }),
  );
  const warmupMs = Date.now() - tWarm;
  const warmErrors = (await Promise.all(agents.map((a) => a.sync.status()))).filter((s) => s.error || s.pending);
  if (warmErrors.length) throw new Error(`warm-up push failed: ${JSON.stringify(warmErrors[0]?.error)}`);
  // What each document holds now (the parent only expects what changes after this).
  for (const a of agents) for (const [id, key] of derivedKeys(a, base)) a.keys.set(id, key);
  pushMs.length = 0;
  requestMs.length = 0;
  out({ type: 'ready', seeded, seedMs, warmupMs });

  await new Promise<void>((resolve) => {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => d.includes('go') && resolve());
    process.stdin.on('end', () => process.exit(1)); // the benchmark went away
  });
  live.t0 = Date.now();
  const end = base + cfg.liveSec * 1000;
  let steps = 0;
  let changes = 0;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const at = (when: number, fn: () => void) => {
    const h = setTimeout(
      () => {
        timers.delete(h);
        fn();
      },
      Math.max(0, when - vnow()),
    );
    timers.add(h);
  };
  /** The conversation evaluated at the virtual now: its rows written, the pusher told. */
  const step = (a: Agent, conv: number) => {
    const now = vnow();
    const thread = a.today[conv]!;
    const events = thread.filter((e) => e.at <= now);
    if (!events.length) return;
    const r = evaluate({ events, coverage: coverageOf(today, now), rules, now, alertLeadSec: 60 });
    const before = a.unitsOf.get(conv) ?? [];
    tallyUnits(a.rollups, before, -1, now);
    tallyUnits(a.rollups, r.units, 1, now);
    for (const u of before) a.db.units.rows.delete(u.id);
    for (const u of r.units) a.db.units.rows.set(u.id, u);
    a.unitsOf.set(conv, r.units);
    const touched = new Set([...before, ...r.units].map(rollupId));
    for (const id of touched) {
      const row = a.rollups.get(id);
      if (row) a.db.rollups.rows.set(id, { ...row, updatedAt: now });
    }
    const clock = r.clocks[0];
    if (clock) {
      a.db.clocks.rows.set(clock.key, clock);
      if (clock.status === 'pending' && clock.dueAt !== null && clock.dueAt > now && clock.dueAt <= end)
        at(clock.dueAt + 1, () => step(a, conv)); // the background's deadline alarm
    }
    steps += 1;
    const t = Date.now();
    // Each document this change can touch, and what the pusher will derive for it now.
    const docs = new Map<string, string>();
    for (const u of before) docs.set(unitScope(u.day, a.id) + u.id, DELETED);
    for (const u of r.units) docs.set(unitScope(u.day, a.id) + u.id, contentKey(unitDoc(a.id, u)));
    for (const id of touched) {
      const row = a.db.rollups.rows.get(id);
      if (row) docs.set(rollupScope(row.day, a.id) + id, contentKey(rollupDoc(a.id, row)));
    }
    if (clock) {
      // The agent's queue of buyers waiting now, as the pusher derives it (no document while nobody waits).
      const queue = queueDoc(a.id, a.db.clocks.rows.values(), now);
      docs.set(queueDocId(a.id), queue.clocks.length ? contentKey(queue) : DELETED);
    }
    for (const [id, key] of docs) {
      if ((a.keys.get(id) ?? DELETED) === key) continue;
      a.keys.set(id, key);
      changes += 1;
      out({ type: 'w', t, id, key });
    }
    // What the worker's `storagemutated` reports to the pusher: the keys of the rows this change wrote or deleted.
    a.sync.changed(undefined, {
      units: [...before, ...r.units].map((u) => u.id),
      rollups: touched,
      clocks: clock ? [clock.key] : [],
    });
  };
  for (const a of agents) for (const s of liveSteps(a.today, base, end)) at(s.at, () => step(a, s.conv));

  await new Promise((r) => setTimeout(r, cfg.liveSec * 1000 + 200));
  for (const h of timers) clearTimeout(h);
  // Settle: every agent in sync (nothing pending, no error) for two seconds in a row, at most a minute.
  const tSettle = Date.now();
  let calm = 0;
  while (Date.now() - tSettle < 60_000 && calm < 2) {
    await new Promise((r) => setTimeout(r, 1000));
    const ss = await Promise.all(agents.map((a) => a.sync.status()));
    calm = ss.every((s) => !s.error && !s.pending && s.retryAt === null) ? calm + 1 : 0;
  }
  const errors = (await Promise.all(agents.map((a) => a.sync.status()))).filter((s) => s.error).map((s) => s.error);
  out({ type: 'done', steps, changes, pushMs, requestMs, errors, settleMs: Date.now() - tSettle });
  process.exit(0);
}

/** The documents the pusher derives from the agent's rows, by id: their contentKey. */
function derivedKeys(a: Agent, now: number): Map<string, string> {
  const keys = new Map<string, string>();
  for (const u of a.db.units.rows.values()) keys.set(unitScope(u.day, a.id) + u.id, contentKey(unitDoc(a.id, u)));
  for (const r of a.db.rollups.rows.values()) keys.set(rollupScope(r.day, a.id) + r.id, contentKey(rollupDoc(a.id, r)));
  const queue = queueDoc(a.id, a.db.clocks.rows.values(), now);
  if (queue.clocks.length) keys.set(queue._id, contentKey(queue));
  return keys;
}

main().catch((err: unknown) => {
  out({ type: 'error', error: String((err as Error)?.stack ?? err) });
  process.exit(1);
});
