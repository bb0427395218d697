/**
 * Bundle sizes per entrypoint of a built extension, and the budgets that CI enforces
 * (test/e2e/bundle.e2e.ts on the production build; `npm run bench` reports them too).
 *
 * An entrypoint's size is what the browser loads for it: the service worker file; a content script's JS and
 * CSS; an HTML page's scripts, module preloads and stylesheets (shared chunks count for every page that loads
 * them). Sizes are gzip -9 of each file, summed: what a store download or a disk read roughly costs.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Gzip budgets in bytes (1 kB = 1000 B): about 20% over the sizes measured on 2026-11-27 (in brackets), so that
 * a real regression (a dependency pulled in by mistake, a chunk no longer shared) fails CI, ordinary growth does not.
 * Raise one deliberately, with the reason, when a feature needs it.
 */
export const BUDGETS: Record<string, number> = {
  // Dexie, engine, rules, messages, maintenance [57.4 kB], and since 2026-12-03 pinyin-pro's dictionary [208.0 kB]:
  // the phrase store writes each phrase's pinyin key and the palette's question gets one, so the dictionary (≈140 kB)
  // stays out of the content script (30 kB). It costs ≈80 ms of CPU at each worker start (measured in node on the
  // 2-core dev machine) and ≈60 ms more at the first key computed after it.
  // Since 2026-12-04 PouchDB (opt-in team sync's client, lib/sync: its http adapter and the idb adapter the package
  // bundles) [≈263 kB in all]: raised from 250 kB.
  'background.js': 300_000,
  // Pages: React, Dexie and the shared UI chunk count for each [119.1, 124.3, 149.3 kB (uPlot)].
  'popup.html': 145_000,
  // Since 2026-12-04 the team sync section, the rule editor's lead, the import summary and the shortcut check
  // [≈ 157 kB with both]: raised from 150 kB.
  'options.html': 165_000,
  'analytics.html': 180_000,
};
/**
 * Every content script (one per platform since 2026-12-04, lib/hosts.ts SCRIPT_SITES): the hard limit, for
 * the code that runs in every workbench tab and frame [one script for all platforms: 21.8 kB on 2026-11-27, 31.0 kB
 * on 2026-12-04; per platform then: 19.7–22.3 kB].
 */
export const CONTENT_SCRIPT_BUDGET = 30_000;
/** Any other HTML page gets this until it has its own line above. */
export const DEFAULT_PAGE_BUDGET = 180_000;

export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
}

export interface EntrypointSize {
  entry: string;
  kind: 'background' | 'content' | 'page';
  files: FileSize[];
  raw: number;
  gzip: number;
  budget: number;
  ok: boolean;
}

interface Manifest {
  background?: { service_worker?: string };
  content_scripts?: { js?: string[]; css?: string[] }[];
}

async function size(dir: string, file: string): Promise<FileSize> {
  const rel = file.replace(/^\//, '');
  const body = await readFile(path.join(dir, rel)).catch((err: unknown) => {
    throw new Error(`${rel} is referenced but missing from ${dir}`, { cause: err });
  });
  return { file: rel, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
}

/** The scripts, module preloads and stylesheets an HTML page loads (same-extension files only). */
export function pageAssets(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) out.add(m[1]!);
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = m[0];
    if (!/\brel="(modulepreload|stylesheet)"/.test(tag)) continue;
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href) out.add(href);
  }
  return [...out].filter((u) => !/^[a-z]+:/i.test(u));
}

/**
 * The modules a built chunk imports statically (`import{…}from"./x.js"`, `import"./x.js"`; not `import()`), as
 * paths relative to the chunk: what the browser loads with it even when the page lists no `modulepreload` for them.
 */
export function staticImports(code: string): string[] {
  return [...code.matchAll(/\bimport\s*(?:[^;"'`()]*?\bfrom\s*)?["']([^"']+)["']/g)].map((m) => m[1]!);
}

/** A page's assets and, from its module scripts on, every chunk they import statically (each once). */
async function pageFiles(dir: string, assets: readonly string[]): Promise<string[]> {
  const out = new Set(assets.map((a) => '/' + a.replace(/^\//, '')));
  const queue = [...out].filter((a) => a.endsWith('.js'));
  while (queue.length) {
    const file = queue.shift()!;
    const code = await readFile(path.join(dir, file.slice(1)), 'utf8').catch(() => '');
    for (const rel of staticImports(code)) {
      if (!rel.startsWith('.')) continue;
      const abs = path.posix.join(path.posix.dirname(file), rel);
      if (!out.has(abs)) {
        out.add(abs);
        queue.push(abs);
      }
    }
  }
  return [...out];
}

function entry(name: string, kind: EntrypointSize['kind'], files: FileSize[]): EntrypointSize {
  const raw = files.reduce((a, f) => a + f.raw, 0);
  const gzip = files.reduce((a, f) => a + f.gzip, 0);
  const budget = BUDGETS[name] ?? (kind === 'content' ? CONTENT_SCRIPT_BUDGET : DEFAULT_PAGE_BUDGET);
  return { entry: name, kind, files, raw, gzip, budget, ok: gzip <= budget };
}

/** Every entrypoint of the built extension in `dir` (e.g. `.output/chrome-mv3`), with its budget. */
export async function measureBundles(dir: string): Promise<EntrypointSize[]> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const out: EntrypointSize[] = [];
  const sw = manifest.background?.service_worker;
  if (sw) out.push(entry(sw, 'background', [await size(dir, sw)]));
  for (const cs of manifest.content_scripts ?? []) {
    const files = [...(cs.js ?? []), ...(cs.css ?? [])];
    if (!files.length) continue;
    out.push(entry(files[0]!, 'content', await Promise.all(files.map((f) => size(dir, f)))));
  }
  const pages = (await readdir(dir)).filter((f) => f.endsWith('.html')).sort();
  for (const page of pages) {
    const assets = await pageFiles(dir, pageAssets(await readFile(path.join(dir, page), 'utf8')));
    out.push(entry(page, 'page', await Promise.all([page, ...assets].map((f) => size(dir, f)))));
  }
  return out;
}
