import type { RollupRow, UnitResult } from '../model';
import type { MetricRule } from '../rules/types';
import type { UnitOutcome } from './index';

/** One metric's figures over a set of units (a day, or a period made of days). */
export interface Rollup {
  metric: string;
  counts: Record<UnitResult, number>;
  /** Units that count toward the platform's formula (decided: pass + fail). */
  decided: number;
  /** pass ÷ decided, or null when nothing is decided. Pending and unknown units are left out and shown apart. */
  rate: number | null;
  /** For capped averages: sum and mean of the decided units' capped seconds. */
  cappedSum: number;
  cappedCount: number;
  average: number | null;
}

/**
 * The id of a (metric, day, platform, account) row: the rollups', the per-day aggregates' (`dayStats`) and the team
 * view's, one key for all of them.
 */
export function rollupId(u: { metric: string; day: string; platform: string; account: string }): string {
  return `${u.metric}|${u.day}|${u.platform}|${u.account}`;
}

/** Decided units (pass or fail) are the ones a platform's formula counts; pending and unknown are shown apart. */
export function isDecided(result: UnitResult): result is 'pass' | 'fail' {
  return result === 'pass' || result === 'fail';
}

/**
 * The one place that says which units count toward a capped average: decided ones that carry a capped value.
 * `tallyUnit` here (the one tally of counts and capped sums: `rollup` and the background's rollup rows) and the
 * analytics aggregates ask this.
 */
export function countsTowardAverage(
  u: Pick<UnitOutcome, 'result' | 'cappedSec'>,
): u is typeof u & { cappedSec: number } {
  return isDecided(u.result) && u.cappedSec !== null;
}

export function emptyCounts(): Record<UnitResult, number> {
  return { pass: 0, fail: 0, pending: 0, unknown: 0, notAssessed: 0 };
}

/** The counts and capped sums of some units: a `Rollup`'s and a stored rollup row's. */
export type Tally = Record<UnitResult, number> & { cappedSum: number; cappedCount: number };

/**
 * The one tally of pass/fail/… counts and the capped average's sum and count: adds (sign 1) or removes (sign −1) one
 * unit. Every figure of a rollup, in memory or stored, comes through here.
 */
export function tallyUnit(into: Tally, u: Pick<UnitOutcome, 'result' | 'cappedSec'>, sign: 1 | -1 = 1): void {
  into[u.result] += sign;
  if (countsTowardAverage(u)) {
    into.cappedSum += sign * u.cappedSec;
    into.cappedCount += sign;
  }
}

/**
 * Adds (sign 1) or removes (sign −1) units' counts into per-(metric, day, platform, account) rollup rows (new rows
 * are stamped `now`).
 */
export function tallyUnits(
  into: Map<string, RollupRow>,
  units: readonly UnitOutcome[],
  sign: 1 | -1,
  now: number,
): void {
  for (const u of units) {
    const id = rollupId(u);
    let d = into.get(id);
    if (!d) {
      d = {
        id,
        metric: u.metric,
        day: u.day,
        platform: u.platform,
        account: u.account,
        ...emptyCounts(),
        cappedSum: 0,
        cappedCount: 0,
        updatedAt: now,
      };
      into.set(id, d);
    }
    tallyUnit(d, u, sign);
  }
}

export function rollup(
  metric: MetricRule,
  units: readonly Pick<UnitOutcome, 'metric' | 'result' | 'cappedSec'>[],
): Rollup {
  const t: Tally = { ...emptyCounts(), cappedSum: 0, cappedCount: 0 };
  for (const u of units) if (u.metric === metric.key) tallyUnit(t, u);
  const { cappedSum, cappedCount, ...counts } = t;
  const decided = counts.pass + counts.fail;
  return {
    metric: metric.key,
    counts,
    decided,
    rate: decided ? counts.pass / decided : null,
    cappedSum,
    cappedCount,
    average: cappedCount ? cappedSum / cappedCount : null,
  };
}

/**
 * A rollup row's own fields and nothing else (whatever else an object carries stays behind): what leaves this
 * browser — a team export, a team-sync document — is built from these.
 */
export const rollupFields = (r: RollupRow): RollupRow => ({
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
