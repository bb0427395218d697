import { pick } from '@/lib/i18n';
import type { Translate } from '@/lib/badge';
import { spokenDuration } from '@/lib/duration';
import type { Figure } from '@/lib/compliance';
import type { MetricRule } from '@/lib/rules/types';

export const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** Seconds as the page shows them: "—" for none, "no reply" for a quantile among the never-answered. */
export function secs(v: number | null, t: Translate): string {
  if (v === null) return '—';
  if (v === Infinity) return t('popupNoReply');
  return t('anaSeconds', [Math.round(v)]);
}

/** A metric's value: the rate, or the capped average in seconds. */
export function metricValue(rule: MetricRule, f: Figure, t: Translate): string {
  return rule.formula === 'rate' ? pct(f.rate) : f.average === null ? '—' : t('anaSeconds', [Math.round(f.average)]);
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
