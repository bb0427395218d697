import type { Health } from '../db/schema';
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
  health: Health;
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
   * (and its ancestors) before calling again. The watcher sees child, text and `class`/`id`/`data-random` changes
   * only: memoize only results that depend on nothing else under the element (the PDD adapter does, for rows and
   * messages). With or without a memo, the result must be the same.
   */
  extract(root: ParentNode, memo?: ExtractMemo): Extraction;
}

/** Per-element results kept between extract() calls on a live page (see Adapter.extract). */
export type ExtractMemo = WeakMap<Element, unknown>;
