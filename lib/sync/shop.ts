/**
 * The owner's shop view (pure): every agent's synced documents merged into shop-wide figures for one day — per
 * platform rule, per agent — and the buyers waiting now across agents. Fed document by document from the database's
 * changes feed (`ShopDocs.apply`), computed on demand (`shopView`).
 */
import { emptyCounts } from '../engine/rollup';
import type { Platform, UnitResult } from '../model';
import { conversationKey } from '../model';
import { WAITING, asSyncDoc, preferClock, preferUnit, type ClockDoc, type SyncDoc, type UnitDoc } from './docs';

/** The documents seen so far, by id (a deletion removes one). */
export class ShopDocs {
  readonly docs = new Map<string, SyncDoc>();
  /** Applies one change of the feed: a document, or the deletion of `id`. Returns whether anything changed. */
  apply(id: string, raw: unknown, deleted = false): boolean {
    const doc = deleted ? undefined : asSyncDoc(raw);
    if (!doc) return this.docs.delete(id);
    this.docs.set(id, doc);
    return true;
  }
}

export interface MetricFigures {
  metric: string;
  platform: Platform;
  counts: Record<UnitResult, number>;
  /** pass ÷ (pass + fail), null when nothing is decided. */
  rate: number | null;
}

export interface AgentFigures {
  agent: string;
  label: string;
  /** The units this agent's extension judged (its own copy), and how many of them the shop view counts. */
  counts: Record<UnitResult, number>;
  rate: number | null;
  counted: number;
}

export interface ShopView {
  day: string;
  metrics: MetricFigures[];
  agents: AgentFigures[];
  /** Buyers waiting now, one per conversation across agents, the earliest deadline first. */
  waiting: (ClockDoc & { label: string })[];
}

const rateOf = (c: Record<UnitResult, number>) => (c.pass + c.fail ? c.pass / (c.pass + c.fail) : null);

/** Shop-wide figures of `day` from the documents: each unit counted once however many agents saw it. */
export function shopView(docs: Iterable<SyncDoc>, day: string): ShopView {
  const labels = new Map<string, string>();
  const best = new Map<string, UnitDoc>();
  const own = new Map<string, UnitDoc[]>();
  const clocks = new Map<string, ClockDoc>();
  // The latest reply any agent saw per conversation: a waiting copy from an agent who did not see it (browser
  // closed, tab not watching) is not a buyer waiting.
  const replied = new Map<string, number>();
  for (const d of docs) {
    if (d.kind === 'unit' && d.replyAt !== null) {
      const conv = conversationKey(d);
      replied.set(conv, Math.max(replied.get(conv) ?? 0, d.replyAt));
    }
    if (d.kind === 'agent') labels.set(d.agent, d.label);
    else if (d.kind === 'unit' && d.day === day) {
      const cur = best.get(d.unit);
      if (!cur || preferUnit(d, cur) < 0) best.set(d.unit, d);
      const list = own.get(d.agent);
      if (list) list.push(d);
      else own.set(d.agent, [d]);
    } else if (d.kind === 'clock' && WAITING.includes(d.status)) {
      const cur = clocks.get(d.conv);
      if (!cur || preferClock(d, cur) < 0) clocks.set(d.conv, d);
    }
  }
  const metrics = new Map<string, MetricFigures>();
  const counted = new Map<string, number>();
  for (const u of best.values()) {
    let m = metrics.get(u.metric);
    if (!m) metrics.set(u.metric, (m = { metric: u.metric, platform: u.platform, counts: emptyCounts(), rate: null }));
    m.counts[u.result] += 1;
    counted.set(u.agent, (counted.get(u.agent) ?? 0) + 1);
  }
  for (const m of metrics.values()) m.rate = rateOf(m.counts);
  const agents: AgentFigures[] = [...own].map(([agent, list]) => {
    const counts = emptyCounts();
    for (const u of list) counts[u.result] += 1;
    return { agent, label: labels.get(agent) ?? '', counts, rate: rateOf(counts), counted: counted.get(agent) ?? 0 };
  });
  const sortKey = (s: string) => s;
  return {
    day,
    metrics: [...metrics.values()].sort((a, b) => (sortKey(a.metric) < sortKey(b.metric) ? -1 : 1)),
    agents: agents.sort(
      (a, b) => (a.label || a.agent).localeCompare(b.label || b.agent) || (a.agent < b.agent ? -1 : 1),
    ),
    waiting: [...clocks.values()]
      .filter((c) => (replied.get(c.conv) ?? -Infinity) < c.lastMessageAt)
      .map((c) => ({ ...c, label: labels.get(c.agent) ?? '' }))
      .sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || (a.conv < b.conv ? -1 : 1)),
  };
}
