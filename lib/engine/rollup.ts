import type { UnitResult } from '../model';
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
 * `rollup` here, the background's rollup rows (`tallyUnits`) and the analytics aggregates all ask this.
 */
export function countsTowardAverage(
  u: Pick<UnitOutcome, 'result' | 'cappedSec'>,
): u is typeof u & { cappedSec: number } {
  return isDecided(u.result) && u.cappedSec !== null;
}

export function emptyCounts(): Record<UnitResult, number> {
  return { pass: 0, fail: 0, pending: 0, unknown: 0, notAssessed: 0 };
}

export function rollup(
  metric: MetricRule,
  units: readonly Pick<UnitOutcome, 'metric' | 'result' | 'cappedSec'>[],
): Rollup {
  const counts = emptyCounts();
  let cappedSum = 0;
  let cappedCount = 0;
  for (const u of units) {
    if (u.metric !== metric.key) continue;
    counts[u.result] += 1;
    if (countsTowardAverage(u)) {
      cappedSum += u.cappedSec;
      cappedCount += 1;
    }
  }
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
