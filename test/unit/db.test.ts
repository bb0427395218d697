import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, SCHEMA_HISTORY, SentinelDB } from '../../lib/db/schema';

let n = 0;

/** Rows a database at `version` could hold, per table (events gained `conv` in version 2). */
function rowsAt(version: number) {
  const conv = (c: string) => (version >= 2 ? { conv: c } : {});
  return {
    events: [
      {
        key: 'pdd|shop|b1|m1',
        ...conv('pdd|shop|b1'),
        platform: 'pdd',
        account: 'shop',
        buyer: 'b1',
        messageId: 'm1',
        author: 'buyer',
        at: 1_780_000_000_000,
        timeSource: 'id',
        observedAt: 1_780_000_000_000,
      },
      {
        key: 'jd|acc|b2|m2',
        ...conv('jd|acc|b2'),
        platform: 'jd',
        account: 'acc',
        buyer: 'b2',
        messageId: 'm2',
        author: 'human',
        at: 1_780_000_100_000,
        timeSource: 'stamp',
        observedAt: 1_780_000_100_000,
      },
    ],
    clocks: [{ key: 'pdd|shop|b1', status: 'pending', dueAt: 1_780_000_180_000, platform: 'pdd' }],
    units: [
      {
        id: 'pdd.manual3min|pdd|shop|b1|2026-05-29',
        conv: 'pdd|shop|b1',
        metric: 'pdd.manual3min',
        day: '2026-05-29',
        result: 'pending',
      },
    ],
    rollups: [
      { id: 'pdd.manual3min|2026-05-29|pdd|shop', metric: 'pdd.manual3min', day: '2026-05-29', pass: 3, fail: 1 },
    ],
    settings: [{ key: 'alertLeadSec', value: 45 }],
  };
}

describe('database schema', () => {
  it('versions are strictly increasing, and the app opens at the newest', async () => {
    const versions = SCHEMA_HISTORY.map((v) => v.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    const db = new SentinelDB(`schema-${++n}`);
    await db.open();
    expect(db.verno).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  for (const from of SCHEMA_HISTORY.slice(0, -1)) {
    it(`upgrading from version ${from.version} keeps every row and backfills new fields`, async () => {
      const name = `upgrade-${++n}`;
      const old = new SentinelDB(name, from.version);
      await old.open();
      const rows = rowsAt(from.version);
      for (const [table, list] of Object.entries(rows)) await old.table(table).bulkAdd(list);
      old.close();

      const db = new SentinelDB(name);
      await db.open();
      expect(db.verno).toBe(LATEST_SCHEMA_VERSION);
      for (const [table, list] of Object.entries(rows)) {
        const stored = await db.table(table).toArray();
        expect(stored, table).toHaveLength(list.length);
        for (const row of list) expect(stored).toContainEqual(expect.objectContaining(row));
      }
      // Version 2 indexes events by conversation: old rows must be findable through it.
      expect((await db.events.where('conv').equals('pdd|shop|b1').toArray()).map((e) => e.messageId)).toEqual(['m1']);
      // New tables exist and work.
      await db.phrases.add({ text: '亲，在的', group: '问候', tags: [], usage: 0, updatedAt: 1 });
      expect(await db.phrases.count()).toBe(1);
      db.close();
    });
  }

  it('opening a database written by a newer version (a downgrade) never deletes its data', async () => {
    const name = `future-${++n}`;
    const future = new Dexie(name);
    future.version(LATEST_SCHEMA_VERSION + 5).stores({ events: 'key', mystery: 'id' });
    await future.open();
    await future.table('mystery').add({ id: 1 });
    future.close();
    const db = new SentinelDB(name);
    await db.open().catch(() => undefined); // Dexie 4 may open it read-compatibly or refuse: either is fine
    db.close();
    const again = new Dexie(name);
    await again.open();
    expect(await again.table('mystery').count()).toBe(1);
    again.close();
  });
});
