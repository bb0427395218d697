import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { mergeSighting, type PageBatch, type Recompute, type Staged } from '../../lib/background/recompute';
import { moveAccount } from '../../lib/background/rekey';
import { SentinelDB } from '../../lib/db/schema';
import { conversationKey, eventKey, type EventRow } from '../../lib/model';
import { t } from './helpers/events';
import { closedAfterEach } from './helpers/worker';

/**
 * An account move merges the tab's own messages into the shop's: a stored message replaced by a better-timed copy
 * is passed on with its old place (`PageBatch.replaced`, as ingest passes it), so that a long thread's cut is not
 * taken past it (lib/background/recompute.ts: what it was judged in before is recomputed too).
 */
const dbs = closedAfterEach();

function row(account: string, messageId: string, at: number, extra: Partial<EventRow> = {}): EventRow {
  const e = {
    platform: 'douyin' as const,
    account,
    buyer: 'b',
    messageId,
    author: 'human' as const,
    at,
    timeSource: 'id' as const,
    observedAt: t('10:00:00'),
    text: '在的',
    ...extra,
  };
  return { ...e, key: eventKey(e), conv: conversationKey(e) } as EventRow;
}

describe('an account move', () => {
  it('passes the old place of a message it replaces by a better-timed copy to the recompute, and only that', async () => {
    const db = new SentinelDB(`rekey-replaced-${Date.now()}-${Math.random()}`);
    dbs.push(db);
    // The shop holds a reply of uncertain time (09:58:20 at the earliest) and one with its time; the tab's own
    // account saw the first exactly (10:00:20), and the second the same.
    await db.events.bulkPut([
      row('shop', 'r1', t('09:58:20'), { timeSource: 'stamp', atLatest: t('10:00:50') }),
      row('shop', 'r2', t('09:59:00')),
    ]);
    await db.events.bulkPut([row('own', 'r1', t('10:00:20')), row('own', 'r2', t('09:59:00'))]);
    const pages: PageBatch[] = [];
    const recomputer = {
      within: (_convs: string[], _now: number, page: PageBatch) => {
        pages.push(page);
        return Promise.resolve({ threads: [] } as unknown as Staged);
      },
    } as unknown as Recompute;
    await db.transaction('rw', db.tables, () => moveAccount(db, recomputer, 'douyin', 'own', 'shop', t('10:01:00')));
    const conv = conversationKey({ platform: 'douyin', account: 'shop', buyer: 'b' });
    expect(pages).toHaveLength(1);
    expect([...(pages[0]!.replaced ?? new Map()).entries()]).toEqual([[conv, t('09:58:20')]]);
    expect(
      (await db.events.get(eventKey({ platform: 'douyin', account: 'shop', buyer: 'b', messageId: 'r1' } as EventRow)))
        ?.at,
    ).toBe(t('10:00:20'));
  });
});

describe('a message seen again (mergeSighting: ingest and account moves)', () => {
  it('stores a new message, keeps a stored copy timed as well, and replaces a worse-timed one noting its old place', () => {
    const replaced = new Map<string, number>();
    const exact = row('shop', 'r1', t('10:00:20'), { observedAt: t('10:01:00') });
    const uncertain = row('shop', 'r1', t('09:58:20'), {
      timeSource: 'stamp',
      atLatest: t('10:00:50'),
      observedAt: t('10:00:55'),
    });
    // New: stored as it came, nothing replaced.
    expect(mergeSighting(exact, undefined, replaced)).toBe(exact);
    // The same time again, or a worse one: the stored copy stays.
    expect(mergeSighting({ ...exact, observedAt: t('10:02:00') }, exact, replaced)).toBeUndefined();
    expect(mergeSighting(uncertain, exact, replaced)).toBeUndefined();
    expect(replaced.size).toBe(0);
    // Better timed: its time, the earliest observation of the two, and the old copy's place noted.
    const merged = mergeSighting(exact, uncertain, replaced)!;
    expect(merged).toMatchObject({ at: t('10:00:20'), timeSource: 'id', observedAt: t('10:00:55') });
    expect(merged.atLatest).toBeUndefined();
    expect(replaced).toEqual(new Map([[exact.conv, t('09:58:20')]]));
    // A stored copy whose bound lies before its own time (left by an older merge) is replaced by the same copy.
    const broken = { ...exact, timeSource: 'stamp' as const, atLatest: t('10:00:00') };
    const again = { ...exact, timeSource: 'stamp' as const };
    expect(mergeSighting(again, broken, new Map())).toEqual({ ...again, observedAt: exact.observedAt });
    // Such a broken row seen again untimed (history) keeps its exact time: the stale bound goes, the stamp stays.
    const untimed = row('shop', 'r1', t('09:59:00'), {
      timeSource: 'observed',
      atLatest: t('10:05:00'),
      observedAt: t('10:05:00'),
      historical: true,
    });
    const kept = mergeSighting(untimed, broken, new Map())!;
    expect(kept).toMatchObject({ at: exact.at, timeSource: 'stamp' });
    expect(kept.atLatest).toBeUndefined();
    // The earliest old place of the conversation is kept.
    mergeSighting(
      row('shop', 'r2', t('10:05:00')),
      row('shop', 'r2', t('10:04:00'), { atLatest: t('10:06:00') }),
      replaced,
    );
    expect(replaced).toEqual(new Map([[exact.conv, t('09:58:20')]]));
  });

  it('a better-timed copy brings its own precision: a minute-only stamp does not stay with a time to the second', () => {
    const minute = row('shop', 'r1', t('09:58:00'), { atLatest: t('10:00:50'), atPrecisionMs: 60_000 });
    const exact = row('shop', 'r1', t('10:00:20'), { observedAt: t('10:01:00') });
    const merged = mergeSighting(exact, minute, new Map())!;
    expect(merged.at).toBe(t('10:00:20'));
    expect(merged.atPrecisionMs).toBeUndefined();
    const coarse = { ...exact, atPrecisionMs: 60_000 };
    expect(mergeSighting(coarse, minute, new Map())!.atPrecisionMs).toBe(60_000);
  });

  it('keeps the page order of the sighting whose time of observation it keeps', () => {
    // First seen untimed at place 3; seen again later, exactly timed, at place 0 of another reading.
    const first = row('shop', 'r1', t('09:58:20'), { atLatest: t('10:00:50'), pageOrder: 3 });
    const later = row('shop', 'r1', t('10:00:20'), { observedAt: t('10:30:00'), pageOrder: 0 });
    expect(mergeSighting(later, first, new Map())).toMatchObject({
      at: t('10:00:20'),
      observedAt: first.observedAt,
      pageOrder: 3,
    });
    // A first sighting stored before page orders: none (0), not the later reading's place.
    const old = row('shop', 'r1', t('09:58:20'), { atLatest: t('10:00:50') });
    expect(mergeSighting({ ...later, pageOrder: 5 }, old, new Map())!.pageOrder).toBeUndefined();
  });
});
