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

  describe('another context holding the database open during an upgrade', () => {
    const previous = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 2]!.version;

    it('an open connection at the older version closes on versionchange: the upgrade completes, the page is told', async () => {
      const name = `versionchange-${++n}`;
      const told: string[] = [];
      // An older page: its connection stays open at the previous version.
      const old = new SentinelDB(name, previous, { onVersionChange: () => told.push('reload') });
      await old.open();
      await old.settings.put({ key: 'alertLeadSec', value: 45 });
      const blocked: string[] = [];
      const next = new SentinelDB(name, Infinity, { onBlocked: () => blocked.push('blocked') });
      await next.open();
      expect(next.verno).toBe(LATEST_SCHEMA_VERSION);
      expect(old.isOpen()).toBe(false);
      expect(told).toEqual(['reload']);
      expect(blocked).toEqual([]);
      expect(await next.settings.get('alertLeadSec')).toEqual({ key: 'alertLeadSec', value: 45 });
      // The older page does not reopen the newer database behind the user's back: it waits to be reloaded.
      await expect(old.settings.get('alertLeadSec')).rejects.toMatchObject({ name: 'DatabaseClosedError' });
      next.close();
    });

    it('without the hook (the background) the connection closes and reopens on its next query', async () => {
      const name = `versionchange-${++n}`;
      const other = new SentinelDB(name);
      await other.open();
      await other.settings.put({ key: 'alertLeadSec', value: 45 });
      await Dexie.delete(name); // another context deletes the database: not blocked
      expect(other.isOpen()).toBe(false);
      expect(await other.settings.get('alertLeadSec')).toBeUndefined(); // reopened, empty
      other.close();
    });

    it('an upgrade blocked by a connection that does not close calls onBlocked, and completes once it closes', async () => {
      const name = `blocked-${++n}`;
      const made = new SentinelDB(name, previous);
      await made.open();
      made.close();
      // An old tab's connection at the previous version that ignores versionchange.
      const stuck = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name, previous * 10);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const told: boolean[] = [];
      let blocked!: () => void;
      const waits = new Promise<void>((resolve) => (blocked = resolve));
      const next = new SentinelDB(name, Infinity, {
        onBlocked: (waiting) => {
          told.push(waiting);
          if (waiting) blocked();
        },
      });
      const opening = next.open();
      await waits;
      expect(told).toEqual([true]);
      expect(next.isOpen()).toBe(false);
      stuck.close(); // the user closed the other page
      await opening;
      expect(next.verno).toBe(LATEST_SCHEMA_VERSION);
      expect(told).toEqual([true, false]); // the wait is over: the notice can go
      // Opening again later is not an end of a wait.
      next.close();
      await next.open();
      expect(told).toEqual([true, false]);
      next.close();
    });
  });
});
