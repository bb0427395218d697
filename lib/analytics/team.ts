/**
 * Export of this installation's clocks and daily rollups, and the team view: other agents' exports imported
 * and merged with ours, without counting anything twice. The step before a real team sync.
 *
 * The rules (documented in the page's help too):
 * 1. Every installation has an id (`meta.agentId`, random). An export carries it as `source.id`, and only the
 *    exporting installation's own rows (never rows it imported), so files cannot carry the same data twice
 *    along different paths.
 * 2. Imported rows are stored keyed by (source, rollup id). Importing the same source again replaces its rows
 *    (a row is kept when the stored copy is newer by `updatedAt`, or, with the same `updatedAt` and other counts,
 *    was exported later: the order files are imported in does not matter); it never adds them a second time.
 *    An installation cannot import its own export. Rows must be plausible (`parseRollup`), or the file is refused.
 * 3. Team totals: rows of *different* accounts add up (sub-accounts are different people). For one
 *    (metric, day, platform, account) — the rollup id — several sources may have a row: two agents logged into
 *    the same account watch the same conversations, so adding them would count those buyers twice. The team
 *    view takes ONE row per rollup id: the one with the most decided units (pass + fail), then the most units,
 *    then our own, then the most recently updated, then the smallest source id. Buyers only one of them saw
 *    are lost in that case: a real union needs unit-level sync (the next step).
 * An import reports, for each rollup id that came in more than one copy, which copy won and why (`TeamDecision`).
 */
import type { Key, Translate } from '../i18n';
import type { ClockRow, RollupRow, TeamRollupRow } from '../model';
import { rollupFields, rollupId } from '../engine/rollup';
import { chinaDay, chinaDayStart } from '../engine/time';
import { PLATFORMS, type Platform } from '../model';
import { DEFAULT_RULES, allMetrics } from '../rules';
import { isolate } from '../text';

export const EXPORT_FORMAT = 'reply-sentinel-export';
export const EXPORT_VERSION = 1;

/** Limits that keep a broken or hostile file from filling the database. */
export const IMPORT_LIMITS = { rollups: 200_000, clocks: 100_000, labelLength: 100, accountLength: 200 } as const;

/**
 * The most units one rollup row (one metric, account and day) can plausibly hold: each count, and their sum.
 * A busy account answers a few thousand buyers a day.
 */
export const MAX_ROW_UNITS = 100_000;

const DAY_MS = 86_400_000;

let longestCap: number | undefined;
/** The most one unit adds to `cappedSum`: the longest `capSec` of the shipped rules (3600 s if none had one). */
export function maxCappedSec(): number {
  longestCap ??= Math.max(0, ...allMetrics(DEFAULT_RULES).map((m) => m.capSec ?? 0)) || 3600;
  return longestCap;
}

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
    rollups: opts.rollups.map(rollupFields).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
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

/** The rollup id (`metric|day|platform|account`): the engine's `rollupId`, which the background uses too. */
export const rollupIdOf: (r: Pick<RollupRow, 'metric' | 'day' | 'platform' | 'account'>) => string = rollupId;

let knownMetrics: Map<string, Platform> | undefined;
/** Metric key → platform, of the shipped rules (built on first use: keeps this module free of import-time work). */
function metricPlatform(key: string): Platform | undefined {
  knownMetrics ??= new Map(allMetrics(DEFAULT_RULES).map((m) => [m.key, m.platform]));
  return knownMetrics.get(key);
}
const CLOCK_STATUSES = ['idle', 'answered', 'pending', 'breached', 'unknown', 'notAssessed'] as const;

/** A value for an error message (never a whole object, never a long text). */
const shown = (v: unknown): string => (typeof v === 'object' && v !== null ? typeof v : String(v).slice(0, 40));

/**
 * One rollup row of a file exported at `exportedAt`. Besides types, the values must be plausible: counts of one
 * account-day (≤ MAX_ROW_UNITS each and together), a capped time no longer than `cappedCount` units at the
 * longest cap, a day no later than the export and an `updatedAt` between the day before the row's day and the
 * export (a day of clock difference allowed each way). Errors name the row (index and id) and the field.
 */
function parseRollup(raw: unknown, i: number, exportedAt: number): RollupRow {
  const at = `rollups[${i}]`;
  if (!isObj(raw)) throw new Error(`${at} must be an object`);
  const platform = raw.platform;
  if (typeof platform !== 'string' || !(PLATFORMS as readonly string[]).includes(platform))
    throw new Error(`${at}.platform must be one of ${PLATFORMS.join(', ')}`);
  if (typeof raw.metric !== 'string' || metricPlatform(raw.metric) !== platform)
    throw new Error(`${at}.metric must be a known metric of ${platform}: ${String(raw.metric)}`);
  if (!isDay(raw.day)) throw new Error(`${at}.day must be a date YYYY-MM-DD`);
  if (!isAccount(raw.account)) throw new Error(`${at}.account must be a non-empty name`);
  const id = rollupIdOf({ metric: raw.metric, day: raw.day, platform: platform as Platform, account: raw.account });
  const which = `(row ${id})`;
  for (const k of ['pass', 'fail', 'pending', 'unknown', 'notAssessed', 'cappedCount'] as const)
    if (!isCount(raw[k]) || raw[k] > MAX_ROW_UNITS)
      throw new Error(`${at}.${k} must be a whole number 0–${MAX_ROW_UNITS} ${which}: ${shown(raw[k])}`);
  const pass = raw.pass as number;
  const fail = raw.fail as number;
  const total = pass + fail + (raw.pending as number) + (raw.unknown as number) + (raw.notAssessed as number);
  if (total > MAX_ROW_UNITS) throw new Error(`${at} ${which}: ${total} units in one row, at most ${MAX_ROW_UNITS}`);
  if ((raw.cappedCount as number) > pass + fail) throw new Error(`${at}.cappedCount cannot exceed pass + fail`);
  const maxSum = (raw.cappedCount as number) * maxCappedSec();
  if (
    typeof raw.cappedSum !== 'number' ||
    !Number.isFinite(raw.cappedSum) ||
    raw.cappedSum < 0 ||
    raw.cappedSum > maxSum * (1 + 1e-9) // the engine's float sums may round up a little
  )
    throw new Error(
      `${at}.cappedSum must be a number of seconds 0–${maxSum} s (cappedCount × ${maxCappedSec()} s) ${which}: ${shown(raw.cappedSum)}`,
    );
  if (!isTime(raw.updatedAt)) throw new Error(`${at}.updatedAt must be a time in ms ${which}`);
  const dayStart = chinaDayStart(raw.day);
  if (dayStart > exportedAt + DAY_MS) throw new Error(`${at}.day ${raw.day} is after the export ${which}`);
  if (raw.updatedAt < dayStart - DAY_MS)
    throw new Error(
      `${at}.updatedAt must not be before ${chinaDay(dayStart - DAY_MS)} (a day before the row's day) ${which}: ${raw.updatedAt}`,
    );
  if (raw.updatedAt > exportedAt + DAY_MS)
    throw new Error(`${at}.updatedAt must not be after the export (exportedAt + 1 day) ${which}: ${raw.updatedAt}`);
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
    const exportedAt = raw.exportedAt;
    const rollups = raw.rollups.map((r, i) => parseRollup(r, i, exportedAt));
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

/** Why one copy of a rollup row was preferred to another (the first rule that told them apart). */
export type DecisionWhy = 'newer' | 'laterExport' | 'moreDecided' | 'moreUnits' | 'counts' | 'own' | 'sourceId';

/** One side of a decision: whose copy of the row. */
export interface DecisionSide {
  source: string;
  /** The source's label (empty for this computer: the page names it). */
  label: string;
  /** `file`: the file being imported; `stored`: a copy imported before; `own`: this computer's own rollup. */
  copy: 'file' | 'stored' | 'own';
  updatedAt: number;
}

/**
 * A rollup id (one metric, account and day) that more than one copy gave, and which copy won:
 * - `reimport`: the same source again with different data; the stored copy is replaced or kept (see planImport);
 * - `team`: other sources (or this computer) have the same id; the team view counts `kept`'s row (see teamView).
 */
export interface TeamDecision {
  kind: 'reimport' | 'team';
  id: string;
  metric: string;
  day: string;
  platform: Platform;
  account: string;
  kept: DecisionSide;
  over: DecisionSide;
  why: DecisionWhy;
}

export interface ImportPlan {
  /** Rows to write (new ones and replacements). */
  put: TeamRollupRow[];
  added: number;
  replaced: number;
  /** Stored rows that won over the file's (newer, or exported later), left as they are. */
  kept: number;
  /** Every rollup id where one copy was preferred to another, in id order. */
  decisions: TeamDecision[];
}

/** What planImport needs to say whose row the team view counts: the other copies of the file's rollup ids. */
export interface ImportContext {
  /** This installation's id. */
  ownSource: string;
  /** This installation's own rollups (any ids; those of the file's ids are contenders). */
  own: readonly RollupRow[];
  /** Rows stored from other sources (any ids; rows of the file's source or of ours are ignored). */
  others: readonly TeamRollupRow[];
}

const decided = (r: RollupRow) => r.pass + r.fail;
const units = (r: RollupRow) => r.pass + r.fail + r.pending + r.unknown + r.notAssessed;
const countsOf = (r: RollupRow) => [r.pass, r.fail, r.pending, r.unknown, r.notAssessed, r.cappedCount, r.cappedSum];

/**
 * Two copies of one source's row (the file's and the stored one): the newer `updatedAt` wins, then the later
 * export, then the one with more decided units, more units, then larger counts in a fixed order; the same data
 * is the file's. So the result does not depend on the order files are imported in. `differs`: the counts differ
 * (what is reported).
 */
function sameSource(
  file: RollupRow & { exportedAt: number },
  stored: TeamRollupRow,
): { file: boolean; why: DecisionWhy; differs: boolean } {
  const a = countsOf(file);
  const b = countsOf(stored);
  const k = a.findIndex((x, i) => x !== b[i]);
  const differs = k >= 0;
  if (file.updatedAt !== stored.updatedAt) return { file: file.updatedAt > stored.updatedAt, why: 'newer', differs };
  if (!differs) return { file: true, why: 'newer', differs };
  if (file.exportedAt !== stored.exportedAt)
    return { file: file.exportedAt > stored.exportedAt, why: 'laterExport', differs };
  if (decided(file) !== decided(stored)) return { file: decided(file) > decided(stored), why: 'moreDecided', differs };
  if (units(file) !== units(stored)) return { file: units(file) > units(stored), why: 'moreUnits', differs };
  return { file: a[k]! > b[k]!, why: 'counts', differs };
}

/**
 * The team view's rule (rule 3 above) for two copies of one rollup id from different sources: does `a` count
 * rather than `b`, and why. Used by teamView and reported by planImport.
 */
function teamOrder(a: SourcedRollup, b: SourcedRollup, ownSource: string): { a: boolean; why: DecisionWhy } {
  if (decided(a) !== decided(b)) return { a: decided(a) > decided(b), why: 'moreDecided' };
  if (units(a) !== units(b)) return { a: units(a) > units(b), why: 'moreUnits' };
  if ((a.source === ownSource) !== (b.source === ownSource)) return { a: a.source === ownSource, why: 'own' };
  if (a.updatedAt !== b.updatedAt) return { a: a.updatedAt > b.updatedAt, why: 'newer' };
  return { a: a.source < b.source, why: 'sourceId' };
}

/**
 * What importing `bundle` changes, given the rows already stored for its source (one slot per file row): new
 * ids are added; a stored id is replaced unless the stored copy wins (`sameSource`: newer, or exported later).
 * With `ctx`, the plan also says, for every row it writes whose id other sources or this computer also have,
 * whose row the team view will count (the row is stored either way: the view picks, so removing a source later
 * brings the others back).
 */
export function planImport(
  bundle: ExportBundle,
  stored: readonly (TeamRollupRow | undefined)[],
  importedAt: number,
  ctx?: ImportContext,
): ImportPlan {
  if (stored.length !== bundle.rollups.length) throw new Error('planImport: one stored slot per incoming row');
  const plan: ImportPlan = { put: [], added: 0, replaced: 0, kept: 0, decisions: [] };
  const src = bundle.source;
  const label = src.label || src.id;
  const ids = new Set(bundle.rollups.map((r) => r.id));
  const rivals = new Map<string, { row: SourcedRollup; side: DecisionSide }[]>();
  const addRival = (row: SourcedRollup, side: DecisionSide) => {
    const list = rivals.get(row.id);
    if (list) list.push({ row, side });
    else rivals.set(row.id, [{ row, side }]);
  };
  if (ctx) {
    for (const r of ctx.own)
      if (ids.has(r.id))
        addRival(
          { ...r, source: ctx.ownSource, sourceLabel: '' },
          { source: ctx.ownSource, label: '', copy: 'own', updatedAt: r.updatedAt },
        );
    for (const r of ctx.others) {
      if (!ids.has(r.id) || r.source === src.id || r.source === ctx.ownSource) continue;
      const { exportedAt: _e, importedAt: _i, ...row } = r;
      addRival(row, { source: r.source, label: r.sourceLabel || r.source, copy: 'stored', updatedAt: r.updatedAt });
    }
  }

  bundle.rollups.forEach((r, i) => {
    const old = stored[i];
    const where = { id: r.id, metric: r.metric, day: r.day, platform: r.platform, account: r.account };
    const fileSide: DecisionSide = { source: src.id, label, copy: 'file', updatedAt: r.updatedAt };
    if (old) {
      const d = sameSource({ ...r, exportedAt: bundle.exportedAt }, old);
      const oldSide: DecisionSide = {
        source: src.id,
        label: old.sourceLabel || src.id,
        copy: 'stored',
        updatedAt: old.updatedAt,
      };
      if (d.differs)
        plan.decisions.push({
          kind: 'reimport',
          ...where,
          kept: d.file ? fileSide : oldSide,
          over: d.file ? oldSide : fileSide,
          why: d.why,
        });
      if (!d.file) {
        plan.kept += 1;
        return;
      }
      plan.replaced += 1;
    } else plan.added += 1;
    plan.put.push({ ...r, source: src.id, sourceLabel: src.label, exportedAt: bundle.exportedAt, importedAt });

    const others = rivals.get(r.id);
    if (!others || !ctx) return;
    const mine: SourcedRollup = { ...r, source: src.id, sourceLabel: src.label };
    let best: { row: SourcedRollup; side: DecisionSide } = { row: mine, side: fileSide };
    for (const o of others) if (teamOrder(o.row, best.row, ctx.ownSource).a) best = o;
    const team = (kept: typeof best, over: typeof best) =>
      plan.decisions.push({
        kind: 'team',
        ...where,
        kept: kept.side,
        over: over.side,
        why: teamOrder(kept.row, over.row, ctx.ownSource).why,
      });
    if (best.row === mine) for (const o of others) team(best, o);
    else team(best, { row: mine, side: fileSide });
  });
  plan.decisions.sort(
    (a, b) =>
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
      (a.kind === b.kind ? 0 : a.kind === 'reimport' ? -1 : 1) ||
      (a.over.copy === 'own' ? -1 : b.over.copy === 'own' ? 1 : 0) ||
      (a.over.source < b.over.source ? -1 : a.over.source > b.over.source ? 1 : 0),
  );
  return plan;
}

const WHY_KEY: Record<DecisionWhy, Key> = {
  newer: 'anaWhyNewer',
  laterExport: 'anaWhyLaterExport',
  moreDecided: 'anaWhyMoreDecided',
  moreUnits: 'anaWhyMoreUnits',
  counts: 'anaWhyCounts',
  own: 'anaWhyOwn',
  sourceId: 'anaWhySourceId',
};

/** A decision in words, for the page. Page and file text (account, labels) is isolated, its controls removed. */
export function decisionText(d: TeamDecision, t: Translate): string {
  const side = (s: DecisionSide) =>
    s.copy === 'own'
      ? t('anaSideOwn')
      : t(s.copy === 'file' ? 'anaSideFile' : 'anaSideStored', [isolate(s.label || s.source)]);
  const what = `${d.day} · ${t(`platform_${d.platform}`)} · ${isolate(d.account)} · ${d.metric}`;
  return t('anaDecision', [what, side(d.kept), side(d.over), t(WHY_KEY[d.why])]);
}

/** A rollup in the team view, with where it came from. */
export interface SourcedRollup extends RollupRow {
  source: string;
  sourceLabel: string;
}

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
  const consider = (r: SourcedRollup) => {
    const cur = best.get(r.id);
    if (!cur || teamOrder(r, cur, ownSource).a) best.set(r.id, r);
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
