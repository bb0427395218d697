/**
 * The team-sync benchmark's pure parts (scripts/bench/sync.ts): one agent's synthetic day (scripts/bench/synth.ts,
 * its buyers tagged with the agent so that agents of one shop do not share conversations), the live steps of a time
 * window, and the matcher that turns "this document changed locally at t" and "the server's changes feed delivered
 * this content at t'" into push latencies.
 */
import type { ChatEvent } from '../../lib/model';
import { dayConversations } from './synth';

/** The day's share of inquiries in business hours and their length (synth.ts: 97% in 08:00–23:00). */
const BUSINESS_SHARE = 0.97;
const BUSINESS_HOURS = 15;

/** Inquiries per second of one agent during business hours, at `perDay` a day (the steady load's rate). */
export function businessRatePerSec(perDay: number): number {
  return (perDay * BUSINESS_SHARE) / (BUSINESS_HOURS * 3600);
}

/**
 * One agent's conversations of a day: synth.ts's day (seeded per agent and day), each buyer and message id prefixed
 * with the agent's tag (`a<index>-`), the shop account the same for every agent (one shop, several agents).
 */
export function agentDay(o: { agent: number; day: string; perDay: number; salt: number }): ChatEvent[][] {
  const tag = `a${o.agent}-`;
  const seed = 7919 * (o.agent + 1) + o.salt;
  return dayConversations({ day: o.day, inquiries: o.perDay, seed }).map((thread) =>
    thread.map((e) => ({ ...e, buyer: tag + e.buyer, messageId: tag + e.messageId })),
  );
}

/** A moment a conversation changes while the window runs: one of its messages arrives (its index in the thread). */
export interface LiveStep {
  conv: number;
  /** The message's time (virtual, ms). */
  at: number;
}

/** The messages of `threads` that arrive in (from, to], in time order: what the window replays. */
export function liveSteps(threads: readonly ChatEvent[][], from: number, to: number): LiveStep[] {
  const out: LiveStep[] = [];
  threads.forEach((thread, conv) => {
    for (const e of thread) if (e.at > from && e.at <= to) out.push({ conv, at: e.at });
  });
  return out.sort((a, b) => a.at - b.at || a.conv - b.conv);
}

/** A document's content as the matcher compares it (docs.ts `contentKey`), or `DELETED`. */
export const DELETED = '\u0000deleted';

export interface Arrival {
  id: string;
  /** Local change → the server's feed delivered it (or a later content of the same document), ms. */
  ms: number;
}

/**
 * Matches local changes with the server's changes feed. `expect(id, key, t)`: at `t` the agent's local data made
 * document `id` have content `key`; `delivered(id, key, t)`: the feed showed that content at `t`. A delivery
 * settles the change it shows and every earlier change of the same document (a later content includes them: the
 * pusher sends what the database holds now, not every step). A delivery of a content nobody expects (the
 * warm-up's, another agent's) settles nothing.
 */
export class ArrivalMatcher {
  private waiting = new Map<string, { key: string; t: number }[]>();
  readonly arrivals: Arrival[] = [];
  expected = 0;

  expect(id: string, key: string, t: number): void {
    this.expected += 1;
    const list = this.waiting.get(id);
    if (list) list.push({ key, t });
    else this.waiting.set(id, [{ key, t }]);
  }

  delivered(id: string, key: string, t: number): number {
    const list = this.waiting.get(id);
    if (!list) return 0;
    let last = -1;
    for (let i = list.length - 1; i >= 0; i--)
      if (list[i]!.key === key) {
        last = i;
        break;
      }
    if (last < 0) return 0;
    const settled = list.splice(0, last + 1);
    if (!list.length) this.waiting.delete(id);
    for (const w of settled) this.arrivals.push({ id, ms: t - w.t });
    return settled.length;
  }

  /** Changes the feed never delivered (lost, or still on the way when the run stopped). */
  pending(): number {
    let n = 0;
    for (const list of this.waiting.values()) n += list.length;
    return n;
  }
}

/** What only the sync client's code has: PouchDB, the CouchDB endpoints it calls, lib/sync's stored setting's key. */
export const SYNC_MARKERS = ['pouchdb', '_bulk_docs', '_all_docs', '_changes', 'update_seq', 'teamSync'] as const;

/** Which of the markers a bundle's text contains. */
export function syncMarkersIn(text: string): string[] {
  return SYNC_MARKERS.filter((m) => text.includes(m));
}
