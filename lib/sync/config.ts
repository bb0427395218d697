/**
 * Team sync's setting (opt-in, off by default): the shop's CouchDB database, this agent's user and password, and the
 * name the owner sees. Stored locally (`meta.teamSync`), validated by one schema when written (the `syncSet`
 * message) and when read: a malformed stored value means sync is off, never a worker that cannot start.
 */
import * as v from 'valibot';
import { check } from '../valid';
import { checkDbUrl } from './url';

export { checkDbUrl, syncOrigin, SYNC_META_KEY } from './url';

/**
 * The manifest's `optional_host_permissions`: any http(s) server may be the shop's database, but none is reachable
 * until the user grants its origin from the options page (`chrome.permissions.request`).
 */
export const SYNC_OPTIONAL_HOSTS = ['https://*/*', 'http://*/*'] as const;

export const SyncConfigSchema = v.object({
  enabled: v.boolean('must be true or false'),
  url: v.pipe(
    v.string('must be a URL'),
    v.maxLength(500, 'must be a URL of at most 500 characters'),
    v.check((s) => checkDbUrl(s) === undefined, 'must be the database URL: https://host:port/database'),
    v.transform((s) => s.replace(/\/+$/, '')),
  ),
  user: v.pipe(v.string('must be a user name'), v.minLength(1, 'must be a user name'), v.maxLength(200)),
  password: v.pipe(v.string('must be a password'), v.maxLength(500)),
  /** The name the owner sees for this agent. */
  label: v.pipe(v.string('must be text'), v.maxLength(100, 'must be at most 100 characters')),
  /**
   * View only (an owner who is not an agent): the analytics page's owner view reads the database; this browser
   * pushes nothing. Absent: false (settings stored before it existed).
   */
  viewOnly: v.optional(v.boolean('must be true or false')),
});
export type SyncConfig = v.InferOutput<typeof SyncConfigSchema>;

/** Does this setting push this browser's data (on, and not view only)? */
export const pushes = (cfg: SyncConfig | undefined): boolean => !!cfg?.enabled && !cfg.viewOnly;

/** A stored value read through the schema: the config, or undefined (absent or malformed: sync off). */
export function storedSyncConfig(raw: unknown): SyncConfig | undefined {
  if (raw === undefined) return undefined;
  const r = check(SyncConfigSchema, raw);
  return r.ok ? r.value : undefined;
}
