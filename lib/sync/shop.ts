/**
 * The owner's shop view (pure): every agent's synced documents merged into shop-wide figures for a day or a range of
 * days — per platform rule, per agent — and the buyers waiting now across agents. Fed document by document from the
 * database's changes feed (`ShopDocs.apply`), computed on demand (`shopView`).
 *
 * Days whose units the view read (today, yesterday) count one unit per unit id (exact, whichever agents saw it);
 * older days count the agents' daily rollups, one copy per rule, day and shop account (`preferRollup`: two agents
 * logged into one account count the fuller copy, not both).
 *
 * An agent's day with a summary (`SummaryDoc`, one small document per agent and day) counts from the summary the
 * same way as rollups (`preferRollup` per rule, day and account), except where units of that rule, day and account
 * were read: those count from the units (exact, as above). So the owner view's first screen needs no unit document,
 * and once the units of today and yesterday are read the figures are the units' own; an agent without summaries (an
 * older version) counts from its units.
 *
 * Days before yesterday: where every agent with a copy of one (rule, day, account) also has its digest of it
 * (`DigestDoc`, one packed entry per wait), that key counts from the merged digests — one per wait, exact, as units
 * would — instead of one agent's copy (`preferRollup`): two agents sharing an account in shifts add up. The owner view
 * reads those digests only for keys that two agents' copies name (`digestReads`). A digest pushed in parts
 * (`DigestPartDoc`) counts only whole (`wholeDigest`); else that agent has no digest of the key.
 */
import { emptyCounts } from '../engine/rollup';
import type { Platform, UnitResult } from '../model';
import { conversationKey } from '../model';
import {
  WAITING,
  WAITING_MAX_AGE_MS,
  asSyncDoc,
  preferClock,
  queueClocks,
  preferUnit,
  type ClockDoc,
  type DigestDoc,
  type DigestPartDoc,
  type RollupDoc,
  type SummaryDoc,
  type SummaryRow,
  type SyncDoc,
  type UnitDoc,
  digestDocId,
  digestPartId,
  unitScope,
} from './docs';
import { mergeDigestsCached, wholeDigest, type WholeDigest } from './digest';
import type { RemoteDb } from './remote';

// The periods and their days: in `shop-first.ts` (the page's first script bundles them without this module).
export { SHOP_RANGES, shopRangeDays, type ShopRange } from './shop-first';

/** Total of a rollup's counts. */
const rollupTotal = (r: RollupDoc) => r.pass + r.fail + r.pending + r.unknown + r.notAssessed;

/**
 * Which of two agents' rollups of one (rule, day, account) the shop view counts (negative: `a`): the one with more
 * decided waits, then more waits, then the smaller agent id. A total order: arrival order never changes the figures.
 */
export function preferRollup(a: RollupDoc, b: RollupDoc): number {
  return (
    b.pass + b.fail - (a.pass + a.fail) ||
    rollupTotal(b) - rollupTotal(a) ||
    (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0)
  );
}

/**
 * One read of units the owner view needs for exact figures: an agent's whole day (an agent without a summary that
 * day), or its units of one rule and account that day (`key`: the rollup id, metric | day | platform | account).
 */
export interface UnitRead {
  day: string;
  agent: string;
  key?: { metric: string; platform: Platform; account: string };
}

const rollupKey = (d: { metric: string; day: string; platform: Platform; account: string }) =>
  `${d.metric}|${d.day}|${d.platform}|${d.account}`;
const readId = (r: UnitRead) =>
  r.key ? `k|${r.agent}|${rollupKey({ ...r.key, day: r.day })}` : `w|${r.day}|${r.agent}`;

/** The key range of a unit read (unit ids are metric | platform | account | buyer | …, after the agent's scope). */
export function unitReadRange(r: UnitRead): { startkey: string; endkey: string } {
  const from = unitScope(r.day, r.agent) + (r.key ? `${r.key.metric}|${r.key.platform}|${r.key.account}|` : '');
  return { startkey: from, endkey: `${from}\uffff` };
}

/**
 * The documents seen so far, by id (a deletion removes one).
 *
 * Narrowed (`new ShopDocs(true)`, the owner view): units are kept only within the unit reads done (`unitReads`,
 * `markRead`), so a unit the changes feed delivers for a rule and account counted from summaries does not replace
 * them with that one unit.
 */
export class ShopDocs {
  readonly docs = new Map<string, SyncDoc>();
  private readonly reads: Set<string> | undefined;
  /** Digest ids asked for (`digestReads`), found or not: an agent of an older version has none, asked once. */
  private readonly digestsAsked = new Set<string>();
  constructor(narrowed = false) {
    this.reads = narrowed ? new Set() : undefined;
  }
  /** Applies one change of the feed: a document, or the deletion of `id`. Returns whether anything changed. */
  apply(id: string, raw: unknown, deleted = false): boolean {
    const doc = deleted ? undefined : asSyncDoc(raw);
    if (!doc) return this.docs.delete(id);
    if (doc.kind === 'unit' && !this.covers(doc)) return false;
    this.docs.set(id, doc);
    return true;
  }
  /**
   * What it holds in the key `ranges` (raw order, as `_all_docs`) becomes `rows`, a newer read of those ranges: the
   * documents deleted since the older read go too.
   */
  replaceRanges(
    ranges: readonly { startkey: string; endkey: string }[],
    rows: readonly { id: string; doc?: unknown }[],
  ): void {
    for (const id of [...this.docs.keys()])
      if (ranges.some((r) => id >= r.startkey && id <= r.endkey)) this.docs.delete(id);
    for (const row of rows) this.apply(row.id, row.doc);
  }
  private covers(u: UnitDoc): boolean {
    return !this.reads || this.reads.has(`w|${u.day}|${u.agent}`) || this.reads.has(`k|${u.agent}|${rollupKey(u)}`);
  }
  /** A unit read is done (or under way): its units are kept from now on. */
  markRead(r: UnitRead): void {
    this.reads?.add(readId(r));
  }
  /** Digest ids asked for whose request was not answered: `digestReads` gives them again. */
  forgetAsked(ids: readonly string[]): void {
    for (const id of ids) this.digestsAsked.delete(id);
  }
  /**
   * The digests still to read for `olderDays` (days counted from summaries, before yesterday): for every rule and
   * account that two agents' copies (summary rows, or rollups of an agent without a summary) name on such a day, each
   * of those agents' digest of it. Keys of one agent count from its summary (the same numbers). Marks them asked.
   */
  digestReads(olderDays: readonly string[]): string[] {
    const want = new Set(olderDays);
    const agents = new Map<
      string,
      { day: string; metric: string; platform: Platform; account: string; who: Set<string> }
    >();
    const add = (
      key: string,
      day: string,
      r: { metric: string; platform: Platform; account: string },
      agent: string,
    ) => {
      const a = agents.get(key);
      if (a) a.who.add(agent);
      else agents.set(key, { day, metric: r.metric, platform: r.platform, account: r.account, who: new Set([agent]) });
    };
    for (const d of this.docs.values())
      if (d.kind === 'summary' && want.has(d.day)) for (const row of d.rows) add(row.rollup, d.day, row, d.agent);
      else if (d.kind === 'rollup' && want.has(d.day)) add(d.rollup, d.day, d, d.agent);
    const out: string[] = [];
    const ask = (id: string) => {
      if (this.docs.has(id) || this.digestsAsked.has(id)) return;
      this.digestsAsked.add(id);
      out.push(id);
    };
    for (const { day, who, ...k } of agents.values()) {
      if (who.size < 2) continue;
      for (const agent of [...who].sort()) ask(digestDocId(day, agent, k));
    }
    // A split digest's part 0 (read by the digest's id, or from the feed) names its other parts.
    for (const d of this.docs.values())
      if (d.kind === 'digestPart' && d.part === 0 && want.has(d.day))
        for (let part = 1; part < d.parts; part++) ask(digestPartId(d.day, d.agent, d, part));
    return out;
  }

  /**
   * The unit reads still needed (narrowed) for figures equal to what all units of `unitDays` give: the whole day of
   * every known agent without a summary that day (an older version), and, for each rule and account of a day that
   * two agents have or that an agent without a summary has, the units of every agent whose summary has it. Other
   * rules and accounts (one agent's, with a summary) count from that summary: the same numbers as its units.
   * Call again after reading: the units of an agent without a summary name its accounts.
   */
  unitReads(unitDays: readonly string[]): UnitRead[] {
    if (!this.reads) return [];
    const want = new Set(unitDays);
    const known = new Set<string>();
    const summarized = new Map<string, Set<string>>();
    const rows = new Map<string, { day: string; agent: string; row: SummaryRow }[]>();
    const unsummarizedKeys = new Set<string>();
    for (const d of this.docs.values()) {
      known.add(d.agent);
      if (d.kind !== 'summary' || !want.has(d.day)) continue;
      let s = summarized.get(d.day);
      if (!s) summarized.set(d.day, (s = new Set()));
      s.add(d.agent);
      for (const row of d.rows) {
        const list = rows.get(row.rollup);
        const entry = { day: d.day, agent: d.agent, row };
        if (list) list.push(entry);
        else rows.set(row.rollup, [entry]);
      }
    }
    for (const d of this.docs.values())
      if (d.kind === 'unit' && want.has(d.day) && !summarized.get(d.day)?.has(d.agent))
        unsummarizedKeys.add(rollupKey(d));
    const out: UnitRead[] = [];
    const need = (r: UnitRead) => {
      if (!this.reads!.has(readId(r)) && !this.reads!.has(readId({ day: r.day, agent: r.agent }))) out.push(r);
    };
    for (const day of unitDays)
      for (const agent of [...known].sort()) if (!summarized.get(day)?.has(agent)) need({ day, agent });
    for (const [key, list] of rows)
      if (list.length > 1 || unsummarizedKeys.has(key))
        for (const { day, agent, row } of list)
          need({ day, agent, key: { metric: row.metric, platform: row.platform, account: row.account } });
    return out;
  }
}

/**
 * What of the stored team-sync setting (`meta.teamSync`, read loosely: the worker validated it) an open owner view
 * depends on: 'off', or the server and credentials it reads with. A change closes the view's feed (off) or reads
 * again (another server or user).
 */
export function viewSettingKey(raw: unknown): string {
  const c = raw as { enabled?: unknown; url?: unknown; user?: unknown; password?: unknown } | null | undefined;
  return c?.enabled === true ? JSON.stringify([c.url, c.user, c.password]) : 'off';
}

/** How many unit reads run at once (a browser opens at most 6 connections to one server). */
const READS_AT_ONCE = 4;

/**
 * Reads the units a narrowed `ShopDocs` still needs (`unitReads`) until none is missing, `READS_AT_ONCE` at a time,
 * none once `stopped()`. Returns the number of reads.
 */
export async function readUnits(
  remote: Pick<RemoteDb, 'allDocs'>,
  docs: ShopDocs,
  unitDays: readonly string[],
  stopped: () => boolean = () => false,
): Promise<number> {
  let count = 0;
  for (let todo = docs.unitReads(unitDays); todo.length && !stopped(); todo = docs.unitReads(unitDays)) {
    count += todo.length;
    for (const r of todo) docs.markRead(r);
    const queue = [...todo];
    const worker = async () => {
      // A closed view (sync turned off, the page left) sends nothing more.
      for (let r = queue.shift(); r && !stopped(); r = queue.shift()) {
        const res = await remote.allDocs({ ...unitReadRange(r), include_docs: true });
        for (const row of res.rows) docs.apply(row.id, row.doc);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, queue.length) }, worker));
  }
  return count;
}

/**
 * Digest ids per request (each id is a key of one `_all_docs` POST): a digest is ~20 bytes a wait, so a busy shared
 * account's day (5 000 waits) is ~100 kB, and 20 of them ~2 MB a response. A digest pushed since parts exist is at
 * most `DIGEST_MAX_BYTES` (a larger one is in parts), so ~5 MB a response at most; one pushed whole before that may be
 * larger (up to the server's document limit).
 */
const DIGESTS_PER_READ = 20;

/**
 * Reads the digests a `ShopDocs` still needs for `olderDays` (`digestReads`), by id, `DIGESTS_PER_READ` a request,
 * then the other parts of those that came split (a second round, only then); none once `stopped()`. Returns the
 * number of ids asked for. A failed request throws, its ids and the round's next ones given again by the next
 * `digestReads`: until then those keys stay on one agent's copy (the figures before digests), and the view stays live
 * (the caller catches it, and reads again later).
 */
export async function readDigests(
  remote: Pick<RemoteDb, 'allDocs'>,
  docs: ShopDocs,
  olderDays: readonly string[],
  stopped: () => boolean = () => false,
): Promise<number> {
  let count = 0;
  for (let ids = docs.digestReads(olderDays); ids.length && !stopped(); ids = docs.digestReads(olderDays)) {
    count += ids.length;
    for (let i = 0; i < ids.length && !stopped(); i += DIGESTS_PER_READ) {
      const res = await remote
        .allDocs({ keys: ids.slice(i, i + DIGESTS_PER_READ), include_docs: true })
        .catch((err: unknown) => {
          // Not answered: this request's ids and the round's next ones are asked for again by the next read.
          docs.forgetAsked(ids.slice(i));
          throw err;
        });
      for (const row of res.rows) if (row.doc) docs.apply(row.id, row.doc);
    }
  }
  return count;
}

export interface MetricFigures {
  metric: string;
  platform: Platform;
  counts: Record<UnitResult, number>;
  /** pass ÷ (pass + fail), null when nothing is decided. */
  rate: number | null;
}

export interface AgentFigures {
  agent: string;
  label: string;
  /** The units this agent's extension judged (its own copy), and how many of them the shop view counts. */
  counts: Record<UnitResult, number>;
  rate: number | null;
  counted: number;
}

export interface ShopView {
  /** The last day of the period (the only one for a one-day view). */
  day: string;
  /** Every day of the period, oldest first. */
  days: string[];
  metrics: MetricFigures[];
  agents: AgentFigures[];
  /** Buyers waiting now, one per conversation across agents, the earliest deadline first. */
  waiting: (ClockDoc & { label: string })[];
  /**
   * Buyers waiting beyond what the agents' queues list (`QueueDoc.more`: an agent with more than a queue holds; not
   * merged across agents: two agents of one account over the limit may both count a buyer).
   */
  unlisted: number;
}

const rateOf = (c: Record<UnitResult, number>) => (c.pass + c.fail ? c.pass / (c.pass + c.fail) : null);

/**
 * Shop-wide figures of `day` (or of every day of a list): each unit counted once however many agents saw it. Days in
 * `unitDays` (default: all of them) are counted from units, the others from rollups. With `now`, a waiting copy that
 * began more than `WAITING_MAX_AGE_MS` before is not a buyer waiting (the agents stop sending those; one left by an
 * agent who turned sync off without reaching the server ends so).
 */
export function shopView(
  docs: Iterable<SyncDoc>,
  day: string | readonly string[],
  unitDays?: readonly string[],
  now?: number,
): ShopView {
  const days = typeof day === 'string' ? [day] : [...day];
  const inRange = new Set(days);
  const byUnits = new Set(unitDays ?? days);
  const labels = new Map<string, string>();
  const best = new Map<string, UnitDoc>();
  const own = new Map<string, UnitDoc[]>();
  const bestRollup = new Map<string, RollupDoc>();
  const ownRollups = new Map<string, RollupDoc[]>();
  const clocks = new Map<string, ClockDoc>();
  let unlisted = 0;
  // The latest reply any agent saw per conversation: a waiting copy from an agent who did not see it (browser
  // closed, tab not watching) is not a buyer waiting.
  const replied = new Map<string, number>();
  const all = [...docs];
  // Agent-days with a summary (their rollup documents are not counted again), and the rules × days × accounts
  // whose units were read (counted from those, not from summaries).
  const summarized = new Set<string>();
  const summaries: SummaryDoc[] = [];
  // Older days: the digests per rule × day × account, and the agents with a copy (rollup or summary row) of each.
  const digests = new Map<string, Map<string, (DigestDoc | DigestPartDoc)[]>>();
  const copies = new Map<string, Set<string>>();
  const copy = (key: string, agent: string) => {
    const set = copies.get(key);
    if (set) set.add(agent);
    else copies.set(key, new Set([agent]));
  };
  const unitKeys = new Set<string>();
  const agentUnitKeys = new Set<string>();
  for (const d of all)
    if (d.kind === 'summary' && inRange.has(d.day)) {
      summarized.add(`${d.day}|${d.agent}`);
      summaries.push(d);
    } else if (d.kind === 'unit' && inRange.has(d.day) && byUnits.has(d.day)) {
      const key = `${d.metric}|${d.day}|${d.platform}|${d.account}`;
      unitKeys.add(key);
      agentUnitKeys.add(`${d.agent}|${key}`);
    } else if ((d.kind === 'digest' || d.kind === 'digestPart') && inRange.has(d.day) && !byUnits.has(d.day)) {
      let byAgent = digests.get(d.rollup);
      if (!byAgent) digests.set(d.rollup, (byAgent = new Map()));
      const list = byAgent.get(d.agent);
      if (list) list.push(d);
      else byAgent.set(d.agent, [d]);
    }
  for (const d of all) {
    if (d.kind === 'unit' && d.replyAt !== null) {
      const conv = conversationKey(d);
      replied.set(conv, Math.max(replied.get(conv) ?? 0, d.replyAt));
    }
    if (d.kind === 'agent') labels.set(d.agent, d.label);
    else if (d.kind === 'rollup' && summarized.has(`${d.day}|${d.agent}`)) continue;
    else if (d.kind === 'unit' && inRange.has(d.day) && byUnits.has(d.day)) {
      const cur = best.get(d.unit);
      if (!cur || preferUnit(d, cur) < 0) best.set(d.unit, d);
      const list = own.get(d.agent);
      if (list) list.push(d);
      else own.set(d.agent, [d]);
    } else if (d.kind === 'rollup' && inRange.has(d.day) && !byUnits.has(d.day)) {
      const cur = bestRollup.get(d.rollup);
      if (!cur || preferRollup(d, cur) < 0) bestRollup.set(d.rollup, d);
      copy(d.rollup, d.agent);
      const list = ownRollups.get(d.agent);
      if (list) list.push(d);
      else ownRollups.set(d.agent, [d]);
    } else if (d.kind === 'clock' || d.kind === 'queue') {
      // An agent's queue (one document for its waiting buyers) or one waiting buyer (`c|`, as older versions sent).
      // The buyers a queue only counts: while any it lists is still a buyer waiting (not past WAITING_MAX_AGE_MS: a
      // queue left by an agent who turned sync off unreached stops counting with its listed ones).
      if (
        d.kind === 'queue' &&
        d.more &&
        d.clocks.some((c) => now === undefined || (c.startedAt ?? c.lastMessageAt) >= now - WAITING_MAX_AGE_MS)
      )
        unlisted += d.more;
      for (const c of d.kind === 'queue' ? queueClocks(d) : [d]) {
        if (!WAITING.includes(c.status)) continue;
        const cur = clocks.get(c.conv);
        if (!cur || preferClock(c, cur) < 0) clocks.set(c.conv, c);
      }
    }
  }
  for (const s of summaries)
    for (const row of s.rows) {
      // The agent's own figures: from its units where they were read, else from its summary.
      if (agentUnitKeys.has(`${s.agent}|${row.rollup}`)) continue;
      const r: RollupDoc = {
        _id: s._id,
        v: s.v,
        kind: 'rollup',
        agent: s.agent,
        day: s.day,
        cappedSum: 0,
        cappedCount: 0,
        updatedAt: 0,
        ...row,
      };
      const cur = bestRollup.get(r.rollup);
      if (!unitKeys.has(r.rollup) && (!cur || preferRollup(r, cur) < 0)) bestRollup.set(r.rollup, r);
      if (!byUnits.has(r.day)) copy(r.rollup, r.agent);
      const list = ownRollups.get(r.agent);
      if (list) list.push(r);
      else ownRollups.set(r.agent, [r]);
    }
  const metrics = new Map<string, MetricFigures>();
  const counted = new Map<string, number>();
  const metricOf = (metric: string, platform: Platform) => {
    let m = metrics.get(metric);
    if (!m) metrics.set(metric, (m = { metric, platform, counts: emptyCounts(), rate: null }));
    return m;
  };
  for (const u of best.values()) {
    metricOf(u.metric, u.platform).counts[u.result] += 1;
    counted.set(u.agent, (counted.get(u.agent) ?? 0) + 1);
  }
  // Older keys whose every copy has its digest (whole: a split one with all its parts of one push): the merged waits
  // instead of one copy.
  for (const [key, byAgent] of digests) {
    const agents = copies.get(key);
    const wholes = new Map<string, WholeDigest>();
    for (const [agent, list] of byAgent) {
      const whole = wholeDigest(list);
      if (whole) wholes.set(agent, whole);
    }
    if (!agents || ![...agents].every((a) => wholes.has(a))) continue;
    bestRollup.delete(key);
    const merged = mergeDigestsCached([...wholes.values()]);
    const first = [...byAgent.values()][0]![0]!;
    const into = metricOf(first.metric, first.platform).counts;
    for (const [result, n] of Object.entries(merged.counts)) into[result as UnitResult] += n;
    for (const [agent, n] of merged.counted) counted.set(agent, (counted.get(agent) ?? 0) + n);
  }
  for (const r of bestRollup.values()) {
    addRollup(metricOf(r.metric, r.platform).counts, r);
    counted.set(r.agent, (counted.get(r.agent) ?? 0) + rollupTotal(r));
  }
  for (const m of metrics.values()) m.rate = rateOf(m.counts);
  const agentIds = new Set([...own.keys(), ...ownRollups.keys()]);
  const agents: AgentFigures[] = [...agentIds].map((agent) => {
    const counts = emptyCounts();
    for (const u of own.get(agent) ?? []) counts[u.result] += 1;
    for (const r of ownRollups.get(agent) ?? []) addRollup(counts, r);
    return { agent, label: labels.get(agent) ?? '', counts, rate: rateOf(counts), counted: counted.get(agent) ?? 0 };
  });
  return {
    day: days.at(-1) ?? '',
    days,
    metrics: [...metrics.values()].sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0)),
    agents: agents.sort(
      (a, b) => (a.label || a.agent).localeCompare(b.label || b.agent) || (a.agent < b.agent ? -1 : 1),
    ),
    waiting: [...clocks.values()]
      .filter((c) => (replied.get(c.conv) ?? -Infinity) < c.lastMessageAt)
      .filter((c) => now === undefined || (c.startedAt ?? c.lastMessageAt) >= now - WAITING_MAX_AGE_MS)
      .map((c) => ({ ...c, label: labels.get(c.agent) ?? '' }))
      .sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || (a.conv < b.conv ? -1 : 1)),
    unlisted,
  };
}

function addRollup(counts: Record<UnitResult, number>, r: RollupDoc): void {
  counts.pass += r.pass;
  counts.fail += r.fail;
  counts.pending += r.pending;
  counts.unknown += r.unknown;
  counts.notAssessed += r.notAssessed;
}
