/**
 * "Outside assessed hours": for the platforms of the watched tabs whose rules' window (primary metric) does not hold
 * `now`, a note such as "不在考核时段（拼多多 08:00–23:00）", for the toolbar title, the popup and the demo. A question
 * asked then is `notAssessed` and shows no countdown: the note says why nothing counts down.
 */
import type { Translate } from './badge';
import { inWindow } from './engine/time';
import type { Platform } from './model';
import { primaryMetric } from './rules';
import type { RuleSet } from './rules/types';

export const hhmm = (min: number): string =>
  `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** The platforms (each once, in the order given) outside their assessed hours at `now`, with their windows. */
export function outsideHours(
  platforms: Iterable<Platform>,
  rules: RuleSet,
  now: number,
): { platform: Platform; startMin: number; endMin: number }[] {
  const out: { platform: Platform; startMin: number; endMin: number }[] = [];
  for (const p of new Set(platforms)) {
    const w = primaryMetric(rules, p).window;
    if (!inWindow(now, w)) out.push({ platform: p, startMin: w.startMin, endMin: w.endMin });
  }
  return out;
}

/** The notes for `outsideHours`, in the UI language. */
export function outsideHoursNotes(platforms: Iterable<Platform>, rules: RuleSet, now: number, t: Translate): string[] {
  return outsideHours(platforms, rules, now).map((o) =>
    t('outsideHours', [t(`platform_${o.platform}`), `${hhmm(o.startMin)}–${hhmm(o.endMin)}`]),
  );
}
