import { buildDayStats, isDayStatRow, type DayStatRow } from '../analytics/daystats';
import type { SentinelDB } from './schema';

/**
 * The per-day aggregates of some metrics over a range of China days (what the analytics page reads first): one
 * index range per metric. A row that is malformed (a damaged profile, a bug) is not trusted: every row of its
 * (metric, day) is rebuilt here from that day's units, in memory (pages never write; the background rewrites the
 * row the next time one of its units changes), so a bad row never breaks the page nor shows a wrong figure.
 */
export async function readDayStats(
  db: SentinelDB,
  metrics: readonly string[],
  from: string,
  to: string,
): Promise<DayStatRow[]> {
  const lists = await Promise.all(
    metrics.map((m) => db.dayStats.where('[metric+day]').between([m, from], [m, to], true, true).toArray()),
  );
  const rows = lists.flat() as unknown[];
  const bad = new Map<string, [string, string]>();
  for (const r of rows) {
    if (isDayStatRow(r)) continue;
    const { metric, day } = r as { metric: string; day: string }; // the index holds them
    bad.set(`${metric}|${day}`, [metric, day]);
  }
  if (!bad.size) return rows as DayStatRow[];
  const good = (rows as DayStatRow[]).filter((r) => isDayStatRow(r) && !bad.has(`${r.metric}|${r.day}`));
  const units = await db.units
    .where('[metric+day]')
    .anyOf([...bad.values()])
    .toArray();
  return [...good, ...buildDayStats(units)];
}
