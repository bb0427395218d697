/**
 * 1688 (新灯塔) counts messages, not rounds: `ali1688.firstMsg3min` (the buyer's first inquiry message of the China
 * day inside 09:00–21:00) and `ali1688.perMsg3min` (every inquiry message, timed to the first valid reply after it).
 * platform-rules.md §1 and the 1688 worked examples of §4; lib/engine/messages-rate.ts.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, rollup, type EngineInput, type UnitOutcome } from '../../lib/engine';
import { DEFAULT_RULES, applyOverrides, findMetric, primaryMetric } from '../../lib/rules';
import { settingsFromRows, validateSettingsPatch } from '../../lib/settings';
import type { ChatEvent } from '../../lib/model';
import { DAY, ev, t, watchedAllDay } from './helpers/events';

const FIRST = 'ali1688.firstMsg3min';
const PER = 'ali1688.perMsg3min';
const END_OF_DAY = t('23:59:00');
const cov = watchedAllDay('ali1688');

function run(events: ChatEvent[], opts: Partial<EngineInput> = {}) {
  return evaluate({
    events,
    coverage: opts.coverage ?? cov,
    rules: opts.rules ?? DEFAULT_RULES,
    now: opts.now ?? END_OF_DAY,
    alertLeadSec: opts.alertLeadSec ?? 60,
  });
}

const of = (units: UnitOutcome[], metric: string) => units.filter((u) => u.metric === metric);

/** [passed, decided] of a metric, through the same rollup the popup and analytics read. */
function tally(units: UnitOutcome[], metric: string): [number, number] {
  const r = rollup(findMetric(DEFAULT_RULES, metric)!, units);
  return [r.counts.pass, r.decided];
}

const ali = (buyer: string, author: ChatEvent['author'], at: number, extra: Partial<ChatEvent> = {}) =>
  ev('ali1688', buyer, author, at, extra);

describe('1688 worked examples (platform-rules.md §4)', () => {
  it('"buyer 10:00:00 (first of the day), 10:01:00, 10:02:30; human reply 10:03:10 → first-message 0/1 (190 s); per-message 2/3 (190 s fails, 130 s and 40 s pass)"', () => {
    const out = run([
      ali('b', 'buyer', t('10:00:00')),
      ali('b', 'buyer', t('10:01:00')),
      ali('b', 'buyer', t('10:02:30')),
      ali('b', 'human', t('10:03:10')),
    ]);
    const first = of(out.units, FIRST);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ result: 'fail', startAt: t('10:00:00'), responseSec: 190, day: DAY });
    expect(tally(out.units, FIRST)).toEqual([0, 1]);

    const per = of(out.units, PER).sort((a, b) => a.startAt - b.startAt);
    expect(per.map((u) => [u.result, u.responseSec])).toEqual([
      ['fail', 190],
      ['pass', 130],
      ['pass', 40],
    ]);
    expect(tally(out.units, PER)).toEqual([2, 3]);
    // No round-based 1688 units any more: that metric is retired.
    expect(of(out.units, 'ali1688.ww3min')).toEqual([]);
  });

  it('"buyer 11:00:00, 店小蜜 smart reply 11:00:05 → passes both"', () => {
    const out = run([ali('b', 'buyer', t('11:00:00')), ali('b', 'robot', t('11:00:05'))]);
    expect(of(out.units, FIRST).map((u) => [u.result, u.responseSec])).toEqual([['pass', 5]]);
    expect(of(out.units, PER).map((u) => [u.result, u.responseSec])).toEqual([['pass', 5]]);
  });

  it('"Wangwang auto-reply 11:00:01 alone → fails both"', () => {
    const out = run([ali('b', 'buyer', t('11:00:00')), ali('b', 'auto', t('11:00:01'))]);
    expect(of(out.units, FIRST).map((u) => [u.result, u.replyAt])).toEqual([['fail', null]]);
    expect(of(out.units, PER).map((u) => [u.result, u.replyAt])).toEqual([['fail', null]]);
    // While it waits (before 11:03), the auto-reply does not stop the clock either.
    const live = run([ali('b', 'buyer', t('11:00:00')), ali('b', 'auto', t('11:00:01'))], { now: t('11:02:00') });
    expect(live.clocks[0]).toMatchObject({ status: 'pending', dueAt: t('11:03:00'), metric: PER });
    expect(of(live.units, FIRST)[0]!.result).toBe('pending');
  });

  it('"buyer 20:59:00, reply 21:01:30 → assessed, passed (150 s); buyer 21:05 → not assessed"', () => {
    const out = run([
      ali('b', 'buyer', t('20:59:00')),
      ali('b', 'human', t('21:01:30')),
      ali('b', 'buyer', t('21:05:00')),
    ]);
    const per = of(out.units, PER).sort((a, b) => a.startAt - b.startAt);
    expect(per.map((u) => [u.result, u.responseSec])).toEqual([
      ['pass', 150],
      ['notAssessed', null],
    ]);
    expect(of(out.units, FIRST).map((u) => [u.result, u.responseSec])).toEqual([['pass', 150]]);
    expect(tally(out.units, PER)).toEqual([1, 1]);
    // The 21:05 question alone: not assessed in both, and its live clock says so.
    const late = run([ali('c', 'buyer', t('21:05:00'))]);
    expect(of(late.units, FIRST).map((u) => u.result)).toEqual(['notAssessed']);
    expect(of(late.units, PER).map((u) => u.result)).toEqual(['notAssessed']);
    expect(late.clocks[0]!.status).toBe('notAssessed');
  });
});

describe('1688 message rates: days, window and evidence', () => {
  it('the first message is the first inquiry of each China day inside 09:00–21:00; one unit per buyer and day', () => {
    const next = '2026-11-21';
    const out = run(
      [
        ali('b', 'buyer', t('08:50:00')), // before the window: not assessed, and not the day's first question
        ali('b', 'human', t('08:51:00')),
        ali('b', 'buyer', t('09:30:00')), // the day's first assessed question, answered late
        ali('b', 'human', t('09:34:00')),
        ali('b', 'buyer', t('15:00:00')), // a later question: per-message only
        ali('b', 'human', t('15:00:30')),
        ali('b', 'buyer', t('10:00:00', next)), // the next day's first question
        ali('b', 'human', t('10:01:00', next)),
      ],
      { now: t('23:00:00', next), coverage: [...cov, ...watchedAllDay('ali1688', next)] },
    );
    const first = of(out.units, FIRST).sort((a, b) => a.startAt - b.startAt);
    expect(first.map((u) => [u.day, u.result, u.startAt])).toEqual([
      [DAY, 'fail', t('09:30:00')],
      [next, 'pass', t('10:00:00', next)],
    ]);
    expect(first[0]!.id).toBe(`${FIRST}|ali1688|shop-main|b|${DAY}`);
    const per = of(out.units, PER).sort((a, b) => a.startAt - b.startAt);
    expect(per.map((u) => u.result)).toEqual(['notAssessed', 'fail', 'pass', 'pass']);
    expect(new Set(per.map((u) => u.id)).size).toBe(4);
  });

  it('a day with questions outside the window only is one not-assessed first-message unit', () => {
    const out = run([ali('b', 'buyer', t('07:00:00')), ali('b', 'buyer', t('22:00:00'))]);
    expect(of(out.units, FIRST).map((u) => [u.result, u.startAt])).toEqual([['notAssessed', t('07:00:00')]]);
    expect(tally(out.units, FIRST)).toEqual([0, 0]);
  });

  it('a wait from before the window is timed from its first in-window message; the live clock follows it', () => {
    const events = [ali('b', 'buyer', t('08:59:00')), ali('b', 'buyer', t('09:01:00'))];
    const live = run(events, { now: t('09:02:00') });
    expect(live.clocks[0]).toMatchObject({ status: 'pending', startedAt: t('08:59:00'), dueAt: t('09:04:00') });
    expect(live.nextWakeAt).toBe(t('09:03:00')); // the alert a minute before
    const per = of(live.units, PER).sort((a, b) => a.startAt - b.startAt);
    expect(per.map((u) => [u.result, u.dueAt])).toEqual([
      ['notAssessed', null],
      ['pending', t('09:04:00')],
    ]);
    expect(of(live.units, FIRST).map((u) => [u.result, u.startAt])).toEqual([['pending', t('09:01:00')]]);
  });

  it("an unanswered question from yesterday does not hide today's first message: the live clock counts it down", () => {
    const next = '2026-11-21';
    const events = [ali('b', 'buyer', t('20:50:00')), ali('b', 'buyer', t('09:30:00', next))];
    const out = run(events, { now: t('09:31:00', next), coverage: [...cov, ...watchedAllDay('ali1688', next)] });
    expect(out.clocks[0]).toMatchObject({
      status: 'pending',
      startedAt: t('09:30:00', next),
      dueAt: t('09:33:00', next),
    });
    expect(out.nextWakeAt).toBe(t('09:32:00', next));
    const per = of(out.units, PER).sort((a, b) => a.startAt - b.startAt);
    expect(per.map((u) => [u.day, u.result])).toEqual([
      [DAY, 'fail'],
      [next, 'pending'],
    ]);
    expect(of(out.units, FIRST).map((u) => [u.day, u.result])).toEqual([
      [DAY, 'fail'],
      [next, 'pending'],
    ]);
  });

  it('auto-replies and system messages do not stop any message clock; a valid reply answers every message before it', () => {
    const out = run([
      ali('b', 'buyer', t('10:00:00')),
      ali('b', 'auto', t('10:00:01')),
      ali('b', 'system', t('10:00:30')),
      ali('b', 'buyer', t('10:02:00')),
      ali('b', 'human', t('10:04:00')),
      ali('b', 'human', t('10:04:30')), // a second reply answers nothing new
    ]);
    const per = of(out.units, PER).sort((a, b) => a.startAt - b.startAt);
    expect(per.map((u) => [u.result, u.responseSec, u.replyAt])).toEqual([
      ['fail', 240, t('10:04:00')],
      ['pass', 120, t('10:04:00')],
    ]);
  });

  it('a reply in the same second counts (1688 has no 0-second rule): 店小蜜 answers at once', () => {
    const out = run([ali('b', 'buyer', t('10:00:00')), ali('b', 'robot', t('10:00:00') + 400)]);
    expect(of(out.units, PER).map((u) => u.result)).toEqual(['pass']);
  });

  it('a follow-up in the reply’s second: the day’s first message was answered in 170 s (review probe p8)', () => {
    const out = run([
      ali('b', 'buyer', t('10:00:00')),
      ali('b', 'buyer', t('10:02:50')),
      ali('b', 'human', t('10:02:50')),
    ]);
    expect(of(out.units, FIRST).map((u) => [u.result, u.responseSec])).toEqual([['pass', 170]]);
  });

  it('the rule editor can switch smart replies off: then 店小蜜 does not count', () => {
    const { rules, errors } = applyOverrides(DEFAULT_RULES, {
      [FIRST]: { validReply: ['human', 'assist'] },
      [PER]: { validReply: ['human', 'assist'] },
    });
    expect(errors).toEqual([]);
    const out = run([ali('b', 'buyer', t('11:00:00')), ali('b', 'robot', t('11:00:05'))], { rules });
    expect(of(out.units, FIRST).map((u) => u.result)).toEqual(['fail']);
    expect(of(out.units, PER).map((u) => u.result)).toEqual(['fail']);
  });

  it('unwatched deadline → unknown; a reply found later decides by its own time; seen late → a breach', () => {
    const q = ali('b', 'buyer', t('10:00:00'));
    // Nothing watched 10:03 and nothing seen since: unknown, never a guess.
    const blind = run([q], { coverage: [], now: t('10:10:00') });
    expect(of(blind.units, PER).map((u) => u.result)).toEqual(['unknown']);
    expect(of(blind.units, FIRST).map((u) => u.result)).toEqual(['unknown']);
    expect(blind.clocks[0]!.status).toBe('unknown');
    // The history later shows the reply at 10:02: a pass by the reply's own time.
    const found = run([q, ali('b', 'human', t('10:02:00'), { historical: true, observedAt: t('11:00:00') })], {
      coverage: [],
      now: t('11:00:00'),
    });
    expect(of(found.units, PER).map((u) => [u.result, u.responseSec])).toEqual([['pass', 120]]);
    // The page shows the thread at 10:30 still unanswered: a breach, seen late.
    const late = run([{ ...q, seenAt: t('10:30:00') }], { coverage: [], now: t('10:31:00') });
    expect(of(late.units, PER)[0]).toMatchObject({ result: 'fail', seenLate: true });
    expect(of(late.units, FIRST)[0]).toMatchObject({ result: 'fail', seenLate: true });
    expect(late.clocks[0]).toMatchObject({ status: 'breached', seenLate: true });
  });

  it('a buyer message with no time on the page is never a new question', () => {
    const out = run([
      ali('b', 'buyer', t('10:00:00'), { historical: true, atLatest: t('10:30:00'), observedAt: t('10:30:00') }),
    ]);
    expect(of(out.units, PER)).toEqual([]);
    expect(of(out.units, FIRST)).toEqual([]);
  });

  it('a row counter stands for the message it counted: one message, timed by the message', () => {
    const counter = ali('b', 'buyer', t('10:00:00'), { timeSource: 'counter', observedAt: t('10:01:00') });
    const msg = ali('b', 'buyer', t('10:00:20'), { observedAt: t('10:01:05') });
    const out = run([counter, msg, ali('b', 'human', t('10:02:00'))]);
    const per = of(out.units, PER);
    expect(per.map((u) => [u.result, u.startAt, u.responseSec])).toEqual([['pass', t('10:00:20'), 100]]);
    expect(per[0]!.id).toBe(`${PER}|ali1688|shop-main|b|${msg.messageId}`);
    // Alone, the counter is the wait (a message not seen).
    const alone = run([counter], { now: t('10:01:00') });
    expect(of(alone.units, PER).map((u) => [u.result, u.dueAt])).toEqual([['pending', t('10:03:00')]]);
  });

  it('ten messages in two waits: every message counts, 180 s exactly passes (messages, not rounds)', () => {
    const events: ChatEvent[] = [];
    for (let i = 0; i < 8; i++) events.push(ali('b', 'buyer', t('12:00:00') + i * 10_000));
    events.push(ali('b', 'human', t('12:03:30'))); // 12:00:00–12:00:20 late (3), 12:00:30 (180 s)–12:01:10 in time (5)
    events.push(ali('b', 'buyer', t('13:00:00')), ali('b', 'buyer', t('13:01:00')), ali('b', 'human', t('13:02:00')));
    const out = run(events);
    expect(tally(out.units, PER)).toEqual([7, 10]);
    expect(tally(out.units, FIRST)).toEqual([0, 1]);
  });

  it('the primary metric is the per-message rate; the retired round metric is kept in the rules, not computed', () => {
    expect(primaryMetric(DEFAULT_RULES, 'ali1688').key).toBe(PER);
    expect(findMetric(DEFAULT_RULES, 'ali1688.ww3min')?.retired).toBe('2026.12.1');
    for (const key of [FIRST, PER]) {
      const m = findMetric(DEFAULT_RULES, key)!;
      expect(m.window).toEqual({ startMin: 9 * 60, endMin: 21 * 60 });
      expect(m.thresholdSec).toBe(180);
      expect([...m.validReply].sort()).toEqual(['assist', 'human', 'robot']);
    }
  });

  it('rule overrides: the new metrics validate like others (no session gap); an old override of the retired metric stays valid and inert', () => {
    const ok = validateSettingsPatch({
      ruleOverrides: {
        [PER]: { thresholdSec: 120, window: { startMin: 480, endMin: 1440 } },
        [FIRST]: { warnBelow: 0.9 },
      },
    });
    expect(ok.ok).toBe(true);
    const gap = validateSettingsPatch({ ruleOverrides: { [PER]: { sessionGapSec: 600 } } });
    expect(gap).toMatchObject({ ok: false });
    expect(!gap.ok && gap.errors.join(' ')).toContain('sessionGapSec applies to session metrics only');
    expect(validateSettingsPatch({ ruleOverrides: { [FIRST]: { validReply: ['buyer'] } } }).ok).toBe(false);
    // Stored by the previous version: read back without a reset, and it changes nothing computed.
    const stored = { 'ali1688.ww3min': { window: { startMin: 480, endMin: 1440 } } };
    const { settings, rejected } = settingsFromRows([{ key: 'ruleOverrides', value: stored }]);
    expect(rejected).toEqual([]);
    const { rules, errors } = applyOverrides(DEFAULT_RULES, settings.ruleOverrides);
    expect(errors).toEqual([]);
    const events = [ali('b', 'buyer', t('08:30:00')), ali('b', 'human', t('08:31:00'))];
    expect(of(run(events, { rules }).units, PER).map((u) => u.result)).toEqual(['notAssessed']);
    // The same window on the new metric does change it.
    const moved = applyOverrides(DEFAULT_RULES, { [PER]: { window: { startMin: 480, endMin: 1440 } } }).rules;
    expect(of(run(events, { rules: moved }).units, PER).map((u) => u.result)).toEqual(['pass']);
  });
});
