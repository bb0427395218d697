/**
 * Dexie is not in the popup's first load (a perf feature, docs/ARCHITECTURE.md "The popup's first frame"): the modules
 * the popup's entry reaches through static imports never import Dexie; its queries load it through a dynamic import
 * (`useDeferredQuery` with a query module). The walk over-approximates what the bundler keeps (an import of types
 * only, `import type` aside, counts as an edge), so a pass here holds for the build.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const DEXIE = /^dexie(-react-hooks)?(\/|$)/;

function resolve(from: string, spec: string): string | null {
  const base = spec.startsWith('@/') ? path.join(ROOT, spec.slice(2)) : path.resolve(path.dirname(from), spec);
  for (const ext of ['', '.ts', '.tsx', '/index.ts', '/index.tsx']) {
    const p = base + ext;
    if (existsSync(p) && !p.endsWith('/') && /\.(tsx?|css|json)$/.test(p)) return p;
  }
  throw new Error(`${path.relative(ROOT, from)}: cannot resolve ${spec}`);
}

/** The static (not type-only, not dynamic) imports and re-exports of one file. */
function staticImports(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  for (const st of src.statements) {
    if (ts.isImportDeclaration(st) && !st.importClause?.isTypeOnly)
      out.push((st.moduleSpecifier as ts.StringLiteral).text);
    if (ts.isExportDeclaration(st) && st.moduleSpecifier && !st.isTypeOnly)
      out.push((st.moduleSpecifier as ts.StringLiteral).text);
  }
  return out;
}

/** Every module reached from `entry` by static imports: local files, and bare package names (not followed). */
function firstLoad(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!/\.tsx?$/.test(file)) continue;
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.') || spec.startsWith('@/')) {
        const next = resolve(file, spec);
        if (next) todo.push(next);
      } else if (!packages.has(spec)) packages.set(spec, path.relative(ROOT, file));
    }
  }
  return { files, packages };
}

describe("the popup's first load", () => {
  it('imports no Dexie statically: its queries load it after the first frame', () => {
    const { files, packages } = firstLoad(path.join(ROOT, 'entrypoints/popup/main.tsx'));
    const rel = [...files].map((f) => path.relative(ROOT, f));
    // The walk reaches the popup itself (not an empty graph) …
    expect(rel).toContain('components/popup/Popup.tsx');
    expect(rel).toContain('components/useDeferredQuery.ts');
    expect([...packages.keys()]).toContain('react');
    // … and no Dexie, nor the modules that open it.
    expect([...packages].filter(([p]) => DEXIE.test(p))).toEqual([]);
    for (const dexieModule of [
      'lib/ui/db.ts',
      'lib/db/schema.ts',
      'lib/ui/query-module.ts',
      'components/popup/query-module.ts',
    ])
      expect(rel).not.toContain(dexieModule);
  });

  it('would see Dexie if a first-load module imported it', () => {
    // The query modules themselves do: reached statically, they would bring Dexie into the first load.
    expect(firstLoad(path.join(ROOT, 'components/popup/query-module.ts')).packages.has('dexie')).toBe(true);
    expect([...firstLoad(path.join(ROOT, 'lib/ui/query-module.ts')).packages.keys()]).toContain('dexie');
  });
});

describe("the analytics page's first load", () => {
  it('imports neither Dexie nor the team-sync modules statically (the owner view loads when the team view is chosen)', () => {
    const { files, packages } = firstLoad(path.join(ROOT, 'entrypoints/analytics/main.tsx'));
    const rel = [...files].map((f) => path.relative(ROOT, f));
    expect(rel).toContain('components/analytics/AnalyticsPage.tsx');
    expect([...packages].filter(([p]) => DEXIE.test(p) || p.startsWith('pouchdb'))).toEqual([]);
    for (const later of [
      'lib/ui/db.ts',
      'lib/db/schema.ts',
      'components/analytics/query-module.ts',
      'components/analytics/ShopLive.tsx',
      'components/sync/SyncSettings.tsx',
    ])
      expect(rel).not.toContain(later);
  });
});

describe("the analytics page's first script", () => {
  it('starts the owner view (team view) without React, Dexie, PouchDB or schemas', () => {
    const { files, packages } = firstLoad(path.join(ROOT, 'entrypoints/analytics-first.ts'));
    const rel = [...files].map((f) => path.relative(ROOT, f));
    // The walk reaches the owner view's start and its reads (not an empty graph) …
    expect(rel).toContain('lib/sync/shop-first.ts');
    expect(rel).toContain('lib/sync/http.ts');
    // … and none of the page's heavy modules: those load with the page, after it.
    expect([...packages.keys()].filter((p) => /^(react|dexie|pouchdb|valibot)/.test(p))).toEqual([]);
    for (const later of [
      'lib/sync/shop.ts',
      'lib/sync/remote.ts',
      'lib/protocol.ts',
      'components/analytics/ShopLive.tsx',
    ])
      expect(rel).not.toContain(later);
  });
});
