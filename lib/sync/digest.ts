/**
 * Team sync's per-wait digests (pure): for the days before yesterday, where the owner view counts summaries rather
 * than units, one small document per agent, day, rule and shop account (`DigestDoc`) lists that agent's waits as a
 * packed string, so that two agents who share one account name (in shifts, each on their own browser, each seeing
 * only their own buyers) add up exactly — without the owner reading ~400 bytes a unit.
 *
 * An entry is one unit: the unit id's 64-bit hash (16 hex digits; the unit id is the same in every agent that saw the
 * wait), the result (one letter) and, when a reply was seen, the reply's time after the wait's start (ms, base 36):
 * ~20 bytes a wait. Entries are sorted by hash and joined by commas, so the same units give the same string.
 *
 * Merging (`mergeDigests`) keeps one entry per hash, chosen as `preferUnit` chooses between two copies of a unit
 * (a decided result over pending over unknown over not assessed; then the copy that saw a reply, then the earlier
 * reply; then the smaller agent id): a total order, so the merged counts equal those of the units (one per unit id)
 * and never depend on the order the documents arrive in. A hash collision (2⁻⁶⁴ per pair of waits) would merge two
 * waits into one.
 *
 * Size: a digest above `DIGEST_MAX_BYTES` (an account at 100 000 waits a day is ~2 MB; CouchDB refuses documents
 * above 8 MB by default, proxies often refuse request bodies above 1 MB) is pushed in parts (`DigestPartDoc`): its sorted
 * entries cut into consecutive runs, each document within the limit. The same units give the same parts and ids (a
 * retry is idempotent); a day that shrinks has fewer parts, and the pusher's diff of the day's digest scope deletes
 * the others. The owner view counts a split digest only whole (`wholeDigest`: every part present, all of one push by
 * their `set` hash, which the joined entries must give): otherwise that agent has no digest of the key, and the key
 * counts one copy, as for a missing digest — never a part twice, never a stale part.
 */
import { emptyCounts } from '../engine/rollup';
import type { UnitResult, UnitRow } from '../model';
import {
  MAX_DIGEST_PARTS,
  RESULT_RANK,
  SYNC_DOC_VERSION,
  digestDocId,
  digestPartId,
  jsonBytes,
  type DigestDoc,
  type DigestPartDoc,
} from './docs';

type DigestUnit = Pick<UnitRow, 'id' | 'metric' | 'day' | 'platform' | 'account' | 'result' | 'startAt' | 'replyAt'>;

const LETTER: Record<UnitResult, string> = { pass: 'p', fail: 'f', pending: 'w', unknown: 'u', notAssessed: 'n' };
const RESULT_OF: Record<string, UnitResult> = Object.fromEntries(
  Object.entries(LETTER).map(([result, letter]) => [letter, result as UnitResult]),
);

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** A 64-bit hash of a string as 16 hex digits (two 32-bit lanes mixed together, after cyrb53). */
export function hash64(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return hex8(h2) + hex8(h1);
}

/** One unit's entry: hash, result letter, reply offset (ms after the start, base 36) when a reply was seen. */
export function digestEntry(u: Pick<UnitRow, 'id' | 'result' | 'startAt' | 'replyAt'>): string {
  return hash64(u.id) + LETTER[u.result] + (u.replyAt === null ? '' : (u.replyAt - u.startAt).toString(36));
}

/** A parsed entry (`reply`: ms after the wait's start, null when no reply was seen). */
export interface DigestEntry {
  hash: string;
  result: UnitResult;
  reply: number | null;
}

/** Parses an entry; undefined when it is not one (a damaged document counts none of its malformed entries). */
export function parseEntry(s: string): DigestEntry | undefined {
  const result = RESULT_OF[s.charAt(16)];
  if (!result || !/^[0-9a-f]{16}$/.test(s.slice(0, 16))) return undefined;
  const rest = s.slice(17);
  if (!rest) return { hash: s.slice(0, 16), result, reply: null };
  if (!/^-?[0-9a-z]+$/.test(rest)) return undefined;
  return { hash: s.slice(0, 16), result, reply: parseInt(rest, 36) };
}

/**
 * The most a digest document may weigh (its JSON, UTF-8): a quarter of a megabyte, far below CouchDB's default
 * `max_document_size` (8 MB) and a proxy's usual 1 MB request limit; ~12 000 waits a part.
 */
export const DIGEST_MAX_BYTES = 256 * 1024;

/**
 * An agent's digests of one day's units: one document per rule and shop account (the rollup's key), entries sorted;
 * a digest above `maxBytes` (default `DIGEST_MAX_BYTES`) as parts (`DigestPartDoc`), each within it. Units of other
 * days are left out. Deterministic: the same units, the same documents.
 */
export function digestDocs(
  agent: string,
  day: string,
  units: readonly DigestUnit[],
  maxBytes = DIGEST_MAX_BYTES,
): (DigestDoc | DigestPartDoc)[] {
  const groups = new Map<string, { u: DigestUnit; entries: string[] }>();
  for (const u of units) {
    if (u.day !== day) continue;
    const key = `${u.metric}|${u.day}|${u.platform}|${u.account}`;
    const g = groups.get(key);
    if (g) g.entries.push(digestEntry(u));
    else groups.set(key, { u, entries: [digestEntry(u)] });
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([rollup, { u, entries }]): (DigestDoc | DigestPartDoc)[] => {
      const whole: DigestDoc = {
        _id: digestDocId(day, agent, u),
        v: SYNC_DOC_VERSION,
        kind: 'digest',
        agent,
        day,
        rollup,
        metric: u.metric,
        platform: u.platform,
        account: u.account,
        waits: entries.sort().join(','),
      };
      return jsonBytes(whole) <= maxBytes ? [whole] : splitDigest(whole, entries, maxBytes);
    });
}

/** `#<part>|` in a part's id (at most `MAX_DIGEST_PARTS`) and a `"_rev":"<n>-<32 hex>",` the server adds. */
const PART_ID_AND_REV_BYTES =
  `#${MAX_DIGEST_PARTS}|`.length + '"_rev":"9999999-00000000000000000000000000000000",'.length;

/** A digest's sorted entries cut into consecutive parts, each document within `maxBytes` (at least one entry each). */
function splitDigest(whole: DigestDoc, entries: readonly string[], maxBytes: number): DigestPartDoc[] {
  const { kind: _, waits, ...base } = whole;
  const set = hash64(waits);
  // A part's size without its entries, with the widest part numbers (entries are ASCII: one byte a character), less
  // what a part's document has beyond part 0's fields: the `#<i>|` in its id and the server's `_rev` on an update.
  const room =
    maxBytes -
    jsonBytes({ ...base, kind: 'digestPart', waits: '', part: MAX_DIGEST_PARTS, parts: MAX_DIGEST_PARTS, set }) -
    PART_ID_AND_REV_BYTES;
  const runs: string[][] = [];
  let run: string[] = [];
  let size = 0;
  for (const e of entries) {
    const add = (run.length ? 1 : 0) + e.length;
    if (run.length && size + add > room) {
      runs.push(run);
      run = [];
      size = 0;
    }
    size += (run.length ? 1 : 0) + e.length;
    run.push(e);
  }
  runs.push(run);
  return runs.map((r, part) => ({
    ...base,
    _id: digestPartId(whole.day, whole.agent, whole, part),
    kind: 'digestPart',
    waits: r.join(','),
    part,
    parts: runs.length,
    set,
  }));
}

/** What a merge reads of one agent's digest of a key. */
export type WholeDigest = Pick<DigestDoc, 'agent' | 'waits'>;

/** The last assembly of each split digest, by its part 0 (the owner view keeps documents as the same objects). */
const assembled = new WeakMap<
  object,
  { parts: readonly (DigestPartDoc | undefined)[]; whole: WholeDigest | undefined }
>();

/**
 * One agent's digest of one key from what the view holds of it (its whole digest, or parts, in any order):
 * the whole digest; else, from part 0 on, every part of one push (the same `parts` and `set`, one of each number),
 * joined — undefined when one is missing or they disagree (stale parts of another push, a damaged part: `set` must
 * be the hash of the joined entries). Parts beside a whole digest are stale (the day shrank): not counted. The same
 * objects give the same result object (remembered), so the merge after it is remembered too.
 */
export function wholeDigest(docs: readonly (DigestDoc | DigestPartDoc)[]): WholeDigest | undefined {
  const single = docs.find((d): d is DigestDoc => d.kind === 'digest');
  if (single) return single;
  const first = docs.find((d): d is DigestPartDoc => d.kind === 'digestPart' && d.part === 0);
  if (!first) return undefined;
  // Dense (`every` skips the holes of a sparse array): a missing part is an undefined entry.
  const parts = Array.from({ length: first.parts }, (): DigestPartDoc | undefined => undefined);
  for (const d of docs)
    if (d.kind === 'digestPart' && d.parts === first.parts && d.set === first.set && d.agent === first.agent)
      parts[d.part] = d;
  const hit = assembled.get(first);
  if (hit && hit.parts.length === parts.length && hit.parts.every((p, i) => p === parts[i])) return hit.whole;
  let whole: WholeDigest | undefined;
  if (parts.every((p): p is DigestPartDoc => p !== undefined)) {
    const waits = parts.map((p) => p.waits).join(',');
    if (hash64(waits) === first.set) whole = { agent: first.agent, waits };
  }
  assembled.set(first, { parts, whole });
  return whole;
}

/** Which of two copies of one wait counts (negative: `a`): `preferUnit`'s order on what an entry keeps. */
function preferEntry(a: DigestEntry, aAgent: string, b: DigestEntry, bAgent: string): number {
  return (
    RESULT_RANK[b.result] - RESULT_RANK[a.result] ||
    (a.reply === null ? 1 : 0) - (b.reply === null ? 1 : 0) ||
    (a.reply ?? 0) - (b.reply ?? 0) ||
    (aAgent < bAgent ? -1 : aAgent > bAgent ? 1 : 0)
  );
}

/** The merged figures of several agents' digests of one rule, day and account. */
export interface MergedDigest {
  /** One count per wait (hash) across the agents. */
  counts: Record<UnitResult, number>;
  /** Per agent, how many of the counted waits are its copy (the shop view's `counted`). */
  counted: Map<string, number>;
}

/**
 * Merges digests (of one rule, day and account): one entry per wait, the preferred copy (see `preferEntry`).
 * Pure; for the same documents again (the owner view recomputes on every change of its feed) `mergeDigestsCached`
 * answers from memory.
 */
export function mergeDigests(docs: readonly Pick<DigestDoc, 'agent' | 'waits'>[]): MergedDigest {
  const best = new Map<string, { e: DigestEntry; agent: string }>();
  for (const d of docs)
    for (const s of d.waits ? d.waits.split(',') : []) {
      const e = parseEntry(s);
      if (!e) continue;
      const cur = best.get(e.hash);
      if (!cur || preferEntry(e, d.agent, cur.e, cur.agent) < 0) best.set(e.hash, { e, agent: d.agent });
    }
  const counts = emptyCounts();
  const counted = new Map<string, number>();
  for (const { e, agent } of best.values()) {
    counts[e.result] += 1;
    counted.set(agent, (counted.get(agent) ?? 0) + 1);
  }
  return { counts, counted };
}

/** The last merge of each key, by its first document (the owner view's documents are kept as the same objects). */
const merged = new WeakMap<object, { docs: readonly object[]; result: MergedDigest }>();

/**
 * `mergeDigests` of documents sorted by agent, remembered while they are the same objects: the owner view
 * recomputes its figures on every feed change (at most every 250 ms), and a 30-day period of a shared account holds
 * hundreds of thousands of entries. A changed digest is a new object: merged again.
 */
export function mergeDigestsCached(docs: readonly WholeDigest[]): MergedDigest {
  const sorted = [...docs].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
  const hit = sorted.length ? merged.get(sorted[0]!) : undefined;
  if (hit && hit.docs.length === sorted.length && hit.docs.every((d, i) => d === sorted[i])) return hit.result;
  const result = mergeDigests(sorted);
  if (sorted.length) merged.set(sorted[0]!, { docs: sorted, result });
  return result;
}
