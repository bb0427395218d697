/**
 * What the UI's database connection reports about another context's upgrade, for every page to show (no Dexie
 * here: the popup renders its notice before it loads Dexie). `blocked`: an update waits for other Reply Sentinel
 * pages/tabs to close; `outdated`: the database was updated by a newer page or the background, so this page must
 * be reloaded (its connection closed for good).
 */
export type DbNotice = 'blocked' | 'outdated' | null;

let current: DbNotice = null;
const listeners = new Set<() => void>();

export function dbNotice(): DbNotice {
  return current;
}

export function setDbNotice(next: DbNotice): void {
  if (next === current) return;
  current = next;
  for (const l of listeners) l();
}

/** Subscribes to changes (for React's useSyncExternalStore); returns the unsubscribe function. */
export function onDbNotice(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
