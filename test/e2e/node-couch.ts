/**
 * The node e2e tests' CouchDB-compatible server (team-digest*.e2e.ts): the sync bench's pouchdb-server with its
 * agents' and the owner's users, and the sync client (PouchDB's http adapter on node's fetch) loaded for node.
 */
import type { SentinelDB } from '../../lib/db/schema';
import type { RemoteDb } from '../../lib/sync/remote';
import { startCouch, type Couch } from '../../scripts/bench/sync';

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
