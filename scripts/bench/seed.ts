/**
 * Seeds the extension's database the way the product fills it, for the popup/analytics benchmark: `days` days of
 * `perDay` inquiries (scripts/bench/synth.ts), each conversation run through the real engine, then stored as the
 * background stores it: events (with key/conv), the conversation's clock, its units, the daily rollups and the
 * per-day aggregates (`dayStats`).
 * Today is seeded up to now, so some clocks are still pending.
 *
 * Bundled to an IIFE (global `RSSeed`) and run inside the extension's service worker (see popup.ts), so that
 * millions of rows never cross the DevTools protocol. Pure data + Dexie; no chrome.*.
 */
import { buildDayStatRows, tallyDayStats, type DayStatDelta } from '../../lib/analytics/daystats';
import { tallyUnits } from '../../lib/engine/rollup';
import { SentinelDB } from '../../lib/db/schema';
import type { ClockRow, EventRow, RollupRow, UnitRow } from '../../lib/model';
import { evaluate } from '../../lib/engine';
import { chinaDay, chinaDayStart } from '../../lib/engine/time';
import { conversationKey, eventKey, type CoverageSpan } from '../../lib/model';
import { effectiveRules, type RuleOverrides } from '../../lib/rules';
import { ACCOUNT, PLATFORM_MIX, dayConversations } from './synth';

export interface SeedOptions {
  /** Seeds the days `first` … `first + days - 1` back from today (0 = today), so a caller can go in slices. */
  first: number;
  days: number;
  perDay: number;
  now: number;
  ruleOverrides?: RuleOverrides;
  /**
   * Store the raw events of the last this-many days (the bulk of the rows). Nothing the popup shows reads them, and
   * the analytics page reads one week; 0 stores none.
   */
  eventsDays: number;
}

export async function seed(o: SeedOptions) {
  const t0 = Date.now();
  const db = new SentinelDB();
  await db.open();
  const rules = effectiveRules(o.ruleOverrides);
  const today = chinaDay(o.now);
  const rollups = new Map<string, RollupRow>();
  const dayStats = new Map<string, DayStatDelta>();
  const counts = { events: 0, clocks: 0, units: 0, rollups: 0, dayStats: 0, pending: 0 };
  for (let d = o.first + o.days - 1; d >= o.first; d--) {
    const day = chinaDay(chinaDayStart(today) - d * 86_400_000 + 12 * 3600_000);
    const from = chinaDayStart(day);
    const until = d === 0 ? o.now : undefined;
    const convs = dayConversations({ day, inquiries: o.perDay, seed: 5000 + d, ...(until && { until }) });
    const coverage: CoverageSpan[] = PLATFORM_MIX.map(([platform]) => ({
      platform,
      account: ACCOUNT,
      from,
      to: Math.min(o.now, from + 86_400_000),
    }));
    const events: EventRow[] = [];
    const clocks: ClockRow[] = [];
    const units: UnitRow[] = [];
    for (const thread of convs) {
      const out = evaluate({ events: thread, coverage, rules, now: o.now, alertLeadSec: 60 });
      if (d < o.eventsDays) for (const e of thread) events.push({ ...e, key: eventKey(e), conv: conversationKey(e) });
      const clock = out.clocks[0];
      if (clock) {
        clocks.push(clock);
        if (clock.status === 'pending') counts.pending++;
      }
      units.push(...out.units);
    }
    tallyUnits(rollups, units, 1, o.now);
    tallyDayStats(dayStats, units, 1);
    await db.transaction('rw', db.events, db.clocks, db.units, async () => {
      if (events.length) await db.events.bulkPut(events);
      await db.clocks.bulkPut(clocks);
      await db.units.bulkPut(units);
    });
    counts.events += events.length;
    counts.clocks += clocks.length;
    counts.units += units.length;
  }
  await db.rollups.bulkPut([...rollups.values()]);
  counts.rollups = rollups.size;
  const statRows = buildDayStatRows(dayStats.values());
  await db.dayStats.bulkPut(statRows);
  counts.dayStats = statRows.length;
  db.close();
  return { ...counts, ms: Date.now() - t0 };
}
