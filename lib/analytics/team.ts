/**
 * Export of this installation's clocks and daily rollups, and the team view: other agents' exports imported
 * and merged with ours, without counting anything twice. The step before a real team sync.
 *
 * The rules (documented in the page's help too):
 * 1. Every installation has an id (`meta.agentId`, random). An export carries it as `source.id`, and only the
 *    exporting installation's own rows (never rows it imported), so files cannot carry the same data twice
 *    along different paths.
 * 2. Imported rows are stored keyed by (source, rollup id). Importing the same source again replaces its rows
 *    (a row is kept when the stored copy is newer by `updatedAt`); it never adds them a second time.
 *    An installation cannot import its own export.
 * 3. Team totals: rows of *different* accounts add up (sub-accounts are different people). For one
 *    (metric, day, platform, account) — the rollup id — several sources may have a row: two agents logged into
 *    the same account watch the same conversations, so adding them would count those buyers twice. The team
 *    view takes ONE row per rollup id: the one with the most decided units (pass + fail), then the most units,
 *    then our own, then the most recently updated, then the smallest source id. Buyers only one of them saw
 *    are lost in that case: a real union needs unit-level sync (the next step).
 */
import type { ClockRow, RollupRow, TeamRollupRow } from '../db/schema';
import { PLATFORMS, type Platform } from '../model';
import { DEFAULT_RULES, allMetrics } from '../rules';

export const EXPORT_FORMAT = 'reply-sentinel-export';
export const EXPORT_VERSION = 1;

/** Limits that keep a broken or hostile file from filling the database. */
export const IMPORT_LIMITS = { rollups: 200_000, clocks: 100_000, labelLength: 100, accountLength: 200 } as const;

/** An installation id: what `newAgentId` makes (a UUID), or any 8–64 letters, digits and dashes. */
export const AGENT_ID = /^[A-Za-z0-9-]{8,64}$/;

/** A clock as exported: no chat text, no alert bookkeeping. */
export interface ExportedClock {
  key: string;
  platform: Platform;
  account: string;
  buyer: string;
  buyerNick?: string;
  metric: string;
  status: ClockRow['status'];
  startedAt: number | null;
  dueAt: number | null;
  waitingMessages: number;
  lastMessageAt: number;
}

export interface ExportBundle {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  source: { id: string; label: string };
  exportedAt: number;
  rollups: RollupRow[];
  clocks: ExportedClock[];
}

export function exportClock(c: ClockRow): ExportedClock {
  return {
    key: c.key,
    platform: c.platform,
    account: c.account,
    buyer: c.buyer,
    ...(c.buyerNick !== undefined && { buyerNick: c.buyerNick }),
    metric: c.metric,
    status: c.status,
    startedAt: c.startedAt,
    dueAt: c.dueAt,
    waitingMessages: c.waitingMessages,
    lastMessageAt: c.lastMessageAt,
  };
}

const cleanRollup = (r: RollupRow): RollupRow => ({
  id: r.id,
  metric: r.metric,
  day: r.day,
  platform: r.platform,
  account: r.account,
  pass: r.pass,
  fail: r.fail,
  pending: r.pending,
  unknown: r.unknown,
  notAssessed: r.notAssessed,
  cappedSum: r.cappedSum,
  cappedCount: r.cappedCount,
  updatedAt: r.updatedAt,
});

/** This installation's export (its own rows only; chat text is left out). */
export function buildExport(opts: {
  agentId: string;
  label: string;
  now: number;
  rollups: readonly RollupRow[];
  clocks: readonly ClockRow[];
}): ExportBundle {
  if (!AGENT_ID.test(opts.agentId)) throw new Error(`not an installation id: ${opts.agentId}`);
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    source: { id: opts.agentId, label: opts.label.trim().slice(0, IMPORT_LIMITS.labelLength) },
    exportedAt: opts.now,
    rollups: opts.rollups.map(cleanRollup).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    clocks: opts.clocks.map(exportClock),
  };
}

type Result<T> = { ok: true; value: T } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isTime = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v > 946_684_800_000 && v < 4_102_444_800_000; // 2000–2100
const isDay = (v: unknown): v is string =>
  typeof v === 'string' &&
  /^\d{4}-\d{2}-\d{2}$/.test(v) &&
  !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
  new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;
const isAccount = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= IMPORT_LIMITS.accountLength;

/** The rollup id (`metric|day|platform|account`), as the background's `rollupId` makes it (tested equal). */
export function rollupIdOf(r: Pick<RollupRow, 'metric' | 'day' | 'platform' | 'account'>): string {
  return `${r.metric}|${r.day}|${r.platform}|${r.account}`;
}

let knownMetrics: Map<string, Platform> | undefined;
/** Metric key → platform, of the shipped rules (built on first use: keeps this module free of import-time work). */
function metricPlatform(key: string): Platform | undefined {
  knownMetrics ??= new Map(allMetrics(DEFAULT_RULES).map((m) => [m.key, m.platform]));
  return knownMetrics.get(key);
}
const CLOCK_STATUSES = ['idle', 'answered', 'pending', 'breached', 'unknown', 'notAssessed'] as const;

function parseRollup(raw: unknown, i: number): RollupRow {
  const at = `rollups[${i}]`;
  if (!isObj(raw)) throw new Error(`${at} must be an object`);
  const platform = raw.platform;
  if (typeof platform !== 'string' || !(PLATFORMS as readonly string[]).includes(platform))
    throw new Error(`${at}.platform must be one of ${PLATFORMS.join(', ')}`);
  if (typeof raw.metric !== 'string' || metricPlatform(raw.metric) !== platform)
    throw new Error(`${at}.metric must be a known metric of ${platform}: ${String(raw.metric)}`);
  if (!isDay(raw.day)) throw new Error(`${at}.day must be a date YYYY-MM-DD`);
  if (!isAccount(raw.account)) throw new Error(`${at}.account must be a non-empty name`);
  for (const k of ['pass', 'fail', 'pending', 'unknown', 'notAssessed', 'cappedCount'] as const)
    if (!isCount(raw[k])) throw new Error(`${at}.${k} must be a whole number ≥ 0`);
  if (typeof raw.cappedSum !== 'number' || !Number.isFinite(raw.cappedSum) || raw.cappedSum < 0)
    throw new Error(`${at}.cappedSum must be a number ≥ 0`);
  if ((raw.cappedCount as number) > (raw.pass as number) + (raw.fail as number))
    throw new Error(`${at}.cappedCount cannot exceed pass + fail`);
  if (!isTime(raw.updatedAt)) throw new Error(`${at}.updatedAt must be a time in ms`);
  const row: RollupRow = {
    id: '',
    metric: raw.metric,
    day: raw.day,
    platform: platform as Platform,
    account: raw.account,
    pass: raw.pass as number,
    fail: raw.fail as number,
    pending: raw.pending as number,
    unknown: raw.unknown as number,
    notAssessed: raw.notAssessed as number,
    cappedSum: raw.cappedSum,
    cappedCount: raw.cappedCount as number,
    updatedAt: raw.updatedAt,
  };
  row.id = rollupIdOf(row);
  if (raw.id !== row.id) throw new Error(`${at}.id must be "${row.id}" (metric|day|platform|account)`);
  return row;
}

function parseClock(raw: unknown, i: number): ExportedClock {
  const at = `clocks[${i}]`;
  if (!isObj(raw)) throw new Error(`${at} must be an object`);
  if (typeof raw.platform !== 'string' || !(PLATFORMS as readonly string[]).includes(raw.platform))
    throw new Error(`${at}.platform must be one of ${PLATFORMS.join(', ')}`);
  if (!isAccount(raw.account)) throw new Error(`${at}.account must be a non-empty name`);
  if (typeof raw.buyer !== 'string' || !raw.buyer) throw new Error(`${at}.buyer must be a non-empty id`);
  if (raw.key !== `${raw.platform}|${raw.account}|${raw.buyer}`)
    throw new Error(`${at}.key must be platform|account|buyer`);
  if (typeof raw.metric !== 'string' || metricPlatform(raw.metric) !== raw.platform)
    throw new Error(`${at}.metric must be a known metric of ${raw.platform}`);
  if (typeof raw.status !== 'string' || !(CLOCK_STATUSES as readonly string[]).includes(raw.status))
    throw new Error(`${at}.status must be one of ${CLOCK_STATUSES.join(', ')}`);
  for (const k of ['startedAt', 'dueAt'] as const)
    if (raw[k] !== null && !isTime(raw[k])) throw new Error(`${at}.${k} must be a time in ms or null`);
  if (!isCount(raw.waitingMessages)) throw new Error(`${at}.waitingMessages must be a whole number ≥ 0`);
  if (!isTime(raw.lastMessageAt)) throw new Error(`${at}.lastMessageAt must be a time in ms`);
  if (raw.buyerNick !== undefined && typeof raw.buyerNick !== 'string') throw new Error(`${at}.buyerNick must be text`);
  return {
    key: raw.key,
    platform: raw.platform as Platform,
    account: raw.account,
    buyer: raw.buyer,
    ...(typeof raw.buyerNick === 'string' && { buyerNick: raw.buyerNick.slice(0, 100) }),
    metric: raw.metric,
    status: raw.status as ExportedClock['status'],
    startedAt: raw.startedAt as number | null,
    dueAt: raw.dueAt as number | null,
    waitingMessages: raw.waitingMessages,
    lastMessageAt: raw.lastMessageAt,
  };
}

/**
 * Accepts an export file (already JSON-parsed) or says exactly what is wrong with it. Strict: a single bad
 * row rejects the whole file (nothing is imported then), as do duplicate rollup ids.
 */
export function parseExport(raw: unknown): Result<ExportBundle> {
  try {
    if (!isObj(raw)) return { ok: false, error: 'the file must hold a JSON object' };
    if (raw.format !== EXPORT_FORMAT)
      return { ok: false, error: `not a Reply Sentinel export (format must be "${EXPORT_FORMAT}")` };
    if (raw.version !== EXPORT_VERSION)
      return {
        ok: false,
        error: `unsupported export version ${String(raw.version)} (this version reads ${EXPORT_VERSION})`,
      };
    const src = raw.source;
    if (!isObj(src) || typeof src.id !== 'string' || !AGENT_ID.test(src.id))
      return { ok: false, error: 'source.id must be an installation id (8–64 letters, digits, dashes)' };
    if (typeof src.label !== 'string' || src.label.length > IMPORT_LIMITS.labelLength)
      return { ok: false, error: `source.label must be text of at most ${IMPORT_LIMITS.labelLength} characters` };
    if (!isTime(raw.exportedAt)) return { ok: false, error: 'exportedAt must be a time in ms' };
    if (!Array.isArray(raw.rollups)) return { ok: false, error: 'rollups must be a list' };
    if (raw.rollups.length > IMPORT_LIMITS.rollups)
      return { ok: false, error: `at most ${IMPORT_LIMITS.rollups} rollups a file` };
    const clocksRaw = raw.clocks ?? [];
    if (!Array.isArray(clocksRaw)) return { ok: false, error: 'clocks must be a list' };
    if (clocksRaw.length > IMPORT_LIMITS.clocks)
      return { ok: false, error: `at most ${IMPORT_LIMITS.clocks} clocks a file` };
    const rollups = raw.rollups.map(parseRollup);
    const seen = new Set<string>();
    for (const [i, r] of rollups.entries()) {
      if (seen.has(r.id)) return { ok: false, error: `rollups[${i}]: the id ${r.id} appears twice` };
      seen.add(r.id);
    }
    const clocks = clocksRaw.map(parseClock);
    return {
      ok: true,
      value: {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        source: { id: src.id, label: src.label },
        exportedAt: raw.exportedAt,
        rollups,
        clocks,
      },
    };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export interface ImportPlan {
  /** Rows to write (new ones and replacements). */
  put: TeamRollupRow[];
  added: number;
  replaced: number;
  /** Stored rows newer than the file's, left as they are. */
  kept: number;
}

/**
 * What importing `bundle` changes, given the rows already stored for its source: new ids are added, a stored
 * id is replaced unless the stored copy is newer (higher `updatedAt`).
 */
export function planImport(
  bundle: ExportBundle,
  stored: readonly (TeamRollupRow | undefined)[],
  importedAt: number,
): ImportPlan {
  if (stored.length !== bundle.rollups.length) throw new Error('planImport: one stored slot per incoming row');
  const plan: ImportPlan = { put: [], added: 0, replaced: 0, kept: 0 };
  bundle.rollups.forEach((r, i) => {
    const old = stored[i];
    if (old && old.updatedAt > r.updatedAt) {
      plan.kept += 1;
      return;
    }
    if (old) plan.replaced += 1;
    else plan.added += 1;
    plan.put.push({
      ...r,
      source: bundle.source.id,
      sourceLabel: bundle.source.label,
      exportedAt: bundle.exportedAt,
      importedAt,
    });
  });
  return plan;
}

/** A rollup in the team view, with where it came from. */
export interface SourcedRollup extends RollupRow {
  source: string;
  sourceLabel: string;
}

const decided = (r: RollupRow) => r.pass + r.fail;
const units = (r: RollupRow) => r.pass + r.fail + r.pending + r.unknown + r.notAssessed;

/**
 * The team view (rule 3 above): our rows plus the imported ones, one row per rollup id.
 * `ownSource` is this installation's id (or any label when it has none yet).
 */
export function teamView(
  own: readonly RollupRow[],
  ownSource: string,
  ownLabel: string,
  imported: readonly TeamRollupRow[],
): SourcedRollup[] {
  const best = new Map<string, SourcedRollup>();
  const better = (a: SourcedRollup, b: SourcedRollup): boolean => {
    if (decided(a) !== decided(b)) return decided(a) > decided(b);
    if (units(a) !== units(b)) return units(a) > units(b);
    if ((a.source === ownSource) !== (b.source === ownSource)) return a.source === ownSource;
    if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt;
    return a.source < b.source;
  };
  const consider = (r: SourcedRollup) => {
    const cur = best.get(r.id);
    if (!cur || better(r, cur)) best.set(r.id, r);
  };
  for (const r of own) consider({ ...r, source: ownSource, sourceLabel: ownLabel });
  for (const r of imported) {
    if (r.source === ownSource) continue; // never our own rows twice
    const { exportedAt: _e, importedAt: _i, ...row } = r;
    consider(row);
  }
  return [...best.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The imported sources, for the page's list (label, rows, when). */
export function teamSources(
  imported: readonly TeamRollupRow[],
): { source: string; label: string; rows: number; exportedAt: number; importedAt: number }[] {
  const by = new Map<string, { source: string; label: string; rows: number; exportedAt: number; importedAt: number }>();
  for (const r of imported) {
    const s = by.get(r.source);
    if (!s)
      by.set(r.source, {
        source: r.source,
        label: r.sourceLabel,
        rows: 1,
        exportedAt: r.exportedAt,
        importedAt: r.importedAt,
      });
    else {
      s.rows += 1;
      if (r.importedAt > s.importedAt) {
        s.importedAt = r.importedAt;
        s.label = r.sourceLabel;
      }
      s.exportedAt = Math.max(s.exportedAt, r.exportedAt);
    }
  }
  return [...by.values()].sort((a, b) => b.importedAt - a.importedAt || (a.source < b.source ? -1 : 1));
}
