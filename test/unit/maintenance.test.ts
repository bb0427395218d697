import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import {
  freeSpace,
  isQuotaError,
  markPrunedBefore,
  purgeAll,
  readPrunedBefore,
  withSpace,
  PRUNE_NOTICE_KEY,
} from '../../lib/background/maintenance';
import { SentinelDB } from '../../lib/db/schema';

let n = 0;
const fresh = () => new SentinelDB(`maint-${++n}`);

async function fill(db: SentinelDB, count: number) {
  await db.events.bulkAdd(
    Array.from({ length: count }, (_, i) => ({
      key: `pdd|s|b|m${i}`,
      conv: 'pdd|s|b',
      platform: 'pdd' as const,
      account: 's',
      buyer: 'b',
      messageId: `m${i}`,
      author: 'buyer' as const,
      at: 1_790_000_000_000 + i * 1000,
      timeSource: 'id' as const,
      observedAt: 1_790_000_000_000 + i * 1000,
    })),
  );
}

describe('maintenance', () => {
  it('purge-all deletes chat data and keeps phrases and settings', async () => {
    const db = fresh();
    await fill(db, 10);
    await db.clocks.put({
      key: 'pdd|s|b',
      platform: 'pdd',
      account: 's',
      buyer: 'b',
      metric: 'pdd.manual3min',
      status: 'pending',
      startedAt: 1,
      dueAt: 2,
      alertAt: 1,
      waitingMessages: 1,
      lastMessageAt: 1,
    });
    await db.phrases.add({ text: '亲', group: 'g', tags: [], usage: 3, updatedAt: 1 });
    await db.settings.put({ key: 'alertLeadSec', value: 30 });
    expect(await purgeAll(db)).toBe(11);
    expect(await db.events.count()).toBe(0);
    expect(await db.clocks.count()).toBe(0);
    expect(await db.phrases.count()).toBe(1);
    expect(await db.settings.get('alertLeadSec')).toEqual({ key: 'alertLeadSec', value: 30 });
  });

  it('recognises quota errors, also wrapped by Dexie', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError(new Dexie.QuotaExceededError('full'))).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: { name: 'QuotaExceededError' } })).toBe(true);
    expect(isQuotaError(new Error('nope'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
  });

  it('frees space by dropping the oldest quarter, and leaves a notice', async () => {
    const db = fresh();
    await fill(db, 8);
    const notice = await freeSpace(db, 42);
    expect(notice).toEqual({ at: 42, events: 2, units: 0 });
    expect((await db.events.orderBy('at').first())?.messageId).toBe('m2');
    expect((await db.meta.get(PRUNE_NOTICE_KEY))?.value).toEqual(notice);
  });

  it('purge-all forgets the frozen days with the rest of the chat data', async () => {
    const db = fresh();
    await markPrunedBefore(db, '2026-11-20');
    await markPrunedBefore(db, '2026-11-19'); // never moves back
    expect(await readPrunedBefore(db)).toBe('2026-11-20');
    await purgeAll(db);
    expect(await readPrunedBefore(db)).toBeUndefined();
  });

  it('retries a refused write once after freeing space; other errors pass through', async () => {
    const db = fresh();
    await fill(db, 4);
    let calls = 0;
    const pruned: unknown[] = [];
    const result = await withSpace(
      db,
      () => 7,
      async () => {
        calls += 1;
        if (calls === 1) throw new DOMException('full', 'QuotaExceededError');
        return 'stored';
      },
      (p) => pruned.push(p),
    );
    expect(result).toBe('stored');
    expect(calls).toBe(2);
    expect(pruned).toEqual([{ at: 7, events: 1, units: 0 }]);
    await expect(
      withSpace(
        db,
        () => 8,
        async () => Promise.reject(new DOMException('full', 'QuotaExceededError')),
        () => undefined,
      ),
    ).rejects.toThrow('full');
    await expect(
      withSpace(
        db,
        () => 9,
        async () => Promise.reject(new Error('disk on fire')),
        () => undefined,
      ),
    ).rejects.toThrow('disk on fire');
    expect(await db.events.count()).toBe(2); // one prune per refused write, nothing else lost
  });
});
