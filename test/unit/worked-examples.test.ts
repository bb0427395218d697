/**
 * Every worked example of platform-rules.md §4 outside 1688, as written there (the describe names quote its headings,
 * the test names its lines). 1688's examples are tested with its two message rates.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, rollup, type UnitOutcome } from '../../lib/engine';
import { DEFAULT_RULES, findMetric } from '../../lib/rules';
import type { ChatEvent, CoverageSpan, Platform } from '../../lib/model';
import { ev, t, watchedAllDay } from './helpers/events';

function run(events: ChatEvent[], coverage: CoverageSpan[], now = t('23:59:00')) {
  return evaluate({ events, coverage, rules: DEFAULT_RULES, now, alertLeadSec: 60 });
}

function unitsOf(units: UnitOutcome[], metric: string) {
  return units.filter((u) => u.metric === metric).sort((a, b) => a.startAt - b.startAt);
}

function rateOf(units: UnitOutcome[], metric: string) {
  return rollup(findMetric(DEFAULT_RULES, metric)!, units);
}

describe('platform-rules.md §4 "Taobao round logic (08:00–23:00)"', () => {
  const cov = watchedAllDay('taobao');
  const first = () => [
    ev('taobao', 'b', 'buyer', t('10:10:15')),
    ev('taobao', 'b', 'buyer', t('10:15:20')),
    ev('taobao', 'b', 'human', t('10:18:10')),
  ];

  it('"buyer 10:10:15, buyer 10:15:20, seller 10:18:10 → round 1 failed (0/1)"', () => {
    const out = run(first(), cov);
    const units = unitsOf(out.units, 'taobao.ww3min');
    expect(units.map((u) => [u.startAt, u.result, u.responseSec])).toEqual([[t('10:10:15'), 'fail', 475]]);
    const r = rateOf(out.units, 'taobao.ww3min');
    expect([r.counts.pass, r.decided]).toEqual([0, 1]);
  });

  it('"then buyer 10:18:30, seller 10:19:00 → round 2 passed (1/2)"', () => {
    const events = [...first(), ev('taobao', 'b', 'buyer', t('10:18:30')), ev('taobao', 'b', 'human', t('10:19:00'))];
    const out = run(events, cov);
    const units = unitsOf(out.units, 'taobao.ww3min');
    expect(units.map((u) => [u.startAt, u.result])).toEqual([
      [t('10:10:15'), 'fail'],
      [t('10:18:30'), 'pass'],
    ]);
    const r = rateOf(out.units, 'taobao.ww3min');
    expect([r.counts.pass, r.decided]).toEqual([1, 2]);
  });

  it('"ten buyer questions within 3 min, never answered → one failed round (0/1)"', () => {
    const events = Array.from({ length: 10 }, (_, i) => ev('taobao', 'b', 'buyer', t('10:00:00') + i * 15_000));
    const out = run(events, cov, t('11:00:00'));
    const units = unitsOf(out.units, 'taobao.ww3min');
    expect(units.map((u) => [u.startAt, u.result])).toEqual([[t('10:00:00'), 'fail']]);
    const r = rateOf(out.units, 'taobao.ww3min');
    expect([r.counts.pass, r.decided]).toEqual([0, 1]);
    expect(out.clocks[0]!.waitingMessages).toBe(10);
  });
});

describe('platform-rules.md §4 "Douyin / Kuaishou human stage"', () => {
  const HUMAN_STAGE: [Platform, string[]][] = [
    ['douyin', ['douyin.im3min', 'douyin.avgResp']],
    ['kuaishou', ['kuaishou.manual3min']],
  ];

  for (const [platform, metrics] of HUMAN_STAGE) {
    it(`${platform}: "robot answers a buyer for 10 minutes and the buyer leaves → not assessed"`, () => {
      const events: ChatEvent[] = [];
      for (let m = 0; m < 10; m += 2) {
        const at = t('10:00:00') + m * 60_000;
        events.push(ev(platform, 'r', 'buyer', at), ev(platform, 'r', 'robot', at + 3000));
      }
      const out = run(events, watchedAllDay(platform), t('11:00:00'));
      for (const metric of metrics) {
        const units = unitsOf(out.units, metric);
        expect(units.length, metric).toBeGreaterThan(0);
        expect(new Set(units.map((u) => u.result)), metric).toEqual(new Set(['notAssessed']));
        const r = rateOf(out.units, metric);
        expect([r.decided, r.average], metric).toEqual([0, null]); // no 600 s in Douyin's average
      }
      expect(out.clocks[0]!.status).toBe('notAssessed');
      expect(out.nextWakeAt).toBeNull();
    });

    it(`${platform}: "robot until 10:05:00, transferred to a human at 10:05:00, human reply 10:06:00 → assessed from 10:05:00, 60 s"`, () => {
      const events = [
        ev(platform, 'h', 'buyer', t('10:00:00')),
        ev(platform, 'h', 'robot', t('10:00:02')),
        ev(platform, 'h', 'buyer', t('10:03:00')),
        ev(platform, 'h', 'robot', t('10:03:02')),
        ev(platform, 'h', 'system', t('10:05:00'), { marker: 'assigned', text: '客服 小美 接入' }),
        ev(platform, 'h', 'human', t('10:06:00')),
      ];
      const out = run(events, watchedAllDay(platform));
      for (const metric of metrics) {
        const units = unitsOf(out.units, metric);
        expect(
          units.map((u) => [u.startAt, u.dueAt, u.result, u.responseSec]),
          metric,
        ).toEqual([[t('10:05:00'), t('10:08:00'), 'pass', 60]]);
      }
      if (platform === 'douyin') expect(rateOf(out.units, 'douyin.avgResp').average).toBe(60);
    });
  }
});

describe('platform-rules.md §4 "PDD consumer-day logic (08:00–23:00)"', () => {
  const cov = watchedAllDay('pdd');

  it('"A asks 09:00:00, human reply 09:02:00; A asks 15:00:00, reply 15:04:00 → A fails the day"', () => {
    const events = [
      ev('pdd', 'A', 'buyer', t('09:00:00')),
      ev('pdd', 'A', 'human', t('09:02:00')),
      ev('pdd', 'A', 'buyer', t('15:00:00')),
      ev('pdd', 'A', 'human', t('15:04:00')),
    ];
    const units = unitsOf(run(events, cov).units, 'pdd.manual3min');
    expect(units.map((u) => [u.result, u.startAt, u.responseSec])).toEqual([['fail', t('15:00:00'), 240]]);
  });

  it('"80 consumers asked, 60 answered in time on every message → 75%"', () => {
    const events: ChatEvent[] = [];
    for (let i = 0; i < 80; i++) {
      const asked = t('09:00:00') + i * 300_000;
      // Every consumer asks twice; the 20 late ones are late on their second message only.
      events.push(ev('pdd', `c${i}`, 'buyer', asked), ev('pdd', `c${i}`, 'human', asked + 60_000));
      events.push(ev('pdd', `c${i}`, 'buyer', asked + 120_000));
      events.push(ev('pdd', `c${i}`, 'human', asked + 120_000 + (i < 60 ? 170_000 : 200_000)));
    }
    const r = rateOf(run(events, cov).units, 'pdd.manual3min');
    expect([r.decided, r.counts.pass, r.counts.fail, r.rate]).toEqual([80, 60, 20, 0.75]);
  });

  it('"B asks 22:59:30, reply 23:01:00 → assessed, passed. C asks 23:10 → not assessed"', () => {
    const events = [
      ev('pdd', 'B', 'buyer', t('22:59:30')),
      ev('pdd', 'B', 'human', t('23:01:00')),
      ev('pdd', 'C', 'buyer', t('23:10:00')),
    ];
    const out = run(events, cov);
    const units = unitsOf(out.units, 'pdd.manual3min');
    expect(units.map((u) => [u.buyer, u.result])).toEqual([
      ['B', 'pass'],
      ['C', 'notAssessed'],
    ]);
    expect(out.clocks.find((c) => c.buyer === 'C')!.status).toBe('notAssessed');
  });

  it('"D asks 10:00:00, robot answers 10:00:05, human 10:03:30 → D fails (robot does not count)"', () => {
    const events = [
      ev('pdd', 'D', 'buyer', t('10:00:00')),
      ev('pdd', 'D', 'robot', t('10:00:05')),
      ev('pdd', 'D', 'human', t('10:03:30')),
    ];
    const units = unitsOf(run(events, cov).units, 'pdd.manual3min');
    expect(units.map((u) => [u.result, u.responseSec])).toEqual([['fail', 210]]);
  });
});
