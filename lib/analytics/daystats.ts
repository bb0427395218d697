/**
 * Per-day aggregates of the units (`dayStats` table, schema v8; `waits` packed since v9): what the analytics page
 * reads instead of the raw units. One row per (metric, day, platform, account), the same key as the rollups:
 *
 * - `n`: units of that day (any result): whether the day was observed at all;
 * - `waits`: the first-response times of the decided units (pass/fail), `responseSec`, Infinity for never answered,
 *   sorted ascending — exact values, so medians and p90s over any set of days equal those of the raw units. Stored
 *   packed (`packWaits`, schema v9): whole milliseconds as varint deltas, about 1–2 bytes a value instead of 8
 *   (reading a row from IndexedDB costs about its size: issue 21); `waitsOf` gives them back as numbers;
 * - `vol` / `fail`: per hour of the week (`weekday * 24 + hour`, China time, of the unit's clock start), the units and
 *   the failed units: the heatmaps and the staffing rates.
 *
 * Maintained by the background with the rollups, by deltas in the same transaction as the units they summarise
 * (`dayStatsDelta` + `applyDayStatsDelta`); `buildDayStats` rebuilds them from units (the schema upgrade, repair of a
 * malformed row, and the reference the incremental path is tested against). Pure: no Dexie.
 */
import type { UnitRow } from '../model';
import { isDecided, rollupId } from '../engine/rollup';
import type { Platform } from '../model';
import { chinaHour, chinaWeekday } from './scope';

export interface DayStatRow {
  /** `${metric}|${day}|${platform}|${account}` (the rollup id). */
  id: string;
  metric: string;
  day: string;
  platform: Platform;
  account: string;
  n: number;
  /** The sorted first-response times, packed (`packWaits`; read them with `waitsOf`). */
  waits: Uint8Array;
  /** Hour-of-week slot → units (absent: 0). */
  vol: Record<number, number>;
  /** Hour-of-week slot → failed units (absent: 0). */
  fail: Record<number, number>;
}

type Unit = Pick<UnitRow, 'metric' | 'day' | 'platform' | 'account' | 'result' | 'responseSec' | 'startAt'>;

/** A per-day aggregate's id: the same key as its rollup's (`rollupId`). */
export const dayStatId: (u: Pick<UnitRow, 'metric' | 'day' | 'platform' | 'account'>) => string = rollupId;

/** Hour of the week of an instant (China time): Monday 00:00 = 0 … Sunday 23:00 = 167. */
export function weekSlot(ms: number): number {
  return chinaWeekday(ms) * 24 + chinaHour(ms);
}

/** The value a decided unit adds to `waits`. */
const waitOf = (u: Pick<UnitRow, 'responseSec'>): number => u.responseSec ?? Infinity;

/** A change to some rows: units added (sign 1) and removed (sign −1). */
export interface DayStatDelta {
  id: string;
  metric: string;
  day: string;
  platform: Platform;
  account: string;
  n: number;
  add: number[];
  remove: number[];
  vol: Map<number, number>;
  fail: Map<number, number>;
}

/** Adds units (sign 1) or takes them away (sign −1) into per-row deltas. */
export function tallyDayStats(into: Map<string, DayStatDelta>, units: readonly Unit[], sign: 1 | -1): void {
  for (const u of units) {
    const id = dayStatId(u);
    let d = into.get(id);
    if (!d) {
      d = {
        id,
        metric: u.metric,
        day: u.day,
        platform: u.platform,
        account: u.account,
        n: 0,
        add: [],
        remove: [],
        vol: new Map(),
        fail: new Map(),
      };
      into.set(id, d);
    }
    d.n += sign;
    const slot = weekSlot(u.startAt);
    d.vol.set(slot, (d.vol.get(slot) ?? 0) + sign);
    if (u.result === 'fail') d.fail.set(slot, (d.fail.get(slot) ?? 0) + sign);
    if (isDecided(u.result)) (sign > 0 ? d.add : d.remove).push(waitOf(u));
  }
}

const RESULTS = new Set(['pass', 'fail', 'pending', 'unknown', 'notAssessed']);

/**
 * Can this stored unit be counted? (The engine's units always can; a damaged row is left out of the aggregates
 * rather than stopping an upgrade or a rebuild.)
 */
export function isAggregatable(u: unknown): u is Unit {
  if (typeof u !== 'object' || u === null) return false;
  const x = u as Partial<Unit>;
  return (
    typeof x.metric === 'string' &&
    typeof x.day === 'string' &&
    typeof x.platform === 'string' &&
    typeof x.account === 'string' &&
    typeof x.result === 'string' &&
    RESULTS.has(x.result) &&
    typeof x.startAt === 'number' &&
    Number.isFinite(x.startAt) &&
    (x.responseSec === null || x.responseSec === undefined || (typeof x.responseSec === 'number' && x.responseSec >= 0))
  );
}

/** The deltas that move the aggregates from a conversation's old units to its new ones. */
export function dayStatsDelta(old: readonly Unit[], next: readonly Unit[]): Map<string, DayStatDelta> {
  const delta = new Map<string, DayStatDelta>();
  tallyDayStats(delta, old, -1);
  tallyDayStats(delta, next, 1);
  return delta;
}

const byValue = (a: number, b: number) => a - b;

function emptyRow(d: Pick<DayStatRow, 'id' | 'metric' | 'day' | 'platform' | 'account'>): DayStatRow {
  return {
    id: d.id,
    metric: d.metric,
    day: d.day,
    platform: d.platform,
    account: d.account,
    n: 0,
    waits: packWaits([]),
    vol: {},
    fail: {},
  };
}

/** Is this stored value a well-formed row (as far as can be told without the units)? */
export function isDayStatRow(x: unknown): x is DayStatRow {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Partial<DayStatRow>;
  if (typeof r.id !== 'string' || typeof r.metric !== 'string' || typeof r.day !== 'string') return false;
  if (typeof r.platform !== 'string' || typeof r.account !== 'string') return false;
  if (r.id !== dayStatId(r as DayStatRow)) return false;
  if (!Number.isInteger(r.n) || r.n! < 1) return false;
  if (!waitsOf(r as DayStatRow)) return false;
  let total = 0;
  for (const m of [r.vol, r.fail]) {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
    for (const [k, v] of Object.entries(m)) {
      const slot = Number(k);
      if (!Number.isInteger(slot) || slot < 0 || slot > 167 || !Number.isInteger(v) || v < 1) return false;
      if (m === r.vol) total += v;
    }
  }
  return total === r.n;
}

/**
 * A stored row with a delta applied; `null` when the row should go (no units left); `'rebuild'` when the row and
 * the delta disagree (a malformed or stale row: a wait to remove that is not there, a count below zero), so the
 * caller rebuilds it from the units.
 */
export function applyDayStatDelta(row: DayStatRow | undefined, d: DayStatDelta): DayStatRow | null | 'rebuild' {
  if (row !== undefined && !isDayStatRow(row)) return 'rebuild';
  const base = row ?? emptyRow(d);
  const n = base.n + d.n;
  if (n < 0) return 'rebuild';
  const slots = (stored: Record<number, number>, change: Map<number, number>): Record<number, number> | null => {
    const out: Record<number, number> = { ...stored };
    for (const [slot, by] of change) {
      const v = (out[slot] ?? 0) + by;
      if (v < 0) return null;
      if (v === 0) delete out[slot];
      else out[slot] = v;
    }
    return out;
  };
  const vol = slots(base.vol, d.vol);
  const fail = slots(base.fail, d.fail);
  if (!vol || !fail) return 'rebuild';
  const stored = waitsOf(base);
  const merged = stored && mergeWaits(stored, d.add, d.remove);
  if (!merged) return 'rebuild';
  const waits = merged === stored ? base.waits : packWaits(merged);
  if (n === 0) return merged.length || Object.keys(vol).length || Object.keys(fail).length ? 'rebuild' : null;
  return {
    id: base.id,
    metric: base.metric,
    day: base.day,
    platform: base.platform,
    account: base.account,
    n,
    waits,
    vol,
    fail,
  };
}

/** `sorted` minus `remove` (as a multiset) plus `add`, sorted; null when a value to remove is not there. */
function mergeWaits(sorted: Float64Array, add: number[], remove: number[]): Float64Array | null {
  if (!add.length && !remove.length) return sorted;
  add.sort(byValue);
  remove.sort(byValue);
  const length = sorted.length + add.length - remove.length;
  if (length < 0) return null;
  const out = new Float64Array(length);
  let i = 0;
  let a = 0;
  let r = 0;
  let o = 0;
  while (i < sorted.length || a < add.length) {
    const v = sorted[i];
    if (v !== undefined && r < remove.length && remove[r]! <= v) {
      if (remove[r] !== v) return null; // a value to remove that is not stored
      r++;
      i++;
      continue;
    }
    if (a < add.length && (v === undefined || add[a]! <= v)) out[o++] = add[a++]!;
    else out[o++] = sorted[i++]!;
  }
  return r === remove.length && o === out.length ? out : null;
}

/**
 * Packed `waits` (format 0): a 0 byte, the count of Infinity values (never answered), then the finite values in whole
 * milliseconds, the first as is and each next one as its difference from the one before, as unsigned LEB128
 * varints. Used when every finite value is exactly `ms / 1000` for a whole `ms` (what `responseSec` is: a
 * difference of millisecond timestamps over 1000), so unpacking gives back the very same numbers. Otherwise
 * (format 1): a 1 byte, then the values as little-endian float64s, exact whatever they are.
 */
export function packWaits(sorted: ArrayLike<number>): Uint8Array {
  let finite = sorted.length;
  while (finite > 0 && sorted[finite - 1] === Infinity) finite--;
  const bytes: number[] = [0];
  varint(bytes, sorted.length - finite);
  let prev = 0;
  for (let i = 0; i < finite; i++) {
    const v = sorted[i]!;
    const ms = Math.round(v * 1000);
    if (!(ms >= prev) || ms / 1000 !== v || Object.is(v, -0) || !Number.isSafeInteger(ms)) return packFloats(sorted);
    varint(bytes, ms - prev);
    prev = ms;
  }
  return Uint8Array.from(bytes);
}

function packFloats(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(1 + values.length * 8);
  out[0] = 1;
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(1 + i * 8, values[i]!, true);
  return out;
}

function varint(into: number[], v: number): void {
  while (v >= 128) {
    into.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  into.push(v);
}

/**
 * `packWaits` undone; null when the bytes are not packed waits (or not sorted, or negative), or hold more than
 * `most` values (a damaged count is refused before anything is allocated for it).
 */
export function unpackWaits(bytes: Uint8Array, most = 2 ** 24): Float64Array | null {
  if (bytes[0] === 1) {
    if ((bytes.length - 1) % 8 || (bytes.length - 1) / 8 > most) return null;
    const out = new Float64Array((bytes.length - 1) / 8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) {
      const v = view.getFloat64(1 + i * 8, true);
      if (!(v >= 0) || (i > 0 && v < out[i - 1]!)) return null;
      out[i] = v;
    }
    return out;
  }
  if (bytes[0] !== 0 || bytes.length < 2 || bytes[bytes.length - 1]! >= 128) return null;
  // Straight into the array (a day's rows hold 10⁵ values): one value ends at each byte below 128.
  let ends = 0;
  for (let i = 1; i < bytes.length; i++) if (bytes[i]! < 128) ends++;
  let i = 1;
  const next = (): number => {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[i++]!;
      if (b < 128) return v + b * scale;
      v += (b - 128) * scale;
      scale *= 128;
    }
  };
  const never = next();
  const finite = ends - 1;
  if (finite + never > most) return null;
  const out = new Float64Array(finite + never);
  let ms = 0;
  for (let k = 0; k < finite; k++) {
    ms += next();
    out[k] = ms / 1000;
  }
  if (!Number.isSafeInteger(ms)) return null;
  out.fill(Infinity, finite);
  return out;
}

const unpacked = new WeakMap<Uint8Array, Float64Array | null>();

/**
 * A row's first-response times, sorted (its packed `waits` unpacked, once per stored array); null when they are
 * not packed waits (a malformed row).
 */
export function waitsOf(row: Pick<DayStatRow, 'waits' | 'n'>): Float64Array | null {
  const bytes = row.waits as unknown;
  // By tag, not instanceof: a row read back through another realm's structured clone (a test's jsdom) is one too.
  if (Object.prototype.toString.call(bytes) !== '[object Uint8Array]') return null;
  let out = unpacked.get(bytes as Uint8Array);
  if (out === undefined) unpacked.set(bytes as Uint8Array, (out = unpackWaits(bytes as Uint8Array)));
  // No more values than units (`n`, which every caller's row has; a damaged one is no row).
  return out && Number.isInteger(row.n) && out.length <= row.n ? out : null;
}

/** Every row the units give (the reference; also how a row is rebuilt). */
export function buildDayStats(units: Iterable<Unit>): DayStatRow[] {
  const delta = new Map<string, DayStatDelta>();
  for (const u of units) if (isAggregatable(u)) tallyDayStats(delta, [u], 1);
  return buildDayStatRows(delta.values());
}

/** The rows of deltas that only add units (what `tallyDayStats` gives from nothing). */
export function buildDayStatRows(deltas: Iterable<DayStatDelta>): DayStatRow[] {
  const out: DayStatRow[] = [];
  for (const d of deltas) {
    const r = applyDayStatDelta(undefined, d);
    if (r && r !== 'rebuild') out.push(r);
  }
  return out;
}

/**
 * The k-th smallest value (0-based) of the union of sorted arrays (a multiset), without merging them: windows of
 * each array that must hold it are narrowed around the median of the widest one; once a single window is left,
 * the value is read from it.
 */
export function kthOfSorted(arrays: readonly ArrayLike<number>[], k: number): number {
  const m = arrays.length;
  const lo = new Array<number>(m).fill(0);
  const hi = arrays.map((a) => a.length);
  const lt = new Array<number>(m).fill(0);
  const le = new Array<number>(m).fill(0);
  let rank = k;
  for (;;) {
    let widest = -1;
    let open = 0;
    for (let j = 0; j < m; j++) {
      const w = hi[j]! - lo[j]!;
      if (w <= 0) continue;
      open++;
      if (widest < 0 || w > hi[widest]! - lo[widest]!) widest = j;
    }
    if (widest < 0) throw new RangeError(`rank ${k} beyond the values`);
    if (open === 1) {
      if (rank >= hi[widest]! - lo[widest]!) throw new RangeError(`rank ${k} beyond the values`);
      return arrays[widest]![lo[widest]! + rank]!;
    }
    const pivot = arrays[widest]![(lo[widest]! + hi[widest]!) >> 1]!;
    let less = 0;
    let lessEq = 0;
    for (let j = 0; j < m; j++) {
      if (hi[j]! <= lo[j]!) continue;
      const a = arrays[j]!;
      const l = bound(a, pivot, lo[j]!, hi[j]!, false);
      const u = bound(a, pivot, l, hi[j]!, true);
      lt[j] = l;
      le[j] = u;
      less += l - lo[j]!;
      lessEq += u - lo[j]!;
    }
    if (rank < less) {
      for (let j = 0; j < m; j++) if (hi[j]! > lo[j]!) hi[j] = lt[j]!;
    } else if (rank < lessEq) return pivot;
    else {
      rank -= lessEq;
      for (let j = 0; j < m; j++) if (hi[j]! > lo[j]!) lo[j] = le[j]!;
    }
  }
}

/** First index in [lo, hi) whose value is ≥ v (or > v when `after`). */
function bound(a: ArrayLike<number>, v: number, lo: number, hi: number, after: boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after ? a[mid]! <= v : a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The smallest value of the union that comes after the k-th (0-based) when the k-th is `v`: `v` again if more
 * than k + 1 values are ≤ v, else the least value above it (binary searches, no second selection).
 */
function nextOfSorted(arrays: readonly ArrayLike<number>[], k: number, v: number): number {
  let upTo = 0;
  let next = Infinity;
  for (const a of arrays) {
    const u = bound(a, v, 0, a.length, true);
    upTo += u;
    if (u < a.length && a[u]! < next) next = a[u]!;
  }
  return upTo > k + 1 ? v : next;
}

/**
 * `quantile` (lib/analytics/trends.ts, "type 7") of the union of sorted arrays: the same arithmetic on the same two
 * neighbours, so the same number as sorting all the values.
 */
export function quantileOfSorted(arrays: readonly ArrayLike<number>[], p: number): number | null {
  const n = arrays.reduce((s, a) => s + a.length, 0);
  return quantileOfRanks(
    n,
    p,
    (k) => kthOfSorted(arrays, k),
    (k, v) => nextOfSorted(arrays, k, v),
  );
}

/**
 * `quantile`'s arithmetic ("type 7") over `n` values given by rank: `kth(k)` the k-th smallest (0-based), `next(k, v)`
 * the (k+1)-th when the k-th is `v`. One body for every way the values are held, so the same two neighbours always
 * give the same number.
 */
function quantileOfRanks(
  n: number,
  p: number,
  kth: (k: number) => number,
  next: (k: number, v: number) => number,
): number | null {
  if (!(p >= 0 && p <= 1)) throw new Error(`quantile must be between 0 and 1: ${p}`);
  if (!n) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  const a = kth(lo);
  if (frac === 0 || a === Infinity) return a;
  const b = next(lo, a);
  if (b === Infinity) return Infinity;
  return a + frac * (b - a);
}

/**
 * A stretch of a sorted multiset's values by rank: `values` are its ranks `below` … `below + values.length − 1`;
 * `below` values come before them (each ≤ the first) and `above` after them (each ≥ the last).
 */
export interface RankWindow {
  below: number;
  values: ArrayLike<number>;
  above: number;
}

/**
 * `quantileOfSorted` of the union of a multiset held only as a window (`RankWindow`) and whole sorted arrays
 * (`others`), or `undefined` when the window does not hold every value of the union the quantile could need.
 * The k-th value of the union has between k − (others' count) and k values of the window's multiset before it, so
 * when those ranks are all inside the window, the k-th of the union is the (k − below)-th of the window's values and
 * the others together; the same for the (k+1)-th.
 */
export function quantileOfWindow(
  window: RankWindow,
  others: readonly ArrayLike<number>[],
  p: number,
): number | null | undefined {
  const inOthers = others.reduce((s, a) => s + a.length, 0);
  const n = window.below + window.values.length + window.above + inOthers;
  if (!n) return null;
  const lo = Math.floor((n - 1) * p);
  // The ranks of the window's multiset the lo-th and (lo+1)-th of the union may take: [lo − inOthers, lo + 1].
  if (window.below > 0 && window.below > lo - inOthers) return undefined;
  if (window.above > 0 && lo + 1 >= window.below + window.values.length) return undefined;
  const arrays = [window.values, ...others];
  const shift = window.below;
  return quantileOfRanks(
    n,
    p,
    (k) => kthOfSorted(arrays, k - shift),
    (k, v) => nextOfSorted(arrays, k - shift, v),
  );
}

/** How many of the sorted values are finite (answered). */
export function finiteCount(sorted: ArrayLike<number>): number {
  return bound(sorted, Infinity, 0, sorted.length, false);
}
