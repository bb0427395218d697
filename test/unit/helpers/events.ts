import { chinaTime } from '../../../lib/engine/time';
import type { Author, ChatEvent, CoverageSpan, Platform } from '../../../lib/model';

export const DAY = '2026-11-20';

/** `t('10:10:15')` → that China-local time on DAY (or on `day`). */
export function t(hms: string, day = DAY): number {
  const [h, m, s] = hms.split(':').map(Number);
  return chinaTime(day, h!, m ?? 0, s ?? 0);
}

let seq = 0;

/** A message event with sensible defaults; `id` defaults to a unique one. */
export function ev(
  platform: Platform,
  buyer: string,
  author: Author,
  at: number,
  extra: Partial<ChatEvent> = {},
): ChatEvent {
  seq += 1;
  return {
    platform,
    account: 'shop-main',
    buyer,
    messageId: `m${seq}`,
    author,
    at,
    timeSource: 'id',
    observedAt: at,
    ...extra,
  };
}

/** Coverage for the whole day: the workbench was watched from 00:00 to 24:00. */
export function watchedAllDay(platform: Platform, day = DAY, account = 'shop-main'): CoverageSpan[] {
  return [{ platform, account, from: t('00:00:00', day), to: t('23:59:59', day) + 999 }];
}
