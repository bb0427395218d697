/**
 * Team sync (opt-in): this agent's derived data pushed to the shop's CouchDB database (`pusher.ts`), the documents
 * and their merge rules (`docs.ts`), the owner's shop view (`shop.ts`). The background's whole wiring is
 * `startTeamSync` plus the retry alarm and the three messages (`syncStatus`, `syncSet`, `syncConnect`).
 */
import Dexie, { type IntervalTree, type ObservabilitySet } from 'dexie';
import type { SentinelDB } from '../db/schema';
import { pushes } from './config';
import { TeamSync, type SyncHost, type Touched } from './pusher';

export { TeamSync, type SyncHost, type SyncStatus, type Touched } from './pusher';
export const SYNC_ALARM = 'team-sync-retry';

/** The tables whose changes are pushed. */
const SYNCED = ['units', 'rollups', 'clocks'] as const;

/**
 * The primary keys a change of the synced tables touched, from Dexie's `storagemutated` parts (`idb://<db>/<table>/`
 * is a table's primary-key range set): undefined when none of them changed, 'all' when a change is a key range
 * (a range delete, a clear, a bulk write of 50 rows or more: Dexie does not list those keys).
 */
export function touchedOf(parts: ObservabilitySet, dbName: string): Touched | 'all' | undefined {
  const out: Touched = { units: [], rollups: [], clocks: [] };
  let any = false;
  for (const table of SYNCED) {
    const prefix = `idb://${dbName}/${table}/`;
    if (!Object.keys(parts).some((k) => k.startsWith(prefix))) continue;
    any = true;
    const keys = out[table] as string[];
    const stack: (IntervalTree | null | undefined)[] = [parts[prefix]];
    while (stack.length) {
      const node = stack.pop();
      if (!node || !('from' in node)) continue;
      if (node.from !== node.to || typeof node.from !== 'string') return 'all';
      keys.push(node.from);
      stack.push(node.l, node.r);
    }
    if (!parts[prefix]) return 'all';
  }
  return any ? out : undefined;
}

/**
 * Team sync for the background: pushes after every change of the synced tables (Dexie's `storagemutated`, so the
 * background's writers need not know about sync), telling the pusher which rows changed (`touchedOf`), and once at
 * start. Nothing happens while sync is off.
 */
export function startTeamSync(db: SentinelDB, host: SyncHost): TeamSync {
  const sync = new TeamSync(db, host, { tracked: true });
  Dexie.on('storagemutated', (parts) => {
    const touched = touchedOf(parts, db.name);
    if (touched) sync.changed(undefined, touched);
  });
  void sync
    .config()
    .then((cfg) => pushes(cfg) && sync.changed(0))
    .catch(() => undefined);
  return sync;
}
