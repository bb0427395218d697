/**
 * Message rates (1688 新灯塔, platform-rules.md `ali1688.firstMsg3min` / `ali1688.perMsg3min`): the platform counts
 * inquiry MESSAGES, not rounds — "3分钟内被响应的消息数 / 发送询盘的消息数" (seed 001). Every buyer inquiry message
 * is timed on its own, to the first valid reply after it; a reply answers every message still waiting before it.
 *
 * The messages come out as one-message `Round`s, so the engine judges them exactly as it judges rounds (`judgeRound`:
 * pass / fail / pending / unknown, coverage, "seen late") and groups them like other units:
 * - `message` (平均每条响应率): every message is a unit;
 * - `dayFirstMessage` (首条响应率): the buyer's first inquiry message of each China calendar day inside the window is
 *   the day's unit (a day whose messages all fall outside the window is one not-assessed unit).
 *
 * Evidence follows `buildRounds`: a buyer message with no time on the page (history, `atLatest`) is never a new
 * question; a list row's counter reading stands for a message not seen only while nothing waits, and the first
 * message within COUNTER_SLACK_MS after it is the message it counted (its own time wins); system and internal
 * messages are ignored. Pure: no clock, no chrome.*.
 */
import type { ChatEvent } from '../model';
import type { MetricRule, UnitKind } from '../rules/types';
import { COUNTER_SLACK_MS, isCounter, isValidReply, OUTGOING, type Round } from './rounds';
import { inWindow } from './time';

/** Does this unit kind count messages (built here) rather than rounds (`buildRounds`)? */
export function isMessageUnit(unit: UnitKind): boolean {
  return unit === 'message' || unit === 'dayFirstMessage';
}

/**
 * One conversation's inquiry messages (thread in thread order), each as a one-message round: `startAt` / `clockAt`
 * are the message's time (`clockAt` null outside the window: not assessed), `replyAt` the first valid reply after it.
 */
export function buildMessageRounds(thread: readonly ChatEvent[], rule: MetricRule): Round[] {
  const b = new MessageRoundBuilder(rule);
  for (const e of thread) b.push(e);
  return b.closed.concat(b.open);
}

/**
 * `buildMessageRounds` fed one event at a time (thread order), so that its state can be carried from a thread to the
 * same thread with messages appended (`lib/engine/incremental.ts`). Rounds in `closed` (replied) never change again.
 */
export class MessageRoundBuilder {
  /** Replied messages, in order: never changed again. */
  closed: Round[] = [];
  /** Messages still waiting for a valid reply, oldest first. */
  open: Round[] = [];
  private lastBuyerAt = -Infinity;
  /** How finely the page showed the latest buyer message's time (`ChatEvent.atPrecisionMs`). */
  private lastBuyerPrecision: number | undefined;

  constructor(private readonly rule: MetricRule) {}

  private buyerAt(e: ChatEvent): void {
    if (e.at >= this.lastBuyerAt) this.lastBuyerPrecision = e.atPrecisionMs;
    this.lastBuyerAt = Math.max(this.lastBuyerAt, e.at);
  }

  private message(e: ChatEvent, byCounter: boolean): Round {
    return {
      startAt: e.at,
      startMessageId: e.messageId,
      clockAt: inWindow(e.at, this.rule.window) ? e.at : null,
      lastBuyerAt: e.at,
      buyerMessages: 1,
      replyAt: null,
      session: 0,
      ...(byCounter && { byCounter: true }),
    };
  }

  push(e: ChatEvent): void {
    const open = this.open;
    if (e.author === 'buyer') {
      // Untimed history never opens a question: a reload must not invent one.
      if (e.atLatest !== undefined) return;
      const first = open[0];
      if (isCounter(e)) {
        // Evidence of a wait: a message not seen, unless something already waits (then it is that wait).
        if (!first) {
          open.push(this.message(e, true));
          this.buyerAt(e);
        }
        return;
      }
      if (first?.byCounter && open.length === 1 && e.at - first.startAt <= COUNTER_SLACK_MS) {
        // The message the counter counted: its own time replaces the counter's.
        (first.absorbed ??= []).push(first.startMessageId);
        Object.assign(first, this.message(e, false));
        delete first.byCounter;
      } else {
        open.push(this.message(e, false));
      }
      this.buyerAt(e);
      return;
    }
    if (
      OUTGOING.has(e.author) &&
      open.length &&
      isValidReply(e, this.rule, { at: this.lastBuyerAt, atPrecisionMs: this.lastBuyerPrecision })
    ) {
      for (const r of open) {
        r.replyAt = e.at;
        if (e.atLatest !== undefined) r.replyAtLatest = e.atLatest;
        r.replyMessageId = e.messageId;
        this.closed.push(r);
      }
      this.open = [];
    }
  }
}
