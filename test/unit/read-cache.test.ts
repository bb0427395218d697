import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Recompute } from '../../lib/background/recompute';
import { rebuildRollups } from '../../lib/background/rollups';
import { Sentinel } from '../../lib/background/sentinel';
import { SentinelDB } from '../../lib/db/schema';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';
import { expectRollupsMatchUnits } from './helpers/rollups';
import { closedAfterEach, pddMsg, pddWatching, storedEvents, storedTables } from './helpers/worker';

/**
 * The read cache (lib/background/read-cache.ts): an intake of a conversation the worker recomputed last reads none of
 * its clock, units, coverage, today's aggregates or `meta.prunedBefore` again; and whatever another writer does to
 * those tables (or a transaction that fails), the next intake computes from what is stored, never from a stale copy.
 */
const dbs = closedAfterEach();
const watching = pddWatching('http://127.0.0.1/demo/pdd/');
const CACHED = ['clocks', 'units', 'coverage', 'rollups', 'dayStats', 'meta'];

interface Options {
  /** No read cache: nothing claimed, so nothing served nor held (the reference: the intake as it was before it). */
  noCache?: boolean;
  /**
   * Fails the next write to this table (the next `times` writes: 1 unless said): `abort` aborts its transaction first
   * (as a full disk does: nothing of it is stored), else only the request fails (what was issued before may be
   * stored). `thenFailRead`: the next read of that table fails too, after the first failed write.
   */
  failWrite?: { table: string; armed: boolean; abort?: boolean; thenFailRead?: string; times?: number };
}

function worker(name: string, o: Options = {}) {
  const db = new SentinelDB(`read-cache-${name}-${Date.now()}-${Math.random()}`);
  dbs.push(db);
  const reads: string[] = [];
  /** A table whose next read fails (armed by `failWrite.thenFailRead`). */
  let failRead: string | undefined;
  db.use({
    stack: 'dbcore',
    name: 'test-probe',
    create: (down) => ({
      ...down,
      table: (table) => {
        const d = down.table(table);
        const read =
          <A extends unknown[], R>(f: (...a: A) => R) =>
          (...a: A): R => {
            reads.push(table);
            if (failRead === table) {
              failRead = undefined;
              return Promise.reject(new Error('read failed (test)')) as R;
            }
            return f(...a);
          };
        return {
          ...d,
          get: read(d.get.bind(d)),
          getMany: read(d.getMany.bind(d)),
          query: read(d.query.bind(d)),
          openCursor: read(d.openCursor.bind(d)),
          count: read(d.count.bind(d)),
          mutate: (req) => {
            if (o.failWrite?.armed && o.failWrite.table === table) {
              o.failWrite.times = (o.failWrite.times ?? 1) - 1;
              if (o.failWrite.times <= 0) o.failWrite.armed = false;
              failRead = o.failWrite.thenFailRead;
              o.failWrite.thenFailRead = undefined;
              if (o.failWrite.abort) (req.trans as unknown as IDBTransaction).abort();
              return Promise.reject(new Error('disk full (test)'));
            }
            return d.mutate(req);
          },
        };
      },
    }),
  });
  const host = new FakeHost();
  const s = new Sentinel(db, host);
  const r = (s as unknown as { recomputer: Recompute }).recomputer;
  if (o.noCache) r.cache.claim = () => undefined;
  /** The reads of cached tables made by `fn`. */
  const readsOf = async (fn: () => Promise<unknown>) => {
    reads.length = 0;
    await fn();
    return reads.filter((x) => CACHED.includes(x));
  };
  return { db, host, s, readsOf, cache: r.cache };
}

/** A worker and its reference: the same options without the read cache (the intake as it was before it). */
function withReference(name: string, o: Options = {}) {
  return { w: worker(name, o), ref: worker(`${name}-ref`, { ...o, noCache: true }) };
}

const at = t('10:00:00', '2026-11-20');
const q = (id: string, when: number) => pddMsg([ev('pdd', 'b1', 'buyer', when, { messageId: id })]);
const a = (id: string, when: number) => pddMsg([ev('pdd', 'b1', 'human', when, { messageId: id })]);

async function opened(w: ReturnType<typeof worker>) {
  w.host.clock = at;
  await w.s.health(watching, 7);
}

async function say(w: ReturnType<typeof worker>, msg: ReturnType<typeof q>, when: number) {
  w.host.clock = when;
  await w.s.ingest(msg);
}

describe('the read cache', () => {
  it('serves the next intake of a conversation the worker recomputed: no read of a cached table', async () => {
    const w = worker('serves');
    await opened(w);
    // The first intake of the conversation reads what it needs.
    expect(await w.readsOf(() => say(w, q('q1', at + 1_000), at + 1_000))).not.toEqual([]);
    // The next ones (the agent's answer, the next question) read nothing of those tables.
    expect(await w.readsOf(() => say(w, a('a1', at + 31_000), at + 31_000))).toEqual([]);
    expect(await w.readsOf(() => say(w, q('q2', at + 60_000), at + 60_000))).toEqual([]);
    expect((await w.db.clocks.get('pdd|shop-main|b1'))!).toMatchObject({ status: 'pending', startedAt: at + 60_000 });
  });

  it('stores exactly what the intake stored without the cache', async () => {
    const { w, ref } = withReference('same');
    for (const x of [w, ref]) {
      await opened(x);
      for (let i = 0; i < 5; i++) {
        await say(x, q(`q${i}`, at + i * 60_000 + 1_000), at + i * 60_000 + 1_000);
        await say(x, a(`a${i}`, at + i * 60_000 + 20_000 + i * 10_000), at + i * 60_000 + 20_000 + i * 10_000);
      }
    }
    expect(w.cache.size).toBe(1);
    expect(await storedTables(w.db)).toEqual(await storedTables(ref.db));
    expect((await storedEvents(w.db)).length).toBe(10);
  });

  it('never serves a copy another writer changed: the next intake computes from what is stored', async () => {
    const { w, ref } = withReference('other-writer');
    for (const x of [w, ref]) {
      await opened(x);
      await say(x, q('q1', at + 1_000), at + 1_000);
      await say(x, a('a1', at + 21_000), at + 21_000);
      // Another writer (outside the intake): an alert's mark on the clock, and a unit changed behind the intake.
      await x.db.clocks.update('pdd|shop-main|b1', { alertedFor: 12345 });
      const unit = (await x.db.units.toArray())[0]!;
      await x.db.units.put({ ...unit, result: 'fail' });
      await say(x, q('q2', at + 60_000), at + 60_000);
    }
    const got = await storedTables(w.db);
    // The mark is carried into the new clock row, and the unit changed behind the intake's back is recomputed.
    expect(got.clocks[0]).toMatchObject({ status: 'pending', alertedFor: 12345 });
    expect(got.units.filter((u) => u.result === 'fail')).toEqual([]);
    expect(got).toEqual(await storedTables(ref.db));
  });

  it('never serves rollups another writer cleared, nor those it rebuilt alongside an intake', async () => {
    const { w, ref } = withReference('rebuild');
    for (const x of [w, ref]) {
      await opened(x);
      await say(x, q('q1', at + 1_000), at + 1_000);
      // Today's rollups deleted behind the intake (e.g. a team import gone wrong), then rebuilt while it runs.
      await x.db.rollups.clear();
      await x.db.dayStats.clear();
      x.host.clock = at + 21_000;
      await Promise.all([x.s.ingest(a('a1', at + 21_000)), rebuildRollups(x.db, at + 21_000)]);
      await say(x, q('q2', at + 60_000), at + 60_000);
    }
    const got = await storedTables(w.db);
    expect(got.rollups.length).toBeGreaterThan(0);
    expect(got).toEqual(await storedTables(ref.db));
    // And the aggregates agree with a rebuild from the units.
    await rebuildRollups(w.db, at + 60_000);
    expect((await storedTables(w.db)).dayStats).toEqual(got.dayStats);
  });

  it('serves nothing of a table while another read-write transaction over it is open', async () => {
    const { w, ref } = withReference('open-writer');
    for (const x of [w, ref]) {
      await opened(x);
      await say(x, q('q1', at + 1_000), at + 1_000);
      await say(x, a('a1', at + 21_000), at + 21_000);
      // A unit changed behind the intake in a transaction that opens first and is still open when the intake claims
      // its own (the browser runs the writer's put before the intake's reads).
      const unit = (await x.db.units.toArray())[0]!;
      x.host.clock = at + 60_000;
      await Promise.all([x.db.units.put({ ...unit, result: 'fail' }), x.s.ingest(q('q2', at + 60_000))]);
    }
    const got = await storedTables(w.db);
    expect(got.units.filter((u) => u.result === 'fail')).toEqual([]);
    expect(got).toEqual(await storedTables(ref.db));
  });

  it('trusts nothing held after a claimed transaction failed and its repair too, even when reloading the mirrors fails', async () => {
    // The answer's intake fails at its rollup write after its clock's commit (its clock is stored), the mirrors' reload
    // after it fails too (its first read of clocks), and so does the repair's rollup write.
    const fail = { table: 'rollups', armed: false, abort: true, thenFailRead: 'clocks', times: 2 };
    const { w, ref } = withReference('unsettled', { failWrite: fail });
    for (const x of [w, ref]) {
      await opened(x);
      await say(x, q('q1', at + 1_000), at + 1_000);
      Object.assign(fail, { armed: true, times: 2, thenFailRead: 'clocks' });
      await expect(say(x, a('a1', at + 21_000), at + 21_000)).rejects.toThrow('disk full');
      expect((await x.db.clocks.get('pdd|shop-main|b1'))!.status).toBe('answered');
    }
    // The thread cache is not kept either (it holds the thread without the stored answer).
    for (const x of [w, ref])
      expect((x.s as unknown as { recomputer: Recompute }).recomputer.threads.peek('pdd|shop-main|b1')).toBeUndefined();
    // What was held before the failed intake is older than what it stored: the next intake reads it again.
    expect(await w.readsOf(() => say(w, q('q2', at + 60_000), at + 60_000))).toEqual(
      expect.arrayContaining(['clocks', 'units']),
    );
    await say(ref, q('q2', at + 60_000), at + 60_000);
    expect(await storedTables(w.db)).toEqual(await storedTables(ref.db));
  });

  // A request that fails without aborting (`abort` false): the units' transaction is not committed early, so it
  // aborts whole all the same, and the repair restores it.
  for (const abort of [true, false])
    for (const times of [1, 2])
      it(`keeps nothing of a units' transaction that ${abort ? 'aborted' : 'failed'} (${times === 1 ? 'repaired' : 'and its repair'}): the next intake stores what a run without the cache stores`, async () => {
        const fail = { table: 'rollups', armed: false, abort, times };
        const { w, ref } = withReference(`failed-${abort}-${times}`, { failWrite: fail });
        for (const x of [w, ref]) {
          await opened(x);
          await say(x, q('q1', at + 1_000), at + 1_000);
          // The answer's intake fails at its rollup write (after its clock's transaction committed), and so does
          // the repair's when `times` is 2.
          fail.armed = true;
          fail.times = times;
          const said = say(x, a('a1', at + 21_000), at + 21_000);
          if (times === 1) await said;
          else await expect(said).rejects.toThrow();
          // The clock is stored either way.
          expect((await x.db.clocks.get('pdd|shop-main|b1'))!.status).toBe('answered');
        }
        // Repaired: what the worker without the cache stores; not repaired: the next intake repairs it first.
        expect(await storedTables(w.db)).toEqual(await storedTables(ref.db));
        if (times === 1) await expectRollupsMatchUnits(w.db);
        const reads = await w.readsOf(() => say(w, q('q2', at + 60_000), at + 60_000));
        if (times === 2) expect(reads).toContain('units');
        await say(ref, q('q2', at + 60_000), at + 60_000);
        expect(await storedTables(w.db)).toEqual(await storedTables(ref.db));
        expect(await w.db.meta.get('recompute')).toBeUndefined();
        await expectRollupsMatchUnits(w.db);
      });

  /** A buyer's question in `account`'s conversation with `buyer`. */
  const asked = (account: string, buyer: string, id: string, when: number) => ({
    ...pddMsg([ev('pdd', buyer, 'buyer', when, { messageId: id, account })]),
    account,
  });
  const conv = (account: string, buyer: string) => `pdd|${account}|${buyer}`;

  it("drops only the conversation an alert's mark wrote: another one held is still served", async () => {
    const { w, ref } = withReference('mark');
    for (const x of [w, ref]) {
      await opened(x);
      await say(x, asked('shop-main', 'b1', 'x1', at + 1_000), at + 1_000);
      await say(x, asked('shop-main', 'b2', 'y1', at + 2_000), at + 2_000);
      // The alert bookkeeping's write (`afterChange`): an update of one clock.
      await x.db.clocks.update(conv('shop-main', 'b1'), { alertedFor: 12345 });
    }
    // b2 is served whole (no read of a cached table); b1's clock and units are read again.
    expect(await w.readsOf(() => say(w, asked('shop-main', 'b2', 'y2', at + 5_000), at + 5_000))).toEqual([]);
    const again = await w.readsOf(() => say(w, asked('shop-main', 'b1', 'x2', at + 6_000), at + 6_000));
    expect(again).toEqual(expect.arrayContaining(['clocks', 'units']));
    expect(again).not.toContain('coverage');
    await say(ref, asked('shop-main', 'b2', 'y2', at + 5_000), at + 5_000);
    await say(ref, asked('shop-main', 'b1', 'x2', at + 6_000), at + 6_000);
    expect((await w.db.clocks.get(conv('shop-main', 'b1')))!).toMatchObject({ status: 'pending', alertedFor: 12345 });
    expect(await storedTables(w.db)).toEqual(await storedTables(ref.db));
  });

  it("drops only the coverage of the account a heartbeat wrote: another account's is still served", async () => {
    const w = worker('heartbeat');
    await opened(w);
    await w.s.health({ ...watching, account: 'shop-b' }, 8);
    await say(w, asked('shop-main', 'b1', 'a1', at + 1_000), at + 1_000);
    await say(w, asked('shop-b', 'b1', 'b1', at + 2_000), at + 2_000);
    // shop-main's tab reports again: its open coverage span is extended (an update of one row).
    w.host.clock = at + 30_000;
    await w.s.health(watching, 7);
    expect(await w.readsOf(() => say(w, asked('shop-b', 'b1', 'b2', at + 31_000), at + 31_000))).toEqual([]);
    expect(await w.readsOf(() => say(w, asked('shop-main', 'b1', 'a2', at + 32_000), at + 32_000))).toEqual([
      'coverage',
    ]);
  });

  it('drops the conversation a unit put by id was taken from, not only the one it names', async () => {
    const { w, ref } = withReference('moved-unit');
    for (const x of [w, ref]) {
      await opened(x);
      await say(x, asked('shop-main', 'b1', 'x1', at + 1_000), at + 1_000);
      await say(x, asked('shop-main', 'b2', 'y1', at + 2_000), at + 2_000);
      // A row of b1's rewritten under b2 (same id): b1's held units no longer hold.
      const unit = (await x.db.units.where('conv').equals(conv('shop-main', 'b1')).toArray())[0]!;
      await x.db.units.put({ ...unit, conv: conv('shop-main', 'b2') });
      await say(x, asked('shop-main', 'b1', 'x2', at + 60_000), at + 60_000);
    }
    expect(await storedTables(w.db)).toEqual(await storedTables(ref.db));
  });

  it('drops a whole table another writer deleted a range of (`clear`)', async () => {
    const { w, ref } = withReference('range');
    for (const x of [w, ref]) {
      await opened(x);
      await say(x, q('q1', at + 1_000), at + 1_000);
      await say(x, a('a1', at + 21_000), at + 21_000);
      await x.db.units.clear();
    }
    expect(await w.readsOf(() => say(w, q('q2', at + 60_000), at + 60_000))).toContain('units');
    await say(ref, q('q2', at + 60_000), at + 60_000);
    const got = await storedTables(w.db);
    expect(got.units.length).toBeGreaterThan(0);
    expect(got).toEqual(await storedTables(ref.db));
  });

  it('drops nothing, and moves no epoch, for a write of a meta row it does not hold', async () => {
    const w = worker('other-meta');
    await opened(w);
    await say(w, q('q1', at + 1_000), at + 1_000);
    await w.db.meta.put({ key: 'somethingElse', value: 1 });
    expect(await w.readsOf(() => say(w, a('a1', at + 21_000), at + 21_000))).toEqual([]);
    // Nor when that writer ends while an intake runs: what the intake read and wrote is kept.
    w.host.clock = at + 40_000;
    await Promise.all([w.db.meta.put({ key: 'somethingElse', value: 2 }), w.s.ingest(q('q1b', at + 40_000))]);
    expect(await w.readsOf(() => say(w, a('a1b', at + 50_000), at + 50_000))).toEqual([]);
    await w.db.meta.put({ key: 'prunedBefore', value: '2026-01-01' });
    expect(await w.readsOf(() => say(w, q('q2', at + 60_000), at + 60_000))).toEqual(['meta']);
  });

  it('serves nothing when its middleware is not in the connection (added after the database opened)', async () => {
    const db = new SentinelDB(`read-cache-late-${Date.now()}`);
    dbs.push(db);
    await db.open();
    const host = new FakeHost();
    const s = new Sentinel(db, host);
    const cache = (s as unknown as { recomputer: Recompute }).recomputer.cache;
    host.clock = at;
    await s.health(watching, 7);
    await s.ingest(q('q1', at + 1_000));
    await s.ingest(a('a1', at + 21_000));
    expect(cache.size).toBe(0);
    expect((await db.clocks.get('pdd|shop-main|b1'))!.status).toBe('answered');
  });
});
