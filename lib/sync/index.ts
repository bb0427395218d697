/**
 * Team sync (opt-in): this agent's derived data pushed to the shop's CouchDB database (`pusher.ts`), the documents
 * and their merge rules (`docs.ts`), the owner's shop view (`shop.ts`). The background's whole wiring is
 * `startTeamSync` plus the retry alarm and the three messages (`syncStatus`, `syncSet`, `syncConnect`).
 */
import Dexie from 'dexie';
import type { SentinelDB } from '../db/schema';
import { pushes } from './config';
import { TeamSync, type SyncHost } from './pusher';

export { TeamSync, type SyncHost, type SyncStatus } from './pusher';
export const SYNC_ALARM = 'team-sync-retry';

/** The tables whose changes are pushed. */
const SYNCED = ['units', 'rollups', 'clocks'];

/**
 * Team sync for the background: pushes after every change of the synced tables (Dexie's `storagemutated`, so the
 * background's writers need not know about sync), and once at start. Nothing happens while sync is off.
 */
export function startTeamSync(db: SentinelDB, host: SyncHost): TeamSync {
  const sync = new TeamSync(db, host);
  const prefixes = SYNCED.map((t) => `idb://${db.name}/${t}/`);
  Dexie.on('storagemutated', (parts) => {
    if (Object.keys(parts).some((k) => prefixes.some((p) => k.startsWith(p)))) sync.changed();
  });
  void sync
    .config()
    .then((cfg) => pushes(cfg) && sync.changed(0))
    .catch(() => undefined);
  return sync;
}
