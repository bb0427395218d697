/**
 * `evaluate` carried from a thread to the same thread with messages appended: what a new message costs is the new
 * messages, not the thread (the background evaluates a conversation at every intake; a long day's thread has
 * thousands).
 *
 * The carry (`Carry`) is plain data the caller keeps with the thread and hands back at the next call; it describes
 * exactly the events it was made from (`events`, the first `count` of them) and is used only when the new input starts
 * with those same event objects, in thread order, then goes on strictly in thread order with new message ids: an
 * append. Anything else (a message moved, replaced or deleted, a cut moved to another midnight, other rules, another
 * conversation) builds it anew from the input, as a whole `evaluate` does. What is carried is only what no longer
 * depends on `now`, the coverage or how late the thread was seen:
 * - each metric's rounds builder (`RoundBuilder`, `MessageRoundBuilder`) after the events so far: its closed rounds
 *   never change again; the open round is settled on a copy at every call, as the thread's end settles it;
 * - the judgements of closed rounds that are replied, transferred or not assessed (`judgeRound` reads neither `now`,
 *   the coverage nor the sightings for them); a round closed unreplied otherwise is judged again at every call;
 * - per unit (group of rounds), the first round of each result among those judgements, and the unit itself while
 *   nothing in it is judged again and the thread's last nickname is the one written on it;
 * - the thread's latest sighting, last nickname, shop and text.
 * The output is `evaluate`'s for the same input, field for field and in the same order
 * (`test/unit/engine-incremental.test.ts` compares them at every step of random threads). Pure: no clock, no chrome.*;
 * the carry given is updated in place and returned (it then describes the new input).
 */
import { conversationKey, type ChatEvent, type UnitResult } from '../model';
import { computedMetrics, primaryMetric } from '../rules';
import type { MetricRule, RuleSet } from '../rules/types';
import {
  clockOf,
  combine,
  evaluate,
  firstOnly,
  groupOf,
  isByDay,
  judgeRound,
  type EngineInput,
  type EngineOutput,
  type RoundJudgement,
  type UnitOutcome,
  unitOf,
} from './index';
import { MessageRoundBuilder, isMessageUnit } from './messages-rate';
import { RoundBuilder, sightedAt, threadCompare, type Round } from './rounds';

/** What one conversation's evaluation carries to the next (see the module's comment). Owned by the caller. */
export interface Carry {
  rules: RuleSet;
  /** The input it describes: the first `count` events of this array (-1 while being updated). */
  events: readonly ChatEvent[];
  count: number;
  /** The message ids so far, to refuse a repeated one; absent when the caller vouches that ids are unique (`uniqueIds`). */
  ids: Set<string> | undefined;
  conv: string;
  first: ChatEvent;
  seen: number;
  nick: string | undefined;
  shop: string | undefined;
  text: string | undefined;
  metrics: MetricCarry[];
  /** The primary metric's rounds as the clock builds them, when its units are one-message rounds (1688). */
  clockRounds?: RoundBuilder;
  /** Index in `metrics` of the primary metric whose rounds the clock uses (-1: `clockRounds`). */
  primaryAt: number;
}

interface MetricCarry {
  rule: MetricRule;
  builder: RoundBuilder | MessageRoundBuilder;
  /** Judgements of `builder.closed[0..judged.length)`; null: judged again at every call (depends on the context). */
  judged: (RoundJudgement | null)[];
  groups: Map<string, Group>;
}

/** A unit's closed rounds. */
interface Group {
  /** Its first round's index. */
  first: number;
  /** The first assessed round with a carried judgement (-1: none). */
  firstAssessed: number;
  /** The first round of each result, among the carried judgements. */
  firstBy: Partial<Record<UnitResult, number>>;
  /** Closed rounds judged again at every call, in order. */
  dynamic: number[];
  /** The unit, while nothing in it is judged again, with the nickname written on it. */
  unit?: UnitOutcome;
  unitNick?: string | undefined;
}

export interface CarryOptions {
  /**
   * The caller vouches that no message id occurs twice in any input it gives (the worker's thread is keyed by message):
   * the carry then keeps no set of the ids seen. Order and conversation are still checked. A carry made with it is
   * not resumed by a call without it (built anew).
   */
  uniqueIds?: boolean;
}

const sameConv = (a: ChatEvent, b: ChatEvent) =>
  a.platform === b.platform && a.account === b.account && a.buyer === b.buyer;

/**
 * `evaluate(input)` for one conversation's events in thread order, carried from `carry` (made by an earlier call)
 * when the input is that input with events appended. Returns the output, the carry for the next call (undefined:
 * the input is not one conversation's thread in order, and was evaluated whole) and how many of the input's events
 * came with the carry (0: built anew).
 */
export function evaluateCarried(
  input: EngineInput,
  carry: Carry | undefined,
  opts: CarryOptions = {},
): { out: EngineOutput; carry: Carry | undefined; carried: number } {
  const events = input.events;
  const first = events[0];
  const platformRules = first && input.rules.platforms[first.platform];
  if (!first || !platformRules) return { out: evaluate(input), carry: undefined, carried: 0 };
  const uniqueIds = opts.uniqueIds === true;
  let c = carry && resumable(carry, input, uniqueIds) ? carry : undefined;
  if (!c) {
    c = fresh(input.rules, first, uniqueIds);
    if (!c) return { out: evaluate(input), carry: undefined, carried: 0 };
  }
  // From here the carry is being changed: not usable if this throws.
  const from = c.count;
  c.count = -1;
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    // Not an append in thread order of new messages of this conversation: evaluated whole, nothing carried.
    if (!sameConv(e, first) || c.ids?.has(e.messageId) || (i > 0 && threadCompare(events[i - 1]!, e) >= 0))
      return { out: evaluate(input), carry: undefined, carried: 0 };
    c.ids?.add(e.messageId);
    c.seen = Math.max(c.seen, sightedAt(e));
    if (e.buyerNick) c.nick = e.buyerNick;
    if (e.shop !== undefined) c.shop = e.shop;
    if (e.text !== undefined) c.text = e.text;
    for (const m of c.metrics) m.builder.push(e);
    c.clockRounds?.push(e);
  }
  for (const m of c.metrics) fold(m);
  c.events = events;
  c.count = events.length;
  return { out: output(c, input), carry: c, carried: from };
}

function resumable(c: Carry, input: EngineInput, uniqueIds: boolean): boolean {
  const events = input.events;
  if (c.count < 1 || c.rules !== input.rules || c.count > events.length) return false;
  // Made without the ids, it cannot check a caller that does not vouch for them.
  if (!c.ids && !uniqueIds) return false;
  const prev = c.events;
  for (let i = 0; i < c.count; i++) if (events[i] !== prev[i]) return false;
  return true;
}

function fresh(rules: RuleSet, first: ChatEvent, uniqueIds: boolean): Carry | undefined {
  const platformRules = rules.platforms[first.platform]!;
  const primary = primaryMetric(rules, first.platform);
  const metrics: MetricCarry[] = computedMetrics(platformRules).map((rule) => ({
    rule,
    builder: isMessageUnit(rule.unit) ? new MessageRoundBuilder(rule) : new RoundBuilder(rule),
    judged: [],
    groups: new Map(),
  }));
  // As `evaluate`: the primary metric's rounds when built the way the clock builds them, else built apart.
  const primaryAt = metrics.findIndex((m) => m.rule === primary && !isMessageUnit(m.rule.unit));
  return {
    rules,
    events: [],
    count: 0,
    ids: uniqueIds ? undefined : new Set(),
    conv: conversationKey(first),
    first,
    seen: -Infinity,
    nick: undefined,
    shop: undefined,
    text: undefined,
    metrics,
    ...(primaryAt < 0 && { clockRounds: new RoundBuilder(primary) }),
    primaryAt,
  };
}

/**
 * What a carry weighs, in stored messages, for a cache that bounds messages and carries together: an estimate from
 * the retained heap measured in Node (`scripts/probe/carry-mem.ts`, test/unit/carry-memory.test.ts,
 * bench-results/2026-12-06-carrymem.md): a message held by the worker's thread cache (row, thread array, key map)
 * ≈ 770 B; a closed round with its judgement ≈ 250 B (≈ 0.35 message); a held unit (group, its first rounds, the unit)
 * ≈ 560 B (≈ 0.75); the input array a pointer per message; rounded up, plus the carry's own objects.
 */
export function carryWeight(c: Carry): number {
  let rounds = c.clockRounds?.closed.length ?? 0;
  let groups = 0;
  for (const m of c.metrics) {
    rounds += m.builder.closed.length;
    groups += m.groups.size;
  }
  return Math.ceil(1 + c.count / 100 + rounds * 0.35 + groups * 0.75);
}

/** Is a closed round's judgement the same whatever `now`, the coverage and the sightings (see `judgeRound`)? */
function settled(r: Round): boolean {
  return r.clockAt === null || r.replyAt !== null || r.transferredAt !== undefined;
}

/** Judges the rounds closed since the last call and adds them to their units. */
function fold(m: MetricCarry): void {
  const closed = m.builder.closed;
  for (let i = m.judged.length; i < closed.length; i++) {
    const r = closed[i]!;
    // Context-free for a settled round (see `settled`): any context gives the same judgement.
    const j = settled(r) ? judgeRound(r, m.rule, NO_CONTEXT) : null;
    m.judged.push(j);
    const key = groupOf(m.rule, r, i);
    let g = m.groups.get(key);
    if (!g) m.groups.set(key, (g = { first: i, firstAssessed: -1, firstBy: {}, dynamic: [] }));
    delete g.unit;
    if (!j) g.dynamic.push(i);
    else if (j.result !== 'notAssessed') {
      if (g.firstAssessed < 0) g.firstAssessed = i;
      g.firstBy[j.result] ??= i;
    }
  }
}

const NO_CONTEXT = { now: 0, spans: [], seenUntil: -Infinity };

function output(c: Carry, input: EngineInput): EngineOutput {
  const { now, rules } = input;
  const first = c.first;
  const spans = input.coverage.filter((s) => s.platform === first.platform && s.account === first.account);
  const ctx = { now, spans, seenUntil: c.seen, rulesVersion: rules.version };
  let nextWakeAt: number | null = null;
  const wake = (t: number | null) => {
    if (t !== null && t > now && (nextWakeAt === null || t < nextWakeAt)) nextWakeAt = t;
  };
  // Sized once (at most a unit per held unit and per open round): a long thread has thousands, grown push by push
  // they cost copies of the array; cut to what was written below.
  let most = 0;
  for (const m of c.metrics)
    most += m.groups.size + (m.builder instanceof RoundBuilder ? (m.builder.open ? 1 : 0) : m.builder.open.length);
  const units = new Array<UnitOutcome>(most);
  let written = 0;
  let primaryLast: Round | undefined;
  c.metrics.forEach((m, k) => {
    const { rule, builder } = m;
    const closed = builder.closed;
    // The rounds still open, as the thread's end leaves them (indices from closed.length on).
    const open: Round[] =
      builder instanceof RoundBuilder ? [builder.settledOpen()].filter((r): r is Round => r !== null) : builder.open;
    if (k === c.primaryAt) primaryLast = open.at(-1) ?? closed.at(-1);
    const round = (i: number) => (i < closed.length ? closed[i]! : open[i - closed.length]!);
    // Judgements made now: closed rounds judged again, open rounds (by index).
    const judgedNow = new Map<number, RoundJudgement>();
    const judgement = (i: number) => (i < m.judged.length && m.judged[i]) || judgedNow.get(i)!;
    // The open rounds by unit: of units already held, or new ones (in order).
    const openBy = new Map<string, number[]>();
    open.forEach((r, o) => {
      const i = closed.length + o;
      judgedNow.set(i, judgeRound(r, rule, ctx));
      const key = groupOf(rule, r, i);
      const list = openBy.get(key);
      if (list) list.push(i);
      else openBy.set(key, [i]);
    });
    const byDay = isByDay(rule);
    const unit = (key: string, g: Group | undefined, extra: number[]): UnitOutcome => {
      // Members judged now, in order: the closed ones judged again, then the open ones.
      for (const i of extra) if (!judgedNow.has(i)) judgedNow.set(i, judgeRound(round(i), rule, ctx));
      const fixedFirstAssessed = g?.firstAssessed ?? -1;
      let firstExtraAssessed = -1;
      for (const i of extra)
        if (judgedNow.get(i)!.result !== 'notAssessed') {
          firstExtraAssessed = i;
          break;
        }
      let result: UnitResult = 'notAssessed';
      let rep = -1;
      if (firstOnly(rule)) {
        const d = minIndex(fixedFirstAssessed, firstExtraAssessed);
        if (d >= 0) {
          result = judgement(d).result;
          rep = d;
        }
      } else {
        const results: UnitResult[] = [];
        if (g) for (const r in g.firstBy) results.push(r as UnitResult);
        for (const i of extra) if (judgedNow.get(i)!.result !== 'notAssessed') results.push(judgedNow.get(i)!.result);
        if (results.length) {
          result = combine(results);
          let extraFirst = -1;
          for (const i of extra)
            if (judgedNow.get(i)!.result === result) {
              extraFirst = i;
              break;
            }
          rep = minIndex(g?.firstBy[result] ?? -1, extraFirst);
        }
      }
      const firstIdx = g ? g.first : extra[0]!;
      if (rep < 0) rep = firstIdx;
      return unitOf(
        rule,
        c.conv,
        first,
        c.nick,
        byDay ? key : undefined,
        round(firstIdx),
        round(rep),
        judgement(rep),
        result,
        rules.version,
      );
    };
    // (forEach: no entry array per unit, a long thread has thousands)
    m.groups.forEach((g, key) => {
      const opened = openBy.get(key);
      if (!opened && !g.dynamic.length) {
        if (!g.unit || g.unitNick !== c.nick) {
          g.unit = unit(key, g, NONE);
          g.unitNick = c.nick;
        }
        units[written++] = g.unit;
        return;
      }
      units[written++] = unit(key, g, opened ? g.dynamic.concat(opened) : g.dynamic);
      openBy.delete(key);
    });
    for (const [key, opened] of openBy) units[written++] = unit(key, undefined, opened);
  });
  units.length = written;
  for (const x of units) if (x.result === 'pending') wake(x.dueAt);
  if (c.clockRounds) {
    const b = c.clockRounds;
    primaryLast = b.settledOpen() ?? b.closed.at(-1);
  }
  const primary = primaryMetric(rules, first.platform);
  const clock = clockOf(c.conv, first, primary, primaryLast, c.events[c.count - 1]!, {
    nick: c.nick,
    shop: c.shop,
    text: c.text,
    ctx,
    alertLeadSec: input.alertLeadSec,
    wake,
  });
  return { clocks: [clock], units, nextWakeAt };
}

const NONE: number[] = [];

function minIndex(a: number, b: number): number {
  return a < 0 ? b : b < 0 ? a : Math.min(a, b);
}
