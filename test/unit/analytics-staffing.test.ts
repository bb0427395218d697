/** Staffing: Erlang C against textbook values, the handling-time estimate from reply gaps, the hourly plan. */
import { describe, expect, it } from 'vitest';
import {
  agentsNeeded,
  completeDaysScope,
  EFFORT_CAP_SEC,
  erlangB,
  erlangC,
  estimateHandling,
  replyEfforts,
  hourWeekMatrices,
  staffingPlan,
  waitProbability,
} from '../../lib/analytics';
import type { EventRow, UnitRow } from '../../lib/model';
import { chinaTime } from '../../lib/engine/time';
import type { Author } from '../../lib/model';
import { DEFAULT_RULES } from '../../lib/rules';
import { unitRow } from './helpers/units';

const rules = DEFAULT_RULES;

/** Erlang C straight from the textbook formula (factorials), to check the recursion against. */
function erlangCDirect(n: number, a: number): number {
  let fact = 1;
  let s = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0) fact *= k;
    s += a ** k / fact;
  }
  const top = (a ** n / (fact * n)) * (n / (n - a));
  return top / (s + top);
}

describe('Erlang C', () => {
  it('matches exact small cases', () => {
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 15);
    expect(erlangB(2, 2)).toBeCloseTo(0.4, 15);
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 15);
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 15); // one agent: P(wait) = utilisation
    expect(erlangC(5, 0)).toBe(0);
    expect(erlangC(2, 2)).toBe(1); // cannot keep up
    expect(erlangC(2, 3)).toBe(1);
  });

  it('agrees with the factorial formula over a grid of loads and teams', () => {
    for (const a of [0.1, 0.9, 2, 5.5, 10, 17.3]) {
      for (let n = Math.floor(a) + 1; n <= Math.floor(a) + 8; n++) {
        expect(erlangC(n, a), `N=${n} A=${a}`).toBeCloseTo(erlangCDirect(n, a), 12);
      }
    }
  });

  it('reproduces the classic call-centre example: 100 calls / 30 min, AHT 180 s, 80% within 20 s → 14 agents', () => {
    // λ = 200 per hour, AHT 180 s → A = 10 Erlangs. Published table (N: P(wait), service level):
    // 11: 68.21%, 38.96%; 12: 44.94%, 64.02%; 13: 28.53%, 79.56%; 14: 17.41%, 88.84%.
    const a = 10;
    const table: [number, number, number][] = [
      [11, 0.6821, 0.3896],
      [12, 0.4494, 0.6402],
      [13, 0.2853, 0.7956],
      [14, 0.1741, 0.8884],
    ];
    for (const [n, pw, sl] of table) {
      expect(erlangC(n, a)).toBeCloseTo(pw, 4);
      expect(1 - waitProbability(n, a, 180, 20)).toBeCloseTo(sl, 4);
    }
    const need = agentsNeeded(200, 180, 20, 0.8);
    expect(need.agents).toBe(14);
    expect(need.load).toBe(10);
    expect(need.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(need.occupancy).toBeCloseTo(10 / 14, 12);
    // A stricter target needs more agents; a looser one fewer.
    expect(agentsNeeded(200, 180, 20, 0.9).agents).toBe(15);
    expect(agentsNeeded(200, 180, 20, 0.7).agents).toBe(13);
  });

  it('the 3-minute rule: 30 inquiries an hour at 240 s each need 4 agents for 80% (3 reach only 79.0%)', () => {
    // A = 2. N = 3: C = 4/9, P(wait > 180) = 4/9 · e^(−180/240) = 0.2100 → 79.0% < 80%.
    expect(1 - waitProbability(3, 2, 240, 180)).toBeCloseTo(1 - (4 / 9) * Math.exp(-0.75), 12);
    expect(1 - waitProbability(3, 2, 240, 180)).toBeLessThan(0.8);
    expect(agentsNeeded(30, 240, 180, 0.8).agents).toBe(4);
    expect(agentsNeeded(0, 240, 180, 0.8)).toEqual({ agents: 0, chats: 0, load: 0, serviceLevel: 1, occupancy: 0 });
    // A trickle still needs someone.
    expect(agentsNeeded(0.2, 60, 180, 0.8).agents).toBe(1);
  });

  it('rejects nonsense instead of returning a number', () => {
    expect(() => agentsNeeded(-1, 60, 180, 0.8)).toThrow(/arrival rate/);
    expect(() => agentsNeeded(10, 0, 180, 0.8)).toThrow(/handling time/);
    expect(() => agentsNeeded(10, 60, 180, 1)).toThrow(/service level/);
    expect(() => agentsNeeded(10, 60, -5, 0.8)).toThrow(/target wait/);
    expect(() => agentsNeeded(100_000, 3600, 180, 0.8, 50)).toThrow(/more than 50 agents/);
    expect(() => erlangC(1.5, 1)).toThrow(/whole number/);
    expect(() => erlangC(2, Number.NaN)).toThrow(/load/);
  });
});

let seq = 0;
function msg(buyer: string, author: Author, at: number, extra: Partial<EventRow> = {}): EventRow {
  const account = extra.account ?? 'shop';
  return {
    key: `taobao|${account}|${buyer}|e${++seq}`,
    conv: `taobao|${account}|${buyer}`,
    platform: 'taobao',
    account,
    buyer,
    messageId: `e${seq}`,
    author,
    at,
    timeSource: 'id',
    observedAt: at,
    ...extra,
  };
}
const at = (h: number, m: number, s = 0, day = '2026-11-19') => chinaTime(day, h, m, s);

const unit = (day: string, h: number, m: number, extra: Partial<UnitRow> = {}) =>
  unitRow('taobao.ww3min', day, chinaTime(day, h, m), 'pass', 30, extra);

describe('handling time from reply gaps', () => {
  const events = [
    msg('A', 'buyer', at(10, 0, 0)),
    msg('B', 'buyer', at(10, 0, 20)),
    msg('A', 'human', at(10, 0, 40)), // 40 s since A asked
    msg('B', 'human', at(10, 1, 0)), // 20 s: B asked 10:00:20, but the agent was busy with A until 10:00:40
    msg('B', 'assist', at(10, 1, 5)), // 5 s after the agent's previous reply
    msg('A', 'buyer', at(10, 10, 0)),
    msg('A', 'robot', at(10, 10, 1)), // robots take no agent time and are not "the previous message"
    msg('A', 'human', at(10, 15, 0)), // 300 s gap → capped
    msg('A', 'human', at(10, 16, 0), { atLatest: at(10, 17, 0) }), // uncertain time: not measured
    msg('C', 'human', at(11, 0, 0), { account: 'other' }), // nothing before it on that account: not measured
  ];

  it('measures each reply from the later of the conversation’s last message and the account’s last reply', () => {
    const efforts = replyEfforts(events);
    expect(efforts.map((e) => e.sec)).toEqual([40, 20, 5, EFFORT_CAP_SEC]);
    expect(EFFORT_CAP_SEC).toBe(120);
    // Input order does not matter.
    expect(replyEfforts([...events].reverse()).map((e) => e.sec)).toEqual([40, 20, 5, 120]);
  });

  it('AHT = measured effort ÷ inquiries on the days with messages, per scope', () => {
    const units = [
      unit('2026-11-19', 10, 0),
      unit('2026-11-19', 10, 0),
      unit('2026-11-19', 10, 10),
      unit('2026-11-18', 10, 0), // a day without stored messages (pruned): not in the ratio
      unit('2026-11-19', 10, 0, { metric: 'taobao.avgResp' }), // not the primary metric
    ];
    const scope = completeDaysScope('2026-11-20', 7);
    const est = estimateHandling(rules, events, units, scope);
    expect(est).toEqual({ ahtSec: 185 / 3, effortSec: 185, replies: 4, inquiries: 3, days: 1 });
    // Only the other account: one unmeasurable reply and no inquiries → no estimate.
    expect(
      estimateHandling(rules, events, units, { ...scope, platform: 'taobao', account: 'other' }).ahtSec,
    ).toBeNull();
    expect(estimateHandling(rules, [], [], scope)).toEqual({
      ahtSec: null,
      effortSec: 0,
      replies: 0,
      inquiries: 0,
      days: 0,
    });
  });
});

describe('staffing plan per hour of the week', () => {
  // Monday 2026-11-23 is "today": the plan uses the 14 complete days 2026-11-09 (Mon) … 2026-11-22 (Sun).
  const TODAY = '2026-11-23';
  const units: UnitRow[] = [];
  for (let i = 0; i < 20; i++) units.push(unit('2026-11-09', 10, i)); // Monday 10:00–10:59
  for (let i = 0; i < 40; i++) units.push(unit('2026-11-16', 10, i)); // the next Monday
  units.push(unit('2026-11-10', 9, 30)); // one Tuesday observed, the next one not
  for (let i = 0; i < 50; i++) units.push(unit(TODAY, 10, i)); // today is incomplete: left out
  units.push(unit('2026-11-16', 11, 0, { metric: 'taobao.avgResp' })); // not the primary metric

  const plan = staffingPlan(rules, units, completeDaysScope(TODAY, 14), {
    ahtSec: 240,
    targetSec: 180,
    targetLevel: 0.8,
  });

  it('averages each slot over the observed days of its weekday', () => {
    expect(plan.observedDays).toEqual([2, 1, 0, 0, 0, 0, 0]);
    expect(plan.slots[0]![10]!.perHour).toBe(30);
    expect(plan.slots[0]![11]!.perHour).toBe(0);
    expect(plan.slots[1]![9]!.perHour).toBe(1);
    expect(plan.slots[2]![10]!.perHour).toBeNull(); // no Wednesday observed: no rate, no advice
    expect(plan.slots[2]![10]!.need).toBeNull();
  });

  it('gives the smallest team that answers 80% within 3 minutes in every slot', () => {
    expect(plan.slots[0]![10]!.need).toMatchObject({ agents: 4, load: 2 });
    expect(plan.slots[0]![10]!.need!.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(plan.slots[0]![11]!.need!.agents).toBe(0);
    expect(plan.slots[1]![9]!.need!.agents).toBe(1);
    expect(plan.peak).toMatchObject({ weekday: 0, hour: 10 });
    // One account only: the other one has nothing.
    const other = staffingPlan(rules, units, completeDaysScope(TODAY, 14, { platform: 'taobao', account: 'other' }), {
      ahtSec: 240,
      targetSec: 180,
      targetLevel: 0.8,
    });
    expect(other.observedDays).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(other.peak).toBeNull();
  });

  it('a shorter handling time (the user’s override) needs fewer agents', () => {
    const quick = staffingPlan(rules, units, completeDaysScope(TODAY, 14), {
      ahtSec: 60,
      targetSec: 180,
      targetLevel: 0.8,
    });
    expect(quick.slots[0]![10]!.need!.agents).toBe(agentsNeeded(30, 60, 180, 0.8).agents);
    expect(quick.slots[0]![10]!.need!.agents).toBeLessThan(4);
  });
});

describe('chats per agent', () => {
  it('an agent holding several chats is that many chat places: agents = ⌈places ÷ chats each⌉', () => {
    // The classic example needs 14 places (A = 10 Erlangs, 80% within 20 s).
    expect(agentsNeeded(200, 180, 20, 0.8)).toMatchObject({ agents: 14, chats: 14 });
    expect(agentsNeeded(200, 180, 20, 0.8, 500, 3)).toMatchObject({ agents: 5, chats: 14 });
    expect(agentsNeeded(200, 180, 20, 0.8, 500, 4)).toMatchObject({ agents: 4, chats: 14 });
    expect(agentsNeeded(200, 180, 20, 0.8, 500, 14)).toMatchObject({ agents: 1, chats: 14 });
    // The service level and occupancy are those of the places, whatever the split.
    const one = agentsNeeded(200, 180, 20, 0.8);
    const three = agentsNeeded(200, 180, 20, 0.8, 500, 3);
    expect(three.serviceLevel).toBe(one.serviceLevel);
    expect(three.occupancy).toBeCloseTo(10 / 14, 12);
    // The team cap counts agents: 50 agents of 3 chats are 150 places.
    expect(agentsNeeded(100_000, 4, 180, 0.8, 50, 3).agents).toBeLessThanOrEqual(50);
    for (const bad of [0, 1.5, 21, NaN])
      expect(() => agentsNeeded(10, 60, 180, 0.8, 500, bad)).toThrow(/chats per agent/);
  });

  it('the plan divides each slot by the chats per agent', () => {
    const units: UnitRow[] = [];
    for (let i = 0; i < 200; i++) units.push(unit('2026-11-16', 10, i % 60)); // Monday 10:00, 200 inquiries
    const scope = completeDaysScope('2026-11-23', 14);
    const opts = { ahtSec: 180, targetSec: 20, targetLevel: 0.8 };
    const single = staffingPlan(rules, units, scope, opts);
    const multi = staffingPlan(rules, units, scope, { ...opts, chatsPerAgent: 3 });
    expect(single.slots[0]![10]!.need).toMatchObject({ agents: 14, chats: 14 });
    expect(multi.slots[0]![10]!.need).toMatchObject({ agents: 5, chats: 14 });
    expect(multi.peak).toMatchObject({ weekday: 0, hour: 10 });
  });
});

describe('the busiest hour agrees with the heatmap', () => {
  // Two weeks, every weekday observed twice; a little traffic every hour, the most on Thursday 18:00. Every slot
  // needs one agent: the busiest hour is still the heatmap's peak, not the first slot of the week (Monday 00:00).
  const TODAY = '2026-11-23';
  const days = Array.from({ length: 14 }, (_, i) => `2026-11-${String(9 + i).padStart(2, '0')}`);
  const units: UnitRow[] = [];
  for (const day of days) for (let h = 0; h < 24; h++) units.push(unit(day, h, 5));
  for (const day of ['2026-11-12', '2026-11-19']) for (let i = 0; i < 4; i++) units.push(unit(day, 18, 10 + i)); // Thursdays
  units.push(unit('2026-11-10', 1, 30)); // Tuesday 01:00: one more, less than Thursday 18:00
  const scope = completeDaysScope(TODAY, 14);

  it('when every hour needs the same team, the peak is the heatmap’s busiest cell', () => {
    const heat = hourWeekMatrices(rules, units, scope).volume;
    const plan = staffingPlan(rules, units, scope, { ahtSec: 30, targetSec: 180, targetLevel: 0.8, chatsPerAgent: 3 });
    const everyAgents = new Set(plan.slots.flat().map((s) => s.need?.agents));
    expect(everyAgents).toEqual(new Set([1])); // the complaint's case: 1 人 every hour
    let best = { weekday: 0, hour: 0, n: -1 };
    heat.cells.forEach((row, weekday) =>
      row.forEach((n, hour) => {
        if (n > best.n) best = { weekday, hour, n };
      }),
    );
    expect(best).toEqual({ weekday: 3, hour: 18, n: 10 });
    expect(plan.peak).toMatchObject({ weekday: best.weekday, hour: best.hour });
  });

  it('more agents needed wins over more inquiries elsewhere; among equals the higher rate', () => {
    const plan = staffingPlan(rules, units, scope, { ahtSec: 600, targetSec: 20, targetLevel: 0.95 });
    const top = Math.max(...plan.slots.flat().map((s) => s.need?.agents ?? 0));
    expect(plan.peak!.need!.agents).toBe(top);
    expect(plan.peak).toMatchObject({ weekday: 3, hour: 18 });
  });
});
