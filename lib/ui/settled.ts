/**
 * `p`'s value, or undefined once `timeoutMs` passed first: a read that must not hold an extension page's first render
 * longer (the stored language, the analytics page's first read).
 */
export function settledWithin<T>(p: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((resolve) => setTimeout(resolve, timeoutMs))]);
}
