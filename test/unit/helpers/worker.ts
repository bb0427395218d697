/**
 * For the tests that run one script through two Sentinels and compare what they store (a long thread's cut against
 * the whole thread, a thread cache cleared mid-intake against an untouched one): PDD messages of one shop, its
 * watching tab, the databases closed after each test, and the stored tables in a comparable order.
 */
import { afterEach } from 'vitest';
import type { Recompute } from '../../../lib/background/recompute';
import { Sentinel } from '../../../lib/background/sentinel';
import { SentinelDB } from '../../../lib/db/schema';
import type { EventsMessage, HealthMessage } from '../../../lib/messages';
import type { Author, ChatEvent, Platform } from '../../../lib/model';
import { FakeHost } from './host';

export const pddMsg = (events: ChatEvent[]): EventsMessage => ({
  type: 'events',
  platform: 'pdd',
  account: 'shop-main',
  events,
});

export const pddWatching = (url: string): HealthMessage => ({
  type: 'health',
  platform: 'pdd',
  account: 'shop-main',
  health: 'watching',
  parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
  url,
});

/** A list the test pushes its databases into; each is closed after every test. */
export function closedAfterEach(): SentinelDB[] {
  const dbs: SentinelDB[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });
  return dbs;
}

/**
 * A worker on a fresh database (closed after the test: `dbs` from `closedAfterEach`) whose threads count as long from
 * `longThread` messages on (Infinity: always evaluated whole, the reference), with its recompute (`rc`) to read counts.
 */
export function longThreadWorker(dbs: SentinelDB[], name: string, longThread: number) {
  const db = new SentinelDB(`${name}-${Date.now()}-${Math.random()}`);
  dbs.push(db);
  const host = new FakeHost();
  const s = new Sentinel(db, host);
  const rc = (s as unknown as { recomputer: Recompute }).recomputer;
  rc.longThread = longThread;
  return { db, host, s, rc };
}

/**
 * Chat events of one buyer of `platform` in the shop 'shop-main', with ids `${prefix}1`, `${prefix}2`, … (timed by
 * their ids; a buyer's question or an agent's answer as text).
 */
export function eventMaker(platform: Platform, buyer: string, prefix: string) {
  let seq = 0;
  return (author: Author, at: number, observedAt: number, extra: Partial<ChatEvent> = {}): ChatEvent => ({
    platform,
    account: 'shop-main',
    buyer,
    messageId: `${prefix}${++seq}`,
    author,
    at,
    timeSource: 'id',
    observedAt,
    text: author === 'buyer' ? '在吗' : '在的',
    ...extra,
  });
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);

/** Every stored message, by key. */
export const storedEvents = async (db: SentinelDB) => (await db.events.toArray()).sort(byKey);

/** Clocks, units, rollups (without their write time) and per-day aggregates, sorted. */
export async function storedTables(db: SentinelDB) {
  return {
    units: (await db.units.toArray()).sort(byId),
    clocks: (await db.clocks.toArray()).sort(byKey),
    rollups: (await db.rollups.toArray()).map(({ updatedAt: _, ...r }) => r).sort(byId),
    dayStats: (await db.dayStats.toArray()).sort(byId),
  };
}
