/**
 * Bundle budgets (issue 7), on the production build that `npm run test:e2e` makes: every entrypoint's gzip size
 * stays within its budget in scripts/bench/bundle.ts (BUDGETS) (each platform's content script: 30 kB, the hard limit).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BUDGETS,
  CONTENT_SCRIPT_BUDGET,
  DEFAULT_PAGE_BUDGET,
  measureBundles,
  pageAssets,
  staticImports,
} from '../../scripts/bench/bundle';
import { DEMO_ONLY_SCRIPTS, SCRIPT_SITES } from '../../lib/hosts';
import { PALETTE_CATALOGS } from '../../lib/i18n/palette';
import { PROD_EXTENSION_DIR } from './harness';

const temps: string[] = [];
afterAll(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

async function fakeBuild(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rs-bundle-'));
  temps.push(dir);
  for (const [name, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), body);
  }
  return dir;
}

describe('bundle budgets', () => {
  it('the production build stays within every budget', async () => {
    const sizes = await measureBundles(PROD_EXTENSION_DIR);
    const names = sizes.map((s) => s.entry);
    // The entrypoints the product has must all be measured (a renamed file must not slip past its budget).
    for (const known of Object.keys(BUDGETS)) expect(names).toContain(known);
    // One content script per platform, each within the 30 kB.
    const scripts = Object.keys(SCRIPT_SITES).filter((s) => !(DEMO_ONLY_SCRIPTS as string[]).includes(s));
    expect(
      sizes
        .filter((s) => s.kind === 'content')
        .map((s) => s.entry)
        .sort(),
    ).toEqual(scripts.map((s) => `content-scripts/${s}.js`).sort());
    for (const content of sizes.filter((s) => s.kind === 'content')) {
      expect(content.budget).toBe(CONTENT_SCRIPT_BUDGET);
      expect(CONTENT_SCRIPT_BUDGET).toBeLessThanOrEqual(30_000);
      expect(content.gzip, content.entry).toBeGreaterThan(10_000); // a real script, not an empty shell
    }
    const popup = sizes.find((s) => s.entry === 'popup.html')!;
    // A page counts the chunks it loads, not just its HTML.
    expect(popup.files.some((f) => f.file.endsWith('.js'))).toBe(true);
    const over = sizes.filter((s) => !s.ok).map((s) => `${s.entry}: ${s.gzip} B gzip > budget ${s.budget} B`);
    expect(over).toEqual([]);
  });

  it('what only an open palette needs is in /palette.js, not in the content scripts (2026-12-06g-size)', async () => {
    // The palette's own words (the `palette` namespace) are read only once its lazy view has loaded: pulled back into
    // the content scripts (an import of lib/i18n/palette.ts there), they cost ≈0.4 kB gzip each.
    const words = Object.values(PALETTE_CATALOGS).flatMap((c) => Object.values(c) as string[]);
    // As a string literal of its own (a short word like 快捷短语 is also part of longer messages).
    const literals = (text: string) => words.filter((w) => ['`', '"', "'"].some((q) => text.includes(q + w + q)));
    expect(literals(await readFile(path.join(PROD_EXTENSION_DIR, 'palette.js'), 'utf8'))).toEqual(words);
    const contents = (await measureBundles(PROD_EXTENSION_DIR)).filter((s) => s.kind === 'content');
    expect(contents.length).toBeGreaterThan(0);
    for (const content of contents)
      expect(literals(await readFile(path.join(PROD_EXTENSION_DIR, content.entry), 'utf8')), content.entry).toEqual([]);
  });

  it('the local pages load their shared modules as one chunk, and no Dexie, before their first frame', async () => {
    // Issue 21 (wt-afp): each file a page's head lists is a request its preload scan makes on the page's main thread
    // (2–3 ms each under load) before the page's first script runs; the shared modules were ten small chunks (13
    // files for the analytics page, 8 for the popup). Now: the page, its first script, its entry, Rolldown's runtime,
    // the shared chunk, its stylesheets. The database layer (Dexie) stays out of that first load (issue 21).
    const sizes = await measureBundles(PROD_EXTENSION_DIR);
    for (const [page, most] of [
      ['analytics.html', 7],
      ['popup.html', 7],
    ] as const) {
      const files = sizes.find((s) => s.entry === page)!.files.map((f) => f.file);
      expect(files.length, `${page}: ${files.join(' ')}`).toBeLessThanOrEqual(most);
      for (const f of files.filter((x) => x.endsWith('.js')))
        expect(await readFile(path.join(PROD_EXTENSION_DIR, f), 'utf8'), `${page}: ${f}`).not.toMatch(/\bDexie\b/);
    }
  });

  it('reads the assets a page loads', () => {
    const html = `<script type="module" crossorigin src="/chunks/popup-1.js"></script>
      <link rel="modulepreload" crossorigin href="/chunks/ui-2.js">
      <link rel="stylesheet" crossorigin href="/assets/popup-3.css">
      <link rel="icon" href="/icon/16.png"><script src="https://example.com/x.js"></script>`;
    expect(pageAssets(html)).toEqual(['/chunks/popup-1.js', '/chunks/ui-2.js', '/assets/popup-3.css']);
  });

  it('fails an entrypoint over its budget, and a page without its own budget gets the default', async () => {
    const dir = await fakeBuild({
      'manifest.json': JSON.stringify({
        background: { service_worker: 'background.js' },
        content_scripts: [{ js: ['content-scripts/pdd.js'] }],
      }),
      'background.js': 'console.log(1)',
      // Random bytes do not compress: 40 kB stays 40 kB after gzip.
      'content-scripts/pdd.js': randomBytes(40_000),
      'analytics.html': '<script type="module" src="/chunks/analytics.js"></script>',
      'chunks/analytics.js': 'export {}',
    });
    const sizes = await measureBundles(dir);
    const cs = sizes.find((s) => s.entry === 'content-scripts/pdd.js')!;
    expect(cs.budget).toBe(CONTENT_SCRIPT_BUDGET);
    expect(cs.gzip).toBeGreaterThan(30_000);
    expect(cs.ok).toBe(false);
    expect(sizes.find((s) => s.entry === 'background.js')!.ok).toBe(true);
    const page = sizes.find((s) => s.entry === 'analytics.html')!;
    expect(page.budget).toBe(DEFAULT_PAGE_BUDGET);
    expect(page.files.map((f) => f.file)).toEqual(['analytics.html', 'chunks/analytics.js']);
  });

  it('counts the chunks a page’s modules import statically, listed as preloads or not (not the dynamic ones)', async () => {
    expect(
      staticImports('import{a as e}from"./ui-1.js";import"./side-2.js";const l=()=>import(`./lazy-3.js`);e(l)'),
    ).toEqual(['./ui-1.js', './side-2.js']);
    const dir = await fakeBuild({
      'manifest.json': '{}',
      // No modulepreload links (the analytics page's head since issue 22): the imports are still the page's.
      'analytics.html': '<script type="module" src="/chunks/analytics.js"></script>',
      'chunks/analytics.js': 'import{a}from"./ui.js";import"./side.js";a(()=>import(`./lazy.js`))',
      'chunks/ui.js': 'import{r}from"./react.js";export const a=r',
      'chunks/side.js': 'import"./ui.js";',
      'chunks/react.js': 'export const r=1',
      'chunks/lazy.js': 'export {}',
    });
    const page = (await measureBundles(dir)).find((s) => s.entry === 'analytics.html')!;
    expect(page.files.map((f) => f.file).sort()).toEqual(
      ['analytics.html', 'chunks/analytics.js', 'chunks/react.js', 'chunks/side.js', 'chunks/ui.js'].sort(),
    );
  });

  it('a page that references a missing file is an error, not a small bundle', async () => {
    const dir = await fakeBuild({
      'manifest.json': '{}',
      'popup.html': '<script type="module" src="/chunks/gone.js"></script>',
    });
    await expect(measureBundles(dir)).rejects.toThrow(/chunks\/gone\.js is referenced but missing/);
  });
});
