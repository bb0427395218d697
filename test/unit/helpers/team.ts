/**
 * Team sync test rows: a day, two agents, and a unit, clock and rollup of that day as the background stores them
 * (`team-sync.test.ts`, `team-digest.test.ts`).
 */
import { chinaTime } from '../../../lib/engine/time';
import type { ClockRow, RollupRow, UnitRow } from '../../../lib/model';

export const DAY = '2026-11-20';
export const NOW = chinaTime(DAY, 15);
export const AGENT_A = 'aaaaaaaa-0000-4000-8000-000000000001';
export const AGENT_B = 'bbbbbbbb-0000-4000-8000-000000000002';

export function unit(over: Partial<UnitRow> = {}): UnitRow {
  const buyer = over.buyer ?? 'b1';
  return {
    id: `pdd.manual3min|pdd|shop|${buyer}|${chinaTime(DAY, 10)}`,
    metric: 'pdd.manual3min',
    platform: 'pdd',
    account: 'shop',
    buyer,
    conv: `pdd|shop|${buyer}`,
    buyerNick: 'b***1',
    day: DAY,
    startAt: chinaTime(DAY, 10),
    dueAt: chinaTime(DAY, 10, 3),
    replyAt: chinaTime(DAY, 10, 1),
    responseSec: 60,
    cappedSec: 60,
    result: 'pass',
    rulesVersion: 'r1',
    ...over,
  };
}

export function clock(over: Partial<ClockRow> = {}): ClockRow {
  return {
    key: 'pdd|shop|b2',
    platform: 'pdd',
    account: 'shop',
    buyer: 'b2',
    buyerNick: 'b***2',
    metric: 'pdd.manual3min',
    status: 'pending',
    startedAt: NOW - 60_000,
    dueAt: NOW + 120_000,
    alertAt: NOW + 60_000,
    waitingMessages: 1,
    lastMessageAt: NOW - 60_000,
    lastText: '我的快递到哪了 SECRET-TEXT',
    alertedFor: 1,
    ...over,
  };
}

export const rollup = (over: Partial<RollupRow> = {}): RollupRow => ({
  id: `pdd.manual3min|${DAY}|pdd|shop`,
  metric: 'pdd.manual3min',
  day: DAY,
  platform: 'pdd',
  account: 'shop',
  pass: 3,
  fail: 1,
  pending: 0,
  unknown: 0,
  notAssessed: 0,
  cappedSum: 100,
  cappedCount: 4,
  updatedAt: NOW,
  ...over,
});
