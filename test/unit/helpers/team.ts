/**
 * Team sync test rows: a day, two agents, and a unit, clock and rollup of that day as the background stores them
 * (`team-sync.test.ts`, `team-digest.test.ts`); `unitOn`, `rollupOn`, `clockAt` for another day or moment
 * (`shop-live.test.tsx`, whose view runs on the real clock).
 */
import { chinaTime } from '../../../lib/engine/time';
import type { ClockRow, RollupRow, UnitRow } from '../../../lib/model';

export const DAY = '2026-11-20';
export const NOW = chinaTime(DAY, 15);
export const AGENT_A = 'aaaaaaaa-0000-4000-8000-000000000001';
export const AGENT_B = 'bbbbbbbb-0000-4000-8000-000000000002';

/** A unit of `day`: buyer b1 (or `over.buyer`) asked at 10:00, answered at 10:01, passed. */
export function unitOn(day: string, over: Partial<UnitRow> = {}): UnitRow {
  const buyer = over.buyer ?? 'b1';
  return {
    id: `pdd.manual3min|pdd|shop|${buyer}|${chinaTime(day, 10)}`,
    metric: 'pdd.manual3min',
    platform: 'pdd',
    account: 'shop',
    buyer,
    conv: `pdd|shop|${buyer}`,
    buyerNick: 'b***1',
    day,
    startAt: chinaTime(day, 10),
    dueAt: chinaTime(day, 10, 3),
    replyAt: chinaTime(day, 10, 1),
    responseSec: 60,
    cappedSec: 60,
    result: 'pass',
    rulesVersion: 'r1',
    ...over,
  };
}

/** A unit of DAY (see `unitOn`). */
export const unit = (over: Partial<UnitRow> = {}): UnitRow => unitOn(DAY, over);

/** A waiting clock at `now`: buyer b2 waiting a minute, due in two. */
export function clockAt(now: number, over: Partial<ClockRow> = {}): ClockRow {
  return {
    key: 'pdd|shop|b2',
    platform: 'pdd',
    account: 'shop',
    buyer: 'b2',
    buyerNick: 'b***2',
    metric: 'pdd.manual3min',
    status: 'pending',
    startedAt: now - 60_000,
    dueAt: now + 120_000,
    alertAt: now + 60_000,
    waitingMessages: 1,
    lastMessageAt: now - 60_000,
    lastText: '我的快递到哪了 SECRET-TEXT',
    alertedFor: 1,
    ...over,
  };
}

/** A clock at NOW (see `clockAt`). */
export const clock = (over: Partial<ClockRow> = {}): ClockRow => clockAt(NOW, over);

/** The rollup of `day`, updated at `now`: 3 passed, 1 failed. */
export const rollupOn = (day: string, now: number, over: Partial<RollupRow> = {}): RollupRow => ({
  id: `pdd.manual3min|${day}|pdd|shop`,
  metric: 'pdd.manual3min',
  day,
  platform: 'pdd',
  account: 'shop',
  pass: 3,
  fail: 1,
  pending: 0,
  unknown: 0,
  notAssessed: 0,
  cappedSum: 100,
  cappedCount: 4,
  updatedAt: now,
  ...over,
});

/** The rollup of DAY (see `rollupOn`). */
export const rollup = (over: Partial<RollupRow> = {}): RollupRow => rollupOn(DAY, NOW, over);
