/**
 * Staffing hints: how many agents each hour of the week needs to keep the reply rule (e.g. 80% of inquiries
 * answered within 3 minutes), by Erlang C from the observed arrival rates and an estimated handling time.
 *
 * Handling time, honestly: the pages show when messages were sent, not how long an agent worked on them.
 * The estimate is the agent's *composing time*: for every human (or robot-assisted) reply, the time since the
 * later of (a) the previous buyer or agent message in that conversation and (b) the same account's previous
 * reply in any conversation, capped at EFFORT_CAP_SEC (a longer gap means the agent was doing something else,
 * the buyer's wait is counted by the rules, not here). Agents juggle several chats; this counts only the time
 * one reply takes away from the others. The handling time per inquiry is the sum of that effort divided by the
 * number of inquiries (primary-metric units) on the same days, so that λ × AHT is the observed work per hour.
 * It is an estimate from reply gaps: the page shows it with its sample and lets the user override it.
 */
import { addDays } from '../compliance';
import type { EventRow, UnitRow } from '../model';
import { chinaDay } from '../engine/time';
import type { ChatEvent, Platform } from '../model';
import type { RuleSet } from '../rules/types';
import type { DayStatRow } from './daystats';
import { agentsNeeded, type StaffingNeed } from './erlang';
import { chinaHour, chinaWeekday, dayWeekday, inScope, primaryMetrics, scopeDays, type Scope } from './scope';

/** A reply gap longer than this is not all handling: at most this much of it counts. */
export const EFFORT_CAP_SEC = 120;

/** Complete days only (today is still running): the `days` China days before `today`. */
export function completeDaysScope(today: string, days: number, only?: { platform: Platform; account: string }): Scope {
  if (!Number.isInteger(days) || days < 1) throw new Error(`range must be a whole number of days ≥ 1: ${days}`);
  return {
    from: addDays(today, -days),
    to: addDays(today, -1),
    ...(only && { platform: only.platform, account: only.account }),
  };
}

export interface HandlingEstimate {
  /** Mean agent seconds per inquiry; null when the sample has no inquiry or no measurable reply. */
  ahtSec: number | null;
  /** Total estimated agent effort in the sample, seconds. */
  effortSec: number;
  /** Replies whose effort could be measured (a previous message to measure from was seen). */
  replies: number;
  /** Primary-metric units on the days the sample has messages for. */
  inquiries: number;
  /** Days of the scope that have stored messages (older ones may have been pruned). */
  days: number;
}

type Msg = Pick<
  ChatEvent,
  'platform' | 'account' | 'buyer' | 'messageId' | 'author' | 'at' | 'observedAt' | 'atLatest'
>;

/** Per reply: the estimated composing time in seconds (see the module comment), in time order. */
export function replyEfforts(events: readonly Msg[]): { event: Msg; sec: number }[] {
  const list = events
    .filter((e) => e.atLatest === undefined && (e.author === 'buyer' || e.author === 'human' || e.author === 'assist'))
    .sort(
      (a, b) =>
        a.at - b.at ||
        a.observedAt - b.observedAt ||
        (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0),
    );
  const lastReply = new Map<string, number>();
  const lastInConv = new Map<string, number>();
  const out: { event: Msg; sec: number }[] = [];
  for (const e of list) {
    const acct = `${e.platform}|${e.account}`;
    const conv = `${acct}|${e.buyer}`;
    if (e.author !== 'buyer') {
      const from = Math.max(lastReply.get(acct) ?? -Infinity, lastInConv.get(conv) ?? -Infinity);
      if (from > -Infinity) out.push({ event: e, sec: Math.min(EFFORT_CAP_SEC, Math.max(0, (e.at - from) / 1000)) });
      lastReply.set(acct, e.at);
    }
    lastInConv.set(conv, e.at);
  }
  return out;
}

/** Estimates the handling time per inquiry over a scope (see the module comment). */
export function estimateHandling(
  rules: RuleSet,
  events: readonly EventRow[],
  units: readonly UnitRow[],
  scope: Scope,
): HandlingEstimate {
  const mine = events.filter((e) => inScope({ day: chinaDay(e.at), platform: e.platform, account: e.account }, scope));
  const days = new Set(mine.map((e) => chinaDay(e.at)));
  const primary = primaryMetrics(rules);
  let inquiries = 0;
  for (const u of units) if (primary.has(u.metric) && days.has(u.day) && inScope(u, scope)) inquiries += 1;
  return handlingOf(mine, days, inquiries);
}

/** `estimateHandling` with the inquiries counted from the per-day aggregates (`dayStats`) instead of the units. */
export function estimateHandlingFromStats(
  rules: RuleSet,
  events: readonly EventRow[],
  stats: readonly DayStatRow[],
  scope: Scope,
): HandlingEstimate {
  const mine = events.filter((e) => inScope({ day: chinaDay(e.at), platform: e.platform, account: e.account }, scope));
  const days = new Set(mine.map((e) => chinaDay(e.at)));
  const primary = primaryMetrics(rules);
  let inquiries = 0;
  for (const r of stats) if (primary.has(r.metric) && days.has(r.day) && inScope(r, scope)) inquiries += r.n;
  return handlingOf(mine, days, inquiries);
}

function handlingOf(mine: readonly EventRow[], days: Set<string>, inquiries: number): HandlingEstimate {
  const efforts = replyEfforts(mine);
  const effortSec = efforts.reduce((s, x) => s + x.sec, 0);
  return {
    ahtSec: inquiries && efforts.length ? effortSec / inquiries : null,
    effortSec,
    replies: efforts.length,
    inquiries,
    days: days.size,
  };
}

export interface StaffingOptions {
  /** Mean handling time per inquiry, seconds. */
  ahtSec: number;
  /** The wait to keep: the platform's reply deadline (180 s for the 3-minute rules). */
  targetSec: number;
  /** Share of inquiries to answer within targetSec (e.g. 0.8). */
  targetLevel: number;
  /** Chats one agent holds at once (1–20; default 1, one at a time). */
  chatsPerAgent?: number;
}

export interface SlotNeed {
  weekday: number;
  hour: number;
  /** Mean inquiries in this hour of the week over the observed days; null when that weekday was never observed. */
  perHour: number | null;
  /** Erlang C result, null when there is no rate or the target cannot be met with a sane number of agents. */
  need: StaffingNeed | null;
}

export interface StaffingPlan {
  /** `slots[weekday][hour]`, Monday = 0. */
  slots: SlotNeed[][];
  /** How many days of each weekday the rates are averaged over. */
  observedDays: number[];
  /**
   * The busiest slot: the most agents needed, and among slots that need as many, the highest arrival rate (then the
   * most inquiries, then the first in the week). With the same number of observed days per weekday this is the
   * heatmap's busiest cell whenever it needs the most agents, even when every hour needs the same team.
   */
  peak: SlotNeed | null;
}

/**
 * Per hour of the week: λ = inquiries (primary-metric units, by clock start) in that slot ÷ the number of
 * observed days of that weekday in the scope (a day is observed when it has at least one inquiry: days the
 * extension was not running would otherwise dilute the rate), then Erlang C for the smallest team that keeps
 * P(wait > targetSec) ≤ 1 − targetLevel. Use complete days (`completeDaysScope`).
 */
export function staffingPlan(
  rules: RuleSet,
  units: readonly UnitRow[],
  scope: Scope,
  opts: StaffingOptions,
): StaffingPlan {
  const primary = primaryMetrics(rules);
  const counts = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const observed = new Set<string>();
  for (const u of units) {
    if (!primary.has(u.metric) || !inScope(u, scope)) continue;
    observed.add(u.day);
    const row = counts[chinaWeekday(u.startAt)]!;
    row[chinaHour(u.startAt)]! += 1;
  }
  return plan(counts, observed, scope, opts);
}

/** `staffingPlan` from the per-day aggregates (`dayStats`: units per hour of the week) instead of the units. */
export function staffingPlanFromStats(
  rules: RuleSet,
  stats: readonly DayStatRow[],
  scope: Scope,
  opts: StaffingOptions,
): StaffingPlan {
  const primary = primaryMetrics(rules);
  const counts = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const observed = new Set<string>();
  for (const r of stats) {
    if (!primary.has(r.metric) || !inScope(r, scope)) continue;
    observed.add(r.day);
    for (const [k, v] of Object.entries(r.vol)) counts[Math.floor(Number(k) / 24)]![Number(k) % 24]! += v;
  }
  return plan(counts, observed, scope, opts);
}

function plan(counts: number[][], observed: Set<string>, scope: Scope, opts: StaffingOptions): StaffingPlan {
  const observedDays = new Array<number>(7).fill(0);
  for (const d of scopeDays(scope)) if (observed.has(d)) observedDays[dayWeekday(d)]! += 1;
  let peak: SlotNeed | null = null;
  let peakCount = 0;
  const slots = counts.map((row, weekday) =>
    row.map((count, hour): SlotNeed => {
      const days = observedDays[weekday]!;
      const perHour = days ? count / days : null;
      let need: StaffingNeed | null = null;
      if (perHour !== null) {
        try {
          need = agentsNeeded(perHour, opts.ahtSec, opts.targetSec, opts.targetLevel, 500, opts.chatsPerAgent ?? 1);
        } catch {
          need = null;
        }
      }
      const slot = { weekday, hour, perHour, need };
      if (need && need.agents > 0 && busier(slot, count, peak, peakCount)) {
        peak = slot;
        peakCount = count;
      }
      return slot;
    }),
  );
  return { slots, observedDays, peak };
}

/** Is `slot` (with `count` inquiries) busier than `peak`: more agents, else a higher rate, else more inquiries? */
function busier(slot: SlotNeed, count: number, peak: SlotNeed | null, peakCount: number): boolean {
  if (!peak?.need) return true;
  const a = slot.need!.agents - peak.need.agents;
  if (a !== 0) return a > 0;
  const r = (slot.perHour ?? 0) - (peak.perHour ?? 0);
  if (r !== 0) return r > 0;
  return count > peakCount;
}
