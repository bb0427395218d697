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
  const out: Round[] = [];
  /** Messages still waiting for a valid reply, oldest first. */
  let open: Round[] = [];
  let lastBuyerAt = -Infinity;
  /** How finely the page showed the latest buyer message's time (`ChatEvent.atPrecisionMs`). */
  let lastBuyerPrecision: number | undefined;
  const buyerAt = (e: ChatEvent) => {
    if (e.at >= lastBuyerAt) lastBuyerPrecision = e.atPrecisionMs;
    lastBuyerAt = Math.max(lastBuyerAt, e.at);
  };
  const message = (e: ChatEvent, byCounter: boolean): Round => ({
    startAt: e.at,
    startMessageId: e.messageId,
    clockAt: inWindow(e.at, rule.window) ? e.at : null,
    lastBuyerAt: e.at,
    buyerMessages: 1,
    replyAt: null,
    session: 0,
    ...(byCounter && { byCounter: true }),
  });

  for (const e of thread) {
    if (e.author === 'buyer') {
      // Untimed history never opens a question: a reload must not invent one.
      if (e.atLatest !== undefined) continue;
      const first = open[0];
      if (isCounter(e)) {
        // Evidence of a wait: a message not seen, unless something already waits (then it is that wait).
        if (!first) {
          const r = message(e, true);
          open.push(r);
          out.push(r);
          buyerAt(e);
        }
        continue;
      }
      if (first?.byCounter && open.length === 1 && e.at - first.startAt <= COUNTER_SLACK_MS) {
        // The message the counter counted: its own time replaces the counter's.
        (first.absorbed ??= []).push(first.startMessageId);
        Object.assign(first, message(e, false));
        delete first.byCounter;
      } else {
        const r = message(e, false);
        open.push(r);
        out.push(r);
      }
      buyerAt(e);
      continue;
    }
    if (
      OUTGOING.has(e.author) &&
      open.length &&
      isValidReply(e, rule, { at: lastBuyerAt, atPrecisionMs: lastBuyerPrecision })
    ) {
      for (const r of open) {
        r.replyAt = e.at;
        if (e.atLatest !== undefined) r.replyAtLatest = e.atLatest;
        r.replyMessageId = e.messageId;
      }
      open = [];
    }
  }
  return out;
}
