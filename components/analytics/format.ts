import { pick } from '@/lib/i18n';
import type { Translate } from '@/lib/badge';
import { spokenDuration } from '@/lib/duration';
import type { Figure } from '@/lib/compliance';
import type { MetricRule } from '@/lib/rules/types';

export const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** Whole seconds as people say them: "57 秒", "1 分 12 秒", "12 分", "1 小时 5 分" ("1 min 12 s"…). */
const spoken = (v: number, t: Translate) => spokenDuration(Math.round(v), t, true);

/**
 * Seconds as the page shows them (medians, P90): spoken ("1 分 12 秒"), "—" for none, "no reply" for a quantile among
 * the never-answered. The CSV exports keep their numbers of seconds.
 */
export function secs(v: number | null, t: Translate): string {
  if (v === null) return '—';
  if (v === Infinity) return t('popupNoReply');
  return spoken(v, t);
}

/** A metric's value: the rate, or the capped average, spoken ("1 分 12 秒"). */
export function metricValue(rule: MetricRule, f: Figure, t: Translate): string {
  return rule.formula === 'rate' ? pct(f.rate) : f.average === null ? '—' : spoken(f.average, t);
}

export const late = (sec: number, t: Translate) => t('popupLate', [spokenDuration(Math.ceil(sec), t, true)]);

export const ruleLabel = (rule: MetricRule, t: Translate) => pick(rule.label, t.lang);

export const weekdays = (t: Translate) => t('anaWeekdays').split('|');

/** `HH:mm` (China time) of an instant. */
export const hhmm = (ms: number) =>
  new Date(ms).toLocaleTimeString('zh-CN', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  });
