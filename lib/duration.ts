/**
 * Durations in words, for people: "57 秒", "2 分 5 秒", "10 小时 41 分", "2 天 3 小时" (English "57 s",
 * "2 min 5 s", "10 h 41 min", "1 day", "2 days 3 h"). The units come from the `content` catalog (`durSec`, `durMin`,
 * `durHour`, `durDay` with its plural) through the caller's translator; the parts are joined by a space in both
 * languages.
 * Small on purpose: the content scripts carry it (row badges). The toolbar badge and the tab title keep their
 * compact forms (m:ss; the title's whole minutes "<3 分", see `formatCountdown`, `titlePrefix`): they have room for
 * about four characters.
 */
import type { Args } from './i18n/core';

/** The translator spokenDuration needs: any of ours (the content scripts' or the UI's). */
export type Words = (key: 'durSec' | 'durMin' | 'durHour' | 'durDay', args?: Args) => string;

/**
 * `sec` whole seconds (rounded by the caller; negative counts as 0) in words. Seconds show under a minute, and with
 * `withSeconds` also under 10 minutes ("2 分 5 秒"); above that the larger units only ("12 分", "1 小时 5 分").
 */
export function spokenDuration(sec: number, t: Words, withSeconds = false): string {
  const s = Math.max(0, Math.floor(sec));
  if (s < 60) return t('durSec', [s]);
  const m = Math.floor(s / 60);
  if (m < 60) return join(t('durMin', [m]), withSeconds && m < 10 && s % 60 ? t('durSec', [s % 60]) : '');
  const h = Math.floor(m / 60);
  if (h < 24) return join(t('durHour', [h]), m % 60 ? t('durMin', [m % 60]) : '');
  const d = Math.floor(h / 24);
  return join(t('durDay', { count: d }), h % 24 ? t('durHour', [h % 24]) : '');
}

const join = (a: string, b: string) => (b ? `${a} ${b}` : a);

/** Seconds of a span in ms, rounded up (a countdown shows 0:01 until the very end). */
export const ceilSec = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
