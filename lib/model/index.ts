/**
 * The shared vocabulary of Reply Sentinel: what a content script observes and what the engine reasons about.
 * Pure types and tiny pure helpers only (no chrome.*, no Date.now()).
 */

export const PLATFORMS = ['pdd', 'taobao', 'ali1688', 'douyin', 'jd', 'kuaishou', 'xhs'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * Who wrote a message.
 * - buyer: the consumer (starts clocks);
 * - human: a shop agent typing (stops clocks);
 * - assist: a robot suggestion sent by a human (valid on Taobao/Douyin, not on PDD);
 * - robot: a full-auto robot reply (never stops a clock);
 * - auto: keyword/offline/welcome auto-replies (never stops a clock);
 * - system: platform notices, entry cards, order notices (ignored);
 * - internal: main/sub-account messages inside the shop (ignored).
 */
export const AUTHORS = ['buyer', 'human', 'assist', 'robot', 'auto', 'system', 'internal'] as const;
export type Author = (typeof AUTHORS)[number];

/**
 * Where a message's time came from, best first: an id that encodes it, a time separator or stamp in the
 * thread, the platform's network payload, a list row's waited-time counter ("42秒": the wait began that long before
 * the row was read; whole seconds or coarser, so a message's own time is preferred), or the moment the content
 * script saw it appear. A `counter` event is no message of its own: it is the page's evidence of a wait (see
 * `buildRounds`), one wait whatever the number of readings.
 */
export const TIME_SOURCES = ['id', 'stamp', 'network', 'counter', 'observed'] as const;
export type TimeSource = (typeof TIME_SOURCES)[number];

/**
 * Optional markers a system message can carry: a session boundary; a transfer of the conversation to another
 * account (in the robot stage: the robot handing over); `assigned`: the conversation reached this account's human
 * (客服 小美 接入, a transfer to it): the human stage starts, the clock of what waits starts there (engine/stage.ts).
 */
export const MARKERS = ['sessionEnd', 'transfer', 'assigned'] as const;
export type Marker = (typeof MARKERS)[number];

/** One observed chat message, as stored. */
export interface ChatEvent {
  platform: Platform;
  /** The logged-in seller account (shop main account or sub-account) as the workbench shows it. */
  account: string;
  /** The buyer's id on that platform (one conversation per platform + account + buyer). */
  buyer: string;
  buyerNick?: string;
  /** Shop display name, if the page shows it. */
  shop?: string;
  /** Stable message id (platform id, or a content hash when the page has none). */
  messageId: string;
  author: Author;
  /** Message time, epoch ms. */
  at: number;
  timeSource: TimeSource;
  /**
   * Set when the time is uncertain (e.g. a message found in history with no time on the page): the true
   * time lies in `[at, atLatest]`. Absent means `at` is exact.
   */
  atLatest?: number;
  /**
   * How finely the page showed `at`, in ms, when coarser than a second: 60000 for a stamp with minutes only
   * (`10:00`). Absent: to the second (or finer). The 0-second rule needs both times to the second (engine
   * `isValidReply`).
   */
  atPrecisionMs?: number;
  /** When the extension saw it, epoch ms. */
  observedAt: number;
  /**
   * Where the message stood in the thread the page showed at `observedAt` (0 first; absent: 0, as events stored
   * before it): thread order among messages of the same time and the same sighting (a reply in the same second as
   * its question is still after it). It goes with `observedAt`: indices of different sightings are not compared.
   */
  pageOrder?: number;
  /**
   * Set by the background only: a later sighting of the conversation (the page showed this message, and nothing
   * the store lacks after it, at this time), kept when it is evidence a verdict needs (see `lateSighting`).
   */
  seenAt?: number;
  /**
   * True when found in the thread's history (initial scan, reload, conversation switch) rather than seen
   * arriving. A historical message with an observed-only time has no trustworthy time.
   */
  historical?: boolean;
  /** Short text preview (kept on this machine only; rendered as text). */
  text?: string;
  marker?: Marker;
  /** Douyin from 2026-09-29: a perfunctory reply (消极敷衍) is not valid. */
  perfunctory?: boolean;
}

/**
 * An id from a page as it is stored and keyed: `|` separates the parts of conversation and event keys, so it becomes
 * `¦` (a page's id may not forge another's key). The protocol stores ids so; the content script looks them up so
 * (row badges, opening a conversation, its own account).
 */
export function keyId(id: string): string {
  return id.replaceAll('|', '¦');
}

/**
 * The account a workbench tab reports when its page shows no shop or account. The background makes it the tab's own
 * (`tabAccount`): two tabs are never one shop by default, so their clocks never merge.
 */
export const UNRECOGNISED_ACCOUNT = '?';

/** A tab's own account (see UNRECOGNISED_ACCOUNT), given when the background first hears of the tab at `since`. */
export function tabAccount(tabId: number, since: number): string {
  return `?tab${tabId}.${Math.floor(since).toString(36)}`;
}

/** An account of a tab whose page shows no shop (shown as "unrecognised shop"). Page readings never start with "?". */
export function isUnrecognisedAccount(account: string): boolean {
  return account.startsWith(UNRECOGNISED_ACCOUNT);
}

/** The key that makes ingestion idempotent. */
export function eventKey(e: Pick<ChatEvent, 'platform' | 'account' | 'buyer' | 'messageId'>): string {
  return `${e.platform}|${e.account}|${e.buyer}|${e.messageId}`;
}

export function conversationKey(e: Pick<ChatEvent, 'platform' | 'account' | 'buyer'>): string {
  return `${e.platform}|${e.account}|${e.buyer}`;
}

/** A span of time during which a healthy workbench tab was watching one platform account. */
export interface CoverageSpan {
  platform: Platform;
  account: string;
  from: number;
  to: number;
}

/** Result of one assessed unit (round, consumer-day, session). */
export type UnitResult = 'pass' | 'fail' | 'pending' | 'notAssessed' | 'unknown';

/** The stored rows (one per database table); types only. */
export type {
  ClockRow,
  CoverageRow,
  DayStatRow,
  EventRow,
  MetaRow,
  PhraseRow,
  RollupRow,
  SettingRow,
  TabRow,
  TeamRollupRow,
  UnitRow,
} from './rows';
