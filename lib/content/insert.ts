/**
 * Puts text into a chat input at the caret, the way a person typing would, so that the page's framework
 * (React/Vue state, Quill/Draft/Slate models) sees it. Never presses Enter and never clicks "send".
 * Strategy cascade, each step confirmed by reading the input back:
 *   1. execCommand('insertText'): reaches React-controlled textareas and contenteditable editors;
 *   2. textarea/input: the native value setter + a bubbling `input` event (Vue v-model, React);
 *   3. contenteditable: a synthetic `paste` carrying the text (editors that handle paste themselves).
 */

export type InsertResult =
  { ok: true; strategy: 'execCommand' | 'nativeSetter' | 'paste' } | { ok: false; error: string };

function isTextField(el: Element): el is HTMLTextAreaElement | HTMLInputElement {
  return (
    el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && /^(text|search|)$/i.test((el as HTMLInputElement).type))
  );
}

/** The editable element itself: the input, or the contenteditable root at or inside `el`. */
export function editableOf(el: Element): HTMLElement | null {
  if (isTextField(el)) return el as HTMLElement;
  const h = el as HTMLElement;
  const ce = h.getAttribute('contenteditable');
  if (h.isContentEditable || ce === '' || ce === 'true' || ce === 'plaintext-only') return h;
  return el.querySelector<HTMLElement>('[contenteditable="true"], [contenteditable=""], textarea');
}

function caretAtEndIfOutside(el: HTMLElement): void {
  const doc = el.ownerDocument;
  const sel = doc.getSelection();
  if (sel && sel.rangeCount && el.contains(sel.getRangeAt(0).startContainer)) return;
  const range = doc.createRange();
  range.selectNodeContents(el);
  range.collapse(false);
  sel?.removeAllRanges();
  sel?.addRange(range);
}

const flat = (s: string) => s.replace(/\s+/g, '');

/** document.execCommand where the document has it (not every DOM implementation does). */
function execInsert(doc: Document, text: string): boolean {
  return typeof doc.execCommand === 'function' && doc.execCommand('insertText', false, text);
}

/** A `paste` event carrying plain text (with a minimal clipboardData where DataTransfer is missing). */
function pasteEvent(text: string): Event {
  if (typeof DataTransfer === 'function' && typeof ClipboardEvent === 'function') {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    return new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
  }
  const e = new Event('paste', { bubbles: true, cancelable: true });
  const clipboardData = {
    types: ['text/plain'],
    getData: (type: string) => (type === 'text/plain' || type === 'text' ? text : ''),
  };
  Object.defineProperty(e, 'clipboardData', { value: clipboardData });
  return e;
}

export function insertText(target: Element, text: string): InsertResult {
  const el = editableOf(target);
  if (!el) return { ok: false, error: 'no editable input' };
  const doc = el.ownerDocument;
  const hadFocus = doc.activeElement === el;
  el.focus();

  if (isTextField(el)) {
    const field = el as HTMLTextAreaElement | HTMLInputElement;
    if (!hadFocus) field.setSelectionRange(field.value.length, field.value.length);
    const before = field.value;
    const start = field.selectionStart ?? before.length;
    const end = field.selectionEnd ?? start;
    const expected = before.slice(0, start) + text + before.slice(end);
    if (execInsert(doc, text) && field.value === expected) return { ok: true, strategy: 'execCommand' };
    const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(field), 'value')?.set;
    setter?.call(field, expected);
    field.setSelectionRange(start + text.length, start + text.length);
    field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
    field.dispatchEvent(new Event('change', { bubbles: true }));
    return field.value === expected
      ? { ok: true, strategy: 'nativeSetter' }
      : { ok: false, error: 'the input did not take the text' };
  }

  caretAtEndIfOutside(el);
  const before = flat(el.textContent ?? '');
  const want = before.length + flat(text).length;
  // Any change after execCommand means the editor took it (some editors re-render it their own way):
  // falling back then would insert the text twice.
  if (execInsert(doc, text) && flat(el.textContent ?? '') !== before) return { ok: true, strategy: 'execCommand' };
  el.dispatchEvent(pasteEvent(text));
  if (flat(el.textContent ?? '').length >= want) return { ok: true, strategy: 'paste' };
  return { ok: false, error: 'the editor did not take the text' };
}
