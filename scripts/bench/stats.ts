/** Small statistics helpers for the benchmarks: every number is reported with its spread. */
import { prng } from './synth';

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  /** Sample standard deviation (0 for fewer than two samples). */
  sd: number;
}

/** Linear-interpolated percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const i = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

export function summarize(values: readonly number[]): Summary {
  if (!values.length) throw new Error('summarize: no samples');
  if (values.some((v) => !Number.isFinite(v))) throw new Error('summarize: non-finite sample');
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const sd = s.length > 1 ? Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (s.length - 1)) : 0;
  return {
    n: s.length,
    min: s[0]!,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1]!,
    mean,
    sd,
  };
}

/** Rounds every number in a summary (or any plain object) for the report. */
export function round<T>(x: T, digits = 2): T {
  const f = 10 ** digits;
  if (typeof x === 'number') return (Number.isFinite(x) ? Math.round(x * f) / f : x) as T;
  if (Array.isArray(x)) return x.map((v: unknown) => round(v, digits)) as T;
  if (x && typeof x === 'object')
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, round(v, digits)])) as T;
  return x;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * 95% interval of Σa / Σb over paired samples [a, b], by bootstrap (resampling the pairs with replacement; a fixed
 * seed, so a report can be reproduced from its samples).
 */
export function bootstrapRatio(pairs: readonly (readonly [number, number])[], resamples: number): [number, number] {
  if (!pairs.length) throw new Error('bootstrapRatio: no samples');
  const rand = prng(12345);
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let a = 0;
    let b = 0;
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[Math.floor(rand() * pairs.length)]!;
      a += p[0];
      b += p[1];
    }
    ratios.push(a / b);
  }
  ratios.sort((x, y) => x - y);
  return [percentile(ratios, 2.5), percentile(ratios, 97.5)];
}
