/**
 * Quick-phrase insertion into the REAL editors (test/editor-pages, built with `vite build --config
 * test/editor-pages/vite.config.ts`): a React-controlled textarea, a plain contenteditable, Quill, Slate,
 * Lexical, ProseMirror and Draft.js. Each runs through the extension as in production: the demo build's lab
 * adapter watches the page, the person types and leaves the caret in the middle, the input's focus is
 * recorded by the background, an extension page asks for a phrase (`insertPhrase`), and the background relays
 * it to the content script (lib/content/insert.ts). Everything is judged from the EDITOR'S OWN MODEL.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { putRows, readStore } from './db';
import {
  DEMO_EXTENSION_DIR,
  REPO_ROOT,
  launchExtension,
  startStaticServer,
  type ChromeApi,
  type ExtensionHarness,
  type StaticServer,
} from './harness';

declare const chrome: ChromeApi;

interface EditorLab {
  name: string;
  ready: boolean;
  getText(): string;
  sent: string[];
}
interface Seen {
  type: string;
  inputType?: string;
  key?: string;
  trusted: boolean;
  claimed: boolean;
}
declare const window: Window & { editorLab?: EditorLab; __seen?: Seen[] };

const PAGES_DIR = path.join(REPO_ROOT, '.output/editor-pages');

interface Case {
  name: string;
  /** The strategy of lib/content/insert.ts that this editor ends up with (observed from the page's events). */
  strategy: 'execCommand' | 'nativeSetter' | 'paste' | 'beforeinput';
}

const CASES: Case[] = [
  { name: 'textarea', strategy: 'execCommand' },
  { name: 'contenteditable', strategy: 'execCommand' },
  { name: 'quill', strategy: 'paste' },
  { name: 'slate', strategy: 'paste' },
  { name: 'lexical', strategy: 'paste' },
  { name: 'prosemirror', strategy: 'paste' },
  { name: 'draft', strategy: 'paste' },
];

const EDITABLE = '#lab-editor textarea, #lab-editor [contenteditable="true"]';
const PHRASE_ID = 90_001;
const PHRASE = '第一行：亲，您好\n第二行：已为您备注\n第三行 OK';
const TYPED_LEFT = '前文';
const TYPED_RIGHT = '后文';

/** Polls `probe` every 100 ms for up to 10 s (hooks cannot use expect.poll). */
async function until(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await probe()); i++) await new Promise((r) => setTimeout(r, 100));
}

let server: StaticServer;
let ext: ExtensionHarness;
let extensionCopy: string;

beforeAll(async () => {
  if (!existsSync(path.join(PAGES_DIR, 'editors/quill.html')))
    throw new Error('No editor pages: run `vite build --config test/editor-pages/vite.config.ts` first.');
  server = await startStaticServer(PAGES_DIR);
  // A private copy of the demo build: a rebuild of .output/ while this file runs must not pull its pages away.
  extensionCopy = await mkdtemp(path.join(tmpdir(), 'reply-sentinel-editors-'));
  await cp(DEMO_EXTENSION_DIR, extensionCopy, { recursive: true });
  ext = await launchExtension({ extensionDir: extensionCopy });
  // The worker creates the database on start; then a multi-line phrase without variables goes in.
  await until(() =>
    readStore(ext, 'phrases').then(
      () => true,
      () => false,
    ),
  );
  await putRows(ext, 'phrases', [
    { id: PHRASE_ID, text: PHRASE, group: 'e2e', tags: [], usage: 0, updatedAt: Date.now() },
  ]);
});

// A failed test must not leave its page watched: the next one expects exactly one lab tab.
afterEach(async () => {
  for (const p of ext.context.pages()) if (!p.url().startsWith(ext.baseUrl)) await p.close();
  await until(async () => !(await readStore(ext, 'tabs')).some((t) => t.platform === 'xhs'));
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
  if (extensionCopy) await rm(extensionCopy, { recursive: true, force: true });
});

const lab = (page: Page) => ({
  text: () => page.evaluate(() => window.editorLab!.getText()),
  sent: () => page.evaluate(() => [...window.editorLab!.sent]),
});

/** Opens an editor page, waits for the extension to watch it, types "前文后文" and leaves the caret between. */
async function openAndType(name: string, query = ''): Promise<Page> {
  const p = await ext.context.newPage();
  await p.goto(`${server.url}/editors/${name}.html${query}`);
  await p.waitForFunction(() => window.editorLab?.ready === true);
  await expect
    .poll(async () => (await readStore(ext, 'tabs')).filter((t) => t.platform === 'xhs').map((t) => t.health), {
      timeout: 10_000,
    })
    .toEqual(['watching']);
  const inputAtBefore = (await readStore(ext, 'tabs')).find((t) => t.platform === 'xhs')?.inputAt ?? 0;
  await p.locator(EDITABLE).first().click();
  await p.keyboard.type(TYPED_LEFT + TYPED_RIGHT);
  await expect.poll(lab(p).text).toBe(TYPED_LEFT + TYPED_RIGHT);
  // Editors group edits made in quick succession into one undo step (Quill: 1 s): a person pauses here.
  await p.waitForTimeout(1100);
  for (let i = 0; i < TYPED_RIGHT.length; i++) await p.keyboard.press('ArrowLeft');
  // Focusing the input tells the background it is the last focused one (phrases go there).
  await p.locator(EDITABLE).first().focus();
  await expect
    .poll(async () => Number((await readStore(ext, 'tabs')).find((t) => t.platform === 'xhs')?.inputAt ?? 0), {
      timeout: 10_000,
    })
    .toBeGreaterThan(Number(inputAtBefore));
  return p;
}

/** Records, in the page, every key, paste and input event that reaches the window (after the editor's handlers). */
async function recordEvents(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.__seen = [];
    for (const type of ['keydown', 'keypress', 'keyup', 'paste', 'beforeinput', 'input'])
      window.addEventListener(type, (e) =>
        window.__seen!.push({
          type,
          inputType: (e as InputEvent).inputType,
          key: (e as KeyboardEvent).key,
          trusted: e.isTrusted,
          claimed: e.defaultPrevented,
        }),
      );
  });
}

/** The strategy of insert.ts, as seen from the page. */
function strategyFrom(seen: Seen[]): string {
  if (seen.some((e) => e.type === 'beforeinput' && e.inputType === 'insertReplacementText' && e.claimed))
    return 'beforeinput';
  if (seen.some((e) => e.type === 'paste' && !e.trusted && e.claimed)) return 'paste';
  if (seen.some((e) => e.type === 'input' && e.trusted && e.inputType === 'insertText')) return 'execCommand';
  if (seen.some((e) => e.type === 'input' && !e.trusted)) return 'nativeSetter';
  return `unknown: ${JSON.stringify(seen)}`;
}

/** Asks for the phrase from an extension page, as the popup does. */
async function insertPhrase(): Promise<unknown> {
  const sender = await ext.context.newPage();
  await sender.goto(`${ext.baseUrl}/popup.html`);
  const reply = await sender.evaluate(
    (id) => chrome.runtime.sendMessage({ type: 'insertPhrase', phraseId: id }),
    PHRASE_ID,
  );
  await sender.close();
  return reply;
}

describe.each(CASES)('$name', ({ name, strategy }) => {
  it('a multi-line phrase goes in at the caret through the extension, keeps the typed text, is not sent', async () => {
    const page = await openAndType(name);
    await recordEvents(page);
    const usage = Number((await readStore(ext, 'phrases')).find((p) => p.id === PHRASE_ID)?.usage);

    expect(await insertPhrase()).toEqual({ ok: true });
    const want = TYPED_LEFT + PHRASE + TYPED_RIGHT;
    await expect.poll(lab(page).text, { timeout: 5000 }).toBe(want);

    const seen = await page.evaluate(() => window.__seen!);
    expect(strategyFrom(seen)).toBe(strategy);
    // No key was synthesized (no Enter, nothing), nothing was sent.
    expect(seen.filter((e) => e.type.startsWith('key'))).toEqual([]);
    expect(await lab(page).sent()).toEqual([]);
    expect((await readStore(ext, 'phrases')).find((p) => p.id === PHRASE_ID)?.usage).toBe(usage + 1);

    // The editor still works: typing goes on right after the inserted text, in the model.
    await page.keyboard.type('Z');
    const withZ = TYPED_LEFT + PHRASE + 'Z' + TYPED_RIGHT;
    await expect.poll(lab(page).text).toBe(withZ);
    // And the person sends it with Enter: the page's send handler sees the whole text (the probe works).
    await page.keyboard.press('Enter');
    await expect.poll(lab(page).sent).toEqual([withZ]);
  });

  // Every editor here holds this (each keeps the insertion as one undo step of its own history).
  it('one Ctrl+Z takes the whole insertion back, and only it', async () => {
    const page = await openAndType(name);
    expect(await insertPhrase()).toEqual({ ok: true });
    await expect.poll(lab(page).text, { timeout: 5000 }).toBe(TYPED_LEFT + PHRASE + TYPED_RIGHT);
    await page.keyboard.press('Control+z');
    await expect.poll(lab(page).text).toBe(TYPED_LEFT + TYPED_RIGHT);
    expect(await lab(page).sent()).toEqual([]);
  });
});

// Pages that claim every paste and drop it (?paste=ignore): the editors that take a synthetic beforeinput.
describe.each(['slate', 'lexical'])('%s, when the page drops pastes', (name) => {
  it('the phrase goes in by beforeinput insertReplacementText instead, at the caret, lines kept', async () => {
    const page = await openAndType(name, '?paste=ignore');
    await recordEvents(page);
    expect(await insertPhrase()).toEqual({ ok: true });
    await expect.poll(lab(page).text, { timeout: 5000 }).toBe(TYPED_LEFT + PHRASE + TYPED_RIGHT);
    const seen = await page.evaluate(() => window.__seen!);
    expect(seen.some((e) => e.type === 'paste' && e.claimed)).toBe(true);
    expect(strategyFrom(seen)).toBe('beforeinput');
    expect(seen.filter((e) => e.type.startsWith('key'))).toEqual([]);
    expect(await lab(page).sent()).toEqual([]);
    await page.keyboard.type('Z');
    await expect.poll(lab(page).text).toBe(TYPED_LEFT + PHRASE + 'Z' + TYPED_RIGHT);
  });
});

describe('nowhere to insert', () => {
  it('a page whose editor is gone says so and changes nothing', async () => {
    const page = await openAndType('contenteditable');
    await page.evaluate(() => {
      const box = document.querySelector<HTMLElement>('#lab-editor [contenteditable="true"]')!;
      box.contentEditable = 'false';
    });
    const reply = (await insertPhrase()) as { ok: boolean; error?: string };
    expect(reply.ok).toBe(false);
    expect(reply.error).toBeTruthy();
    expect(await lab(page).text()).toBe(TYPED_LEFT + TYPED_RIGHT);
  });
});
