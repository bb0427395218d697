/**
 * Dev tool: an A/B, in one process, of team sync's local work before and after a change of `lib/sync` (issue 22's
 * digest size cap): the builds take turns, round after round.
 *
 * 1. A fresh worker's full push of an agent (`perDay` units today and on each of 5 older days: their units,
 *    rollups, summaries and digests) to an in-memory server (no network: the pusher's own work — derive, compare,
 *    cut into requests; fake-indexeddb's reads dominate, as IndexedDB's do in the worker).
 * 2. The owner view's figures (`shopView`) over 30 days of two agents sharing one account (`perDay` waits a day
 *    each, half of them seen by both; digests under the size limit): the first compute, and the recompute it does at
 *    every feed change (the merges remembered).
 *
 *   git archive <base> lib | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   BEFORE=/tmp/before npx jiti scripts/bench/digest-ab.ts [rounds] [perDay]
 */
import 'fake-indexeddb/auto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import type { RollupRow, UnitRow } from '../../lib/model';
import { summarize } from './stats';

const [rounds = 4, perDay = 1000] = process.argv.slice(2).map(Number);
const before = process.env.BEFORE;
if (!before) throw new Error('BEFORE=<a checkout of lib at the base> is needed');

type Lib = {
  pusher: typeof import('../../lib/sync/pusher');
  shop: typeof import('../../lib/sync/shop');
  digest: typeof import('../../lib/sync/digest');
  docs: typeof import('../../lib/sync/docs');
  schema: typeof import('../../lib/db/schema');
  rollup: typeof import('../../lib/engine/rollup');
};
async function load(root: string): Promise<Lib> {
  const at = (p: string) => import(pathToFileURL(path.join(root, p)).href);
  return {
    pusher: await at('lib/sync/pusher.ts'),
    shop: await at('lib/sync/shop.ts'),
    digest: await at('lib/sync/digest.ts'),
    docs: await at('lib/sync/docs.ts'),
    schema: await at('lib/db/schema.ts'),
    rollup: await at('lib/engine/rollup.ts'),
  };
}
const builds: [string, Lib][] = [
  ['before', await load(before)],
  ['after', await load(path.resolve(import.meta.dirname, '../..'))],
];

const NOW = chinaTime('2026-11-20', 15);
const DAY_MS = 86_400_000;
const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

function units(day: string, n: number, from = 0): UnitRow[] {
  return Array.from({ length: n }, (_, i) => {
    const buyer = `b${from + i}`;
    const startAt = chinaTime(day, 8) + (from + i) * 5_000;
    return {
      id: `pdd.manual3min|pdd|演示旗舰店|${buyer}|${startAt}`,
      metric: 'pdd.manual3min',
      platform: 'pdd',
      account: '演示旗舰店',
      buyer,
      conv: `pdd|演示旗舰店|${buyer}`,
      buyerNick: 'b***1',
      day,
      startAt,
      dueAt: startAt + 180_000,
      replyAt: i % 7 ? startAt + 40_000 : null,
      responseSec: i % 7 ? 40 : null,
      cappedSec: i % 7 ? 40 : 180,
      result: i % 7 ? 'pass' : 'fail',
      rulesVersion: 'r1',
    };
  });
}

/** An in-memory server: what the pusher asks and writes (no latency). */
function memoryRemote() {
  const docs = new Map<string, { rev: number; doc: object }>();
  return {
    info: async () => ({ update_seq: 0 }),
    allDocs: async (o: { startkey?: string; endkey?: string; keys?: string[] }) => ({
      rows: (o.keys ?? [...docs.keys()].filter((k) => k >= o.startkey! && k <= o.endkey!)).flatMap((id) => {
        const d = docs.get(id);
        return d ? [{ id, key: id, value: { rev: `${d.rev}-x` }, doc: { ...d.doc, _id: id, _rev: `${d.rev}-x` } }] : [];
      }),
    }),
    bulkDocs: async (list: object[]) =>
      list.map((raw) => {
        const d = raw as { _id: string; _rev?: string; _deleted?: boolean };
        const rev = (docs.get(d._id)?.rev ?? 0) + 1;
        if (d._deleted) docs.delete(d._id);
        else docs.set(d._id, { rev, doc: d });
        return { ok: true as const, id: d._id, rev: `${rev}-x` };
      }),
    changes: () => {
      throw new Error('not used');
    },
  };
}

let dbN = 0;
async function pushOnce(lib: Lib): Promise<number> {
  const db = new lib.schema.SentinelDB(`digest-ab-${++dbN}`);
  await db.meta.put({ key: 'agentId', value: A });
  const rows = [0, 2, 3, 4, 5, 6].flatMap((back) => units(chinaDay(NOW - back * DAY_MS), perDay));
  await db.units.bulkPut(rows);
  const rollups = new Map<string, RollupRow>();
  lib.rollup.tallyUnits(rollups, rows, 1, NOW);
  await db.rollups.bulkPut([...rollups.values()]);
  const remote = memoryRemote();
  const sync = new lib.pusher.TeamSync(db, {
    now: () => NOW,
    remote: () => remote,
    hasPermission: async () => true,
    setTimer: () => () => {},
    setRetryAlarm: async () => {},
  });
  await sync.set({ enabled: true, url: 'http://127.0.0.1:5984/shop', user: 'a', password: 'p', label: 'A' });
  const t = performance.now();
  await sync.push();
  const ms = performance.now() - t;
  const status = await sync.status();
  if (status.error || status.pending) throw new Error(`push failed: ${JSON.stringify(status.error)}`);
  db.close();
  await db.delete();
  return ms;
}

/** 30 days (28 older) of two agents sharing one account: summaries and digests, as the owner view holds them. */
function ownerDocs(lib: Lib) {
  const out: object[] = [];
  for (let back = 2; back < 30; back++) {
    const day = chinaDay(NOW - back * DAY_MS);
    for (const [agent, from] of [
      [A, 0],
      [B, perDay / 2],
    ] as const) {
      const list = units(day, perDay, from);
      const rollups = new Map<string, RollupRow>();
      lib.rollup.tallyUnits(rollups, list, 1, NOW);
      out.push(lib.docs.summaryDoc(agent, day, [...rollups.values()]), ...lib.digest.digestDocs(agent, day, list));
    }
  }
  return out.map((d) => lib.docs.asSyncDoc(d)!);
}

const push: Record<string, number[]> = { before: [], after: [] };
const view: Record<string, number[]> = { before: [], after: [] };
const firstView: Record<string, number[]> = { before: [], after: [] };
const viewDays = Array.from({ length: 30 }, (_, i) => chinaDay(NOW - (29 - i) * DAY_MS));
const totals: Record<string, string> = {};
for (let r = 0; r < rounds; r++)
  for (const [name, lib] of r % 2 ? [...builds].reverse() : builds) {
    push[name]!.push(await pushOnce(lib));
    const docs = ownerDocs(lib);
    let t = performance.now();
    const v = lib.shop.shopView(docs, viewDays, viewDays.slice(-2), NOW);
    firstView[name]!.push(performance.now() - t);
    for (let i = 0; i < 10; i++) {
      t = performance.now();
      lib.shop.shopView(docs, viewDays, viewDays.slice(-2), NOW);
      view[name]!.push(performance.now() - t);
    }
    totals[name] = JSON.stringify(v.metrics.map((m) => m.counts));
    console.log(`round ${r + 1} ${name}: push ${push[name]!.at(-1)!.toFixed(0)} ms`);
  }
if (totals.before !== totals.after) throw new Error(`figures differ: ${totals.before} / ${totals.after}`);
const fmt = (v: number[]) => {
  const s = summarize(v);
  return `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, n ${s.n}`;
};
for (const name of ['before', 'after']) {
  console.log(`${name}: full push ${fmt(push[name]!)}`);
  console.log(`${name}: owner view, first compute ${fmt(firstView[name]!)}; recompute ${fmt(view[name]!)}`);
}
console.log(`figures (the same in both): ${totals.after}`);
