/** Stored unit rows for the analytics, popup and database tests. */
import type { Platform, UnitResult, UnitRow } from '../../../lib/model';

let seq = 0;

/**
 * A stored unit of `metric` (its platform the metric's prefix) on `day`, started at `startAt`, with `result` and,
 * when a reply was seen, the response `responseSec` after the start. A new buyer and id each call (`extra.buyer`
 * for a given buyer; the id stays unique); due 3 minutes after the start; anything else through `extra`.
 */
export function unitRow(
  metric: string,
  day: string,
  startAt: number,
  result: UnitResult,
  responseSec: number | null,
  extra: Partial<UnitRow> = {},
): UnitRow {
  const platform = metric.split('.')[0] as Platform;
  const account = extra.account ?? 'shop';
  const buyer = extra.buyer ?? `b${seq + 1}`;
  const conv = `${platform}|${account}|${buyer}`;
  return {
    id: `${metric}|${conv}|${startAt}|${++seq}`,
    metric,
    platform,
    account,
    buyer,
    conv,
    day,
    startAt,
    dueAt: startAt + 180_000,
    replyAt: responseSec === null ? null : startAt + responseSec * 1000,
    responseSec,
    cappedSec: null,
    result,
    rulesVersion: 'test',
    ...extra,
  };
}
