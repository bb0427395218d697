// @vitest-environment jsdom
/**
 * The owner view's connection (components/analytics/ShopLive.tsx) against fake servers: what one connection's
 * changes feed held while its units were read never reaches the snapshot of the connection that replaced it.
 */
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chinaDay } from '../../lib/engine/time';
import { catalogTranslate } from '../../lib/i18n';
import type { ClockRow, RollupRow, UnitRow } from '../../lib/model';
import { digestDocs } from '../../lib/sync/digest';
import { agentDoc, clockDoc, queueDoc, summaryDoc, unitDoc, type SyncDoc } from '../../lib/sync/docs';
import type { ChangesFeed, RemoteDb } from '../../lib/sync/remote';
import { sameSnapshot, startShopFirst, takeShopStart, type SyncConnect } from '../../lib/sync/shop-first';
import { clockAt, rollupOn, unitOn } from './helpers/team';

const CONN = { url: 'http://couch.test:5984/shop', user: 'owner', password: 'pw' };

/**
 * The background's side: whether its setting is on (`syncConnect` answers with `CONN`, or "off"), and the stored
 * setting the view watches (by default the one it connected with, so the setting alone never reconnects; `store`
 * changes it and tells the view's live queries, as Dexie's would).
 */
const bg = vi.hoisted(() => ({ on: true, stored: undefined as unknown, queries: new Set<() => void>() }));
vi.mock('@/lib/ui/ask', () => ({
  ask: vi.fn(async (msg: { type: string }) =>
    msg.type === 'syncConnect' && bg.on ? { ok: true, ...CONN } : { ok: false, error: 'team sync is off' },
  ),
}));
vi.mock('@/lib/ui/query-module', () => ({
  liveQuery: (fn: () => unknown) => ({
    subscribe({ next }: { next: (v: unknown) => void }) {
      const run = () => void Promise.resolve(fn()).then(next);
      bg.queries.add(run);
      run();
      return { unsubscribe: () => bg.queries.delete(run) };
    },
  }),
  uiDb: { meta: { get: async () => ({ key: 'teamSync', value: bg.stored ?? { enabled: true, ...CONN } }) } },
}));
/** The background stores a new setting: the view's live queries run again. */
function store(value: unknown) {
  bg.stored = value;
  for (const run of bg.queries) run();
}
const servers = vi.hoisted(() => [] as unknown[]);
/** What happened, in order: the requests made with fetch, and the PouchDB module's load ('pouchdb'). */
const events = vi.hoisted(() => [] as string[]);
vi.mock('@/lib/sync/remote', () => {
  events.push('pouchdb');
  return {
    openRemote: vi.fn(() => {
      const next = servers.shift();
      if (!next) throw new Error('no server left for this connection');
      return next;
    }),
  };
});

const { ShopLiveSection, SHOP_WAITING_SHOWN } = await import('../../components/analytics/ShopLive');
const { ask } = await import('@/lib/ui/ask');

/**
 * A fake CouchDB database: key-range reads (over HTTP, `serve`), an optional gate on unit reads, and its changes
 * feed (PouchDB's API as `RemoteDb`): `put` adds a change; a feed delivers the changes after its `since`, then live.
 */
class FakeServer implements RemoteDb {
  readonly docs = new Map<string, SyncDoc>();
  readonly reads: string[] = [];
  seq = 7;
  readonly log: { seq: number; id: string; doc?: SyncDoc }[] = [];
  readonly since: unknown[] = [];
  /** Feeds the view cancelled. */
  cancels = 0;
  /** Called after a range read was answered (the state it saw is then in the past). */
  afterRead: ((startkey: string) => void) | undefined;
  feeds: {
    change: (c: { id: string; doc?: unknown; deleted?: boolean; seq: unknown }) => void;
    error: (e: unknown) => void;
  }[] = [];
  /** While set, unit reads wait for it. */
  gate: Promise<void> | undefined;
  /** While set, `info` waits for it. */
  infoGate: Promise<void> | undefined;
  /** A server that does not say which sequence a range's answer reflects (CouchDB before 2.2). */
  noUpdateSeq = false;
  constructor(docs: SyncDoc[]) {
    for (const d of docs) this.docs.set(d._id, d);
  }
  put(doc: SyncDoc) {
    this.docs.set(doc._id, doc);
    this.log.push({ seq: ++this.seq, id: doc._id, doc });
    for (const f of this.feeds) f.change({ id: doc._id, doc, seq: this.seq });
  }
  remove(id: string) {
    this.docs.delete(id);
    this.log.push({ seq: ++this.seq, id });
    for (const f of this.feeds) f.change({ id, deleted: true, seq: this.seq });
  }
  async info() {
    if (this.infoGate) await this.infoGate;
    return { update_seq: this.seq };
  }
  async allDocs(opts: { startkey?: string; endkey?: string; include_docs?: boolean; update_seq?: boolean }) {
    this.reads.push(opts.startkey ?? '');
    if (opts.startkey?.startsWith('u|') && this.gate) await this.gate;
    const seq = opts.update_seq && !this.noUpdateSeq ? { update_seq: this.seq } : {};
    const rows = [...this.docs.values()]
      .filter((d) => d._id >= opts.startkey! && d._id <= opts.endkey!)
      .sort((a, b) => (a._id < b._id ? -1 : 1))
      .map((d) => ({ id: d._id, key: d._id, value: { rev: '1-a' }, doc: d }));
    this.afterRead?.(opts.startkey ?? '');
    return { rows, ...seq };
  }
  async bulkDocs(): Promise<never> {
    throw new Error('the owner view writes nothing');
  }
  changes(opts: { since: unknown }): ChangesFeed {
    this.since.push(opts.since);
    const handlers = { change: (_c: never) => {}, error: (_e: unknown) => {} } as FakeServer['feeds'][number];
    this.feeds.push(handlers);
    // What changed since `since` comes first (after the caller has added its handlers).
    const past = this.log.filter((c) => c.seq > Number(opts.since));
    queueMicrotask(() => {
      for (const c of past) handlers.change({ id: c.id, doc: c.doc, deleted: !c.doc, seq: c.seq });
    });
    const feed: ChangesFeed = {
      on: ((event: 'change' | 'error', fn: never) => {
        handlers[event] = fn;
        return feed;
      }) as ChangesFeed['on'],
      cancel: () => void this.cancels++,
    };
    return feed;
  }
}

/** The server plain fetch reaches (the one CouchDB of the setting; a test may swap what it holds). */
let serving: FakeServer | undefined;
/** Reads by id (POST `_all_docs` { keys }: the digests) fail with a server error while set. */
let failPosts = false;
/** While set, reads by id (the digests) wait for it. */
let postGate: Promise<void> | undefined;
/** fetch as the view's reads see it: CouchDB's `info` and `_all_docs` of `serving`, each request recorded. */
const fakeFetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(String(input));
  const server = serving;
  if (!server || url.origin !== new URL(CONN.url).origin) throw new TypeError('Failed to fetch');
  if (new Headers(init?.headers).get('Authorization') !== `Basic ${btoa('owner:pw')}`)
    return Response.json({ error: 'unauthorized', reason: 'Name or password is incorrect.' }, { status: 401 });
  const path = url.pathname.replace(/^\/shop/, '');
  events.push(
    `fetch ${path}${url.searchParams.has('startkey') ? ` ${JSON.parse(url.searchParams.get('startkey')!)}` : ''}`,
  );
  if (path === '/' || path === '') return Response.json(await server.info());
  if (path !== '/_all_docs') return Response.json({ error: 'not_found' }, { status: 404 });
  if (init?.method === 'POST') {
    const { keys } = JSON.parse(String(init.body)) as { keys: string[] };
    events.push(`post /_all_docs ${keys.join(' ')}`);
    if (postGate) await postGate;
    if (failPosts) return Response.json({ error: 'internal_server_error', reason: 'boom' }, { status: 500 });
    return Response.json({
      rows: keys.map((id) => {
        const doc = server.docs.get(id);
        return doc ? { id, key: id, value: { rev: '1-a' }, doc } : { key: id, error: 'not_found' };
      }),
    });
  }
  const key = (k: string) => JSON.parse(url.searchParams.get(k)!) as string;
  return Response.json(
    await server.allDocs({
      startkey: key('startkey'),
      endkey: key('endkey'),
      include_docs: true,
      update_seq: url.searchParams.get('update_seq') === 'true',
    }),
  );
});
vi.stubGlobal('fetch', fakeFetch);

// The view's own clock: its "today" and the waiting copies' age both come from the real clock here.
const NOW = Date.now();
const DAY = chinaDay(NOW);
const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';

const unit = (buyer: string): UnitRow => unitOn(DAY, { buyer });
const rollup = (pass: number): RollupRow => rollupOn(DAY, NOW, { pass, fail: 0, cappedSum: 0, cappedCount: 0 });
const waiting: ClockRow = clockAt(NOW, {
  key: 'pdd|shop|b9',
  buyer: 'b9',
  buyerNick: 'b***9',
  lastText: '',
  alertedFor: 0,
});

afterEach(() => {
  cleanup();
  servers.length = 0;
  serving = undefined;
  failPosts = false;
  postGate = undefined;
  events.length = 0;
  fakeFetch.mockClear();
  vi.mocked(ask).mockClear();
  globalThis.__rsShopFirst = undefined;
  bg.on = true;
  bg.stored = undefined;
  bg.queries.clear();
  // A test that set the page's stored view or the system time leaves neither behind, passed or failed.
  localStorage.clear();
  vi.useRealTimers();
});

describe('the owner view: first screen without PouchDB, then the feed from the first read', () => {
  it('reads the first screen with plain fetch; PouchDB loads after; no change between the read and the feed is lost', async () => {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(3)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    // A buyer starts waiting just after the agents' queues were read: the first screen cannot show it, the feed must.
    const late = queueDoc(A, [waiting], NOW);
    server.afterRead = (from) => {
      if (from !== 'q|') return;
      server.afterRead = undefined;
      server.put(late);
    };
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(
      () => expect(view.container.querySelector('#ana-shop-waiting [data-conv="pdd|shop|b9"]')).not.toBeNull(),
      {
        timeout: 3000,
      },
    );
    // `info` was asked after the ranges and answered after the change (8): the ranges, whose snapshots were older, were
    // read again after it (that read brought the waiting buyer), and the feed started from `info`'s sequence.
    expect(server.since).toEqual([8]);
    expect(events.filter((e) => e === 'fetch /_all_docs q|')).toHaveLength(2);
    // info and the first screen's reads, all before the PouchDB module was even loaded; the feed came through it.
    const firstReads = [
      'fetch /',
      `fetch /_all_docs s|${DAY}|`,
      'fetch /_all_docs q|',
      'fetch /_all_docs a|', // the agents' names and the older versions' clocks, in one range (a| … c|)
    ];
    expect(events.slice(0, firstReads.length + 1).sort()).toEqual([...firstReads, 'pouchdb'].sort());
    expect(events.indexOf('pouchdb')).toBeGreaterThan(Math.max(...firstReads.map((e) => events.indexOf(e))));
    // Every request went to the database's origin, without cookies, following no redirect.
    for (const [input, init] of fakeFetch.mock.calls) {
      expect(new URL(String(input)).origin).toBe('http://couch.test:5984');
      expect(init).toMatchObject({ credentials: 'omit', redirect: 'error' });
    }
    expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('3');
  });

  it('reads `info` after the first screen; what changed between their snapshots is read again before the feed', async () => {
    const before = queueDoc(A, [waiting], NOW);
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(3)]), agentDoc(A, 'A'), before]);
    servers.push(server);
    serving = server;
    // The server answers `info` after the first screen's ranges were read and two changes were made: a summary
    // updated, the waiting buyer answered (the queue deleted). The feed starts after both, so neither is in it.
    let release!: () => void;
    server.infoGate = new Promise((resolve) => (release = resolve));
    server.afterRead = (from) => {
      if (from !== 'a|') return;
      server.afterRead = undefined;
      server.put(summaryDoc(A, DAY, [rollup(5)]));
      server.remove(before._id);
      release();
    };
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(server.feeds).toHaveLength(1), { timeout: 3000 });
    expect(server.since).toEqual([9]);
    await waitFor(
      () => expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('5'),
      { timeout: 3000 },
    );
    expect(view.container.querySelector('#ana-shop-waiting [data-conv="pdd|shop|b9"]')).toBeNull();
    // The ranges twice (beside `info`, then after it), `info` once.
    expect(events.filter((e) => e === 'fetch /')).toHaveLength(1);
    expect(events.filter((e) => e === `fetch /_all_docs s|${DAY}|`)).toHaveLength(2);
    expect(events.filter((e) => e === 'fetch /_all_docs q|')).toHaveLength(2);
  });
  it('the first screen is on screen before `info` answers, which is asked after the ranges', async () => {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(3)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    let release!: () => void;
    server.infoGate = new Promise((resolve) => (release = resolve));
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    // Shown while `info` is held: the first render waits for the ranges only.
    await waitFor(
      () => expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('3'),
      { timeout: 3000 },
    );
    expect(server.feeds).toHaveLength(0);
    const asked = events.filter((e) => e.startsWith('fetch /'));
    expect(asked.indexOf('fetch /')).toBeGreaterThan(asked.indexOf(`fetch /_all_docs s|${DAY}|`));
    expect(asked.indexOf('fetch /')).toBeGreaterThan(asked.indexOf('fetch /_all_docs q|'));
    // The feed follows once `info` answered (from its sequence).
    release();
    await waitFor(() => expect(server.feeds).toHaveLength(1), { timeout: 3000 });
    expect(events.filter((e) => e === 'fetch /')).toHaveLength(1);
  });
  it('a server whose `info` keeps failing after the ranges answered is retried ever more slowly', async () => {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(3)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    let infos = 0;
    server.info = () => {
      infos++;
      return Promise.reject(new Error('info refused'));
    };
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
      await waitFor(() => expect(infos).toBe(2), { timeout: 4000 });
      // The second retry waits 2 s, not 1 s again: the ranges answering does not count as connected.
      await waitFor(() => expect(timers.mock.calls.some(([, ms]) => ms === 2000)).toBe(true), { timeout: 3000 });
      // The figures the ranges gave stay on screen, marked as not current.
      expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('3');
      await waitFor(() => expect(view.container.querySelector('#ana-shop-stale')).not.toBeNull(), { timeout: 3000 });
      expect(server.feeds).toHaveLength(0);
    } finally {
      timers.mockRestore();
    }
  });
  it('the ranges answered at `info`’s own sequence only when every one says the same (CouchDB’s opaque ones too)', () => {
    const seq = '12-g1AAAABheJzLYWBg';
    const first = (info: unknown, seqs: unknown[]) => ({ info: { update_seq: info }, rows: [], seqs });
    expect(sameSnapshot(first(seq, [seq, seq]))).toBe(true);
    expect(sameSnapshot(first(7, [7, 7, 7]))).toBe(true);
    expect(sameSnapshot(first(seq, [seq, '13-g1AAAABheJzLYWBh']))).toBe(false);
    expect(sameSnapshot(first(7, [7, 6]))).toBe(false);
    expect(sameSnapshot(first(7, [7, undefined]))).toBe(false);
    expect(sameSnapshot(first(undefined, [undefined]))).toBe(false);
  });

  it('a server that does not say which sequence its ranges reflect: they are read again after `info`', async () => {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(3)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    server.noUpdateSeq = true;
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(server.feeds).toHaveLength(1), { timeout: 3000 });
    expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('3');
    expect(events.filter((e) => e === 'fetch /')).toHaveLength(1);
    expect(events.filter((e) => e === `fetch /_all_docs s|${DAY}|`)).toHaveLength(2);
  });
});

describe('the owner view: reconnecting', () => {
  it("changes the old connection's feed held during a unit read never apply to the new connection's snapshot", async () => {
    // Two agents name the same account today: its units are read (the fill), for each of them.
    const shared = [
      summaryDoc(A, DAY, [rollup(1)]),
      summaryDoc(B, DAY, [rollup(1)]),
      agentDoc(A, 'A'),
      agentDoc(B, 'B'),
      unitDoc(A, unit('b1')),
      unitDoc(B, unit('b1')),
    ];
    const first = new FakeServer(shared);
    // The second connection's server: C joined (its summary and unit), and C's buyer b9 no longer waits.
    const second = new FakeServer([
      ...shared,
      agentDoc(C, 'C'),
      summaryDoc(C, DAY, [rollup(1)]),
      unitDoc(C, unit('b2')),
    ]);
    servers.push(first, second);
    serving = first;

    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(first.feeds).toHaveLength(1), { timeout: 3000 });
    // The first connection's feed: C's summary starts a unit read (held open), a waiting clock of C arrives
    // meanwhile (held until the read is done), then the feed fails: the view reconnects after 1 s.
    let open!: () => void;
    first.gate = new Promise((resolve) => (open = resolve));
    const feed = first.feeds[0]!;
    const cSummary = summaryDoc(C, DAY, [rollup(1)]);
    feed.change({ id: cSummary._id, doc: cSummary, seq: '8-x' });
    const clock = clockDoc(C, waiting);
    feed.change({ id: clock._id, doc: clock, seq: '9-x' });
    serving = second;
    feed.error(new Error('connection reset'));
    await waitFor(() => expect(second.feeds).toHaveLength(1), { timeout: 4000 });

    // The old connection's unit read ends now: whatever it held is the old connection's, not the new snapshot's.
    open();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const shown = view.container;
    expect(shown.querySelector('#ana-shop-waiting')).toBeNull();
    expect(shown.querySelector('#ana-shop-waiting-title')?.textContent).toMatch(/0/);
    // And the figures are the second server's: three agents, the shared account counted from the units (2 buyers).
    expect(shown.querySelectorAll('#ana-shop-agents tbody tr')).toHaveLength(3);
    expect(shown.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('2');
    // The new connection read its own units (C's among them) from its own server; the old one read nothing more.
    expect(second.reads.filter((k) => k.startsWith(`u|${DAY}|${C}|`))).toHaveLength(1);
    expect(first.reads.filter((k) => k.startsWith('u|'))).toHaveLength(3);
  });
});

describe('the owner view: older days of an account two agents share in shifts', () => {
  const OLD = chinaDay(NOW - 3 * 86_400_000);
  /**
   * A's shift: 2 buyers, B's: 3 others, all answered in time; each agent's summary has its own shift only.
   * `bMaxBytes`: B's digest size limit (1: one wait a part, three parts).
   */
  function shifts(bMaxBytes?: number): SyncDoc[] {
    const old = (buyer: string): UnitRow => unitOn(OLD, { buyer });
    const a = ['a1', 'a2'].map(old);
    const b = ['b1', 'b2', 'b3'].map(old);
    const day = (pass: number): RollupRow => rollupOn(OLD, NOW, { pass, fail: 0, cappedSum: 0, cappedCount: 0 });
    return [
      agentDoc(A, 'A'),
      agentDoc(B, 'B'),
      summaryDoc(A, OLD, [day(2)]),
      summaryDoc(B, OLD, [day(3)]),
      ...digestDocs(A, OLD, a),
      ...digestDocs(B, OLD, b, bMaxBytes),
    ];
  }
  async function open7d(server: FakeServer) {
    servers.push(server, server);
    serving = server;
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    fireEvent.change(view.container.querySelector('select')!, { target: { value: '7d' } });
    await waitFor(() => expect(server.since.length).toBeGreaterThan(0), { timeout: 3000 });
    return view;
  }

  it('counts both shifts from their digests (read by id), not one agent’s summary', async () => {
    const server = new FakeServer(shifts());
    const view = await open7d(server);
    await waitFor(() =>
      expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('5'),
    );
    const posts = events.filter((e) => e.startsWith('post '));
    expect(posts.at(-1)).toContain(`w|${OLD}|${A}|pdd.manual3min|pdd|shop`);
    expect(posts.at(-1)).toContain(`w|${OLD}|${B}|pdd.manual3min|pdd|shop`);
  });

  it('a digest pushed in parts: reads its other parts after part 0 and counts it whole', async () => {
    const docs = shifts(1);
    expect(docs.filter((d) => d.kind === 'digestPart')).toHaveLength(3);
    const server = new FakeServer(docs);
    const view = await open7d(server);
    await waitFor(() =>
      expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('5'),
    );
    const posts = events.filter((e) => e.startsWith('post '));
    // First the digests' own ids (B's part 0 among them), then B's parts 1 and 2.
    expect(posts.at(-2)).toContain(`w|${OLD}|${B}|pdd.manual3min|pdd|shop`);
    expect(posts.at(-1)).toBe(
      `post /_all_docs w|${OLD}|${B}|#1|pdd.manual3min|pdd|shop w|${OLD}|${B}|#2|pdd.manual3min|pdd|shop`,
    );
  });

  it('a failed digest read leaves those figures on one copy and the view live (feed open, no error)', async () => {
    failPosts = true;
    const server = new FakeServer(shifts());
    const view = await open7d(server);
    await waitFor(() => expect(server.feeds.length).toBeGreaterThan(0), { timeout: 3000 });
    expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('3');
    expect(view.container.textContent).not.toMatch(/boom|server_error|not current/i);
    // It says those days count one agent's summary, and the figures are not marked exact.
    await waitFor(() =>
      expect(view.container.querySelector('#ana-shop-checking')?.getAttribute('data-checking')).toBe('unchecked'),
    );
    expect(view.container.querySelector('#ana-shop-checking')?.textContent).toMatch(/one agent’s summary/);
    expect(view.container.querySelector('#ana-shop[data-exact]')).toBeNull();
  });

  it('a failed digest read is tried again on its own (no summary change needed), and then counts both shifts', async () => {
    failPosts = true;
    const server = new FakeServer(shifts());
    const view = await open7d(server);
    await waitFor(() =>
      expect(view.container.querySelector('#ana-shop-checking')?.getAttribute('data-checking')).toBe('unchecked'),
    );
    const feeds = server.feeds.length;
    failPosts = false;
    await waitFor(
      () => expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('5'),
      { timeout: 4000 },
    );
    expect(view.container.querySelector('#ana-shop-checking')).toBeNull();
    expect(view.container.querySelector('#ana-shop[data-exact]')).not.toBeNull();
    // On the same connection: no reconnect, no second feed.
    expect(server.feeds.length).toBe(feeds);
  });

  it('says its first screen (one agent’s summary) is being checked until the digests are read, then not', async () => {
    let open!: () => void;
    postGate = new Promise((r) => (open = r));
    const server = new FakeServer(shifts());
    servers.push(server, server);
    serving = server;
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    fireEvent.change(view.container.querySelector('select')!, { target: { value: '7d' } });
    await waitFor(() => expect(events.some((e) => e.startsWith('post '))).toBe(true), { timeout: 3000 });
    await waitFor(() => expect(view.container.querySelector('#ana-shop-rules')).not.toBeNull());
    // The first screen: B's summary (the fuller copy), said to be checked, not marked exact.
    expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('3');
    expect(view.container.querySelector('#ana-shop-checking')?.getAttribute('data-checking')).toBe('first');
    expect(view.container.querySelector('#ana-shop[data-exact]')).toBeNull();
    open();
    await waitFor(() => expect(view.container.querySelector('#ana-shop[data-exact]')).not.toBeNull());
    expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('5');
    expect(view.container.querySelector('#ana-shop-checking')).toBeNull();
  });
});

describe('the owner view: team sync turned off while it is open', () => {
  const asked = () => vi.mocked(ask).mock.calls.filter(([m]) => m.type === 'syncConnect').length;
  const notice = (view: ReturnType<typeof render>) => view.container.querySelector('#ana-shop-off');
  const OFF = { enabled: false, ...CONN };
  /** Lets the answers to what the view asked so far reach the screen. */
  const settle = () => act(() => new Promise((r) => setTimeout(r, 30)));
  async function live() {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(3)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(server.feeds).toHaveLength(1), { timeout: 3000 });
    return { server, view };
  }

  it('the stored setting turned off: the feed is closed and the view says sync was turned off', async () => {
    const { server, view } = await live();
    bg.on = false;
    store(OFF);
    await waitFor(() => expect(notice(view)?.hasAttribute('data-closed')).toBe(true), { timeout: 3000 });
    expect(notice(view)?.textContent).toMatch(/turned off in the settings/);
    expect(server.cancels).toBe(1);
  });

  it('says it was turned off when a retry hears "off" before the stored setting changes (the server unreachable)', async () => {
    const { server, view } = await live();
    // The server stops answering: the feed fails, the view tries again after 1 s. Meanwhile sync is turned off: the
    // background answers "off" at once, but stores the setting only after trying to withdraw this agent's waiting
    // buyers from the server (up to 5 s when it cannot be reached). The retry hears "off" first.
    serving = undefined;
    bg.on = false;
    server.feeds[0]!.error(new TypeError('Failed to fetch'));
    await waitFor(() => expect(notice(view)?.hasAttribute('data-closed')).toBe(true), { timeout: 3000 });
    // Then the stored setting follows: the view connects once more, hears "off" again, and still says it was turned
    // off (it used to say "Team sync is off", as on a page opened with sync off: its "turned off" notice never came).
    const before = asked();
    store(OFF);
    await waitFor(() => expect(asked()).toBe(before + 1), { timeout: 3000 });
    await settle();
    expect(notice(view)?.hasAttribute('data-closed')).toBe(true);
    expect(notice(view)?.textContent).toMatch(/turned off in the settings/);
  });

  it('no answer from the background is not "off": the view tries again and reads the shop', async () => {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(3)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    // The worker stopped mid-reply (`send`'s refusal for it): once, then it answers as usual.
    vi.mocked(ask).mockImplementationOnce(async () => ({ ok: false, error: 'no answer from the background' }));
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(view.container.querySelector('#ana-shop-error')).not.toBeNull(), { timeout: 3000 });
    expect(notice(view)).toBeNull();
    // The retry (after 1 s) asks again and reads the shop.
    await waitFor(() => expect(server.feeds).toHaveLength(1), { timeout: 4000 });
    expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('3');
    expect(asked()).toBe(2);
  });

  it('another period picked around the turn-off: the view still says sync was turned off, not that it is off', async () => {
    const { view } = await live();
    // Turned off, not stored yet; the owner picks another period (the view reads again: loading, then "off").
    bg.on = false;
    fireEvent.change(view.container.querySelector('#ana-shop-range')!, { target: { value: 'yesterday' } });
    await waitFor(() => expect(notice(view)?.hasAttribute('data-closed')).toBe(true), { timeout: 3000 });
    // The stored setting follows, and once it said so, another period again: the same notice.
    let before = asked();
    store(OFF);
    await waitFor(() => expect(asked()).toBe(before + 1), { timeout: 3000 });
    before = asked();
    fireEvent.change(view.container.querySelector('#ana-shop-range')!, { target: { value: 'today' } });
    await waitFor(() => expect(asked()).toBe(before + 1), { timeout: 3000 });
    await settle();
    expect(notice(view)?.hasAttribute('data-closed')).toBe(true);
  });

  it('opened with sync off: turned on in the settings, the view connects and reads the shop', async () => {
    bg.on = false;
    bg.stored = OFF;
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(3)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(notice(view)).not.toBeNull(), { timeout: 3000 });
    expect(notice(view)?.hasAttribute('data-closed')).toBe(false);
    await settle();
    bg.on = true;
    store({ enabled: true, ...CONN });
    await waitFor(() => expect(server.feeds).toHaveLength(1), { timeout: 3000 });
    await waitFor(() =>
      expect(view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent).toBe('3'),
    );
    expect(notice(view)).toBeNull();
  });
});

describe('the owner view: many buyers waiting', () => {
  it('lists the most urgent first and the rest on request (the count says how many more)', async () => {
    const many = Array.from({ length: SHOP_WAITING_SHOWN + 7 }, (_, i) =>
      clockDoc(A, { ...waiting, key: `pdd|shop|w${i}`, buyer: `w${i}`, dueAt: NOW + 60_000 + i * 1000 }),
    );
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(1)]), agentDoc(A, 'A'), ...many]);
    servers.push(server);
    serving = server;
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    const rows = () => view.container.querySelectorAll('#ana-shop-waiting tbody tr');
    await waitFor(() => expect(rows()).toHaveLength(SHOP_WAITING_SHOWN), { timeout: 3000 });
    expect(view.container.querySelector('#ana-shop-waiting-title')?.textContent).toContain(String(many.length));
    // The earliest deadlines are the ones listed.
    expect(rows()[0]!.getAttribute('data-conv')).toBe('pdd|shop|w0');
    expect(rows()[SHOP_WAITING_SHOWN - 1]!.getAttribute('data-conv')).toBe(`pdd|shop|w${SHOP_WAITING_SHOWN - 1}`);
    expect(view.container.querySelector('#ana-shop-waiting-more')?.textContent).toContain('7 more buyers waiting');
    fireEvent.click(view.container.querySelector('#ana-shop-waiting-all')!);
    expect(rows()).toHaveLength(many.length);
    expect(view.container.querySelector('#ana-shop-waiting-more')).toBeNull();
  });
});

describe('the owner view: the start the page’s first script began (analytics-first.ts)', () => {
  /** What the first script's `syncConnect` answered (the background's reply), counted. */
  function early(reply: SyncConnect, now = NOW) {
    const connect = vi.fn(async () => reply);
    const start = startShopFirst(connect, now);
    return { connect, start };
  }
  const asked = () => vi.mocked(ask).mock.calls.filter(([m]) => m.type === 'syncConnect').length;
  const rulesPass = (view: ReturnType<typeof render>) =>
    view.container.querySelector('#ana-shop-rules td[data-col="pass"]')?.textContent;

  it('is taken when it is for the view’s period and day: no second connect, no second start of its own', async () => {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(3)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    const { connect, start } = early({ ok: true, ...CONN });
    await start.first; // in before the view mounts, as when React and the view's chunk load slower than the server
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(server.feeds).toHaveLength(1), { timeout: 3000 });
    expect(rulesPass(view)).toBe('3');
    expect(connect).toHaveBeenCalledTimes(1);
    expect(asked()).toBe(0);
    // `info` and each first-screen range once (the early read's: the ranges answered at `info`'s sequence, so no
    // second read), and the feed from the `info` it gave.
    for (const first of ['fetch /', `fetch /_all_docs s|${DAY}|`, 'fetch /_all_docs a|'])
      expect(events.filter((e) => e === first)).toHaveLength(1);
    expect(server.since).toEqual([7]);
    expect(globalThis.__rsShopFirst).toBeUndefined();
  });

  it('the page’s language settling after the view took it (a re-render with another `t`) neither reconnects nor reads again', async () => {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(3)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    const { connect } = early({ ok: true, ...CONN });
    // The page renders first in the browser's language, then in the one its stored setting names.
    const view = render(<ShopLiveSection t={catalogTranslate('zh_CN')} now={NOW} />);
    await waitFor(() => expect(server.feeds).toHaveLength(1), { timeout: 3000 });
    const zhTitle = view.container.querySelector('#ana-shop-title')?.textContent;
    view.rerender(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(view.container.querySelector('#ana-shop-title')?.textContent).not.toBe(zhTitle);
    expect(rulesPass(view)).toBe('3');
    expect(connect).toHaveBeenCalledTimes(1);
    expect(asked()).toBe(0);
    expect(events.filter((e) => e === 'fetch /')).toHaveLength(1);
    expect(server.feeds).toHaveLength(1);
  });

  it('is taken while still under way (the view waits for it, it does not start a second read)', async () => {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(2)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    let answer!: (r: SyncConnect) => void;
    const start = startShopFirst(() => new Promise<SyncConnect>((resolve) => (answer = resolve)), NOW);
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(view.container.querySelector('[role="status"]')).not.toBeNull(); // loading
    answer({ ok: true, ...CONN });
    await start.first;
    await waitFor(() => expect(rulesPass(view)).toBe('2'), { timeout: 3000 });
    expect(asked()).toBe(0);
    expect(events.filter((e) => e === 'fetch /')).toHaveLength(1);
  });

  it('is not used for other days (begun before the China day turned): the view connects and reads its own', async () => {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(4)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    const yesterday = chinaDay(NOW - 86_400_000);
    const { start } = early({ ok: true, ...CONN }, NOW - 86_400_000);
    await start.first;
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(rulesPass(view)).toBe('4'), { timeout: 3000 });
    expect(asked()).toBe(1);
    // The early read was of yesterday's summaries; the view read today's itself.
    expect(events.filter((e) => e.startsWith('fetch /_all_docs s|'))).toEqual([
      `fetch /_all_docs s|${yesterday}|`,
      `fetch /_all_docs s|${DAY}|`,
    ]);
    expect(globalThis.__rsShopFirst).toBeUndefined();
  });

  it('is begun by the page’s first script when the page opens in its team view only', async () => {
    const { default: firstScript } = await import('../../entrypoints/analytics-first');
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(1)]), agentDoc(A, 'A')]);
    serving = server;
    vi.setSystemTime(NOW); // the script's own clock: its day is the server's
    localStorage.setItem('rs-analytics', JSON.stringify({ state: { view: 'local' }, version: 1 }));
    firstScript.main();
    expect(globalThis.__rsShopFirst).toBeUndefined();
    expect(asked()).toBe(0);
    // This computer's figures: read in the local view only (the team view's page reads them after its first screen).
    expect(globalThis.__rsAnalyticsFirst).toBeDefined();
    globalThis.__rsAnalyticsFirst?.read.catch(() => undefined);
    globalThis.__rsAnalyticsFirst = undefined;
    localStorage.setItem('rs-analytics', JSON.stringify({ state: { view: 'team' }, version: 1 }));
    firstScript.main();
    expect(globalThis.__rsAnalyticsFirst).toBeUndefined();
    const start = globalThis.__rsShopFirst!;
    expect(start.days).toEqual([DAY]);
    expect(asked()).toBe(1);
    expect((await start.first)?.rows.map((r) => r.id)).toEqual([`s|${DAY}|${A}`, `a|${A}`]);
    localStorage.clear();
    vi.useRealTimers();
  });

  it('is taken once, for its days only (another period, a second take: none)', () => {
    const { start } = early({ ok: true, ...CONN });
    expect(takeShopStart([DAY], [])).toBeUndefined(); // other unit days
    startShopFirst(async () => ({ ok: true, ...CONN }), NOW);
    const week = takeShopStart([chinaDay(NOW - 86_400_000), DAY], [chinaDay(NOW - 86_400_000), DAY]);
    expect(week).toBeUndefined();
    globalThis.__rsShopFirst = start;
    expect(takeShopStart([DAY], [DAY])).toBe(start);
    expect(takeShopStart([DAY], [DAY])).toBeUndefined();
  });

  it('a refused early connect (sync off) shows "off", as the view’s own would', async () => {
    const { start } = early({ ok: false, error: 'team sync is off' });
    await expect(start.first).resolves.toBeUndefined();
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(view.container.querySelector('#ana-shop-off')).not.toBeNull(), { timeout: 3000 });
    expect(view.container.querySelector('#ana-shop-off')?.hasAttribute('data-closed')).toBe(false);
    expect(asked()).toBe(0);
    expect(fakeFetch).not.toHaveBeenCalled();
  });

  it('a failed early read (wrong password) shows the error, then the view reconnects on its own', async () => {
    const server = new FakeServer([summaryDoc(A, DAY, [rollup(5)]), agentDoc(A, 'A')]);
    servers.push(server);
    serving = server;
    const { start } = early({ ok: true, ...CONN, password: 'wrong' });
    await expect(start.first).rejects.toMatchObject({ status: 401 });
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(view.container.querySelector('#ana-shop-error')).not.toBeNull(), { timeout: 3000 });
    expect(view.container.querySelector('#ana-shop-error')?.textContent).toMatch(/password/i);
    expect(asked()).toBe(0);
    // The retry (after 1 s) is the view's own connect: the background's current credentials.
    await waitFor(() => expect(rulesPass(view)).toBe('5'), { timeout: 4000 });
    expect(asked()).toBe(1);
  });

  it('an early read that cannot reach the server shows the error (no request elsewhere)', async () => {
    const { start } = early({ ok: true, ...CONN, url: 'http://elsewhere.test:5984/shop' });
    serving = undefined;
    await expect(start.first).rejects.toBeTruthy();
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    await waitFor(() => expect(view.container.querySelector('#ana-shop-error')).not.toBeNull(), { timeout: 3000 });
    for (const [input, init] of fakeFetch.mock.calls) {
      expect(new URL(String(input)).origin).toBe('http://elsewhere.test:5984');
      expect(init).toMatchObject({ credentials: 'omit', redirect: 'error' });
    }
  });
});

describe('the owner view: marked exact only while its figures are the current read’s', () => {
  const OLD = chinaDay(NOW - 3 * 86_400_000);
  const old = (buyer: string): UnitRow => unitOn(OLD, { buyer });
  const day = (pass: number): RollupRow => rollupOn(OLD, NOW, { pass, fail: 0, cappedSum: 0, cappedCount: 0 });
  const shifts = (): SyncDoc[] => [
    agentDoc(A, 'A'),
    agentDoc(B, 'B'),
    summaryDoc(A, OLD, [day(2)]),
    summaryDoc(B, OLD, [day(3)]),
    ...digestDocs(A, OLD, ['a1', 'a2'].map(old)),
    ...digestDocs(B, OLD, ['b1', 'b2', 'b3'].map(old)),
  ];
  async function open7d(server: FakeServer) {
    servers.push(server, server, server);
    serving = server;
    const view = render(<ShopLiveSection t={catalogTranslate('en')} now={NOW} />);
    fireEvent.change(view.container.querySelector('select')!, { target: { value: '7d' } });
    await waitFor(() => expect(server.feeds.length).toBeGreaterThan(0), { timeout: 3000 });
    await waitFor(() => expect(view.container.querySelector('#ana-shop[data-exact]')).not.toBeNull());
    return view;
  }

  it('the connection lost: the figures said to be from before it are not marked exact', async () => {
    const server = new FakeServer(shifts());
    const view = await open7d(server);
    serving = undefined; // the reconnect cannot reach it
    server.feeds[0]!.error(new TypeError('Failed to fetch'));
    await waitFor(() => expect(view.container.textContent).toMatch(/Connection lost/), { timeout: 3000 });
    await new Promise((r) => setTimeout(r, 1500)); // the retry fails too
    console.log('stale shown; data-exact =', view.container.querySelector('#ana-shop')?.getAttribute('data-exact'));
    expect(view.container.querySelector('#ana-shop[data-exact]')).toBeNull();
  });

  it('the setting changed to another server: the old server’s figures are not marked exact while the new one is read', async () => {
    const server = new FakeServer(shifts());
    const view = await open7d(server);
    // The background now connects to another database; its answer takes a while (hangs here).
    vi.mocked(ask).mockImplementationOnce(() => new Promise(() => undefined));
    store({ enabled: true, ...CONN, url: 'http://other.test:5984/shop' });
    await waitFor(() => expect(vi.mocked(ask).mock.calls.filter(([m]) => m.type === 'syncConnect').length).toBe(2), {
      timeout: 3000,
    });
    await new Promise((r) => setTimeout(r, 300));
    const sec = view.container.querySelector('#ana-shop')!;
    expect(sec.hasAttribute('data-exact')).toBe(false);
  });
});
