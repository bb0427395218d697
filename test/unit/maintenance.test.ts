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
import { rollupId, tallyUnits } from '../../lib/engine/rollup';
import { SentinelDB } from '../../lib/db/schema';
import type { RollupRow, UnitRow } from '../../lib/model';
import { t } from './helpers/events';
import { expectRollupsMatchUnits } from './helpers/rollups';
import { buildDayStats } from '../../lib/analytics/daystats';

let n = 0;
const fresh = () => new SentinelDB(`maint-${++n}`);

/** `count` messages of one conversation, a second apart from `from` (default: 10:00 on 2026-11-20, China time). */
async function fill(db: SentinelDB, count: number, from = t('10:00:00'), tag = '') {
  await db.events.bulkAdd(
    Array.from({ length: count }, (_, i) => ({
      key: `pdd|s|b|m${tag}${i}`,
      conv: 'pdd|s|b',
      platform: 'pdd' as const,
      account: 's',
      buyer: 'b',
      messageId: `m${tag}${i}`,
      author: 'buyer' as const,
      at: from + i * 1000,
      timeSource: 'id' as const,
      observedAt: from + i * 1000,
    })),
  );
}

/** Stored results of `count` buyers on `day`, with the daily figures they give. */
async function results(db: SentinelDB, day: string, count: number) {
  const units: UnitRow[] = Array.from({ length: count }, (_, i) => ({
    id: `pdd.manual3min|pdd|s|b${i}|${day}`,
    metric: 'pdd.manual3min',
    conv: `pdd|s|b${i}`,
    platform: 'pdd',
    account: 's',
    buyer: `b${i}`,
    day,
    startAt: t('10:00:00', day),
    dueAt: t('10:03:00', day),
    replyAt: t('10:01:00', day),
    responseSec: 60,
    result: i % 2 ? 'fail' : 'pass',
    cappedSec: 60,
    rulesVersion: 'test',
  }));
  await db.units.bulkAdd(units);
  const into = new Map<string, RollupRow>();
  const stored = await db.rollups.get(rollupId(units[0]!));
  if (stored) into.set(stored.id, stored);
  tallyUnits(into, units, 1, 0);
  await db.rollups.bulkPut([...into.values()]);
  // The per-day aggregates, as the background keeps them (rebuilt from every stored unit).
  await db.dayStats.bulkPut(buildDayStats(await db.units.toArray()));
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

  it('frees space by dropping the oldest whole days of messages holding a quarter of them; those days freeze', async () => {
    const db = fresh();
    await fill(db, 3, t('22:00:00', '2026-11-18'), 'a');
    await fill(db, 3, t('23:59:58', '2026-11-19'), 'b'); // the last one is on 11-20
    await fill(db, 6, t('09:00:00', '2026-11-20'), 'c');
    await results(db, '2026-11-18', 2);
    const now = t('12:00:00', '2026-11-20');
    // 12 messages: a quarter is 3, the whole of 11-18.
    const notice = await freeSpace(db, now);
    expect(notice).toEqual({ at: now, events: 3, units: 0 });
    expect((await db.events.orderBy('at').first())?.messageId).toBe('mb0');
    expect(await readPrunedBefore(db)).toBe('2026-11-19');
    expect((await db.meta.get(PRUNE_NOTICE_KEY))?.value).toEqual(notice);
    expect(await db.units.count()).toBe(2); // results and daily figures of the pruned day stay
    // 9 left, a quarter is 3: 11-19 has 2, so 11-19 and nothing of today (11-20) even though that is short.
    expect(await freeSpace(db, now)).toEqual({ at: now, events: 2, units: 0 });
    expect(await readPrunedBefore(db)).toBe('2026-11-20');
    expect(await db.events.count()).toBe(7);
    expect((await db.events.toArray()).every((e) => e.at >= t('00:00:00', '2026-11-20'))).toBe(true);
  });

  it('with no messages before today left, frees the oldest whole days of results together with their figures', async () => {
    const db = fresh();
    await fill(db, 4, t('09:00:00', '2026-11-20'));
    await results(db, '2026-11-17', 1);
    await results(db, '2026-11-18', 2);
    await results(db, '2026-11-19', 3);
    await results(db, '2026-11-20', 2);
    await markPrunedBefore(db, '2026-11-20');
    await markPrunedBefore(db, '2026-11-19'); // never moves back
    expect(await readPrunedBefore(db)).toBe('2026-11-20');
    const now = t('12:00:00', '2026-11-20');
    // 8 results: a quarter is 2, so 11-17 (1) and 11-18 (2) go, with their rollups.
    expect(await freeSpace(db, now)).toEqual({ at: now, events: 0, units: 3 });
    expect((await db.units.orderBy('day').uniqueKeys()).sort()).toEqual(['2026-11-19', '2026-11-20']);
    expect((await db.rollups.orderBy('day').uniqueKeys()).sort()).toEqual(['2026-11-19', '2026-11-20']);
    await expectRollupsMatchUnits(db);
    expect(await db.events.count()).toBe(4);
    expect(await readPrunedBefore(db)).toBe('2026-11-20');
    // Then 11-19; today's results, like today's messages, are never pruned.
    expect(await freeSpace(db, now)).toEqual({ at: now, events: 0, units: 3 });
    expect(await freeSpace(db, now)).toEqual({ at: now, events: 0, units: 0 });
    expect(await db.units.count()).toBe(2);
    await expectRollupsMatchUnits(db);
  });

  it('purge-all forgets the frozen days with the rest of the chat data', async () => {
    const db = fresh();
    await markPrunedBefore(db, '2026-11-20');
    await purgeAll(db);
    expect(await readPrunedBefore(db)).toBeUndefined();
  });

  it('retries a refused write once after freeing space; other errors pass through', async () => {
    const db = fresh();
    await fill(db, 1, t('10:00:00', '2026-11-17'), 'a');
    await fill(db, 1, t('10:00:00', '2026-11-18'), 'b');
    await fill(db, 2, t('10:00:00', '2026-11-20'), 'c');
    const now = () => t('12:00:00', '2026-11-20');
    let calls = 0;
    const pruned: unknown[] = [];
    const result = await withSpace(
      db,
      now,
      async () => {
        calls += 1;
        if (calls === 1) throw new DOMException('full', 'QuotaExceededError');
        return 'stored';
      },
      (p) => pruned.push(p),
    );
    expect(result).toBe('stored');
    expect(calls).toBe(2);
    expect(pruned).toEqual([{ at: now(), events: 1, units: 0 }]);
    await expect(
      withSpace(
        db,
        now,
        async () => Promise.reject(new DOMException('full', 'QuotaExceededError')),
        () => undefined,
      ),
    ).rejects.toThrow('full');
    await expect(
      withSpace(
        db,
        now,
        async () => Promise.reject(new Error('disk on fire')),
        () => undefined,
      ),
    ).rejects.toThrow('disk on fire');
    expect(await db.events.count()).toBe(2); // one prune per refused write, nothing else lost
  });
});
