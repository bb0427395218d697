/**
 * Background → content messages (clock lists for the in-page badges, insert, open a conversation) and the timing
 * constants shared by both sides. The requests to the background, their schemas, replies and sender rules are the
 * protocol map in `./protocol`.
 */
import type { Health } from './health';
import { PLATFORMS, type Platform } from './model';
import type { Lang } from './i18n/core';

// Types only: the protocol's schemas (valibot) stay out of the content script's bundle.
export type { EventsMessage, HealthMessage, LinkAck, LinkRequest, Reply, ToBackground } from './protocol';

export const HEALTH_STATES = [
  'watching',
  'noList',
  'noThread',
  'noInput',
  'noAccount',
  'loggedOut',
  'noConversation',
] as const satisfies readonly Health[];

/** Events in one `events` message (its own constant: the content script needs no other limit in its bundle). */
export const EVENTS_PER_MESSAGE = 2000;

/** Limits that keep a hostile or broken page from flooding storage (sizes of one message). */
export const LIMITS = {
  eventsPerMessage: EVENTS_PER_MESSAGE,
  idLength: 200,
  textLength: 500,
  nickLength: 100,
  accountLength: 200,
  urlLength: 2000,
  phrasesPerImport: 5000,
} as const;

/** Background → workbench tab: put text into the chat input / open a conversation. */
export type ToContent =
  | ClocksMessage
  | { type: 'insert'; text: string }
  | { type: 'openConversation'; buyer: string; focusInput?: boolean }
  /** The phrase library was edited: a palette drops the phrases it holds and asks for them again. */
  | { type: 'phrasesChanged' };

/** One waiting buyer, as a workbench tab needs it for the in-page countdown badges. */
export interface TabClock {
  buyer: string;
  status: 'pending' | 'breached';
  dueAt: number;
}

/**
 * Background → workbench tab: the open clocks of the tab's account, sent when they change. The first message to a
 * tab carries the whole list; later ones only what changed since the previous one (a page with hundreds of waiting
 * buyers would otherwise parse them all at every change). Messages are numbered (`seq`, increasing within one worker
 * instance, `epoch`); a change list applies on top of list number `base` of the same epoch only. A tab that cannot
 * apply one (it reloaded, or missed one) answers `{ ok: false, error: CLOCKS_RESYNC }` and is sent the whole list; one
 * older than the list it shows (same epoch, lower `seq`: delivered late) it drops, and a dead worker's (an epoch it
 * moved away from, see ClockListSeq): its whole list answered CLOCKS_RESYNC, which a live worker answers at once.
 */
export interface ClocksMessage {
  type: 'clocks';
  platform: Platform;
  account: string;
  /**
   * The worker instance that sent it (random, drawn when it starts): `seq` orders one worker's lists only (a new
   * worker numbers from the wall clock, which may have gone back).
   */
  epoch: number;
  seq: number;
  /** Absent: `clocks` is the whole list. Present: the number of the list these changes apply to. */
  base?: number;
  /** The whole list, or the clocks added or changed since `base`. */
  clocks: TabClock[];
  /** With `base`: the buyers whose clocks closed since. */
  removed?: string[];
  /** The setting `tabTitle`: the tab's title shows the waiting count and the most urgent time. */
  title: boolean;
  /** The UI language (the setting `language`, resolved): the badges', title's and palette's words. */
  lang: Lang;
}

/**
 * A tab's answer to a list it cannot take: changes it cannot apply, a malformed list, or a whole list of a worker it
 * moved away from (up to CLOCKS_REFUSALS of them, see ClockListSeq): send the whole list (again).
 */
export const CLOCKS_RESYNC = 'clocks: resync';
/** A tab refuses that many whole lists of a worker it left (its list delivered late), each answered CLOCKS_RESYNC. */
export const CLOCKS_REFUSALS = 2;

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Accepts a clocks message from the background (content-script side), or null. */
export function parseClocks(raw: unknown): ClocksMessage | null {
  if (!isObj(raw) || raw.type !== 'clocks' || !oneOf(PLATFORMS, raw.platform) || typeof raw.account !== 'string')
    return null;
  if (!Array.isArray(raw.clocks) || !isSeq(raw.seq) || !isSeq(raw.epoch)) return null;
  if (raw.base !== undefined && !isSeq(raw.base)) return null;
  const removed = raw.removed;
  if (removed !== undefined && (raw.base === undefined || !Array.isArray(removed))) return null;
  if (removed?.some((b) => typeof b !== 'string')) return null;
  const clocks: TabClock[] = [];
  for (const c of raw.clocks) {
    if (
      !isObj(c) ||
      typeof c.buyer !== 'string' ||
      (c.status !== 'pending' && c.status !== 'breached') ||
      !isTime(c.dueAt)
    )
      return null;
    clocks.push({ buyer: c.buyer, status: c.status, dueAt: c.dueAt });
  }
  const msg: ClocksMessage = {
    type: 'clocks',
    platform: raw.platform,
    account: raw.account,
    epoch: raw.epoch,
    seq: raw.seq,
    clocks,
    title: raw.title === true,
    lang: raw.lang === 'en' ? 'en' : 'zh_CN',
  };
  if (raw.base !== undefined) {
    msg.base = raw.base;
    msg.removed = (removed as string[] | undefined) ?? [];
  }
  return msg;
}

/** Heartbeat period of a watching tab; coverage spans tolerate gaps of COVERAGE_GAP_MS. */
export const HEARTBEAT_MS = 30_000;
export const COVERAGE_GAP_MS = 75_000;
/**
 * How long a freshly started page that shows no shop yet is given to render it (its header often comes after the
 * chat): its messages are held meanwhile, so they are not reported first under the tab's own account ("?") and again
 * under the shop, splitting a conversation in two.
 */
export const ACCOUNT_GRACE_MS = 3_000;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isTime = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v > 946_684_800_000 && v < 4_102_444_800_000; // 2000–2100
const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (list as readonly string[]).includes(v);

/**
 * The name of the port each workbench tab holds to the background. When the worker is stopped the port breaks; the
 * tab reconnects at once (`lib/content/link.ts`), which starts the worker again and re-sends the tab's health, so the
 * toolbar countdown is back within moments instead of at the next heartbeat.
 */
export const LINK_PORT = 'sentinel-link';
