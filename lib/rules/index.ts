import { AUTHORS, type Author, type Platform } from '../model';
import { DEFAULT_RULES, allMetrics } from './defaults';
import type { MetricOverride, MetricRule, PlatformRules, RuleOverrides, RuleSet } from './types';

export * from './types';
export { DEFAULT_RULES, RULES_VERSION, allMetrics } from './defaults';

export function findMetric(rules: RuleSet, key: string): MetricRule | undefined {
  return allMetrics(rules).find((m) => m.key === key);
}

export function primaryMetric(rules: RuleSet, platform: Platform): MetricRule {
  const p = rules.platforms[platform];
  const m = p.metrics.find((x) => x.key === p.primary);
  if (!m) throw new Error(`rules: platform ${platform} has no primary metric ${p.primary}`);
  return m;
}

const isMinute = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 1440;

/** Checks one override; returns human-readable problems (empty when fine). */
export function validateOverride(metric: MetricRule, o: MetricOverride): string[] {
  const errs: string[] = [];
  const where = metric.key;
  if (
    o.thresholdSec !== undefined &&
    !(Number.isFinite(o.thresholdSec) && o.thresholdSec >= 1 && o.thresholdSec <= 3600)
  ) {
    errs.push(`${where}: thresholdSec must be 1–3600 seconds`);
  }
  if (o.window !== undefined) {
    if (!isMinute(o.window.startMin) || !isMinute(o.window.endMin) || o.window.startMin === o.window.endMin) {
      errs.push(`${where}: window must be two different times of day (minutes 0–1440)`);
    }
  }
  if (o.validReply !== undefined) {
    const bad = o.validReply.filter(
      (a) => !(AUTHORS as readonly string[]).includes(a) || a === 'buyer' || a === 'system' || a === 'internal',
    );
    if (bad.length || o.validReply.length === 0)
      errs.push(`${where}: validReply must be a non-empty set of outgoing authors`);
  }
  if (o.warnBelow !== undefined && !(o.warnBelow >= 0 && o.warnBelow <= 1))
    errs.push(`${where}: warnBelow must be between 0 and 1`);
  const threshold = o.thresholdSec ?? metric.thresholdSec;
  const gap = o.sessionGapSec ?? metric.sessionGapSec;
  if (o.sessionGapSec !== undefined && metric.unit !== 'session')
    errs.push(`${where}: sessionGapSec applies to session metrics only`);
  if (gap !== undefined && !(gap >= threshold)) errs.push(`${where}: sessionGapSec must be at least the threshold`);
  return errs;
}

/**
 * The effective rules: shipped defaults with the user's overrides applied.
 * Unknown metric keys and invalid values are rejected with a clear message; the defaults stay in force for them.
 */
export function applyOverrides(base: RuleSet, overrides: RuleOverrides): { rules: RuleSet; errors: string[] } {
  const errors: string[] = [];
  const known = new Set(allMetrics(base).map((m) => m.key));
  for (const key of Object.keys(overrides)) if (!known.has(key)) errors.push(`${key}: no such metric`);
  const platforms = {} as Record<Platform, PlatformRules>;
  for (const [platform, p] of Object.entries(base.platforms) as [Platform, PlatformRules][]) {
    platforms[platform] = {
      ...p,
      metrics: p.metrics.map((m) => {
        const o = overrides[m.key];
        if (!o) return m;
        const errs = validateOverride(m, o);
        if (errs.length) {
          errors.push(...errs);
          return m;
        }
        return {
          ...m,
          ...(o.thresholdSec !== undefined && { thresholdSec: o.thresholdSec }),
          ...(o.window !== undefined && { window: { ...o.window } }),
          ...(o.validReply !== undefined && { validReply: [...o.validReply] as Author[] }),
          ...(o.warnBelow !== undefined && { warnBelow: o.warnBelow }),
          ...(o.sessionGapSec !== undefined && { sessionGapSec: o.sessionGapSec }),
        };
      }),
    };
  }
  const changed = Object.keys(overrides).some((k) => known.has(k));
  return { rules: { version: changed ? `${base.version}+user` : base.version, platforms }, errors };
}

export function effectiveRules(overrides: RuleOverrides | undefined): RuleSet {
  return overrides ? applyOverrides(DEFAULT_RULES, overrides).rules : DEFAULT_RULES;
}
