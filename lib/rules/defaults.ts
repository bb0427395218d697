import type { Platform } from '../model';
import { PLATFORM_INFOS } from '../platforms/registry';
import type { MetricRule, PlatformRules, RuleSet } from './types';

/**
 * The shipped defaults, from ../shared/docs/platform-rules.md (and the seed articles behind it): each platform's rules
 * are in its folder (lib/platforms/<folder>/rules.ts), merged here from the registry.
 * Bump RULES_VERSION whenever a value changes; stored results keep the version they were computed with.
 */
export const RULES_VERSION = '2026.12.1';

export const DEFAULT_RULES: RuleSet = {
  version: RULES_VERSION,
  platforms: Object.fromEntries(PLATFORM_INFOS.map((p) => [p.id, p.rules])) as Record<Platform, PlatformRules>,
};

/** The primary metric of every platform (the default rules': no override changes which one). */
export const PRIMARY_METRICS: readonly string[] = Object.values(DEFAULT_RULES.platforms).map((p) => p.primary);

/** Every metric, retired ones included (their stored history is still read, shown and exported). */
export function allMetrics(rules: RuleSet): MetricRule[] {
  return Object.values(rules.platforms).flatMap((p) => [...p.metrics]);
}

/** The metrics a platform computes now: its metrics without the retired ones. */
export function computedMetrics(p: PlatformRules): MetricRule[] {
  return p.metrics.filter((m) => m.retired === undefined);
}
