/**
 * Compliance figures for the UI, from daily rollups only (never a scan of events): today's live estimate and
 * the figure over the period each platform itself publishes (PDD the previous day, Taobao 30 days, 1688 7/30…).
 * Pure: `today` is an input.
 */
import type { RollupRow } from './model';
import { chinaDay, chinaDayStart } from './engine/time';
import type { Platform } from './model';
import type { MetricRule, RuleSet } from './rules/types';

export interface Figure {
  pass: number;
  fail: number;
  pending: number;
  unknown: number;
  notAssessed: number;
  /** pass ÷ (pass + fail); null when nothing is decided. */
  rate: number | null;
  /** Mean capped seconds (cappedAverage metrics). */
  average: number | null;
}

export type FigureState = 'ok' | 'warn' | 'notAssessed' | 'empty';

export interface MetricView {
  rule: MetricRule;
  today: Figure;
  todayState: FigureState;
  /** One entry per period the platform uses (e.g. 7 and 30 days); days = 1 means the previous day. */
  periods: { days: number; from: string; to: string; figure: Figure; state: FigureState }[];
}

export interface PlatformView {
  platform: Platform;
  metrics: MetricView[];
  /** Any data at all in the periods shown (platforms never used are hidden by the UI). */
  active: boolean;
}

export function emptyFigure(): Figure {
  return { pass: 0, fail: 0, pending: 0, unknown: 0, notAssessed: 0, rate: null, average: null };
}

/** Sums rollup rows into one figure (rate and capped average over the sums). */
export function sum(rows: readonly RollupRow[]): Figure {
  const f = emptyFigure();
  let cappedSum = 0;
  let cappedCount = 0;
  for (const r of rows) {
    f.pass += r.pass;
    f.fail += r.fail;
    f.pending += r.pending;
    f.unknown += r.unknown;
    f.notAssessed += r.notAssessed;
    cappedSum += r.cappedSum;
    cappedCount += r.cappedCount;
  }
  const decided = f.pass + f.fail;
  f.rate = decided ? f.pass / decided : null;
  f.average = cappedCount ? cappedSum / cappedCount : null;
  return f;
}

function state(rule: MetricRule, f: Figure, volumeGate: boolean): FigureState {
  const decided = f.pass + f.fail;
  if (!decided) return f.notAssessed || f.pending || f.unknown ? 'notAssessed' : 'empty';
  if (volumeGate && rule.minVolume !== undefined && decided < rule.minVolume) return 'notAssessed';
  if (rule.formula === 'rate' && rule.warnBelow !== undefined && f.rate !== null && f.rate < rule.warnBelow)
    return 'warn';
  if (rule.formula === 'cappedAverage' && f.average !== null && f.average > rule.thresholdSec) return 'warn';
  return 'ok';
}

function isEmpty(f: Figure): boolean {
  return f.pass + f.fail + f.pending + f.unknown + f.notAssessed === 0;
}

export function addDays(day: string, n: number): string {
  return chinaDay(chinaDayStart(day) + n * 86_400_000 + 12 * 3600_000);
}

/**
 * The rollups the compliance views need, as primary-key ranges (rollup ids are `metric|day|platform|account`): per
 * metric, from the start of its longest period through `today`. A key range reads rows stored side by side, where
 * an index on the day would fetch each row apart.
 */
export function rollupKeyRanges(rules: RuleSet, today: string): [lower: string, upper: string][] {
  const out: [string, string][] = [];
  for (const p of Object.values(rules.platforms))
    for (const m of p.metrics)
      out.push([`${m.key}|${addDays(today, -Math.max(1, ...m.periodDays))}|`, `${m.key}|${today}|\uffff`]);
  return out;
}

/**
 * Builds every platform's figures. `rows` are rollups of any accounts and days (extra ones are ignored);
 * `account` narrows to one account when given.
 */
export function complianceView(
  rules: RuleSet,
  rows: readonly RollupRow[],
  today: string,
  account?: string,
): PlatformView[] {
  const byMetric = new Map<string, RollupRow[]>();
  for (const r of rows) {
    if (account !== undefined && r.account !== account) continue;
    const list = byMetric.get(r.metric);
    if (list) list.push(r);
    else byMetric.set(r.metric, [r]);
  }
  return Object.values(rules.platforms).map((p) => {
    let active = false;
    const metrics: MetricView[] = [];
    for (const rule of p.metrics) {
      const mine = byMetric.get(rule.key) ?? [];
      const todayFig = sum(mine.filter((r) => r.day === today));
      const periods = rule.periodDays.map((days) => {
        // The platform's period ends yesterday (published T-1); days = 1 is the previous day alone.
        const to = addDays(today, -1);
        const from = addDays(today, -days);
        const figure = sum(mine.filter((r) => r.day >= from && r.day <= to));
        return { days, from, to, figure, state: state(rule, figure, true) };
      });
      // A retired metric (computed no more) shows only where its stored history has rows in what is shown.
      if (rule.retired !== undefined && [todayFig, ...periods.map((x) => x.figure)].every(isEmpty)) continue;
      if (mine.length) active = true;
      metrics.push({ rule, today: todayFig, todayState: state(rule, todayFig, false), periods });
    }
    return { platform: p.platform, metrics, active };
  });
}
