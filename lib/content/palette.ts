/**
 * The in-page quick-phrase palette and shortcut expansion, inside the workbench's chat input.
 * - Ctrl+/ (or Alt+/) in the chat input opens a fuzzy-search list (text, shortcut, pinyin); ↑/↓ choose, Enter
 *   inserts at the caret, Esc closes. Phrases with fill-in prompts ({?订单号}) ask for them first.
 * - Before anything is typed, the list is the suggestions for the open conversation: phrases ranked by the buyer's
 *   last question (`suggestPhrases`: words and pinyin, ranked by the background, which sends them with the
 *   phrases: the ranking and the pinyin stay out of the content script).
 * - Typing a shortcut and a space (`/fh `) replaces it with the phrase.
 * - The chosen phrase is previewed as it will be inserted (variables filled with the settings the `phrases` reply
 *   carries and the open conversation; fill-ins as typed), as text.
 * Never sends: Enter inside the palette is stopped before the page can see it, and insertion never types Enter.
 * Phrases come from the background (content scripts never open the database), once: the palette keeps them (with
 * their revision and a search index over them) and opens at once on them. Every open and every focus of the chat
 * input asks the background whether they are still current (`rev`: the 5 000 rows come again only when they
 * changed); a library edit drops them at once (`invalidate`, on the background's `phrasesChanged`); fresher
 * phrases or suggestions re-render the open list. Text is set as text only.
 */
import { windowTimers, type Timers } from './timers';
import { contentT, onContentLang } from '../i18n/content';
import { send, type Transport } from '../send';
import type { PhraseRow } from '../model';
import type { Platform } from '../model';
import { fillPhrase, type FillSettings } from '../phrases/fill';
import { PhraseIndex, oneMoreUse, searchPhrases, type PhraseMatch } from '../phrases/search';
import { promptsOf, shortcutKey } from '../phrases/validate';
import { isolate, safeText } from '../text';
import { editableOf, insertTextConfirmed, selectionTaken, textBeforeCaret } from './insert';

export interface PaletteDeps {
  doc: Document;
  platform: Platform;
  /** The adapter's chat input (or null when the page shows none). */
  input(): Element | null;
  /** How requests reach the background (typed by `send`). */
  send: Transport;
  /**
   * The open conversation: who it is with, for {买家昵称} / {店铺名}, and the buyer's last question (see
   * `lastBuyerQuestion`), for the suggestions.
   */
  context(): { buyerNick?: string; shop?: string; question?: string };
  now(): number;
  /** WXT's `ctx` timers in the content script (the window's by default; see timers.ts). */
  timers?: Timers;
}

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

/** A contenteditable's selection: the DOM range, and its ends as text offsets for when the editor re-rendered. */
type Saved =
  { kind: 'field'; start: number; end: number } | { kind: 'range'; range: Range; start: number; end: number } | null;

export class Palette {
  private phrases: PhraseRow[] = [];
  /** The search index over `phrases` (each row folded once, not at every keystroke). */
  private index = new PhraseIndex([]);
  /** The revision of `phrases` (undefined: none held: they are asked for before the list shows). */
  private rev: string | undefined;
  /** Counts `invalidate`s: a reply to a request sent before one may predate the edit, and is dropped. */
  private generation = 0;
  /** The question `suggested` answers, for the phrases of revision `rev` (null: none held). */
  private suggestedFor: { question: string; rev: string | undefined } | null = null;
  /** Counts opens and closes: an open still waiting for the phrases shows only if it is the latest. */
  private opening = 0;
  /** The open list's render (null while it is not open), for fresher phrases or suggestions. */
  private rerender: (() => void) | null = null;
  /**
   * What writes the open palette's own words (labels, placeholder, key help): run again when the language changes
   * while it is open (it comes with the clocks, `ClocksMessage.lang`), so the palette never keeps the old one.
   */
  private labels: (() => void)[] = [];
  private offLang: () => void = () => undefined;
  /** The names phrases are filled with (settings), from the last `phrases` reply. */
  private fill: FillSettings | null = null;
  /** The buyer's question the open list suggests for ('' for none), and its pinyin key from the background. */
  private question = '';
  /** The phrases the background ranked for that question (best first). */
  private suggested: PhraseMatch[] = [];
  private host: HTMLElement | null = null;
  private saved: Saved = null;
  private results: PhraseRow[] = [];
  private selected = 0;
  /** An IME composition is open (compositionstart … compositionend). */
  private composing = false;
  /** A composition ended in this task: its last `input` must not expand either. */
  private composedNow = false;

  private readonly timers: Timers;

  constructor(private readonly deps: PaletteDeps) {
    this.timers = deps.timers ?? windowTimers(deps.doc);
  }

  start(): void {
    this.offLang();
    this.offLang = onContentLang(this.relabel);
    this.deps.doc.addEventListener('keydown', this.onKeyDown, true);
    this.deps.doc.addEventListener('input', this.onInput, true);
    this.deps.doc.addEventListener('focusin', this.onFocusIn, true);
    this.deps.doc.addEventListener('compositionstart', this.onComposition, true);
    this.deps.doc.addEventListener('compositionend', this.onComposition, true);
  }

  stop(): void {
    this.offLang();
    this.offLang = () => undefined;
    this.deps.doc.removeEventListener('keydown', this.onKeyDown, true);
    this.deps.doc.removeEventListener('input', this.onInput, true);
    this.deps.doc.removeEventListener('focusin', this.onFocusIn, true);
    this.deps.doc.removeEventListener('compositionstart', this.onComposition, true);
    this.deps.doc.removeEventListener('compositionend', this.onComposition, true);
    this.unswallow();
    this.unhold();
    this.close(false);
  }

  /** The language changed: the open palette's words in the new one (what was typed, chosen and focused stays). */
  relabel = (): void => {
    if (!this.host) return;
    for (const label of this.labels) label();
    this.rerender?.();
  };

  /** Writes a text of the palette's own now, and again at each change of language while it is open. */
  private say(write: (t: ReturnType<typeof contentT>) => void): void {
    const label = () => write(contentT());
    label();
    this.labels.push(label);
  }

  get isOpen(): boolean {
    return this.host !== null;
  }

  /**
   * Loads the phrases visible on this platform, or checks that the ones held are current (reloads them when not);
   * with a question, the suggestions for it too. Resolves true when what the list shows changed.
   */
  refresh(question?: string): Promise<boolean> {
    if (question) return this.load(question);
    if (this.loading) return this.loading;
    const loading = this.load().finally(() => {
      if (this.loading === loading) this.loading = null;
    });
    this.loading = loading;
    return loading;
  }

  private loading: Promise<boolean> | null = null;

  private async load(question?: string): Promise<boolean> {
    const generation = this.generation;
    const r = await send(this.deps.send, {
      type: 'phrases',
      platform: this.deps.platform,
      ...(question && { question }),
      ...(this.rev !== undefined && { rev: this.rev }),
    });
    // The library was edited while this was on its way: the answer may predate the edit (a new request is out).
    if (generation !== this.generation) return false;
    let changed = false;
    if (r.ok && Array.isArray(r.phrases)) {
      this.setPhrases([...r.phrases], r.rev); // our own list: a use replaces its row (see insert)
      changed = true;
    } else if (r.ok && r.rev !== this.rev) {
      // No rows, and not ours: nothing held is known to be current.
      this.setPhrases([], undefined);
      changed = true;
    }
    if (r.ok && r.fill) this.fill = r.fill;
    if (question) {
      const byId = new Map(this.phrases.map((row) => [row.id, row]));
      const suggested: PhraseMatch[] = r.ok
        ? (r.suggested ?? []).flatMap((s) => {
            const row = byId.get(s.id);
            return row ? [{ row, score: s.score, ranges: s.ranges }] : [];
          })
        : [];
      const same =
        this.suggestedFor?.question === question &&
        suggested.length === this.suggested.length &&
        suggested.every((m, i) => m.row === this.suggested[i]!.row && m.score === this.suggested[i]!.score);
      if (!same) changed = true;
      this.suggested = suggested;
      this.suggestedFor = { question, rev: this.rev };
    }
    return changed;
  }

  /** New phrases (and their revision): a new index (reusing what is unchanged), prepared in idle tasks. */
  private setPhrases(rows: PhraseRow[], rev: string | undefined): void {
    this.phrases = rows;
    this.rev = rev;
    this.index = new PhraseIndex(rows, this.index);
    // Suggestions point at the rows they were made from.
    this.suggested = [];
    this.suggestedFor = null;
    const index = this.index;
    const later = (fn: () => void) => void this.timers.setTimeout(fn, 0);
    const warm = () => {
      if (index === this.index && !index.warm(WARM_CHUNK)) later(warm);
    };
    later(warm);
  }

  /**
   * The library was edited (the background's `phrasesChanged`): the phrases held are dropped at once (never shown
   * again) and asked for again; an open list shows the new ones when they arrive.
   */
  invalidate(): void {
    this.generation++;
    this.loading = null;
    this.setPhrases([], undefined);
    this.rerender?.();
    void this.refresh().then(() => this.rerender?.());
  }

  private inInput(target: EventTarget | null): HTMLElement | null {
    const input = this.deps.input();
    const el = input ? editableOf(input) : null;
    return el && target instanceof Node && (el === target || el.contains(target)) ? el : null;
  }

  private onFocusIn = (e: FocusEvent) => {
    if (this.inInput(e.target)) void this.refresh();
  };

  private onKeyDown = (e: KeyboardEvent) => {
    if (this.host && e.composedPath().includes(this.host)) return; // the palette's own keys
    if (e.key === '/' && (e.ctrlKey || e.altKey || e.metaKey) && this.inInput(e.target)) {
      e.preventDefault();
      e.stopPropagation();
      void this.open();
    }
  };

  private onComposition = (e: Event) => {
    this.composing = e.type === 'compositionstart';
    if (this.composing) return;
    this.composedNow = true;
    this.timers.setTimeout(() => {
      this.composedNow = false;
    }, 0);
  };

  private imeBusy(e?: Event): boolean {
    return this.composing || this.composedNow || (e instanceof InputEvent && e.isComposing);
  }

  /** The phrase whose shortcut and a space end the text before the caret, and that text's length. */
  private typedShortcut(el: HTMLElement): { phrase: PhraseRow; len: number } | null {
    // Contenteditable editors often turn a typed trailing space into a no-break space.
    const m = /(?:^|\s)(\/[^\s/]{1,20})[ \u00a0]$/.exec(textBefore(el) ?? '');
    if (!m) return null;
    const key = shortcutKey(m[1]!);
    const phrase = this.phrases.find((p) => p.shortcut !== undefined && shortcutKey(p.shortcut) === key);
    return phrase ? { phrase, len: m[1]!.length + 1 } : null;
  }

  /**
   * `/fh` followed by a space: replace it with the phrase. Never while an IME composition is open nor from its
   * last input; never inside the editor's own input handling (the editor is still applying the space): in the
   * next task, the shortcut is selected, the editor is given the selectionchange to take it into its model, and
   * the phrase is inserted over it by the editor's own strategy (insert.ts), one undo step.
   */
  private onInput = (e: Event) => {
    const el = this.inInput(e.target);
    if (!el || this.host || this.imeBusy(e) || !this.typedShortcut(el)) return;
    this.timers.setTimeout(() => void this.expand(el), 0);
  };

  private async expand(el: HTMLElement): Promise<void> {
    const found = !this.host && !this.imeBusy() ? this.typedShortcut(el) : null;
    if (!found) return;
    selectBackward(el, found.len);
    // Editors take the selection from the selectionchange; Slate reads it throttled (100 ms, trailing), and the typed
    // space's own selectionchange may have opened that window.
    await selectionTaken(this.deps.doc, this.timers);
    // The person may have typed on (or started composing) meanwhile: then the selection is not the shortcut.
    const sel = selectedText(el).replace(/\u00a0/g, ' ');
    if (this.imeBusy() || sel.length !== found.len || shortcutKey(sel.trim()) !== shortcutKey(found.phrase.shortcut!))
      return;
    if (promptsOf(found.phrase.text).length) {
      this.saveCaret(el);
      void this.open(found.phrase);
      return;
    }
    await this.insert(el, found.phrase, {});
  }

  private saveCaret(el: HTMLElement): void {
    if (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) {
      this.saved = {
        kind: 'field',
        start: el.selectionStart ?? el.value.length,
        end: el.selectionEnd ?? el.value.length,
      };
      return;
    }
    const sel = this.deps.doc.getSelection();
    this.saved =
      sel && sel.rangeCount && el.contains(sel.getRangeAt(0).startContainer)
        ? {
            kind: 'range',
            range: sel.getRangeAt(0).cloneRange(),
            start: textBeforeCaret(el, true)?.length ?? 0,
            end: textBeforeCaret(el)?.length ?? 0,
          }
        : null;
  }

  private restoreCaret(el: HTMLElement): void {
    el.focus();
    const s = this.saved;
    if (s?.kind === 'field' && (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement))
      el.setSelectionRange(s.start, s.end);
    if (s?.kind === 'range') {
      const sel = this.deps.doc.getSelection();
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

  /**
   * Opens the list, or straight into the prompts of one phrase. With phrases held, at once (in this task): the
   * suggestions held for the same question show at once too, others fill in when the background sends them; the
   * phrases are checked meanwhile (fresher ones re-render the list). With none held, once they have arrived.
   */
  async open(prompting?: PhraseRow): Promise<void> {
    // A phrase chosen a moment ago is still going in: its caret is the one to save (and this open must not drop it).
    while (this.pending) await this.pending;
    const input = this.deps.input();
    const el = input ? editableOf(input) : null;
    if (!el) return;
    if (!prompting) this.saveCaret(el);
    this.close(false);
    const question = prompting ? '' : (this.deps.context().question ?? '').trim();
    this.question = question;
    // A search starts from every phrase again (typing on narrows within one open).
    this.index.forgetQueries();
    if (this.rev === undefined) {
      this.suggested = [];
      this.suggestedFor = null;
      const opening = ++this.opening;
      await this.refresh(question);
      // Opened again (or closed) while the phrases were on their way: that open is the one that shows.
      if (opening !== this.opening) return;
    } else if (!prompting) {
      void this.refresh(question).then((changed) => {
        if (changed) this.rerender?.();
      });
    }
    const doc = this.deps.doc;
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
    else this.renderSearch(box, el);
  }

  close(restore = true): void {
    this.opening++;
    if (!this.host) return;
    this.host.remove();
    this.host = null;
    this.rerender = null;
    this.labels = [];
    if (restore) {
      const input = this.deps.input();
      const el = input ? editableOf(input) : null;
      if (el) this.restoreCaret(el);
    }
  }

  private renderSearch(box: HTMLElement, el: HTMLElement): void {
    const doc = this.deps.doc;
    const q = doc.createElement('input');
    q.type = 'text';
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
      const opts = { platform: this.deps.platform, limit: SHOWN, now: this.deps.now() };
      // The suggestions for this question, once they are here (until then: the most used, as without a question).
      const suggesting =
        !q.value.trim() &&
        this.question !== '' &&
        this.suggestedFor?.question === this.question &&
        this.suggestedFor.rev === this.rev;
      const found = suggesting ? this.suggested : searchPhrases(this.index, q.value, opts);
      if (suggesting && found[0]?.score) {
        hint.textContent = contentT()('palSuggested', [isolate(this.question)]);
        list.before(hint);
      } else hint.remove();
      this.results = found.map((f) => f.row);
      this.selected = Math.min(this.selected, Math.max(0, this.results.length - 1));
      const chosen = this.results[this.selected];
      pv.textContent = chosen ? safeText(this.filled(chosen, {}, true).text) : '';
      // Built aside, then put in at once (one change of the list).
      const items = doc.createDocumentFragment();
      if (!found.length) {
        const li = doc.createElement('li');
        li.className = 'empty';
        li.textContent = this.phrases.length
          ? contentT()('palNoMatch')
          : this.rev === undefined
            ? contentT()('palLoading')
            : contentT()('palEmpty');
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
  }

  /**
   * The key that chose a phrase closes the palette on keydown and the focus goes back to the chat input, where its
   * keypress and keyup would land: a page that sends on keyup would send. They are stopped before the page sees
   * them (until that key's keyup, at most 1 s).
   */
  private swallowRest(key: string): void {
    const win = this.deps.doc.defaultView;
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
      this.timers.clearTimeout(timer);
    };
    win.addEventListener('keypress', stop, true);
    win.addEventListener('keyup', stop, true);
    const timer = this.timers.setTimeout(off, 1000);
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
      void this.insert(el, row, prompts);
      return;
    }
    const doc = this.deps.doc;
    const taken = selectionTaken(doc, this.timers);
    this.close();
    const gen = this.opening;
    this.holdEnter(el);
    const run = async (): Promise<void> => {
      try {
        await taken;
        const input = this.deps.input();
        const still =
          gen === this.opening &&
          !this.host &&
          el.isConnected &&
          (input ? editableOf(input) : null) === el &&
          focusIn(doc, el);
        if (still) await this.insert(el, row, prompts);
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
    const win = this.deps.doc.defaultView;
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
      this.timers.clearTimeout(timer);
    };
    const timer = this.timers.setTimeout(off, 2000);
    this.unhold = off;
  }

  /** Lets Enter through again. */
  private unhold: () => void = () => undefined;

  private renderPrompts(box: HTMLElement, el: HTMLElement, row: PhraseRow): void {
    const doc = this.deps.doc;
    const names = promptsOf(row.text);
    const pv = this.preview();
    const values = () => Object.fromEntries(names.map((n, k) => [n, fields[k]?.value ?? '']));
    const show = () => {
      pv.textContent = safeText(this.filled(row, values(), true).text);
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

  /**
   * The phrase as it will be inserted: variables filled (settings, then the open conversation), then the fill-ins as
   * typed (kept literally). `caret`: where {cursor} was (-1: none). For the preview, a fill-in not typed yet shows
   * as `[订单号]`.
   */
  private filled(row: PhraseRow, prompts: Record<string, string>, preview = false): { text: string; caret: number } {
    const { buyerNick, shop } = this.deps.context();
    const ctx = { ...this.fill, buyerNick, shop, now: this.deps.now() };
    const text = fillPhrase(row.text.replace(/\{cursor\}/g, '\uE000'), ctx).replace(
      /\{\?([^{}]{1,20})\}/g,
      (all, name: string) => (preview ? prompts[name] || `[${name}]` : (prompts[name] ?? all)),
    );
    return { text: text.replace(/\uE000/g, ''), caret: text.indexOf('\uE000') };
  }

  /** The preview line: filled text, set as text only (page text in it without bidi and zero-width controls). */
  private preview(): HTMLElement {
    const pv = this.deps.doc.createElement('div');
    pv.className = 'pv';
    pv.setAttribute('aria-live', 'polite');
    this.say((t) => pv.setAttribute('aria-label', t('palPreview')));
    return pv;
  }

  /** Fills the phrase and inserts it at the (restored) caret; {cursor} marks where the caret ends up. */
  private async insert(el: HTMLElement, row: PhraseRow, prompts: Record<string, string>): Promise<void> {
    const { text: clean, caret: at } = this.filled(row, prompts);
    const r = await insertTextConfirmed(el, clean, { caretAt: at, timers: this.timers });
    if (!r.ok || row.id === undefined) return;
    // Counted here too, as the store counts it, so the next open ranks it already (the index's rows may change their
    // uses, nothing else); the background's copy differs from ours now, and the next check brings it.
    const where = this.phrases.indexOf(row);
    if (where >= 0) this.phrases[where] = { ...row, ...oneMoreUse(row, this.deps.now()) };
    void send(this.deps.send, { type: 'phraseUsed', id: row.id });
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

/** The text from the start of the input to the caret, or null when the caret is not inside. */
function textBefore(el: HTMLElement): string | null {
  return isField(el) ? el.value.slice(0, el.selectionStart ?? el.value.length) : textBeforeCaret(el);
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

/** The selected text inside the input ('' for none). */
function selectedText(el: HTMLElement): string {
  if (isField(el)) return el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0);
  const sel = el.ownerDocument.getSelection();
  return sel && sel.rangeCount && el.contains(sel.getRangeAt(0).startContainer) ? sel.toString() : '';
}

/** Selects `n` characters before the caret (so that inserting replaces them). */
function selectBackward(el: HTMLElement, n: number): void {
  if (isField(el)) {
    const end = el.selectionEnd ?? el.value.length;
    el.setSelectionRange(Math.max(0, end - n), end);
    return;
  }
  const sel = el.ownerDocument.getSelection() as Selection & { modify?: (a: string, d: string, g: string) => void };
  for (let i = 0; i < n; i++) sel?.modify?.('extend', 'backward', 'character');
}
