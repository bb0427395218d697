/** The names of lib/db/name.ts (what raw IndexedDB reads and the named queries use) exist in the newest schema. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { INDEX, TABLE } from '../../lib/db/name';
import { SentinelDB } from '../../lib/db/schema';

let db: SentinelDB | undefined;
afterEach(async () => {
  db?.close();
  if (db) await db.delete();
  db = undefined;
});

describe('lib/db/name.ts', () => {
  it('names every table of the newest schema, and only those', async () => {
    db = new SentinelDB('names-tables');
    await db.open();
    expect(Object.values(TABLE).sort()).toEqual(db.tables.map((t) => t.name).sort());
    for (const [key, name] of Object.entries(TABLE)) expect(key).toBe(name);
  });

  it('names only indexes that the newest schema has', async () => {
    db = new SentinelDB('names-indexes');
    await db.open();
    for (const [table, indexes] of Object.entries(INDEX)) {
      const schema = db.table(table).schema;
      const names = new Set([schema.primKey.name, ...schema.indexes.map((i) => i.name)]);
      for (const index of Object.values(indexes)) expect(names, `${table}.${index}`).toContain(index);
    }
  });
});
