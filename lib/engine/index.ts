/**
 * The response-clock engine: a pure function from message events + coverage + rules + now to clocks,
 * per-unit results and the next wake-up time. No chrome.*, no clock of its own: `now` is an input.
 */
import { conversationKey, type ChatEvent, type CoverageSpan, type Platform, type UnitResult } from '../model';
import { computedMetrics, primaryMetric } from '../rules';
import type { MetricRule, RuleSet } from '../rules/types';
import { buildMessageRounds, isMessageUnit } from './messages-rate';
import { buildRounds, sightedAt, threadOrder, type Round } from './rounds';
import { chinaDay } from './time';

export { chinaDay, chinaDayStart, chinaTime, inWindow } from './time';
export {
  absorbedCounters,
  buildRounds,
  threadOrder,
  betterTime,
  COUNTER_SLACK_MS,
  isCounter,
  type Round,
} from './rounds';
export { rollup, type Rollup } from './rollup';
export { buildMessageRounds, isMessageUnit } from './messages-rate';

export interface EngineInput {
  events: readonly ChatEvent[];
  coverage: readonly CoverageSpan[];
  rules: RuleSet;
  now: number;
  /** Alert this many seconds before a deadline. */
  alertLeadSec: number;
}

export type ClockStatus = 'idle' | 'answered' | 'pending' | 'breached' | 'unknown' | 'notAssessed';

/** The live state of one conversation, under its platform's primary metric. */
export interface Clock {
  key: string;
  platform: Platform;
  account: string;
  buyer: string;
  buyerNick?: string;
  shop?: string;
  metric: string;
  status: ClockStatus;
  /** Earliest unanswered buyer message (the clock start), or null when nothing waits. */
  startedAt: number | null;
  /** When the wait breaches the threshold; null when nothing assessed waits. */
  dueAt: number | null;
  /** When to alert (dueAt − alert lead), null as dueAt. */
  alertAt: number | null;
  /** Buyer messages waiting in the open round. */
  waitingMessages: number;
  /**
   * The wait began while no healthy tab watched the account (a row counter or the thread's history gave its start,
   * e.g. a question asked before the workbench was opened). It counts down, badges and alerts like any other.
   */
  startedBeforeWatching?: true;
  /** Breached, known from what the page showed after the deadline (history, a row counter), not watched live. */
  seenLate?: true;
  lastMessageAt: number;
  lastText?: string;
}

/** One assessed thing (round, consumer-day, session, message, a day's first message) of one metric. */
export interface UnitOutcome {
  /** Stable id: metric | conversation | unit start. */
  id: string;
  metric: string;
  platform: Platform;
  account: string;
  buyer: string;
  conv: string;
  buyerNick?: string;
  /** China date the unit is counted on. */
  day: string;
  /** Clock start (the buyer message that started the judged wait), or the first message when not assessed. */
  startAt: number;
  dueAt: number | null;
  replyAt: number | null;
  /** Seconds from clock start to the valid reply (upper bound when the reply time is uncertain). */
  responseSec: number | null;
  /** For capped averages: the value this unit contributes, once decided. */
  cappedSec: number | null;
  result: UnitResult;
  /** A fail known from what the page showed after the deadline (history, a row counter), not watched live. */
  seenLate?: true;
  rulesVersion: string;
}

export interface EngineOutput {
  clocks: Clock[];
  units: UnitOutcome[];
  /** The earliest future moment at which the output changes by itself (a deadline or an alert), or null. */
  nextWakeAt: number | null;
}

export interface RoundJudgement {
  result: UnitResult;
  dueAt: number | null;
  responseSec: number | null;
  cappedSec: number | null;
  seenLate?: true;
}

export function covered(spans: readonly CoverageSpan[], t: number): boolean {
  return spans.some((s) => s.from <= t && t <= s.to);
}

/**
 * Judges one round:
 * - replied: the reply's own timestamp decides (pass ≤ threshold < fail); an uncertain reply time that
 *   straddles the deadline is unknown, and so is a late reply when the page did not show when a human took over;
 * - transferred to another account unreplied: fail;
 * - unreplied before the deadline: pending;
 * - unreplied past the deadline: a breach if the extension was watching at the deadline, or if the page showed the
 *   conversation after the deadline with no valid reply (`seenUntil`: later messages, the time the thread or a row
 *   counter was seen) — then "seen late"; otherwise unknown (never silently pass or fail).
 */
export function judgeRound(
  r: Round,
  rule: MetricRule,
  ctx: { now: number; spans: readonly CoverageSpan[]; seenUntil: number },
): RoundJudgement {
  if (r.clockAt === null) return { result: 'notAssessed', dueAt: null, responseSec: null, cappedSec: null };
  const thr = rule.thresholdSec * 1000;
  const dueAt = r.clockAt + thr;
  const cap = rule.capSec ?? null;
  if (r.replyAt !== null) {
    const latest = r.replyAtLatest ?? r.replyAt;
    const sec = Math.max(0, (latest - r.clockAt) / 1000);
    let result: UnitResult;
    if (latest <= dueAt) result = 'pass';
    // Hand-over time not shown (see stage.ts): a reply later than the bound proves nothing.
    else if (r.replyAt > dueAt && !r.stageUnknown && !(r.stageLatest !== undefined && r.replyAt <= r.stageLatest + thr))
      result = 'fail';
    else result = 'unknown';
    const cappedSec = cap === null || result === 'unknown' ? null : Math.min(sec, cap);
    return { result, dueAt, responseSec: sec, cappedSec };
  }
  // Transferred away unanswered: a fail for the account that held it, whatever the time (§3.5).
  if (r.transferredAt !== undefined) return { result: 'fail', dueAt, responseSec: null, cappedSec: cap };
  if (!r.closedUnreplied && ctx.now < dueAt) return { result: 'pending', dueAt, responseSec: null, cappedSec: null };
  if (covered(ctx.spans, dueAt)) return { result: 'fail', dueAt, responseSec: null, cappedSec: cap };
  if (ctx.seenUntil > dueAt) return { result: 'fail', dueAt, responseSec: null, cappedSec: cap, seenLate: true };
  return { result: 'unknown', dueAt, responseSec: null, cappedSec: null };
}

const RANK: Record<UnitResult, number> = { fail: 5, pending: 4, unknown: 3, pass: 2, notAssessed: 1 };

export function combine(results: UnitResult[]): UnitResult {
  let best: UnitResult = 'notAssessed';
  for (const r of results) if (RANK[r] > RANK[best]) best = r;
  return best;
}

function unitsForMetric(
  conv: string,
  thread: readonly ChatEvent[],
  rule: MetricRule,
  ctx: { now: number; spans: readonly CoverageSpan[]; seenUntil: number; rulesVersion: string },
): { units: UnitOutcome[]; rounds: Round[]; judged: RoundJudgement[] } {
  // Message metrics (1688) judge each inquiry message as a one-message round (lib/engine/messages-rate.ts).
  const rounds = isMessageUnit(rule.unit) ? buildMessageRounds(thread, rule) : buildRounds(thread, rule);
  const judged = rounds.map((r) => judgeRound(r, rule, ctx));
  const first = thread[0]!;
  const buyerNick = lastNick(thread);
  const byDay = isByDay(rule);
  const groups = new Map<string, number[]>();
  rounds.forEach((r, i) => {
    const g = groupOf(rule, r, i);
    const list = groups.get(g);
    if (list) list.push(i);
    else groups.set(g, [i]);
  });
  const units: UnitOutcome[] = [];
  for (const [g, idx] of groups) {
    const assessed = idx.filter((i) => judged[i]!.result !== 'notAssessed');
    const decisive = firstOnly(rule) ? assessed.slice(0, 1) : assessed;
    const result = decisive.length ? combine(decisive.map((i) => judged[i]!.result)) : 'notAssessed';
    // The round that represents the unit: the first failing one, else the first decisive one, else the first.
    const repIdx = decisive.find((i) => judged[i]!.result === result) ?? decisive[0] ?? idx[0]!;
    units.push(
      unitOf(
        rule,
        conv,
        first,
        buyerNick,
        byDay ? g : undefined,
        rounds[idx[0]!]!,
        rounds[repIdx]!,
        judged[repIdx]!,
        result,
        ctx.rulesVersion,
      ),
    );
  }
  return { units, rounds, judged };
}

/** Does only a unit's first assessed round decide it? */
export function firstOnly(rule: MetricRule): boolean {
  return rule.judged === 'firstRound' || rule.unit === 'dayFirstMessage';
}

/** A unit's group key: its China day (day units), its session, else its round (by index). */
export function groupOf(rule: MetricRule, r: Round, i: number): string {
  return isByDay(rule) ? chinaDay(r.clockAt ?? r.startAt) : rule.unit === 'session' ? `s${r.session}` : `r${i}`;
}

export function isByDay(rule: MetricRule): boolean {
  return rule.unit === 'consumerDay' || rule.unit === 'dayFirstMessage';
}

/**
 * One unit of a metric: `day` its group's day (day units, else undefined), `firstRound` the group's first round, `rep`
 * the round that represents it and `j` that round's judgement, `result` the group's.
 */
export function unitOf(
  rule: MetricRule,
  conv: string,
  first: ChatEvent,
  buyerNick: string | undefined,
  day: string | undefined,
  firstRound: Round,
  rep: Round,
  j: RoundJudgement,
  result: UnitResult,
  rulesVersion: string,
): UnitOutcome {
  const startAt = rep.clockAt ?? rep.startAt;
  return {
    id: `${rule.key}|${conv}|${day ?? firstRound.startMessageId}`,
    metric: rule.key,
    platform: first.platform,
    account: first.account,
    buyer: first.buyer,
    conv,
    ...(buyerNick !== undefined && { buyerNick }),
    day: day ?? chinaDay(startAt),
    startAt,
    dueAt: j.dueAt,
    replyAt: rep.replyAt,
    responseSec: j.responseSec,
    cappedSec: j.cappedSec,
    result,
    ...(j.seenLate && result === 'fail' && { seenLate: true as const }),
    rulesVersion,
  };
}

/**
 * Until when the page is known to have shown the conversation as the thread holds it (no valid reply missing): the
 * latest of its events' sightings (`sightedAt`: exact message times, when messages or row counters were seen, later
 * sightings kept by the background).
 */
export function seenThrough(thread: readonly ChatEvent[]): number {
  let seen = -Infinity;
  for (const e of thread) seen = Math.max(seen, sightedAt(e));
  return seen;
}

/**
 * A sighting of a conversation at `at` (the page showed it, with nothing after what `thread` holds) that a verdict
 * needs: the open round of `rule` waits unanswered past its deadline, which no coverage span holds and nothing seen so
 * far reaches. Returns the event to keep the sighting on (the round's opening buyer event, as `seenAt`), else null:
 * keeping it would change the store for nothing.
 */
export function lateSighting(
  thread: readonly ChatEvent[],
  rule: MetricRule,
  spans: readonly CoverageSpan[],
  at: number,
): ChatEvent | null {
  const ordered = threadOrder(thread);
  // Seen at or after `at` already: whatever the open round's deadline, nothing new is learnt (below: `at` must pass
  // the deadline and nothing seen may). Decided without building the rounds (the usual case: a new message).
  const seen = seenThrough(ordered);
  if (seen >= at) return null;
  const last = buildRounds(ordered, rule).at(-1);
  if (!last || last.replyAt !== null || last.closedUnreplied || last.clockAt === null) return null;
  const dueAt = last.clockAt + rule.thresholdSec * 1000;
  if (at <= dueAt || covered(spans, dueAt) || seen > dueAt) return null;
  return ordered.find((e) => e.messageId === last.startMessageId) ?? null;
}

/** The buyer's nickname written on a thread's units and clock: the thread's last one. */
export function lastNick(thread: readonly ChatEvent[]): string | undefined {
  for (let i = thread.length - 1; i >= 0; i--) if (thread[i]!.buyerNick) return thread[i]!.buyerNick;
  return undefined;
}

function lastWith<K extends keyof ChatEvent>(thread: readonly ChatEvent[], k: K): ChatEvent[K] | undefined {
  for (let i = thread.length - 1; i >= 0; i--) if (thread[i]![k] !== undefined) return thread[i]![k];
  return undefined;
}

export function evaluate(input: EngineInput): EngineOutput {
  const { rules, now } = input;
  const byConv = new Map<string, ChatEvent[]>();
  for (const e of input.events) {
    const k = conversationKey(e);
    const list = byConv.get(k);
    if (list) list.push(e);
    else byConv.set(k, [e]);
  }
  const clocks: Clock[] = [];
  const units: UnitOutcome[] = [];
  let nextWakeAt: number | null = null;
  const wake = (t: number | null) => {
    if (t !== null && t > now && (nextWakeAt === null || t < nextWakeAt)) nextWakeAt = t;
  };

  for (const [conv, raw] of byConv) {
    const thread = threadOrder(raw);
    const first = thread[0]!;
    const platformRules = rules.platforms[first.platform];
    if (!platformRules) continue;
    const spans = input.coverage.filter((s) => s.platform === first.platform && s.account === first.account);
    const seenUntil = seenThrough(thread);
    const ctx = { now, spans, seenUntil, rulesVersion: rules.version };

    // The live clock follows the primary metric.
    const primary = primaryMetric(rules, first.platform);
    let primaryRounds: Round[] | undefined;
    for (const rule of computedMetrics(platformRules)) {
      const { units: u, rounds: r } = unitsForMetric(conv, thread, rule, ctx);
      // The primary metric's rounds, when built the way the clock builds them (not one-message rounds): not twice.
      if (rule === primary && !isMessageUnit(rule.unit)) primaryRounds = r;
      units.push(...u);
      for (const x of u) if (x.result === 'pending') wake(x.dueAt);
    }

    const rounds = primaryRounds ?? buildRounds(thread, primary);
    const clock = clockOf(conv, first, primary, rounds[rounds.length - 1], thread[thread.length - 1]!, {
      nick: lastNick(thread),
      shop: lastWith(thread, 'shop'),
      text: lastWith(thread, 'text'),
      ctx,
      alertLeadSec: input.alertLeadSec,
      wake,
    });
    clocks.push(clock);
  }
  return { clocks, units, nextWakeAt };
}

/**
 * A conversation's clock: `last` is the primary metric's last round (as the thread's end settles it), `lastEvent` the
 * thread's last event; `wake` is told the moments the clock changes by itself.
 */
export function clockOf(
  conv: string,
  first: ChatEvent,
  primary: MetricRule,
  last: Round | undefined,
  lastEvent: ChatEvent,
  o: {
    nick: string | undefined;
    shop: string | undefined;
    text: string | undefined;
    ctx: { now: number; spans: readonly CoverageSpan[]; seenUntil: number };
    alertLeadSec: number;
    wake: (t: number | null) => void;
  },
): Clock {
  const { nick, shop, text, ctx, wake } = o;
  const spans = ctx.spans;
  const clock: Clock = {
    key: conv,
    platform: first.platform,
    account: first.account,
    buyer: first.buyer,
    ...(nick !== undefined && { buyerNick: nick }),
    ...(shop !== undefined && { shop }),
    metric: primary.key,
    status: 'idle',
    startedAt: null,
    dueAt: null,
    alertAt: null,
    waitingMessages: 0,
    lastMessageAt: lastEvent.at,
    ...(text !== undefined && { lastText: text }),
  };
  if (last && last.replyAt === null && !last.closedUnreplied) {
    const j = judgeRound(last, primary, ctx);
    clock.startedAt = last.startAt;
    clock.waitingMessages = last.buyerMessages;
    clock.dueAt = j.dueAt;
    if (!covered(spans, last.startAt)) clock.startedBeforeWatching = true;
    if (j.seenLate) clock.seenLate = true;
    clock.status =
      j.result === 'fail'
        ? 'breached'
        : j.result === 'pending'
          ? 'pending'
          : j.result === 'unknown'
            ? 'unknown'
            : 'notAssessed';
    if (j.dueAt !== null) {
      const alertAt = Math.max(last.clockAt ?? last.startAt, j.dueAt - o.alertLeadSec * 1000);
      clock.alertAt = alertAt;
      if (j.result === 'pending') {
        wake(alertAt);
        wake(j.dueAt);
      }
    }
  } else if (last) {
    clock.status = 'answered';
  }
  return clock;
}

/** Urgency order for display: breached first (longest overdue first), then pending by time left, then the rest. */
export function byUrgency(a: Clock, b: Clock): number {
  const rank = (c: Clock) =>
    c.status === 'breached'
      ? 0
      : c.status === 'pending'
        ? 1
        : c.status === 'unknown'
          ? 2
          : c.status === 'notAssessed'
            ? 3
            : 4;
  return rank(a) - rank(b) || (a.dueAt ?? a.startedAt ?? Infinity) - (b.dueAt ?? b.startedAt ?? Infinity);
}
