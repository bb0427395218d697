/**
 * Team sync's documents (pure): what one agent's extension writes to the shop's CouchDB database, their ids, and the
 * deterministic rules that merge several agents' documents into the shop view.
 *
 * - Derived data only: units (one judged wait each), daily rollups and the current open clocks. Never message text
 *   (`Clock.lastText` is left out), never coverage or events. Nicknames only as the page showed them (masked there).
 * - Every document belongs to one agent: its id carries the agent id, so only that agent writes it and a retry of
 *   the same write is the same document (idempotent). Ids sort by kind and day, so a day of one kind is one key range.
 * - The shop view merges across agents without double counting: two agents logged into one account see the same
 *   conversation and both write its unit; the view keeps ONE per unit id (`preferUnit`), one clock per conversation
 *   (`preferClock`), whatever order the documents arrive in.
 */
import type { ClockStatus } from '../engine';
import { rollupFields } from '../engine/rollup';
import type { ClockRow, Platform, RollupRow, UnitResult, UnitRow } from '../model';

export const SYNC_DOC_VERSION = 1;

/** Fields every synced document has. */
interface Base {
  _id: string;
  v: typeof SYNC_DOC_VERSION;
  agent: string;
}

export interface UnitDoc extends Base {
  kind: 'unit';
  /** The engine's unit id (metric | conversation | start): the same for every agent that saw the conversation. */
  unit: string;
  metric: string;
  platform: Platform;
  account: string;
  buyer: string;
  buyerNick?: string;
  day: string;
  startAt: number;
  dueAt: number | null;
  replyAt: number | null;
  responseSec: number | null;
  cappedSec: number | null;
  result: UnitResult;
  seenLate?: true;
  rulesVersion: string;
}

/** A rollup as synced: its own fields (`rollupFields`), its id as `rollup`. */
export interface RollupDoc extends Base, Omit<RollupRow, 'id'> {
  kind: 'rollup';
  /** The rollup id (metric | day | platform | account). */
  rollup: string;
}

export interface ClockDoc extends Base {
  kind: 'clock';
  /** The conversation (platform | account | buyer). */
  conv: string;
  platform: Platform;
  account: string;
  buyer: string;
  buyerNick?: string;
  metric: string;
  status: ClockStatus;
  startedAt: number | null;
  dueAt: number | null;
  waitingMessages: number;
  lastMessageAt: number;
  seenLate?: true;
}

/** One buyer waiting now in an agent's queue (`QueueDoc`): a clock's synced fields. */
export type QueueClock = Omit<ClockDoc, '_id' | 'v' | 'kind' | 'agent'>;

/**
 * An agent's buyers waiting now, all in one document (`q|<agent>`), rewritten when one changes: the owner view's first
 * screen reads one document per agent instead of one per waiting conversation (20 agents with 890 buyers waiting:
 * 20 documents, not 890 — that read was the longest of the first screen). The earliest deadlines first, within
 * `QUEUE_MAX_BYTES` (~1 000 buyers); `more`: how many more wait.
 */
export interface QueueDoc extends Base {
  kind: 'queue';
  clocks: QueueClock[];
  more?: number;
}

/**
 * The most bytes (JSON, UTF-8) of one queue document's entries: an entry is ~250–400 bytes (ids of Chinese
 * accounts and buyers are longer), up to ~1.4 kB with the longest ids a page may give; within a proxy's 1 MB body
 * and the 768 kB request cap, as a digest part.
 */
export const QUEUE_MAX_BYTES = 256 * 1024;

/** The UTF-8 size of a string (a document's JSON as sent). */
export function utf8Bytes(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) n += 2;
    else if (c >= 0x80) n += 1; // two-byte characters; each half of a surrogate pair: 2 of its 4 bytes
  }
  return n;
}

/** The size of a document as sent (its JSON, UTF-8). */
export const jsonBytes = (doc: object) => utf8Bytes(JSON.stringify(doc));

/** Who an agent is in the shop view (the label the agent typed in the settings). */
export interface AgentDoc extends Base {
  kind: 'agent';
  label: string;
}

/** One line of a summary: an agent's counts of one rule on one shop account that day (its rollup, counts only). */
export interface SummaryRow {
  /** The rollup id (metric | day | platform | account): the same for every agent watching that account. */
  rollup: string;
  metric: string;
  platform: Platform;
  account: string;
  pass: number;
  fail: number;
  pending: number;
  unknown: number;
  notAssessed: number;
}

/**
 * An agent's day in one small document (derived numbers only: its rollups' counts, per rule and account): the owner
 * view's first screen reads these (a handful) instead of every unit of the period.
 */
export interface SummaryDoc extends Base {
  kind: 'summary';
  day: string;
  rows: SummaryRow[];
}

/**
 * An agent's waits of one rule, day and shop account, packed (`digest.ts`): what the owner view merges for the days
 * before yesterday where two agents share an account (summaries alone would count one agent's copy). Pushed for
 * those days only (today's and yesterday's units are read as units).
 */
export interface DigestDoc extends Base {
  kind: 'digest';
  day: string;
  /** The rollup id (metric | day | platform | account). */
  rollup: string;
  metric: string;
  platform: Platform;
  account: string;
  /** One entry a wait, sorted, comma-separated (`digestEntry`). */
  waits: string;
}

/**
 * One part of a digest too large for one document (`DIGEST_MAX_BYTES`, `digest.ts`): the sorted entries cut into
 * `parts` consecutive runs. Part 0 has the digest's own id (`digestDocId`: the owner view's read by id finds it, then
 * reads the others), part i ≥ 1 `digestPartId`. `set` is the whole digest's hash (`hash64` of all entries joined), the
 * same in every part of one push: parts of two different pushes never make one digest. Another kind than a whole
 * digest, so a version that knows no parts ignores them (no digest: that key counts one copy) instead of counting
 * part 0 as the whole.
 */
export interface DigestPartDoc extends Omit<DigestDoc, 'kind'> {
  kind: 'digestPart';
  /** 0 … parts − 1. */
  part: number;
  /** How many parts the digest has (2 … `MAX_DIGEST_PARTS`). */
  parts: number;
  /** `hash64` of the whole digest's entries joined by commas. */
  set: string;
}

/** The most parts a digest may have (a document claiming more is not read: ~256 MB of waits). */
export const MAX_DIGEST_PARTS = 1000;

export type SyncDoc = UnitDoc | RollupDoc | ClockDoc | QueueDoc | AgentDoc | SummaryDoc | DigestDoc | DigestPartDoc;

/** Id prefixes: a kind and a day (units, rollups) or a kind (clocks, agents), then the agent. */
export const unitScope = (day: string, agent: string) => `u|${day}|${agent}|`;
export const rollupScope = (day: string, agent: string) => `r|${day}|${agent}|`;
export const clockScope = (agent: string) => `c|${agent}|`;
export const agentDocId = (agent: string) => `a|${agent}`;
/** An agent's buyers waiting now (`QueueDoc`): one id, its own scope. */
export const queueDocId = (agent: string) => `q|${agent}`;
/** An agent's summary of a day (`SummaryDoc`): one id, its own scope. */
export const summaryDocId = (day: string, agent: string) => `s|${day}|${agent}`;
/** Every agent's summaries of the days `from` … `to` (inclusive). */
export const daysSummariesRange = (from: string, to: string) => ({ startkey: `s|${from}|`, endkey: `s|${to}|\uffff` });
/** Every agent's rollups of the days `from` … `to` (inclusive). */
export const daysRollupsRange = (from: string, to: string) => ({ startkey: `r|${from}|`, endkey: `r|${to}|\uffff` });
/** An agent's digests of a day (`DigestDoc`), and one of them: metric | platform | account after the scope. */
export const digestScope = (day: string, agent: string) => `w|${day}|${agent}|`;
export const digestDocId = (day: string, agent: string, k: { metric: string; platform: Platform; account: string }) =>
  `${digestScope(day, agent)}${k.metric}|${k.platform}|${k.account}`;
/**
 * Part `part` of a split digest (`DigestPartDoc`): part 0 has the digest's own id, the others `#<part>|` before the
 * rule (no rule key starts with `#`), in the same scope (the pusher's diff of the day's digests deletes a part that
 * went).
 */
export const digestPartId = (
  day: string,
  agent: string,
  k: { metric: string; platform: Platform; account: string },
  part: number,
) =>
  part === 0 ? digestDocId(day, agent, k) : `${digestScope(day, agent)}#${part}|${k.metric}|${k.platform}|${k.account}`;
export const clocksRange = { startkey: 'c|', endkey: 'c|\uffff' };
export const agentsRange = { startkey: 'a|', endkey: 'a|\uffff' };
export const queuesRange = { startkey: 'q|', endkey: 'q|\uffff' };
/**
 * The agents' names and the waiting clocks older versions sent, read as one key range (the owner view's first screen:
 * one request fewer to a server that answers one after another). Exactly those two kinds: no document kind's id
 * starts with `b`, or sorts between `a|\uffff` and `c|` (`_all_docs` is in raw order).
 */
export const agentsAndClocksRange = { startkey: agentsRange.startkey, endkey: clocksRange.endkey };

export function unitDoc(agent: string, u: UnitRow): UnitDoc {
  return {
    _id: unitScope(u.day, agent) + u.id,
    v: SYNC_DOC_VERSION,
    kind: 'unit',
    agent,
    unit: u.id,
    metric: u.metric,
    platform: u.platform,
    account: u.account,
    buyer: u.buyer,
    ...(u.buyerNick !== undefined && { buyerNick: u.buyerNick }),
    day: u.day,
    startAt: u.startAt,
    dueAt: u.dueAt,
    replyAt: u.replyAt,
    responseSec: u.responseSec,
    cappedSec: u.cappedSec,
    result: u.result,
    ...(u.seenLate && { seenLate: true as const }),
    rulesVersion: u.rulesVersion,
  };
}

export function rollupDoc(agent: string, r: RollupRow): RollupDoc {
  const { id, ...fields } = rollupFields(r);
  return { _id: rollupScope(r.day, agent) + id, v: SYNC_DOC_VERSION, kind: 'rollup', agent, rollup: id, ...fields };
}

/** A clock as synced: no message text (`lastText`), no alert bookkeeping. */
export function clockDoc(agent: string, c: ClockRow): ClockDoc {
  return {
    _id: clockScope(agent) + c.key,
    v: SYNC_DOC_VERSION,
    kind: 'clock',
    agent,
    conv: c.key,
    platform: c.platform,
    account: c.account,
    buyer: c.buyer,
    ...(c.buyerNick !== undefined && { buyerNick: c.buyerNick }),
    metric: c.metric,
    status: c.status,
    startedAt: c.startedAt,
    dueAt: c.dueAt,
    waitingMessages: c.waitingMessages,
    lastMessageAt: c.lastMessageAt,
    ...(c.seenLate && { seenLate: true as const }),
  };
}

/**
 * An agent's queue at `now`: its clocks in a waiting state that began less than `WAITING_MAX_AGE_MS` before, the
 * earliest deadline first (none last), then by conversation; beyond `QUEUE_MAX_BYTES` only counted (`more`).
 */
export function queueDoc(agent: string, clocks: Iterable<ClockRow>, now: number): QueueDoc {
  const waiting = [...clocks]
    .filter((c) => WAITING.includes(c.status) && (c.startedAt ?? c.lastMessageAt) >= now - WAITING_MAX_AGE_MS)
    .sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || cmp(a.key, b.key));
  const clocksOut: QueueClock[] = [];
  let bytes = 0;
  for (const c of waiting) {
    const { _id: _i, v: _v, kind: _k, agent: _a, ...fields } = clockDoc(agent, c);
    bytes += jsonBytes(fields) + 1;
    if (bytes > QUEUE_MAX_BYTES) break;
    clocksOut.push(fields);
  }
  const more = waiting.length - clocksOut.length;
  return {
    _id: queueDocId(agent),
    v: SYNC_DOC_VERSION,
    kind: 'queue',
    agent,
    clocks: clocksOut,
    ...(more > 0 && { more }),
  };
}

/** The clocks of an agent's queue as clock documents (the owner view counts them as it counts `c|` ones). */
export function queueClocks(q: QueueDoc): ClockDoc[] {
  return q.clocks.map((c) => ({
    ...c,
    _id: `${clockScope(q.agent)}${c.conv}`,
    v: q.v,
    kind: 'clock' as const,
    agent: q.agent,
  }));
}

/** An agent's summary of `day` from its rollups of that day (rows by rollup id: the same rollups, the same document). */
export function summaryDoc(agent: string, day: string, rollups: readonly RollupRow[]): SummaryDoc {
  const rows = rollups
    .filter((r) => r.day === day)
    .map((r) => ({
      rollup: r.id,
      metric: r.metric,
      platform: r.platform,
      account: r.account,
      pass: r.pass,
      fail: r.fail,
      pending: r.pending,
      unknown: r.unknown,
      notAssessed: r.notAssessed,
    }))
    .sort((a, b) => (a.rollup < b.rollup ? -1 : a.rollup > b.rollup ? 1 : 0));
  return { _id: summaryDocId(day, agent), v: SYNC_DOC_VERSION, kind: 'summary', agent, day, rows };
}

export function agentDoc(agent: string, label: string): AgentDoc {
  return { _id: agentDocId(agent), v: SYNC_DOC_VERSION, kind: 'agent', agent, label };
}

/**
 * Waits older than this are not synced as waiting now (a breach the popup no longer shows either), and the owner view
 * drops such copies (one a turned-off agent could not withdraw).
 */
export const WAITING_MAX_AGE_MS = 2 * 86_400_000;

/** Clock states that mean a buyer waits now (synced; a clock that leaves them is deleted from the database). */
export const WAITING: readonly ClockStatus[] = ['pending', 'breached', 'unknown'];

/**
 * A document's content as one string, keys sorted, without CouchDB's own fields (`_rev`, `_conflicts`…): two
 * copies with the same content give the same string, so an unchanged document is never written again.
 */
export function contentKey(doc: object): string {
  const rec = doc as Record<string, unknown>;
  const keys = Object.keys(rec)
    .filter((k) => k === '_id' || !k.startsWith('_'))
    .sort();
  return JSON.stringify(keys.map((k) => [k, rec[k]]));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** A unit result's rank when two copies of one wait differ (`preferUnit`, `digest.ts`): decided first. */
export const RESULT_RANK: Record<UnitResult, number> = { pass: 3, fail: 3, pending: 2, unknown: 1, notAssessed: 0 };

/**
 * Which of two agents' copies of one unit the shop view counts (negative: `a`). A total order, so the result never
 * depends on arrival order: a decided result (pass, fail) over pending over unknown over not assessed; between two
 * decided copies the one that saw a reply, then the earlier reply (the buyer got it then); then the smaller agent id.
 */
export function preferUnit(a: UnitDoc, b: UnitDoc): number {
  return (
    RESULT_RANK[b.result] - RESULT_RANK[a.result] ||
    (a.replyAt === null ? 1 : 0) - (b.replyAt === null ? 1 : 0) ||
    (a.replyAt ?? 0) - (b.replyAt ?? 0) ||
    cmp(a.agent, b.agent)
  );
}

/**
 * Which of two agents' clocks of one conversation the shop view shows (negative: `a`): the one that saw the later
 * message (it knows more), then a breach over a pending wait over an unknown one, then the smaller agent id.
 */
export function preferClock(a: ClockDoc, b: ClockDoc): number {
  const rank = (s: ClockStatus) => (s === 'breached' ? 2 : s === 'pending' ? 1 : 0);
  return b.lastMessageAt - a.lastMessageAt || rank(b.status) - rank(a.status) || cmp(a.agent, b.agent);
}

/** Reads a database document as one of ours (anything else, or another version, is ignored: `undefined`). */
export function asSyncDoc(raw: unknown): SyncDoc | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const d = raw as Partial<SyncDoc> & { _deleted?: boolean };
  if (d._deleted || d.v !== SYNC_DOC_VERSION || typeof d.agent !== 'string' || typeof d._id !== 'string')
    return undefined;
  switch (d.kind) {
    case 'unit':
      return typeof d.unit === 'string' && typeof d.metric === 'string' && typeof d.result === 'string'
        ? (d as UnitDoc)
        : undefined;
    case 'clock':
      return typeof d.conv === 'string' && typeof d.status === 'string' ? (d as ClockDoc) : undefined;
    case 'queue': {
      // Its id must be its agent's (an agent's queue replaces only its own); an entry that is not a waiting clock's
      // fields (damaged, or of a later version) is left out, not the whole queue.
      const q = d as Partial<QueueDoc>;
      if (d._id !== queueDocId(d.agent) || !Array.isArray(q.clocks)) return undefined;
      const more = Number.isInteger(q.more) && q.more! > 0 ? q.more : undefined;
      const clocks = q.clocks.filter(isQueueClock);
      const { more: _more, ...rest } = d as QueueDoc;
      return { ...rest, clocks: clocks.length === q.clocks.length ? q.clocks : clocks, ...(more && { more }) };
    }
    case 'rollup':
      return typeof d.rollup === 'string' ? (d as RollupDoc) : undefined;
    case 'agent':
      return typeof d.label === 'string' ? (d as AgentDoc) : undefined;
    case 'digest':
      // Its id, rule key and fields must agree: a digest counts into the figure its rollup id names.
      return digestFields(d) && d._id === digestDocId(d.day, d.agent, d) ? (d as DigestDoc) : undefined;
    case 'digestPart': {
      const p = d as Partial<DigestPartDoc>;
      return digestFields(d) &&
        Number.isInteger(p.parts) &&
        p.parts! >= 2 &&
        p.parts! <= MAX_DIGEST_PARTS &&
        Number.isInteger(p.part) &&
        p.part! >= 0 &&
        p.part! < p.parts! &&
        typeof p.set === 'string' &&
        /^[0-9a-f]{16}$/.test(p.set) &&
        d._id === digestPartId(d.day, d.agent, d, p.part!)
        ? (d as DigestPartDoc)
        : undefined;
    }
    case 'summary':
      return typeof d.day === 'string' &&
        Array.isArray(d.rows) &&
        d.rows.every(
          (r: unknown) => typeof r === 'object' && r !== null && typeof (r as SummaryRow).rollup === 'string',
        )
        ? (d as SummaryDoc)
        : undefined;
    default:
      return undefined;
  }
}

const isNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
/** A queue entry has the fields the owner view reads, of their types. */
function isQueueClock(c: unknown): c is QueueClock {
  if (typeof c !== 'object' || c === null) return false;
  const q = c as Record<string, unknown>;
  return (
    typeof q.conv === 'string' &&
    typeof q.platform === 'string' &&
    typeof q.account === 'string' &&
    typeof q.buyer === 'string' &&
    (q.buyerNick === undefined || typeof q.buyerNick === 'string') &&
    typeof q.metric === 'string' &&
    WAITING.includes(q.status as ClockStatus) &&
    (q.startedAt === null || isNum(q.startedAt)) &&
    (q.dueAt === null || isNum(q.dueAt)) &&
    isNum(q.waitingMessages) &&
    isNum(q.lastMessageAt)
  );
}

/** A digest's (or part's) fields, rule key included, are well formed. */
function digestFields(
  d: Partial<SyncDoc>,
): d is Pick<DigestDoc, '_id' | 'day' | 'waits' | 'metric' | 'platform' | 'account' | 'agent'> {
  const g = d as Partial<DigestDoc>;
  return (
    typeof g.day === 'string' &&
    typeof g.waits === 'string' &&
    typeof g.metric === 'string' &&
    typeof g.platform === 'string' &&
    typeof g.account === 'string' &&
    g.rollup === `${g.metric}|${g.day}|${g.platform}|${g.account}`
  );
}
