import { describe, expect, it } from 'vitest';
import { pageCost } from '../../scripts/bench/pagecost';

const page = (busy: number, program: number, gc: number, script: number) => ({
  busyMsPerSec: busy,
  programMsPerSec: program,
  gcMsPerSec: gc,
  scriptMsPerSec: script,
});

describe('page cost attributable to the extension (bench)', () => {
  it('adds its script, the extra collections and the badges’ rendering, against busy time and the naive poller', () => {
    const c = pageCost({
      extension: page(200, 120, 1.2, 0.4),
      plain: page(199, 120, 1.0, 0),
      naive: page(230, 121, 1.1, 20),
      badgesShown: { programMsPerSec: 120.3 },
      badgesHidden: { programMsPerSec: 120.0 },
    });
    expect(c.gcDeltaMsPerSec).toBeCloseTo(0.2);
    expect(c.badgeRenderDeltaMsPerSec).toBeCloseTo(0.3);
    expect(c.attributableMsPerSec).toBeCloseTo(0.9);
    expect(c.sharePercent).toBeCloseTo(0.45);
    expect(c.ofNaiveScript).toBeCloseTo(0.045);
    expect(c.met).toBe(true);
  });

  it('a negative difference (noise) adds nothing but is reported as measured', () => {
    const c = pageCost({
      extension: page(100, 60, 0.5, 0.2),
      plain: page(100, 60, 0.9, 0),
      naive: page(120, 60, 0.5, 10),
      badgesShown: { programMsPerSec: 59 },
      badgesHidden: { programMsPerSec: 60 },
    });
    expect(c.gcDeltaMsPerSec).toBeCloseTo(-0.4);
    expect(c.badgeRenderDeltaMsPerSec).toBeCloseTo(-1);
    expect(c.attributableMsPerSec).toBeCloseTo(0.2);
  });

  it('misses on either limit: over 0.5% of busy time, or over 1/20 of the poller’s script', () => {
    const base = {
      plain: page(100, 60, 0.5, 0),
      badgesShown: { programMsPerSec: 60 },
      badgesHidden: { programMsPerSec: 60 },
    };
    // 0.6% of busy time, 1/50 of the poller.
    expect(pageCost({ ...base, extension: page(100, 60, 0.5, 0.6), naive: page(130, 60, 0.5, 30) }).met).toBe(false);
    // 0.3% of busy time, but 1/10 of the poller.
    expect(pageCost({ ...base, extension: page(100, 60, 0.5, 0.3), naive: page(103, 60, 0.5, 3) }).met).toBe(false);
    // No poller script measured: no verdict but a miss.
    expect(pageCost({ ...base, extension: page(100, 60, 0.5, 0.3), naive: page(100, 60, 0.5, 0) }).met).toBe(false);
  });

  it('with the badges’ interval: met only at its upper end, missed only at its lower, else not resolved', () => {
    const base = {
      extension: page(100, 60, 0.5, 0.2),
      plain: page(100, 60, 0.5, 0),
      naive: page(120, 60, 0.5, 10),
      badgesShown: { programMsPerSec: 60.1 },
      badgesHidden: { programMsPerSec: 60 },
    };
    // Point 0.1: 0.3 ms/s, within the goal (0.5 ms/s, 1/20 of 10) — but the interval reaches 0.6 (0.8 ms/s).
    const straddling = pageCost({ ...base, badgeRenderCi95: [-0.4, 0.6] });
    expect(straddling.badgeRenderDeltaMsPerSec).toBeCloseTo(0.1);
    expect(straddling.badgeRenderCi95).toEqual([-0.4, 0.6]);
    expect(straddling.attributableMsPerSec).toBeCloseTo(0.3);
    expect(straddling.attributableRangeMsPerSec[0]).toBeCloseTo(0.2);
    expect(straddling.attributableRangeMsPerSec[1]).toBeCloseTo(0.8);
    expect(straddling.verdict).toBe('not resolved');
    expect(straddling.met).toBe(false);
    // A narrow interval within the goal: met.
    expect(pageCost({ ...base, badgeRenderCi95: [0.05, 0.15] }).verdict).toBe('met');
    // Over the goal even at its lower end: missed.
    const over = pageCost({ ...base, badgesShown: { programMsPerSec: 61 }, badgeRenderCi95: [0.5, 1.5] });
    expect(over.verdict).toBe('missed');
    expect(over.met).toBe(false);
    // No interval (or a NaN one): the point value decides, as before.
    expect(pageCost(base).verdict).toBe('met');
    expect(pageCost(base).badgeRenderCi95).toBeNull();
    expect(pageCost({ ...base, badgeRenderCi95: [Number.NaN, Number.NaN] }).verdict).toBe('met');
  });
});
