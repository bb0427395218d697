// @vitest-environment jsdom
/**
 * The palette's list and prompts come from their own file (`/palette.js`), loaded on the first open (`loadView`,
 * stubbed here: in the extension, main.ts imports the file). While it loads, what is typed is kept for the search box
 * and never reaches the page; a load that fails says so (in the content script's language) and the next open tries
 * again. (The real file, in Chromium: test/e2e/editors-palette.e2e.ts and platforms.e2e.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Palette, type PaletteViewFactory } from '../../lib/content/palette';
import { startedPalette } from './helpers/palette';
import { createPaletteView } from '../../lib/content/palette-view';
import { setContentLang } from '../../lib/i18n/content';
import zh from '../../lib/locales/zh_CN/content.json';
import en from '../../lib/locales/en/content.json';
import type { PhraseRow } from '../../lib/model';

const phrase = (id: number, text: string, shortcut?: string): PhraseRow => ({
  id,
  text,
  group: '未分组',
  tags: [],
  usage: 0,
  updatedAt: 1,
  ...(shortcut && { shortcut }),
});
const PHRASES = [
  phrase(1, '亲，发货了哦'),
  phrase(2, '亲，退款已经处理'),
  phrase(3, '订单号 {?订单号} 对吗', '/dd'),
  phrase(4, '{店铺名}已发货', '/fh'),
];

let palette: Palette | undefined;
afterEach(() => {
  palette?.stop();
  palette = undefined;
  setContentLang('zh_CN');
  document.body.replaceChildren();
});

/** A loader the test settles: each call is one attempt (`loads`), resolved or rejected by the test. */
function loader() {
  const loads: { resolve: (f: PaletteViewFactory) => void; reject: (e: Error) => void }[] = [];
  const loadView = vi.fn(
    () =>
      new Promise<PaletteViewFactory>((resolve, reject) => {
        loads.push({ resolve, reject });
      }),
  );
  return { loads, loadView };
}

/** A started palette over a chat input (not focused yet). */
function started(loadView: () => PaletteViewFactory | Promise<PaletteViewFactory>) {
  const { p, input } = startedPalette({
    send: async (msg) =>
      (msg as { type: string }).type === 'phrases' ? { ok: true, phrases: PHRASES, rev: 'r1' } : { ok: true },
    loadView,
  });
  palette = p;
  return { p, input };
}

async function watched(loadView: () => Promise<PaletteViewFactory>) {
  const { p, input } = started(loadView);
  await p.refresh();
  input.focus();
  // What the page sees of the keys (its own listener, as a chat page's send-on-Enter).
  const pageKeys: string[] = [];
  window.addEventListener('keydown', (e) => pageKeys.push(e.key));
  window.addEventListener('keyup', (e) => pageKeys.push(`up:${e.key}`));
  const key = (k: string, init: KeyboardEventInit = {}) => {
    input.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init }));
    input.dispatchEvent(new KeyboardEvent('keyup', { key: k, bubbles: true, cancelable: true, ...init }));
  };
  return { p, input, key, pageKeys };
}

const box = () => document.querySelector('[data-reply-sentinel-palette]')?.shadowRoot ?? null;
const notice = () =>
  document.querySelector('[data-reply-sentinel-palette-error]')?.shadowRoot?.querySelector('[role="alert"]') ?? null;

describe('the palette loads its list before its first open', () => {
  it('a library edit in a tab whose chat input was never focused loads nothing there', async () => {
    const loadView = vi.fn(() => createPaletteView);
    const { p } = started(loadView);
    p.invalidate();
    await new Promise((r) => setTimeout(r, 20));
    expect(loadView).not.toHaveBeenCalled();
  });

  it('a "/dd " typed just before the palette is stopped (SPA navigation: attach) opens nothing on the stopped palette', async () => {
    const { loads, loadView } = loader();
    const { p, input, key } = await watched(loadView);
    loads[0]?.resolve(createPaletteView); // the preload's file
    await new Promise((r) => setTimeout(r, 0));
    input.value = '/dd ';
    input.setSelectionRange(4, 4);
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ' ' }));
    p.stop(); // attach(): the old palette stopped, a new one made
    await new Promise((r) => setTimeout(r, 200));
    loads.at(-1)?.resolve(createPaletteView);
    await new Promise((r) => setTimeout(r, 200));
    key('a');
    expect(box()).toBeNull();
  });

  it('the chat input focused: the file is loaded in the background, and the first Ctrl+/ opens at once', async () => {
    const { loads, loadView } = loader();
    const { p, key } = await watched(loadView);
    expect(loadView).toHaveBeenCalledTimes(1); // no open yet
    loads[0]!.resolve(createPaletteView);
    await new Promise((r) => setTimeout(r, 0));
    key('/', { ctrlKey: true });
    expect(p.isOpen).toBe(true); // in the same task: the keys typed next are the search box's (an IME's too)
    expect(loadView).toHaveBeenCalledTimes(1);
  });

  it('a background load that failed is silent; the open tries again and says so if it fails too', async () => {
    const { loads, loadView } = loader();
    const { p, key } = await watched(loadView);
    loads[0]!.reject(new Error('offline'));
    await new Promise((r) => setTimeout(r, 0));
    expect(notice()).toBeNull();
    key('/', { ctrlKey: true });
    expect(loadView).toHaveBeenCalledTimes(2);
    loads[1]!.resolve(createPaletteView);
    await vi.waitFor(() => expect(p.isOpen).toBe(true));
  });

  it('the focus moved on while the file loaded: the list does not open and take the focus', async () => {
    const { loads, loadView } = loader();
    const { p, key } = await watched(loadView);
    key('/', { ctrlKey: true });
    const other = document.createElement('input');
    document.body.append(other);
    other.focus();
    loads[0]!.resolve(createPaletteView);
    await new Promise((r) => setTimeout(r, 20));
    expect(p.isOpen).toBe(false);
    expect(document.activeElement).toBe(other);
  });
});

describe('the palette loads its list on the first open', () => {
  it('opens when the file arrives, with what was typed meanwhile as its query; the keys never reach the page', async () => {
    const { loads, loadView } = loader();
    const { p, key, input, pageKeys } = await watched(loadView);
    key('/', { ctrlKey: true });
    expect(loadView).toHaveBeenCalledTimes(1);
    expect(p.isOpen).toBe(false);
    for (const k of ['退', 'x', 'Backspace', '款']) key(k);
    key('Enter'); // would send the half-typed message: held back, and nothing is chosen before the list shows
    key('/', { ctrlKey: true }); // a second Ctrl+/ does not load again
    expect(loadView).toHaveBeenCalledTimes(1);
    expect(pageKeys).toEqual([]);
    expect(input.value).toBe('');
    loads[0]!.resolve(createPaletteView);
    await vi.waitFor(() => expect(p.isOpen).toBe(true));
    const q = box()!.querySelector('input')!;
    expect(q.value).toBe('退款');
    expect([...box()!.querySelectorAll('li[role="option"]')].map((li) => li.textContent)).toEqual([
      '亲，退款已经处理未分组',
    ]);
    expect(input.value).toBe('');
    // Open: the keys are the palette's again (typing on goes to its search box), and later opens load nothing.
    key('Escape');
    p.close();
    pageKeys.length = 0;
    key('a');
    expect(pageKeys).toEqual(['a', 'up:a']);
    key('/', { ctrlKey: true });
    expect(p.isOpen).toBe(true);
    expect(loadView).toHaveBeenCalledTimes(1);
  });

  it('Esc while it loads gives the open up', async () => {
    const { loads, loadView } = loader();
    const { p, key, pageKeys } = await watched(loadView);
    key('/', { ctrlKey: true });
    key('Escape');
    // Its keydown is the palette's (as Esc in the open palette, whose keyup then lands in the chat input).
    expect(pageKeys).toEqual(['up:Escape']);
    loads[0]!.resolve(createPaletteView);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.isOpen).toBe(false);
    // The keys are the page's again.
    key('b');
    expect(pageKeys).toEqual(['up:Escape', 'b', 'up:b']);
  });

  it('a "/" shortcut with fill-ins opens its prompts once the file arrives', async () => {
    const { loads, loadView } = loader();
    const { p, input } = await watched(loadView);
    input.value = '/dd ';
    input.setSelectionRange(4, 4);
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ' ' }));
    await vi.waitFor(() => expect(loadView).toHaveBeenCalledTimes(1));
    loads[0]!.resolve(createPaletteView);
    await vi.waitFor(() => expect(p.isOpen).toBe(true));
    expect(box()!.querySelector('label')!.textContent).toBe('订单号');
  });

  // The view fills a phrase (its variables: fill.ts is in its file, not the content script's).
  it('a "/" shortcut without fill-ins typed while the file loads is inserted filled once it arrives', async () => {
    const { loads, loadView } = loader();
    const { input } = await watched(loadView);
    input.value = '好的 /fh ';
    input.setSelectionRange(8, 8);
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ' ' }));
    await new Promise((r) => setTimeout(r, 20));
    expect(input.value).toBe('好的 /fh '); // nothing inserted before the file is here
    loads[0]!.resolve(createPaletteView);
    await vi.waitFor(() => expect(input.value).toBe('好的 本店已发货'));
  });

  it('a "/" shortcut whose file does not load inserts nothing unfilled: the open tries again and says so', async () => {
    const loadView = vi.fn(() => Promise.reject(new Error('Failed to fetch dynamically imported module')));
    const { input, p } = await watched(loadView);
    input.value = '/fh ';
    input.setSelectionRange(4, 4);
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ' ' }));
    await vi.waitFor(() => expect(notice()?.textContent).toBe(zh.palLoadFailed));
    expect(loadView.mock.calls.length).toBeGreaterThanOrEqual(2); // the focus's, then the shortcut's own tries
    expect(p.isOpen).toBe(false);
    expect(input.value).not.toContain('{店铺名}');
    expect(input.value).not.toContain('已发货');
  });

  it.each([
    ['zh_CN', zh.palLoadFailed],
    ['en', en.palLoadFailed],
  ] as const)('a file that does not load is said (%s), and the next open tries again', async (lang, text) => {
    setContentLang(lang);
    const { loads, loadView } = loader();
    const { p, key, pageKeys } = await watched(loadView);
    key('/', { ctrlKey: true });
    key('x');
    loads[0]!.reject(new Error('Failed to fetch dynamically imported module'));
    await vi.waitFor(() => expect(notice()?.textContent).toBe(text));
    expect(p.isOpen).toBe(false);
    expect(pageKeys).toEqual([]);
    // The keys are the page's again.
    key('y');
    expect(pageKeys).toEqual(['y', 'up:y']);
    // Again: a new attempt, which loads; the notice goes.
    key('/', { ctrlKey: true });
    expect(loadView).toHaveBeenCalledTimes(2);
    expect(notice()).toBeNull();
    loads[1]!.resolve(createPaletteView);
    await vi.waitFor(() => expect(p.isOpen).toBe(true));
  });

  it('a loader that throws at once is said too', async () => {
    const { p, key } = await watched(() => {
      throw new Error('no runtime');
    });
    key('/', { ctrlKey: true });
    await vi.waitFor(() => expect(notice()?.textContent).toBe(zh.palLoadFailed));
    expect(p.isOpen).toBe(false);
  });
});
