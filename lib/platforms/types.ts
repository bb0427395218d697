import type { Health, HealthParts } from '../health';
import type { Author, Marker, Platform, TimeSource } from '../model';

/** Selectors as data: each purpose lists fallbacks, tried in order, first match wins. */
export type SelectorMap = Record<string, readonly string[]>;

export interface ExtractedMessage {
  /** Stable id: the page's own id, else a hash of position-independent content. */
  id: string;
  author: Author;
  /** Message time from the page (id or stamp), or null when the page shows none. */
  at: number | null;
  timeSource: Exclude<TimeSource, 'observed'> | null;
  /** How finely the page showed `at` when coarser than a second (`ChatEvent.atPrecisionMs`: 60000, minutes only). */
  atPrecisionMs?: number;
  text: string;
  marker?: Marker;
}

export interface ExtractedConversation {
  buyer: string;
  nick?: string;
  preview?: string;
  active: boolean;
  /** Seconds the page says the buyer has been waiting, when it shows that. */
  waitingSec?: number;
  /** The row element, where the in-page countdown badge goes. */
  row?: Element;
}

export interface Extraction {
  /** The page's state, derived from `parts` by `healthOf` (lib/health.ts): `watching` only when no part is missing. */
  health: Health;
  /** What the page lets the adapter read, part by part (list, open thread, input, account): see lib/platforms/parts.ts. */
  parts: HealthParts;
  /** The logged-in seller account (shop or sub-account), or null when the page does not show it. */
  account: string | null;
  conversations: ExtractedConversation[];
  /** The open thread, when one is open. */
  thread: { buyer: string; nick?: string; messages: ExtractedMessage[] } | null;
  /** The chat input element, for quick-reply insertion. */
  input: Element | null;
  /** Which selector purposes found nothing (shown in the health details). */
  missing: string[];
}

export interface Adapter {
  platform: Platform;
  /** Does this adapter handle the page at `url` (real workbench, or the bundled demo)? */
  matches(url: URL): boolean;
  selectors: SelectorMap;
  /**
   * Which frame of the tab the adapter watches. Default: the top frame only (the content script runs in all
   * frames, for 1688, whose chat lives in a same-origin iframe: that adapter accepts the inner frame instead).
   */
  acceptsFrame?(doc: Document, isTop: boolean): boolean;
  /**
   * Pure: reads the DOM under `root`, never writes it. `memo` (optional, owned by the caller) lets an adapter
   * reuse what it read from an element at an earlier call; the caller deletes every element a mutation touched
   * (and its ancestors) before calling again. The watcher sees child, text, `class`, `id` and the adapter's own
   * `attributes` changes only: memoize only results that depend on nothing else under the element (the PDD adapter
   * does, for rows and messages). With or without a memo, the result must be the same, but for one thing: a relative
   * divider (今天 / 昨天) keeps the day it was first read as (`dayPin`, JD and Kuaishou), the day the clock gave it then. `now` (epoch ms, optional): the caller's clock,
   * which stamps that print no year or no date (`12-4 02:55:24`, `02:55`) resolve against (today in China).
   */
  extract(root: ParentNode, memo?: ExtractMemo, now?: number): Extraction;
  /**
   * Where our row badge sits in a list row: its right edge this many px from the row's (default 6), clear of the
   * platform's own indicators there (unread counts), which it must never cover (test/e2e/badge-place.e2e.ts).
   */
  badgeSlot?: { right: number };
  /**
   * Attributes besides `class` and `id` whose value the adapter reads (getAttribute, or selectors that match on
   * them): the watcher sees changes of these and of nothing else (an image's `src`, a receipt's attribute, a
   * framework's `data-v-*` cost nothing). Each platform lists its own, with where it came from.
   */
  attributes?: readonly string[];
}

/** The attributes a watcher observes for `adapter` (see Adapter `attributes`). */
export function watchedAttributes(adapter: Pick<Adapter, 'attributes'>): string[] {
  return [...new Set(['class', 'id', ...(adapter.attributes ?? [])])];
}

/** Per-element results kept between extract() calls on a live page (see Adapter.extract). */
export type ExtractMemo = WeakMap<Element, unknown>;

/**
 * How a live page's changes can be applied to an extraction without reading the page again (the watcher's
 * incremental path). Handed out by extract() as a non-enumerable `live` property of its result (see withLive),
 * bound to what that read found. Everything here reads, never writes. A change the watcher cannot map onto these
 * (anything outside the rows and the thread, an insertion in the middle of the thread, a removal) makes it read
 * the whole page again, so an adapter may leave out a part (or return null) whenever it is unsure.
 */
export interface Live {
  /** Rows that read independently of each other and of anything outside them. */
  rows?: {
    /** The element the rows are listed under (every row is inside it). */
    in: Element;
    /** Is `el` a row (the element readRow reads)? */
    isRow(el: Element): boolean;
    /** The rows in an added subtree (the node itself included), in document order. */
    under(node: Node): Element[];
    /** One row, as extract() would read it; null when it is no conversation (e.g. a platform notice row). */
    read(row: Element): ExtractedConversation | null;
    /** Every row in document order (for materializing the conversation list in page order). */
    all(): Element[];
    /**
     * The rows `all()` gave, each as `read` reads it, in one pass (Douyin: the rows' groups found together, not a
     * walk back from each row). Absent: `read` each. (Given some of `all()`'s rows: the watcher's row map reads again
     * only the rows the whole read's conversations do not name.)
     */
    readAll?(rows: readonly Element[]): (ExtractedConversation | null)[];
    /** The list keeps only the first row of each buyer (as extract() does). */
    firstPerBuyer?: boolean;
    /**
     * The row's waiting counter, which the page rewrites every second while the buyer waits: given an element a
     * mutation touched inside `row`, null unless it is the counter read() reads the wait from; else what it reads
     * now (undefined: no wait shown). While a known wait goes on, the watcher reads only the counter, not the row.
     * `known`: `el` was this row's counter at the last call, and nothing in the row changed since but the text inside
     * `el`: it still is (read without checking again); what it reads then depends on `el`'s textContent alone (the
     * reader reads a known counter again only when its text changed, and each distinct text once).
     */
    waitingCounter?(el: Element, row: Element, known?: boolean): { waitingSec: number | undefined } | null;
    /**
     * Rows that do not read independently of what is outside them (Douyin: a row's group is a header above it, or
     * the marker holding it): given a record of a change inside the list (on a row, inside one, on the list outside
     * the rows, or in a subtree since removed from it), does it change how rows it does not name read (a group
     * marker added, removed or made; a row put where the groups would be read another way)? True: read the page
     * whole. Absent: never. It reads the page as it is now (after the whole batch), as `read` does.
     */
    regroups?(record: MutationRecord): boolean;
    /**
     * No row reads text in the list outside the rows (Douyin: a group title's count): a change of such text alone
     * needs no read. Absent: it sends the page to a whole read, as any change in the list outside the rows does.
     */
    inertText?: boolean;
  };
  /** The open thread, when messages are appended at the end of one container. */
  thread?: {
    /** The element the thread's items are appended to (as its children). */
    in: Element;
    /**
     * The messages of the thread items in `added` (subtrees appended at the end of `in`, in order), continuing
     * the read where the last one stopped (stamps, content-hash ids). Null: read the whole thread again. `now`:
     * the time they arrive (stamps without a year or a date resolve against it, not the last full read's time).
     */
    append(added: readonly Node[], now?: number): ExtractedMessage[] | null;
    /**
     * Messages already read that changed inside (a class, a text, an element added or removed within one): the
     * nodes the changes happened on (below `in`, never `in` itself). Re-reads each message they fall in where it
     * stands, with the reader's state before it (stamps, ids), exactly as a whole read would read it now, and the
     * messages after it while the state it leaves differs from the one they were read with. Returns the readings
     * that differ from before, with their index in the thread's messages (the caller writes them there, as it
     * appends), or null: read the page whole (a change it cannot place inside exactly one message it read, or one
     * that could change how many messages the thread has, their ids' order, or whose thread it is). It may leave
     * its own state half-updated when it returns null: a whole read builds new live parts.
     */
    reread?(changed: readonly Node[], now?: number, replaced?: Replaced): MessageChange[] | null;
  };
}

/**
 * Children of the thread's container removed, and inserted before its end, in one batch of changes: the re-read
 * takes them only as messages re-rendered in place (each inserted element where a removed message stood, one for
 * one, read in its place), else returns null.
 */
export interface Replaced {
  removed: readonly Node[];
  inserted: readonly Node[];
}

/** A message the live thread read again whose reading changed: its index in the thread's messages, and now. */
export interface MessageChange {
  index: number;
  message: ExtractedMessage;
}

/** Do two readings of a message say the same (every field the ledger and the extraction carry)? */
export function sameMessage(a: ExtractedMessage | undefined, b: ExtractedMessage): boolean {
  return (
    !!a &&
    a.id === b.id &&
    a.author === b.author &&
    a.at === b.at &&
    a.timeSource === b.timeSource &&
    a.atPrecisionMs === b.atPrecisionMs &&
    a.text === b.text &&
    a.marker === b.marker
  );
}

/** Attaches `live` to an extraction without making it part of its value (equality, JSON). */
export function withLive(x: Extraction, live: Live): Extraction {
  Object.defineProperty(x, 'live', { value: live, enumerable: false, configurable: true });
  return x;
}

export function liveOf(x: Extraction | null): Live | undefined {
  return (x as { live?: Live } | null)?.live;
}
