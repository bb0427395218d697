/**
 * The one message protocol from content scripts and extension pages to the background. For every message type:
 * its request schema (valibot: the source of the request's type and of its validation), its reply type, and who
 * may send it. Senders use `send()` (typed by the map); the background's router (`lib/background/router.ts`)
 * validates, enforces the sender rule and dispatches. Whatever arrives over chrome.runtime is untrusted until the
 * router accepts it.
 *
 * Requests come by `chrome.runtime.sendMessage`, or, from a workbench tab, numbered over its link port (`LINK_PORT`:
 * `LinkRequest`, acknowledged by a `LinkAck` once handled): both go through the same router, schemas and sender rules.
 *
 * Who may send (`from`):
 * - `workbench`: our content script in an http(s) workbench tab (chat events, health, the input's focus, reading
 *   phrases, counting a phrase's use);
 * - `page`: the extension's own pages (popup, options, analytics): every configuration write, imports, purge,
 *   team import, focusing a conversation, inserting a phrase.
 */
import * as v from 'valibot';
import type { BadgeView } from './badge';
import type { PhraseRow } from './model';
import { HEALTH_PARTS, PART_STATES, healthOf, type HealthPart } from './health';
import type { FillSettings } from './phrases/fill';
import { HEALTH_STATES, LIMITS, type TabClock } from './messages';
import { AGENT_ID, parseExport, type TeamDecision } from './analytics/team';
import { AUTHORS, MARKERS, PLATFORMS, TIME_SOURCES, keyId, type ChatEvent } from './model';
import type { RejectedSetting } from './settings';
import { SyncConfigSchema } from './sync/config';
import type { SyncStatus } from './sync/pusher';
import { check, isPlainObject } from './valid';

export type SenderKind = 'workbench' | 'page';

// ---- field schemas ----------------------------------------------------------------------------------------

const id = (max: number, what = 'a non-empty id') =>
  v.pipe(
    v.string(`must be ${what}`),
    v.minLength(1, `must be ${what}`),
    v.maxLength(max, `must be ${what}`),
    // `|` separates the parts of conversation and event keys: a page's id may not forge another's key.
    v.transform(keyId),
  );
/**
 * A page's account: what it shows, or exactly `?` (it shows none: the background gives the tab an account of its
 * own). Accounts starting with `?` are the background's (`?tab…`): a page cannot claim another tab's.
 */
const pageAccount = v.pipe(
  id(LIMITS.accountLength),
  v.check((a) => a === '?' || !a.startsWith('?'), 'must be the shop the page shows, or ? for none'),
);
/** Page text is cut to `max` characters rather than refused (a long message is still a message). */
const clipped = (max: number) =>
  v.pipe(
    v.string('must be text'),
    v.transform((s) => s.slice(0, max)),
  );
const time = v.pipe(
  v.number('must be a time in ms'),
  v.finite('must be a time in ms'),
  v.gtValue(946_684_800_000, 'must be a time in ms'), // 2000–2100
  v.ltValue(4_102_444_800_000, 'must be a time in ms'),
);
const wholeId = v.pipe(v.number('must be a whole number'), v.safeInteger('must be a whole number'));
const seq = v.pipe(wholeId, v.minValue(0, 'must be a whole number'));
const platform = v.picklist(PLATFORMS, `must be one of ${PLATFORMS.join(', ')}`);
const oneOf = <const T extends readonly string[]>(list: T) => v.picklist(list, `must be one of ${list.join(', ')}`);

const EventSchema = v.pipe(
  v.object(
    {
      platform,
      account: pageAccount,
      buyer: id(LIMITS.idLength),
      messageId: id(LIMITS.idLength),
      author: oneOf(AUTHORS),
      at: time,
      timeSource: oneOf(TIME_SOURCES),
      observedAt: time,
      pageOrder: v.optional(seq),
      buyerNick: v.optional(clipped(LIMITS.nickLength)),
      shop: v.optional(clipped(LIMITS.nickLength)),
      text: v.optional(clipped(LIMITS.textLength)),
      atLatest: v.optional(time),
      atPrecisionMs: v.optional(
        v.pipe(wholeId, v.minValue(1, 'must be ≥ 1'), v.maxValue(86_400_000, 'must be ≤ a day')),
      ),
      historical: v.optional(v.boolean('must be true or false')),
      perfunctory: v.optional(v.boolean('must be true or false')),
      marker: v.optional(oneOf(MARKERS)),
    },
    'must be an object',
  ),
  v.forward(
    v.check((e) => e.atLatest === undefined || e.atLatest >= e.at, 'must be a time ≥ at'),
    ['atLatest'],
  ),
  // Only what the model knows is kept; empty optional text is dropped, `false` flags are not stored.
  v.transform(({ buyerNick, shop, text, historical, perfunctory, ...e }): ChatEvent => ({
    ...e,
    ...(buyerNick && { buyerNick }),
    ...(shop && { shop }),
    ...(text && { text }),
    ...(historical === true && { historical: true as const }),
    ...(perfunctory === true && { perfunctory: true as const }),
  })),
);

const message = <const T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.object({ type: v.literal(type), ...entries }, `${type} must be an object`);

// ---- the requests -------------------------------------------------------------------------------------------

const EventsSchema = v.pipe(
  message('events', {
    platform,
    account: pageAccount,
    events: v.pipe(
      v.array(EventSchema, 'must be a list'),
      v.maxLength(LIMITS.eventsPerMessage, `at most ${LIMITS.eventsPerMessage} a message`),
    ),
  }),
  v.check(
    (m) => m.events.every((e) => e.platform === m.platform && e.account === m.account),
    'an event belongs to another platform/account',
  ),
);

const partState = oneOf(PART_STATES);
const PartsSchema = v.object(
  { list: partState, thread: partState, input: partState, account: partState } satisfies Record<HealthPart, unknown>,
  `must be the state of each part (${HEALTH_PARTS.join(', ')})`,
);

const HealthSchema = v.pipe(
  message('health', {
    platform,
    account: pageAccount,
    /** Derived from `parts` (`healthOf`): a page cannot say it watches while a part is missing. */
    health: oneOf(HEALTH_STATES),
    /** What the tab reads, part by part (lib/health.ts). */
    parts: PartsSchema,
    url: clipped(LIMITS.urlLength),
    activeBuyer: v.optional(id(LIMITS.idLength)),
    /** The number of the clock list the tab shows (see ClocksMessage); absent before its first whole list. */
    clocksSeq: v.optional(seq),
    /** The `epoch` of that list (tabs of versions before it send the number only). */
    clocksEpoch: v.optional(seq),
  }),
  v.forward(
    v.check(
      (m) => m.health === healthOf(m.parts, { loggedOut: m.health === 'loggedOut' }),
      'must be the state the parts give',
    ),
    ['health'],
  ),
);

const TeamBundle = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const r = parseExport(dataset.value);
    if (r.ok) return r.value;
    addIssue({ message: r.error });
    return NEVER;
  }),
);

/** A reply: `{ ok: true, ...R }` or an error a person can read. */
export type Reply<R extends object = object> = ({ ok: true } & R) | { ok: false; error: string };

/** The background's own state, for the popup (a failed start, settings reset at start, throttled tabs). */
export interface BackgroundStatus {
  startError: string | null;
  settingsReset: RejectedSetting[];
}

interface Spec<S extends v.GenericSchema, R extends object> {
  from: readonly SenderKind[];
  schema: S;
  /** Type only: what the handler answers (besides `ok`). */
  reply?: R;
}
const spec =
  <R extends object = object>() =>
  <S extends v.GenericSchema>(from: readonly SenderKind[], schema: S): Spec<S, R> => ({ from, schema });

const WORKBENCH = ['workbench'] as const;
const PAGE = ['page'] as const;
const ANY = ['workbench', 'page'] as const;

export const PROTOCOL = {
  /** New messages observed in a workbench tab. */
  events: spec<{ stored: number; conversations: number }>()(WORKBENCH, EventsSchema),
  /** Tab health and heartbeat (on change and every HEARTBEAT_MS); the reply carries the account's open clocks. */
  health: spec<{ clocks: TabClock[] }>()(WORKBENCH, HealthSchema),
  /** The chat input of a workbench tab got the focus (quick phrases go to the last focused input). */
  inputFocus: spec()(
    WORKBENCH,
    // `at`: when the input got the focus, by the tab's clock (absent from older content scripts: when it arrives).
    message('inputFocus', { platform, account: pageAccount, at: v.optional(time) }),
  ),
  /**
   * Read the phrase library (content scripts never open Dexie), with the settings the palette fills phrases with
   * ({客服名}, {店铺名}, the word for a masked {买家昵称}). With the buyer's last question (cut to 200 characters),
   * the reply carries its pinyin key too (the palette's suggestions; the dictionary is the background's).
   * `rev`: the revision (`phrasesRevision`) of the list the asker holds; the reply carries the list's current
   * revision, and the list itself only when that differs.
   */
  phrases: spec<{
    /** Absent when the asker's `rev` is the current one (its list is up to date). */
    phrases?: PhraseRow[];
    rev: string;
    fill: FillSettings;
    questionPinyin?: string;
    /** With a question: the phrases ranked for it (ids, best first), ranked here so the content script stays small. */
    suggested?: { id: number; score: number; ranges: [number, number][] }[];
  }>()(
    ANY,
    message('phrases', {
      platform: v.optional(platform),
      question: v.optional(clipped(200)),
      rev: v.optional(clipped(64)),
    }),
  ),
  /** A phrase was inserted: count the use. */
  phraseUsed: spec()(ANY, message('phraseUsed', { id: wholeId })),
  /** Phrase library edits (validated again by the store). */
  phraseSave: spec<{ id?: number }>()(
    PAGE,
    message('phraseSave', {
      id: v.optional(wholeId),
      draft: v.custom<Record<string, unknown>>(isPlainObject, 'must be an object'),
    }),
  ),
  phraseDelete: spec()(PAGE, message('phraseDelete', { id: wholeId })),
  /**
   * A batch import (atomic). `replaceAll` empties the library first; a replace-all that would leave it empty is
   * refused unless `confirmDeleteAll` says that is what the user asked for.
   */
  phraseImport: spec<{ added?: number; updated?: number }>()(
    PAGE,
    v.pipe(
      message('phraseImport', {
        add: v.array(v.unknown(), 'must be a list'),
        update: v.array(v.object({ id: wholeId, draft: v.unknown() }, 'must be {id, draft}'), 'must be a list'),
        replaceAll: v.optional(v.boolean('must be true or false'), false),
        confirmDeleteAll: v.optional(v.boolean('must be true or false'), false),
      }),
      v.check(
        (m) => m.add.length + m.update.length <= LIMITS.phrasesPerImport,
        `at most ${LIMITS.phrasesPerImport} phrases at once`,
      ),
    ),
  ),
  /** Insert a library phrase into the last focused workbench input (never sends). */
  insertPhrase: spec()(PAGE, message('insertPhrase', { phraseId: wholeId })),
  /**
   * A settings patch (validated by the settings schema: nothing invalid is stored), and optionally a partial update
   * of the rule overrides per metric and field (`RuleEdits`: `null` drops a field), merged in the background with the
   * stored overrides so that two editors never overwrite each other's fields.
   */
  settings: spec()(PAGE, message('settings', { patch: v.unknown(), rules: v.optional(v.unknown()) })),
  /** Bring the workbench tab of a conversation to the front (popup queue). */
  focus: spec()(
    PAGE,
    message('focus', {
      conv: v.pipe(
        v.string('must be a conversation key'),
        v.minLength(1, 'must be a conversation key'),
        v.maxLength(LIMITS.idLength * 3, 'must be a conversation key'),
      ),
    }),
  ),
  /** Recompute now (pages that just opened). */
  refresh: spec<{ badge: BadgeView }>()(PAGE, message('refresh', {})),
  /** The background's own state (a failed start, settings reset), for the popup. */
  status: spec<BackgroundStatus>()(PAGE, message('status', {})),
  /** Delete all chat data on this computer. */
  purgeAll: spec<{ removed: number }>()(PAGE, message('purgeAll', {})),
  /** Merge another agent's export into the team view (validated in full by `parseExport`). */
  teamImport: spec<{
    added: number;
    replaced: number;
    kept: number;
    /** Whose copy of a row counts, for the first rows that came twice; `decisionCount` of them in all. */
    decisions: TeamDecision[];
    decisionCount: number;
  }>()(PAGE, message('teamImport', { bundle: TeamBundle })),
  /** Forget everything imported from one source. */
  teamRemove: spec<{ removed: number }>()(
    PAGE,
    message('teamRemove', {
      source: v.pipe(v.string('must be an installation id'), v.regex(AGENT_ID, 'must be an installation id')),
    }),
  ),
  /** This installation's id for exports (created on first use). */
  agentId: spec<{ agentId: string }>()(PAGE, message('agentId', {})),
  /** Team sync (opt-in, lib/sync/): its setting (no password) and state. */
  syncStatus: spec<SyncStatus>()(PAGE, message('syncStatus', {})),
  /**
   * Stores the team sync setting (validated). Turning it on checks the host permission and the server first: a
   * refusal (its error starts with the `SyncErrorCode` and a colon: "auth: …") leaves the stored setting as it was.
   * An empty password keeps the stored one. Turning pushing off first withdraws this agent's waiting buyers from the
   * server (`withdraw`: 'done', or 'failed' with `detail` when the server could not be reached in time).
   */
  syncSet: spec<{ withdraw?: 'done' | 'failed'; detail?: string }>()(
    PAGE,
    message('syncSet', { config: SyncConfigSchema }),
  ),
  /** The owner's view: the database and credentials to read it with (only while sync is on). */
  syncConnect: spec<{ url: string; user: string; password: string }>()(PAGE, message('syncConnect', {})),
};

type Protocol = typeof PROTOCOL;
export type MessageType = keyof Protocol;
/** A request as the background receives it (after validation). */
export type Request<K extends MessageType> = v.InferOutput<Protocol[K]['schema']>;
/** A request as a sender writes it. */
export type RequestIn<K extends MessageType> = v.InferInput<Protocol[K]['schema']>;
export type ReplyOf<K extends MessageType> = Reply<Protocol[K] extends Spec<v.GenericSchema, infer R> ? R : never>;
export type ToBackground = { [K in MessageType]: Request<K> }[MessageType];
export type EventsMessage = Request<'events'>;
export type HealthMessage = Request<'health'>;

export const isMessageType = (t: unknown): t is MessageType => typeof t === 'string' && Object.hasOwn(PROTOCOL, t);

/** Who may send a message type. */
export function sendersOf(type: MessageType): readonly SenderKind[] {
  return PROTOCOL[type].from;
}

/** Accepts a well-formed message or says exactly what is wrong with it (sender rules are the router's). */
export function parseMessage(raw: unknown): { ok: true; value: ToBackground } | { ok: false; error: string } {
  if (!isPlainObject(raw)) return { ok: false, error: 'message must be an object' };
  if (!isMessageType(raw.type))
    return {
      ok: false,
      error: `unknown message type: ${typeof raw.type === 'string' ? raw.type.slice(0, 50) : typeof raw.type}`,
    };
  const r = check(PROTOCOL[raw.type].schema, raw);
  return r.ok
    ? { ok: true, value: r.value as ToBackground }
    : { ok: false, error: `${raw.type}: ${r.errors.slice(0, 5).join('; ')}` };
}

/**
 * A request over a workbench tab's link port (`LINK_PORT`, lib/content/link.ts): numbered, so that the worker can
 * acknowledge it (`LinkAck`) once handled and the tab can send again what a broken port may have lost. `msg` is a
 * request of the protocol above, validated by the router like one sent by `chrome.runtime.sendMessage`.
 */
export interface LinkRequest {
  n: number;
  msg: ToBackground;
}
/** The worker's answer over the port: request `ack` was handled (`ok`: accepted; refused ones are not sent again). */
export interface LinkAck {
  ack: number;
  ok: boolean;
}

/** The envelope of a port message (its `msg` is the router's to validate). */
export function parseLinkRequest(raw: unknown): { ok: true; n: number; msg: unknown } | { ok: false; error: string } {
  if (!isPlainObject(raw) || !Object.hasOwn(raw, 'msg')) return { ok: false, error: 'link message must be {n, msg}' };
  const n = raw.n;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    return { ok: false, error: 'link message: n must be a whole number' };
  return { ok: true, n, msg: raw.msg };
}
