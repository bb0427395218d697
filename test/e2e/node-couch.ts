/**
 * The node e2e tests' CouchDB-compatible server (team-digest*.e2e.ts): the sync bench's pouchdb-server with its
 * agents' and the owner's users, and the sync client (PouchDB's http adapter on node's fetch) loaded for node.
 */
import type { SentinelDB } from '../../lib/db/schema';
import { agentsRange, daysRollupsRange, daysSummariesRange } from '../../lib/sync/docs';
import { httpDb, type Fetch, type ReadDb } from '../../lib/sync/http';
import { TeamSync } from '../../lib/sync/pusher';
import type { RemoteDb } from '../../lib/sync/remote';
import { ShopDocs, readUnits, shopRangeDays } from '../../lib/sync/shop';
import { DB, OWNER, PASSWORD_PREFIX, startCouch, type Couch } from '../../scripts/bench/sync';

export type OpenRemote = (cfg: { url: string; user: string; password: string }) => RemoteDb;

/** Starts the server (`agents` agent users) and loads the sync client. */
export async function startNodeCouch(agents = 2): Promise<{ couch: Couch; openRemote: OpenRemote }> {
  // pouchdb-browser reads `self` (a browser global) when loaded; in node its http adapter runs on node's fetch.
  (globalThis as { self?: unknown }).self ??= globalThis;
  const { openRemote } = await import('../../lib/sync/remote');
  return { couch: await startCouch(agents), openRemote };
}

/** Closes the tests' local databases and stops the server. */
export async function stopNodeCouch(couch: Couch | undefined, dbs: readonly SentinelDB[]): Promise<void> {
  for (const db of dbs) db.close();
  await couch?.stop();
}

/**
 * Agent `n`'s pusher on `db` against the server, at the fixed time `now` and pushing only when the test says so
 * (`opts`: limits injected, as `TeamSync` takes them), and its setting (the server's agent user `n`).
 */
export function nodeAgent(
  couch: Couch,
  openRemote: OpenRemote,
  db: SentinelDB,
  n: 1 | 2,
  now: number,
  opts?: ConstructorParameters<typeof TeamSync>[2],
) {
  const host = {
    now: () => now,
    remote: (c: { url: string; user: string; password: string }) => openRemote(c),
    hasPermission: async () => true,
    setTimer: () => () => {}, // pushes here are the test's own
    setRetryAlarm: async () => {},
  };
  const sync = new TeamSync(db, host, opts);
  const cfg = {
    enabled: true,
    url: `${couch.url}/${DB}`,
    user: `agent${n}`,
    password: `${PASSWORD_PREFIX}${n}`,
    label: n === 1 ? '客服甲' : '客服乙',
  };
  return { sync, cfg };
}

/** The shop's database as the owner reads it (plain fetch; through `base` when given, to watch the requests). */
export const ownerDb = (couch: Couch, base?: Fetch) => httpDb({ url: `${couch.url}/${DB}`, ...OWNER }, base);

/**
 * The owner view's 7-day period as `ShopLive` reads it, up to its older days' digests: the day summaries, the older
 * days' rollups, the agents, then the units today and yesterday need.
 */
export async function ownerRead7d(reader: ReadDb, now: number) {
  const { days, unitDays } = shopRangeDays('7d', now);
  const older = days.filter((d) => !unitDays.includes(d));
  const docs = new ShopDocs(true);
  for (const range of [daysSummariesRange(days[0]!, days.at(-1)!), daysRollupsRange(older[0]!, older.at(-1)!)])
    for (const row of (await reader.allDocs({ ...range, include_docs: true })).rows) docs.apply(row.id, row.doc);
  for (const row of (await reader.allDocs({ ...agentsRange, include_docs: true })).rows) docs.apply(row.id, row.doc);
  await readUnits(reader, docs, unitDays);
  return { docs, days, unitDays, older };
}
