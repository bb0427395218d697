// @vitest-environment jsdom
/**
 * Probe 14 (palette): a "/" shortcut typed while the view's file loads.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Palette, type PaletteViewFactory } from '../../../lib/content/palette';
import { startedPalette } from '../helpers/palette';
import { createPaletteView } from '../../../lib/content/palette-view';
import type { PhraseRow } from '../../../lib/model';

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
  phrase(3, '订单号 {?订单号} 对吗', '/dd'),
  phrase(4, '{店铺名}已发货', '/fh'),
  phrase(5, '在的', '/zd'),
];

let palette: Palette | undefined;
afterEach(() => {
  palette?.stop();
  palette = undefined;
  document.body.replaceChildren();
});

function loader() {
  const loads: { resolve: (f: PaletteViewFactory) => void; reject: (e: Error) => void }[] = [];
  const loadView = vi.fn(() => new Promise<PaletteViewFactory>((resolve, reject) => loads.push({ resolve, reject })));
  return { loads, loadView };
}

async function watched(loadView: () => Promise<PaletteViewFactory>) {
  const { p, input } = startedPalette({
    send: async (msg) =>
      (msg as { type: string }).type === 'phrases' ? { ok: true, phrases: PHRASES, rev: 'r1' } : { ok: true },
    loadView,
  });
  palette = p;
  await p.refresh();
  input.focus();
  const pageKeys: string[] = [];
  window.addEventListener('keydown', (e) => pageKeys.push(e.key));
  const key = (k: string, init: KeyboardEventInit = {}) => {
    input.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init }));
    input.dispatchEvent(new KeyboardEvent('keyup', { key: k, bubbles: true, cancelable: true, ...init }));
  };
  return { p, input, key, pageKeys };
}
const type = (input: HTMLTextAreaElement, value: string) => {
  input.value = value;
  input.setSelectionRange(value.length, value.length);
  input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: value.at(-1) }));
};
const box = () => document.querySelector('[data-reply-sentinel-palette]')?.shadowRoot ?? null;
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('outsider review 14: a typed shortcut and the view load', () => {
  it('the focus load fails while "/fh " waits, the retry loads: the phrase is inserted filled (no dead dialog)', async () => {
    const { loads, loadView } = loader();
    const { p, input } = await watched(loadView);
    type(input, '好的 /fh ');
    await tick(20);
    loads[0]!.reject(new Error('Failed to fetch'));
    await vi.waitFor(() => expect(loads.length).toBeGreaterThanOrEqual(2));
    loads.at(-1)!.resolve(createPaletteView);
    await tick(300);
    // Before the fix: a prompts box with no field (its Enter handler on fields only, the focus in the chat input),
    // "填好后按 Enter 插入 · Esc 取消" shown, an Enter going to the page with "/fh " selected; shortcuts dead while it stays.
    expect(p.isOpen).toBe(false);
    expect(input.value).toBe('好的 本店已发货');
    expect(input.value).not.toContain('{店铺名}');
  });

  it('the same shortcut re-typed while the view loads ("/fh ", x, Backspace): inserted once', async () => {
    const { loads, loadView } = loader();
    const { input } = await watched(loadView);
    type(input, '/fh ');
    await tick(5);
    type(input, '/fh x');
    type(input, '/fh ');
    await tick(5);
    loads[0]!.resolve(createPaletteView);
    await tick(400);
    expect(input.value).toBe('本店已发货');
  });

  it('two shortcuts before the view: "/zd /fh " — at most one expanded, no text lost', async () => {
    const { loads, loadView } = loader();
    const { input } = await watched(loadView);
    type(input, '/zd ');
    await tick(5);
    type(input, '/zd /fh ');
    await tick(5);
    loads[0]!.resolve(createPaletteView);
    await tick(400);
    expect(['/zd 本店已发货', '在的/fh ', '在的本店已发货', '/zd /fh ']).toContain(input.value);
  });

  it('typed on while loading: nothing inserted, the text kept', async () => {
    const { loads, loadView } = loader();
    const { input } = await watched(loadView);
    type(input, '/fh ');
    await tick(5);
    type(input, '/fh 好');
    loads[0]!.resolve(createPaletteView);
    await tick(300);
    expect(input.value).toBe('/fh 好');
  });

  it('caret moved while loading: nothing inserted where the caret is not after the shortcut', async () => {
    const { loads, loadView } = loader();
    const { input } = await watched(loadView);
    type(input, '你好 /fh ');
    await tick(5);
    input.setSelectionRange(1, 1);
    loads[0]!.resolve(createPaletteView);
    await tick(300);
    expect(input.value).toBe('你好 /fh ');
  });

  it('focus left to another input while loading: nothing inserted there', async () => {
    const { loads, loadView } = loader();
    const { input } = await watched(loadView);
    type(input, '/fh ');
    const other = document.createElement('textarea');
    document.body.append(other);
    other.focus();
    loads[0]!.resolve(createPaletteView);
    await tick(300);
    expect(other.value).toBe('');
    // Before the fix: '/fh 本店已发货' (the insertion took the focus back, caret at the end, the shortcut left).
    expect(input.value).toBe('/fh ');
    expect(document.activeElement).toBe(other);
  });
});

describe('outsider review 14: more of the wait for the view', () => {
  it('an IME composition started while the view loads: nothing inserted, the text kept', async () => {
    const { loads, loadView } = loader();
    const { input } = await watched(loadView);
    type(input, '/fh ');
    input.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true }));
    loads[0]!.resolve(createPaletteView);
    await tick(300);
    expect(input.value).toBe('/fh ');
  });

  it('stopped (SPA navigation) while the view loads: nothing inserted, no box', async () => {
    const { loads, loadView } = loader();
    const { p, input } = await watched(loadView);
    type(input, '/fh ');
    await tick(5);
    p.stop();
    loads[0]!.resolve(createPaletteView);
    await tick(300);
    expect(input.value).toBe('/fh ');
    expect(box()).toBeNull();
  });

  it('a fill-in phrase ("/dd ") whose focus load failed, the retry loads: its prompts open, then it goes in filled', async () => {
    const { loads, loadView } = loader();
    const { p, input } = await watched(loadView);
    type(input, '好 /dd ');
    loads[0]!.reject(new Error('Failed to fetch'));
    await vi.waitFor(() => expect(loads.length).toBeGreaterThanOrEqual(2));
    loads.at(-1)!.resolve(createPaletteView);
    await vi.waitFor(() => expect(box()?.querySelector('input')).toBeTruthy());
    const f = box()!.querySelector('input')!;
    f.value = '123';
    f.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(input.value).toBe('好 订单号 123 对吗'));
    expect(p.isOpen).toBe(false);
  });

  it('the retry fails too: the notice, "/fh " kept, no box', async () => {
    const { loads, loadView } = loader();
    const { p, input } = await watched(loadView);
    type(input, '/fh ');
    loads[0]!.reject(new Error('Failed to fetch'));
    await vi.waitFor(() => expect(loads.length).toBeGreaterThanOrEqual(2));
    loads.at(-1)!.reject(new Error('Failed to fetch'));
    await vi.waitFor(() => expect(loads.length).toBeGreaterThanOrEqual(3)); // the open's own try
    loads[2]!.reject(new Error('Failed to fetch'));
    await tick(100);
    expect(input.value).toBe('/fh ');
    expect(p.isOpen).toBe(false);
    expect(document.querySelector('[data-reply-sentinel-palette-error]')).not.toBeNull();
  });
});
