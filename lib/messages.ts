/**
 * Typed messages between content scripts / pages and the background worker, with runtime validation:
 * whatever arrives over chrome.runtime is untrusted until `parseMessage` accepts it.
 */
import { AUTHORS, MARKERS, PLATFORMS, TIME_SOURCES, type ChatEvent, type Platform } from './model';
import { AGENT_ID, parseExport, type ExportBundle } from './analytics/team';
import type { Health } from './db/schema';
import type { Settings } from './settings';

export const HEALTH_STATES = [
  'watching',
  'noList',
  'noInput',
  'loggedOut',
  'noConversation',
] as const satisfies readonly Health[];

/** Observed messages from one workbench tab. */
export interface EventsMessage {
  type: 'events';
  platform: Platform;
  account: string;
  events: ChatEvent[];
}

/** Tab health and heartbeat (sent on change and every HEARTBEAT_MS while the page is open). */
export interface HealthMessage {
  type: 'health';
  platform: Platform;
  account: string;
  health: Health;
  url: string;
  activeBuyer?: string;
  /** The number of the clock list the tab shows (see ClocksMessage); absent before its first whole list. */
  clocksSeq?: number;
}

export interface SettingsMessage {
  type: 'settings';
  patch: Partial<Settings>;
}

/** Ask the background to recompute now (used by pages that just opened, and by tests). */
export interface RefreshMessage {
  type: 'refresh';
}

/** The chat input of a workbench tab got the focus (quick phrases go to the last focused input). */
export interface InputFocusMessage {
  type: 'inputFocus';
  platform: Platform;
  account: string;
}

/** Insert a library phrase into the last focused workbench input (never sends). */
export interface InsertPhraseMessage {
  type: 'insertPhrase';
  phraseId: number;
}

/** Phrase library: read (content scripts cannot open Dexie), count a use, edit, import. */
export type PhraseMessage =
  | { type: 'phrases'; platform?: Platform }
  | { type: 'phraseUsed'; id: number }
  | { type: 'phraseSave'; id?: number; draft: unknown }
  | { type: 'phraseDelete'; id: number }
  | { type: 'phraseImport'; add: unknown[]; update: { id: number; draft: unknown }[]; replaceAll?: boolean };

/** Bring the workbench tab of a conversation to the front (popup queue, notifications). */
export interface FocusMessage {
  type: 'focus';
  conv: string;
}

/** Analytics page: merge another agent's export into the team view (validated in full by `parseExport`). */
export interface TeamImportMessage {
  type: 'teamImport';
  bundle: ExportBundle;
}

/** Analytics page: forget everything imported from one source. */
export interface TeamRemoveMessage {
  type: 'teamRemove';
  source: string;
}

/** Analytics page: this installation's id for exports (created on first use). */
export interface AgentIdMessage {
  type: 'agentId';
}

/** Settings page: delete all chat data on this computer. */
export interface PurgeMessage {
  type: 'purgeAll';
}

export type ToBackground =
  | PurgeMessage
  | EventsMessage
  | HealthMessage
  | SettingsMessage
  | RefreshMessage
  | FocusMessage
  | InputFocusMessage
  | InsertPhraseMessage
  | PhraseMessage
  | TeamImportMessage
  | TeamRemoveMessage
  | AgentIdMessage;

/** Background → workbench tab: put text into the chat input / open a conversation. */
export type ToContent = ClocksMessage | { type: 'insert'; text: string } | { type: 'openConversation'; buyer: string };

/** One waiting buyer, as a workbench tab needs it for the in-page countdown badges. */
export interface TabClock {
  buyer: string;
  status: 'pending' | 'breached';
  dueAt: number;
}

/**
 * Background → workbench tab: the open clocks of the tab's account, sent when they change. The first message to a
 * tab carries the whole list; later ones only what changed since the previous one (a page with hundreds of waiting
 * buyers would otherwise parse them all at every change). Messages are numbered (`seq`, increasing); a change list
 * applies on top of list number `base` only. A tab that cannot apply one (it reloaded, or missed one) answers
 * `{ ok: false, error: CLOCKS_RESYNC }` and is sent the whole list.
 */
export interface ClocksMessage {
  type: 'clocks';
  platform: Platform;
  account: string;
  seq: number;
  /** Absent: `clocks` is the whole list. Present: the number of the list these changes apply to. */
  base?: number;
  /** The whole list, or the clocks added or changed since `base`. */
  clocks: TabClock[];
  /** With `base`: the buyers whose clocks closed since. */
  removed?: string[];
}

/** A tab's answer to a change list it cannot apply: send the whole list. */
export const CLOCKS_RESYNC = 'clocks: resync';

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Accepts a clocks message from the background (content-script side), or null. */
export function parseClocks(raw: unknown): ClocksMessage | null {
  if (!isObj(raw) || raw.type !== 'clocks' || !oneOf(PLATFORMS, raw.platform) || typeof raw.account !== 'string')
    return null;
  if (!Array.isArray(raw.clocks) || !isSeq(raw.seq)) return null;
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
  const msg: ClocksMessage = { type: 'clocks', platform: raw.platform, account: raw.account, seq: raw.seq, clocks };
  if (raw.base !== undefined) {
    msg.base = raw.base;
    msg.removed = (removed as string[] | undefined) ?? [];
  }
  return msg;
}

export type Reply = { ok: true; [k: string]: unknown } | { ok: false; error: string };

/** Heartbeat period of a watching tab; coverage spans tolerate gaps of COVERAGE_GAP_MS. */
export const HEARTBEAT_MS = 30_000;
export const COVERAGE_GAP_MS = 75_000;

/** Limits that keep a hostile or broken page from flooding storage. */
export const LIMITS = {
  eventsPerMessage: 2000,
  idLength: 200,
  textLength: 500,
  nickLength: 100,
  accountLength: 200,
} as const;

type Result<T> = { ok: true; value: T } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const isTime = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v > 946_684_800_000 && v < 4_102_444_800_000; // 2000–2100
const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (list as readonly string[]).includes(v);

function optStr(v: unknown, max: number, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Error(`${name} must be text`);
  return v.slice(0, max);
}

function parseEvent(raw: unknown, platform: Platform, account: string, i: number): ChatEvent {
  const at = `events[${i}]`;
  if (!isObj(raw)) throw new Error(`${at} must be an object`);
  if (raw.platform !== platform || raw.account !== account)
    throw new Error(`${at} belongs to another platform/account`);
  if (!isStr(raw.buyer, LIMITS.idLength)) throw new Error(`${at}.buyer must be a non-empty id`);
  if (!isStr(raw.messageId, LIMITS.idLength)) throw new Error(`${at}.messageId must be a non-empty id`);
  if (!oneOf(AUTHORS, raw.author)) throw new Error(`${at}.author must be one of ${AUTHORS.join(', ')}`);
  if (!isTime(raw.at)) throw new Error(`${at}.at must be a time in ms`);
  if (!isTime(raw.observedAt)) throw new Error(`${at}.observedAt must be a time in ms`);
  if (!oneOf(TIME_SOURCES, raw.timeSource))
    throw new Error(`${at}.timeSource must be one of ${TIME_SOURCES.join(', ')}`);
  if (raw.atLatest !== undefined && !(isTime(raw.atLatest) && raw.atLatest >= raw.at))
    throw new Error(`${at}.atLatest must be a time ≥ at`);
  if (raw.marker !== undefined && !oneOf(MARKERS, raw.marker)) throw new Error(`${at}.marker is unknown`);
  const e: ChatEvent = {
    platform,
    account,
    buyer: raw.buyer,
    messageId: raw.messageId,
    author: raw.author,
    at: raw.at,
    timeSource: raw.timeSource,
    observedAt: raw.observedAt,
  };
  const nick = optStr(raw.buyerNick, LIMITS.nickLength, `${at}.buyerNick`);
  if (nick) e.buyerNick = nick;
  const shop = optStr(raw.shop, LIMITS.nickLength, `${at}.shop`);
  if (shop) e.shop = shop;
  const text = optStr(raw.text, LIMITS.textLength, `${at}.text`);
  if (text) e.text = text;
  if (raw.atLatest !== undefined) e.atLatest = raw.atLatest as number;
  if (raw.historical === true) e.historical = true;
  if (raw.perfunctory === true) e.perfunctory = true;
  if (raw.marker !== undefined) e.marker = raw.marker;
  return e;
}

/** Accepts a well-formed message or says exactly what is wrong with it. */
export function parseMessage(raw: unknown): Result<ToBackground> {
  try {
    if (!isObj(raw)) return { ok: false, error: 'message must be an object' };
    switch (raw.type) {
      case 'events': {
        if (!oneOf(PLATFORMS, raw.platform)) return { ok: false, error: 'events: unknown platform' };
        if (!isStr(raw.account, LIMITS.accountLength))
          return { ok: false, error: 'events: account must be a non-empty id' };
        if (!Array.isArray(raw.events)) return { ok: false, error: 'events: events must be a list' };
        if (raw.events.length > LIMITS.eventsPerMessage)
          return { ok: false, error: `events: at most ${LIMITS.eventsPerMessage} a message` };
        const platform = raw.platform;
        const account = raw.account;
        const events = raw.events.map((e, i) => parseEvent(e, platform, account, i));
        return { ok: true, value: { type: 'events', platform, account, events } };
      }
      case 'health': {
        if (!oneOf(PLATFORMS, raw.platform)) return { ok: false, error: 'health: unknown platform' };
        if (!isStr(raw.account, LIMITS.accountLength))
          return { ok: false, error: 'health: account must be a non-empty id' };
        if (!oneOf(HEALTH_STATES, raw.health))
          return { ok: false, error: `health: must be one of ${HEALTH_STATES.join(', ')}` };
        if (typeof raw.url !== 'string') return { ok: false, error: 'health: url must be text' };
        const m: HealthMessage = {
          type: 'health',
          platform: raw.platform,
          account: raw.account,
          health: raw.health,
          url: raw.url.slice(0, 2000),
        };
        const activeBuyer = optStr(raw.activeBuyer, LIMITS.idLength, 'health.activeBuyer');
        if (activeBuyer) m.activeBuyer = activeBuyer;
        if (raw.clocksSeq !== undefined) {
          if (!isSeq(raw.clocksSeq)) return { ok: false, error: 'health: clocksSeq must be a whole number' };
          m.clocksSeq = raw.clocksSeq;
        }
        return { ok: true, value: m };
      }
      case 'settings':
        if (!isObj(raw.patch)) return { ok: false, error: 'settings: patch must be an object' };
        return { ok: true, value: { type: 'settings', patch: raw.patch as Partial<Settings> } };
      case 'refresh':
        return { ok: true, value: { type: 'refresh' } };
      case 'purgeAll':
        return { ok: true, value: { type: 'purgeAll' } };
      case 'inputFocus':
        if (!oneOf(PLATFORMS, raw.platform)) return { ok: false, error: 'inputFocus: unknown platform' };
        if (!isStr(raw.account, LIMITS.accountLength))
          return { ok: false, error: 'inputFocus: account must be a non-empty id' };
        return { ok: true, value: { type: 'inputFocus', platform: raw.platform, account: raw.account } };
      case 'insertPhrase':
        if (!Number.isInteger(raw.phraseId))
          return { ok: false, error: 'insertPhrase: phraseId must be a whole number' };
        return { ok: true, value: { type: 'insertPhrase', phraseId: raw.phraseId as number } };
      case 'phrases':
        if (raw.platform !== undefined && !oneOf(PLATFORMS, raw.platform))
          return { ok: false, error: 'phrases: unknown platform' };
        return {
          ok: true,
          value: raw.platform === undefined ? { type: 'phrases' } : { type: 'phrases', platform: raw.platform },
        };
      case 'phraseUsed':
      case 'phraseDelete':
        if (!Number.isInteger(raw.id)) return { ok: false, error: `${raw.type}: id must be a whole number` };
        return { ok: true, value: { type: raw.type, id: raw.id as number } };
      case 'phraseSave':
        if (raw.id !== undefined && !Number.isInteger(raw.id))
          return { ok: false, error: 'phraseSave: id must be a whole number' };
        if (!isObj(raw.draft)) return { ok: false, error: 'phraseSave: draft must be an object' };
        return {
          ok: true,
          value: { type: 'phraseSave', draft: raw.draft, ...(raw.id !== undefined && { id: raw.id as number }) },
        };
      case 'phraseImport': {
        if (!Array.isArray(raw.add) || !Array.isArray(raw.update))
          return { ok: false, error: 'phraseImport: add and update must be lists' };
        if (raw.add.length + raw.update.length > 5000)
          return { ok: false, error: 'phraseImport: at most 5000 phrases at once' };
        const update = raw.update.filter(isObj).map((u) => ({ id: u.id as number, draft: u.draft }));
        if (update.length !== raw.update.length) return { ok: false, error: 'phraseImport: bad update entry' };
        return { ok: true, value: { type: 'phraseImport', add: raw.add, update, replaceAll: raw.replaceAll === true } };
      }
      case 'focus':
        if (!isStr(raw.conv, LIMITS.idLength * 3))
          return { ok: false, error: 'focus: conv must be a conversation key' };
        return { ok: true, value: { type: 'focus', conv: raw.conv } };
      case 'teamImport': {
        const b = parseExport(raw.bundle);
        return b.ok
          ? { ok: true, value: { type: 'teamImport', bundle: b.value } }
          : { ok: false, error: `teamImport: ${b.error}` };
      }
      case 'teamRemove':
        if (typeof raw.source !== 'string' || !AGENT_ID.test(raw.source))
          return { ok: false, error: 'teamRemove: source must be an installation id' };
        return { ok: true, value: { type: 'teamRemove', source: raw.source } };
      case 'agentId':
        return { ok: true, value: { type: 'agentId' } };
      default:
        return { ok: false, error: `unknown message type: ${String(raw.type)}` };
    }
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
