import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accountBreakdown,
  accountBreakdownFromStats,
  completeDaysScope,
  estimateHandling,
  estimateHandlingFromStats,
  hourWeekFromStats,
  hourWeekMatrices,
  quantile,
  rangeScope,
  responseTrends,
  responseTrendsFromStats,
  staffingPlan,
  staffingPlanFromStats,
} from '../../lib/analytics';
import {
  applyDayStatDelta,
  buildDayStats,
  dayStatsDelta,
  isDayStatRow,
  kthOfSorted,
  packWaits,
  quantileOfSorted,
  unpackWaits,
  waitsOf,
  type DayStatRow,
} from '../../lib/analytics/daystats';
import { Sentinel } from '../../lib/background/sentinel';
import { readDayStats } from '../../lib/db/daystats-read';
import { RECOMPUTE_KEY } from '../../lib/db/meta';
import { LATEST_SCHEMA_VERSION, SCHEMA_HISTORY, SentinelDB } from '../../lib/db/schema';
import type { UnitRow } from '../../lib/model';
import { evaluate } from '../../lib/engine';
import { chinaDay } from '../../lib/engine/time';
import type { Author, ChatEvent, Platform } from '../../lib/model';
import { effectiveRules, type RuleOverrides } from '../../lib/rules';
import { prng } from '../../scripts/bench/synth';
import { ev, t, watchedAllDay } from './helpers/events';
import { FakeHost } from './helpers/host';
import { dayStatsFromUnits, expectRollupsMatchUnits, storedDayStats } from './helpers/rollups';

let n = 0;
let dbName: string;
let db: SentinelDB;
let host: FakeHost;

beforeEach(() => {
  dbName = `daystats-${++n}`;
  db = new SentinelDB(dbName);
  host = new FakeHost();
});
afterEach(() => db.close());

describe('quantiles of sorted arrays', () => {
  it('equal `quantile` of all the values sorted, with repeats and never-answered (Infinity)', () => {
    const rand = prng(7);
    for (let trial = 0; trial < 300; trial++) {
      const arrays: Float64Array[] = [];
      const all: number[] = [];
      for (let a = 0, k = Math.floor(rand() * 6); a < k; a++) {
        const vals = Array.from({ length: Math.floor(rand() * 30) }, () =>
          rand() < 0.1 ? Infinity : Math.round(rand() * 400_000) / 1000,
        );
        if (rand() < 0.3) vals.push(...vals.slice(0, 3)); // repeats
        vals.sort((x, y) => x - y);
        arrays.push(Float64Array.from(vals));
        all.push(...vals);
      }
      all.sort((x, y) => x - y);
      for (const p of [0, 0.1, 0.5, 0.9, 1]) expect(quantileOfSorted(arrays, p)).toBe(quantile(all, p));
      for (let k = 0; k < all.length; k++) expect(kthOfSorted(arrays, k)).toBe(all[k]);
    }
  });
});

describe('quantiles of sorted arrays: values read', () => {
  /** Sorted waits as a day's row holds them (10⁻³ s steps, 1.5 % never answered), read through a counter. */
  const counted = (count: number, length: number, seed: number) => {
    const rand = prng(seed);
    let reads = 0;
    const plain = Array.from({ length: count }, () =>
      Float64Array.from(
        Array.from({ length }, () => (rand() < 0.015 ? Infinity : Math.round(-Math.log(rand()) * 40_000) / 1000)),
      ).sort(),
    );
    const arrays = plain.map(
      (values) =>
        new Proxy(values, {
          get: (a, k) => {
            if (typeof k === 'string' && /^\d+$/.test(k)) reads++;
            return Reflect.get(a, k, a) as unknown;
          },
        }) as ArrayLike<number>,
    );
    return { arrays, reads: () => reads, all: plain.flatMap((a) => Array.from(a)).sort((x, y) => x - y) };
  };

  it('a day of one row: a value and one search for its neighbour, not a search per step', () => {
    // The analytics page's first frame asks a median and a P90 per day and platform (90 days: 540 of them).
    const day = counted(1, 1700, 11);
    const got = [quantileOfSorted(day.arrays, 0.5), quantileOfSorted(day.arrays, 0.9)];
    expect(got).toEqual([quantile(day.all, 0.5), quantile(day.all, 0.9)]);
    expect(day.reads()).toBeLessThanOrEqual(4 * Math.ceil(Math.log2(1700)));
  });

  it('a range of 91 rows: at most a fifth of the values read, and the same quantiles', () => {
    const range = counted(91, 1700, 12);
    const got = [quantileOfSorted(range.arrays, 0.5), quantileOfSorted(range.arrays, 0.9)];
    expect(got).toEqual([quantile(range.all, 0.5), quantile(range.all, 0.9)]);
    expect(range.reads()).toBeLessThanOrEqual((91 * 1700) / 5);
  });

  it('a rank beyond the values is refused, with one array or several', () => {
    expect(() => kthOfSorted([Float64Array.from([1, 2])], 2)).toThrow(RangeError);
    expect(() => kthOfSorted([Float64Array.from([1]), Float64Array.from([2])], 2)).toThrow(RangeError);
    expect(() => kthOfSorted([Float64Array.from([1]), new Float64Array(0)], 1)).toThrow(RangeError);
    expect(() => kthOfSorted([], 0)).toThrow(RangeError);
    expect(quantileOfSorted([new Float64Array(0)], 0.5)).toBeNull();
  });
});

describe('row deltas', () => {
  const unit = (over: Partial<UnitRow>): UnitRow => ({
    id: `pdd.manual3min|pdd|s|b|${over.startAt ?? 0}`,
    metric: 'pdd.manual3min',
    platform: 'pdd',
    account: 's',
    buyer: 'b',
    conv: 'pdd|s|b',
    day: '2026-11-20',
    startAt: t('10:00:00'),
    dueAt: t('10:03:00'),
    replyAt: null,
    responseSec: 20,
    cappedSec: null,
    result: 'pass',
    rulesVersion: 'x',
    ...over,
  });

  it('a malformed or disagreeing stored row asks for a rebuild instead of throwing', () => {
    const u = unit({});
    const [row] = buildDayStats([u]);
    const one = (old: UnitRow[]) => [...dayStatsDelta(old, []).values()][0]!;
    const d = () => one([u]);
    expect(applyDayStatDelta(row, d())).toBeNull();
    const bad: unknown[] = [
      { ...row, waits: [20] },
      { ...row, n: -1 },
      { ...row, vol: null },
      { ...row, vol: { 999: 1 } },
      { ...row, id: 'other' },
      { ...row, waits: Float64Array.from([30, 20]) },
      'garbage',
      null,
      42,
    ];
    for (const b of bad) expect(applyDayStatDelta(b as DayStatRow, d())).toBe('rebuild');
    // A wait to take away that is not stored.
    expect(applyDayStatDelta(row, one([unit({ responseSec: 99 })]))).toBe('rebuild');
    // Removing from nothing.
    expect(applyDayStatDelta(undefined, d())).toBe('rebuild');
  });

  it('the rebuild leaves out damaged units instead of stopping', () => {
    const good = unit({});
    const rows = buildDayStats([good, { ...good, startAt: NaN }, { ...good, result: 'weird' } as never, {} as never]);
    expect(rows).toEqual(buildDayStats([good]));
  });
});

/** Every figure of the analytics page, from the aggregates and from the raw units, over several scopes. */
async function expectPageFiguresMatch(db: SentinelDB, overrides: RuleOverrides | undefined, now: number) {
  await expectRollupsMatchUnits(db);
  const rules = effectiveRules(overrides);
  const units = await db.units.toArray();
  const stats = await storedDayStats(db);
  const rebuilt = buildDayStats(units);
  const rollups = await db.rollups.toArray();
  const events = await db.events.toArray();
  const today = chinaDay(now);
  const accounts = [...new Set(units.map((u) => `${u.platform}|${u.account}`))].map((k) => {
    const i = k.indexOf('|');
    return { platform: k.slice(0, i) as Platform, account: k.slice(i + 1) };
  });
  let figures = 0;
  for (const range of [1, 7, 30, 90]) {
    for (const only of [undefined, ...accounts]) {
      const scope = rangeScope(today, range, only);
      const staff = completeDaysScope(today, range, only);
      const opts = { ahtSec: 45, targetSec: 180, targetLevel: 0.8 };
      for (const s of [stats, rebuilt]) {
        const raw = responseTrends(rules, units, scope);
        expect(responseTrendsFromStats(rules, s, scope)).toEqual(raw);
        expect(hourWeekFromStats(rules, s, scope)).toEqual(hourWeekMatrices(rules, units, scope));
        expect(accountBreakdownFromStats(rules, rollups, s, scope)).toEqual(
          accountBreakdown(rules, rollups, units, scope),
        );
        expect(staffingPlanFromStats(rules, s, staff, opts)).toEqual(staffingPlan(rules, units, staff, opts));
        expect(estimateHandlingFromStats(rules, events, s, staff)).toEqual(
          estimateHandling(rules, events, units, staff),
        );
        figures += raw.reduce((k, r) => k + r.points.filter((p) => p.n).length, 0);
      }
    }
  }
  return figures;
}

describe('aggregates kept by the Sentinel equal aggregates rebuilt from units and the raw computation', () => {
  const ACCOUNTS: [Platform, string, number][] = [
    ['pdd', 'shop-main', 7],
    ['pdd', 'shop-b:小王', 8],
    ['jd', 'jd-shop', 9],
    ['taobao', 'tb:客服1', 10],
  ];
  const health = (s: Sentinel, [platform, account, tab]: [Platform, string, number]) =>
    s.health(
      {
        type: 'health',
        platform,
        account,
        health: 'watching',
        parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
        url: `https://example.test/${platform}`,
      },
      tab,
    );
  const send = (s: Sentinel, platform: Platform, account: string, events: ChatEvent[]) =>
    s.ingest({ type: 'events', platform, account, events });

  it('through ingest, recomputes that change results, retention pruning and a rules-version recompute', async () => {
    const rand = prng(20261204);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const authors: Author[] = ['buyer', 'buyer', 'buyer', 'human', 'human', 'robot', 'assist'];
    const sent: ChatEvent[] = [];
    let s = new Sentinel(db, host);
    await s.updateSettings({ retentionDays: 3 });
    let figures = 0;
    const days = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];
    for (const [di, day] of days.entries()) {
      host.clock = t('08:30:00', day);
      for (let i = 0; i < 90; i++) {
        host.clock += 1000 * (5 + Math.floor(rand() * 400));
        const acct = pick(ACCOUNTS);
        const [platform, account] = acct;
        if (rand() < 0.6) await health(s, acct);
        const r = rand();
        if (r < 0.08 && sent.length) {
          // A message sent again (idempotent), or history shown later: a reply with its own earlier time, which
          // settles an unknown wait or turns a pending one into a pass or fail.
          const old = pick(sent);
          const reply = ev(old.platform, old.buyer, 'human', old.at + 1000 * (10 + Math.floor(rand() * 400)), {
            account: old.account,
          });
          await send(s, old.platform, old.account, rand() < 0.5 ? [old] : [reply]);
          sent.push(reply);
        } else {
          const e = ev(platform, `b${Math.floor(rand() * 8)}`, pick(authors), host.clock - Math.floor(rand() * 3000), {
            account,
            ...(rand() < 0.3 && { buyerNick: `买家${Math.floor(rand() * 5)}` }),
          });
          sent.push(e);
          await send(s, platform, account, [e]);
        }
        if (rand() < 0.1) await s.tick();
      }
      host.clock = t('23:00:00', day);
      await s.tick();
      figures += await expectPageFiguresMatch(db, undefined, host.clock);
      if (di === 2) {
        // A worker restart two days on prunes the oldest day's messages (retention 3 days): it stays frozen.
        host.clock = t('09:00:00', days[di + 1]!);
        s = new Sentinel(new SentinelDB(dbName), host);
        await s.start();
        figures += await expectPageFiguresMatch(db, undefined, host.clock);
      }
    }
    // A rules change recomputed by the queue a new rules version uses (`meta.recompute`, as schema v7 did):
    // every conversation, under an hour's PDD deadline (late replies pass now) and a longer JD one.
    const overrides = { 'pdd.manual3min': { thresholdSec: 3600 }, 'jd.dd30s': { thresholdSec: 90 } } as RuleOverrides;
    const before = await db.units.toArray();
    expect((await s.updateSettings({ ruleOverrides: overrides })).ok).toBe(true);
    const convs = [...new Set((await db.events.toArray()).map((e) => e.conv))];
    await db.meta.put({ key: RECOMPUTE_KEY, value: convs });
    host.clock += 60_000;
    s = new Sentinel(new SentinelDB(dbName), host);
    await s.start();
    expect(await db.meta.get(RECOMPUTE_KEY)).toBeUndefined();
    const after = await db.units.toArray();
    const changed = after.filter((u) => {
      const b = before.find((x) => x.id === u.id);
      return b && b.result !== u.result;
    });
    expect(changed.length).toBeGreaterThan(0);
    figures += await expectPageFiguresMatch(db, overrides, host.clock);
    // Something was compared: days with decided units in several scopes.
    expect(figures).toBeGreaterThan(50);
    // The frozen day kept its aggregates, equal to its (kept) units.
    expect((await storedDayStats(db)).some((r) => r.day === '2026-11-16')).toBe(true);
  }, 60_000);

  it('a malformed aggregate row does not stop the worker: it is rebuilt from the units', async () => {
    const s = new Sentinel(db, host);
    await health(s, ACCOUNTS[0]!);
    host.clock = t('10:00:00');
    await send(s, 'pdd', 'shop-main', [ev('pdd', 'a', 'buyer', t('09:58:00')), ev('pdd', 'a', 'human', t('09:59:00'))]);
    await send(s, 'pdd', 'shop-main', [ev('pdd', 'c', 'buyer', t('09:50:00')), ev('pdd', 'c', 'human', t('09:59:30'))]);
    const rows = await storedDayStats(db);
    expect(rows.length).toBeGreaterThan(0);
    // Damage every row in a different way.
    const damage: ((r: DayStatRow) => unknown)[] = [
      (r) => ({ ...r, waits: 'nope' }),
      (r) => ({ ...r, n: 0, vol: {} }),
      (r) => ({ id: r.id }),
      (r) => ({ ...r, waits: new Float64Array(0) }),
    ];
    await db.dayStats.bulkPut(rows.map((r, i) => damage[i % damage.length]!(r) as DayStatRow));
    // The page does not trust them: it rebuilds those days from their units (in memory).
    const metrics = [...new Set(rows.map((r) => r.metric))];
    const read = await readDayStats(db, metrics, '2026-11-01', '2026-11-30');
    expect(read.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(await dayStatsFromUnits(db));
    // The worker goes on, and rewrites every row a change touches from the units.
    host.clock = t('10:05:00');
    await send(s, 'pdd', 'shop-main', [ev('pdd', 'a', 'buyer', t('10:04:00')), ev('pdd', 'c', 'buyer', t('10:04:10'))]);
    await send(s, 'pdd', 'shop-main', [ev('pdd', 'a', 'human', t('10:04:30'))]);
    await send(s, 'pdd', 'shop-main', [ev('pdd', 'c', 'human', t('10:06:30'))]);
    // New rounds on the primary metric touched its row: rewritten from the units. (A row no change touches, here
    // the first-round metric's, stays as it is until one does; the page reads it rebuilt meanwhile.)
    const primary = (rs: DayStatRow[]) => rs.filter((r) => r.metric === 'pdd.manual3min');
    expect(primary(await storedDayStats(db))).toEqual(primary(await dayStatsFromUnits(db)));
    const again = await readDayStats(db, metrics, '2026-11-01', '2026-11-30');
    expect(again.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(await dayStatsFromUnits(db));
    await s.rebuildRollups();
    expect(await storedDayStats(db)).toEqual(await dayStatsFromUnits(db));
  });
});

describe('schema v8: per-day aggregates built from the stored units, from every earlier version', () => {
  const rules = effectiveRules(undefined);
  /** Real units of a few conversations, as the engine gives them (two days, two platforms). */
  function engineUnits(): UnitRow[] {
    const out: UnitRow[] = [];
    for (const [platform, day] of [
      ['pdd', '2026-11-19'],
      ['pdd', '2026-11-20'],
      ['jd', '2026-11-20'],
    ] as [Platform, string][]) {
      for (let b = 0; b < 5; b++) {
        const q = t(`1${b}:00:00`, day);
        const events = [
          ev(platform, `b${b}`, 'buyer', q),
          ...(b % 3 ? [ev(platform, `b${b}`, 'human', q + b * 50_000)] : []),
        ];
        out.push(
          ...evaluate({ events, coverage: watchedAllDay(platform, day), rules, now: t('23:00:00'), alertLeadSec: 60 })
            .units,
        );
      }
    }
    return out;
  }

  for (const from of SCHEMA_HISTORY.filter((v) => v.version < 8)) {
    it(`from version ${from.version}: every unit stays, the aggregates are what the units give`, async () => {
      const name = `v8-${++n}`;
      const old = new SentinelDB(name, from.version);
      await old.open();
      const units = engineUnits();
      // A damaged unit row (an older bug, a damaged profile) is kept, and left out of the aggregates.
      const damaged = { id: 'damaged|1', conv: 'pdd|x|y', metric: 'pdd.manual3min', day: '2026-11-20' };
      await old.table('units').bulkAdd([...units, damaged]);
      old.close();

      const up = new SentinelDB(name);
      await up.open();
      expect(up.verno).toBe(LATEST_SCHEMA_VERSION);
      expect(await up.units.count()).toBe(units.length + 1);
      const stored = await storedDayStats(up);
      expect(stored.length).toBeGreaterThan(0);
      expect(stored).toEqual(buildDayStats(units).sort((a, b) => (a.id < b.id ? -1 : 1)));
      expect(stored.reduce((k, r) => k + r.n, 0)).toBe(units.length);
      // And the page's figures from them are the raw ones.
      const scope = rangeScope('2026-11-20', 7);
      expect(responseTrendsFromStats(rules, stored, scope)).toEqual(responseTrends(rules, units, scope));
      expect(hourWeekFromStats(rules, stored, scope)).toEqual(hourWeekMatrices(rules, units, scope));
      up.close();
    });
  }
});

describe('packed waits (schema v9)', () => {
  it('unpack gives back exactly the values packed: whole milliseconds, Infinity, repeats, none, and any other number', () => {
    const rnd = prng(9);
    const ms = Array.from({ length: 3000 }, () => Math.floor(rnd() * 400_000)).sort((a, b) => a - b);
    const cases: number[][] = [
      [],
      [0],
      [Infinity, Infinity],
      ms.map((m) => m / 1000),
      [...ms.map((m) => m / 1000), Infinity, Infinity, Infinity],
      [0, 0, 0.001, 0.001, 179.999, 180, 2 ** 40 / 1000],
      // Not whole milliseconds (or a negative zero): stored as float64s, still exact.
      [0.0005, 1, Infinity],
      [-0, 1],
      [1 / 3, 2 / 3],
    ];
    for (const values of cases) {
      const back = unpackWaits(packWaits(values));
      expect(back, JSON.stringify(values.slice(0, 5))).toEqual(Float64Array.from(values));
      expect([...back!].map((v) => Object.is(v, -0))).toEqual(values.map((v) => Object.is(v, -0)));
    }
    // A day's response times take 1–2 bytes each instead of a Float64Array's 8.
    const packed = packWaits(ms.map((m) => m / 1000));
    expect(packed.length).toBeLessThan(ms.length * 2);
    expect(packWaits([0.0005]).length).toBe(9);
  });

  it('bytes that are not packed waits are refused (the row is malformed and rebuilt)', () => {
    for (const bytes of [
      [],
      [2, 0],
      [0],
      [0, 0, 200],
      [1, 0, 0],
      [0, 0, 128, 128, 128, 128, 128, 128, 128, 128, 1],
      [0, 255, 255, 255, 255, 15],
    ])
      expect(unpackWaits(Uint8Array.from(bytes)), JSON.stringify(bytes)).toBeNull();
    // Unsorted or negative float64s.
    const view = (vals: number[]) => {
      const out = new Uint8Array(1 + vals.length * 8);
      out[0] = 1;
      vals.forEach((v, i) => new DataView(out.buffer).setFloat64(1 + i * 8, v, true));
      return out;
    };
    expect(unpackWaits(view([2, 1]))).toBeNull();
    expect(unpackWaits(view([-1]))).toBeNull();
    expect(unpackWaits(view([1, 2]))).toEqual(Float64Array.from([1, 2]));
    // A v8 row (a Float64Array) is not a v9 one.
    const [row] = buildDayStats([
      {
        metric: 'pdd.manual3min',
        day: '2026-11-20',
        platform: 'pdd',
        account: 'a',
        result: 'pass',
        responseSec: 3,
        startAt: t('10:00:00', '2026-11-20'),
      },
    ]);
    expect(isDayStatRow(row)).toBe(true);
    expect(isDayStatRow({ ...row, waits: Float64Array.from([3]) })).toBe(false);
    expect(waitsOf(row!)).toEqual(Float64Array.from([3]));
    // More values than units: not a row's waits.
    expect(waitsOf({ waits: packWaits([1, 2]), n: 1 })).toBeNull();
    expect(waitsOf({ waits: packWaits([1, 2]), n: 2 })).toEqual(Float64Array.from([1, 2]));
  });
});

describe('schema v9: the v8 aggregates packed, the same values', () => {
  const rules = effectiveRules(undefined);

  it('from version 8: well-formed rows are packed and equal the rebuild; a malformed one stays as it was', async () => {
    const name = `v9-${++n}`;
    const old = new SentinelDB(name, 8);
    await old.open();
    const rnd = prng(21);
    const units = Array.from({ length: 400 }, (_, i) => {
      const day = i % 2 ? '2026-11-19' : '2026-11-20';
      const result = (['pass', 'fail', 'pending', 'unknown'] as const)[i % 4]!;
      return {
        id: `u${i}`,
        conv: `pdd|a|b${i}`,
        metric: i % 5 ? 'pdd.manual3min' : 'jd.dd30s',
        day,
        platform: (i % 5 ? 'pdd' : 'jd') as Platform,
        account: i % 3 ? 'a' : 'b',
        result,
        responseSec: result === 'fail' && i % 8 === 1 ? null : Math.floor(rnd() * 300_000) / 1000,
        startAt: t(`${10 + (i % 10)}:00:00`, day) + i,
      };
    });
    // As v8 stored them: `waits` a sorted Float64Array.
    const v8 = buildDayStats(units).map((r) => ({ ...r, waits: Float64Array.from(waitsOf(r)!) }));
    const malformed = { ...v8[0]!, id: 'x|2026-11-20|pdd|z', account: 'z', waits: Float64Array.from([5, 1]) };
    await old.table('units').bulkAdd(units);
    await old.table('dayStats').bulkAdd([...v8, malformed]);
    old.close();

    const up = new SentinelDB(name);
    await up.open();
    expect(up.verno).toBe(LATEST_SCHEMA_VERSION);
    const stored = (await up.dayStats.toArray()) as unknown[];
    expect(stored).toContainEqual(malformed);
    const good = stored.filter((r) => (r as { id: string }).id !== malformed.id) as DayStatRow[];
    expect(good.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
      buildDayStats(units).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    for (const r of good) expect(Object.prototype.toString.call(r.waits)).toBe('[object Uint8Array]');
    const scope = rangeScope('2026-11-20', 7);
    expect(responseTrendsFromStats(rules, good, scope)).toEqual(responseTrends(rules, units as UnitRow[], scope));
    expect(accountBreakdownFromStats(rules, [], good, scope)).toEqual(
      accountBreakdown(rules, [], units as UnitRow[], scope),
    );
    up.close();
  });
});
