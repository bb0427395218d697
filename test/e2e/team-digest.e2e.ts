/**
 * Team sync's per-wait digests against a real CouchDB-compatible server (pouchdb-server, in memory, started here and
 * stopped afterwards; no browser): two agents who share one shop account in shifts push three older days with the
 * real pusher (PouchDB's http adapter, `openRemote`), one agent's busiest day above a small digest size limit (so
 * pushed in parts), and the owner view's reads (`httpDb`: the summaries and rollups by key range, then the digests by
 * id with POST `_all_docs` { keys }, then the other parts) give the 7-day figures of all the units — which the
 * summaries alone do not. Then that day shrinks to one document: its other parts leave the server and the figures
 * follow. Time is an input: the pusher and the view run at a fixed `NOW`.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentinelDB } from '../../lib/db/schema';
import { tallyUnits } from '../../lib/engine/rollup';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import type { RollupRow, UnitRow } from '../../lib/model';
import { digestDocId } from '../../lib/sync/docs';
import { readDigests, shopView } from '../../lib/sync/shop';
import type { Couch } from '../../scripts/bench/sync';
import { nodeAgent, ownerDb, ownerRead7d, startNodeCouch, stopNodeCouch, type OpenRemote } from './node-couch';
import { AGENT_A, AGENT_B, NOW, unitOn } from '../unit/helpers/team';

const DAY_MS = 86_400_000;
/** A 1 kB digest limit (the pusher's is 256 kB): A's busiest day, 122 waits, is several parts. */
const DIGEST_MAX_BYTES = 1024;
const OLD = [2, 3, 4].map((back) => chinaDay(NOW - back * DAY_MS));
/** Per older day: A's own passes, B's own passes (each also has a shared wait `x` and A a fail of its own). */
const SHIFTS: [number, number][] = [
  [3, 4],
  [120, 5],
  [2, 6],
];

let couch: Couch;
let openRemote: OpenRemote;
const dbs: SentinelDB[] = [];

/**
 * An agent's older days: its own passes, one shared wait (`x`: B saw the reply, A's tab missed it: unknown) and,
 * for A, one fail of its own; its rollups as the background keeps them.
 */
async function seed(db: SentinelDB, who: 'a' | 'b', own: (day: number) => number): Promise<UnitRow[]> {
  const units = OLD.flatMap((day, d) => [
    ...Array.from({ length: own(d) }, (_, i) =>
      unitOn(day, { buyer: `${who}${i}`, startAt: chinaTime(day, 9) + i * 60_000 }),
    ).map((u) => ({ ...u, id: `${u.metric}|pdd|shop|${u.buyer}|${u.startAt}` })),
    who === 'a'
      ? unitOn(day, { buyer: 'x', result: 'unknown', replyAt: null, responseSec: null, cappedSec: null })
      : unitOn(day, { buyer: 'x' }),
    ...(who === 'a' ? [unitOn(day, { buyer: 'a-late', result: 'fail', replyAt: null, responseSec: null })] : []),
  ]);
  await db.units.bulkPut(units);
  await putRollups(db, units, NOW - DAY_MS);
  return units;
}

/** The rollups of `units` (replacing the agent's older days' rollups), updated at `at`. */
async function putRollups(db: SentinelDB, units: readonly UnitRow[], at: number) {
  const rollups = new Map<string, RollupRow>();
  tallyUnits(rollups, units, 1, at);
  await db.rollups.clear();
  await db.rollups.bulkPut([...rollups.values()]);
}

const agent = (n: 1 | 2, db: SentinelDB) =>
  nodeAgent(couch, openRemote, db, n, NOW, { digestMaxBytes: DIGEST_MAX_BYTES });

/** Every document id of the shop's database (as the owner). */
async function serverIds(): Promise<string[]> {
  const res = await ownerDb(couch).allDocs({});
  return res.rows.map((r) => r.id);
}

/** The owner view's 7-day figures as `ShopLive` reads them, and its requests (method, path, POST body). */
async function ownerView() {
  const requests: string[] = [];
  const reader = ownerDb(couch, (input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname} ${String(init?.body ?? '')}`);
    return fetch(input, init);
  });
  const { docs, days, unitDays, older } = await ownerRead7d(reader, NOW);
  const summariesOnly = shopView(docs.docs.values(), days, unitDays, NOW);
  await readDigests(reader, docs, older);
  const view = shopView(docs.docs.values(), days, unitDays, NOW);
  const counts = (v: typeof view) => v.metrics.find((m) => m.metric === 'pdd.manual3min')?.counts;
  return { counts: counts(view), summariesOnly: counts(summariesOnly), requests };
}

beforeAll(async () => {
  ({ couch, openRemote } = await startNodeCouch(2));
}, 60_000);

afterAll(() => stopNodeCouch(couch, dbs));

describe('older days’ digests on a CouchDB-compatible server', () => {
  it('two agents sharing an account in shifts: the 7-day figures are every wait once (a split digest read whole)', async () => {
    const a = new SentinelDB('digest-couch-a');
    const b = new SentinelDB('digest-couch-b');
    dbs.push(a, b);
    await a.meta.put({ key: 'agentId', value: AGENT_A });
    await b.meta.put({ key: 'agentId', value: AGENT_B });
    const unitsA = await seed(a, 'a', (d) => SHIFTS[d]![0]);
    await seed(b, 'b', (d) => SHIFTS[d]![1]);
    const [agentA, agentB] = [agent(1, a), agent(2, b)];
    for (const { sync, cfg } of [agentA, agentB]) {
      expect(await sync.set(cfg)).toEqual({ ok: true });
      await sync.push();
      expect(await sync.status()).toMatchObject({ error: null, pending: 0 });
    }
    // A's busiest day went in parts (part 0 under the digest's own id), its other days whole.
    const ids = await serverIds();
    const key = { metric: 'pdd.manual3min', platform: 'pdd' as const, account: 'shop' };
    const partsOf = (day: string) => ids.filter((id) => id.startsWith(`w|${day}|${AGENT_A}|#`));
    expect(partsOf(OLD[1]!).length).toBeGreaterThanOrEqual(2);
    expect(ids).toContain(digestDocId(OLD[1]!, AGENT_A, key));
    expect(partsOf(OLD[0]!)).toEqual([]);

    const view = await ownerView();
    // Every wait once: each day A's and B's own passes and the shared wait (B's pass), A's fail.
    const pass = SHIFTS.reduce((n, [x, y]) => n + x + y + 1, 0);
    expect(view.counts).toMatchObject({ pass, fail: 3, unknown: 0 });
    // Summaries alone count one agent's copy a day (the more decided: B, A, B): too few.
    expect(view.summariesOnly).toMatchObject({ pass: 5 + 120 + 7, fail: 1, unknown: 1 });
    // Digests by id with POST, then the split one's other parts (asked after its part 0 came).
    const posts = view.requests.filter((r) => r.startsWith('POST '));
    expect(posts.length).toBe(2);
    expect(posts[0]).toContain(digestDocId(OLD[1]!, AGENT_A, key));
    expect(posts[1]).toContain(`w|${OLD[1]}|${AGENT_A}|#1|`);

    // A's busy day shrinks (a late reconciliation: all but 10 of its own waits went): one document again, the
    // other parts deleted from the server, and the figures are the units' again.
    const gone = unitsA.filter((u) => u.day === OLD[1] && /^a\d+$/.test(u.buyer) && Number(u.buyer.slice(1)) >= 10);
    await a.units.bulkDelete(gone.map((u) => u.id));
    await putRollups(a, await a.units.toArray(), NOW);
    await agentA.sync.push();
    expect(await agentA.sync.status()).toMatchObject({ error: null, pending: 0 });
    const after = await serverIds();
    expect(after.filter((id) => id.startsWith(`w|${OLD[1]}|${AGENT_A}|`))).toEqual([
      digestDocId(OLD[1]!, AGENT_A, key),
    ]);
    expect((await ownerView()).counts).toMatchObject({ pass: pass - gone.length, fail: 3, unknown: 0 });
  }, 60_000);
});
