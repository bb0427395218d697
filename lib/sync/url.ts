/** The shop database's URL: checked, and its origin (no valibot here: the options page imports this). */

/** CouchDB's rule for database names. */
const DB_NAME = /^[a-z][a-z0-9_$()+/-]*$/;

/** The database's URL, or why it is not one: http(s), no user or password in it, no query, a database name. */
export function checkDbUrl(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'must be a URL such as https://couch.example.com:6984/shop';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'must start with https:// (or http://)';
  if (u.username || u.password) return 'must not contain a user or password (use the fields below)';
  if (u.search || u.hash) return 'must not contain ? or #';
  const name = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''));
  if (!name || !DB_NAME.test(name)) return 'must end with the database name (lowercase letters, digits, _$()+-/)';
  return undefined;
}

/** The origin of the database (the only one team sync may reach) and its host permission pattern. */
export function syncOrigin(url: string): { origin: string; pattern: string } {
  const u = new URL(url);
  return { origin: u.origin, pattern: `${u.protocol}//${u.hostname}/*` };
}
