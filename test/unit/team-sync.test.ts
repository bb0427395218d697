/**
 * Team sync (lib/sync): document ids, what a document holds (never text), the merge rules of the shop view, the
 * stored setting's validation, and the pusher against an in-memory CouchDB stand-in (idempotent retries, offline
 * queue, deletions, conflicts, nothing sent while off).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SentinelDB } from '../../lib/db/schema';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import type { RollupRow, UnitRow } from '../../lib/model';
import { SYNC_META_KEY, checkDbUrl, storedSyncConfig, syncOrigin, type SyncConfig } from '../../lib/sync/config';
import {
  agentDoc,
  agentsAndClocksRange,
  asSyncDoc,
  clockDoc,
  contentKey,
  digestDocId,
  digestPartId,
  preferClock,
  preferUnit,
  QUEUE_MAX_BYTES,
  queueDoc,
  rollupDoc,
  summaryDoc,
  unitDoc,
  WAITING_MAX_AGE_MS,
  type DigestDoc,
  type DigestPartDoc,
  type QueueDoc,
  type SyncDoc,
  type UnitDoc,
} from '../../lib/sync/docs';
import { agentId } from '../../lib/background/team';
import { startTeamSync } from '../../lib/sync';
import {
  FULL_CHECK_MS,
  OLD_DAYS_PER_PUSH,
  PUSH_DEBOUNCE_MS,
  SYNC_DAYS_BACK,
  TeamSync,
  WITHDRAW_MAX_MS,
  WITHDRAW_TIMEOUT_MS,
  type SyncHost,
} from '../../lib/sync/pusher';
import type { RemoteDb } from '../../lib/sync/remote';
import { syncErrorOf } from '../../lib/sync/errors';
import { digestDocs, wholeDigest } from '../../lib/sync/digest';
import { ShopDocs, preferRollup, readUnits, shopRangeDays, shopView, viewSettingKey } from '../../lib/sync/shop';

import { AGENT_A, AGENT_B, DAY, NOW, clock, rollup, unit } from './helpers/team';

describe('documents', () => {
  it('have deterministic ids: the same row of the same agent is the same id, another agent another id', () => {
    expect(unitDoc(AGENT_A, unit())._id).toBe(unitDoc(AGENT_A, unit())._id);
    expect(unitDoc(AGENT_A, unit())._id).toBe(`u|${DAY}|${AGENT_A}|${unit().id}`);
    expect(unitDoc(AGENT_B, unit())._id).not.toBe(unitDoc(AGENT_A, unit())._id);
    expect(rollupDoc(AGENT_A, rollup())._id).toBe(`r|${DAY}|${AGENT_A}|pdd.manual3min|${DAY}|pdd|shop`);
    expect(clockDoc(AGENT_A, clock())._id).toBe(`c|${AGENT_A}|pdd|shop|b2`);
  });

  it('the agents-and-clocks range holds the ids of agents and clocks, and of no other kind', () => {
    const key = { metric: 'pdd.manual3min', platform: 'pdd' as const, account: 'shop' };
    const inRange = (id: string) => id >= agentsAndClocksRange.startkey && id <= agentsAndClocksRange.endkey;
    for (const agent of [AGENT_A, AGENT_B, '0', 'zzzz', '\u00ff'])
      expect([
        inRange(agentDoc(agent, 'A')._id),
        inRange(clockDoc(agent, clock())._id),
        inRange(unitDoc(agent, unit())._id),
        inRange(rollupDoc(agent, rollup())._id),
        inRange(queueDoc(agent, [clock()], NOW)._id),
        inRange(summaryDoc(agent, DAY, [rollup()])._id),
        inRange(digestDocId(DAY, agent, key)),
        inRange(digestPartId(DAY, agent, key, 2)),
      ]).toEqual([true, true, false, false, false, false, false, false]);
  });

  it('carry no message text and no alert bookkeeping', () => {
    const c = clockDoc(AGENT_A, clock());
    const text = JSON.stringify(c);
    expect(text).not.toContain('SECRET-TEXT');
    expect(text).not.toContain('我的快递');
    expect(Object.keys(c).sort()).toEqual(
      [
        '_id',
        'v',
        'kind',
        'agent',
        'conv',
        'platform',
        'account',
        'buyer',
        'buyerNick',
        'metric',
        'status',
        'startedAt',
        'dueAt',
        'waitingMessages',
        'lastMessageAt',
      ].sort(),
    );
    // A unit row carrying an unexpected text field (a future or damaged row) does not pass it on either.
    const u = unitDoc(AGENT_A, { ...unit(), text: 'SECRET-TEXT' } as UnitRow);
    expect(JSON.stringify(u)).not.toContain('SECRET-TEXT');
    expect(u).toMatchObject({ kind: 'unit', unit: unit().id, result: 'pass', buyerNick: 'b***1' });
  });

  it('an agent’s buyers waiting now are one queue document: waiting ones only, earliest deadline first, within its bytes', () => {
    const clocks = [
      clock({ key: 'pdd|shop|late', buyer: 'late', dueAt: NOW + 60_000 }),
      clock({ key: 'pdd|shop|soon', buyer: 'soon', dueAt: NOW + 10_000, lastText: 'SECRET-TEXT' } as never),
      clock({ key: 'pdd|shop|none', buyer: 'none', status: 'unknown', dueAt: null }),
      clock({ key: 'pdd|shop|done', buyer: 'done', status: 'answered' }),
      clock({ key: 'pdd|shop|old', buyer: 'old', startedAt: NOW - WAITING_MAX_AGE_MS - 1 }),
    ];
    const q = queueDoc(AGENT_A, clocks, NOW);
    expect(q._id).toBe(`q|${AGENT_A}`);
    expect(q.clocks.map((c) => c.conv)).toEqual(['pdd|shop|soon', 'pdd|shop|late', 'pdd|shop|none']);
    expect(q.more).toBeUndefined();
    // Each entry is the clock document's fields (no message text), and reads back as one.
    const { _id, v, kind, agent, ...fields } = clockDoc(AGENT_A, clocks[1]!);
    expect([_id, v, kind, agent]).toHaveLength(4);
    expect(q.clocks[0]).toEqual(fields);
    expect(JSON.stringify(q)).not.toContain('SECRET-TEXT');
    expect(asSyncDoc(q)).toEqual(q);
    // Deterministic: the same clocks in another order, the same document.
    expect(contentKey(queueDoc(AGENT_A, [...clocks].reverse(), NOW))).toBe(contentKey(q));
    // Beyond QUEUE_MAX_BYTES: the earliest deadlines listed, the rest counted.
    const many = Array.from({ length: 3000 }, (_, i) =>
      clock({ key: `pdd|shop|m${i}`, buyer: `m${i}`, dueAt: NOW + i * 1000 }),
    );
    const capped = queueDoc(AGENT_A, many.reverse(), NOW);
    const listed = capped.clocks.length;
    expect(listed).toBeGreaterThan(500);
    expect(listed).toBeLessThan(3000);
    expect(capped.clocks[0]!.conv).toBe('pdd|shop|m0');
    expect(capped.clocks.at(-1)!.conv).toBe(`pdd|shop|m${listed - 1}`);
    expect(capped.more).toBe(3000 - listed);
    // The owner view counts them (listing the queue's).
    const shop = new ShopDocs();
    shop.apply(capped._id, capped);
    const view = shopView(shop.docs.values(), DAY, undefined, NOW);
    expect([view.waiting.length, view.unlisted]).toEqual([listed, 3000 - listed]);
    // Once every listed one is past WAITING_MAX_AGE_MS (an agent who turned sync off unreached), none counts.
    const later = shopView(shop.docs.values(), DAY, undefined, NOW + WAITING_MAX_AGE_MS + 86_400_000);
    expect([later.waiting.length, later.unlisted]).toEqual([0, 0]);
  });

  it('a queue document is read back only when it is its agent’s and every entry is well formed', () => {
    const q = queueDoc(AGENT_A, [clock()], NOW);
    expect(asSyncDoc({ ...q, _id: `q|${AGENT_B}` })).toBeUndefined(); // another agent's id
    expect(asSyncDoc({ ...q, clocks: 'x' })).toBeUndefined();
    expect(asSyncDoc({ ...q, clocks: null })).toBeUndefined();
    // A damaged entry (or one of a later version) is left out, not the agent's whole queue.
    const bad = [{ ...q.clocks[0], conv: 'x', status: 'answered' }, { ...q.clocks[0], conv: 'y', dueAt: 'soon' }, null];
    expect((asSyncDoc({ ...q, clocks: [...bad, ...q.clocks] }) as QueueDoc).clocks).toEqual(q.clocks);
    expect(asSyncDoc({ ...q, more: -1 })).toEqual(q);
    expect(asSyncDoc({ ...q, clocks: [] })).toEqual({ ...q, clocks: [] });
  });

  it('a queue document stays within QUEUE_MAX_BYTES whatever the ids’ length; the rest is counted', () => {
    // The longest ids a page may give (accounts and buyers of 200 characters, Chinese: 3 bytes each in UTF-8).
    const long = (i: number) => `店铺${'长'.repeat(190)}${i}`;
    const clocks = Array.from({ length: 800 }, (_, i) =>
      clock({ key: `pdd|${long(0)}|${long(i)}`, account: long(0), buyer: long(i), buyerNick: long(i), dueAt: NOW + i }),
    );
    const q = queueDoc(AGENT_A, clocks, NOW);
    expect(new TextEncoder().encode(JSON.stringify(q)).length).toBeLessThanOrEqual(QUEUE_MAX_BYTES + 1024);
    expect(q.clocks.length).toBeGreaterThan(50);
    expect(q.clocks.length + q.more!).toBe(800);
    expect(q.clocks[0]!.dueAt).toBe(NOW); // the earliest deadlines kept
  });

  it('compare by content, not by key order or CouchDB fields', () => {
    const d = unitDoc(AGENT_A, unit());
    const reordered = Object.fromEntries(Object.entries(d).reverse());
    expect(contentKey({ ...reordered, _rev: '3-abc', _conflicts: [] })).toBe(contentKey(d));
    expect(contentKey(unitDoc(AGENT_A, unit({ result: 'fail' })))).not.toBe(contentKey(d));
  });

  it('read back only when they are ours and well formed', () => {
    expect(asSyncDoc(unitDoc(AGENT_A, unit()))).toBeDefined();
    expect(asSyncDoc({ _id: 'x', v: 2, kind: 'unit', agent: 'a' })).toBeUndefined();
    expect(asSyncDoc({ _id: 'x', v: 1, kind: 'other', agent: 'a' })).toBeUndefined();
    expect(asSyncDoc({ ...unitDoc(AGENT_A, unit()), _deleted: true })).toBeUndefined();
    expect(asSyncDoc(null)).toBeUndefined();
    expect(asSyncDoc('u|x')).toBeUndefined();
  });
});

describe('the conflict rules (whose copy the shop view counts)', () => {
  const copy = (agent: string, over: Partial<UnitRow>) => unitDoc(agent, unit(over));
  const winner = (a: UnitDoc, b: UnitDoc) => (preferUnit(a, b) < 0 ? a : b);

  it('a decided copy wins over a pending or unknown one, in either order', () => {
    const pass = copy(AGENT_B, { result: 'pass' });
    const unknown = copy(AGENT_A, { result: 'unknown', replyAt: null, responseSec: null, cappedSec: null });
    expect(winner(pass, unknown)).toBe(pass);
    expect(winner(unknown, pass)).toBe(pass);
    const pending = copy(AGENT_A, { result: 'pending', replyAt: null });
    expect(winner(pending, unknown).result).toBe('pending');
  });

  it('between two decided copies: the one that saw the reply, then the earlier reply, then the smaller agent id', () => {
    const late = copy(AGENT_A, { result: 'fail', replyAt: null, seenLate: true });
    const replied = copy(AGENT_B, { result: 'pass', replyAt: chinaTime(DAY, 10, 2) });
    expect(winner(late, replied)).toBe(replied);
    const earlier = copy(AGENT_B, { replyAt: chinaTime(DAY, 10, 1) });
    const later = copy(AGENT_A, { replyAt: chinaTime(DAY, 10, 5), result: 'fail' });
    expect(winner(later, earlier)).toBe(earlier);
    const same = [copy(AGENT_B, {}), copy(AGENT_A, {})];
    expect(winner(same[0]!, same[1]!).agent).toBe(AGENT_A);
    expect(winner(same[1]!, same[0]!).agent).toBe(AGENT_A);
  });

  it('a clock: the one that saw the later message, then the more serious state, then the smaller agent id', () => {
    const a = clockDoc(AGENT_A, clock({ lastMessageAt: NOW - 1000 }));
    const b = clockDoc(AGENT_B, clock({ lastMessageAt: NOW - 2000, status: 'breached' }));
    expect(preferClock(a, b)).toBeLessThan(0);
    expect(preferClock(b, a)).toBeGreaterThan(0);
    const c = clockDoc(AGENT_B, clock({ lastMessageAt: NOW - 1000, status: 'breached' }));
    expect(preferClock(c, a)).toBeLessThan(0);
    const d = clockDoc(AGENT_B, clock({ lastMessageAt: NOW - 1000 }));
    expect(preferClock(a, d)).toBeLessThan(0);
  });
});

describe('the shop view', () => {
  it('merges two agents of one account without double counting, and keeps each agent’s own figures', () => {
    const shop = new ShopDocs();
    const docs = [
      // Both agents saw b1 (the same unit): counted once, as a pass (B saw the reply).
      unitDoc(AGENT_A, unit({ buyer: 'b1', result: 'unknown', replyAt: null })),
      unitDoc(AGENT_B, unit({ buyer: 'b1', result: 'pass' })),
      // Only A saw b3, only B saw b4.
      unitDoc(AGENT_A, unit({ buyer: 'b3', result: 'fail', replyAt: null })),
      unitDoc(AGENT_B, unit({ buyer: 'b4', result: 'pass' })),
      // Another day: not in this day's view.
      unitDoc(AGENT_B, unit({ buyer: 'b5', day: '2026-11-19' })),
      { _id: `a|${AGENT_A}`, v: 1, kind: 'agent', agent: AGENT_A, label: '小王' },
      clockDoc(AGENT_A, clock({ key: 'pdd|shop|b9', buyer: 'b9', dueAt: NOW + 5000 })),
      clockDoc(AGENT_B, clock({ key: 'pdd|shop|b9', buyer: 'b9', dueAt: NOW + 5000 })),
      clockDoc(AGENT_B, clock({ key: 'pdd|shop|b8', buyer: 'b8', dueAt: NOW + 1000, status: 'breached' })),
      clockDoc(AGENT_B, clock({ key: 'pdd|shop|b7', buyer: 'b7', status: 'answered' })),
    ];
    for (const d of docs) shop.apply(d._id, d);
    const v = shopView(shop.docs.values(), DAY);
    expect(v.metrics).toHaveLength(1);
    expect(v.metrics[0]!.counts).toMatchObject({ pass: 2, fail: 1, unknown: 0 });
    expect(v.metrics[0]!.rate).toBeCloseTo(2 / 3);
    const a = v.agents.find((x) => x.agent === AGENT_A)!;
    const b = v.agents.find((x) => x.agent === AGENT_B)!;
    expect(a).toMatchObject({ label: '小王', counted: 1 });
    expect(a.counts).toMatchObject({ unknown: 1, fail: 1 });
    expect(b).toMatchObject({ label: '', counted: 2 });
    expect(v.waiting.map((c) => c.buyer)).toEqual(['b8', 'b9']);
    // The same documents in reverse order give the same view.
    const back = new ShopDocs();
    for (const d of [...docs].reverse()) back.apply(d._id, d);
    expect(shopView(back.docs.values(), DAY)).toEqual(v);
    // A deletion from the feed takes a document out.
    expect(shop.apply(docs[6]!._id, undefined, true)).toBe(true);
    expect(shopView(shop.docs.values(), DAY).waiting.find((c) => c.buyer === 'b9')?.agent).toBe(AGENT_B);
  });

  it('reads the waiting buyers from the agents’ queues as from single clock documents (the same view)', () => {
    const aClocks = [clock({ key: 'pdd|shop|b9', buyer: 'b9', dueAt: NOW + 5000 })];
    const bClocks = [
      clock({ key: 'pdd|shop|b9', buyer: 'b9', dueAt: NOW + 5000 }),
      clock({ key: 'pdd|shop|b8', buyer: 'b8', dueAt: NOW + 1000, status: 'breached' }),
    ];
    const agents = [{ _id: `a|${AGENT_A}`, v: 1, kind: 'agent', agent: AGENT_A, label: '小王' } as const];
    const singles = [...aClocks.map((c) => clockDoc(AGENT_A, c)), ...bClocks.map((c) => clockDoc(AGENT_B, c))];
    const queues = [queueDoc(AGENT_A, aClocks, NOW), queueDoc(AGENT_B, bClocks, NOW)];
    const view = (docs: SyncDoc[]) => {
      const shop = new ShopDocs();
      for (const d of [...agents, ...docs]) shop.apply(d._id, d);
      return shopView(shop.docs.values(), DAY, undefined, NOW).waiting;
    };
    const fromSingles = view(singles);
    expect(fromSingles.map((c) => `${c.buyer}:${c.agent === AGENT_A ? 'A' : 'B'}`)).toEqual(['b8:B', 'b9:A']);
    expect(view(queues)).toEqual(fromSingles);
    // An agent on an older version (single documents) beside one with a queue: merged the same way.
    expect(view([queues[0]!, ...bClocks.map((c) => clockDoc(AGENT_B, c))])).toEqual(fromSingles);
    // A queue replaced by the feed (the agent answered b8): out of the list.
    const shop = new ShopDocs();
    for (const d of [...agents, ...queues]) shop.apply(d._id, d);
    shop.apply(`q|${AGENT_B}`, queueDoc(AGENT_B, bClocks.slice(0, 1), NOW));
    expect(shopView(shop.docs.values(), DAY, undefined, NOW).waiting.map((c) => c.buyer)).toEqual(['b9']);
    // A deleted queue (nobody waiting any more): none of its buyers.
    shop.apply(`q|${AGENT_A}`, undefined, true);
    expect(shopView(shop.docs.values(), DAY, undefined, NOW).waiting.map((c) => c.agent)).toEqual([AGENT_B]);
  });
});

describe('the shop view over a period', () => {
  it('names the days of today, yesterday, 7 and 30 days (China days), units for today and yesterday only', () => {
    // 00:30 China time: the China day, not the UTC one.
    const at = chinaTime(DAY, 0, 30);
    expect(shopRangeDays('today', at)).toEqual({ days: [DAY], unitDays: [DAY] });
    expect(shopRangeDays('yesterday', at)).toEqual({ days: ['2026-11-19'], unitDays: ['2026-11-19'] });
    const week = shopRangeDays('7d', at);
    expect(week.days).toEqual([
      '2026-11-14',
      '2026-11-15',
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
      DAY,
    ]);
    expect(week.unitDays).toEqual(['2026-11-19', DAY]);
    const month = shopRangeDays('30d', at);
    expect(month.days).toHaveLength(30);
    expect(month.days[0]).toBe('2026-10-22');
  });

  it('counts units for recent days and one rollup copy per rule, day and account for older days', () => {
    const old = '2026-11-16';
    const docs = [
      unitDoc(AGENT_A, unit({ buyer: 'b1', result: 'pass' })),
      unitDoc(AGENT_B, unit({ buyer: 'b1', result: 'unknown', replyAt: null })),
      unitDoc(AGENT_B, unit({ buyer: 'y1', day: '2026-11-19', result: 'fail', replyAt: null })),
      // Today's rollups are not counted (today's units are).
      rollupDoc(AGENT_A, rollup({ pass: 50 })),
      // An older day: both agents watched account "shop" (B's copy is fuller), only B watched "shop2".
      rollupDoc(AGENT_A, rollup({ id: `pdd.manual3min|${old}|pdd|shop`, day: old, pass: 5, fail: 1 })),
      rollupDoc(AGENT_B, rollup({ id: `pdd.manual3min|${old}|pdd|shop`, day: old, pass: 6, fail: 1 })),
      rollupDoc(
        AGENT_B,
        rollup({ id: `pdd.manual3min|${old}|pdd|shop2`, day: old, account: 'shop2', pass: 2, fail: 2 }),
      ),
      // Outside the period.
      rollupDoc(AGENT_B, rollup({ id: 'pdd.manual3min|2026-11-10|pdd|shop', day: '2026-11-10', pass: 99 })),
    ];
    const { days, unitDays } = shopRangeDays('7d', NOW);
    const v = shopView(docs, days, unitDays);
    expect(v.days).toEqual(days);
    expect(v.day).toBe(DAY);
    expect(v.metrics[0]!.counts).toMatchObject({ pass: 1 + 6 + 2, fail: 1 + 1 + 2, unknown: 0 });
    const a = v.agents.find((x) => x.agent === AGENT_A)!;
    const b = v.agents.find((x) => x.agent === AGENT_B)!;
    expect(a.counts).toMatchObject({ pass: 6, fail: 1 }); // its own: today's unit and its older rollup
    expect(a.counted).toBe(1);
    expect(b.counts).toMatchObject({ pass: 8, fail: 4, unknown: 1 });
    expect(b.counted).toBe(1 + 7 + 4);
    // Arrival order changes nothing; yesterday alone is its units.
    expect(shopView([...docs].reverse(), days, unitDays)).toEqual(v);
    const y = shopRangeDays('yesterday', NOW);
    expect(shopView(docs, y.days, y.unitDays).metrics[0]!.counts).toMatchObject({ pass: 0, fail: 1 });
    // Equal copies: the smaller agent id, whichever comes first.
    const same = [AGENT_B, AGENT_A].map((ag) =>
      rollupDoc(ag, rollup({ id: `pdd.manual3min|${old}|pdd|shop`, day: old })),
    );
    expect(preferRollup(same[0]!, same[1]!)).toBeGreaterThan(0);
    expect(preferRollup(same[1]!, same[0]!)).toBeLessThan(0);
  });
});

describe('the shop view: waiting buyers', () => {
  it('a waiting copy from an agent who missed the reply another agent saw is not a buyer waiting', () => {
    const conv = 'pdd|shop|b6';
    const stale = clockDoc(AGENT_B, clock({ key: conv, buyer: 'b6', lastMessageAt: NOW - 60_000 }));
    const shop = new ShopDocs();
    shop.apply(stale._id, stale);
    expect(shopView(shop.docs.values(), DAY).waiting.map((c) => c.buyer)).toEqual(['b6']);
    // Agent A answered after that message: its unit says so.
    const answered = unitDoc(AGENT_A, unit({ buyer: 'b6', result: 'pass', replyAt: NOW - 30_000 }));
    shop.apply(answered._id, answered);
    expect(shopView(shop.docs.values(), DAY).waiting).toEqual([]);
    // A new message after that reply: waiting again.
    const again = clockDoc(AGENT_B, clock({ key: conv, buyer: 'b6', lastMessageAt: NOW - 10_000 }));
    shop.apply(again._id, again);
    expect(shopView(shop.docs.values(), DAY).waiting.map((c) => c.buyer)).toEqual(['b6']);
    // Two days after it began (an agent turned sync off without reaching the server): no longer waiting.
    expect(shopView(shop.docs.values(), DAY, undefined, NOW + WAITING_MAX_AGE_MS - 61_000).waiting).toHaveLength(1);
    expect(shopView(shop.docs.values(), DAY, undefined, NOW + WAITING_MAX_AGE_MS).waiting).toEqual([]);
  });
});

describe('the setting', () => {
  const good: SyncConfig = {
    enabled: true,
    url: 'https://couch.shop.cn:6984/sentinel',
    user: 'a1',
    password: 'p',
    label: '',
  };

  it('accepts a database URL and refuses what is not one', () => {
    expect(storedSyncConfig(good)).toEqual(good);
    expect(storedSyncConfig({ ...good, url: 'https://couch.shop.cn:6984/sentinel/' })?.url).toBe(
      'https://couch.shop.cn:6984/sentinel',
    );
    expect(checkDbUrl('https://couch.shop.cn:6984/sentinel')).toBeUndefined();
    expect(checkDbUrl('ftp://x/db')).toBe('scheme');
    expect(checkDbUrl('https://u:p@x/db')).toBe('credentials');
    expect(checkDbUrl('https://x/')).toBe('dbName');
    expect(checkDbUrl('https://x/DB')).toBe('dbName');
    expect(checkDbUrl('https://x/db?a=1')).toBe('query');
    expect(checkDbUrl('not a url')).toBe('notUrl');
    // Typed one key at a time: a stray "%" (a broken escape) is not a database name, and no exception.
    for (const raw of ['https://x/db%', 'https://x/db%e4', 'https://x/%zz']) expect(checkDbUrl(raw)).toBe('dbName');
    expect(storedSyncConfig({ ...good, url: 'https://x/db%' })).toBeUndefined();
  });

  it('a malformed stored value is "off", never an error', () => {
    expect(storedSyncConfig(undefined)).toBeUndefined();
    expect(storedSyncConfig('x')).toBeUndefined();
    expect(storedSyncConfig({ ...good, enabled: 'yes' })).toBeUndefined();
    expect(storedSyncConfig({ ...good, url: 'javascript:alert(1)' })).toBeUndefined();
  });

  it('names the origin and its permission pattern', () => {
    expect(syncOrigin(good.url)).toEqual({ origin: 'https://couch.shop.cn:6984', pattern: 'https://couch.shop.cn/*' });
  });

  it('tells a wrong password from an unreachable server', () => {
    expect(syncErrorOf({ status: 401, name: 'unauthorized', message: 'Name or password is incorrect.' }).code).toBe(
      'auth',
    );
    expect(syncErrorOf(new TypeError('Failed to fetch')).code).toBe('network');
    expect(syncErrorOf({ status: 404, name: 'not_found' }).code).toBe('notFound');
    expect(syncErrorOf({ status: 500 }).code).toBe('server');
  });
});

// ---- the pusher against an in-memory CouchDB stand-in ----------------------------------------------------------

class FakeCouch implements RemoteDb {
  docs = new Map<string, { rev: number; doc: Record<string, unknown> }>();
  down = false;
  requests = 0;
  /** Documents written (bulkDocs rows), and the key ranges / keys read. */
  writes = 0;
  reads: string[] = [];
  /** Lose the reply of the next bulkDocs (the write reaches the server, the client sees a network error). */
  loseNextReply = false;
  /** As CouchDB's `max_document_size` (a larger document is refused) and a proxy's request body limit. */
  maxDocBytes = Infinity;
  maxBodyBytes = Infinity;
  /** The size of every bulkDocs request body (its documents' JSON). */
  bodies: number[] = [];
  private check() {
    this.requests++;
    if (this.down) throw new TypeError('Failed to fetch');
  }
  async info() {
    this.check();
    return { update_seq: 0 };
  }
  async allDocs(opts: { startkey?: string; endkey?: string; keys?: string[]; include_docs?: boolean }) {
    this.check();
    this.reads.push(opts.keys?.join(',') ?? opts.startkey!);
    const ids = opts.keys ?? [...this.docs.keys()].filter((k) => k >= opts.startkey! && k <= opts.endkey!).sort();
    return {
      rows: ids.flatMap((id) => {
        const d = this.docs.get(id);
        return d ? [{ id, key: id, value: { rev: `${d.rev}-x` }, doc: { ...d.doc, _id: id, _rev: `${d.rev}-x` } }] : [];
      }),
    };
  }
  async bulkDocs(list: object[]) {
    this.check();
    const body = new TextEncoder().encode(JSON.stringify({ docs: list })).length;
    this.bodies.push(body);
    if (body > this.maxBodyBytes) throw { status: 413, name: 'request_entity_too_large', message: 'too large' };
    this.writes += list.length;
    const out = list.map((raw) => {
      const d = raw as Record<string, unknown> & { _id: string; _rev?: string; _deleted?: boolean };
      if (new TextEncoder().encode(JSON.stringify(d)).length > this.maxDocBytes)
        return { error: true, id: d._id, status: 413, name: 'document_too_large' };
      const cur = this.docs.get(d._id);
      if ((cur ? `${cur.rev}-x` : undefined) !== d._rev)
        return { error: true, id: d._id, status: 409, name: 'conflict' };
      if (d._deleted) {
        this.docs.delete(d._id);
        return { ok: true as const, id: d._id, rev: 'deleted' };
      }
      const { _rev, ...doc } = d;
      const rev = (cur?.rev ?? 0) + 1;
      this.docs.set(d._id, { rev, doc });
      return { ok: true as const, id: d._id, rev: `${rev}-x` };
    });
    if (this.loseNextReply) {
      this.loseNextReply = false;
      throw new TypeError('Failed to fetch');
    }
    return out;
  }
  changes(): never {
    throw new Error('not used');
  }
}

class Host implements SyncHost {
  clock = NOW;
  granted = true;
  timers: { fn: () => void; at: number }[] = [];
  alarm: number | null = null;
  constructor(readonly couch: FakeCouch) {}
  now = () => this.clock;
  remote = () => this.couch;
  hasPermission = async () => this.granted;
  setTimer = (fn: () => void, ms: number) => {
    const t = { fn, at: this.clock + ms };
    this.timers.push(t);
    return () => void (this.timers = this.timers.filter((x) => x !== t));
  };
  setRetryAlarm = async (when: number | null) => void (this.alarm = when);
}

let n = 0;
let db: SentinelDB;
let couch: FakeCouch;
let host: Host;
let sync: TeamSync;
const CFG: SyncConfig = {
  enabled: true,
  url: 'http://127.0.0.1:5984/shop',
  user: 'agent1',
  password: 'pw',
  label: '小王',
};

beforeEach(async () => {
  db = new SentinelDB(`team-sync-${++n}`);
  await db.meta.put({ key: 'agentId', value: AGENT_A });
  couch = new FakeCouch();
  host = new Host(couch);
  sync = new TeamSync(db, host);
});
afterEach(() => db.close());

const ours = () => [...couch.docs.keys()].filter((k) => k.includes(AGENT_A)).sort();
/**
 * The withdrawal's time limit, once turning off has set it: it is set only after the settings read and the permission
 * check, so a fixed wait before looking for it is too short on a busy machine.
 */
const withdrawTimer = () =>
  vi.waitFor(() => {
    const t = host.timers.find((x) => x.at - host.clock === WITHDRAW_TIMEOUT_MS);
    expect(t).toBeDefined();
    return t!;
  });
/** Lets every promise callback queued run (the fake server answers in them): one task later. */
const drain = () => new Promise<void>((r) => setImmediate(r));
/**
 * Moves the host's clock `ms` on, firing the timers due meanwhile in their order (one at a time, what each caused
 * run before the next: a timer it set is due or not by then).
 */
async function advance(ms: number): Promise<void> {
  const to = host.clock + ms;
  for (;;) {
    await drain();
    const next = host.timers.filter((t) => t.at <= to).sort((a, b) => a.at - b.at)[0];
    if (!next) break;
    host.timers = host.timers.filter((t) => t !== next);
    host.clock = next.at;
    next.fn();
  }
  host.clock = to;
  await drain();
}
/** An agent's buyers waiting on the server: its queue document's entries. */
const queued = (agent = AGENT_A) =>
  (couch.docs.get(`q|${agent}`)?.doc as unknown as QueueDoc | undefined)?.clocks ?? [];
/** Their conversations. */
const waiting = (agent = AGENT_A) => queued(agent).map((c) => c.conv);

describe('the pusher', () => {
  it('while off: no request at all, whatever changes', async () => {
    await db.units.put(unit());
    sync.changed(0);
    await sync.push();
    expect(couch.requests).toBe(0);
    // A malformed stored setting is off too.
    await db.meta.put({ key: SYNC_META_KEY, value: { enabled: true, url: 'nope' } });
    const again = new TeamSync(db, host);
    await again.push();
    expect(couch.requests).toBe(0);
    expect((await again.status()).config).toBeNull();
  });

  it('refuses to turn on without the host permission or with a wrong password, and stores nothing then', async () => {
    host.granted = false;
    expect(await sync.set(CFG)).toMatchObject({ ok: false, code: 'permission' });
    expect(couch.requests).toBe(0);
    host.granted = true;
    couch.info = async () => {
      couch.requests++;
      throw { status: 401, name: 'unauthorized', message: 'Name or password is incorrect.' };
    };
    expect(await sync.set(CFG)).toMatchObject({ ok: false, code: 'auth', error: 'Name or password is incorrect.' });
    expect(await db.meta.get(SYNC_META_KEY)).toBeUndefined();
  });

  it('pushes units, rollups, waiting clocks and the agent; a second push writes nothing', async () => {
    // A day older than SYNC_DAYS_BACK is not pushed, even with local figures.
    await db.units.bulkPut([unit(), unit({ buyer: 'b3', result: 'fail' }), unit({ buyer: 'old', day: '2026-10-01' })]);
    await db.rollups.bulkPut([rollup(), rollup({ id: 'pdd.manual3min|2026-10-01|pdd|shop', day: '2026-10-01' })]);
    await db.clocks.bulkPut([clock(), clock({ key: 'pdd|shop|b7', buyer: 'b7', status: 'answered' })]);
    expect(await sync.set(CFG)).toEqual({ ok: true });
    await sync.push();
    expect(ours()).toEqual(
      [
        `a|${AGENT_A}`,
        `q|${AGENT_A}`,
        `r|${DAY}|${AGENT_A}|pdd.manual3min|${DAY}|pdd|shop`,
        `s|${DAY}|${AGENT_A}`,
        `u|${DAY}|${AGENT_A}|${unit().id}`,
        `u|${DAY}|${AGENT_A}|${unit({ buyer: 'b3' }).id}`,
      ].sort(),
    );
    expect(waiting()).toEqual(['pdd|shop|b2']); // the answered one is not waiting
    expect(JSON.stringify([...couch.docs.values()])).not.toContain('SECRET-TEXT');
    const revs = [...couch.docs.values()].map((d) => d.rev);
    await sync.push();
    // A fresh worker (nothing in memory) reads what is there and writes nothing either.
    await new TeamSync(db, host).push();
    expect([...couch.docs.values()].map((d) => d.rev)).toEqual(revs);
    expect((await sync.status()).error).toBeNull();
  });

  it('a change updates its document; a clock that stops waiting and a unit that goes are deleted', async () => {
    await db.units.bulkPut([unit({ result: 'pending', replyAt: null }), unit({ buyer: 'b3' })]);
    await db.clocks.put(clock());
    await sync.set(CFG);
    await sync.push();
    await db.units.put(unit());
    await db.units.delete(unit({ buyer: 'b3' }).id);
    await db.clocks.put(clock({ status: 'answered' }));
    await sync.push();
    expect(couch.docs.get(`u|${DAY}|${AGENT_A}|${unit().id}`)).toMatchObject({ rev: 2, doc: { result: 'pass' } });
    expect(ours()).toEqual([`a|${AGENT_A}`, `u|${DAY}|${AGENT_A}|${unit().id}`]);
  });

  it('offline: nothing is lost; retries back off and the next push sends everything', async () => {
    await sync.set(CFG);
    await sync.push();
    couch.down = true;
    await db.units.bulkPut([unit(), unit({ buyer: 'b3' })]);
    await sync.push();
    const s = await sync.status();
    expect(s.error?.code).toBe('network');
    expect(s.pending).toBeGreaterThan(0);
    expect(host.timers.at(-1)!.at - host.clock).toBe(1000);
    expect(host.alarm).toBe(host.clock + 30_000);
    await sync.push();
    expect(host.timers.at(-1)!.at - host.clock).toBe(2000);
    expect(host.timers).toHaveLength(1); // one retry pending, not one per failure
    couch.down = false;
    host.timers[0]!.fn();
    await sync.push();
    expect(ours()).toHaveLength(3);
    expect(await sync.status()).toMatchObject({ error: null, pending: 0, retryAt: null });
    expect(host.alarm).toBeNull();
  });

  it('a steady stream of changes is pushed within PUSH_DEBOUNCE_MS of the first, not postponed by each later one', async () => {
    await sync.set(CFG);
    for (const t of host.timers.splice(0)) t.fn(); // the push that turning on asks for
    await sync.push();
    const first = host.clock;
    for (let i = 0; i < 5; i++) {
      await db.units.put(unit({ buyer: `s${i}` }));
      sync.changed(undefined, { units: [unit({ buyer: `s${i}` }).id], rollups: [], clocks: [] });
      host.clock += 150; // a change every 150 ms: a trailing pause would wait for the last one
    }
    expect(host.timers.map((t) => t.at)).toEqual([first + PUSH_DEBOUNCE_MS]);
    // A sooner push (a change that asks for no pause) still goes first.
    sync.changed(0, { units: [], rollups: [], clocks: [] });
    expect(host.timers.map((t) => t.at)).toEqual([host.clock]);
    host.timers.splice(0)[0]!.fn();
    await sync.push();
    expect(ours().filter((k) => k.startsWith('u|'))).toHaveLength(5);
    // After the push, the next change sets a new moment from itself.
    sync.changed(undefined, { units: [], rollups: [], clocks: [] });
    expect(host.timers.map((t) => t.at - host.clock)).toEqual([PUSH_DEBOUNCE_MS]);
  });

  it('a write whose reply was lost is not written twice (same ids), and a stale revision is resolved', async () => {
    await db.units.put(unit());
    await sync.set(CFG);
    couch.loseNextReply = true;
    await sync.push();
    expect((await sync.status()).error?.code).toBe('network');
    await sync.push();
    expect(ours()).toHaveLength(2);
    expect(couch.docs.get(`u|${DAY}|${AGENT_A}|${unit().id}`)!.rev).toBe(1);
    // Someone changed our document behind our back (a restored backup, another copy of this profile): ours wins.
    const id = `u|${DAY}|${AGENT_A}|${unit().id}`;
    couch.docs.get(id)!.rev = 7;
    couch.docs.get(id)!.doc.result = 'fail';
    await db.units.put(unit({ responseSec: 61 }));
    await sync.push(); // conflict: the scope is read again
    expect((await sync.status()).error).not.toBeNull();
    await sync.push();
    expect(couch.docs.get(id)!.doc).toMatchObject({ result: 'pass', responseSec: 61 });
  });
});

describe('the pusher: older days', () => {
  /** A day `back` days before DAY, with `n` units and its rollup (as the background keeps them). */
  async function storeDay(back: number, n: number, over: Partial<UnitRow> = {}) {
    const day = chinaDay(NOW - back * 86_400_000);
    const units = Array.from({ length: n }, (_, i) =>
      unit({ buyer: `d${back}-${i}`, day, startAt: chinaTime(day, 10), ...over }),
    ).map((u) => ({ ...u, id: `pdd.manual3min|pdd|shop|${u.buyer}|${u.startAt}` }));
    await db.units.bulkPut(units);
    await db.rollups.put(rollup({ id: `pdd.manual3min|${day}|pdd|shop`, day, pass: n, updatedAt: NOW - back }));
    return { day, units };
  }
  const writes = () => couch.writes;
  const onServer = (day: string) => ours().filter((k) => k.startsWith(`u|${day}|`)).length;

  it('an agent offline for days pushes every stored day the server lacks; an unchanged day costs no request', async () => {
    const days = [await storeDay(3, 2), await storeDay(4, 3), await storeDay(5, 1)];
    await storeDay(SYNC_DAYS_BACK + 2, 2); // past the bound: stays local
    await sync.set(CFG);
    await sync.push();
    for (const d of days) expect(onServer(d.day)).toBe(d.units.length);
    expect(ours().filter((k) => k.startsWith('r|'))).toHaveLength(3);
    expect(onServer(chinaDay(NOW - (SYNC_DAYS_BACK + 2) * 86_400_000))).toBe(0);
    expect(await sync.status()).toMatchObject({ error: null, pending: 0 });
    // Again, and from a fresh worker (nothing in memory): older days are not read nor written again.
    const [w, r] = [writes(), couch.requests];
    await sync.push();
    await new TeamSync(db, host).push();
    expect(writes()).toBe(w);
    expect(couch.requests - r).toBe(9); // the first push: none; the fresh one: agent, 2 recent days × 3 kinds, queue, clocks
    // An older day's four scopes (units, rollups, summary, digests) were read once, when first pushed.
    expect(couch.reads.filter((k) => k.includes(days[1]!.day))).toHaveLength(4);
    // Its digest: one entry per unit, as `digestDocs` derives it from the units.
    expect(couch.docs.get(digestDocId(days[1]!.day, AGENT_A, days[1]!.units[0]!))?.doc).toMatchObject(
      digestDocs(AGENT_A, days[1]!.day, days[1]!.units)[0]!,
    );
    expect(ours().filter((k) => k.startsWith('w|'))).toHaveLength(3); // older days only, one rule × account each
  });

  it('a day changed locally later (a late reconciliation) is pushed again, only what differs', async () => {
    const d = await storeDay(4, 3);
    await sync.set(CFG);
    await sync.push();
    const before = writes();
    await db.units.put({ ...d.units[0]!, result: 'fail', replyAt: null });
    await db.rollups.update(`pdd.manual3min|${d.day}|pdd|shop`, { pass: 2, fail: 1, updatedAt: NOW });
    await sync.push();
    expect(writes() - before).toBe(4); // the unit, the rollup, the day's summary and its digest
    expect(couch.docs.get(`u|${d.day}|${AGENT_A}|${d.units[0]!.id}`)?.doc).toMatchObject({ result: 'fail' });
  });

  it('many days: caught up a few days per request round, all in one push call, bounded memory', async () => {
    const days = [];
    for (let back = 2; back < 2 + OLD_DAYS_PER_PUSH * 2 + 1; back++) days.push(await storeDay(back, 1));
    await sync.set(CFG);
    await sync.push();
    for (const d of days) expect(onServer(d.day)).toBe(1);
    expect(await sync.status()).toMatchObject({ error: null, pending: 0 });
  });

  it('offline for days then back: what failed is pushed; a database restored without us is filled again', async () => {
    await sync.set(CFG);
    await sync.push();
    couch.down = true;
    const d = await storeDay(3, 2);
    await sync.push();
    expect((await sync.status()).error?.code).toBe('network');
    couch.down = false;
    await sync.push();
    expect(onServer(d.day)).toBe(2);
    // The owner recreated the database: a fresh worker finds its agent document missing and sends every day again.
    couch.docs.clear();
    await new TeamSync(db, host).push();
    expect(onServer(d.day)).toBe(2);
  });

  it('days acknowledged by an older version (no digests) are pushed once more: their digests, nothing else', async () => {
    const days = [await storeDay(3, 2), await storeDay(4, 3)];
    await sync.set(CFG);
    await sync.push();
    // As an older version left them: no digests on the server, its signatures without the version.
    for (const k of ours().filter((x) => x.startsWith('w|'))) couch.docs.delete(k);
    const memo = (await db.meta.get('teamSyncDays'))!.value as { url: string; days: Record<string, string> };
    for (const day of Object.keys(memo.days)) memo.days[day] = memo.days[day]!.replace(/^d2\|/, '');
    await db.meta.put({ key: 'teamSyncDays', value: memo });
    const before = writes();
    const reads = couch.reads.length;
    await new TeamSync(db, host).push();
    expect(writes() - before).toBe(days.length); // one digest a day (one rule × account), the units not again
    expect(ours().filter((k) => k.startsWith('w|'))).toHaveLength(2);
    // Of those days only the digests' scopes were read (not their units, ~400 bytes each, nor rollups, summary).
    const older = couch.reads.slice(reads).filter((k) => days.some((d) => k.includes(d.day)));
    expect(older.sort()).toEqual(days.map((d) => `w|${d.day}|${AGENT_A}|`).sort());
    // And their signatures are the current ones now: nothing more next time.
    const again = writes();
    await new TeamSync(db, host).push();
    expect(writes()).toBe(again);
  });

  it('a digest above the size limit goes in parts: every document and request within the server’s limits', async () => {
    // 150 waits of one rule and account (~3.5 kB of digest) against a 1 kB limit; the server refuses larger
    // documents, and request bodies above 4 kB (a proxy).
    const d = await storeDay(3, 150);
    couch.maxDocBytes = 1024;
    couch.maxBodyBytes = 4096;
    sync = new TeamSync(db, host, { digestMaxBytes: 1024, batchMaxBytes: 4000 });
    await sync.set(CFG);
    await sync.push();
    expect(await sync.status()).toMatchObject({ error: null, pending: 0 });
    // Whole request bodies, their `{"docs":[…]}` included, within the batch limit itself.
    expect(Math.max(...couch.bodies)).toBeLessThanOrEqual(4000);
    const parts = ours()
      .filter((k) => k.startsWith(`w|${d.day}|`))
      .map((k) => couch.docs.get(k)!.doc as unknown as DigestPartDoc);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.every((p) => p.kind === 'digestPart' && p.parts === parts.length)).toBe(true);
    // The parts are the day's digest, whole.
    expect(wholeDigest(parts)?.waits).toBe((digestDocs(AGENT_A, d.day, d.units, Infinity)[0] as DigestDoc).waits);
    // Acknowledged: the next push, and a fresh worker's, write nothing (the same parts, the same ids).
    const w = writes();
    await sync.push();
    await new TeamSync(db, host, { digestMaxBytes: 1024, batchMaxBytes: 4000 }).push();
    expect(writes()).toBe(w);
  });

  it('a day whose digest shrinks from parts to one document: the other parts are deleted from the server', async () => {
    const d = await storeDay(3, 150);
    const limits = { digestMaxBytes: 1024 };
    sync = new TeamSync(db, host, limits);
    await sync.set(CFG);
    await sync.push();
    const digests = () => ours().filter((k) => k.startsWith(`w|${d.day}|`));
    expect(digests().length).toBeGreaterThanOrEqual(3);
    // A late reconciliation: all but 10 of the day's waits went (the rollup moved with them).
    await db.units.bulkDelete(d.units.slice(10).map((u) => u.id));
    await db.rollups.update(`pdd.manual3min|${d.day}|pdd|shop`, { pass: 10, updatedAt: NOW });
    await new TeamSync(db, host, limits).push();
    expect(digests()).toEqual([digestDocId(d.day, AGENT_A, d.units[0]!)]);
    expect(couch.docs.get(digests()[0]!)!.doc).toEqual(digestDocs(AGENT_A, d.day, d.units.slice(0, 10))[0]);
    // And grows again: parts again, under the same ids as before.
    await db.units.bulkPut(d.units);
    await db.rollups.update(`pdd.manual3min|${d.day}|pdd|shop`, { pass: 150, updatedAt: NOW + 1 });
    await new TeamSync(db, host, limits).push();
    expect(digests()).toEqual(
      digestDocs(AGENT_A, d.day, d.units, 1024)
        .map((x) => x._id)
        .sort(),
    );
    expect(digests().length).toBeGreaterThanOrEqual(3);
  });

  it('a day pruned locally is left on the server as it is', async () => {
    const d = await storeDay(6, 2);
    await sync.set(CFG);
    await sync.push();
    await db.units.where('day').equals(d.day).delete();
    await db.rollups.where('day').equals(d.day).delete();
    await new TeamSync(db, host).push();
    expect(onServer(d.day)).toBe(2);
  });
});

describe('the agent id (a fresh installation: none stored yet)', () => {
  const stored = async () => (await db.meta.get('agentId'))?.value;

  it('callers at the same time get one id, the one stored', async () => {
    await db.meta.delete('agentId');
    const ids = await Promise.all([agentId(db), agentId(db), agentId(db)]);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(1);
    expect(await stored()).toBe(ids[0]);
    expect(await agentId(db)).toBe(ids[0]);
  });

  it('the first push and the settings page’s status read at once: every document carries the stored id', async () => {
    // Saving the setting starts the first push; the settings page reads the status right away. Each created an id
    // of its own: the pusher sent everything under one, the stored one was the other (the e2e's agent filter found
    // none of this browser's waiting buyers on the server), and a worker restart would push a second agent.
    await db.meta.delete('agentId');
    await db.units.put(unit());
    await db.clocks.put(clock());
    expect(await sync.set(CFG)).toEqual({ ok: true });
    const [, status] = await Promise.all([sync.push(), sync.status(), sync.status()]);
    const id = await stored();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(status.agent).toBe(id);
    const agents = [...couch.docs.values()].map((d) => d.doc.agent);
    expect(agents).toHaveLength(3); // the agent, the unit, the queue
    expect(new Set(agents)).toEqual(new Set([id]));
    expect(waiting(id as string)).toEqual(['pdd|shop|b2']);
    // A restarted worker pushes as the same agent: nothing new, nothing twice.
    const revs = [...couch.docs.entries()].map(([k, d]) => [k, d.rev]);
    await new TeamSync(db, host).push();
    expect([...couch.docs.entries()].map(([k, d]) => [k, d.rev])).toEqual(revs);
  });
});

describe('view only, and turning pushing off', () => {
  it('view only: the server is checked once when saved, then nothing is pushed whatever changes', async () => {
    await db.units.put(unit());
    await db.clocks.put(clock());
    expect(await sync.set({ ...CFG, viewOnly: true })).toEqual({ ok: true });
    expect(couch.requests).toBe(1); // the credentials' check
    sync.changed(0);
    expect(host.timers).toEqual([]);
    await sync.push();
    await new TeamSync(db, host).push(); // a fresh worker reads the stored setting: view only
    expect(couch.requests).toBe(1);
    expect(couch.docs.size).toBe(0);
    expect((await sync.status()).config).toMatchObject({ enabled: true, viewOnly: true });
    // A wrong password is refused for view only too, and nothing changes.
    couch.info = async () => {
      throw { status: 401, name: 'unauthorized', message: 'Name or password is incorrect.' };
    };
    expect(await sync.set({ ...CFG, viewOnly: true, password: 'bad' })).toMatchObject({ ok: false, code: 'auth' });
  });

  it('an agent updated from single clock documents: its first push writes the queue, then deletes those', async () => {
    // The server as the older version left it: this agent's waiting buyers one document each (and another agent's).
    const legacy = [clock(), clock({ key: 'pdd|shop|gone', buyer: 'gone' })].map((c) => clockDoc(AGENT_A, c));
    const others = clockDoc(AGENT_B, clock());
    for (const d of [...legacy, others]) couch.docs.set(d._id, { rev: 1, doc: d as never });
    await db.clocks.bulkPut([clock(), clock({ key: 'pdd|shop|b3', buyer: 'b3' })]);
    const order: string[] = [];
    const bulk = couch.bulkDocs.bind(couch);
    couch.bulkDocs = async (list: object[]) => {
      for (const d of list as { _id: string; _deleted?: boolean }[]) order.push(`${d._deleted ? '-' : '+'}${d._id}`);
      return bulk(list);
    };
    await sync.set(CFG);
    await sync.push();
    expect(waiting()).toEqual(['pdd|shop|b2', 'pdd|shop|b3']);
    expect(ours().filter((k) => k.startsWith('c|'))).toEqual([]);
    expect(couch.docs.has(others._id)).toBe(true); // another agent's: not ours to delete
    // The queue went out before the single documents were deleted (a failure between leaves them, not nothing).
    const queueAt = order.indexOf(`+q|${AGENT_A}`);
    expect(queueAt).toBeGreaterThanOrEqual(0);
    for (const d of legacy) expect(order.indexOf(`-${d._id}`)).toBeGreaterThan(queueAt);
  });

  it('turning sync off first withdraws this agent’s waiting buyers, and leaves the rest (and other agents) there', async () => {
    await db.units.put(unit());
    await db.clocks.bulkPut([clock(), clock({ key: 'pdd|shop|b3', buyer: 'b3' })]);
    await sync.set(CFG);
    await sync.push();
    const other = queueDoc(AGENT_B, [clock()], NOW);
    couch.docs.set(other._id, { rev: 1, doc: other as never });
    // A waiting copy as an older version sent it (one document per conversation): withdrawn too.
    const legacy = clockDoc(AGENT_A, clock({ key: 'pdd|shop|b9', buyer: 'b9' }));
    couch.docs.set(legacy._id, { rev: 1, doc: legacy as never });
    expect(waiting()).toHaveLength(2);
    expect(await sync.set({ ...CFG, enabled: false })).toEqual({ ok: true, withdraw: 'done' });
    expect(ours().filter((k) => k.startsWith('c|') || k.startsWith('q|'))).toEqual([]);
    expect(couch.docs.has(other._id)).toBe(true);
    expect(ours()).toContain(`u|${DAY}|${AGENT_A}|${unit().id}`);
    // Off: no request from here on.
    const r = couch.requests;
    await db.clocks.put(clock({ key: 'pdd|shop|b4', buyer: 'b4' }));
    sync.changed(0);
    await sync.push();
    expect(couch.requests).toBe(r);
    expect(await db.meta.get(SYNC_META_KEY)).toMatchObject({ value: { enabled: false } });
  });

  it('switching to view only withdraws them too', async () => {
    await db.clocks.put(clock());
    await sync.set(CFG);
    await sync.push();
    expect(await sync.set({ ...CFG, viewOnly: true })).toEqual({ ok: true, withdraw: 'done' });
    expect(ours().filter((k) => k.startsWith('c|') || k.startsWith('q|'))).toEqual([]);
  });

  it('the server unreachable: sync turns off anyway, with a clear failure, and nothing more is tried', async () => {
    await db.clocks.put(clock());
    await sync.set(CFG);
    await sync.push();
    couch.down = true;
    const r = await sync.set({ ...CFG, enabled: false });
    expect(r).toMatchObject({ ok: true, withdraw: 'failed', detail: 'Failed to fetch' });
    expect(await db.meta.get(SYNC_META_KEY)).toMatchObject({ value: { enabled: false } });
    expect(host.alarm).toBeNull();
    expect(host.timers).toEqual([]);
  });

  it('a server that never answers: at most WITHDRAW_TIMEOUT_MS, then off', async () => {
    await db.clocks.put(clock());
    await sync.set(CFG);
    await sync.push();
    couch.allDocs = () => new Promise(() => undefined); // hangs
    const done = sync.set({ ...CFG, enabled: false });
    (await withdrawTimer()).fn();
    expect(await done).toMatchObject({ ok: true, withdraw: 'failed', detail: 'timed out' });
    expect(await db.meta.get(SYNC_META_KEY)).toMatchObject({ value: { enabled: false } });
  });

  it('a push still running when sync is turned off sends nothing more, nor does a withdrawal past its time', async () => {
    // Over one batch of writes, so the push has more to send after its first.
    await db.units.bulkPut(Array.from({ length: 700 }, (_, i) => unit({ buyer: `b${i}` })));
    await db.clocks.put(clock());
    await sync.set(CFG);
    // The server holds the push's first write.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const bulk = couch.bulkDocs.bind(couch);
    let sent = 0;
    couch.bulkDocs = async (list: object[]) => {
      sent += 1;
      await gate;
      return bulk(list);
    };
    const pushing = sync.push();
    // Deriving 700 units takes a while on a loaded machine (fake IndexedDB).
    await vi.waitFor(() => expect(sent).toBe(1), { timeout: 20_000 });
    const done = sync.set({ ...CFG, enabled: false });
    // The push not over in its time: the withdrawal goes ahead (nothing of the queue on the server yet), then waits
    // for it, within its own time.
    await withdrawTimer();
    const reads = couch.reads.length;
    await advance(WITHDRAW_TIMEOUT_MS);
    await vi.waitFor(() => expect(couch.reads.length).toBe(reads + 2));
    // Read: nothing to delete. Now it waits for the push, for its time.
    await withdrawTimer();
    await advance(WITHDRAW_TIMEOUT_MS);
    expect(await done).toMatchObject({ ok: true, withdraw: 'failed', detail: 'timed out' });
    // Off now. The held write gets its answer: nothing after it, from the push or the withdrawal.
    release();
    await pushing;
    // Time for a request that must not come (the push ended: anything of it or the withdrawal would be sent by now).
    await new Promise((r) => setTimeout(r, 50));
    expect([sent, couch.reads.length]).toEqual([1, reads + 2]);
    expect(couch.writes).toBeLessThanOrEqual(500);
    expect((await sync.status()).error).toBeNull();
  }, 30_000);

  it('a loaded server answering each request in 4 s: still withdrawn (each request has its own time), at most WITHDRAW_MAX_MS', async () => {
    await db.clocks.bulkPut([clock(), clock({ key: 'pdd|shop|b3', buyer: 'b3' })]);
    await sync.set(CFG);
    await sync.push();
    expect(waiting()).toHaveLength(2);
    const slow = (ms: number) => new Promise<void>((r) => host.setTimer(r, ms));
    const bulk = couch.bulkDocs.bind(couch);
    const all = couch.allDocs.bind(couch);
    couch.bulkDocs = async (list: object[]) => {
      await slow(4000);
      return bulk(list);
    };
    couch.allDocs = async (opts) => {
      await slow(4000);
      return all(opts);
    };
    let result: unknown;
    const done = sync.set({ ...CFG, enabled: false }).then((r) => (result = r));
    const start = host.clock;
    // The reads (4 s), then the deletion (4 s).
    for (const requests of [2, 1]) {
      await vi.waitFor(() => {
        if (result === undefined) expect(host.timers.filter((t) => t.at - host.clock === 4000)).toHaveLength(requests);
      });
      await advance(4000);
    }
    expect(await done).toEqual({ ok: true, withdraw: 'done' });
    expect(ours().filter((k) => k.startsWith('c|') || k.startsWith('q|'))).toEqual([]);
    expect(host.clock - start).toBeLessThanOrEqual(WITHDRAW_MAX_MS);
    expect(host.timers).toEqual([]);
  });

  it('a push not over within its time: the withdrawal goes ahead, and deletes again what the push wrote meanwhile', async () => {
    await db.clocks.put(clock());
    await sync.set(CFG);
    // The server holds the first push's write (the queue among it) until the withdrawal has read.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const bulk = couch.bulkDocs.bind(couch);
    let sent = 0;
    couch.bulkDocs = async (list: object[]) => {
      if (++sent === 1) await gate;
      return bulk(list);
    };
    const pushing = sync.push();
    await vi.waitFor(() => expect(sent).toBe(1));
    const done = sync.set({ ...CFG, enabled: false });
    await withdrawTimer();
    const reads = couch.reads.length;
    await advance(WITHDRAW_TIMEOUT_MS);
    await vi.waitFor(() => expect(couch.reads.length).toBe(reads + 2));
    expect(waiting()).toEqual([]); // read: nothing to withdraw yet
    release(); // the push's write lands now: its queue is on the server
    await pushing;
    expect(await done).toEqual({ ok: true, withdraw: 'done' });
    expect(ours().filter((k) => k.startsWith('c|') || k.startsWith('q|'))).toEqual([]);
  });

  it('a push still sending when sync is turned off: the withdrawal waits for it, then has its own time', async () => {
    await db.clocks.bulkPut([clock(), clock({ key: 'pdd|shop|b3', buyer: 'b3' })]);
    await sync.set(CFG);
    await sync.push();
    expect(waiting()).toHaveLength(2);
    // A loaded server, on the host's clock: the next push's write takes 4.9 s, each request after it 0.5 s.
    const slow = (ms: number) => new Promise<void>((r) => host.setTimer(r, ms));
    const bulk = couch.bulkDocs.bind(couch);
    const all = couch.allDocs.bind(couch);
    let first = true;
    couch.bulkDocs = async (list: object[]) => {
      const ms = first ? 4900 : 500;
      first = false;
      await slow(ms);
      return bulk(list);
    };
    couch.allDocs = async (opts) => {
      await slow(500);
      return all(opts);
    };
    await db.clocks.put(clock({ key: 'pdd|shop|b4', buyer: 'b4' }));
    const pushing = sync.push();
    await vi.waitFor(() => expect(host.timers.some((t) => t.at - host.clock === 4900)).toBe(true));
    let result: unknown;
    const done = sync.set({ ...CFG, enabled: false }).then((r) => (result = r));
    await withdrawTimer();
    // The push's write is answered after 4.9 s; then the withdrawal reads (0.5 s) and deletes (0.5 s).
    await advance(4900);
    await pushing;
    for (const requests of [2, 1]) {
      await vi.waitFor(() => {
        if (result === undefined) expect(host.timers.filter((t) => t.at - host.clock === 500)).toHaveLength(requests);
      });
      await advance(500);
    }
    expect(await done).toEqual({ ok: true, withdraw: 'done' });
    expect(ours().filter((k) => k.startsWith('c|') || k.startsWith('q|'))).toEqual([]);
    expect(host.timers).toEqual([]);
  });

  it('without the origin still granted: nothing is requested, the failure says so', async () => {
    await sync.set(CFG);
    await sync.push();
    host.granted = false;
    const r = couch.requests;
    expect(await sync.set({ ...CFG, enabled: false })).toMatchObject({ ok: true, withdraw: 'failed' });
    expect(couch.requests).toBe(r);
  });
});

describe('the background wiring (startTeamSync)', () => {
  it('pushes after a change of units, rollups or clocks, not after other tables, and never while off', async () => {
    const wired = startTeamSync(db, host);
    await db.units.put(unit());
    await new Promise((r) => setTimeout(r, 50));
    await wired.push(); // the setting is read: off
    host.timers = [];
    await db.units.put(unit({ buyer: 'b5' }));
    await new Promise((r) => setTimeout(r, 50));
    expect(host.timers).toEqual([]); // off: nothing scheduled
    expect(await wired.set(CFG)).toEqual({ ok: true });
    host.timers[0]!.fn();
    await wired.push();
    expect(ours()).toHaveLength(3);
    host.timers = [];
    await db.phrases.put({ text: 'x' } as never);
    await new Promise((r) => setTimeout(r, 50));
    expect(host.timers).toEqual([]);
    await db.clocks.put(clock());
    await new Promise((r) => setTimeout(r, 50));
    expect(host.timers).toHaveLength(1);
    host.timers[0]!.fn();
    await wired.push();
    expect(waiting()).toContain('pdd|shop|b2');
  });
});

// ---- a push costs what changed (issue 22) ------------------------------------------------------------------------

/** Dexie tells `storagemutated` subscribers after the transaction: let it. */
const settle = () => new Promise((r) => setTimeout(r, 20));

/** The server holds exactly this agent's local documents of today and yesterday and its queue of waiting clocks. */
async function expectServerEqualsLocal() {
  const days = [DAY, chinaDay(NOW - 86_400_000)];
  const want = new Map<string, string>();
  for (const u of await db.units.where('day').anyOf(days).toArray()) {
    const d = unitDoc(AGENT_A, u);
    want.set(d._id, contentKey(d));
  }
  for (const r of await db.rollups.where('day').anyOf(days).toArray()) {
    const d = rollupDoc(AGENT_A, r);
    want.set(d._id, contentKey(d));
  }
  const queue = queueDoc(AGENT_A, await db.clocks.toArray(), NOW);
  if (queue.clocks.length) want.set(queue._id, contentKey(queue));
  for (const day of days) {
    const rows = await db.rollups.where('day').equals(day).toArray();
    if (rows.length) want.set(`s|${day}|${AGENT_A}`, contentKey(summaryDoc(AGENT_A, day, rows)));
  }
  const got = new Map(
    [...couch.docs]
      .filter(([id]) => /^[urcsq]\|/.test(id) && id.includes(AGENT_A))
      .map(([id, v]) => [id, contentKey(v.doc)]),
  );
  expect(got).toEqual(want);
}

describe('the pusher: a push costs what changed', () => {
  const many = (k: number) => Array.from({ length: k }, (_, i) => unit({ buyer: `m${i}` }));
  const idOf = (buyer: string) => `u|${DAY}|${AGENT_A}|${unit({ buyer }).id}`;

  beforeEach(async () => {
    await db.meta.put({ key: SYNC_META_KEY, value: CFG });
    await db.units.bulkPut(many(200));
    await db.rollups.put(rollup({ pass: 200 }));
    await db.clocks.put(clock());
  });

  it('after one change a push reads and derives only the rows Dexie reported, and writes only them', async () => {
    const s = startTeamSync(db, host);
    await s.push();
    expect(s.stats).toEqual({ full: 1, partial: 0, rowsRead: 202 });
    await expectServerEqualsLocal();
    const writes = couch.writes;
    await db.units.put(unit({ buyer: 'm7', result: 'fail', replyAt: null }));
    await db.rollups.put(rollup({ pass: 199, fail: 1 }));
    await db.clocks.update(clock().key, { status: 'answered' });
    await settle();
    await s.push();
    // The unit, the rollup, the waiting clocks for the queue (none now: the one changed was answered), and the day's
    // rollups for its summary (one).
    expect(s.stats).toEqual({ full: 1, partial: 1, rowsRead: 205 });
    expect(couch.writes - writes).toBe(4); // unit, rollup, summary, the clock's deletion
    expect(couch.docs.get(`s|${DAY}|${AGENT_A}`)?.doc).toMatchObject({ rows: [{ pass: 199, fail: 1 }] });
    expect(couch.docs.get(idOf('m7'))).toMatchObject({ rev: 2, doc: { result: 'fail' } });
    expect(waiting()).not.toContain(clock().key); // stopped waiting: out of the queue
    await expectServerEqualsLocal();
    // A deleted unit leaves the server; a new waiting clock arrives (the queue: the one waiting clock read); still O(change).
    await db.units.delete(unit({ buyer: 'm8' }).id);
    await db.clocks.put(clock({ key: 'pdd|shop|b9', buyer: 'b9' }));
    await settle();
    await s.push();
    expect(s.stats).toEqual({ full: 1, partial: 2, rowsRead: 207 });
    expect(couch.docs.has(idOf('m8'))).toBe(false);
    await expectServerEqualsLocal();
    // Nothing changed: a push reads nothing and writes nothing.
    const w2 = couch.writes;
    await s.push();
    expect(s.stats).toEqual({ full: 1, partial: 3, rowsRead: 207 });
    expect(couch.writes).toBe(w2);
  });

  it('clocks written by an intake transaction (with events, units, rollups; put or bulkPut) and marked later are pushed', async () => {
    const s = startTeamSync(db, host);
    await s.push();
    await expectServerEqualsLocal();
    // As the worker's ingest: one transaction over several tables, clocks written one by one or in one bulkPut.
    for (const bulk of [false, true]) {
      const buyers = bulk ? ['k3', 'k4', 'k5'] : ['k1', 'k2'];
      const rows = buyers.map((b) => clock({ key: `pdd|shop|${b}`, buyer: b }));
      await db.transaction('rw', [db.events, db.clocks, db.units, db.rollups], async () => {
        await db.events.bulkPut(buyers.map((b) => ({ key: `e-${b}`, conv: `pdd|shop|${b}` }) as never));
        if (bulk) await db.clocks.bulkPut(rows);
        else for (const r of rows) await db.clocks.put(r);
        await db.units.put(unit({ buyer: buyers[0], result: 'pending', replyAt: null }));
        await db.rollups.put(rollup({ pass: 200, pending: buyers.length }));
      });
      await settle();
      const partial = s.stats.partial;
      await s.push();
      expect(s.stats.partial).toBe(partial + 1);
      for (const b of buyers) expect(waiting()).toContain(`pdd|shop|${b}`);
      await expectServerEqualsLocal();
    }
    // The alert bookkeeping's update of one clock, and of a clock that is gone: nothing lost, nothing invented.
    await db.clocks.update('pdd|shop|k1', { status: 'breached' });
    await db.clocks.update('pdd|shop|none', { status: 'breached' });
    await settle();
    await s.push();
    expect(queued().find((c) => c.conv === 'pdd|shop|k1')).toMatchObject({ status: 'breached' });
    expect(s.stats.full).toBe(1);
    await expectServerEqualsLocal();
  });

  it('off with the server unreachable, clocks changed while off, on again: the server equals the local waits', async () => {
    // The e2e's sequence, wired as the worker is: what changed while off (nothing kept) and a clock written while
    // the first push after turning on runs both reach the server.
    const s = startTeamSync(db, host);
    await s.push();
    await expectServerEqualsLocal();
    couch.down = true;
    expect(await s.set({ ...CFG, enabled: false })).toMatchObject({ ok: true, withdraw: 'failed' });
    expect(waiting()).toContain(clock().key); // stranded, as the settings page said
    await db.clocks.update(clock().key, { status: 'answered' });
    await db.clocks.bulkPut([clock({ key: 'pdd|shop|w1', buyer: 'w1' }), clock({ key: 'pdd|shop|w2', buyer: 'w2' })]);
    await db.units.put(unit({ buyer: 'w1', result: 'pending', replyAt: null }));
    await settle();
    expect(host.timers).toEqual([]);
    couch.down = false;
    expect(await s.set(CFG)).toEqual({ ok: true });
    // A clock written while the first push runs (between its reads and its writes).
    const bulk = couch.bulkDocs.bind(couch);
    let once = true;
    couch.bulkDocs = async (list: object[]) => {
      if (once) {
        once = false;
        await db.clocks.put(clock({ key: 'pdd|shop|w3', buyer: 'w3' }));
        await settle();
      }
      return bulk(list);
    };
    await s.push();
    while (host.timers.length) {
      host.timers.shift()!.fn();
      await s.push();
    }
    expect(waiting()).not.toContain(clock().key);
    for (const b of ['w1', 'w2', 'w3']) expect(waiting()).toContain(`pdd|shop|${b}`);
    await expectServerEqualsLocal();
  });

  it('a write whose keys Dexie does not list (50 rows or more), or a row of an older day, is a full diff', async () => {
    const s = startTeamSync(db, host);
    await s.push();
    await db.units.bulkPut(many(60).map((u) => ({ ...u, result: 'fail' as const, replyAt: null })));
    await settle();
    await s.push();
    expect(s.stats).toMatchObject({ full: 2, partial: 0 });
    await expectServerEqualsLocal();
    await db.units.put(unit({ buyer: 'late', day: '2026-11-15', startAt: chinaTime('2026-11-15', 10) }));
    await db.rollups.put(rollup({ id: `pdd.manual3min|2026-11-15|pdd|shop`, day: '2026-11-15', pass: 1 }));
    await settle();
    await s.push();
    expect(s.stats).toMatchObject({ full: 3, partial: 0 });
    expect(couch.docs.has(`u|2026-11-15|${AGENT_A}|${unit({ buyer: 'late' }).id}`)).toBe(true);
  });

  it('a worker restart: the first push is the full diff and the server ends equal to the local data', async () => {
    const s = startTeamSync(db, host);
    await s.push();
    // Changes while the worker was stopped (nobody told a pusher).
    const fresh = new TeamSync(db, host, { tracked: true });
    await db.units.put(unit({ buyer: 'm3', result: 'fail', replyAt: null }));
    await db.units.delete(unit({ buyer: 'm4' }).id);
    await db.clocks.delete(clock().key);
    await fresh.push();
    expect(fresh.stats).toMatchObject({ full: 1, partial: 0 });
    await expectServerEqualsLocal();
  });

  it('a change the pusher was not told of reaches the server by the periodic full check; the alarm pushes in full', async () => {
    const s = new TeamSync(db, host, { tracked: true });
    await s.push();
    await db.units.put(unit({ buyer: 'm1', result: 'fail', replyAt: null })); // not reported
    s.changed(0, { units: [], rollups: [], clocks: [] });
    await s.push();
    expect(s.stats).toMatchObject({ full: 1, partial: 1 });
    expect(couch.docs.get(idOf('m1'))!.doc.result).toBe('pass'); // not known yet
    host.clock += FULL_CHECK_MS;
    await s.push();
    expect(s.stats).toMatchObject({ full: 2, partial: 1 });
    await expectServerEqualsLocal();
    await db.units.put(unit({ buyer: 'm2', result: 'fail', replyAt: null })); // not reported either
    await s.push({ full: true }); // the retry alarm
    expect(s.stats).toMatchObject({ full: 3, partial: 1 });
    await expectServerEqualsLocal();
  });

  it('a partial push that fails (offline) is followed by a full diff: nothing is lost', async () => {
    const s = startTeamSync(db, host);
    await s.push();
    couch.down = true;
    await db.units.put(unit({ buyer: 'm5', result: 'fail', replyAt: null }));
    await settle();
    await s.push();
    expect((await s.status()).error?.code).toBeDefined();
    couch.down = false;
    await db.units.delete(unit({ buyer: 'm6' }).id); // while the push was failing
    await s.push();
    expect(s.stats.full).toBe(2);
    expect((await s.status()).error).toBeNull();
    await expectServerEqualsLocal();
  });
});

describe('the shop view from day summaries (issue 22)', () => {
  const AGENT_C = 'cccccccc-0000-4000-8000-000000000003';
  const YESTERDAY = chinaDay(NOW - 86_400_000);
  /** Generated days: A and B watch account "shop" (B missed some replies: unknown), C watches "shop2". */
  function generated() {
    const units: UnitDoc[] = [];
    const rows = new Map<string, UnitRow[]>();
    const add = (agent: string, u: UnitRow) => {
      units.push(unitDoc(agent, u));
      const list = rows.get(agent) ?? [];
      list.push(u);
      rows.set(agent, list);
    };
    const results = ['pass', 'fail', 'pending', 'notAssessed'] as const;
    for (const day of [YESTERDAY, DAY])
      for (let i = 0; i < 60; i++) {
        const metric = i % 3 ? 'pdd.manual3min' : 'pdd.reply30s';
        const base = { day, metric, startAt: chinaTime(day, 9) + i * 60_000, buyer: `g${i}` };
        const result = results[i % results.length]!;
        const shared = unit({ ...base, result, id: `${metric}|pdd|shop|g${i}|${day}|${i}` });
        add(AGENT_A, shared);
        // B's tab missed the reply of some decided waits: its copy is unknown there.
        add(AGENT_B, i % 5 || i % 4 > 1 ? shared : { ...shared, result: 'unknown', replyAt: null });
        add(AGENT_C, unit({ ...base, account: 'shop2', result, id: `${metric}|pdd|shop2|g${i}|${day}|${i}` }));
      }
    const summaries = [...rows].flatMap(([agent, list]) =>
      [YESTERDAY, DAY].map((day) => {
        const tally = new Map<string, RollupRow>();
        for (const u of list.filter((x) => x.day === day)) {
          const id = `${u.metric}|${u.day}|${u.platform}|${u.account}`;
          const r = tally.get(id) ?? rollup({ id, metric: u.metric, day, account: u.account, pass: 0, fail: 0 });
          r[u.result] += 1;
          tally.set(id, r);
        }
        return summaryDoc(agent, day, [...tally.values()]);
      }),
    );
    return { units, summaries };
  }
  const figures = (v: ReturnType<typeof shopView>) => ({
    metrics: v.metrics,
    agents: v.agents.map(({ agent, counts, counted }) => ({ agent, counts, counted })),
  });

  it('gives the same figures as the units, two agents of one account counted once', () => {
    const { units, summaries } = generated();
    for (const days of [[DAY], [YESTERDAY], [YESTERDAY, DAY]]) {
      const fromUnits = shopView(units, days);
      const fromSummaries = shopView(summaries, days);
      expect(figures(fromSummaries)).toEqual(figures(fromUnits));
      // Both together (the view after its second read): still the same, nothing counted twice.
      expect(figures(shopView([...units, ...summaries], days))).toEqual(figures(fromUnits));
    }
    const today = shopView(summaries, DAY);
    const total = today.metrics.reduce((n, m) => n + Object.values(m.counts).reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(120); // 60 on "shop" (A's copy), 60 on "shop2"
  });

  it('an agent without summaries (an older version) still counts from its units, once', () => {
    const { units, summaries } = generated();
    const withoutC = [...summaries.filter((s) => s.agent !== AGENT_C), ...units];
    expect(figures(shopView(withoutC, DAY))).toEqual(figures(shopView(units, DAY)));
    // B old (units only), A with summaries, same account: that account counts from the units read, once.
    const mixed = [...summaries.filter((s) => s.agent !== AGENT_B), ...units.filter((u) => u.agent === AGENT_B)];
    const v = shopView(mixed, DAY);
    expect(v.metrics.reduce((n, m) => n + Object.values(m.counts).reduce((a, b) => a + b, 0), 0)).toBe(120);
    expect(v.agents.find((a) => a.agent === AGENT_B)).toMatchObject({ counted: 60 });
    expect(v.agents.find((a) => a.agent === AGENT_B)!.counts.unknown).toBe(6);
    // A's own figures still come from its summary; the shop counted B's units there.
    expect(v.agents.find((a) => a.agent === AGENT_A)).toMatchObject({ counted: 0, counts: { pass: 15, fail: 15 } });
  });

  /** Every document on a server: generated() plus D (no summaries: an older version) and every agent's name. */
  function onServer() {
    const { units, summaries } = generated();
    const AGENT_D = 'dddddddd-0000-4000-8000-000000000004';
    const dUnits: UnitDoc[] = [];
    for (const day of [YESTERDAY, DAY])
      for (let i = 0; i < 30; i++) {
        const base = { day, startAt: chinaTime(day, 9) + i * 60_000, buyer: `g${i}` };
        // D shares C's account for one rule (its copy of C's waits, some not decided), and has one of its own.
        if (i % 3 === 0) {
          const c = units.find((u) => u.agent === AGENT_C && u.day === day && u.buyer === `g${i}`)!;
          dUnits.push({ ...c, _id: c._id.replace(AGENT_C, AGENT_D), agent: AGENT_D, result: 'unknown', replyAt: null });
        }
        const id = `pdd.manual3min|pdd|shop3|d${i}|${day}|${i}`;
        dUnits.push(unitDoc(AGENT_D, unit({ ...base, buyer: `d${i}`, account: 'shop3', id })));
      }
    const agents = [AGENT_A, AGENT_B, AGENT_C, AGENT_D].map((a) => agentDoc(a, a.slice(0, 1)));
    const server = new FakeCouch();
    for (const d of [...units, ...dUnits, ...summaries, ...agents]) server.docs.set(d._id, { rev: 1, doc: { ...d } });
    return { server, allUnits: [...units, ...dUnits], summaries, agents, AGENT_D };
  }

  it('reads only the units the figures need, and they equal what all units give', async () => {
    const { server, allUnits, summaries, agents, AGENT_D } = onServer();
    const docs = new ShopDocs(true);
    for (const d of [...summaries, ...agents]) docs.apply(d._id, d);
    const reads = await readUnits(server, docs, [YESTERDAY, DAY]);
    for (const days of [[DAY], [YESTERDAY], [YESTERDAY, DAY]])
      expect(figures(shopView(docs.docs.values(), days))).toEqual(figures(shopView(allUnits, days)));
    // A and B's shared account: both rules, both days (8 reads); D's whole days (2); C's units of the rule D
    // shares with it (2); nothing of C's other rule (one agent's, from its summary).
    expect(reads).toBe(12);
    const held = [...docs.docs.values()].filter((d) => d.kind === 'unit');
    expect(held.filter((u) => u.agent === AGENT_C).every((u) => u.metric === 'pdd.reply30s')).toBe(true);
    expect(held.filter((u) => u.agent === AGENT_C).length).toBe(40);
    expect(held.filter((u) => u.agent === AGENT_D).length).toBe(80);
    expect(held.length).toBe(240 + 40 + 80);
    // Shared account "shop" counted once (60 waits a day), D counted (30 of its own a day, and C's waits once).
    const today = shopView(docs.docs.values(), DAY);
    const total = today.metrics.reduce((n, m) => n + Object.values(m.counts).reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(60 + 60 + 30);
    expect(today.agents.find((a) => a.agent === AGENT_D)).toMatchObject({ counts: { unknown: 10, pass: 30 } });
    // Nothing left to read: a second call reads nothing.
    expect(await readUnits(server, docs, [YESTERDAY, DAY])).toBe(0);
  });

  it('live: a unit outside what was read is not counted over a summary; a summary that makes an account shared is read', async () => {
    const { server, allUnits, summaries, agents } = onServer();
    const docs = new ShopDocs(true);
    for (const d of [...summaries, ...agents]) docs.apply(d._id, d);
    await readUnits(server, docs, [YESTERDAY, DAY]);
    const before = figures(shopView(docs.docs.values(), DAY));
    // C's next unit of its own rule arrives by the feed: not kept (C's rule counts from its summary, which follows).
    const next = unitDoc(AGENT_C, unit({ buyer: 'z1', account: 'shop2', id: `pdd.manual3min|pdd|shop2|z1|${DAY}|z` }));
    expect(docs.apply(next._id, next)).toBe(false);
    expect(figures(shopView(docs.docs.values(), DAY))).toEqual(before);
    // E (a new agent, with summaries) starts on C's account: that rule and account is now read for both.
    const AGENT_E = 'eeeeeeee-0000-4000-8000-000000000005';
    const eUnits = allUnits
      .filter((u) => u.agent === AGENT_C && u.day === DAY && u.metric === 'pdd.manual3min')
      .slice(0, 10)
      .map((u) => ({ ...u, _id: u._id.replace(AGENT_C, AGENT_E), agent: AGENT_E }));
    for (const u of eUnits) server.docs.set(u._id, { rev: 1, doc: { ...u } });
    const tally = rollup({ id: `pdd.manual3min|${DAY}|pdd|shop2`, account: 'shop2', pass: 0, fail: 0 });
    for (const u of eUnits) tally[u.result] += 1;
    const eSummary = summaryDoc(AGENT_E, DAY, [tally]);
    docs.apply(eSummary._id, eSummary);
    // (E has no summary of yesterday: its whole yesterday is read, nothing there.)
    expect(docs.unitReads([YESTERDAY, DAY]).map((r) => [r.day, r.agent, r.key?.account])).toEqual([
      [YESTERDAY, AGENT_E, undefined],
      [DAY, AGENT_C, 'shop2'],
      [DAY, AGENT_E, 'shop2'],
    ]);
    expect(await readUnits(server, docs, [YESTERDAY, DAY])).toBe(3);
    expect(figures(shopView(docs.docs.values(), DAY))).toEqual(figures(shopView([...allUnits, ...eUnits], DAY)));
  });

  it('an open owner view follows the stored setting: off (or malformed) closes it, another server or user reads again', () => {
    const on = { ...CFG };
    expect(viewSettingKey(undefined)).toBe('off');
    expect(viewSettingKey(null)).toBe('off');
    expect(viewSettingKey('garbage')).toBe('off');
    expect(viewSettingKey({ ...on, enabled: false })).toBe('off');
    expect(viewSettingKey({ ...on, enabled: 'true' })).toBe('off');
    expect(viewSettingKey(on)).not.toBe('off');
    // The same server and user: the same key whatever else changed (the label, view only).
    expect(viewSettingKey({ ...on, label: 'x', viewOnly: true })).toBe(viewSettingKey(on));
    for (const other of [{ url: 'http://127.0.0.1:5984/other' }, { user: 'agent2' }, { password: 'pw2' }])
      expect(viewSettingKey({ ...on, ...other })).not.toBe(viewSettingKey(on));
  });

  it('a malformed summary is ignored', () => {
    expect(asSyncDoc({ _id: 's|x|a', v: 1, kind: 'summary', agent: 'a', day: DAY, rows: [{}] })).toBeUndefined();
    expect(asSyncDoc({ _id: 's|x|a', v: 1, kind: 'summary', agent: 'a', day: DAY })).toBeUndefined();
    expect(asSyncDoc(summaryDoc(AGENT_A, DAY, [rollup()]))).toMatchObject({ kind: 'summary', rows: [{ pass: 3 }] });
  });
});
