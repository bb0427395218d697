import { describe, expect, it } from 'vitest';
import { bootstrapRatio, pairedDifference, summarize, t975 } from '../../scripts/bench/stats';
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

  it('pairedDifference: the mean of a − b and its 95% t interval', () => {
    // Worked by hand: differences 1, 2, 3 → mean 2, sd 1, half-width t(2) · 1 / √3 = 4.303 / 1.732 = 2.484.
    const three = pairedDifference([
      [11, 10],
      [12, 10],
      [13, 10],
    ]);
    expect(three.n).toBe(3);
    expect(three.mean).toBeCloseTo(2);
    expect(three.sd).toBeCloseTo(1);
    expect(three.ci95[0]).toBeCloseTo(2 - 2.4843, 3);
    expect(three.ci95[1]).toBeCloseTo(2 + 2.4843, 3);
    expect(three.sign).toBe('not resolved');
    // The pairing: a large common drift between pairs drops out, a small steady difference is resolved.
    const rand = prng(3);
    const pairs = Array.from({ length: 30 }, (_, i) => {
      const drift = 100 + 40 * Math.sin(i) + rand() * 20;
      return [drift + 0.5 + (rand() - 0.5) * 0.4, drift] as const;
    });
    const d = pairedDifference(pairs);
    expect(d.mean).toBeGreaterThan(0.4);
    expect(d.mean).toBeLessThan(0.6);
    expect(d.ci95[0]).toBeGreaterThan(0.3);
    expect(d.ci95[1]).toBeLessThan(0.7);
    expect(d.sign).toBe('above 0');
    // Swapped, the same below zero.
    const swapped = pairedDifference(pairs.map(([a, b]) => [b, a] as const));
    expect(swapped.sign).toBe('below 0');
    expect(swapped.ci95[1]).toBeCloseTo(-d.ci95[0]);
    // Pure noise around zero: not resolved (the verdict must not read a sign into it).
    const noise = pairedDifference(Array.from({ length: 20 }, (_, i) => [100 + (i % 2 ? 1 : -1), 100] as const));
    expect(noise.sign).toBe('not resolved');
    // One pair has no interval.
    expect(pairedDifference([[2, 1]]).ci95.every(Number.isNaN)).toBe(true);
    expect(pairedDifference([[2, 1]]).sign).toBe('not resolved');
  });

  it('t975: Student’s t for a 95% two-sided interval', () => {
    expect(t975(1)).toBeCloseTo(12.706);
    expect(t975(10)).toBeCloseTo(2.228);
    expect(t975(30)).toBeCloseTo(2.042);
    expect(Math.abs(t975(40) - 2.021)).toBeLessThan(0.003);
    expect(Math.abs(t975(120) - 1.98)).toBeLessThan(0.003);
    expect(t975(0)).toBeNaN();
  });

  it('refuses what it cannot summarize', () => {
    expect(() => pairedDifference([])).toThrow(/no samples/);
    expect(() => bootstrapRatio([], 100)).toThrow(/no samples/);
    expect(() => summarize([])).toThrow(/no samples/);
    expect(() => summarize([1, Number.NaN])).toThrow(/non-finite/);
  });
});
