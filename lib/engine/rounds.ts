import type { ChatEvent } from '../model';
import type { MetricRule } from '../rules/types';
import { StageTracker, type StagedRound } from './stage';
import { chinaDay, inWindow } from './time';

/**
 * A round: from the earliest unanswered buyer message to the first valid reply.
 * Later buyer messages do not restart it.
 */
export interface Round extends StagedRound {
  /** Time of the buyer message that opened the round. */
  startAt: number;
  startMessageId: string;
  /**
   * When the metric's clock starts for this round, or null when the round is outside the window
   * (not assessed). Consumer-day metrics use the first in-window buyer message of the round, the others
   * the round's first message.
   */
  clockAt: number | null;
  lastBuyerAt: number;
  buyerMessages: number;
  /** The first valid reply, or null while unanswered. */
  replyAt: number | null;
  /** When the reply's time is uncertain: its latest possible time. */
  replyAtLatest?: number;
  replyMessageId?: string;
  /** Closed by a session boundary or a transfer without a valid reply. */
  closedUnreplied?: boolean;
  /** Closed by a transfer to another account (marker time) without a valid reply: a fail for this account (§3.5). */
  transferredAt?: number;
  /** Index of the session the round belongs to (session metrics; 0 otherwise). */
  session: number;
  /** Opened by a list row's counter (timeSource `counter`) that no message on screen accounts for yet. */
  byCounter?: boolean;
  /**
   * Counter events this round already accounts for (the same wait read again, or the message the counter counted):
   * they add nothing, and the background does not keep them (one wait, one event).
   */
  absorbed?: string[];
}

/**
 * How far a message may lie after the counter reading that opened its round and still be the message the counter
 * counted (its own time then replaces the counter's). A counter has whole-second (or coarser) resolution and runs on
 * the page's clock, the message time on the platform's: a reading well before every message on screen stands for a
 * message not seen (history not loaded that far).
 */
export const COUNTER_SLACK_MS = 60_000;

/** The ids earlier versions gave list-row waits (`wait-<epoch seconds>`), stored with timeSource `stamp`. */
const LEGACY_WAIT = /^wait-\d+$/;

/** Is this buyer event a list row's counter reading (see COUNTER_SLACK_MS), including those stored before 'counter'? */
export function isCounter(e: ChatEvent): boolean {
  return (
    e.timeSource === 'counter' || (e.timeSource === 'stamp' && e.author === 'buyer' && LEGACY_WAIT.test(e.messageId))
  );
}

export const OUTGOING: ReadonlySet<string> = new Set(['human', 'assist', 'robot', 'auto']);

/** Sorts one conversation's events into thread order and drops duplicates (same message id). */
export function threadOrder(events: readonly ChatEvent[]): ChatEvent[] {
  const byId = new Map<string, ChatEvent>();
  for (const e of events) {
    const prev = byId.get(e.messageId);
    if (!prev || betterTime(e, prev)) byId.set(e.messageId, e);
  }
  return [...byId.values()].sort(threadCompare);
}

/**
 * Thread order: by time, then first seen, then page order within that sighting (same-time messages keep the page's
 * order: a reply stamped in its question's second stays after it), then message id (content hashes: arbitrary, only
 * for events without a page order). A key compared field by field, so sorting is consistent with events stored before
 * `pageOrder` (as 0). (Sorting input already in this order is cheap.)
 */
export function threadCompare(a: ChatEvent, b: ChatEvent): number {
  return (
    a.at - b.at ||
    a.observedAt - b.observedAt ||
    (a.pageOrder ?? 0) - (b.pageOrder ?? 0) ||
    (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0)
  );
}

const SOURCE_RANK = { id: 0, stamp: 1, network: 2, counter: 3, observed: 4 } as const;

/** Of two sightings of one message, prefer an exact time, then the better time source, then the first seen. */
export function betterTime(a: ChatEvent, b: ChatEvent): boolean {
  const ax = a.atLatest === undefined ? 0 : 1;
  const bx = b.atLatest === undefined ? 0 : 1;
  if (ax !== bx) return ax < bx;
  const ar = SOURCE_RANK[a.timeSource];
  const br = SOURCE_RANK[b.timeSource];
  if (ar !== br) return ar < br;
  return a.observedAt < b.observedAt;
}

/**
 * The latest time an event says the page showed its thread as the store holds it: its exact time, when it was seen
 * (history found when a thread opens was on screen then), a later sighting kept by the background (`seenAt`).
 */
export function sightedAt(e: ChatEvent): number {
  return Math.max(e.observedAt, e.seenAt ?? -Infinity, e.atLatest === undefined ? e.at : -Infinity);
}

/**
 * Is `e` a valid reply under `rule` to a round that started at `roundStartAt`?
 *
 * The 0-second rule (Taobao, `minReplyDelaySec`; platform-rules.md §1: valid replies are "**not** 0-second replies")
 * is measured from the round's first buyer message, not its latest: the doc does not say from which message, but a
 * round's response time is counted from the earliest unanswered buyer message and later ones do not restart it
 * (§3.1), so a 0-second reply is one whose round's response time is 0 s — an automatic answer to the question. A
 * buyer's follow-up that happens to land in the same second as the agent's reply (typed meanwhile) does not make a
 * 170-second answer a 0-second one. `exactCut` passes a later buyer message's time: stricter, so only ever no cut.
 *
 * `roundStart`: the round's first buyer message (its time, and how finely the page showed it). The rule is applied
 * only when both times are to the second: a page that shows minutes only (`10:00` for the question and the reply)
 * gives both the same ms, yet the reply may have come 59 s later. "Same minute" is not "same second": the doc names
 * 0-second replies (platform-rules.md §1, `taobao.ww3min`: valid replies are **not** 0-second replies), which a
 * minute cannot show, so the reply counts (voiding it would be a breach the page does not prove).
 */
export function isValidReply(
  e: ChatEvent,
  rule: MetricRule,
  roundStart: { at: number; atPrecisionMs?: number | undefined },
): boolean {
  if (!rule.validReply.includes(e.author)) return false;
  if (e.perfunctory && rule.perfunctoryInvalidFrom && chinaDay(e.at) >= rule.perfunctoryInvalidFrom) return false;
  const minDelay = (rule.minReplyDelaySec ?? 0) * 1000;
  // An answer in the same second as the round's question is an automatic one (Taobao: no 0-second replies).
  if (
    minDelay > 0 &&
    e.atLatest === undefined &&
    toSecond(e) &&
    toSecond(roundStart) &&
    e.at - roundStart.at < minDelay
  )
    return false;
  return true;
}

/** Was the time shown to the second (or finer)? (`ChatEvent.atPrecisionMs`) */
function toSecond(t: { atPrecisionMs?: number | undefined }): boolean {
  return (t.atPrecisionMs ?? 0) <= 1000;
}

/**
 * Splits one conversation's thread (in thread order) into rounds for one metric.
 * Buyer messages with an uncertain time (found in history with no time on the page) never open a round:
 * a reload must not invent questions.
 * A list row's counter (timeSource `counter`) is evidence of a wait, not a message: it opens a round when none is
 * open; inside an open round it is the same wait (absorbed: no second message, whatever its rounding); the first
 * message within COUNTER_SLACK_MS after a round's opening counter is the message it counted, and its own time
 * replaces the counter's. Of two readings of one wait, the first seen stands (a reload changes nothing).
 */
export function buildRounds(thread: readonly ChatEvent[], rule: MetricRule): Round[] {
  const b = new RoundBuilder(rule);
  for (const e of thread) b.push(e);
  return b.finish();
}

/**
 * `buildRounds` fed one event at a time (thread order), so that its state can be carried from a thread to the same
 * thread with messages appended (`lib/engine/incremental.ts`). Rounds in `closed` never change again; only `open` does.
 */
export class RoundBuilder {
  /** Rounds closed (replied, or closed unreplied), in order: never changed again. */
  closed: Round[] = [];
  open: Round | null = null;
  /** The event that opened (or now starts) the open round. */
  private starter: ChatEvent | null = null;
  private session = 0;
  private lastMessageAt: number | null = null;
  private sessionEnded = false;
  private readonly gapMs: number | null;
  private readonly stage: StageTracker;

  constructor(private readonly rule: MetricRule) {
    this.gapMs = rule.unit === 'session' && rule.sessionGapSec !== undefined ? rule.sessionGapSec * 1000 : null;
    this.stage = new StageTracker(rule);
  }

  private close(r: Round): void {
    this.stage.settle(r);
    r.closedUnreplied = true;
  }

  private closeOpen(): void {
    this.closed.push(this.open!);
    this.open = null;
  }

  /** The rounds of everything pushed so far, the open round settled as the thread's end settles it (in place: done). */
  finish(): Round[] {
    if (this.open) {
      this.stage.settle(this.open);
      this.closed.push(this.open);
      this.open = null;
    }
    return this.closed;
  }

  /** The open round as the thread's end settles it (a copy), or null. */
  settledOpen(): Round | null {
    if (!this.open) return null;
    const open = { ...this.open, ...(this.open.absorbed && { absorbed: [...this.open.absorbed] }) };
    this.stage.settle(open);
    return open;
  }

  push(e: ChatEvent): void {
    const rule = this.rule;
    const stage = this.stage;
    const open = this.open;
    if (e.author === 'system' || e.author === 'internal') {
      if (e.marker === 'sessionEnd') {
        if (rule.unit === 'session') this.sessionEnded = true;
        if (open) stage.settle(open);
        stage.boundary();
      } else if (e.marker === 'assigned' || (e.marker === 'transfer' && stage.isHandOver())) {
        stage.assigned(e, open);
      } else if (e.marker === 'transfer' && open) {
        this.close(open);
        open.transferredAt = e.at;
        this.closeOpen();
      }
      return;
    }
    if (e.author === 'buyer') {
      if (e.atLatest !== undefined) {
        this.lastMessageAt = e.at;
        return;
      }
      const newSession =
        rule.unit === 'session' &&
        this.lastMessageAt !== null &&
        (this.sessionEnded || (this.gapMs !== null && e.at - this.lastMessageAt >= this.gapMs));
      if (newSession) {
        if (this.open) {
          this.close(this.open);
          this.closeOpen();
        }
        this.session += 1;
        stage.boundary();
      }
      this.sessionEnded = false;
      // Consumer-day rules judge each China day on its own: an unanswered run that reaches into a new day's
      // window leaves yesterday's round unreplied and starts today's. So do message rules (1688): the live clock
      // follows the day's first message, which has its own 3 minutes.
      if (
        this.open &&
        judgesEveryMessage(rule) &&
        this.open.clockAt !== null &&
        inWindow(e.at, rule.window) &&
        chinaDay(e.at) !== chinaDay(this.open.clockAt)
      ) {
        this.close(this.open);
        this.closeOpen();
      }
      const counter = isCounter(e);
      const cur = this.open;
      if (!cur) {
        const clockAt = inWindow(e.at, rule.window) ? e.at : null;
        const r: Round = {
          startAt: e.at,
          startMessageId: e.messageId,
          clockAt,
          lastBuyerAt: e.at,
          buyerMessages: 1,
          replyAt: null,
          session: this.session,
          ...(counter && { byCounter: true }),
        };
        this.open = r;
        stage.opened(r);
        this.starter = e;
      } else if (
        cur.byCounter &&
        e.at - cur.startAt <= COUNTER_SLACK_MS &&
        (!counter || e.observedAt < this.starter!.observedAt)
      ) {
        // The message the opening counter counted (its own time wins), or an earlier-seen reading of the same wait.
        (cur.absorbed ??= []).push(cur.startMessageId);
        cur.startAt = e.at;
        cur.startMessageId = e.messageId;
        cur.clockAt = inWindow(e.at, rule.window) ? e.at : null;
        cur.lastBuyerAt = Math.max(cur.lastBuyerAt, e.at);
        if (!counter) delete cur.byCounter;
        this.starter = e;
      } else if (counter) {
        // The page's counter of the wait already open: the same wait, no new message.
        (cur.absorbed ??= []).push(e.messageId);
      } else {
        cur.lastBuyerAt = e.at;
        cur.buyerMessages += 1;
        // Consumer-day rules judge every message, message rules (1688) time each one: the first in-window one
        // starts the clock.
        if (judgesEveryMessage(rule) && cur.clockAt === null && inWindow(e.at, rule.window)) cur.clockAt = e.at;
      }
      this.lastMessageAt = e.at;
      return;
    }
    if (OUTGOING.has(e.author)) {
      this.lastMessageAt = e.at;
      stage.outgoing(e, open);
      if (open && isValidReply(e, rule, { at: open.startAt, atPrecisionMs: this.starter?.atPrecisionMs })) {
        stage.settle(open);
        open.replyAt = e.at;
        if (e.atLatest !== undefined) open.replyAtLatest = e.atLatest;
        open.replyMessageId = e.messageId;
        this.closeOpen();
      }
    }
  }
}

function judgesEveryMessage(rule: MetricRule): boolean {
  return rule.unit === 'consumerDay' || rule.unit === 'message' || rule.unit === 'dayFirstMessage';
}

/** The counter events of a thread that its rounds (under `rule`) already account for: not worth keeping. */
export function absorbedCounters(thread: readonly ChatEvent[], rule: MetricRule): string[] {
  // Only counter readings are ever absorbed: a thread without one needs no rounds built (a pass, not a sort).
  if (!thread.some(isCounter)) return [];
  return buildRounds(threadOrder(thread), rule).flatMap((r) => r.absorbed ?? []);
}
