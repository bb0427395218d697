import Dexie, { type EntityTable, type Table, type Transaction } from 'dexie';
import {
  buildDayStatRows,
  packWaits,
  isAggregatable,
  tallyDayStats,
  type DayStatDelta,
  type DayStatRow,
} from '../analytics/daystats';
import type {
  ClockRow,
  CoverageRow,
  EventRow,
  MetaRow,
  PhraseRow,
  RollupRow,
  SettingRow,
  TabRow,
  TeamRollupRow,
  UnitRow,
} from '../model/rows';
import { RECOMPUTE_KEY } from './meta';

/**
 * Every schema the database has had, oldest first. Never edit a shipped entry: add a new version, with an
 * upgrade function when existing rows need new fields. `test/unit/db.test.ts` opens a database at every
 * earlier version, fills it, and checks that the upgrade to the newest keeps everything.
 */
export const SCHEMA_HISTORY: {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}[] = [
  {
    version: 1,
    stores: {
      events: 'key, at, [platform+account]',
      clocks: 'key, status, dueAt, platform',
      units: 'id, conv, [metric+day], day',
      rollups: 'id, [metric+day], day',
      settings: 'key',
    },
  },
  {
    // 2: conversation index on events (backfilled), coverage spans, tab health, phrases, scheduler mirror.
    version: 2,
    stores: {
      events: 'key, conv, at, [platform+account]',
      coverage: '++id, [platform+account], tabId, open',
      tabs: 'tabId, [platform+account]',
      phrases: '++id, group, *tags, shortcut, usage',
      meta: 'key',
    },
    upgrade: async (tx) => {
      await tx
        .table('events')
        .toCollection()
        .modify((e: EventRow) => {
          if (!e.conv) e.conv = `${e.platform}|${e.account}|${e.buyer}`;
        });
    },
  },
  {
    // 3: the popup's "failed / unobserved today" list reads units by day and result, not the whole day.
    version: 3,
    stores: {
      units: 'id, conv, [metric+day], day, [day+result]',
    },
  },
  {
    // 4: daily rollups imported from other agents' exports (the analytics team view).
    version: 4,
    stores: {
      teamRollups: '[source+id], source, [metric+day]',
    },
  },
  {
    // 5: clocks by start time, so the popup reads only recent waits that are outside the assessed hours
    // (finished clocks stay, one per conversation, for months).
    version: 5,
    stores: {
      clocks: 'key, status, dueAt, platform, startedAt',
    },
  },
  {
    // 6: clocks by status and deadline / start time. The background's rehydration and the popup read exactly the
    // recent clocks of one status with one index range (a getAll), instead of every clock due in the last hours
    // filtered one by one through a cursor (about 2 500 a day at 5 000 inquiries a day).
    version: 6,
    stores: {
      clocks: 'key, status, platform, [status+dueAt], [status+startedAt]',
    },
  },
  {
    // 7 (rules 2026.12.1): 1688 counts messages, not rounds (`ali1688.firstMsg3min`, `ali1688.perMsg3min` replace
    // the round-based `ali1688.ww3min`). No index changes. Every stored row stays; the 1688 conversations that still
    // have messages are listed under `meta.recompute` and the background recomputes them at its next start (their
    // days that still have all their messages get the new metrics in place of the old one); the days before that
    // (frozen: messages pruned) keep their `ali1688.ww3min` units and rollups, shown under the old metric's label.
    version: 7,
    stores: {},
    upgrade: async (tx) => {
      const convs = new Set<string>();
      await tx
        .table('events')
        .where('key')
        .startsWith('ali1688|')
        .each((e: EventRow) => {
          convs.add(e.conv || `${e.platform}|${e.account}|${e.buyer}`);
        });
      if (convs.size) await queueRecompute(tx.table('meta'), [...convs]);
      await carryRuleOverride(tx.table('settings'), 'ali1688.ww3min', ['ali1688.firstMsg3min', 'ali1688.perMsg3min']);
    },
  },
  {
    // 8: per-day aggregates of the units (`lib/analytics/daystats.ts`: units, first-response times, units and
    // failures per hour of the week), so the analytics page reads a row per day and account instead of every unit.
    // Built here from the stored units; the background keeps them with the rollups from then on.
    version: 8,
    stores: {
      dayStats: 'id, [metric+day], day',
    },
    upgrade: async (tx) => {
      const delta = new Map<string, DayStatDelta>();
      await tx
        .table('units')
        .toCollection()
        .each((u: unknown) => {
          if (isAggregatable(u)) tallyDayStats(delta, [u], 1);
        });
      const rows = buildDayStatRows(delta.values());
      if (rows.length) await tx.table('dayStats').bulkPut(rows);
    },
  },
  {
    // 9: the per-day aggregates' `waits` packed (`packWaits`: whole milliseconds as varint deltas, 1–2 bytes a value
    // instead of a Float64Array's 8), since reading a row costs about its size and the analytics page's first
    // frame reads up to 90 days of them (issue 21). The same values; a row that was not well formed stays as it
    // was (still not well formed: its day is rebuilt from the units when read or written, as before).
    version: 9,
    stores: {},
    upgrade: async (tx) => {
      await tx
        .table('dayStats')
        .toCollection()
        .modify((r: { waits?: unknown }) => {
          const packed = packV8Waits(r.waits);
          if (packed) r.waits = packed;
        });
    },
  },
];

/** A v8 row's `waits` (a sorted Float64Array of non-negative values) packed; null for anything else. */
function packV8Waits(waits: unknown): Uint8Array | null {
  if (Object.prototype.toString.call(waits) !== '[object Float64Array]') return null;
  const values = waits as Float64Array;
  for (let i = 0; i < values.length; i++) if (!(values[i]! >= 0) || (i > 0 && values[i]! < values[i - 1]!)) return null;
  return packWaits(values);
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * A user's override of a metric that gives way to others applies to them (those not overridden already); the old
 * entry stays (inert). A stored value of any other shape is left alone: the settings schema judges it at start.
 */
async function carryRuleOverride(settings: Table<SettingRow, string>, from: string, to: readonly string[]) {
  const row = (await settings.get('ruleOverrides')) as SettingRow | undefined;
  const all = row?.value;
  if (!isRecord(all) || !isRecord(all[from])) return;
  const next = { ...all };
  for (const key of to) next[key] ??= { ...all[from] };
  await settings.put({ key: 'ruleOverrides', value: next });
}

/** Adds conversations to `meta.recompute` (what is there already stays; a damaged value is replaced). */
async function queueRecompute(meta: Table<MetaRow, string>, convs: readonly string[]): Promise<void> {
  const prev = ((await meta.get(RECOMPUTE_KEY)) as MetaRow | undefined)?.value;
  const kept = Array.isArray(prev) ? prev.filter((c): c is string => typeof c === 'string') : [];
  await meta.put({ key: RECOMPUTE_KEY, value: [...new Set([...kept, ...convs])] });
}

export { DB_NAME } from './name';
import { DB_NAME } from './name';

/**
 * What a connection tells its context about another context's upgrade (after an extension update, a page opened
 * before it may still hold the database open at the older version).
 */
export interface SentinelDBHooks {
  /**
   * Dexie's cache of query results for live queries in this context ('cloned' by default). The service worker runs
   * no live query, so it turns the cache off: every write would otherwise also update it.
   */
  cache?: 'immutable' | 'cloned' | 'disabled';
  /**
   * `true`: this connection's upgrade waits, because another context holds the database open at the older version
   * and has not closed it (the user must close the other Reply Sentinel pages/tabs); called on each `blocked`
   * event. `false`: the other connection closed and the upgrade finished (the database is open).
   */
  onBlocked?: (waiting: boolean) => void;
  /**
   * Another context upgrades (or deletes) the database. This connection closes for good so that it can: the page's
   * code is older than the database now and must be reloaded (tell the user). Without this hook the connection
   * closes too, and reopens on its next query (Dexie's default; the background, whose code is the newest).
   */
  onVersionChange?: () => void;
}

export class SentinelDB extends Dexie {
  events!: EntityTable<EventRow, 'key'>;
  clocks!: EntityTable<ClockRow, 'key'>;
  units!: EntityTable<UnitRow, 'id'>;
  rollups!: EntityTable<RollupRow, 'id'>;
  settings!: EntityTable<SettingRow, 'key'>;
  coverage!: EntityTable<CoverageRow, 'id'>;
  tabs!: EntityTable<TabRow, 'tabId'>;
  phrases!: EntityTable<PhraseRow, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;
  teamRollups!: Table<TeamRollupRow, [string, string]>;
  dayStats!: EntityTable<DayStatRow, 'id'>;

  constructor(name = DB_NAME, upTo = Infinity, hooks: SentinelDBHooks = {}) {
    super(name, hooks.cache ? { cache: hooks.cache } : undefined);
    for (const v of SCHEMA_HISTORY) {
      if (v.version > upTo) break;
      const s = this.version(v.version).stores(v.stores);
      if (v.upgrade) s.upgrade(v.upgrade);
    }
    const { onBlocked, onVersionChange } = hooks;
    if (onVersionChange)
      // Runs before Dexie's own handler (which would close and allow reopening); `false` stops that one.
      this.on('versionchange', () => {
        this.close({ disableAutoOpen: true });
        onVersionChange();
        return false;
      });
    if (onBlocked) {
      let waiting = false;
      this.on('blocked', () => {
        waiting = true;
        onBlocked(true);
      });
      this.on(
        'ready',
        () => {
          if (!waiting) return;
          waiting = false;
          onBlocked(false);
        },
        true, // on every open, not only the first
      );
    }
  }
}

export const LATEST_SCHEMA_VERSION = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 1]!.version;
