/**
 * Dev tool: the palette's insertion, two demo builds A/B in one run (a diagnostic for a change to the palette's
 * insert path, not a goal): per choice, the time from the Enter that chooses a phrase to the phrase in the editor
 * (its model: `editorLab.getText()`, checked at every DOM change and `input` event of the page), on the editor pages
 * of test/editor-pages. Rounds alternate the builds, each a fresh browser; in each, per editor, `--n` choices: two
 * characters typed, selected with Shift+← ×2, a pause (200 ms), Ctrl+/, the query, Enter. Each choice is also
 * checked: the phrase replaced exactly the two selected characters.
 *
 *   npx jiti scripts/bench/palette-insert-ab.ts --a=DIR --b=DIR [--rounds=2] [--n=8]
 *     [--editors=textarea,slate,prosemirror,lexical,draft,ckeditor]
 *
 * Needs the editor pages built: `npx vite build --config test/editor-pages/vite.config.ts` (.output/editor-pages).
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { putRows, readStore } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness } from '../../test/e2e/harness';
import { arg } from './args';
import { cleanupTemps, extensionCopy } from './browser';
import { sleep, summarize } from './stats';

const builds = { A: arg('a', '/tmp/main-demo/chrome-mv3-demo'), B: arg('b', '.output/chrome-mv3-demo') };
const rounds = Number(arg('rounds', '2'));
const n = Number(arg('n', '8'));
const editors = arg('editors', 'textarea,slate,prosemirror,lexical,draft,ckeditor').split(',');
const FH = '亲，已安排发货～';
const EDITABLE = '#lab-editor textarea, #lab-editor [contenteditable="true"]';

type Side = keyof typeof builds;
const ms: Record<Side, Record<string, number[]>> = { A: {}, B: {} };
const wrong: Record<Side, Record<string, number>> = { A: {}, B: {} };

async function until(probe: () => Promise<boolean>, tries = 100): Promise<void> {
  for (let i = 0; i < tries && !(await probe()); i++) await sleep(100);
}

/** The page's probe: the time of the last Enter keydown, and when the model first held one more phrase after it. */
async function probe(page: Page): Promise<void> {
  await page.evaluate((fh) => {
    const w = window as unknown as { rs: { enter: number; done: number; count: number } };
    const lab = (window as unknown as { editorLab: { getText(): string } }).editorLab;
    const count = () => lab.getText().split(fh).length - 1;
    w.rs = { enter: 0, done: 0, count: 0 };
    window.addEventListener(
      'keydown',
      (e) => {
        if (e.key !== 'Enter') return;
        w.rs.enter = performance.now();
        w.rs.done = 0;
        w.rs.count = count();
      },
      true,
    );
    const check = () => {
      if (w.rs.enter && !w.rs.done && count() > w.rs.count) w.rs.done = performance.now();
    };
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
    document.addEventListener('input', check, true);
  }, FH);
}

async function runBuild(side: Side, dir: string): Promise<void> {
  const server = await startStaticServer(path.join(REPO_ROOT, '.output/editor-pages'));
  const ext: ExtensionHarness = await launchExtension({ extensionDir: await extensionCopy(dir) });
  try {
    await until(() =>
      readStore(ext, 'phrases').then(
        () => true,
        () => false,
      ),
    );
    await putRows(ext, 'phrases', [
      { id: 91_001, text: FH, shortcut: '/qfh', group: 'bench', tags: [], usage: 0, updatedAt: Date.now() },
    ]);
    for (const name of editors) {
      const page = await ext.context.newPage();
      await page.goto(`${server.url}/editors/${name}.html`);
      await page.waitForFunction(() => (window as unknown as { editorLab?: { ready: boolean } }).editorLab?.ready);
      await until(async () =>
        (await readStore(ext, 'tabs')).some((t) => t.platform === 'xhs' && t.health === 'watching'),
      );
      await page.locator(EDITABLE).first().click();
      await sleep(300);
      await probe(page);
      for (let i = 0; i < n; i++) {
        await page.keyboard.type('ab', { delay: 20 });
        for (let k = 0; k < 2; k++) await page.keyboard.press('Shift+ArrowLeft');
        await sleep(200);
        await page.keyboard.press('Control+/');
        const palette = page.locator('[data-reply-sentinel-palette]');
        await until(async () => (await palette.count()) === 1, 50);
        await page.keyboard.type('/qfh');
        await until(
          async () => ((await palette.locator('li[role="option"]').first().textContent()) ?? '').includes(FH),
          50,
        );
        await page.keyboard.press('Enter');
        await until(() => page.evaluate(() => (window as unknown as { rs: { done: number } }).rs.done > 0), 50);
        const r = await page.evaluate(() => (window as unknown as { rs: { enter: number; done: number } }).rs);
        const text = await page.evaluate(() =>
          (window as unknown as { editorLab: { getText(): string } }).editorLab.getText(),
        );
        if (r.done > 0) (ms[side][name] ??= []).push(r.done - r.enter);
        if (
          !text.replace(/\n/g, '').endsWith(FH) ||
          text.includes('ab') ||
          text.includes('a' + FH) ||
          text.includes(FH + 'b')
        )
          wrong[side][name] = (wrong[side][name] ?? 0) + 1;
        await sleep(300);
        // Start each choice from a short text again: the caret at the end.
        await page.keyboard.press('End');
      }
      await page.close();
    }
  } finally {
    await ext.close();
    await server.close();
  }
}

for (let r = 0; r < rounds; r++)
  for (const side of (r % 2 ? ['B', 'A'] : ['A', 'B']) as Side[]) {
    process.stderr.write(`round ${r + 1}: ${side}\n`);
    await runBuild(side, builds[side]);
  }
await cleanupTemps();

const f = (x: number) => x.toFixed(1);
console.log(`palette insert (Enter → the phrase in the editor's model), ms; A=${builds.A} B=${builds.B}`);
console.log('editor | A p50 | A p95 | A n | B p50 | B p95 | B n | wrong A | wrong B');
for (const name of editors) {
  const a = ms.A[name]?.length ? summarize(ms.A[name]) : null;
  const b = ms.B[name]?.length ? summarize(ms.B[name]) : null;
  console.log(
    [
      name,
      a ? f(a.p50) : '-',
      a ? f(a.p95) : '-',
      a?.n ?? 0,
      b ? f(b.p50) : '-',
      b ? f(b.p95) : '-',
      b?.n ?? 0,
      wrong.A[name] ?? 0,
      wrong.B[name] ?? 0,
    ].join(' | '),
  );
}
