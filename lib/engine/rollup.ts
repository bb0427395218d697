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
    if ((u.result === 'pass' || u.result === 'fail') && u.cappedSec !== null) {
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
