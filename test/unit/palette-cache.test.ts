// @vitest-environment jsdom
/**
 * The palette keeps the phrases it was sent (with their revision) and opens at once on them; a library edit
 * (`phrasesChanged` → `invalidate`) drops them, and a reply older than the edit is never shown.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Palette } from '../../lib/content/palette';
import { startedPalette } from './helpers/palette';
import type { PhraseRow } from '../../lib/model';
import { phrasesRevision } from '../../lib/phrases/revision';

const phrase = (id: number, text: string, usage = 0): PhraseRow => ({
  id,
  text,
  group: '未分组',
  tags: [],
  usage,
  updatedAt: 1,
});

let palette: Palette | undefined;
afterEach(() => {
  palette?.stop();
  document.body.replaceChildren();
});

interface Asked {
  type: string;
  rev?: string;
  question?: string;
}

/**
 * A background holding `library` (edit it to edit the library): answers `phrases` as the real one does (the rows
 * only when the asker's revision is not current; suggestions: the rows whose text has the question in it).
 * `hold`: replies wait until released.
 */
function background(library: PhraseRow[]) {
  const asked: Asked[] = [];
  const held: (() => void)[] = [];
  let hold = false;
  const send = async (msg: unknown) => {
    const m = msg as Asked;
    asked.push(m);
    if (m.type !== 'phrases') return { ok: true };
    // As the real background: what is read now (structured-cloned by the browser).
    const rows = structuredClone(library);
    const rev = phrasesRevision(rows);
    const suggested = m.question
      ? rows.filter((r) => r.text.includes(m.question!)).map((r) => ({ id: r.id!, score: 5, ranges: [] }))
      : undefined;
    if (hold) await new Promise<void>((r) => held.push(r));
    return { ok: true, rev, ...(m.rev !== rev && { phrases: rows }), fill: {}, ...(suggested && { suggested }) };
  };
  return {
    send,
    asked,
    hold: (on: boolean) => {
      hold = on;
    },
    release: () => held.splice(0).forEach((r) => r()),
  };
}

function watch(bg: ReturnType<typeof background>, question = '') {
  const { p, input } = startedPalette({ send: bg.send, context: () => (question ? { question } : {}) });
  palette = p;
  input.focus();
  const items = () =>
    [...(document.querySelector('[data-reply-sentinel-palette]')?.shadowRoot?.querySelectorAll('li') ?? [])].map(
      (li) => li.textContent ?? '',
    );
  const search = (q: string) => {
    const box = document.querySelector('[data-reply-sentinel-palette]')!.shadowRoot!.querySelector('input')!;
    box.value = q;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  };
  return { p, input, items, search };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the palette keeps the phrases it was sent', () => {
  it('opens at once (in the same task) on the phrases it holds; asks only whether they are current', async () => {
    const bg = background([phrase(1, '亲，在的', 3), phrase(2, '亲，明天发货')]);
    const { p, items } = watch(bg);
    await p.refresh();
    expect(bg.asked).toHaveLength(1);
    expect(bg.asked[0]!.rev).toBeUndefined();
    void p.open();
    expect(p.isOpen).toBe(true); // no reply waited for
    expect(items()[0]).toContain('亲，在的');
    await settle();
    // The check carried the revision held; the reply came without the rows (they are current).
    expect(bg.asked[1]).toMatchObject({ type: 'phrases', rev: expect.any(String) });
    expect(items()).toHaveLength(2);
  });

  it('never shows phrases edited since: phrasesChanged drops them, the next open shows the edit', async () => {
    const library = [phrase(1, '旧的短语'), phrase(2, '亲，明天发货')];
    const bg = background(library);
    const { p, items, search } = watch(bg);
    await p.refresh();
    // The options page edits phrase 1; the background tells the tab.
    library[0] = { ...library[0]!, text: '新的短语', updatedAt: 2 };
    p.invalidate();
    void p.open();
    await vi.waitFor(() => expect(items().join()).toContain('新的短语'));
    expect(items().join()).not.toContain('旧的短语');
    search('短语');
    expect(items()).toEqual([expect.stringContaining('新的短语')]);
    // Shortcut expansion and search read the same list: the old text is gone for good.
    search('旧的');
    expect(items().join()).not.toContain('旧的短语');
  });

  it('drops a reply sent before the edit (it may predate it), even when it arrives after', async () => {
    const library = [phrase(1, '旧的短语')];
    const bg = background(library);
    const { p, items } = watch(bg);
    bg.hold(true);
    const first = p.refresh(); // on its way: answers with the old library
    await settle();
    library[0] = { ...library[0]!, text: '新的短语', updatedAt: 2 };
    bg.hold(false);
    p.invalidate(); // asks again, answered at once
    await settle();
    bg.release(); // the old answer arrives last
    await first;
    await p.open();
    await settle();
    expect(items().join()).toContain('新的短语');
    expect(items().join()).not.toContain('旧的短语');
  });

  it('an open list shows an edit the tab was not told about once the check brings it', async () => {
    const library = [phrase(1, '旧的短语')];
    const bg = background(library);
    const { p, items } = watch(bg);
    await p.refresh();
    library[0] = { ...library[0]!, text: '新的短语', updatedAt: 2 };
    await p.open();
    await vi.waitFor(() => expect(items().join()).toContain('新的短语'));
    expect(items().join()).not.toContain('旧的短语');
  });

  it('an edit while the list is open: the list drops the old phrases at once and shows the new ones', async () => {
    const library = [phrase(1, '旧的短语')];
    const bg = background(library);
    const { p, items } = watch(bg);
    await p.refresh();
    await p.open();
    library[0] = { ...library[0]!, text: '新的短语', updatedAt: 2 };
    bg.hold(true);
    p.invalidate();
    expect(items().join()).not.toContain('旧的短语');
    bg.release();
    bg.hold(false);
    await vi.waitFor(() => expect(items().join()).toContain('新的短语'));
  });

  it('suggestions: shown at once when held for the same question, else filled in when they arrive', async () => {
    const bg = background([phrase(1, '亲，在的', 9), phrase(2, '亲，明天发货')]);
    const { p, items } = watch(bg, '发货');
    const hint = () =>
      document.querySelector('[data-reply-sentinel-palette]')!.shadowRoot!.querySelector('.hint')?.textContent;
    await p.refresh(); // on focus: the phrases, no suggestions yet
    bg.hold(true);
    void p.open();
    // At once: the most used first (the suggestions are on their way).
    expect(items()[0]).toContain('在的');
    expect(hint()).toBeUndefined();
    bg.release();
    bg.hold(false);
    await vi.waitFor(() => expect(items()[0]).toContain('明天发货'));
    expect(hint()).toContain('发货');
    p.close(false);
    // Opened again for the same question: the suggestions at once.
    void p.open();
    expect(items()[0]).toContain('明天发货');
  });

  it('counts a use at once (the next open ranks it), without changing the rows it was sent', async () => {
    const library = [phrase(1, '亲，在的', 3), phrase(2, '亲，明天发货')];
    const bg = background(library);
    const { p, items, input } = watch(bg);
    await p.refresh();
    await p.open();
    const box = document.querySelector('[data-reply-sentinel-palette]')!.shadowRoot!.querySelector('input')!;
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(input.value).toBe('亲，明天发货'));
    await vi.waitFor(() => expect(bg.asked.filter((m) => m.type === 'phraseUsed')).toHaveLength(1));
    expect(library[1]!.usage).toBe(0);
    bg.hold(true); // the background's copy is not needed for the ranking
    void p.open();
    expect(items()[0]).toContain('明天发货');
    bg.release();
  });
});
