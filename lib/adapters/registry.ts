/** Every workbench adapter, in one list. The content script picks the first that matches the page. */
import { pddAdapter } from './pdd';
import type { Adapter } from './types';

export const ADAPTERS: readonly Adapter[] = [pddAdapter];

export function adapterFor(url: URL): Adapter | undefined {
  return ADAPTERS.find((a) => a.matches(url));
}
