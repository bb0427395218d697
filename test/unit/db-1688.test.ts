/**
 * Schema v7 (rules 2026.12.1): 1688's round metric `ali1688.ww3min` gives way to the message rates
 * `ali1688.firstMsg3min` / `ali1688.perMsg3min`. From EVERY earlier schema version: nothing stored is lost, the days
 * that still have their messages are recomputed with the new metrics at the background's next start, the frozen days
 * (messages pruned) keep their old units and rollups, readable under the old metric's label.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Sentinel } from '../../lib/background/sentinel';
import { complianceView } from '../../lib/compliance';
import { RECOMPUTE_KEY } from '../../lib/db/meta';
import { LATEST_SCHEMA_VERSION, SCHEMA_HISTORY, SentinelDB } from '../../lib/db/schema';
import type { RollupRow, UnitRow } from '../../lib/model';
import { chinaDay } from '../../lib/engine/time';
import type { Author } from '../../lib/model';
import { DEFAULT_RULES, effectiveRules, findMetric } from '../../lib/rules';
import { settingsFromRows } from '../../lib/settings';
import { DAY, t } from './helpers/events';
import { FakeHost } from './helpers/host';
import { rollupRow } from './helpers/rollups';
import { unitRow } from './helpers/units';

let n = 0;
const ACC = '厂家';
const CONV = `ali1688|${ACC}|b1`;
const OLD_CONV = `ali1688|${ACC}|b0`;
/** A day long before the 90-day retention: frozen, its messages long gone. */
const OLD_DAY = '2026-06-01';
/** A user's override of the old metric (the older source's 08:00–24:00 window). */
const WIDE = { window: { startMin: 480, endMin: 1440 } };

function event(version: number, buyer: string, id: string, author: Author, at: number) {
  const platform = buyer === 'p1' ? 'pdd' : 'ali1688';
  const account = buyer === 'p1' ? 'pdd-shop' : ACC;
  return {
    key: `${platform}|${account}|${buyer}|${id}`,
    ...(version >= 2 && { conv: `${platform}|${account}|${buyer}` }),
    platform,
    account,
    buyer,
    messageId: id,
    author,
    at,
    timeSource: 'id',
    observedAt: at,
  };
}

function unit(metric: string, conv: string, day: string, startAt: number, result: UnitRow['result']): UnitRow {
  const [, account, buyer] = conv.split('|') as [string, string, string];
  return unitRow(metric, day, startAt, result, null, {
    id: `${metric}|${conv}|${startAt}`,
    account,
    buyer,
    rulesVersion: '2026.11.1',
  });
}

const rollup = (metric: string, day: string, account: string, pass: number, fail: number) =>
  rollupRow(metric, day, { pass, fail }, account);

/** What a database at `version` holds: the 1688 worked example on DAY under the old round metric, and older days. */
function rowsAt(version: number) {
  const oldStart = t('10:00:00', OLD_DAY);
  return {
    events: [
      // platform-rules.md §4, 1688: buyer 10:00:00, 10:01:00, 10:02:30; human reply 10:03:10.
      event(version, 'b1', 'q1', 'buyer', t('10:00:00')),
      event(version, 'b1', 'q2', 'buyer', t('10:01:00')),
      event(version, 'b1', 'q3', 'buyer', t('10:02:30')),
      event(version, 'b1', 'a1', 'human', t('10:03:10')),
      event(version, 'p1', 'x1', 'buyer', t('11:00:00')),
      event(version, 'p1', 'x2', 'human', t('11:01:00')),
    ],
    units: [
      unit('ali1688.ww3min', CONV, DAY, t('10:00:00'), 'fail'),
      unit('ali1688.ww3min', OLD_CONV, OLD_DAY, oldStart, 'pass'),
      unit('ali1688.ww3min', OLD_CONV, OLD_DAY, oldStart + 3_600_000, 'fail'),
      unit('pdd.manual3min', 'pdd|pdd-shop|p1', DAY, t('11:00:00'), 'pass'),
    ],
    settings: [{ key: 'ruleOverrides', value: { 'ali1688.ww3min': WIDE, 'pdd.manual3min': { thresholdSec: 120 } } }],
    rollups: [
      rollup('ali1688.ww3min', DAY, ACC, 0, 1),
      rollup('ali1688.ww3min', OLD_DAY, ACC, 1, 1),
      rollup('pdd.manual3min', DAY, 'pdd-shop', 1, 0),
    ],
  };
}

const counts = (r: RollupRow | undefined) => (r ? [r.pass, r.fail, r.pending, r.unknown, r.notAssessed] : null);

describe('schema v7: 1688 message rates replace the round metric, history kept', () => {
  for (const from of SCHEMA_HISTORY.filter((v) => v.version < 7)) {
    it(`from version ${from.version}: every row stays; days with messages get the new metrics, frozen days keep the old`, async () => {
      const name = `v7-${++n}`;
      const old = new SentinelDB(name, from.version);
      await old.open();
      const rows = rowsAt(from.version);
      for (const [table, list] of Object.entries(rows)) await old.table(table).bulkAdd(list);
      old.close();

      const db = new SentinelDB(name);
      await db.open();
      expect(db.verno).toBe(LATEST_SCHEMA_VERSION);
      // The upgrade itself keeps every row and queues the 1688 conversation that has messages.
      expect(await db.events.count()).toBe(rows.events.length);
      expect(await db.units.count()).toBe(rows.units.length);
      expect(await db.rollups.count()).toBe(rows.rollups.length);
      expect((await db.meta.get(RECOMPUTE_KEY))?.value).toEqual([CONV]);
      // The user's override of the old metric carries over to the two new ones; the rest stays as it was.
      const overrides = (await db.settings.get('ruleOverrides'))?.value;
      expect(overrides).toEqual({
        'ali1688.ww3min': WIDE,
        'ali1688.firstMsg3min': WIDE,
        'ali1688.perMsg3min': WIDE,
        'pdd.manual3min': { thresholdSec: 120 },
      });
      expect(settingsFromRows(await db.settings.toArray()).rejected).toEqual([]);
      expect(findMetric(effectiveRules(overrides), 'ali1688.perMsg3min')!.window).toEqual(WIDE.window);

      const host = new FakeHost();
      host.clock = t('12:00:00');
      const sentinel = new Sentinel(db, host);
      await sentinel.start();
      expect(await db.meta.get(RECOMPUTE_KEY)).toBeUndefined();
      // No message lost.
      expect((await db.events.toArray()).map((e) => e.key).sort()).toEqual(rows.events.map((e) => e.key).sort());

      // DAY still has its messages: the worked example under the new metrics, the round unit replaced.
      const units = await db.units.where('conv').equals(CONV).toArray();
      const of = (metric: string) =>
        units
          .filter((u) => u.metric === metric)
          .sort((a, b) => a.startAt - b.startAt)
          .map((u) => [u.result, u.responseSec]);
      expect(of('ali1688.ww3min')).toEqual([]);
      expect(of('ali1688.firstMsg3min')).toEqual([['fail', 190]]);
      expect(of('ali1688.perMsg3min')).toEqual([
        ['fail', 190],
        ['pass', 130],
        ['pass', 40],
      ]);
      expect(new Set(units.map((u) => u.rulesVersion))).toEqual(new Set([`${DEFAULT_RULES.version}+user`]));
      expect((await db.clocks.get(CONV))?.metric).toBe('ali1688.perMsg3min');

      const rollups = new Map((await db.rollups.toArray()).map((r) => [r.id, r]));
      expect(counts(rollups.get(`ali1688.firstMsg3min|${DAY}|ali1688|${ACC}`))).toEqual([0, 1, 0, 0, 0]);
      expect(counts(rollups.get(`ali1688.perMsg3min|${DAY}|ali1688|${ACC}`))).toEqual([2, 1, 0, 0, 0]);
      expect(rollups.has(`ali1688.ww3min|${DAY}|ali1688|${ACC}`)).toBe(false);
      // The frozen day keeps its old units and rollup exactly; other platforms are untouched.
      const frozen = await db.units.where('conv').equals(OLD_CONV).toArray();
      expect(frozen.sort((a, b) => a.startAt - b.startAt)).toEqual(rows.units.slice(1, 3));
      expect(rollups.get(`ali1688.ww3min|${OLD_DAY}|ali1688|${ACC}`)).toEqual(rows.rollups[1]);
      expect(rollups.get(`pdd.manual3min|${DAY}|pdd|pdd-shop`)).toEqual(rows.rollups[2]);
      expect(await db.units.get(rows.units[3]!.id)).toEqual(rows.units[3]);

      // Readable: the old day shows under the old metric's label; the new day under the new metrics.
      const view = complianceView(DEFAULT_RULES, [...rollups.values()], chinaDay(t('12:00:00', '2026-06-05')));
      const ali = view.find((p) => p.platform === 'ali1688')!;
      const former = ali.metrics.find((m) => m.rule.key === 'ali1688.ww3min')!;
      expect(former.rule.label.zh).toContain('旧口径');
      expect(former.periods.map((p) => [p.days, p.figure.pass, p.figure.fail])).toEqual([
        [7, 1, 1],
        [30, 1, 1],
      ]);
      const today = complianceView(DEFAULT_RULES, [...rollups.values()], DAY).find((p) => p.platform === 'ali1688')!;
      expect(today.metrics.map((m) => [m.rule.key, m.today.pass, m.today.fail])).toEqual([
        ['ali1688.firstMsg3min', 0, 1],
        ['ali1688.perMsg3min', 2, 1],
      ]);
      // The rollups the recompute moved by deltas are what the units give.
      const tallies = async () =>
        new Map((await db.rollups.toArray()).map((r) => [r.id, counts(r)?.concat(r.cappedSum, r.cappedCount)]));
      const incremental = await tallies();
      await sentinel.rebuildRollups();
      expect(await tallies()).toEqual(incremental);
      db.close();
    });
  }

  it('a database without 1688 messages queues nothing; a damaged queue never stops the worker', async () => {
    const name = `v7-${++n}`;
    const old = new SentinelDB(name, 6);
    await old.open();
    await old.table('events').bulkAdd(rowsAt(6).events.filter((e) => e.platform === 'pdd'));
    old.close();
    const db = new SentinelDB(name);
    await db.open();
    expect(await db.meta.get(RECOMPUTE_KEY)).toBeUndefined();
    await db.meta.put({ key: RECOMPUTE_KEY, value: { not: 'a list' } });
    const host = new FakeHost();
    host.clock = t('12:00:00');
    await new Sentinel(db, host).start();
    expect(await db.meta.get(RECOMPUTE_KEY)).toBeUndefined();
    expect(await db.events.count()).toBe(2);
    db.close();
  });

  it('a long queue is worked through in slices (what is left written back on the way) to its last conversation', async () => {
    const name = `v7-${++n}`;
    const db = new SentinelDB(name);
    await db.open();
    await db.events.bulkAdd(rowsAt(LATEST_SCHEMA_VERSION).events.filter((e) => e.platform === 'ali1688') as never[]);
    const queued = [...Array.from({ length: 1150 }, (_, i) => `ali1688|${ACC}|gone${i}`), CONV];
    await db.meta.put({ key: RECOMPUTE_KEY, value: queued });
    const seen: unknown[] = [];
    db.meta.hook('updating', (mods, key) => {
      if (key === RECOMPUTE_KEY) seen.push((mods as { value?: unknown[] }).value?.length);
    });
    const host = new FakeHost();
    host.clock = t('12:00:00');
    await new Sentinel(db, host).start();
    expect(seen).toEqual([151]); // after 1000 of 1151
    expect(await db.meta.get(RECOMPUTE_KEY)).toBeUndefined();
    const units = await db.units.where('conv').equals(CONV).toArray();
    expect(units.filter((u) => u.metric === 'ali1688.perMsg3min')).toHaveLength(3);
    db.close();
  });
});
