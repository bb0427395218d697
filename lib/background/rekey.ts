/**
 * A tab whose page showed no shop reported under its own account (`?tab…`, see UNRECOGNISED_ACCOUNT); when the page
 * later shows its shop, what it reported moves to the shop's account, so one conversation is never counted twice
 * (once under `?tab…`, once under the shop the page re-reports it under). Runs inside the caller's transaction
 * (`RECOMPUTE_TABLES`) and `Sentinel`'s serial queue. Free of chrome.*.
 */
import type { SentinelDB } from '../db/schema';
import { chinaDay } from '../engine/time';
import { conversationKey, eventKey, type EventRow, type Platform } from '../model';
import { mergeSighting, type Recompute, type Staged } from './recompute';
import { applyDayStatsChange, applyRollupDelta } from './rollups';

/**
 * Moves account `from` (a tab's own) of `platform` to `to`: its messages (merged with what the shop already holds,
 * idempotently: the same message is one row), its coverage spans (the page was the shop's all along), its clocks'
 * alert marks (a warning already shown is not shown again); its units, clocks and rollup and aggregate shares are
 * taken out, and the shop's conversations are recomputed from the moved messages. Returns what the mirrors must
 * learn (`staged`) and the conversation keys that are gone.
 */
export async function moveAccount(
  db: SentinelDB,
  recomputer: Recompute,
  platform: Platform,
  from: string,
  to: string,
  now: number,
): Promise<{ staged: Staged; gone: string[] }> {
  const old = await db.events.where('[platform+account]').equals([platform, from]).toArray();
  const oldConvs = [...new Set(old.map((e) => e.conv))];
  const moved = old.map((e): EventRow => {
    const x = { ...e, account: to };
    return { ...x, key: eventKey(x), conv: conversationKey(x) };
  });
  const existing = await db.events.bulkGet(moved.map((e) => e.key));
  const added = new Map<string, EventRow[]>();
  // Where a stored message replaced by a better-timed copy was (as ingest passes it: `PageBatch.replaced`).
  const replaced = new Map<string, number>();
  moved.forEach((e, i) => {
    const prev = existing[i];
    const row = mergeSighting(e, prev, replaced) ?? prev!;
    const list = added.get(row.conv);
    if (list) list.push(row);
    else added.set(row.conv, [row]);
  });
  await db.events.bulkDelete(old.map((e) => e.key));
  await db.events.bulkPut([...added.values()].flat());
  await db.coverage.where('[platform+account]').equals([platform, from]).modify({ account: to });

  // The old conversations' results leave the rollups and aggregates with their units.
  const units = await db.units.where('conv').anyOf(oldConvs).toArray();
  await applyRollupDelta(db, units, [], now);
  await db.units.bulkDelete(units.map((u) => u.id));
  await applyDayStatsChange(db, units, [], chinaDay(now)); // an earlier day's: the past-days summaries go
  // A clock's alert marks go with it (the recompute keeps a stored clock's marks).
  const clocks = await db.clocks.bulkGet(oldConvs);
  for (const c of clocks) {
    if (!c) continue;
    const key = conversationKey({ platform, account: to, buyer: c.buyer });
    if (!(await db.clocks.get(key))) await db.clocks.put({ ...c, key, account: to });
  }
  await db.clocks.bulkDelete(oldConvs);

  const staged = await recomputer.within([...added.keys()], now, { added, sighted: new Map(), replaced });
  for (const conv of oldConvs) staged.threads.push({ conv, events: [], base: undefined, put: [], deleted: [] });
  return { staged, gone: oldConvs };
}
