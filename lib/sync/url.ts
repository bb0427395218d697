/** The shop database's URL: checked, and its origin (no valibot here: the options page imports this). */

/** CouchDB's rule for database names. */
const DB_NAME = /^[a-z][a-z0-9_$()+/-]*$/;

/** Why a text is not a database URL (the options page says it in words: `syncUrl_<problem>` in the catalogs). */
export type UrlProblem = 'notUrl' | 'scheme' | 'credentials' | 'query' | 'dbName';

/**
 * The database's URL, or why it is not one: http(s), no user or password in it, no query, a database name. Never
 * throws (the options page checks every keystroke: a stray "%" is just not a URL).
 */
export function checkDbUrl(raw: string): UrlProblem | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'notUrl';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'scheme';
  if (u.username || u.password) return 'credentials';
  if (u.search || u.hash) return 'query';
  let name: string;
  try {
    name = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''));
  } catch {
    return 'dbName';
  }
  if (!name || !DB_NAME.test(name)) return 'dbName';
  return undefined;
}

/** The origin of the database (the only one team sync may reach) and its host permission pattern. */
export function syncOrigin(url: string): { origin: string; pattern: string } {
  const u = new URL(url);
  return { origin: u.origin, pattern: `${u.protocol}//${u.hostname}/*` };
}

/** The stored setting's key in `meta` (here, not in config.ts: pages that only read it need no valibot). */
export const SYNC_META_KEY = 'teamSync';

/**
 * The background's `syncConnect` refusal when team sync is off (neither on nor view only). Any other refusal (no
 * answer from the background: a worker stopping mid-reply) is not "off": the owner view tries again.
 */
export const SYNC_OFF_ERROR = 'team sync is off';
