/**
 * Each test on a fresh Sentinel database under the extension's own name (DB_NAME: the analytics page's first read,
 * readAnalyticsRaw, opens the database by that name, so these tests cannot take a name of their own): the past-days
 * summaries' tests (past-stats-*) and the page's first read (analytics-first-snapshot, -busy).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach } from 'vitest';
import { DB_NAME, SentinelDB } from '../../../lib/db/schema';

/**
 * Registers, in the calling file or describe, a beforeEach that deletes the database and makes a new one (opened
 * first with `open`), handed to `use` (which may set up the rest of the test's world), and an afterEach that closes it.
 */
export function freshSentinelDb(use: (db: SentinelDB) => void, { open = false } = {}): void {
  let db: SentinelDB | undefined;
  beforeEach(async () => {
    await indexedDB.deleteDatabase(DB_NAME);
    db = new SentinelDB(DB_NAME);
    if (open) await db.open();
    use(db);
  });
  afterEach(() => db?.close());
}
