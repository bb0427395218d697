import type { Author, Platform } from '../model';
import { check, isPlainObject } from '../valid';
import { metricOverrideSchema, type MetricOverride } from './overrides';
import { DEFAULT_RULES, allMetrics } from './defaults';
import type { MetricRule, PlatformRules, RuleOverrides, RuleSet } from './types';

export * from './types';
export { REPLY_AUTHORS, applyRuleEdits, ruleOverridesSchema, type RuleEdits } from './overrides';
export { DEFAULT_RULES, RULES_VERSION, allMetrics, computedMetrics } from './defaults';
export { SMART_REPLY_PLATFORMS, smartRepliesCount, withSmartReplies, type SmartReplyPlatform } from './smart';

export function findMetric(rules: RuleSet, key: string): MetricRule | undefined {
  return allMetrics(rules).find((m) => m.key === key);
}

export function primaryMetric(rules: RuleSet, platform: Platform): MetricRule {
  const p = rules.platforms[platform];
  const m = p.metrics.find((x) => x.key === p.primary);
  if (!m) throw new Error(`rules: platform ${platform} has no primary metric ${p.primary}`);
  return m;
}

/**
 * The effective rules: shipped defaults with the user's overrides applied.
 * Unknown metric keys and invalid values are rejected with a clear message; the defaults stay in force for them.
 * `overrides` is untrusted (it may come from an older version's storage): nothing in it can throw.
 */
export function applyOverrides(base: RuleSet, overrides: unknown): { rules: RuleSet; errors: string[] } {
  if (!isPlainObject(overrides)) return { rules: base, errors: ['ruleOverrides must be an object'] };
  const errors: string[] = [];
  const metrics = new Map(allMetrics(base).map((m) => [m.key, m]));
  const valid = new Map<string, MetricOverride>();
  for (const key of Object.keys(overrides)) {
    const metric = metrics.get(key);
    if (!metric) {
      errors.push(`${key}: no such metric`);
      continue;
    }
    const r = check(metricOverrideSchema(metric), overrides[key]);
    if (r.ok) valid.set(key, r.value);
    else errors.push(...r.errors.map((e) => `${key}: ${e}`));
  }
  const platforms = {} as Record<Platform, PlatformRules>;
  for (const [platform, p] of Object.entries(base.platforms) as [Platform, PlatformRules][]) {
    platforms[platform] = {
      ...p,
      metrics: p.metrics.map((m) => {
        const o = valid.get(m.key);
        if (!o) return m;
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
  return { rules: { version: valid.size ? `${base.version}+user` : base.version, platforms }, errors };
}

export function effectiveRules(overrides: RuleOverrides | unknown): RuleSet {
  // Untrusted input (a stored value from another version, a UI read) never throws: what is invalid is ignored.
  return overrides === undefined ? DEFAULT_RULES : applyOverrides(DEFAULT_RULES, overrides).rules;
}
