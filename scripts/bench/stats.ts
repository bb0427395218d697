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

/** Student's t, two-sided 95% (the 97.5th percentile), for 1–30 degrees of freedom; beyond, the normal's 1.96 + a
 * first-order correction (2.4 / df: within 0.003 of the exact value from 31 on). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
export function t975(df: number): number {
  if (!(df >= 1)) return Number.NaN;
  return df <= 30 ? T975[Math.floor(df) - 1]! : 1.96 + 2.4 / df;
}

export interface PairedDifference {
  /** Pairs. */
  n: number;
  /** Mean of the pairs' differences (a − b). */
  mean: number;
  /** Their sample standard deviation. */
  sd: number;
  /** 95% interval of the mean difference (Student's t over the pairs; NaN with fewer than two pairs). */
  ci95: [number, number];
  /** 'above 0' / 'below 0' when the whole interval is on one side of zero; else 'not resolved'. */
  sign: 'above 0' | 'below 0' | 'not resolved';
}

/**
 * Mean and 95% interval of a − b over paired samples [a, b] (each pair measured side by side, so what drifts
 * between pairs — the machine's load, the page's state — drops out of its difference).
 */
export function pairedDifference(pairs: readonly (readonly [number, number])[]): PairedDifference {
  if (!pairs.length) throw new Error('pairedDifference: no samples');
  const d = pairs.map(([a, b]) => a - b);
  if (d.some((v) => !Number.isFinite(v))) throw new Error('pairedDifference: non-finite sample');
  const n = d.length;
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  const ci95: [number, number] = n > 1 ? [mean - half, mean + half] : [Number.NaN, Number.NaN];
  const sign = ci95[0] > 0 ? 'above 0' : ci95[1] < 0 ? 'below 0' : 'not resolved';
  return { n, mean, sd, ci95, sign };
}
