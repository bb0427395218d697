/**
 * Every workbench adapter, in one list, for the tests (content scripts carry their own folder's only: content.ts).
 * Derived, not written: every adapter each registered folder's index.ts exports (an `Adapter` value), folders in
 * registry order, the demo-only ones (the editor lab, on localhost /editors/) last. adapterFor picks the first match.
 */
import { SITES } from './registry';
import type { Adapter } from './types';

const MODULES = import.meta.glob<Record<string, unknown>>('./*/index.ts', { eager: true });

function isAdapter(v: unknown): v is Adapter {
  if (!v || typeof v !== 'object') return false;
  const a = v as Partial<Adapter>;
  return typeof a.platform === 'string' && typeof a.matches === 'function' && typeof a.extract === 'function';
}

/** The adapters a registered folder’s index.ts exports (by export name, as a module namespace lists them). */
function adaptersOf(folder: string): Adapter[] {
  const mod = MODULES[`./${folder}/index.ts`];
  if (!mod) throw new Error(`lib/platforms/${folder}/index.ts is missing (registered in lib/platforms/registry.ts)`);
  return Object.values(mod).filter(isAdapter);
}

export const ADAPTERS: readonly Adapter[] = [...SITES]
  .sort((a, b) => Number(!!a.demoOnly) - Number(!!b.demoOnly))
  .flatMap((s) => adaptersOf(s.folder));

export function adapterFor(url: URL): Adapter | undefined {
  return ADAPTERS.find((a) => a.matches(url));
}
