/** The human stage (platform-rules.md §3.6) and transfers (§3.5) in the engine (lib/engine/stage.ts). */
import { describe, expect, it } from 'vitest';
import { evaluate, type UnitOutcome } from '../../lib/engine';
import { DEFAULT_RULES } from '../../lib/rules';
import type { ChatEvent, CoverageSpan } from '../../lib/model';
import { ev, t, watchedAllDay } from './helpers/events';

function run(events: ChatEvent[], coverage: CoverageSpan[], now = t('23:59:00')) {
  return evaluate({ events, coverage, rules: DEFAULT_RULES, now, alertLeadSec: 60 });
}

function results(units: UnitOutcome[], metric: string) {
  return units
    .filter((u) => u.metric === metric)
    .sort((a, b) => a.startAt - b.startAt)
    .map((u) => [u.startAt, u.result]);
}

describe('the human stage (Douyin, Kuaishou)', () => {
  const cov = watchedAllDay('douyin');

  it('the robot handing over (a transfer notice while only the robot answered) starts the clock like an assignment', () => {
    const events = [
      ev('douyin', 'x', 'buyer', t('10:00:00')),
      ev('douyin', 'x', 'robot', t('10:00:02')),
      ev('douyin', 'x', 'system', t('10:05:00'), { marker: 'transfer' }),
      ev('douyin', 'x', 'human', t('10:09:00')),
    ];
    const out = run(events, cov);
    expect(results(out.units, 'douyin.im3min')).toEqual([[t('10:05:00'), 'fail']]);
    expect(out.units.find((u) => u.metric === 'douyin.avgResp')!.responseSec).toBe(240);
  });

  it('after the assignment the live clock counts down from it and wakes the worker', () => {
    const events = [
      ev('douyin', 'x', 'buyer', t('10:00:00')),
      ev('douyin', 'x', 'robot', t('10:00:02')),
      ev('douyin', 'x', 'system', t('10:05:00'), { marker: 'assigned' }),
    ];
    const before = run(events.slice(0, 2), cov, t('10:04:00'));
    expect(before.clocks[0]!.status).toBe('notAssessed');
    expect(before.nextWakeAt).toBeNull();
    const out = run(events, cov, t('10:06:00'));
    expect(out.clocks[0]).toMatchObject({ status: 'pending', dueAt: t('10:08:00'), alertAt: t('10:07:00') });
    expect(out.nextWakeAt).toBe(t('10:07:00'));
    expect(run(events, cov, t('10:09:00')).clocks[0]!.status).toBe('breached');
  });

  it('a direct assignment with no robot before it starts the clock at the assignment', () => {
    const events = [
      ev('kuaishou', 'k', 'buyer', t('10:00:00')),
      ev('kuaishou', 'k', 'system', t('10:02:00'), { marker: 'assigned' }),
      ev('kuaishou', 'k', 'human', t('10:04:30')),
    ];
    const units = run(events, watchedAllDay('kuaishou')).units.filter((u) => u.metric === 'kuaishou.manual3min');
    expect(units.map((u) => [u.startAt, u.result, u.responseSec])).toEqual([[t('10:02:00'), 'pass', 150]]);
  });

  it('no robot and no marker: human from the start, judged as before', () => {
    const events = [ev('douyin', 'n', 'buyer', t('10:00:00')), ev('douyin', 'n', 'human', t('10:04:00'))];
    expect(results(run(events, cov).units, 'douyin.im3min')).toEqual([[t('10:00:00'), 'fail']]);
  });

  it('robot, then a human with no marker on the page: a pass when even the buyer’s message is within 3 min, else unknown (never a guessed fail)', () => {
    const quick = [
      ev('douyin', 'q', 'buyer', t('10:00:00')),
      ev('douyin', 'q', 'robot', t('10:00:02')),
      ev('douyin', 'q', 'human', t('10:02:00')),
    ];
    expect(results(run(quick, cov).units, 'douyin.im3min')).toEqual([[t('10:00:00'), 'pass']]);
    const late = [
      ev('douyin', 'l', 'buyer', t('10:00:00')),
      ev('douyin', 'l', 'robot', t('10:00:02')),
      ev('douyin', 'l', 'human', t('10:05:00')),
    ];
    const out = run(late, cov);
    expect(results(out.units, 'douyin.im3min')).toEqual([[t('10:00:00'), 'unknown']]);
    expect(out.units.find((u) => u.metric === 'douyin.avgResp')!.cappedSec).toBeNull();
  });

  it('an assignment outside the window is not assessed; the stage starts again after a session end', () => {
    const events = [
      ev('douyin', 's', 'buyer', t('07:50:00')),
      ev('douyin', 's', 'robot', t('07:50:02')),
      ev('douyin', 's', 'system', t('07:55:00'), { marker: 'assigned' }),
      ev('douyin', 's', 'human', t('08:10:00')),
      ev('douyin', 's', 'system', t('08:20:00'), { marker: 'sessionEnd' }),
      // A new session the robot handles alone: not assessed, although a human answered the last one.
      ev('douyin', 's', 'buyer', t('09:00:00')),
      ev('douyin', 's', 'robot', t('09:00:02')),
    ];
    const out = run(events, cov, t('12:00:00'));
    expect(results(out.units, 'douyin.im3min')).toEqual([
      [t('07:50:00'), 'notAssessed'],
      [t('09:00:00'), 'notAssessed'],
    ]);
    expect(out.clocks[0]!.status).toBe('notAssessed');
  });

  it('platforms without a human stage are unchanged: PDD judges from the buyer’s message whatever the robot did', () => {
    const events = [
      ev('pdd', 'p', 'buyer', t('10:00:00')),
      ev('pdd', 'p', 'robot', t('10:00:02')),
      ev('pdd', 'p', 'system', t('10:02:00'), { marker: 'assigned' }),
      ev('pdd', 'p', 'human', t('10:03:30')),
    ];
    // An assignment still gives the receiving account its own clock (§3.5), on every platform.
    expect(results(run(events, watchedAllDay('pdd')).units, 'pdd.manual3min')).toEqual([[t('10:02:00'), 'pass']]);
    const robotOnly = [ev('pdd', 'p', 'buyer', t('10:00:00')), ev('pdd', 'p', 'robot', t('10:00:02'))];
    expect(results(run(robotOnly, watchedAllDay('pdd')).units, 'pdd.manual3min')).toEqual([[t('10:00:00'), 'fail']]);
  });
});

describe('transfers (platform-rules.md §3.5)', () => {
  it('Taobao: a round transferred away unanswered fails for the account that held it, even inside 3 minutes', () => {
    const events = [
      ev('taobao', 'b', 'buyer', t('10:00:00')),
      ev('taobao', 'b', 'system', t('10:01:00'), { marker: 'transfer', text: '会话已转接给 客服02' }),
    ];
    // Not watched at all: the page's own transfer notice is the evidence, never unknown.
    const out = run(events, [], t('10:01:30'));
    expect(results(out.units, 'taobao.ww3min')).toEqual([[t('10:00:00'), 'fail']]);
    expect(out.units.find((u) => u.metric === 'taobao.avgResp')!.cappedSec).toBe(600);
    expect(out.clocks[0]!.status).not.toBe('pending');
    expect(out.nextWakeAt).toBeNull();
  });

  it('the receiving account starts its own round at the transfer', () => {
    const events = [
      ev('taobao', 'b', 'buyer', t('10:00:00'), { account: 'sub-02' }),
      ev('taobao', 'b', 'system', t('10:01:00'), { account: 'sub-02', marker: 'assigned' }),
      ev('taobao', 'b', 'human', t('10:03:30'), { account: 'sub-02' }),
    ];
    const out = run(events, watchedAllDay('taobao', undefined, 'sub-02'));
    expect(results(out.units, 'taobao.ww3min')).toEqual([[t('10:01:00'), 'pass']]);
    expect(out.units.find((u) => u.metric === 'taobao.avgResp')!.responseSec).toBe(150);
  });

  it('a transfer after the reply changes nothing; a new question after a transfer is a new round', () => {
    const events = [
      ev('jd', 'j', 'buyer', t('10:00:00')),
      ev('jd', 'j', 'human', t('10:00:10')),
      ev('jd', 'j', 'system', t('10:00:20'), { marker: 'transfer' }),
      ev('jd', 'j', 'buyer', t('11:00:00')),
      ev('jd', 'j', 'system', t('11:00:10'), { marker: 'transfer' }),
    ];
    const out = run(events, watchedAllDay('jd'));
    expect(results(out.units, 'jd.dd30s')).toEqual([
      [t('10:00:00'), 'pass'],
      [t('11:00:00'), 'fail'],
    ]);
  });

  it('Douyin in the human stage: a transfer to another agent fails the open round', () => {
    const events = [
      ev('douyin', 'd', 'buyer', t('10:00:00')),
      ev('douyin', 'd', 'human', t('10:00:30')),
      ev('douyin', 'd', 'buyer', t('10:10:00')),
      ev('douyin', 'd', 'system', t('10:11:00'), { marker: 'transfer', text: '会话已由 小美 转接给 阿强' }),
    ];
    const out = run(events, watchedAllDay('douyin'));
    expect(results(out.units, 'douyin.avgResp')).toEqual([
      [t('10:00:00'), 'pass'],
      [t('10:10:00'), 'fail'],
    ]);
  });
});

describe('an assignment the page shows without a time (history)', () => {
  it('is placed at its earliest time: a reply within 3 min of that passes, one late only from it is unknown', () => {
    const cov = watchedAllDay('douyin');
    const assigned = (latest: number) =>
      ev('douyin', 'h', 'system', t('10:01:00'), { marker: 'assigned', historical: true, atLatest: latest });
    const base = [ev('douyin', 'h', 'buyer', t('10:00:00')), ev('douyin', 'h', 'robot', t('10:00:02'))];
    const pass = [...base, assigned(t('10:30:00')), ev('douyin', 'h', 'human', t('10:03:00'))];
    expect(results(run(pass, cov).units, 'douyin.im3min')).toEqual([[t('10:01:00'), 'pass']]);
    // 10:05 is 4 min after the earliest assignment time but could be 1 min after the latest (10:04): unknown.
    const maybe = [...base, assigned(t('10:04:00')), ev('douyin', 'h', 'human', t('10:05:00'))];
    expect(results(run(maybe, cov).units, 'douyin.im3min')).toEqual([[t('10:01:00'), 'unknown']]);
    // 10:09 is late from any time in [10:01, 10:04]: a fail.
    const late = [...base, assigned(t('10:04:00')), ev('douyin', 'h', 'human', t('10:09:00'))];
    expect(results(run(late, cov).units, 'douyin.im3min')).toEqual([[t('10:01:00'), 'fail']]);
  });
});
