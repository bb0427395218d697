/**
 * CouchDB's HTTP API with plain `fetch`, no PouchDB: the one origin check every team-sync request passes
 * (`originFetch`, PouchDB's requests included, `remote.ts`), and the owner view's reads (`httpDb`: `info`,
 * `_all_docs` key ranges, and documents by id — the older days' digests — with a POST), so its first screen does
 * not wait for the PouchDB chunk (loaded after, for the changes feed). Small and
 * PouchDB-free: the analytics page's team view imports it statically.
 */
import type { RemoteDb } from './remote';
import { syncOrigin } from './url';

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * `fetch` that reaches the database's origin only (anything else is refused before a request is made), sends no
 * cookies and follows no redirect (a server answering with one would send the credentials' requests elsewhere).
 */
export function originFetch(dbUrl: string, base: Fetch = (input, init) => fetch(input, init)): Fetch {
  const { origin } = syncOrigin(dbUrl);
  return (input, init) => {
    const to = new URL(input instanceof Request ? input.url : String(input));
    if (to.origin !== origin) return Promise.reject(new Error(`team sync reaches ${origin} only`));
    return base(input, { ...init, credentials: 'omit', redirect: 'error' });
  };
}

/** HTTP basic authentication as PouchDB sends it (UTF-8 user and password). */
export function basicAuth(user: string, password: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(`${user}:${password}`)) bin += String.fromCharCode(b);
  return `Basic ${btoa(bin)}`;
}

/** What the owner view reads without PouchDB. */
export type ReadDb = Pick<RemoteDb, 'info' | 'allDocs'>;

/**
 * The database's `info` and `_all_docs` reads — key ranges (GET, keys JSON-encoded as PouchDB encodes them), or
 * documents by id (POST `{ keys }`) — through
 * `originFetch`. A refusal fails with CouchDB's error (`status`, `name`, `message`: `syncErrorOf` tells a wrong
 * password from a server error), a network failure with fetch's.
 */
export function httpDb(cfg: { url: string; user: string; password: string }, base?: Fetch): ReadDb {
  const send = originFetch(cfg.url, base);
  const db = cfg.url.replace(/\/+$/, '');
  const headers = { Accept: 'application/json', Authorization: basicAuth(cfg.user, cfg.password) };
  const get = async <T>(path: string, post?: object): Promise<T> => {
    const res = await send(
      `${db}${path}`,
      post === undefined
        ? { headers }
        : { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(post) },
    );
    const body = (await res.json().catch(() => ({}))) as { error?: unknown; reason?: unknown };
    if (!res.ok || typeof body.error === 'string')
      throw {
        status: res.status,
        name: String(body.error ?? res.status),
        message: String(body.reason ?? body.error ?? res.statusText),
      };
    return body as T;
  };
  return {
    info: () => get('/'),
    allDocs: (opts) => {
      const q: string[] = [];
      if (opts.include_docs) q.push('include_docs=true');
      if (opts.update_seq) q.push('update_seq=true');
      // Documents by id (the digests the view needs): POST, as the ids can be more than a URL holds.
      if (opts.keys) return get(`/_all_docs${q.length ? `?${q.join('&')}` : ''}`, { keys: opts.keys });
      if (opts.startkey !== undefined) q.push(`startkey=${encodeURIComponent(JSON.stringify(opts.startkey))}`);
      if (opts.endkey !== undefined) q.push(`endkey=${encodeURIComponent(JSON.stringify(opts.endkey))}`);
      return get(`/_all_docs${q.length ? `?${q.join('&')}` : ''}`);
    },
  };
}
