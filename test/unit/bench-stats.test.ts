import { describe, expect, it } from 'vitest';
import { bootstrapRatio, summarize } from '../../scripts/bench/stats';
import { prng } from '../../scripts/bench/synth';

describe('benchmark statistics', () => {
  it('bootstrapRatio: a 95% interval around Σa / Σb of paired samples', () => {
    // Every pair in the same ratio: no spread at all.
    expect(
      bootstrapRatio(
        [
          [11, 10],
          [22, 20],
          [33, 30],
        ],
        500,
      ).map((x) => +x.toFixed(9)),
    ).toEqual([1.1, 1.1]);
    // Noisy pairs around 1.05: the interval holds the whole-run ratio and narrows with more pairs.
    const rand = prng(7);
    const pairs = (n: number) =>
      Array.from({ length: n }, () => {
        const b = 400 + rand() * 200;
        return [b * (1.05 + (rand() - 0.5) * 0.2), b] as const;
      });
    const few = pairs(8);
    const many = pairs(200);
    const ratio = (p: readonly (readonly [number, number])[]) =>
      p.reduce((s, x) => s + x[0], 0) / p.reduce((s, x) => s + x[1], 0);
    const [lo8, hi8] = bootstrapRatio(few, 2000);
    const [lo200, hi200] = bootstrapRatio(many, 2000);
    expect(lo8).toBeLessThan(ratio(few));
    expect(hi8).toBeGreaterThan(ratio(few));
    expect(lo200).toBeLessThan(ratio(many));
    expect(hi200).toBeGreaterThan(ratio(many));
    expect(hi200 - lo200).toBeLessThan((hi8 - lo8) / 2);
    expect(lo200).toBeGreaterThan(1.03);
    expect(hi200).toBeLessThan(1.07);
    // The same samples give the same interval (a fixed seed).
    expect(bootstrapRatio(few, 2000)).toEqual([lo8, hi8]);
  });

  it('refuses what it cannot summarize', () => {
    expect(() => bootstrapRatio([], 100)).toThrow(/no samples/);
    expect(() => summarize([])).toThrow(/no samples/);
    expect(() => summarize([1, Number.NaN])).toThrow(/non-finite/);
  });
});
