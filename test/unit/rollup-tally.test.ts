/** The one tally of rollup figures (lib/engine/rollup.ts): in-memory rollups and stored rollup rows agree. */
import { describe, expect, it } from 'vitest';
import { rollup, tallyUnits } from '../../lib/engine/rollup';
import type { RollupRow, UnitRow } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';

const unit = (id: string, result: UnitRow['result'], cappedSec: number | null, day = '2026-12-01'): UnitRow => ({
  id,
  metric: 'pdd.manual3min',
  platform: 'pdd',
  account: 'shop',
  buyer: id,
  conv: `pdd|shop|${id}`,
  day,
  startAt: 0,
  dueAt: 180_000,
  replyAt: null,
  responseSec: cappedSec,
  cappedSec,
  result,
  rulesVersion: 'test',
});

const UNITS = [
  unit('a', 'pass', 20),
  unit('b', 'fail', 180),
  unit('c', 'pending', null),
  // An undecided unit never counts toward the average, whatever it carries.
  unit('d', 'unknown', 50),
  unit('e', 'notAssessed', null),
  unit('f', 'pass', 40, '2026-12-02'),
];

describe('tallyUnits', () => {
  it('counts every result and averages decided units only, per (metric, day, platform, account)', () => {
    const rows = new Map<string, RollupRow>();
    tallyUnits(rows, UNITS, 1, 7);
    expect([...rows.keys()].sort()).toEqual([
      'pdd.manual3min|2026-12-01|pdd|shop',
      'pdd.manual3min|2026-12-02|pdd|shop',
    ]);
    expect(rows.get('pdd.manual3min|2026-12-01|pdd|shop')).toMatchObject({
      pass: 1,
      fail: 1,
      pending: 1,
      unknown: 1,
      notAssessed: 1,
      cappedSum: 200,
      cappedCount: 2,
      updatedAt: 7,
    });
  });

  it('removing what was added leaves zeros', () => {
    const rows = new Map<string, RollupRow>();
    tallyUnits(rows, UNITS, 1, 0);
    tallyUnits(rows, UNITS, -1, 0);
    for (const r of rows.values())
      expect([r.pass, r.fail, r.pending, r.unknown, r.notAssessed, r.cappedSum, r.cappedCount]).toEqual([
        0, 0, 0, 0, 0, 0, 0,
      ]);
  });

  it('agrees with rollup() over the same units', () => {
    const metric = effectiveRules(undefined).platforms.pdd.metrics.find((m) => m.key === 'pdd.manual3min');
    expect(metric).toBeDefined();
    const r = rollup(metric!, UNITS);
    const rows = new Map<string, RollupRow>();
    tallyUnits(rows, UNITS, 1, 0);
    const sum = (k: 'pass' | 'fail' | 'cappedSum' | 'cappedCount') => [...rows.values()].reduce((s, x) => s + x[k], 0);
    expect([r.counts.pass, r.counts.fail, r.cappedSum, r.cappedCount]).toEqual([
      sum('pass'),
      sum('fail'),
      sum('cappedSum'),
      sum('cappedCount'),
    ]);
    expect(r.average).toBe(240 / 3);
  });
});
