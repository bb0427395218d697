/**
 * The quick-phrase palette's list and fill-in prompts (what lib/content/palette.ts describes), built as its own file
 * (entrypoints/palette.ts, `/palette.js`) that the content script loads the first time the palette opens: the
 * search index, the ranking, the list and the prompts are not in the workbench content scripts (their budget, 30 kB
 * gzip each). Everything that must run before the first open stays in the content script (`Palette`: the phrases,
 * the "/" shortcut expansion, the caret, the insertion), and this view works on it through `PaletteShell`: the
 * phrases, the language and the insertion have one state per page, the content script's.
 * Ranking stays local and synchronous: each keystroke renders the list for what is typed, in its own task.
 */
import type { PhraseRow, Platform } from '../model';
import type { ContentT } from '../i18n/content';
import { paletteTranslate, type PaletteT } from '../i18n/palette';
import { fillPhrase, type FillSettings } from '../phrases/fill';
import { PhraseIndex, searchPhrases, type PhraseMatch } from '../phrases/search';
import { promptsOf } from '../phrases/validate';
import { isolate, safeText } from '../text';
import type { Transport } from '../send';
import type { Timers } from './timers';

/** A contenteditable's selection: the DOM range, and its ends as text offsets for when the editor re-rendered. */
export type SavedCaret =
  { kind: 'field'; start: number; end: number } | { kind: 'range'; range: Range; start: number; end: number } | null;

/** One phrase the background ranked for a question (the `phrases` reply's `suggested`). */
export interface SuggestedWire {
  id: number;
  score: number;
  ranges: [number, number][];
}

/** What the content script's `Palette` gives its view (one state per page: the view holds none of it). */
export interface PaletteShell {
  readonly doc: Document;
  readonly platform: Platform;
  readonly timers: Timers;
  readonly send: Transport;
  input(): Element | null;
  context(): { buyerNick?: string; shop?: string; question?: string };
  now(): number;
  /** The content script's translator (its language: `setContentLang`; the view's own words: `paletteTranslate`). */
  t(): ContentT;
  /** The phrases held, their revision (undefined: none held), and the suggestions for `suggestedFor`. */
  readonly phrases: PhraseRow[];
  readonly rev: string | undefined;
  suggested: PhraseMatch[];
  suggestedFor: { question: string; rev: string | undefined } | null;
  readonly fill: FillSettings | null;
  refresh(question?: string): Promise<boolean>;
  /** Keeps the caret of the chat input `el` (in `saved`), for the insertion and for `restoreCaret` on a close. */
  saveCaret(el: HTMLElement): void;
  /** The caret kept by `saveCaret` (null: none). */
  readonly saved: SavedCaret;
  /** Inserts the phrase `row` filled (see `filled`) at the (restored) caret, and counts its use. */
  insert(el: HTMLElement, row: PhraseRow, phrase: Filled): Promise<void>;
  editableOf(el: Element): HTMLElement | null;
  selectionTaken(doc: Document, timers: Timers): Promise<void>;
}

/** What the content script's `Palette` asks of its view. */
export interface PaletteViewApi {
  readonly isOpen: boolean;
  /** The open palette's host element (its own keys are not the page's). */
  readonly host: HTMLElement | null;
  /** Opens the list (`query`: typed already, while this file was loading) or the prompts of one phrase. */
  open(prompting?: PhraseRow, query?: string): Promise<void>;
  close(restore?: boolean): void;
  /**
   * The background's ranking for `question` (a `phrases` reply asked with it; none when it failed), matched to the
   * shell's phrases and kept there (`suggested`, `suggestedFor`): true when that differs from what was held.
   */
  takeSuggested(question: string, ranked: readonly SuggestedWire[]): boolean;
  /** The language changed. */
  relabel(): void;
  /** The phrases held changed (a new index, prepared in idle tasks); an open list shows them. */
  phrasesChanged(rerender: boolean): void;
  /** The phrase filled for inserting (see `filled`): a shortcut typed in the chat input inserts it without a list. */
  filled(row: PhraseRow, prompts: Record<string, string>): Filled;
  stop(): void;
}

export type PaletteViewFactory = (shell: PaletteShell) => PaletteViewApi;

/** A phrase as it will be inserted, and where {cursor} was in it (-1: none). */
export interface Filled {
  text: string;
  caret: number;
}

/**
 * The phrase as it will be inserted: variables filled (settings, then the open conversation), then the fill-ins as
 * typed (kept literally). For the preview, a fill-in not typed yet shows as `[订单号]`. Here, not in the content
 * script (its size): a typed shortcut asks the view too (PaletteViewApi.filled); the popup's insert command gets its
 * phrase filled by the background.
 */
function filled(shell: PaletteShell, row: PhraseRow, prompts: Record<string, string>, preview = false): Filled {
  const { buyerNick, shop } = shell.context();
  const ctx = { ...shell.fill, buyerNick, shop, now: shell.now() };
  const text = fillPhrase(row.text.replace(/\{cursor\}/g, '\uE000'), ctx).replace(
    /\{\?([^{}]{1,20})\}/g,
    (all, name: string) => (preview ? prompts[name] || `[${name}]` : (prompts[name] ?? all)),
  );
  return { text: text.replace(/\uE000/g, ''), caret: text.indexOf('\uE000') };
}

declare global {
  /** Set by `/palette.js` (entrypoints/palette.ts) in the content script's world when it runs. */
  var __rsPaletteView: PaletteViewFactory | undefined;
}

export const createPaletteView: PaletteViewFactory = (shell) => new PaletteView(shell);

/** Rows shown in the list (the search ranks every phrase, the list shows the best). */
const SHOWN = 20;
/** Rows prepared for searching per idle task after new phrases arrive (so no keystroke pays for it). */
const WARM_CHUNK = 500;

const STYLE = `
:host { all: initial; position: fixed; top: 0; left: 0; }
.box { position: fixed; z-index: 2147483646; width: 420px; max-width: 90vw; background: #fff; color: #1f1f1f;
  contain: layout style;
  border: 1px solid #d9d9d9; border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.18);
  font: 13px/1.5 system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; }
input { box-sizing: border-box; width: 100%; border: 0; border-bottom: 1px solid #f0f0f0; padding: 8px 10px;
  font: inherit; outline: none; }
ul { list-style: none; margin: 0; padding: 4px 0; max-height: 260px; overflow: auto; }
li { padding: 5px 10px; cursor: pointer; white-space: pre-wrap; word-break: break-all; }
li[aria-selected="true"] { background: #e6f4ff; }
mark { background: #fff1b8; color: inherit; }
.sc { color: #1668dc; margin-right: 6px; font-size: 12px; }
.grp { color: #666; font-size: 11px; margin-left: 6px; }
.foot { border-top: 1px solid #f0f0f0; padding: 4px 10px; color: #666; font-size: 11px; }
label { display: block; padding: 4px 10px 0; color: #595959; }
.pv { border-top: 1px solid #f0f0f0; padding: 6px 10px; background: #fafafa; white-space: pre-wrap;
  word-break: break-all; max-height: 120px; overflow: auto; }
.pv:empty { display: none; }
.empty { padding: 8px 10px; color: #666; }
.hint { padding: 4px 10px 0; color: #666; font-size: 11px; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; }
@media (prefers-color-scheme: dark) {
  .box { background: #1f1f1f; color: #e8e8e8; border-color: #424242; box-shadow: 0 6px 24px rgba(0,0,0,.6); }
  input { background: #1f1f1f; color: inherit; border-bottom-color: #303030; }
  li[aria-selected="true"] { background: #112a45; }
  mark { background: #594214; }
  .sc { color: #4096ff; }
  .foot, .pv { border-top-color: #303030; }
  .pv { background: #141414; }
  label, .grp, .foot, .empty, .hint { color: #a6a6a6; }
}
`;

/** The open palette (the caret it goes back to is the shell's: `saveCaret`, then `restoreCaret` here on a close). */
class PaletteView implements PaletteViewApi {
  /** The search index over the shell's phrases (each row folded once, not at every keystroke). */
  private index = new PhraseIndex([]);
  /** The rows `index` was made from. */
  private indexed: PhraseRow[] = [];
  /** Counts opens and closes: an open still waiting for the phrases shows only if it is the latest. */
  private opening = 0;
  /** The open list's render (null while it is not open), for fresher phrases or suggestions. */
  private rerender: (() => void) | null = null;
  /**
   * What writes the open palette's own words (labels, placeholder, key help): run again when the language changes
   * while it is open (it comes with the clocks, `ClocksMessage.lang`), so the palette never keeps the old one.
   */
  private labels: (() => void)[] = [];
  /** The buyer's question the open list suggests for ('' for none). */
  private question = '';
  host: HTMLElement | null = null;
  private results: PhraseRow[] = [];
  private selected = 0;

  constructor(private readonly shell: PaletteShell) {
    this.phrasesChanged(false);
  }

  /** New phrases: a new index (reusing what is unchanged), prepared in idle tasks; an open list shows them. */
  phrasesChanged(rerender: boolean): void {
    if (this.indexed !== this.shell.phrases) {
      this.indexed = this.shell.phrases;
      this.index = new PhraseIndex(this.indexed, this.index);
      const index = this.index;
      const later = (fn: () => void) => void this.shell.timers.setTimeout(fn, 0);
      const warm = () => {
        if (index === this.index && !index.warm(WARM_CHUNK)) later(warm);
      };
      later(warm);
    }
    if (rerender) this.rerender?.();
  }

  filled(row: PhraseRow, prompts: Record<string, string>): Filled {
    return filled(this.shell, row, prompts);
  }

  stop(): void {
    this.unswallow();
    this.unhold();
    this.close(false);
  }

  get isOpen(): boolean {
    return this.host !== null;
  }

  /** The language changed: the open palette's words in the new one (what was typed, chosen and focused stays). */
  takeSuggested(question: string, ranked: readonly SuggestedWire[]): boolean {
    const shell = this.shell;
    const byId = new Map(shell.phrases.map((row) => [row.id, row]));
    const suggested: PhraseMatch[] = ranked.flatMap((s) => {
      const row = byId.get(s.id);
      return row ? [{ row, score: s.score, ranges: s.ranges }] : [];
    });
    const held = shell.suggested;
    const same =
      shell.suggestedFor?.question === question &&
      suggested.length === held.length &&
      suggested.every((m, i) => m.row === held[i]!.row && m.score === held[i]!.score);
    shell.suggested = suggested;
    shell.suggestedFor = { question, rev: shell.rev };
    return !same;
  }

  relabel = (): void => {
    if (!this.host) return;
    for (const label of this.labels) label();
    this.rerender?.();
  };

  /** The palette's own words (lib/i18n/palette.ts, in this file only) in the content script's language. */
  private t(): PaletteT {
    return paletteTranslate(this.shell.t().lang);
  }

  /** Writes a text of the palette's own now, and again at each change of language while it is open. */
  private say(write: (t: PaletteT) => void): void {
    const label = () => write(this.t());
    label();
    this.labels.push(label);
  }

  /**
   * Opens the list, or straight into the prompts of one phrase. With phrases held, at once (in this task): the
   * suggestions held for the same question show at once too, others fill in when the background sends them; the
   * phrases are checked meanwhile (fresher ones re-render the list). With none held, once they have arrived.
   */
  async open(prompting?: PhraseRow, query = ''): Promise<void> {
    // A phrase chosen a moment ago is still going in: its caret is the one to save (and this open must not drop it).
    while (this.pending) await this.pending;
    const input = this.shell.input();
    const el = input ? this.shell.editableOf(input) : null;
    if (!el) return;
    // A phrase with nothing to type (a typed shortcut whose view was not here yet: palette.ts expand) goes in at once,
    // at the caret kept for it; a box of no fields would take no Enter (the focus stays in the chat input).
    if (prompting && !promptsOf(prompting.text).length) {
      this.close(false);
      this.insertChosen(el, prompting, {});
      return;
    }
    if (!prompting) this.shell.saveCaret(el);
    this.close(false);
    const question = prompting ? '' : (this.shell.context().question ?? '').trim();
    this.question = question;
    // A search starts from every phrase again (typing on narrows within one open).
    this.index.forgetQueries();
    if (this.shell.rev === undefined) {
      this.shell.suggested = [];
      this.shell.suggestedFor = null;
      const opening = ++this.opening;
      await this.shell.refresh(question);
      // Opened again (or closed) while the phrases were on their way: that open is the one that shows.
      if (opening !== this.opening) return;
    } else if (!prompting) {
      void this.shell.refresh(question).then((changed) => {
        if (changed) this.rerender?.();
      });
    }
    const doc = this.shell.doc;
    const host = doc.createElement('div');
    host.setAttribute('data-reply-sentinel-palette', '');
    const root = host.attachShadow({ mode: 'open' });
    const style = doc.createElement('style');
    style.textContent = STYLE;
    const box = doc.createElement('div');
    box.className = 'box';
    box.setAttribute('role', 'dialog');
    this.say((t) => box.setAttribute('aria-label', t('palLabel')));
    root.append(style, box);
    const rect = el.getBoundingClientRect();
    // Just above the chat input (below it when the input sits near the top of the window).
    const vw = doc.defaultView?.innerWidth ?? 800;
    const vh = doc.defaultView?.innerHeight ?? 600;
    box.style.left = `${Math.max(8, Math.min(rect.left, vw - 430))}px`;
    if (rect.top > 240) box.style.bottom = `${Math.max(8, vh - rect.top + 6)}px`;
    else box.style.top = `${Math.min(vh - 240, rect.bottom + 6)}px`;
    // Keys inside the palette never reach the page (Enter would send the chat message).
    host.addEventListener('keydown', (e) => e.stopPropagation());
    host.addEventListener('keyup', (e) => e.stopPropagation());
    host.addEventListener('keypress', (e) => e.stopPropagation());
    doc.body.appendChild(host);
    this.host = host;
    if (prompting) this.renderPrompts(box, el, prompting);
    else this.renderSearch(box, el, query);
  }

  close(restore = true): void {
    this.opening++;
    if (!this.host) return;
    this.host.remove();
    this.host = null;
    this.rerender = null;
    this.labels = [];
    if (restore) {
      const input = this.shell.input();
      const el = input ? this.shell.editableOf(input) : null;
      if (el) restoreCaret(this.shell.doc, el, this.shell.saved);
    }
  }

  private renderSearch(box: HTMLElement, el: HTMLElement, query: string): void {
    const doc = this.shell.doc;
    const q = doc.createElement('input');
    q.type = 'text';
    q.value = query;
    this.say((t) => {
      q.placeholder = t('palSearch');
      q.setAttribute('aria-label', t('palSearchLabel'));
    });
    const list = doc.createElement('ul');
    list.setAttribute('role', 'listbox');
    const foot = doc.createElement('div');
    foot.className = 'foot';
    this.say((t) => (foot.textContent = t('palKeys')));
    const pv = this.preview();
    const hint = doc.createElement('div');
    hint.className = 'hint';
    box.append(q, list, pv, foot);

    /** The list was scrolled away from its top (by ↑↓): a new list starts at the top again. */
    let scrolled = false;
    const render = () => {
      const opts = { platform: this.shell.platform, limit: SHOWN, now: this.shell.now() };
      // The suggestions for this question, once they are here (until then: the most used, as without a question).
      const suggesting =
        !q.value.trim() &&
        this.question !== '' &&
        this.shell.suggestedFor?.question === this.question &&
        this.shell.suggestedFor.rev === this.shell.rev;
      const found = suggesting ? this.shell.suggested : searchPhrases(this.index, q.value, opts);
      if (suggesting && found[0]?.score) {
        hint.textContent = this.t()('palSuggested', [isolate(this.question)]);
        list.before(hint);
      } else hint.remove();
      this.results = found.map((f) => f.row);
      this.selected = Math.min(this.selected, Math.max(0, this.results.length - 1));
      const chosen = this.results[this.selected];
      pv.textContent = chosen ? safeText(filled(this.shell, chosen, {}, true).text) : '';
      // Built aside, then put in at once (one change of the list).
      const items = doc.createDocumentFragment();
      if (!found.length) {
        const li = doc.createElement('li');
        li.className = 'empty';
        li.textContent = this.shell.phrases.length
          ? this.t()('palNoMatch')
          : this.shell.rev === undefined
            ? this.t()('palLoading')
            : this.t()('palEmpty');
        items.appendChild(li);
        list.replaceChildren(items);
        return;
      }
      found.forEach((f, i) => {
        const li = doc.createElement('li');
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === this.selected));
        if (f.row.shortcut) {
          const sc = doc.createElement('span');
          sc.className = 'sc';
          sc.textContent = f.row.shortcut;
          li.appendChild(sc);
        }
        appendHighlighted(doc, li, f.row.text, f.ranges);
        const g = doc.createElement('span');
        g.className = 'grp';
        g.textContent = f.row.group;
        li.appendChild(g);
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          this.choose(box, el, f.row);
        });
        items.appendChild(li);
      });
      list.replaceChildren(items);
      // Scrolling asks for a layout in this task: only when the chosen row may be out of view.
      if (this.selected > 0) {
        list.children[this.selected]?.scrollIntoView?.({ block: 'nearest' });
        scrolled = true;
      } else if (scrolled) {
        list.scrollTop = 0;
        scrolled = false;
      }
    };
    this.rerender = render;
    q.addEventListener('input', () => {
      this.selected = 0;
      render();
    });
    q.addEventListener('keydown', (e) => {
      if (e.isComposing) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = this.results.length;
        if (n) this.selected = (this.selected + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
        render();
      } else if (e.key === 'Enter') {
        e.preventDefault();
        const row = this.results[this.selected];
        if (!row) return;
        if (!promptsOf(row.text).length) this.swallowRest(e.key);
        this.choose(box, el, row);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
      }
    });
    render();
    q.focus();
    // What was typed while this file was loading: typing goes on after it.
    if (query) q.setSelectionRange(query.length, query.length);
  }

  /**
   * The key that chose a phrase closes the palette on keydown and the focus goes back to the chat input, where its
   * keypress and keyup would land: a page that sends on keyup would send. They are stopped before the page sees
   * them (until that key's keyup, at most 1 s).
   */
  private swallowRest(key: string): void {
    const win = this.shell.doc.defaultView;
    if (!win) return;
    const stop = (e: KeyboardEvent) => {
      if (e.key !== key) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      if (e.type === 'keyup') off();
    };
    this.unswallow();
    const off = () => {
      this.unswallow = () => undefined;
      win.removeEventListener('keypress', stop, true);
      win.removeEventListener('keyup', stop, true);
      this.shell.timers.clearTimeout(timer);
    };
    win.addEventListener('keypress', stop, true);
    win.addEventListener('keyup', stop, true);
    const timer = this.shell.timers.setTimeout(off, 1000);
    this.unswallow = off;
  }

  /** Lets the swallowed key through again. */
  private unswallow: () => void = () => undefined;

  private choose(box: HTMLElement, el: HTMLElement, row: PhraseRow): void {
    if (promptsOf(row.text).length) {
      box.replaceChildren();
      this.renderPrompts(box, el, row);
      return;
    }
    this.insertChosen(el, row, {});
  }

  /**
   * Closes the palette and inserts what was chosen at the agent's caret or selection, put back into the chat input
   * (the palette had the focus). A field's selection is its own: at once. A rich editor pastes at the selection its
   * model holds, and a slow page may not have read the agent's last caret move before the palette took the focus (nor
   * the one put back yet): the insertion waits until the editor has taken it (`selectionTaken`). Meanwhile (`pending`)
   * an Enter in the chat input is held back (a quick Enter to send would send the message without the phrase), a new
   * open waits for the insertion, and the insertion is dropped if the palette opened or stopped meanwhile, or the chat
   * input is no longer the one chosen for, or lost the focus (switched conversation, clicked elsewhere): a phrase never
   * goes anywhere but where it was chosen for.
   */
  private insertChosen(el: HTMLElement, row: PhraseRow, prompts: Record<string, string>): void {
    if (isField(el)) {
      this.close();
      void this.shell.insert(el, row, filled(this.shell, row, prompts));
      return;
    }
    const doc = this.shell.doc;
    const taken = this.shell.selectionTaken(doc, this.shell.timers);
    this.close();
    const gen = this.opening;
    this.holdEnter(el);
    const run = async (): Promise<void> => {
      try {
        await taken;
        const input = this.shell.input();
        const still =
          gen === this.opening &&
          !this.host &&
          el.isConnected &&
          (input ? this.shell.editableOf(input) : null) === el &&
          focusIn(doc, el);
        if (still) await this.shell.insert(el, row, filled(this.shell, row, prompts));
      } finally {
        if (this.pending === done) {
          this.pending = null;
          this.unhold();
        }
      }
    };
    const done = run();
    this.pending = done;
  }

  /** The insertion of a phrase chosen for a rich editor, until it is in (`insertChosen`). */
  private pending: Promise<void> | null = null;

  /**
   * Holds back Enter in the chat input (keydown, keypress, keyup; not while an IME composes) until `unhold` (the
   * insertion done, the palette stopped) or 2 s at most.
   */
  private holdEnter(el: HTMLElement): void {
    const win = this.shell.doc.defaultView;
    this.unhold();
    if (!win) return;
    const hold = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || e.isComposing || !(e.target instanceof Node) || !el.contains(e.target)) return;
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    for (const type of ['keydown', 'keypress', 'keyup'] as const) win.addEventListener(type, hold, true);
    const off = () => {
      this.unhold = () => undefined;
      for (const type of ['keydown', 'keypress', 'keyup'] as const) win.removeEventListener(type, hold, true);
      this.shell.timers.clearTimeout(timer);
    };
    const timer = this.shell.timers.setTimeout(off, 2000);
    this.unhold = off;
  }

  /** Lets Enter through again. */
  private unhold: () => void = () => undefined;

  private renderPrompts(box: HTMLElement, el: HTMLElement, row: PhraseRow): void {
    const doc = this.shell.doc;
    const names = promptsOf(row.text);
    const pv = this.preview();
    const values = () => Object.fromEntries(names.map((n, k) => [n, fields[k]?.value ?? '']));
    const show = () => {
      pv.textContent = safeText(filled(this.shell, row, values(), true).text);
    };
    const fields: HTMLInputElement[] = names.map((name, i) => {
      const label = doc.createElement('label');
      label.textContent = name;
      const input = doc.createElement('input');
      input.type = 'text';
      input.setAttribute('aria-label', name);
      input.addEventListener('input', show);
      input.addEventListener('keydown', (e) => {
        if (e.isComposing) return;
        if (e.key === 'Escape') {
          e.preventDefault();
          this.close();
        } else if (e.key === 'Enter') {
          e.preventDefault();
          if (i < names.length - 1) fields[i + 1]!.focus();
          else {
            const filledIn = values();
            this.swallowRest(e.key);
            this.insertChosen(el, row, filledIn);
          }
        }
      });
      box.append(label, input);
      return input;
    });
    const foot = doc.createElement('div');
    foot.className = 'foot';
    this.say((t) => (foot.textContent = t('palFillKeys')));
    box.append(pv, foot);
    show();
    fields[0]?.focus();
  }

  /** The preview line: filled text, set as text only (page text in it without bidi and zero-width controls). */
  private preview(): HTMLElement {
    const pv = this.shell.doc.createElement('div');
    pv.className = 'pv';
    pv.setAttribute('aria-live', 'polite');
    this.say((t) => pv.setAttribute('aria-label', t('palPreview')));
    return pv;
  }
}

function appendHighlighted(
  doc: Document,
  parent: HTMLElement,
  text: string,
  ranges: readonly [number, number][],
): void {
  let pos = 0;
  for (const [a, b] of ranges) {
    if (a > pos) parent.append(doc.createTextNode(text.slice(pos, a)));
    const m = doc.createElement('mark');
    m.textContent = text.slice(a, b);
    parent.append(m);
    pos = b;
  }
  if (pos < text.length) parent.append(doc.createTextNode(text.slice(pos)));
}

/** Whether the focus is in `el` (through open shadow roots). */
function focusIn(doc: Document, el: HTMLElement): boolean {
  let a = doc.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a !== null && el.contains(a);
}

function isField(el: HTMLElement): el is HTMLTextAreaElement | HTMLInputElement {
  return el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement;
}

/**
 * Puts the focus and the caret kept by the shell's `saveCaret` back into the chat input `el` (on a close: in this
 * file, not the content script's, as only an open palette closes).
 */
function restoreCaret(doc: Document, el: HTMLElement, s: SavedCaret): void {
  el.focus();
  if (s?.kind === 'field' && isField(el)) el.setSelectionRange(s.start, s.end);
  if (s?.kind === 'range') {
    const sel = doc.getSelection();
    const r = s.range;
    // An editor that re-rendered its text meanwhile (CKEditor 5 on blur, Lexical) moved or dropped the saved nodes:
    // the saved range is only kept while it still spans the same text offsets.
    const live =
      r.startContainer.isConnected &&
      el.contains(r.startContainer) &&
      el.contains(r.endContainer) &&
      offsetOf(el, r.startContainer, r.startOffset) === s.start &&
      offsetOf(el, r.endContainer, r.endOffset) === s.end;
    sel?.removeAllRanges();
    sel?.addRange(live ? r : rangeAt(el, s.start, s.end));
  }
}

/** The text offset (as Range.toString counts) of a boundary point inside `el`. */
function offsetOf(el: HTMLElement, node: Node, offset: number): number {
  const pre = el.ownerDocument.createRange();
  pre.selectNodeContents(el);
  pre.setEnd(node, offset);
  return pre.toString().length;
}

/** The DOM range from text offset `start` to `end` in `el` (offsets as Range.toString counts them). */
function rangeAt(el: HTMLElement, start: number, end: number): Range {
  const doc = el.ownerDocument;
  const range = doc.createRange();
  range.selectNodeContents(el);
  range.collapse(false);
  const walk = doc.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let pos = 0;
  let startSet = false;
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const len = n.nodeValue?.length ?? 0;
    if (!startSet && start <= pos + len) {
      range.setStart(n, start - pos);
      startSet = true;
    }
    if (startSet && end <= pos + len) {
      range.setEnd(n, end - pos);
      break;
    }
    pos += len;
  }
  return range;
}
