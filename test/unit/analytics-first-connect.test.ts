// @vitest-environment jsdom
/**
 * The owner view's connection as the analytics page's first script makes it (entrypoints/analytics-first.ts): from
 * the stored team sync setting read raw with the language (`readTeamFirstRaw`, `rawSyncConnect`) when it is a
 * well-formed enabled setting — no `syncConnect` round trip to the background — else (missing, malformed, off, no
 * database) the background is asked as before. `rawSyncConnect` follows the setting's schema (`storedSyncConfig`,
 * what the background's `syncConnect` answers from).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readTeamFirstRaw } from '../../components/analytics/first-raw';
import { DB_NAME } from '../../lib/db/schema';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import { storedSyncConfig, SYNC_META_KEY } from '../../lib/sync/config';
import { rawSyncConnect } from '../../lib/sync/shop-first';
import { uiDb } from '../../lib/ui/db';

const FROM_BACKGROUND = { url: 'http://background.test:5984/shop', user: 'bg', password: 'bgpw' };
vi.mock('@/lib/ui/ask', () => ({
  ask: vi.fn(async (msg: { type: string }) =>
    msg.type === 'syncConnect' ? { ok: true, ...FROM_BACKGROUND } : { ok: false, error: 'no' },
  ),
}));
const { ask } = await import('@/lib/ui/ask');
const { default: firstScript } = await import('../../entrypoints/analytics-first');

const NOW = chinaTime('2026-11-27', 15, 0);
const SETTING = {
  enabled: true,
  url: 'http://couch.test:5984/shop',
  user: 'owner',
  password: 'pw',
  label: 'Owner',
  viewOnly: true,
};

/** Rows as they may be stored (`meta.teamSync`'s value): well-formed, off, and malformed in every field. */
const ROWS: [string, unknown][] = [
  ['well-formed, view only', SETTING],
  ['well-formed, pushing', { ...SETTING, viewOnly: false }],
  ['well-formed, stored before viewOnly existed', { ...SETTING, viewOnly: undefined }],
  ['a URL with trailing slashes', { ...SETTING, url: 'https://couch.test/shop//' }],
  ['an empty password', { ...SETTING, password: '' }],
  ['off', { ...SETTING, enabled: false }],
  ['enabled as text', { ...SETTING, enabled: 'true' }],
  ['no URL', { ...SETTING, url: undefined }],
  ['not a URL', { ...SETTING, url: 'couch.test/shop' }],
  ['a URL with credentials', { ...SETTING, url: 'http://a:b@couch.test/shop' }],
  ['a URL with a query', { ...SETTING, url: 'http://couch.test/shop?x=1' }],
  ['another scheme', { ...SETTING, url: 'ftp://couch.test/shop' }],
  ['no database name', { ...SETTING, url: 'http://couch.test/' }],
  ['a URL too long', { ...SETTING, url: `http://couch.test/${'a'.repeat(500)}` }],
  ['an empty user', { ...SETTING, user: '' }],
  ['a user too long', { ...SETTING, user: 'u'.repeat(201) }],
  ['a password not text', { ...SETTING, password: 42 }],
  ['a password too long', { ...SETTING, password: 'p'.repeat(501) }],
  ['no label', { ...SETTING, label: undefined }],
  ['a label too long', { ...SETTING, label: 'l'.repeat(101) }],
  ['viewOnly as text', { ...SETTING, viewOnly: 'yes' }],
  ['null', null],
  ['a string', 'enabled'],
  ['an array', [SETTING]],
];

describe('rawSyncConnect: the stored setting’s connection, by the schema’s rules', () => {
  for (const [name, value] of ROWS)
    it(`${name}: a connection exactly when the background’s read of it would give one`, () => {
      const cfg = storedSyncConfig(value);
      const expected = cfg?.enabled ? { ok: true, url: cfg.url, user: cfg.user, password: cfg.password } : undefined;
      expect(rawSyncConnect({ key: SYNC_META_KEY, value })).toEqual(expected);
    });

  it('gives one for the well-formed setting (with its URL as the schema stores it), none for the others', () => {
    expect(rawSyncConnect({ value: SETTING })).toEqual({
      ok: true,
      url: SETTING.url,
      user: 'owner',
      password: 'pw',
    });
    expect(rawSyncConnect({ value: { ...SETTING, url: 'https://couch.test/shop//' } })?.url).toBe(
      'https://couch.test/shop',
    );
    expect(rawSyncConnect({ value: { ...SETTING, enabled: false } })).toBeUndefined();
    expect(rawSyncConnect(undefined)).toBeUndefined();
    expect(rawSyncConnect(null)).toBeUndefined();
    expect(rawSyncConnect({})).toBeUndefined();
    expect(rawSyncConnect('teamSync')).toBeUndefined();
  });
});

describe('the first script’s owner view connection (team view)', () => {
  const fetched: { url: string; auth: string | null }[] = [];
  beforeEach(async () => {
    uiDb.close();
    await indexedDB.deleteDatabase(DB_NAME);
    localStorage.setItem('rs-analytics', JSON.stringify({ state: { view: 'team' }, version: 1 }));
    vi.mocked(ask).mockClear();
    fetched.length = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
        const url = String(input);
        fetched.push({ url, auth: new Headers(init?.headers).get('Authorization') });
        const body = url.includes('_all_docs') ? { rows: [], update_seq: 3 } : { update_seq: 3 };
        return new Response(JSON.stringify(body), { status: 200 });
      }),
    );
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    localStorage.clear();
    globalThis.__rsShopFirst = undefined;
    globalThis.__rsAnalyticsLanguage = undefined;
  });
  const asked = () => vi.mocked(ask).mock.calls.filter(([m]) => m.type === 'syncConnect').length;

  /** Runs the first script and waits for its connection and first screen. */
  async function open() {
    firstScript.main();
    const start = globalThis.__rsShopFirst!;
    expect(start.days).toEqual([chinaDay(NOW)]);
    const conn = await start.conn;
    await start.first;
    return conn;
  }

  it('connects with a well-formed enabled stored setting without asking the background', async () => {
    await uiDb.open();
    await uiDb.meta.put({ key: SYNC_META_KEY, value: SETTING });
    await uiDb.settings.put({ key: 'language', value: 'en' });
    uiDb.close();
    const conn = await open();
    expect(asked()).toBe(0);
    expect(conn).toEqual({ ok: true, url: SETTING.url, user: 'owner', password: 'pw' });
    // The first screen was read from the stored setting's server with its credentials.
    expect(fetched.length).toBeGreaterThan(1);
    expect(fetched.every((f) => f.url.startsWith(`${SETTING.url}/`))).toBe(true);
    expect(fetched[0]!.auth).toBe(`Basic ${btoa('owner:pw')}`);
    // The language from the same read.
    await expect(globalThis.__rsAnalyticsLanguage).resolves.toEqual({ key: 'language', value: 'en' });
  });

  for (const [name, value] of [
    ['off (the view must not read the server)', { ...SETTING, enabled: false }],
    ['malformed', { ...SETTING, user: '' }],
    ['not an object', 'on'],
  ] as const)
    it(`asks the background when the stored setting is ${name}`, async () => {
      await uiDb.open();
      await uiDb.meta.put({ key: SYNC_META_KEY, value });
      uiDb.close();
      const conn = await open();
      expect(asked()).toBe(1);
      expect(conn).toEqual({ ok: true, ...FROM_BACKGROUND });
      expect(fetched.length).toBeGreaterThan(0);
      expect(fetched.every((f) => f.url.startsWith(`${FROM_BACKGROUND.url}/`))).toBe(true);
    });

  it('asks the background when no setting is stored', async () => {
    await uiDb.open();
    uiDb.close();
    await open();
    expect(asked()).toBe(1);
    await expect(globalThis.__rsAnalyticsLanguage).resolves.toBeUndefined();
  });

  it('asks the background when there is no database (the raw read creates none)', async () => {
    await open();
    expect(asked()).toBe(1);
    await expect(globalThis.__rsAnalyticsLanguage).rejects.toBeDefined();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(DB_NAME);
  });
});

describe('readTeamFirstRaw', () => {
  beforeEach(async () => {
    uiDb.close();
    await indexedDB.deleteDatabase(DB_NAME);
  });

  it('reads the language and the sync setting rows as stored, in one read', async () => {
    await uiDb.open();
    await uiDb.meta.put({ key: SYNC_META_KEY, value: { enabled: 'maybe' } });
    await uiDb.settings.put({ key: 'language', value: 'zh_CN' });
    uiDb.close();
    await expect(readTeamFirstRaw()).resolves.toEqual({
      language: { key: 'language', value: 'zh_CN' },
      sync: { key: SYNC_META_KEY, value: { enabled: 'maybe' } },
    });
  });
});
