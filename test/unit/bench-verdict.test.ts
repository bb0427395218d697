import { describe, expect, it } from 'vitest';
import { REFERENCE_FLOORS, markdownGoals, ratioVerdict } from '../../scripts/bench/verdict';

describe('bench goal verdicts: ratio to the run’s floor', () => {
  it('divides the goal’s p95 by the floor’s p95; the target is the goal’s time over the reference floor', () => {
    const r = ratioVerdict(6, { p95: 4, n: 50 }, 10, 'workerDemo');
    expect(r).toEqual({
      value: 1.5,
      target: Math.round((10 / REFERENCE_FLOORS.workerDemo) * 100) / 100,
      floorMs: 4,
      met: 1.5 <= 10 / REFERENCE_FLOORS.workerDemo,
    });
  });

  it('a slow run under load can miss the time and still meet the ratio (the floor grew with the load)', () => {
    // The load made the floor 4× slower than the reference; the popup took 3.6× its goal.
    const floor = { p95: REFERENCE_FLOORS.blankPage * 4, n: 14 };
    const r = ratioVerdict(50 * 3.6, floor, 50, 'blankPage')!;
    expect(r.value).toBeCloseTo((50 * 0.9) / REFERENCE_FLOORS.blankPage, 2);
    expect(r.met).toBe(true);
    // …and a real regression misses both: the same floor, 12× the goal.
    expect(ratioVerdict(50 * 3 * 4, floor, 50, 'blankPage')!.met).toBe(false);
  });

  it('at exactly the target the ratio is met; just above it is not', () => {
    const floor = { p95: REFERENCE_FLOORS.workerDemo, n: 10 };
    expect(ratioVerdict(12, floor, 12, 'workerDemo')!.met).toBe(true);
    expect(ratioVerdict(12.1, floor, 12, 'workerDemo')!.met).toBe(false);
  });

  it('no verdict without a usable floor or measurement', () => {
    expect(ratioVerdict(5, null, 10, 'workerDemo')).toBeNull();
    expect(ratioVerdict(5, undefined, 10, 'workerDemo')).toBeNull();
    expect(ratioVerdict(5, { p95: 0, n: 10 }, 10, 'workerDemo')).toBeNull();
    expect(ratioVerdict(5, { p95: 2, n: 0 }, 10, 'workerDemo')).toBeNull();
    expect(ratioVerdict(Number.NaN, { p95: 2, n: 10 }, 10, 'workerDemo')).toBeNull();
  });

  it('the goals table shows both verdicts, and says when the floor is missing', () => {
    const md = markdownGoals([
      {
        goal: 'latency',
        target: '≤ 10 ms',
        measured: '14 ms',
        met: false,
        ratio: ratioVerdict(14, { p95: 10, n: 5 }, 10, 'workerDemo'),
      },
      { goal: 'popup', target: '≤ 50 ms', measured: 'error', met: false, ratio: null },
      { goal: 'bundle', target: '≤ 30 kB', measured: '25 kB', met: true },
    ]);
    const rows = md.split('\n');
    expect(rows).toHaveLength(5);
    expect(rows[2]).toMatch(
      /^\| latency \| ≤ 10 ms \| 14 ms \| ❌ missed \| 1\.4× floor \(10 ms\) · target ≤ \d+(\.\d+)?× \| ✅ met \|$/,
    );
    expect(rows[3]).toBe('| popup | ≤ 50 ms | error | ❌ missed | floor not measured | ❌ missed |');
    expect(rows[4]).toBe('| bundle | ≤ 30 kB | 25 kB | ✅ met | — | — |');
  });
});
