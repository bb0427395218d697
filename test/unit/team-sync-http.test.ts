/** The owner view's plain-fetch reads (lib/sync/http.ts): one origin, no cookies or redirects, CouchDB's errors. */
import { describe, expect, it, vi } from 'vitest';
import { basicAuth, httpDb, originFetch } from '../../lib/sync/http';
import { syncErrorOf } from '../../lib/sync/errors';

const CFG = { url: 'https://couch.example.com:6984/sentinel', user: '店长', password: 'p:w' };

describe('originFetch', () => {
  it('reaches the database origin only, without cookies, following no redirect', async () => {
    const base = vi.fn(async () => new Response('{}'));
    const send = originFetch(CFG.url, base);
    await send('https://couch.example.com:6984/sentinel/_all_docs', { headers: { A: 'b' } });
    expect(base).toHaveBeenCalledWith('https://couch.example.com:6984/sentinel/_all_docs', {
      headers: { A: 'b' },
      credentials: 'omit',
      redirect: 'error',
    });
    // Another port, scheme or host: refused before any request.
    for (const other of [
      'https://couch.example.com/sentinel',
      'http://couch.example.com:6984/sentinel',
      'https://evil.example.com:6984/sentinel',
    ])
      await expect(send(other)).rejects.toThrow(/reaches https:\/\/couch\.example\.com:6984 only/);
    expect(base).toHaveBeenCalledTimes(1);
  });
});

describe('httpDb', () => {
  it('reads info and key ranges as PouchDB asks for them, with basic authentication (UTF-8)', async () => {
    const base = vi.fn(async (_input: string | URL | Request, _init?: RequestInit) =>
      Response.json({ rows: [{ id: 's|x', key: 's|x', value: { rev: '1-a' }, doc: { _id: 's|x' } }] }),
    );
    const db = httpDb(CFG, base);
    const res = await db.allDocs({
      startkey: 'u|2026-12-04|a b|',
      endkey: 'u|2026-12-04|a b|\uffff',
      include_docs: true,
    });
    expect(res.rows.map((r) => r.id)).toEqual(['s|x']);
    const [input, init] = base.mock.calls[0]!;
    expect(input).toBe(
      'https://couch.example.com:6984/sentinel/_all_docs?include_docs=true' +
        `&startkey=${encodeURIComponent('"u|2026-12-04|a b|"')}&endkey=${encodeURIComponent('"u|2026-12-04|a b|\uffff"')}`,
    );
    expect(String(input)).not.toContain('+'); // a space is %20, never '+'
    expect(new Headers(init!.headers).get('Authorization')).toBe(basicAuth(CFG.user, CFG.password));
    expect(atob(basicAuth(CFG.user, CFG.password).slice(6))).toBe(
      String.fromCharCode(...new TextEncoder().encode('店长:p:w')),
    );
    base.mockResolvedValueOnce(Response.json({ db_name: 'sentinel', update_seq: '12-abc' }));
    expect(await db.info()).toMatchObject({ update_seq: '12-abc' });
    expect(base.mock.calls[1]![0]).toBe('https://couch.example.com:6984/sentinel/');
    // Documents by id (the owner view's digests): POST { keys }, CouchDB's "not found" rows passed on as they are.
    base.mockResolvedValueOnce(
      Response.json({
        rows: [
          { key: 'w|a', error: 'not_found' },
          { id: 'w|b', key: 'w|b', doc: { _id: 'w|b' } },
        ],
      }),
    );
    const byId = await db.allDocs({ keys: ['w|a', 'w|b'], include_docs: true });
    expect(byId.rows.filter((r) => r.doc).map((r) => r.id)).toEqual(['w|b']);
    const [keysInput, keysInit] = base.mock.calls[2]!;
    expect(keysInput).toBe('https://couch.example.com:6984/sentinel/_all_docs?include_docs=true');
    expect(keysInit).toMatchObject({ method: 'POST', body: JSON.stringify({ keys: ['w|a', 'w|b'] }) });
    expect(new Headers(keysInit!.headers).get('Authorization')).toBe(basicAuth(CFG.user, CFG.password));
  });

  it("fails with CouchDB's refusal in words syncErrorOf tells apart; a network failure is one", async () => {
    const answer = (status: number, body: object) => httpDb(CFG, async () => Response.json(body, { status }));
    const err = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => syncErrorOf(e),
      );
    expect(await err(answer(401, { error: 'unauthorized', reason: 'Name or password is incorrect.' }).info())).toEqual({
      code: 'auth',
      detail: 'Name or password is incorrect.',
    });
    expect((await err(answer(404, { error: 'not_found', reason: 'Database does not exist.' }).allDocs({})))?.code).toBe(
      'notFound',
    );
    expect((await err(answer(500, { error: 'unknown_error' }).info()))?.code).toBe('server');
    const down = httpDb(CFG, async () => {
      throw new TypeError('Failed to fetch');
    });
    expect((await err(down.info()))?.code).toBe('network');
    // A proxy's HTML error page: still the status.
    const proxy = httpDb(CFG, async () => new Response('<html>Bad gateway</html>', { status: 502 }));
    expect((await err(proxy.info()))?.code).toBe('server');
  });
});
