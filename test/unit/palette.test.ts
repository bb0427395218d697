// @vitest-environment jsdom
/** The in-page palette's shortcut expansion (the palette's search is tested in phrases-search.test.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { Palette } from '../../lib/content/palette';
import type { PhraseRow } from '../../lib/db/schema';

const PHRASES: PhraseRow[] = [
  {
    id: 1,
    text: '亲，您的订单号是 {?订单号} 吗？',
    group: '售后',
    tags: [],
    shortcut: '/case',
    usage: 0,
    updatedAt: 1,
  },
];

let palette: Palette | undefined;
afterEach(() => {
  palette?.stop();
  document.body.replaceChildren();
});

async function typed(text: string): Promise<Palette> {
  const input = document.createElement('textarea');
  document.body.append(input);
  const p = new Palette({
    doc: document,
    platform: 'pdd',
    input: () => input,
    send: async (msg) => ((msg as { type: string }).type === 'phrases' ? { ok: true, phrases: PHRASES } : { ok: true }),
    context: () => ({}),
    now: () => 0,
  });
  palette = p;
  p.start();
  await p.refresh();
  input.focus();
  input.value = text;
  input.setSelectionRange(text.length, text.length);
  input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ' ' }));
  // Expansion opens the phrase's fill-in prompts (after reloading the phrases).
  for (let i = 0; i < 10 && !p.isOpen; i++) await new Promise((r) => setTimeout(r, 0));
  return p;
}

describe('shortcut expansion', () => {
  it('finds /case when /case is typed', async () => {
    expect((await typed('/case ')).isOpen).toBe(true);
  });

  it('ignores case: /CASE and /Case find /case', async () => {
    expect((await typed('/CASE ')).isOpen).toBe(true);
    palette!.stop();
    expect((await typed('你好 /Case ')).isOpen).toBe(true);
  });

  it('does not expand another word', async () => {
    expect((await typed('/cases ')).isOpen).toBe(false);
  });
});
