/**
 * Team sync's split digests at the real size limit (`DIGEST_MAX_BYTES`, 256 kB: no limit injected, unlike
 * team-digest.e2e.ts) against a real CouchDB-compatible server (pouchdb-server, in memory, started here and stopped
 * afterwards; no browser). Agent A has one shop account and tens of thousands of waits on one older day: its digest
 * goes in several parts, pushed by the real pusher (PouchDB's http adapter, `openRemote`) in `_bulk_docs` bodies
 * within `BATCH_MAX_BYTES`. The owner view's reads (`readDigests`, `shopView`, as team-digest.e2e.ts reads) count
 * every wait exactly once: A alone; with agent B sharing the account that day (some waits seen by both: merged,
 * not counted twice); and with one of A's parts stale (of another push of that day) or missing — then one agent's
 * copy, never both, never a part twice. Time is an input: the pusher and the view run at a fixed `NOW`.
 *
 * The day is one both agents' earlier version (without digests) pushed and the server acknowledged: its units,
 * rollups and summary are on the server (written here; the owner view reads no units of older days) and unchanged
 * since, so the real pusher's push of it is its digests alone (`digestsOnly`, pusher.ts). Pushing ~40 000 unit
 * documents as well takes minutes on pouchdb-server (in memory, on a loaded machine) and adds nothing to what is
 * tested here; the other e2e file pushes units and digests together.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentinelDB } from '../../lib/db/schema';
import { tallyUnits } from '../../lib/engine/rollup';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import type { RollupRow, UnitRow } from '../../lib/model';
import { DIGEST_MAX_BYTES, digestDocs, digestEntry, mergeDigests, wholeDigest } from '../../lib/sync/digest';
import {
  agentDoc,
  contentKey,
  digestDocId,
  digestScope,
  rollupDoc,
  summaryDoc,
  type DigestPartDoc,
} from '../../lib/sync/docs';
import { BATCH_MAX_BYTES, SYNC_DAYS_KEY } from '../../lib/sync/pusher';
import { readDigests, shopView } from '../../lib/sync/shop';
import { DB, PASSWORD_PREFIX, type Couch } from '../../scripts/bench/sync';
import { nodeAgent, ownerDb, ownerRead7d, startNodeCouch, stopNodeCouch, type OpenRemote } from './node-couch';
import { AGENT_A, AGENT_B, NOW, unitOn } from '../unit/helpers/team';

const DAY_MS = 86_400_000;
/** The older day of the big digest (in the owner view's 7 days, before its unit days). */
const BIG = chinaDay(NOW - 3 * DAY_MS);
/** A's own waits (only A saw them), the waits both saw (A's tab missed the reply: unknown; B's copy: a pass), B's own. */
const A_OWN = 58_000;
const SHARED = 2_000;
const B_OWN = 1_000;
const KEY = { metric: 'pdd.manual3min', platform: 'pdd' as const, account: 'shop' };

let couch: Couch;
let openRemote: OpenRemote;
const dbs: SentinelDB[] = [];

/** A wait of BIG: buyer `buyer`, started `i` × 2 s after midnight (distinct ids), answered after a minute. */
const wait = (buyer: string, i: number, over: Partial<UnitRow> = {}): UnitRow => {
  const u = unitOn(BIG, {
    buyer,
    startAt: chinaTime(BIG, 0) + i * 2000,
    replyAt: chinaTime(BIG, 0) + i * 2000 + 60_000,
  });
  return { ...u, id: `${u.metric}|pdd|shop|${buyer}|${u.startAt}`, ...over };
};
const missed = { result: 'unknown', replyAt: null, responseSec: null, cappedSec: null } as const;

const unitsA = [
  ...Array.from({ length: A_OWN }, (_, i) => wait(`a${i}`, i)),
  ...Array.from({ length: SHARED }, (_, i) => wait(`x${i}`, i, missed)),
];
const unitsB = [
  ...Array.from({ length: B_OWN }, (_, i) => wait(`b${i}`, i)),
  ...Array.from({ length: SHARED }, (_, i) => wait(`x${i}`, i)),
];

/**
 * fake-indexeddb (node's IndexedDB here) answers Dexie's `where(index).anyOf(keys)` in time quadratic in the rows
 * (10 000 units: ~50 s on this machine; Chrome's IndexedDB: milliseconds), which the pusher reads an agent's days
 * with. Here the same rows come from one `equals` read a key (linear): the same answer, the pusher unchanged.
 */
function linearAnyOf(db: SentinelDB) {
  const where = db.units.where.bind(db.units);
  db.units.where = ((index: string) => {
    const clause = where(index);
    if (index !== 'day') return clause;
    return Object.assign(Object.create(clause) as typeof clause, {
      anyOf: (keys: readonly string[]) => ({
        toArray: async () => (await Promise.all(keys.map((k) => where('day').equals(k).toArray()))).flat(),
      }),
    });
  }) as typeof db.units.where;
  return db;
}

/** Stores `units` and their rollups (as the background keeps them), updated at `at`. */
async function store(db: SentinelDB, units: readonly UnitRow[], at: number) {
  await db.units.bulkPut([...units]);
  const rollups = new Map<string, RollupRow>();
  tallyUnits(rollups, await db.units.toArray(), 1, at);
  await db.rollups.clear();
  await db.rollups.bulkPut([...rollups.values()]);
}

/**
 * What an earlier version without digests left of the agent's day: its agent document, rollups and summary on the
 * server (its units too, not read by the owner view for older days, so not written here), and its acknowledgement
 * in the agent's memory (`SYNC_DAYS_KEY`: the day's signature as that version wrote it, without `DAYS_SIG_VERSION`).
 */
async function pushedBefore(db: SentinelDB, n: 1 | 2, agentId: string, label: string) {
  const rollups = await db.rollups.toArray();
  const remote = openRemote({ url: `${couch.url}/${DB}`, user: `agent${n}`, password: `${PASSWORD_PREFIX}${n}` });
  const docs = [
    agentDoc(agentId, label),
    ...rollups.map((r) => rollupDoc(agentId, r)),
    summaryDoc(agentId, BIG, rollups),
  ];
  expect(await remote.bulkDocs(docs)).toMatchObject(docs.map(() => ({ ok: true })));
  const sig = `${await db.units.count()}|${rollups
    .map((r) => contentKey(rollupDoc('', r)))
    .sort()
    .join('|')}`;
  await db.meta.put({ key: SYNC_DAYS_KEY, value: { url: `${couch.url}/${DB}`, days: { [BIG]: sig } } });
}

/** Every `_bulk_docs` request body (its UTF-8 bytes) sent through the global fetch while `fn` runs. */
async function bulkBodies(fn: () => Promise<void>): Promise<number[]> {
  const sizes: number[] = [];
  const real = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname.endsWith('/_bulk_docs')) {
      expect(typeof init?.body).toBe('string');
      sizes.push(Buffer.byteLength(init!.body as string));
    }
    return real(input, init);
  };
  try {
    await fn();
  } finally {
    globalThis.fetch = real;
  }
  return sizes;
}

// The real limits: no `digestMaxBytes`, no `batchMaxBytes`.
const agent = (n: 1 | 2, db: SentinelDB) => nodeAgent(couch, openRemote, db, n, NOW);

/** A's digest documents of BIG on the server (as the owner), part 0 first. */
async function partsOnServer(): Promise<(DigestPartDoc & { _rev: string })[]> {
  const scope = digestScope(BIG, AGENT_A);
  const res = await ownerDb(couch).allDocs({
    startkey: scope,
    endkey: `${scope}\uffff`,
    include_docs: true,
  });
  return res.rows.map((r) => r.doc as DigestPartDoc & { _rev: string }).sort((a, b) => (a.part ?? 0) - (b.part ?? 0));
}

/** How many unit documents the server holds. */
async function unitDocsOnServer(): Promise<number> {
  const res = await ownerDb(couch).allDocs({ startkey: 'u|', endkey: 'u|\uffff' });
  return res.rows.length;
}

/** The owner view's 7-day figures of the rule as `ShopLive` reads them, and its digest reads (POST bodies' ids). */
async function ownerView() {
  const posts: string[][] = [];
  const reader = ownerDb(couch, (input, init) => {
    if (init?.method === 'POST') posts.push((JSON.parse(String(init.body)) as { keys: string[] }).keys);
    return fetch(input, init);
  });
  const { docs, days, unitDays, older } = await ownerRead7d(reader, NOW);
  expect(older).toContain(BIG);
  await readDigests(reader, docs, older);
  const view = shopView(docs.docs.values(), days, unitDays, NOW);
  return { counts: view.metrics.find((m) => m.metric === KEY.metric)?.counts, posts };
}

beforeAll(async () => {
  ({ couch, openRemote } = await startNodeCouch(2));
}, 60_000);

afterAll(() => stopNodeCouch(couch, dbs));

describe('a digest above the real 256 kB limit on a CouchDB-compatible server', () => {
  it('is pushed in parts within the batch limit and counted whole: every wait once, merged, one copy when a part is stale or missing', async () => {
    // The count: an entry is ~22 bytes with its comma, so A's 60 000 entries (~1.3 MB) are more than two parts (six).
    const entryBytes = digestEntry(unitsA[0]!).length + 1;
    expect(entryBytes * unitsA.length).toBeGreaterThan(2 * DIGEST_MAX_BYTES);

    const a = linearAnyOf(new SentinelDB('digest-scale-a'));
    const b = linearAnyOf(new SentinelDB('digest-scale-b'));
    dbs.push(a, b);
    await a.meta.put({ key: 'agentId', value: AGENT_A });
    await b.meta.put({ key: 'agentId', value: AGENT_B });
    await store(a, unitsA, NOW - DAY_MS);
    await store(b, unitsB, NOW - DAY_MS);
    const [agentA, agentB] = [agent(1, a), agent(2, b)];
    await pushedBefore(a, 1, AGENT_A, agentA.cfg.label);

    // A alone: its digest of BIG is several parts (part 0 under the digest's own id), every body within the batch
    // limit; the day's push was its digests alone (no unit document).
    expect(await agentA.sync.set(agentA.cfg)).toEqual({ ok: true });
    const bodies = await bulkBodies(() => agentA.sync.push());
    expect(await agentA.sync.status()).toMatchObject({ error: null, pending: 0 });
    expect(bodies.length).toBeGreaterThan(1);
    expect(Math.max(...bodies)).toBeLessThanOrEqual(BATCH_MAX_BYTES);
    const parts = await partsOnServer();
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(await unitDocsOnServer()).toBe(0);
    expect(parts[0]!._id).toBe(digestDocId(BIG, AGENT_A, KEY));
    expect(parts.map((p) => [p.kind, p.part, p.parts])).toEqual(parts.map((_, i) => ['digestPart', i, parts.length]));
    for (const p of parts) expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(DIGEST_MAX_BYTES);
    // Read back whole, the parts are every one of A's waits once.
    const whole = wholeDigest(parts)!;
    expect(whole.waits.split(',').length).toBe(unitsA.length);
    expect(mergeDigests([whole]).counts).toMatchObject({ pass: A_OWN, unknown: SHARED, fail: 0 });
    // One agent: the view counts its summary (no digest read).
    const alone = await ownerView();
    expect(alone.counts).toMatchObject({ pass: A_OWN, unknown: SHARED, fail: 0 });
    expect(alone.posts).toEqual([]);

    // B shares the account that day: every wait once (the shared ones B's passes), A's parts read after part 0.
    await pushedBefore(b, 2, AGENT_B, agentB.cfg.label);
    expect(await agentB.sync.set(agentB.cfg)).toEqual({ ok: true });
    await agentB.sync.push();
    expect(await agentB.sync.status()).toMatchObject({ error: null, pending: 0 });
    const shared = await ownerView();
    expect(shared.counts).toMatchObject({ pass: A_OWN + SHARED + B_OWN, unknown: 0, fail: 0 });
    expect(shared.posts[0]).toEqual(
      expect.arrayContaining([digestDocId(BIG, AGENT_A, KEY), digestDocId(BIG, AGENT_B, KEY)]),
    );
    expect(shared.posts.slice(1).flat().sort()).toEqual(
      parts
        .slice(1)
        .map((p) => p._id)
        .sort(),
    );

    // Part 1 on the server is then another push's (of that day with one wait more: a new `set`; a write lost):
    // A's digest is not whole, so the key counts one copy (A's summary, the more decided), never A's and B's
    // together and never a part twice.
    const other = digestDocs(AGENT_A, BIG, [...unitsA, wait('a-late', A_OWN)]) as DigestPartDoc[];
    expect(other[1]!._id).toBe(parts[1]!._id);
    expect(other[1]!.set).not.toBe(parts[1]!.set);
    const remoteA = openRemote(agentA.cfg);
    expect(await remoteA.bulkDocs([{ ...other[1]!, _rev: parts[1]!._rev }])).toMatchObject([{ ok: true }]);
    const oneCopy = { pass: A_OWN, unknown: SHARED, fail: 0 };
    expect((await ownerView()).counts).toMatchObject(oneCopy);

    // Part 1 put right (every wait once again), then part 2 gone: one copy again.
    const now = await partsOnServer();
    const { _rev: _r, ...right } = parts[1]!;
    expect(await remoteA.bulkDocs([{ ...right, _rev: now[1]!._rev }])).toMatchObject([{ ok: true }]);
    expect((await ownerView()).counts).toMatchObject({ pass: A_OWN + SHARED + B_OWN, unknown: 0, fail: 0 });
    expect(await remoteA.bulkDocs([{ _id: now[2]!._id, _rev: now[2]!._rev, _deleted: true }])).toMatchObject([
      { ok: true },
    ]);
    expect((await ownerView()).counts).toMatchObject(oneCopy);
  }, 90_000);
});
