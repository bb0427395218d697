import { matchesWhole, type WholeText } from '../../../lib/platforms/classify';

/**
 * hasLabel as it was before the walk (lib/platforms/classify.ts): every element of the row against every text element
 * by `contains`. The reference the equivalence tests compare the walk (and labelsIn) with.
 */
export function pairwiseHasLabel(
  row: Element,
  labels: readonly WholeText[],
  textEls: readonly (Element | null)[],
): boolean {
  const inner = textEls.filter((e): e is Element => !!e);
  if (!inner.length) return false;
  for (const el of row.querySelectorAll('*')) {
    if (inner.some((t) => t.contains(el) || el.contains(t))) continue;
    if (matchesWhole(el.textContent ?? '', labels)) return true;
  }
  return false;
}
