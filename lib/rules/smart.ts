/**
 * "Smart replies count" (platform-rules.md §1, seed 001): on Taobao and 1688, 店小蜜 smart replies and 7x24H
 * smart-response service replies (the adapters' `robot`) are valid replies; Qianniu/Wangwang auto-replies (`auto`)
 * never are. The default follows the seed; the options page switches it per platform by writing the `validReply`
 * override of every metric of the platform (the one override schema, `overrides.ts`).
 */
import type { Author, Platform } from '../model';
import type { MetricOverride, RuleOverrides } from './overrides';
import type { RuleSet } from './types';

/** The platforms whose smart replies the rules let count. */
export const SMART_REPLY_PLATFORMS = ['taobao', 'ali1688'] as const satisfies readonly Platform[];
export type SmartReplyPlatform = (typeof SMART_REPLY_PLATFORMS)[number];

/** Do smart replies count on `platform` under `rules` (every metric of the platform takes `robot`)? */
export function smartRepliesCount(rules: RuleSet, platform: SmartReplyPlatform): boolean {
  const metrics = rules.platforms[platform].metrics;
  return metrics.length > 0 && metrics.every((m) => m.validReply.includes('robot'));
}

const sameSet = (a: readonly Author[], b: readonly Author[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * `overrides` with smart replies switched on or off for every metric of `platform`. `base` is the shipped rules: an
 * override equal to the default is dropped (a metric with nothing left overridden loses its entry), so switching back
 * leaves the user's rules as they were. Other fields and other metrics are kept.
 */
export function withSmartReplies(
  base: RuleSet,
  overrides: RuleOverrides,
  platform: SmartReplyPlatform,
  on: boolean,
): RuleOverrides {
  const next: RuleOverrides = { ...overrides };
  for (const m of base.platforms[platform].metrics) {
    const current = next[m.key]?.validReply ?? m.validReply;
    let authors: Author[] = current.filter((a) => a !== 'robot');
    if (on) authors.push('robot');
    if (!authors.length) authors = ['human'];
    const entry: MetricOverride = { ...next[m.key] };
    if (sameSet(authors, m.validReply)) delete entry.validReply;
    else entry.validReply = authors as MetricOverride['validReply'];
    if (Object.keys(entry).length) next[m.key] = entry;
    else delete next[m.key];
  }
  return next;
}
