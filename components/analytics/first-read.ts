/**
 * The analytics page's first-frame data: read on raw IndexedDB by /analytics-first.js (`first-raw.ts`) and checked
 * here, or read through Dexie (the named queries of `lib/db/queries.ts`) when the raw read is refused. Both give
 * the same `AnalyticsFirst` (`test/unit/analytics-first.test.ts`), which the page shows until its live queries run.
 */
import { addDays } from '@/lib/compliance';
import { readDayStats, rollupsOfDays, settingRow } from '@/lib/db/queries';
import type { SentinelDB } from '@/lib/db/schema';
import { chinaDay } from '@/lib/engine/time';
import { firstOf, type AnalyticsFirst } from './first-check';
import { PRIMARY_METRICS } from './first-raw';

export { analyticsFromRaw, type AnalyticsFirst } from './first-check';

/** The same through Dexie (the page's live queries read the same way). */
export async function readAnalyticsFirst(db: SentinelDB, now: number, range: number): Promise<AnalyticsFirst> {
  const today = chinaDay(now);
  const from = addDays(today, -range);
  const [overrides, language, rollups, pastStats, todayStats] = await Promise.all([
    settingRow(db, 'ruleOverrides'),
    settingRow(db, 'language'),
    rollupsOfDays(db, from, today),
    readDayStats(db, PRIMARY_METRICS, from, addDays(today, -1)),
    readDayStats(db, PRIMARY_METRICS, today, today),
  ]);
  return firstOf(today, from, overrides, language, rollups, pastStats, todayStats);
}

/**
 * What the page's first render waits for: the first read, at most `timeoutMs` (then the page renders without it and
 * waits for it: `later`). In the team view, nothing: what the person opened it for is the owner's live view above the
 * page's own figures (`ShopLive.tsx`, its own start already under way), which must not wait for a local read it does
 * not show; the page's own figures follow once the read is in.
 */
export function firstRenderWait<T>(
  view: 'local' | 'team',
  first: Promise<T>,
  timeoutMs: number,
): Promise<T | undefined> {
  return view === 'team' ? Promise.resolve(undefined) : settledWithin(first, timeoutMs);
}

/** `p`'s value, or undefined once `timeoutMs` passed first (a read that must not hold the first render longer). */
export function settledWithin<T>(p: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((resolve) => setTimeout(resolve, timeoutMs))]);
}
