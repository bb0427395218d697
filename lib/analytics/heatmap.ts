/**
 * Hour × weekday matrices (China local time, Monday first) of inquiry volume and of breaches, from the units
 * of each platform's primary metric: one unit is one inquiry as the platform counts it (a round on
 * Taobao/1688, a consumer-day on PDD/Kuaishou, a session on JD/Douyin/XHS), placed at its clock start.
 */
import type { UnitRow } from '../model';
import type { DayStatRow } from './daystats';
import type { RuleSet } from '../rules/types';
import { chinaHour, chinaWeekday, inScope, primaryMetrics, type Scope } from './scope';

export interface HourWeekMatrix {
  /** `cells[weekday][hour]`, weekday Monday = 0 … Sunday = 6, hour 0–23. */
  cells: number[][];
  total: number;
  max: number;
}

export function emptyMatrix(): HourWeekMatrix {
  return { cells: Array.from({ length: 7 }, () => new Array<number>(24).fill(0)), total: 0, max: 0 };
}

function add(m: HourWeekMatrix, ms: number, by = 1): void {
  const row = m.cells[chinaWeekday(ms)]!;
  const h = chinaHour(ms);
  row[h] = row[h]! + by;
  m.total += by;
  if (row[h]! > m.max) m.max = row[h]!;
}

/** Inquiries (every primary unit, whatever its result) and breaches (primary units that failed). */
export function hourWeekMatrices(
  rules: RuleSet,
  units: readonly UnitRow[],
  scope: Scope,
): { volume: HourWeekMatrix; breaches: HourWeekMatrix } {
  const primary = primaryMetrics(rules);
  const volume = emptyMatrix();
  const breaches = emptyMatrix();
  for (const u of units) {
    if (!primary.has(u.metric) || !inScope(u, scope)) continue;
    add(volume, u.startAt);
    if (u.result === 'fail') add(breaches, u.startAt);
  }
  return { volume, breaches };
}

/** `hourWeekMatrices` from the per-day aggregates (`dayStats`: units and failures per hour of the week). */
export function hourWeekFromStats(
  rules: RuleSet,
  stats: readonly DayStatRow[],
  scope: Scope,
): { volume: HourWeekMatrix; breaches: HourWeekMatrix } {
  const primary = primaryMetrics(rules);
  const volume = emptyMatrix();
  const breaches = emptyMatrix();
  const vol = new Array<number>(168).fill(0);
  const fail = new Array<number>(168).fill(0);
  for (const r of stats) {
    if (!primary.has(r.metric) || !inScope(r, scope)) continue;
    for (const [k, v] of Object.entries(r.vol)) vol[Number(k)]! += v;
    for (const [k, v] of Object.entries(r.fail)) fail[Number(k)]! += v;
  }
  const fill = (m: HourWeekMatrix, counts: number[]) => {
    counts.forEach((v, slot) => {
      if (!v) return;
      m.cells[Math.floor(slot / 24)]![slot % 24] = v;
      m.total += v;
      if (v > m.max) m.max = v;
    });
  };
  fill(volume, vol);
  fill(breaches, fail);
  return { volume, breaches };
}
