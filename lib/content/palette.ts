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
 *
 * Two parts. This one is in every workbench content script and holds what runs before the palette's first open:
 * the keys, the phrases, the "/" shortcut expansion (synchronous detection in the page's input event), the caret and
 * the insertion. The list, its search index and ranking and the prompts (palette-view.ts) are their own file
 * (`/palette.js`, entrypoints/palette.ts), loaded by `deps.loadView` the first time the palette opens (the content
 * scripts' budget, 30 kB gzip each). While it loads (first open only), what is typed in the chat input is kept for the
 * palette's search box (Esc gives up the open) instead of reaching the page; a load that fails says so next to the
 * chat input, and the next open tries again.
 */
import { windowTimers, type Timers } from './timers';
import { contentT, onContentLang } from '../i18n/content';
import { send, type Transport } from '../send';
import type { PhraseRow } from '../model';
import type { Platform } from '../model';
import type { FillSettings } from '../phrases/fill';
import { oneMoreUse, type PhraseMatch } from '../phrases/search';
import { promptsOf, shortcutKey } from '../phrases/validate';
import { editableOf, insertTextConfirmed, selectionTaken, textBeforeCaret } from './insert';
import type { Filled, PaletteShell, PaletteViewApi, PaletteViewFactory, SavedCaret } from './palette-view';

export type { PaletteViewFactory } from './palette-view';

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
  /**
   * The palette's list and prompts (palette-view.ts): in the content script, `/palette.js` imported on the first
   * open (main.ts); a factory at once where it is bundled (tests).
   */
  loadView(): PaletteViewFactory | Promise<PaletteViewFactory>;
}

/** How long the text saying that the palette could not load stays (ms). */
const NOTICE_MS = 6000;

/** A first open waiting for the view's file: what was typed meanwhile. */
interface Waiting {
  query: string;
}

export class Palette {
  private phrases: PhraseRow[] = [];
  /** The revision of `phrases` (undefined: none held: they are asked for before the list shows). */
  private rev: string | undefined;
  /** Counts `invalidate`s: a reply to a request sent before one may predate the edit, and is dropped. */
  private generation = 0;
  /** The question `suggested` answers, for the phrases of revision `rev` (null: none held). */
  private suggestedFor: { question: string; rev: string | undefined } | null = null;
  private offLang: () => void = () => undefined;
  /** The names phrases are filled with (settings), from the last `phrases` reply. */
  private fill: FillSettings | null = null;
  /** The phrases the background ranked for the last question asked (best first). */
  private suggested: PhraseMatch[] = [];
  private saved: SavedCaret = null;
  /** An IME composition is open (compositionstart … compositionend). */
  private composing = false;
  /** A composition ended in this task: its last `input` must not expand either. */
  private composedNow = false;
  /** The list and prompts, once their file is here (`deps.loadView`). */
  private view: PaletteViewApi | null = null;
  /** The first open, while the view's file loads (null otherwise). */
  private waiting: Waiting | null = null;
  /** Removes the text saying that the palette could not load (when it shows). */
  private unnotice: () => void = () => undefined;
  /** Started and not stopped: a view loaded in the background is made only then, and nothing opens otherwise. */
  private running = false;
  /** The chat input was focused since the start (the file is loaded in the background only then). */
  private focused = false;
  /** The view's file on its way (for the background load and an open alike: one load at a time). */
  private viewLoad: Promise<PaletteViewFactory> | null = null;

  private readonly timers: Timers;

  constructor(private readonly deps: PaletteDeps) {
    this.timers = deps.timers ?? windowTimers(deps.doc);
  }

  start(): void {
    this.running = true;
    this.offLang();
    this.offLang = onContentLang(() => this.view?.relabel());
    this.deps.doc.addEventListener('keydown', this.onKeyDown, true);
    this.deps.doc.addEventListener('input', this.onInput, true);
    this.deps.doc.addEventListener('focusin', this.onFocusIn, true);
    this.deps.doc.addEventListener('compositionstart', this.onComposition, true);
    this.deps.doc.addEventListener('compositionend', this.onComposition, true);
  }

  stop(): void {
    this.running = false;
    this.offLang();
    this.offLang = () => undefined;
    this.deps.doc.removeEventListener('keydown', this.onKeyDown, true);
    this.deps.doc.removeEventListener('input', this.onInput, true);
    this.deps.doc.removeEventListener('focusin', this.onFocusIn, true);
    this.deps.doc.removeEventListener('compositionstart', this.onComposition, true);
    this.deps.doc.removeEventListener('compositionend', this.onComposition, true);
    this.unwait();
    this.unnotice();
    this.view?.stop();
  }

  get isOpen(): boolean {
    return this.view?.isOpen ?? false;
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
    // Asked with a question by the view only (an open palette): it matches the ranking to the phrases held.
    if (question && this.view?.takeSuggested(question, r.ok ? (r.suggested ?? []) : [])) changed = true;
    return changed;
  }

  /** New phrases (and their revision): a new index (reusing what is unchanged), prepared in idle tasks. */
  /** New phrases (and their revision); the view makes its search index over them. */
  private setPhrases(rows: PhraseRow[], rev: string | undefined): void {
    this.phrases = rows;
    this.rev = rev;
    // Suggestions point at the rows they were made from.
    this.suggested = [];
    this.suggestedFor = null;
    this.view?.phrasesChanged(false);
    // Only in a tab whose chat input was focused (a library edit reaches every workbench tab).
    if (!this.view && rows.length && this.focused) void this.preload();
  }

  /**
   * The view's file, loaded in the background when the chat input is first focused (and when phrases arrive after
   * that): the first open is then immediate like every later one (no keys to hold while it loads, an IME's included)
   * and finds its search index warmed in idle tasks. A failure here is silent: the open tries again and says so.
   */
  private async preload(): Promise<void> {
    if (this.view) return;
    const factory = await Promise.resolve(this.loadView()).catch(() => null); // said by the open that needs it
    if (!this.view && this.running && typeof factory === 'function') this.view = factory(this.shell());
  }

  /** The view's file: the load under way if there is one, else a new one (a failed one is not kept: tried again). */
  private loadView(): PaletteViewFactory | Promise<PaletteViewFactory> {
    if (this.viewLoad) return this.viewLoad;
    let loaded: PaletteViewFactory | Promise<PaletteViewFactory>;
    try {
      loaded = this.deps.loadView();
    } catch (err) {
      loaded = Promise.reject(err as Error);
    }
    if (typeof loaded === 'function') return loaded;
    const load = (this.viewLoad = loaded);
    const done = () => {
      if (this.viewLoad === load) this.viewLoad = null;
    };
    load.then(done, done);
    return load;
  }

  /**
   * The library was edited (the background's `phrasesChanged`): the phrases held are dropped at once (never shown
   * again) and asked for again; an open list shows the new ones when they arrive.
   */
  invalidate(): void {
    this.generation++;
    this.loading = null;
    this.setPhrases([], undefined);
    this.view?.phrasesChanged(true);
    void this.refresh().then(() => this.view?.phrasesChanged(true));
  }

  private inInput(target: EventTarget | null): HTMLElement | null {
    const input = this.deps.input();
    const el = input ? editableOf(input) : null;
    return el && target instanceof Node && (el === target || el.contains(target)) ? el : null;
  }

  private onFocusIn = (e: FocusEvent) => {
    if (!this.inInput(e.target)) return;
    this.focused = true;
    void this.refresh();
    void this.preload(); // beside the phrases' request, not after it
  };

  private onKeyDown = (e: KeyboardEvent) => {
    const host = this.view?.host;
    if (host && e.composedPath().includes(host)) return; // the palette's own keys
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
    if (!el || this.isOpen || this.waiting || this.imeBusy(e) || !this.typedShortcut(el)) return;
    this.timers.setTimeout(() => void this.expand(el), 0);
  };

  private async expand(el: HTMLElement): Promise<void> {
    // The view fills the phrase: loaded when the chat input got the focus, as a rule; else now (typed text read after).
    if (!this.view) await this.preload();
    if (!this.running) return;
    // The agent may have moved on while the view loaded (clicked elsewhere, switched conversation): a phrase goes
    // only where its shortcut was typed, the focus still there (an insertion would take the focus back, the caret
    // at the end, and leave the shortcut's text before the phrase).
    const here = () => this.inInput(this.deps.doc.activeElement) === el;
    const found = !this.isOpen && !this.waiting && !this.imeBusy() && here() ? this.typedShortcut(el) : null;
    if (!found) return;
    selectBackward(el, found.len);
    // Editors take the selection from the selectionchange; Slate reads it throttled (100 ms, trailing), and the typed
    // space's own selectionchange may have opened that window.
    await selectionTaken(this.deps.doc, this.timers);
    if (!this.running) return;
    // The person may have typed on (or started composing) meanwhile: then the selection is not the shortcut.
    const sel = selectedText(el).replace(/\u00a0/g, ' ');
    if (
      this.imeBusy() ||
      !here() ||
      sel.length !== found.len ||
      shortcutKey(sel.trim()) !== shortcutKey(found.phrase.shortcut!)
    )
      return;
    // Fill-ins to type, or no view (its file failed to load: the open tries again and says so).
    const view = this.view;
    if (promptsOf(found.phrase.text).length || !view) {
      this.saveCaret(el);
      void this.open(found.phrase);
      return;
    }
    await this.insert(el, found.phrase, view.filled(found.phrase, {}));
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

  /**
   * Opens the list, or straight into the prompts of one phrase (palette-view.ts). Once the view's file is here, at
   * once (in this task) when phrases are held. The first time, when the file has loaded: meanwhile the keys typed
   * in the chat input are the search box's (`waiting`); a load that fails says so, and the next open tries again.
   */
  async open(prompting?: PhraseRow): Promise<void> {
    if (!this.running) return; // stopped (another palette took over the page, or the extension went away)
    this.unnotice();
    if (this.view) return this.view.open(prompting);
    if (this.waiting) return; // already on its way
    const loaded = this.loadView();
    if (typeof loaded === 'function') {
      this.view = loaded(this.shell());
      return this.view.open(prompting);
    }
    return this.firstOpen(loaded, prompting);
  }

  /** The first open: waits for the view's file (what is typed meanwhile is kept), then opens, or says it failed. */
  private async firstOpen(loaded: Promise<PaletteViewFactory>, prompting?: PhraseRow): Promise<void> {
    const waiting: Waiting = { query: '' };
    this.wait(waiting);
    const factory = await loaded.catch(() => null);
    // Closed, stopped, given up with Esc meanwhile (or loaded by another open): nothing to show.
    if (this.waiting !== waiting || !this.running) return;
    this.unwait();
    if (!this.view && typeof factory !== 'function') {
      this.notice();
      return;
    }
    this.view ??= factory!(this.shell());
    // The agent moved on meanwhile (the focus left the chat input): the list does not pull the focus back.
    if (!this.inInput(this.deps.doc.activeElement)) return;
    return this.view.open(prompting, waiting.query);
  }

  close(restore = true): void {
    this.unwait();
    this.view?.close(restore);
  }

  /**
   * While the view's file loads: keys in the chat input go to the palette's search box (printable ones; Backspace
   * takes the last back; Esc gives up the open), none reaches the page (an Enter would send the half-typed message).
   * An IME's composition is left to the page (its keys are the IME's).
   */
  private wait(waiting: Waiting): void {
    const win = this.deps.doc.defaultView;
    this.unwait();
    this.waiting = waiting;
    if (!win) return;
    const key = (e: KeyboardEvent) => {
      if (e.isComposing || e.keyCode === 229 || !this.inInput(e.target)) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      if (e.type !== 'keydown') return;
      if (e.key === 'Escape') this.unwait();
      else if (e.key === 'Backspace') waiting.query = waiting.query.slice(0, -1);
      else if ([...e.key].length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) waiting.query += e.key;
    };
    for (const type of ['keydown', 'keypress', 'keyup'] as const) win.addEventListener(type, key, true);
    this.unwait = () => {
      this.waiting = null;
      this.unwait = () => undefined;
      for (const type of ['keydown', 'keypress', 'keyup'] as const) win.removeEventListener(type, key, true);
    };
  }

  /** Ends a first open's wait (`wait`). */
  private unwait: () => void = () => {
    this.waiting = null;
  };

  /** The palette's file did not load: says so next to the chat input (as text, for a while, or until the next open). */
  private notice(): void {
    const doc = this.deps.doc;
    const input = this.deps.input();
    const el = input ? editableOf(input) : null;
    const rect = el?.getBoundingClientRect();
    const host = doc.createElement('div');
    host.setAttribute('data-reply-sentinel-palette-error', '');
    const box = doc.createElement('div');
    box.setAttribute('role', 'alert');
    box.textContent = contentT()('palLoadFailed');
    box.style.cssText =
      'all:initial;position:fixed;z-index:2147483646;max-width:420px;padding:8px 10px;background:#fff2f0;' +
      'color:#a8071a;border:1px solid #ffccc7;border-radius:8px;font:13px/1.5 system-ui,sans-serif;' +
      `left:${Math.max(8, rect?.left ?? 8)}px;bottom:${Math.max(8, (doc.defaultView?.innerHeight ?? 600) - (rect?.top ?? 0) + 6)}px`;
    host.attachShadow({ mode: 'open' }).append(box);
    doc.body.appendChild(host);
    const timer = this.timers.setTimeout(() => this.unnotice(), NOTICE_MS);
    this.unnotice();
    this.unnotice = () => {
      this.unnotice = () => undefined;
      this.timers.clearTimeout(timer);
      host.remove();
    };
  }

  /** What the view works on: this palette's phrases, caret, language and insertion (one state per page). */
  private shell(): PaletteShell {
    const deps = this.deps;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below read this palette's fields
    const self = this;
    return {
      doc: deps.doc,
      platform: deps.platform,
      timers: this.timers,
      send: deps.send,
      input: () => deps.input(),
      context: () => deps.context(),
      now: () => deps.now(),
      t: contentT,
      get phrases() {
        return self.phrases;
      },
      get rev() {
        return self.rev;
      },
      get fill() {
        return self.fill;
      },
      get saved() {
        return self.saved;
      },
      get suggested() {
        return self.suggested;
      },
      set suggested(v) {
        self.suggested = v;
      },
      get suggestedFor() {
        return self.suggestedFor;
      },
      set suggestedFor(v) {
        self.suggestedFor = v;
      },
      refresh: (question) => this.refresh(question),
      saveCaret: (el) => this.saveCaret(el),
      insert: (el, row, phrase) => this.insert(el, row, phrase),
      editableOf,
      selectionTaken,
    };
  }

  /** Inserts the phrase, filled by the view, at the (restored) caret; {cursor} marked where the caret ends up. */
  private async insert(el: HTMLElement, row: PhraseRow, { text: clean, caret: at }: Filled): Promise<void> {
    const r = await insertTextConfirmed(el, clean, { caretAt: at, timers: this.timers });
    if (!r.ok || row.id === undefined) return;
    // Counted here too, as the store counts it, so the next open ranks it already (the index's rows may change their
    // uses, nothing else); the background's copy differs from ours now, and the next check brings it.
    const where = this.phrases.indexOf(row);
    if (where >= 0) this.phrases[where] = { ...row, ...oneMoreUse(row, this.deps.now()) };
    void send(this.deps.send, { type: 'phraseUsed', id: row.id });
  }
}

function isField(el: HTMLElement): el is HTMLTextAreaElement | HTMLInputElement {
  return el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement;
}

/** The text from the start of the input to the caret, or null when the caret is not inside. */
function textBefore(el: HTMLElement): string | null {
  return isField(el) ? el.value.slice(0, el.selectionStart ?? el.value.length) : textBeforeCaret(el);
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
