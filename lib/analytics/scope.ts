/**
 * What every analytics view is computed over: a range of China days and, optionally, one account.
 * China is UTC+8 all year (no daylight saving), so an hour of the day and a weekday are plain arithmetic.
 */
import { addDays } from '../compliance';
import { CHINA_OFFSET_MS } from '../engine/time';
import type { Platform } from '../model';
import type { RuleSet } from '../rules/types';

/** The ranges the page offers. */
export const RANGES = [7, 30, 90] as const;
export type RangeDays = (typeof RANGES)[number];

export interface Scope {
  /** First China day, inclusive (`YYYY-MM-DD`). */
  from: string;
  /** Last China day, inclusive. */
  to: string;
  /** Only this account (of this platform); both or neither. */
  platform?: Platform;
  account?: string;
}

/** The last `days` China days ending with `today` (today included; today is a partial day). */
export function rangeScope(today: string, days: number, only?: { platform: Platform; account: string }): Scope {
  if (!Number.isInteger(days) || days < 1) throw new Error(`range must be a whole number of days ≥ 1: ${days}`);
  return {
    from: addDays(today, -(days - 1)),
    to: today,
    ...(only && { platform: only.platform, account: only.account }),
  };
}

/** Every day of the scope, oldest first. */
export function scopeDays(scope: Pick<Scope, 'from' | 'to'>): string[] {
  const out: string[] = [];
  for (let d = scope.from; d <= scope.to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Does a row (rollup or unit) fall in the scope? */
export function inScope(row: { day: string; platform: Platform; account: string }, scope: Scope): boolean {
  if (row.day < scope.from || row.day > scope.to) return false;
  if (scope.account !== undefined && (row.account !== scope.account || row.platform !== scope.platform)) return false;
  return true;
}

/** China-local hour of an instant, 0–23. */
export function chinaHour(ms: number): number {
  return new Date(ms + CHINA_OFFSET_MS).getUTCHours();
}

/** China-local weekday of an instant, Monday = 0 … Sunday = 6 (the Chinese week starts on Monday). */
export function chinaWeekday(ms: number): number {
  return (new Date(ms + CHINA_OFFSET_MS).getUTCDay() + 6) % 7;
}

/** Weekday of a China day (`YYYY-MM-DD`), Monday = 0 … Sunday = 6. */
export function dayWeekday(day: string): number {
  const t = Date.parse(`${day}T12:00:00.000Z`);
  if (Number.isNaN(t)) throw new Error(`not a date: ${day}`);
  return (new Date(t).getUTCDay() + 6) % 7;
}

/** The primary metric of every platform (the one the live clock follows): analytics over units use these only. */
export function primaryMetrics(rules: RuleSet): Set<string> {
  return new Set(Object.values(rules.platforms).map((p) => p.primary));
}

/** The main account of a (sub-)account: Taobao/1688 sub-accounts are `main:sub` (also with a full-width colon). */
export function splitAccount(account: string): { main: string; sub: string | null } {
  const m = /^([^:：]+)[:：](.+)$/.exec(account);
  return m ? { main: m[1]!.trim(), sub: m[2]!.trim() } : { main: account, sub: null };
}
