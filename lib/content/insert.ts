/**
 * Puts text into a chat input at the caret, the way a person would, so that the page's framework (React/Vue
 * state, the Quill/Slate/Lexical/ProseMirror/Draft.js model) takes it. Never presses Enter, never clicks
 * "send", never synthesizes a key event: multi-line text goes in as ONE insertion that the editor itself
 * splits into lines (as when a person pastes it).
 *
 * Strategy cascade (e2e: test/e2e/editors.e2e.ts runs it against the real editor packages in Chromium):
 *
 * textarea / text input
 *   1. execCommand('insertText'): native editing, one undo step, a trusted `input` event (React, Vue).
 *      Confirmed when the value is exactly what typing would have made.
 *   2. the native value setter + a bubbling `input` (+ `change`) event: frameworks whose value tracker would
 *      otherwise miss a scripted `.value =`; no undo step.
 *
 * contenteditable (plain, or a rich editor's root)
 *   1. a synthetic `paste` carrying text/plain. Rich editors (Quill, Slate, Lexical, ProseMirror, Draft.js, and
 *      workbench editors with their own paste handler) take it through their model — lines as the editor's own
 *      paragraphs or line breaks, one undo step — and say so with preventDefault(). A synthetic paste has no
 *      default action, so where nobody claims it nothing happened.
 *      Claimed → confirmed by watching the editor's DOM (MutationObserver) until the text shows up.
 *   2. claimed but the text never showed up: a synthetic `beforeinput` of type insertReplacementText with the
 *      text as a DataTransfer (Slate and Lexical insert from it); confirmed the same way. Still nothing: fail
 *      (execCommand behind the back of an editor that keeps a model would only put text on screen that the
 *      model — and so the message that gets sent — never has).
 *   3. unclaimed (plain contenteditable, editors that read the DOM back): execCommand('insertText').
 *      Chromium splits '\n' into paragraphs itself (no key event); confirmed by the text showing up.
 *      Chromium fires no `beforeinput` for execCommand, which is why editors that apply edits from
 *      `beforeinput` (Slate, Lexical, Draft.js) must never get here: their model would not see the text.
 *
 * The entry point: `insertTextConfirmed` (async: waits for the editor to show the text and falls back when it
 * does not; used for quick phrases, from the palette or relayed by the background).
 *
 * Its waits (at most a second) run on the `Timers` it is given (the content script's `ctxTimers`).
 */
import { windowTimers, type Timers } from './timers';

export type InsertStrategy = 'execCommand' | 'nativeSetter' | 'paste' | 'beforeinput';
export type InsertResult = { ok: true; strategy: InsertStrategy } | { ok: false; error: string };

export interface InsertOptions {
  /** How long an editor that claimed the text may take to show it (ms). */
  settleMs?: number;
  /** After the focus or caret was moved by us: how long editors get to pick the new selection up (ms). */
  focusSettleMs?: number;
  /** Where in the text the caret ends up (a phrase's {cursor}); default: after the text. */
  caretAt?: number;
  /** The timers its waits run on (the content script's `ctxTimers`; the element's window's by default). */
  timers?: Timers;
}

const DEFAULTS = { settleMs: 800, focusSettleMs: 150 };

type Field = HTMLTextAreaElement | HTMLInputElement;

function isTextField(el: Element): el is Field {
  return (
    el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && /^(text|search|)$/i.test((el as HTMLInputElement).type))
  );
}

/** The editable element itself: the input, or the contenteditable root at or inside `el`. */
export function editableOf(el: Element): HTMLElement | null {
  if (isTextField(el)) return el as HTMLElement;
  const h = el as HTMLElement;
  const ce = h.getAttribute('contenteditable');
  if (ce === '' || ce === 'true' || ce === 'plaintext-only') return h;
  if (h.isContentEditable) {
    // Inside an editor: its root is the outermost editable ancestor.
    let root = h;
    while (root.parentElement?.isContentEditable) root = root.parentElement;
    return root;
  }
  return el.querySelector<HTMLElement>(
    '[contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"], textarea',
  );
}

function selectionInside(el: HTMLElement): boolean {
  const sel = el.ownerDocument.getSelection();
  return !!sel && sel.rangeCount > 0 && el.contains(sel.getRangeAt(0).startContainer);
}

function caretAtEnd(el: HTMLElement): void {
  const doc = el.ownerDocument;
  const sel = doc.getSelection();
  const range = doc.createRange();
  range.selectNodeContents(el);
  range.collapse(false);
  sel?.removeAllRanges();
  sel?.addRange(range);
}

/** Line endings as editors expect them. */
const normalize = (s: string) => s.replace(/\r\n?/g, '\n');

/** Text without whitespace or the zero-width fillers editors put in empty nodes: how the text is compared. */
const flat = (s: string) => s.replace(/[\s\u200b\ufeff]+/g, '');

function occurrences(hay: string, needle: string): number {
  if (!needle) return 0;
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * Has `text` shown up in the editor since `before` (the editor's text content then)? Counted as one more
 * occurrence, so inserting a phrase that is already there is seen too; whitespace-only text as any change.
 */
function shownUp(el: HTMLElement, text: string, before: string): boolean {
  const now = el.textContent ?? '';
  const want = flat(text);
  if (!want) return now !== before;
  return occurrences(flat(now), want) > occurrences(flat(before), want);
}

/** Resolves true as soon as the text shows up in the editor (checked on every mutation), false after `ms`. */
function waitShownUp(el: HTMLElement, text: string, before: string, ms: number, timers: Timers): Promise<boolean> {
  if (shownUp(el, text, before)) return Promise.resolve(true);
  if (ms <= 0 || typeof MutationObserver !== 'function') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      observer.disconnect();
      timers.clearTimeout(timer);
      resolve(ok);
    };
    const observer = new MutationObserver(() => {
      if (shownUp(el, text, before)) done(true);
    });
    observer.observe(el, { childList: true, subtree: true, characterData: true });
    const timer = timers.setTimeout(() => done(shownUp(el, text, before)), ms);
  });
}

/**
 * The editor's text from its start to the caret (to the selection's start with `atStart`), or null when the
 * selection is not inside.
 */
export function textBeforeCaret(el: HTMLElement, atStart = false): string | null {
  const sel = el.ownerDocument.getSelection();
  if (!sel || !sel.rangeCount) return null;
  const r = sel.getRangeAt(0);
  const [node, offset] = atStart ? [r.startContainer, r.startOffset] : [r.endContainer, r.endOffset];
  if (!el.contains(node)) return null;
  const pre = el.ownerDocument.createRange();
  pre.selectNodeContents(el);
  pre.setEnd(node, offset);
  return pre.toString();
}

/** How many caret steps (grapheme clusters: an emoji is one; a line break is one) a text is. */
export function caretSteps(text: string): number {
  const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  return Segmenter ? [...new Segmenter().segment(text)].length : Array.from(text).length;
}

/**
 * Resolves once the editor had its chance to handle a selection change: `after` ms after the next `selectionchange`
 * (editors read the selection there), or after `ms` when none comes.
 */
export function selectionSettled(
  doc: Document,
  ms: number,
  after: number,
  timers: Timers = windowTimers(doc),
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      doc.removeEventListener('selectionchange', done);
      timers.clearTimeout(timer);
      timers.setTimeout(resolve, after);
    };
    doc.addEventListener('selectionchange', done);
    const timer = timers.setTimeout(done, ms);
  });
}

/**
 * Resolves once the editor has taken a selection just set (by us: a shortcut selected, the palette's caret put back)
 * into its model. Model-backed editors read the selection from the `selectionchange` only (ProseMirror, Lexical,
 * Draft.js, CKEditor 5 in its task; Slate throttled, 100 ms, trailing, after a debounce of 0), and paste at the
 * selection their model holds: the next selectionchange, then 110 ms (Slate's throttle window and a margin); 120 ms
 * when none comes. A read the editor still had pending runs by then too, and it reads the selection as set now.
 */
export function selectionTaken(doc: Document, timers: Timers = windowTimers(doc)): Promise<void> {
  return selectionSettled(doc, 120, 110, timers);
}

/** Moves the caret `n` steps (negative: backward), as arrow keys would; editors take it from the selectionchange. */
function moveCaret(el: HTMLElement, n: number): void {
  if (isTextField(el)) {
    const at = Math.max(0, (el.selectionEnd ?? el.value.length) + n);
    el.setSelectionRange(at, at);
    return;
  }
  const sel = el.ownerDocument.getSelection() as Selection & { modify?: (a: string, d: string, g: string) => void };
  for (let i = Math.abs(n); i > 0; i--) sel?.modify?.('move', n > 0 ? 'forward' : 'backward', 'character');
}

/**
 * Puts the caret where it belongs once the text is in: after it, or at `at` ({cursor}). An editor that inserted the
 * text but left its selection where the insertion began (CKEditor 5 after a paste: typing would go before the
 * phrase) is recognised by the text before the caret being unchanged a moment later (editors that render their
 * selection after the text have done so by then), and its caret is moved from there.
 */
async function placeCaret(
  el: HTMLElement,
  text: string,
  before: string | null,
  at: number,
  timers: Timers,
): Promise<void> {
  if (isTextField(el)) {
    if (at >= 0) moveCaret(el, at - text.length);
    return;
  }
  await selectionSettled(el.ownerDocument, 50, 0, timers);
  // CKEditor 5 leaves a replaced selection spanning the inserted text: the caret is its end.
  const sel = el.ownerDocument.getSelection();
  if (sel && !sel.isCollapsed && sel.focusNode && el.contains(sel.focusNode)) sel.collapseToEnd();
  const now = textBeforeCaret(el);
  const stayed = before !== null && now !== null && flat(now) === flat(before);
  if (stayed) moveCaret(el, caretSteps(at >= 0 ? text.slice(0, at) : text));
  else if (at >= 0) moveCaret(el, -caretSteps(text.slice(at)));
}

const sleep = (ms: number, timers: Timers) => new Promise<void>((r) => timers.setTimeout(r, ms));

/** document.execCommand where the document has it (not every DOM implementation does). */
function execInsert(doc: Document, text: string): boolean {
  try {
    return typeof doc.execCommand === 'function' && doc.execCommand('insertText', false, text);
  } catch {
    return false;
  }
}

/** A DataTransfer holding `text` as text/plain (a minimal stand-in where the DOM has none). */
function plainData(text: string): DataTransfer {
  if (typeof DataTransfer === 'function') {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    return data;
  }
  const types = ['text/plain'];
  return {
    types,
    items: [],
    files: [],
    getData: (type: string) => (type === 'text/plain' || type === 'text' ? text : ''),
  } as unknown as DataTransfer;
}

/** Dispatches a `paste` carrying `text`; true when a handler claimed it (preventDefault). */
function dispatchPaste(el: HTMLElement, text: string): boolean {
  const data = plainData(text);
  let e: Event;
  if (typeof ClipboardEvent === 'function' && typeof DataTransfer === 'function') {
    e = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true });
  } else {
    e = new Event('paste', { bubbles: true, cancelable: true, composed: true });
    Object.defineProperty(e, 'clipboardData', { value: data });
  }
  return !el.dispatchEvent(e);
}

/** Dispatches a `beforeinput` insertReplacementText carrying `text`; true when a handler claimed it. */
function dispatchReplacement(el: HTMLElement, text: string): boolean {
  if (typeof InputEvent !== 'function') return false;
  const init = { inputType: 'insertReplacementText', data: text, bubbles: true, cancelable: true, composed: true };
  let e: InputEvent;
  try {
    e = new InputEvent('beforeinput', { ...init, dataTransfer: plainData(text) });
  } catch {
    e = new InputEvent('beforeinput', init);
  }
  return !el.dispatchEvent(e);
}

interface Prepared {
  el: HTMLElement;
  text: string;
  /** We moved the focus or the caret: editors need a moment to see the new selection. */
  moved: boolean;
}

function prepare(target: Element, raw: string): Prepared | { ok: false; error: string } {
  const text = normalize(raw);
  if (!text) return { ok: false, error: 'nothing to insert' };
  const el = editableOf(target);
  if (!el) return { ok: false, error: 'no editable input' };
  const doc = el.ownerDocument;
  const hadFocus = doc.activeElement === el || (el.contains(doc.activeElement) && !isTextField(el));
  if (isTextField(el)) {
    if (!hadFocus) {
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    }
    return { el, text, moved: !hadFocus };
  }
  // The caret the person left in the editor stays where it is; none there → the end of the text.
  const inside = selectionInside(el);
  if (!hadFocus) el.focus();
  if (!inside) caretAtEnd(el);
  return { el, text, moved: !hadFocus || !inside };
}

function insertIntoField(field: Field, text: string): InsertResult {
  const doc = field.ownerDocument;
  const before = field.value;
  const start = field.selectionStart ?? before.length;
  const end = field.selectionEnd ?? start;
  // An <input> cannot hold line breaks: typing them there would not work either.
  const put = field.tagName === 'INPUT' ? text.replace(/\n+/g, ' ') : text;
  const expected = before.slice(0, start) + put + before.slice(end);
  if (execInsert(doc, put) && field.value === expected) return { ok: true, strategy: 'execCommand' };
  // Changed, but not exactly as typed (a page that tidies spaces, a maxlength): no second try on top of it.
  if (field.value !== before)
    return flat(field.value).includes(flat(put))
      ? { ok: true, strategy: 'execCommand' }
      : { ok: false, error: 'the input changed the text its own way' };
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(field), 'value')?.set;
  if (setter) setter.call(field, expected);
  else field.value = expected;
  field.setSelectionRange(start + put.length, start + put.length);
  field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: put }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
  return field.value === expected
    ? { ok: true, strategy: 'nativeSetter' }
    : { ok: false, error: 'the input did not take the text' };
}

const NOT_TAKEN: InsertResult = { ok: false, error: 'the editor did not take the text' };

/** Inserts `text` at the caret and resolves once the editor shows it (see the cascade above). */
export async function insertTextConfirmed(
  target: Element,
  raw: string,
  options: InsertOptions = {},
): Promise<InsertResult> {
  const opts = { ...DEFAULTS, ...options };
  const p = prepare(target, raw);
  if (!('el' in p)) return p;
  const { el, text, moved } = p;
  const at = options.caretAt ?? -1;
  const timers = options.timers ?? windowTimers(el.ownerDocument);
  if (isTextField(el)) {
    const r = insertIntoField(el, text);
    if (r.ok) await placeCaret(el, el.tagName === 'INPUT' ? text.replace(/\n+/g, ' ') : text, null, at, timers);
    return r;
  }
  if (moved) await sleep(opts.focusSettleMs, timers);

  const before = el.textContent ?? '';
  const caretBefore = textBeforeCaret(el, true);
  const done = async (strategy: InsertStrategy): Promise<InsertResult> => {
    await placeCaret(el, text, caretBefore, at, timers);
    return { ok: true, strategy };
  };
  const claimed = dispatchPaste(el, text);
  if (await waitShownUp(el, text, before, claimed ? opts.settleMs : 0, timers)) return done('paste');
  if (claimed) {
    if (dispatchReplacement(el, text) && (await waitShownUp(el, text, before, opts.settleMs, timers)))
      return done('beforeinput');
    return NOT_TAKEN;
  }
  // An editor that moved the focus into its own capture box on the paste (Quill 1.x) gets the text there and takes
  // it into its model a moment later: wait for it to show up.
  const redirected = el.ownerDocument.activeElement !== el && !el.contains(el.ownerDocument.activeElement);
  if (
    execInsert(el.ownerDocument, text) &&
    (await waitShownUp(el, text, before, redirected ? opts.settleMs : 0, timers))
  )
    return done('execCommand');
  return NOT_TAKEN;
}
