// @vitest-environment jsdom
/**
 * The insertion cascade of lib/content/insert.ts, step by step, with stand-in editors (jsdom has no
 * execCommand, DataTransfer or ClipboardEvent: where a step needs execCommand it is stubbed here). The real
 * editors (Quill, Slate, Lexical, ProseMirror, Draft.js) are exercised in Chromium: test/e2e/editors.e2e.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { editableOf, insertTextConfirmed } from '../../lib/content/insert';
import { windowTimers, type Timers } from '../../lib/content/timers';

const FAST = { settleMs: 60, focusSettleMs: 0 };

/** A stand-in for Chromium's execCommand('insertText'): the text at the selection, caret after it. */
function stubExecCommand(): ReturnType<typeof vi.fn> {
  const exec = vi.fn((cmd: string, _ui?: boolean, value?: string) => {
    if (cmd !== 'insertText' || value === undefined) return false;
    const active = document.activeElement;
    if (active instanceof HTMLTextAreaElement || active instanceof HTMLInputElement) {
      active.setRangeText(value, active.selectionStart ?? 0, active.selectionEnd ?? 0, 'end');
      active.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: value }));
      return true;
    }
    const sel = document.getSelection()!;
    const r = sel.getRangeAt(0);
    r.deleteContents();
    const node = document.createTextNode(value);
    r.insertNode(node);
    r.setStartAfter(node);
    r.collapse(true);
    sel.removeAllRanges();
    sel.addRange(r);
    return true;
  });
  Object.defineProperty(document, 'execCommand', { value: exec, configurable: true, writable: true });
  return exec;
}

/** Records key events: insertion must never synthesize one (no Enter, nothing). */
function recordKeys(el: Element): string[] {
  const keys: string[] = [];
  for (const t of ['keydown', 'keypress', 'keyup']) el.addEventListener(t, (e) => keys.push((e as KeyboardEvent).key));
  return keys;
}

function caretIn(node: Node, offset: number): void {
  const r = document.createRange();
  r.setStart(node, offset);
  r.collapse(true);
  document.getSelection()!.removeAllRanges();
  document.getSelection()!.addRange(r);
}

function editor(html = '<div id="ed" contenteditable="true"><p>前文后文</p></div>'): HTMLElement {
  document.body.innerHTML = html;
  const ed = document.getElementById('ed')!;
  ed.focus();
  return ed;
}

afterEach(() => {
  delete (document as { execCommand?: unknown }).execCommand;
  document.body.innerHTML = '';
});

describe('textarea and text inputs', () => {
  it('without execCommand: the native setter at the caret, one input event, the typed text kept, no key', async () => {
    document.body.innerHTML = '<textarea id="t"></textarea>';
    const ta = document.getElementById('t') as HTMLTextAreaElement;
    const seen: string[] = [];
    ta.addEventListener('input', () => seen.push(ta.value));
    const keys = recordKeys(ta);
    ta.value = '前文后文';
    ta.focus();
    ta.setSelectionRange(2, 2);
    expect(await insertTextConfirmed(ta, '第一行\r\n第二行', FAST)).toEqual({ ok: true, strategy: 'nativeSetter' });
    expect(ta.value).toBe('前文第一行\n第二行后文');
    expect(seen).toEqual(['前文第一行\n第二行后文']);
    expect(ta.selectionStart).toBe('前文第一行\n第二行'.length);
    expect(keys).toEqual([]);
  });

  it('with execCommand: that, once (no second insertion by the setter)', async () => {
    const exec = stubExecCommand();
    document.body.innerHTML = '<textarea id="t">前文后文</textarea>';
    const ta = document.getElementById('t') as HTMLTextAreaElement;
    ta.focus();
    ta.setSelectionRange(2, 2);
    expect(await insertTextConfirmed(ta, '中间', FAST)).toEqual({ ok: true, strategy: 'execCommand' });
    expect(ta.value).toBe('前文中间后文');
    expect(exec).toHaveBeenCalledTimes(1);
  });

  it('a page that tidies the text on input: taken, no second try on top of it', async () => {
    stubExecCommand();
    document.body.innerHTML = '<textarea id="t"></textarea>';
    const ta = document.getElementById('t') as HTMLTextAreaElement;
    ta.addEventListener('input', () => (ta.value = ta.value.replace(/ {2,}/g, ' ')));
    ta.focus();
    expect(await insertTextConfirmed(ta, '好的  亲', FAST)).toEqual({ ok: true, strategy: 'execCommand' });
    expect(ta.value).toBe('好的 亲');
  });

  it('a page that cuts the text short: an error, the text not put in a second time', async () => {
    stubExecCommand();
    document.body.innerHTML = '<textarea id="u" maxlength="2"></textarea>';
    const short = document.getElementById('u') as HTMLTextAreaElement;
    short.addEventListener('input', () => (short.value = short.value.slice(0, 2)));
    short.focus();
    const r = await insertTextConfirmed(short, 'xyz', FAST);
    expect(r).toEqual({ ok: false, error: 'the input changed the text its own way' });
    expect(short.value).toBe('xy');
  });

  it('a one-line input gets the lines joined with spaces; an unfocused field gets the text at its end', async () => {
    document.body.innerHTML = '<input id="i" type="text" value="您好">';
    const input = document.getElementById('i') as HTMLInputElement;
    input.setSelectionRange(0, 0);
    expect(await insertTextConfirmed(input, '第一行\n第二行', FAST)).toEqual({ ok: true, strategy: 'nativeSetter' });
    expect(input.value).toBe('您好第一行 第二行');
  });
});

describe('contenteditable: paste first, confirmed by watching the editor', () => {
  it('an editor that takes the paste at once: paste, the text once, execCommand never used', async () => {
    const exec = stubExecCommand();
    const ed = editor();
    const keys = recordKeys(ed);
    const p = ed.querySelector('p')!;
    caretIn(p.firstChild!, 2);
    ed.addEventListener('paste', (e) => {
      e.preventDefault();
      const text = (e as ClipboardEvent).clipboardData!.getData('text/plain');
      p.firstChild!.textContent = '前文' + text.replace(/\n/g, '') + '后文';
    });
    expect(await insertTextConfirmed(ed, '第一行\n第二行', FAST)).toEqual({ ok: true, strategy: 'paste' });
    expect(ed.textContent).toBe('前文第一行第二行后文');
    expect(exec).not.toHaveBeenCalled();
    expect(keys).toEqual([]);
  });

  it('an editor that renders later (React, Lexical): waits for it, never inserts twice', async () => {
    const exec = stubExecCommand();
    const ed = editor();
    caretIn(ed.querySelector('p')!.firstChild!, 2);
    ed.addEventListener('paste', (e) => {
      e.preventDefault();
      const text = (e as ClipboardEvent).clipboardData!.getData('text/plain');
      setTimeout(() => {
        for (const line of text.split('\n'))
          ed.append(Object.assign(document.createElement('p'), { textContent: line }));
      }, 20);
    });
    expect(await insertTextConfirmed(ed, '甲\n乙', FAST)).toEqual({ ok: true, strategy: 'paste' });
    await new Promise((r) => setTimeout(r, 80));
    expect([...ed.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['前文后文', '甲', '乙']);
    expect(exec).not.toHaveBeenCalled();
  });

  it('an editor that claims the paste but ignores it: beforeinput insertReplacementText (Slate, Lexical)', async () => {
    const exec = stubExecCommand();
    const ed = editor();
    const types: string[] = [];
    ed.addEventListener('paste', (e) => e.preventDefault());
    ed.addEventListener('beforeinput', (e) => {
      types.push(e.inputType);
      e.preventDefault();
      ed.querySelector('p')!.append(e.data ?? '');
    });
    expect(await insertTextConfirmed(ed, '补充', FAST)).toEqual({ ok: true, strategy: 'beforeinput' });
    expect(ed.textContent).toBe('前文后文补充');
    expect(types).toEqual(['insertReplacementText']);
    expect(exec).not.toHaveBeenCalled();
  });

  it('an editor that refuses everything: an error, nothing changed, no execCommand behind its back', async () => {
    const exec = stubExecCommand();
    const ed = editor();
    ed.addEventListener('paste', (e) => e.preventDefault());
    ed.addEventListener('beforeinput', (e) => e.preventDefault());
    expect(await insertTextConfirmed(ed, '不会出现', FAST)).toEqual({
      ok: false,
      error: 'the editor did not take the text',
    });
    expect(ed.textContent).toBe('前文后文');
    expect(exec).not.toHaveBeenCalled();
  });

  it('a plain contenteditable (nobody claims the paste): execCommand at the caret, the typed text kept', async () => {
    const exec = stubExecCommand();
    const ed = editor();
    caretIn(ed.querySelector('p')!.firstChild!, 2);
    expect(await insertTextConfirmed(ed, '中间', FAST)).toEqual({ ok: true, strategy: 'execCommand' });
    expect(ed.textContent).toBe('前文中间后文');
    expect(exec).toHaveBeenCalledWith('insertText', false, '中间');
  });

  it('the caret outside the editor: the text goes at the end; a phrase already there is still seen', async () => {
    stubExecCommand();
    document.body.innerHTML = '<span id="out">别处</span><div id="ed" contenteditable="true">你好你好</div>';
    caretIn(document.getElementById('out')!.firstChild!, 1);
    const ed = document.getElementById('ed')!;
    expect(await insertTextConfirmed(ed, '你好', FAST)).toEqual({ ok: true, strategy: 'execCommand' });
    expect(ed.textContent).toBe('你好你好你好');
  });

  it('nothing there, nothing to insert, no execCommand and no editor: clear errors, nothing changed', async () => {
    document.body.innerHTML = '<div id="x">只读</div><div id="y" contenteditable="true">原文</div>';
    expect(await insertTextConfirmed(document.getElementById('x')!, 'a', FAST)).toEqual({
      ok: false,
      error: 'no editable input',
    });
    const y = document.getElementById('y')!;
    expect(await insertTextConfirmed(y, '', FAST)).toEqual({ ok: false, error: 'nothing to insert' });
    expect(await insertTextConfirmed(y, 'a', FAST)).toEqual({ ok: false, error: 'the editor did not take the text' });
    expect(y.textContent).toBe('原文');
  });
});

describe('its waits run on the Timers it is given (the content script passes ctxTimers)', () => {
  /** The window's timers, recording each timeout's delay. */
  function recording(): { timers: Timers; delays: number[] } {
    const base = windowTimers(document);
    const delays: number[] = [];
    return { timers: { ...base, setTimeout: (fn, ms) => (delays.push(ms), base.setTimeout(fn, ms)) }, delays };
  }

  it('an editor that claims the paste but ignores it: the focus wait and the wait for the text are its own', async () => {
    const { timers, delays } = recording();
    const ed = editor();
    document.body.insertAdjacentHTML('afterbegin', '<input id="other">');
    (document.getElementById('other') as HTMLInputElement).focus();
    ed.addEventListener('paste', (e) => e.preventDefault());
    const r = await insertTextConfirmed(ed, '不会出现', { settleMs: 40, focusSettleMs: 7, timers });
    expect(r).toEqual({ ok: false, error: 'the editor did not take the text' });
    // The focus moved by us (7 ms), then the paste's wait (40 ms; nobody claims the beforeinput).
    expect(delays).toEqual([7, 40]);
  });

  it('a plain contenteditable: the caret settling after the insertion waits on them too', async () => {
    stubExecCommand();
    const { timers, delays } = recording();
    const ed = editor();
    caretIn(ed.querySelector('p')!.firstChild!, 2);
    expect(await insertTextConfirmed(ed, '中间', { ...FAST, timers })).toEqual({ ok: true, strategy: 'execCommand' });
    expect(delays).toContain(50);
  });
});

describe('editableOf', () => {
  it('finds the editor root from inside it, from a wrapper, or the field itself', () => {
    document.body.innerHTML =
      '<div id="wrap"><div id="root" contenteditable="true"><p id="line"><b id="bold">x</b></p></div></div><textarea id="t"></textarea>';
    const root = document.getElementById('root');
    // jsdom has no isContentEditable: stand in for Chromium's.
    for (const id of ['line', 'bold', 'root'])
      Object.defineProperty(document.getElementById(id)!, 'isContentEditable', { value: true });
    expect(editableOf(document.getElementById('wrap')!)).toBe(root);
    expect(editableOf(document.getElementById('bold')!)).toBe(root);
    expect(editableOf(document.getElementById('t')!)).toBe(document.getElementById('t'));
  });
});
