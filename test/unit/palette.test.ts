// @vitest-environment jsdom
/** The in-page palette's shortcut expansion (the palette's search is tested in phrases-search.test.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Palette } from '../../lib/content/palette';
import { startedPalette } from './helpers/palette';
import { createPaletteView } from '../../lib/content/palette-view';
import { contentT, setContentLang } from '../../lib/i18n/content';
import { paletteTranslate } from '../../lib/i18n/palette';
import type { PhraseRow } from '../../lib/model';
import { pinyinKey } from '../../lib/phrases/pinyin';
import { suggestPhrases } from '../../lib/phrases/suggest';

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

/** A textarea with the palette watching it, and the phrases loaded. */
async function watched(): Promise<{ p: Palette; input: HTMLTextAreaElement }> {
  const { p, input } = startedPalette({
    send: async (msg) => ((msg as { type: string }).type === 'phrases' ? { ok: true, phrases: PHRASES } : { ok: true }),
  });
  palette = p;
  await p.refresh();
  input.focus();
  return { p, input };
}

/** Puts `text` in the input with the caret at its end and fires the `input` a typed character would. */
function type(input: HTMLTextAreaElement, text: string, init: InputEventInit = {}): void {
  input.value = text;
  input.setSelectionRange(text.length, text.length);
  input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ' ', ...init }));
}

/** Expansion runs in a later task (after the editor's own input handling): waits for it, or long enough for it. */
async function settles(p: Palette, open: boolean): Promise<void> {
  if (open) await vi.waitFor(() => expect(p.isOpen).toBe(true));
  else {
    await new Promise((r) => setTimeout(r, 400));
    expect(p.isOpen).toBe(false);
  }
}

async function typed(text: string): Promise<Palette> {
  const { p, input } = await watched();
  type(input, text);
  // Expansion opens the phrase's fill-in prompts (after reloading the phrases).
  await vi.waitFor(() => expect(p.isOpen).toBe(true), { timeout: 1000 }).catch(() => undefined);
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
    const { p, input } = await watched();
    type(input, '/cases ');
    await settles(p, false);
  });
});

describe('shortcut expansion and IME composition', () => {
  it('never expands from an input that is part of a composition', async () => {
    const { p, input } = await watched();
    type(input, '/case ', { isComposing: true });
    await settles(p, false);
  });

  it('never expands between compositionstart and compositionend', async () => {
    const { p, input } = await watched();
    input.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true }));
    type(input, '/case ');
    await settles(p, false);
    input.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '/case ' }));
    await new Promise((r) => setTimeout(r, 0));
    // After the composition (in a later task), a typed space expands as usual.
    type(input, '/case ');
    await settles(p, true);
  });

  it('never expands in the same task as a compositionend', async () => {
    const { p, input } = await watched();
    input.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true }));
    input.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '/case ' }));
    type(input, '/case ');
    await settles(p, false);
  });

  it('a composition that starts before the expansion runs cancels it', async () => {
    const { p, input } = await watched();
    type(input, '/case ');
    input.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true }));
    await settles(p, false);
  });
});

// ─── preview and fill ─────────────────────────────────────────────────────────────────────────────────────

const FILL = { agentName: '小美', shopName: '演示店', nickFallback: '亲爱的' };
const EVENING = Date.UTC(2026, 10, 20, 12); // 20:00 China time

async function opened(rows: PhraseRow[], context: () => Record<string, string> = () => ({})) {
  const input = document.createElement('textarea');
  document.body.append(input);
  const sent: { type: string }[] = [];
  const p = new Palette({
    doc: document,
    platform: 'pdd',
    input: () => input,
    send: async (msg) => {
      sent.push(msg as { type: string });
      const m = msg as { type: string; question?: string };
      if (m.type !== 'phrases') return { ok: true };
      // As the background answers: with a question, the phrases ranked for it.
      const suggested = m.question
        ? suggestPhrases(rows, m.question, {
            platform: 'pdd',
            limit: 20,
            now: EVENING,
            questionPinyin: pinyinKey(m.question),
          }).map((f) => ({ id: f.row.id!, score: f.score, ranges: f.ranges }))
        : undefined;
      return { ok: true, phrases: rows, fill: FILL, ...(suggested && { suggested }) };
    },
    context,
    now: () => EVENING,
    loadView: () => createPaletteView,
  });
  palette = p;
  p.start();
  input.focus();
  await p.open();
  const root = document.querySelector('[data-reply-sentinel-palette]')!.shadowRoot!;
  const key = (el: Element, k: string) =>
    el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
  return { input, p, root, sent, key, preview: () => root.querySelector('.pv')! };
}

const phrase = (id: number, text: string, usage = 0): PhraseRow => ({
  id,
  text,
  group: '未分组',
  tags: [],
  usage,
  updatedAt: 1,
});

describe('the palette previews the filled phrase before inserting it', () => {
  it('fills the selected phrase with the settings and the buyer (a masked nickname → the chosen word), as text', async () => {
    const rows = [
      phrase(1, '{问候}，{买家昵称}！我是{客服名}，<b>{店铺名}</b>{cursor}', 5),
      phrase(2, '订单 {?订单号} 已发出', 1),
    ];
    const { root, input, key, preview, sent } = await opened(rows, () => ({ buyerNick: 'S*******n' }));
    expect(preview().textContent).toBe('晚上好，亲爱的！我是小美，<b>演示店</b>');
    expect(preview().querySelector('b')).toBeNull(); // text, never HTML
    const search = root.querySelector('input')!;
    key(search, 'ArrowDown');
    expect(preview().textContent).toBe('订单 [订单号] 已发出');
    key(search, 'ArrowUp');
    key(search, 'Enter');
    await new Promise((r) => setTimeout(r, 0));
    expect(input.value).toBe('晚上好，亲爱的！我是小美，<b>演示店</b>');
    expect(sent.filter((m) => m.type === 'phraseUsed')).toEqual([{ type: 'phraseUsed', id: 1 }]);
  });

  it('previews fill-in prompts as they are typed', async () => {
    const { root, key, preview, input } = await opened([phrase(2, '{买家昵称}，订单 {?订单号} 已发出')], () => ({
      buyerNick: '小张',
    }));
    key(root.querySelector('input')!, 'Enter');
    const field = root.querySelector('input[aria-label="订单号"]') as HTMLInputElement;
    expect(preview().textContent).toBe('小张，订单 [订单号] 已发出');
    field.value = '12345';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    expect(preview().textContent).toBe('小张，订单 12345 已发出');
    key(field, 'Enter');
    await new Promise((r) => setTimeout(r, 0));
    expect(input.value).toBe('小张，订单 12345 已发出');
  });
});

describe('the palette opens with suggestions for the open conversation', () => {
  const rows = [
    phrase(1, '亲，在的哦，请问有什么可以帮您的呢？', 9),
    phrase(2, '亲，付款后 48 小时内发货，发货后物流单号会同步到订单里', 0),
    phrase(3, '亲，退款申请已收到', 3),
  ];

  it("ranks the phrases by the buyer's last question, says so, and searches as usual once typed into", async () => {
    const { root, sent, key, input } = await opened(rows, () => ({ question: '什么时候发货' }));
    expect(sent[sent.length - 1]).toEqual({ type: 'phrases', platform: 'pdd', question: '什么时候发货' });
    const items = () => [...root.querySelectorAll('li[role="option"]')].map((li) => li.textContent);
    expect(items()[0]).toContain('48 小时内发货');
    expect(root.querySelector('.hint')!.textContent).toContain('什么时候发货');
    const search = root.querySelector('input')!;
    search.value = '退款';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    expect(items()).toEqual([expect.stringContaining('退款申请')]);
    expect(root.querySelector('.hint')).toBeNull();
    search.value = '';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    key(search, 'Enter');
    await new Promise((r) => setTimeout(r, 0));
    expect(input.value).toBe('亲，付款后 48 小时内发货，发货后物流单号会同步到订单里');
  });

  it("shows the buyer's question and nickname as page text: without bidi controls, isolated", async () => {
    const { root, preview } = await opened([phrase(2, '{买家昵称}您好，48 小时内发货')], () => ({
      question: '什么时候\u202E发货',
      buyerNick: '小\u202E张',
    }));
    expect(root.querySelector('.hint')!.textContent).toContain('\u2068什么时候发货\u2069');
    expect(preview().textContent).toBe('小张您好，48 小时内发货');
  });

  it('without a question: the most used first, no hint', async () => {
    const { root } = await opened(rows);
    expect(root.querySelector('li[role="option"]')!.textContent).toContain('在的哦');
    expect(root.querySelector('.hint')).toBeNull();
  });
});

describe('the key that chose a phrase never reaches the page', () => {
  it('its keypress and keyup are stopped (a page that sends on keyup does not send); other keys pass', async () => {
    const { root, input, key } = await opened([phrase(1, '好的')]);
    const reached: string[] = [];
    for (const type of ['keydown', 'keypress', 'keyup'])
      input.addEventListener(type, (e) => reached.push(`${type}:${(e as KeyboardEvent).key}`));
    key(root.querySelector('input')!, 'Enter');
    await vi.waitFor(() => expect(input.value).toBe('好的'));
    expect(document.activeElement).toBe(input);
    for (const type of ['keypress', 'keyup'])
      input.dispatchEvent(new KeyboardEvent(type, { key: 'Enter', bubbles: true, cancelable: true }));
    expect(reached).toEqual([]);
    // After that keyup, Enter is the page's again; other keys always were.
    for (const type of ['keydown', 'keyup'])
      input.dispatchEvent(new KeyboardEvent(type, { key: 'Enter', bubbles: true, cancelable: true }));
    input.dispatchEvent(new KeyboardEvent('keyup', { key: 'a', bubbles: true, cancelable: true }));
    expect(reached).toEqual(['keydown:Enter', 'keyup:Enter', 'keyup:a']);
  });
});

describe('the language arrives with the clocks while the palette is open', () => {
  afterEach(() => void setContentLang('zh_CN'));

  it('the open list says everything in the new language, keeping what was typed and chosen', async () => {
    setContentLang('zh_CN');
    const { root, key } = await opened([phrase(1, '好的，马上发货'), phrase(2, '好的，稍等')]);
    const search = root.querySelector('input')!;
    const box = root.querySelector('.box')!;
    expect(search.placeholder).toBe('搜索短语 / 快捷键…');
    expect(root.querySelector('.foot')!.textContent).toBe('↑↓ 选择 · Enter 插入 · Esc 关闭 · 不会自动发送');
    search.value = '好的';
    search.dispatchEvent(new Event('input'));
    key(search, 'ArrowDown');
    const chosen = root.querySelector('li[aria-selected="true"]')!.textContent;
    // The worker's clocks message carries another language (the watcher sets it: setContentLang).
    expect(setContentLang('en')).toBe(true);
    expect(search.placeholder).toBe('Search phrases or shortcuts…');
    expect(search.getAttribute('aria-label')).toBe('Search phrases');
    expect(box.getAttribute('aria-label')).toBe('Quick phrases');
    expect(root.querySelector('.foot')!.textContent).toBe('↑↓ choose · Enter insert · Esc close · never sends');
    expect(root.querySelector('.pv')!.getAttribute('aria-label')).toBe('Preview');
    expect(search.value).toBe('好的');
    expect(root.querySelector('li[aria-selected="true"]')!.textContent).toBe(chosen);
    // Nothing matching: the list's own note is in the new language too.
    search.value = 'zzzz';
    search.dispatchEvent(new Event('input'));
    expect(root.querySelector('li.empty')!.textContent).toBe('No matching phrase');
    setContentLang('zh_CN');
    expect(root.querySelector('li.empty')!.textContent).toBe('没有匹配的短语');
    expect(root.querySelector('.foot')!.textContent).toBe(paletteTranslate(contentT().lang)('palKeys'));
  });

  it('the fill-in prompts too; a closed or stopped palette is not touched', async () => {
    setContentLang('zh_CN');
    const { root, key, p } = await opened([phrase(1, '亲，您的订单号是 {?订单号} 吗？')]);
    key(root.querySelector('input')!, 'Enter');
    const field = root.querySelector('input[aria-label="订单号"]') as HTMLInputElement;
    field.value = '123';
    field.dispatchEvent(new Event('input'));
    expect(root.querySelector('.foot')!.textContent).toBe('填好后按 Enter 插入 · Esc 取消');
    setContentLang('en');
    expect(root.querySelector('.foot')!.textContent).toBe('Fill in, then Enter to insert · Esc to cancel');
    expect(field.value).toBe('123');
    expect(root.querySelector('.pv')!.textContent).toBe('亲，您的订单号是 123 吗？');
    p.close(false);
    const foot = root.querySelector('.foot')!;
    setContentLang('zh_CN');
    expect(foot.textContent).toBe('Fill in, then Enter to insert · Esc to cancel');
    p.stop();
    // Stopped (another palette took over the page): it opens nothing any more.
    await p.open();
    expect(document.querySelector('[data-reply-sentinel-palette]')).toBeNull();
  });
});

describe('a model-backed editor that reads the selection late (Slate: throttled, 100 ms, trailing)', () => {
  /**
   * A stand-in for a model-backed editor: its model takes the DOM selection only from `selectionchange`, throttled
   * as Slate does (a read at once, then at most one more, 100 ms after the last, reading the selection of that
   * moment); a paste goes in at the model's selection (the DOM is rendered from the model, the caret after it).
   */
  function laggingEditor(text: string) {
    const ed = document.createElement('div');
    ed.setAttribute('contenteditable', 'true');
    ed.tabIndex = 0;
    ed.textContent = text;
    document.body.append(ed);
    const model = { text, start: text.length, end: text.length, reads: 0 };
    const offset = (node: Node, at: number) => {
      const r = document.createRange();
      r.selectNodeContents(ed);
      r.setEnd(node, at);
      return r.toString().length;
    };
    const caret = (at: number) => {
      const r = document.createRange();
      r.setStart(ed.firstChild ?? ed, at);
      r.collapse(true);
      document.getSelection()!.removeAllRanges();
      document.getSelection()!.addRange(r);
    };
    let last = -Infinity;
    let trailing: ReturnType<typeof setTimeout> | undefined;
    const read = () => {
      last = Date.now();
      trailing = undefined;
      const sel = document.getSelection();
      if (!sel?.rangeCount || !ed.contains(sel.anchorNode)) return;
      const r = sel.getRangeAt(0);
      model.start = offset(r.startContainer, r.startOffset);
      model.end = offset(r.endContainer, r.endOffset);
      model.reads++;
    };
    document.addEventListener('selectionchange', () => {
      if (trailing) return;
      const wait = last + 100 - Date.now();
      if (wait <= 0) read();
      else trailing = setTimeout(read, wait);
    });
    ed.addEventListener('paste', (e) => {
      e.preventDefault();
      const put = (e as ClipboardEvent).clipboardData!.getData('text/plain');
      model.text = model.text.slice(0, model.start) + put + model.text.slice(model.end);
      model.start = model.end = model.start + put.length;
      ed.textContent = model.text;
      caret(model.start);
    });
    return { ed, model, caret };
  }

  /** Palette on `ed` with one phrase; resolves with a function choosing it through Ctrl+/, the query and Enter. */
  async function paletteOn(ed: HTMLElement, row: PhraseRow, input: () => HTMLElement = () => ed) {
    const p = new Palette({
      doc: document,
      platform: 'pdd',
      input,
      // With a revision: the palette opens at once on the phrases it holds (in the keydown's task).
      send: async (msg) =>
        (msg as { type: string }).type === 'phrases' ? { ok: true, phrases: [row], rev: 'r1' } : { ok: true },
      context: () => ({}),
      now: () => EVENING,
      loadView: () => createPaletteView,
    });
    palette = p;
    p.start();
    await p.refresh();
    const key = (el: EventTarget, k: string, init: KeyboardEventInit = {}) =>
      el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init }));
    return () => {
      key(ed, '/', { ctrlKey: true });
      const q = document.querySelector('[data-reply-sentinel-palette]')!.shadowRoot!.querySelector('input')!;
      q.value = row.shortcut!;
      q.dispatchEvent(new Event('input'));
      key(q, 'Enter');
      expect(p.isOpen).toBe(false);
    };
  }

  /** The agent's caret at the end, read by the editor (its throttle window long over). */
  async function readAtEnd(lab: ReturnType<typeof laggingEditor>): Promise<void> {
    lab.ed.focus();
    lab.caret(lab.model.text.length);
    await vi.waitFor(() => expect(lab.model.reads).toBeGreaterThan(0));
    await new Promise((r) => setTimeout(r, 120));
  }

  it('a selection made, the phrase chosen while the editor has not read it yet: replaces exactly that selection', async () => {
    const lab = laggingEditor('前文后文');
    const choose = await paletteOn(lab.ed, { ...phrase(1, '好的'), shortcut: '/hd' });
    await readAtEnd(lab);
    // A caret move the editor reads at once (its throttle window opens), then 后文 selected (Shift+→ ×2): that
    // read is the trailing one, 100 ms later. The palette is opened and the phrase chosen before it.
    lab.caret(2);
    await vi.waitFor(() => expect(lab.model.start).toBe(2));
    const sel = document.getSelection()!;
    sel.getRangeAt(0).setEnd(lab.ed.firstChild!, 4);
    expect(lab.model).toMatchObject({ start: 2, end: 2 }); // the model has not read 后文 yet
    choose();
    await vi.waitFor(() => expect(lab.model.text).not.toBe('前文后文'), { timeout: 1000 });
    expect(lab.model.text).toBe('前文好的');
    expect(document.activeElement).toBe(lab.ed);
  });

  it('the caret moved, the phrase chosen before the editor read it: the phrase goes at that caret', async () => {
    const lab = laggingEditor('前文后文');
    const choose = await paletteOn(lab.ed, { ...phrase(2, '您好'), shortcut: '/nh' });
    await readAtEnd(lab);
    lab.caret(1);
    expect(lab.model).toMatchObject({ start: 4, end: 4 }); // still the caret at the end
    choose();
    await vi.waitFor(() => expect(lab.model.text).not.toBe('前文后文'), { timeout: 1000 });
    expect(lab.model.text).toBe('前您好文后文');
  });

  it('an Enter pressed right after choosing (to send) is held back until the phrase is in, then reaches the page', async () => {
    const lab = laggingEditor('前文');
    const choose = await paletteOn(lab.ed, { ...phrase(3, '您好'), shortcut: '/nh' });
    await readAtEnd(lab);
    const sent: string[] = [];
    const onEnter = (e: KeyboardEvent) => {
      if (e.key === 'Enter') sent.push(lab.model.text);
    };
    lab.ed.addEventListener('keydown', onEnter);
    choose();
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    lab.ed.dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(true);
    expect(sent).toEqual([]);
    await vi.waitFor(() => expect(lab.model.text).toBe('前文您好'), { timeout: 1000 });
    await new Promise((r) => setTimeout(r, 0));
    lab.ed.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(sent).toEqual(['前文您好']);
    lab.ed.removeEventListener('keydown', onEnter);
  });

  it('the conversation switched while the editor takes the caret: the phrase goes into neither chat input', async () => {
    const a = laggingEditor('给甲');
    const b = laggingEditor('给乙');
    let current = a.ed;
    const choose = await paletteOn(a.ed, { ...phrase(4, '您好'), shortcut: '/nh' }, () => current);
    await readAtEnd(a);
    choose();
    // The workbench shows another buyer: its chat input takes the focus.
    current = b.ed;
    b.ed.focus();
    b.caret(2);
    await new Promise((r) => setTimeout(r, 400));
    expect(a.model.text).toBe('给甲');
    expect(b.model.text).toBe('给乙');
    expect(b.ed.textContent).toBe('给乙');
  });

  it('Ctrl+/ again while the phrase goes in: the phrase goes in first, then the palette opens', async () => {
    const lab = laggingEditor('前文');
    const choose = await paletteOn(lab.ed, { ...phrase(5, '您好'), shortcut: '/nh' });
    await readAtEnd(lab);
    choose();
    lab.ed.dispatchEvent(new KeyboardEvent('keydown', { key: '/', ctrlKey: true, bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(palette!.isOpen).toBe(true), { timeout: 1000 });
    expect(lab.model.text).toBe('前文您好');
    // The focus is the palette's (its search box), not taken back by the insertion.
    expect(document.activeElement?.hasAttribute('data-reply-sentinel-palette')).toBe(true);
  });
});
