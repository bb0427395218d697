import type { DailyWindow } from '../rules/types';

/** China has one time zone and no daylight saving: UTC+8, always. */
export const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

const dayNames = new Map<number, string>();

/** The China-local calendar date of an instant, `YYYY-MM-DD`. (Called for every message: names are memoized.) */
export function chinaDay(ms: number): string {
  const n = Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS);
  let name = dayNames.get(n);
  if (name === undefined) {
    name = new Date(n * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size > 4096) dayNames.clear();
    dayNames.set(n, name);
  }
  return name;
}

/** Milliseconds since China-local midnight. */
export function chinaMsOfDay(ms: number): number {
  return (((ms + CHINA_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
}

/** The instant of China-local midnight starting `day` (`YYYY-MM-DD`). */
export function chinaDayStart(day: string): number {
  const t = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(t)) throw new Error(`not a date: ${day}`);
  return t - CHINA_OFFSET_MS;
}

/** A China-local wall-clock time as an instant: `chinaTime('2026-11-27', 10, 10, 15)`. */
export function chinaTime(day: string, h: number, m = 0, s = 0): number {
  return chinaDayStart(day) + ((h * 60 + m) * 60 + s) * 1000;
}

/** Is the instant inside the daily window `[start, end)` (China local)? Windows may wrap midnight. */
export function inWindow(ms: number, w: DailyWindow): boolean {
  const t = chinaMsOfDay(ms);
  const a = w.startMin * 60_000;
  const b = w.endMin * 60_000;
  return a < b ? t >= a && t < b : t >= a || t < b;
}
