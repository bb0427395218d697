import { describe, expect, it } from 'vitest';
import { absorbedCounters, evaluate, rollup, type EngineInput, type UnitOutcome } from '../../lib/engine';
import { chinaDay, inWindow } from '../../lib/engine/time';
import { DEFAULT_RULES, applyOverrides, findMetric } from '../../lib/rules';
import type { ChatEvent, CoverageSpan } from '../../lib/model';
import { DAY, ev, t, watchedAllDay } from './helpers/events';

const END_OF_DAY = t('23:59:00');

function run(events: ChatEvent[], opts: Partial<EngineInput> = {}) {
  return evaluate({
    events,
    coverage: opts.coverage ?? [],
    rules: opts.rules ?? DEFAULT_RULES,
    now: opts.now ?? END_OF_DAY,
    alertLeadSec: opts.alertLeadSec ?? 60,
  });
}

function unitsOf(units: UnitOutcome[], metric: string) {
  return units.filter((u) => u.metric === metric);
}

function rateOf(units: UnitOutcome[], metric: string) {
  return rollup(findMetric(DEFAULT_RULES, metric)!, units);
}

describe('China time helpers', () => {
  it('puts instants on the China-local date and window', () => {
    expect(chinaDay(t('00:30:00'))).toBe(DAY);
    expect(chinaDay(t('23:59:59'))).toBe(DAY);
    const w = { startMin: 8 * 60, endMin: 23 * 60 };
    expect(inWindow(t('07:59:59'), w)).toBe(false);
    expect(inWindow(t('08:00:00'), w)).toBe(true);
    expect(inWindow(t('22:59:59'), w)).toBe(true);
    expect(inWindow(t('23:00:00'), w)).toBe(false);
    const overnight = { startMin: 22 * 60, endMin: 2 * 60 };
    expect(inWindow(t('23:30:00'), overnight)).toBe(true);
    expect(inWindow(t('01:59:00'), overnight)).toBe(true);
    expect(inWindow(t('02:00:00'), overnight)).toBe(false);
  });
});

describe('Taobao rounds (platform-rules.md §4)', () => {
  const cov = watchedAllDay('taobao');
  const round1 = () => [
    ev('taobao', 'b1', 'buyer', t('10:10:15')),
    ev('taobao', 'b1', 'buyer', t('10:15:20')),
    ev('taobao', 'b1', 'human', t('10:18:10')),
  ];

  it('buyer 10:10:15, buyer 10:15:20, seller 10:18:10 → round 1 failed (0/1)', () => {
    const out = run(round1(), { coverage: cov });
    const units = unitsOf(out.units, 'taobao.ww3min');
    expect(units).toHaveLength(1);
    expect(units[0]!.result).toBe('fail');
    expect(units[0]!.startAt).toBe(t('10:10:15'));
    expect(units[0]!.responseSec).toBe(475);
    const r = rateOf(out.units, 'taobao.ww3min');
    expect([r.counts.pass, r.decided]).toEqual([0, 1]);
  });

  it('then buyer 10:18:30, seller 10:19:00 → round 2 passed (1/2)', () => {
    const events = [
      ...round1(),
      ev('taobao', 'b1', 'buyer', t('10:18:30')),
      ev('taobao', 'b1', 'human', t('10:19:00')),
    ];
    const out = run(events, { coverage: cov });
    const units = unitsOf(out.units, 'taobao.ww3min').sort((a, b) => a.startAt - b.startAt);
    expect(units.map((u) => u.result)).toEqual(['fail', 'pass']);
    const r = rateOf(out.units, 'taobao.ww3min');
    expect([r.counts.pass, r.decided]).toEqual([1, 2]);
    expect(r.rate).toBe(0.5);
  });

  it('ten buyer questions within 3 min, never answered → one failed round (0/1)', () => {
    const events = Array.from({ length: 10 }, (_, i) => ev('taobao', 'b2', 'buyer', t('11:00:00') + i * 15_000));
    const out = run(events, { coverage: cov });
    const units = unitsOf(out.units, 'taobao.ww3min');
    expect(units).toHaveLength(1);
    expect(units[0]!.result).toBe('fail');
    expect(out.clocks[0]!.startedAt).toBe(t('11:00:00'));
    expect(out.clocks[0]!.waitingMessages).toBe(10);
    expect(out.clocks[0]!.status).toBe('breached');
  });

  it('auto-replies and 0-second replies do not stop the clock; an assist reply does', () => {
    const events = [
      ev('taobao', 'b3', 'buyer', t('12:00:00')),
      ev('taobao', 'b3', 'auto', t('12:00:01')),
      ev('taobao', 'b3', 'human', t('12:00:00') + 400), // same second as the question: an automatic answer
      ev('taobao', 'b3', 'assist', t('12:02:00')),
    ];
    const units = unitsOf(run(events, { coverage: cov }).units, 'taobao.ww3min');
    expect(units).toHaveLength(1);
    expect(units[0]!.result).toBe('pass');
    expect(units[0]!.responseSec).toBe(120);
  });

  it('a follow-up in the same second as the reply does not make it a 0-second reply: the round is timed from its first question', () => {
    // platform-rules.md §1/§3.1: the 0-second rule is the round's response time (from its first question) being 0 s.
    const events = [
      ev('taobao', 'b7', 'buyer', t('10:00:00')),
      ev('taobao', 'b7', 'buyer', t('10:02:50')), // typed while the agent typed the answer
      ev('taobao', 'b7', 'human', t('10:02:50') + 500),
      ev('taobao', 'b7', 'human', t('10:20:00')),
    ];
    const units = unitsOf(run(events, { coverage: cov }).units, 'taobao.ww3min');
    expect(units.map((u) => [u.result, u.responseSec])).toEqual([['pass', 170.5]]);
    // The same reply in the same second as the round's first question is still void.
    const zero = [
      ev('taobao', 'b8', 'buyer', t('10:00:00')),
      ev('taobao', 'b8', 'human', t('10:00:00') + 500),
      ev('taobao', 'b8', 'human', t('10:20:00')),
    ];
    expect(unitsOf(run(zero, { coverage: cov }).units, 'taobao.ww3min').map((u) => u.result)).toEqual(['fail']);
  });

  it('a page that shows minutes only: a reply in the same minute counts (the 0-second rule needs seconds on both)', () => {
    // platform-rules.md §1: "not 0-second replies". `10:00` for question and reply gives both the same ms; the
    // reply may have come 59 s later: not proven automatic, so it counts (no false breach).
    const minute = (e: ChatEvent): ChatEvent => ({ ...e, atPrecisionMs: 60_000 });
    const cases: [string, ChatEvent[], string[]][] = [
      [
        'both minute-only',
        [minute(ev('taobao', 'm1', 'buyer', t('10:00:00'))), minute(ev('taobao', 'm1', 'human', t('10:00:00')))],
        ['pass'],
      ],
      [
        'question minute-only',
        [minute(ev('taobao', 'm2', 'buyer', t('10:00:00'))), ev('taobao', 'm2', 'human', t('10:00:00'))],
        ['pass'],
      ],
      [
        'reply minute-only',
        [ev('taobao', 'm3', 'buyer', t('10:00:00')), minute(ev('taobao', 'm3', 'human', t('10:00:00')))],
        ['pass'],
      ],
      // Both to the second, the same second: still void (the reply at 10:20 is the one that counts: > 180 s).
      [
        'both to the second',
        [
          ev('taobao', 'm4', 'buyer', t('10:00:00')),
          ev('taobao', 'm4', 'human', t('10:00:00') + 500),
          ev('taobao', 'm4', 'human', t('10:20:00')),
        ],
        ['fail'],
      ],
      // A precision of a second is to the second.
      [
        '1000 ms',
        [
          { ...ev('taobao', 'm5', 'buyer', t('10:00:00')), atPrecisionMs: 1000 },
          ev('taobao', 'm5', 'human', t('10:00:00')),
          ev('taobao', 'm5', 'human', t('10:20:00')),
        ],
        ['fail'],
      ],
    ];
    for (const [what, events, want] of cases) {
      const units = unitsOf(run(events, { coverage: cov }).units, 'taobao.ww3min');
      expect(
        units.map((u) => u.result),
        what,
      ).toEqual(want);
    }
    // The clock stops too: no breach shown for the minute-only conversation.
    const out = run(cases[0]![1], { coverage: cov, now: t('10:10:00') });
    expect(out.clocks.find((c) => c.buyer === 'm1')?.status).not.toBe('breached');
  });

  it('capped average: each round capped at 600 s, unreplied counts 600 s', () => {
    const events = [
      ev('taobao', 'b4', 'buyer', t('13:00:00')),
      ev('taobao', 'b4', 'human', t('13:01:00')), // 60 s
      ev('taobao', 'b5', 'buyer', t('13:00:00')),
      ev('taobao', 'b5', 'human', t('13:20:00')), // 1200 s → 600
      ev('taobao', 'b6', 'buyer', t('13:00:00')), // never answered, watched → 600
    ];
    const r = rollup(findMetric(DEFAULT_RULES, 'taobao.avgResp')!, run(events, { coverage: cov }).units);
    expect(r.cappedCount).toBe(3);
    expect(r.average).toBe((60 + 600 + 600) / 3);
  });
});

describe('messages of the same time keep the page order', () => {
  // One sighting (same observedAt) of messages stamped in the same second; content-hash ids that sort the other way.
  const seen = t('10:05:00');
  const at = (id: string, author: ChatEvent['author'], when: number, pageOrder: number) =>
    ev('pdd', 'S', author, when, { messageId: id, observedAt: seen, pageOrder, timeSource: 'stamp' });
  const results = (events: ChatEvent[]) =>
    unitsOf(run(events, { coverage: watchedAllDay('pdd') }).units, 'pdd.manual3min').map((u) => u.result);

  it('a reply in its question’s second answers it, whatever the ids', () => {
    // Page: the question, then the reply, both at 10:00:00; ids 'h9f' > 'h1a'.
    expect(results([at('h9f', 'buyer', t('10:00:00'), 0), at('h1a', 'human', t('10:00:00'), 1)])).toEqual(['pass']);
  });

  it('a question in the second of the reply above it stays open', () => {
    // Page: a reply (to something earlier), then a new question in the same second, never answered.
    const events = [
      at('h00', 'buyer', t('09:59:00'), 0),
      at('h9f', 'human', t('10:00:00'), 1),
      at('h1a', 'buyer', t('10:00:00'), 2),
    ];
    expect(results(events)).toEqual(['fail']);
  });
});

describe('PDD consumer-day (platform-rules.md §4)', () => {
  const cov = watchedAllDay('pdd');

  it('A asks 09:00:00, reply 09:02:00; asks 15:00:00, reply 15:04:00 → A fails the day', () => {
    const events = [
      ev('pdd', 'A', 'buyer', t('09:00:00')),
      ev('pdd', 'A', 'human', t('09:02:00')),
      ev('pdd', 'A', 'buyer', t('15:00:00')),
      ev('pdd', 'A', 'human', t('15:04:00')),
    ];
    const units = unitsOf(run(events, { coverage: cov }).units, 'pdd.manual3min');
    expect(units).toHaveLength(1);
    expect(units[0]!.day).toBe(DAY);
    expect(units[0]!.result).toBe('fail');
    expect(units[0]!.startAt).toBe(t('15:00:00'));
  });

  it('80 consumers asked, 60 answered in time on every message → 75%', () => {
    const events: ChatEvent[] = [];
    for (let i = 0; i < 80; i++) {
      const asked = t('10:00:00') + i * 60_000;
      events.push(ev('pdd', `c${i}`, 'buyer', asked));
      events.push(ev('pdd', `c${i}`, 'human', asked + (i < 60 ? 90_000 : 240_000)));
    }
    const r = rateOf(run(events, { coverage: cov }).units, 'pdd.manual3min');
    expect(r.decided).toBe(80);
    expect(r.counts.fail).toBe(20);
    expect(r.rate).toBe(0.75);
  });

  it('B asks 22:59:30, reply 23:01:00 → assessed, passed; C asks 23:10 → not assessed', () => {
    const events = [
      ev('pdd', 'B', 'buyer', t('22:59:30')),
      ev('pdd', 'B', 'human', t('23:01:00')),
      ev('pdd', 'C', 'buyer', t('23:10:00')),
    ];
    const out = run(events, { coverage: cov });
    const units = unitsOf(out.units, 'pdd.manual3min');
    expect(units.find((u) => u.buyer === 'B')!.result).toBe('pass');
    expect(units.find((u) => u.buyer === 'C')!.result).toBe('notAssessed');
    const c = out.clocks.find((x) => x.buyer === 'C')!;
    expect(c.status).toBe('notAssessed');
    expect(c.dueAt).toBeNull();
    expect(c.startedAt).toBe(t('23:10:00'));
    const r = rateOf(out.units, 'pdd.manual3min');
    expect([r.counts.pass, r.decided, r.counts.notAssessed]).toEqual([1, 1, 1]);
  });

  it('a 22:59 question keeps its 3 minutes after the window closes (due 23:02)', () => {
    const out = run([ev('pdd', 'E', 'buyer', t('22:59:00'))], { coverage: cov, now: t('23:00:30') });
    expect(out.clocks[0]!.status).toBe('pending');
    expect(out.clocks[0]!.dueAt).toBe(t('23:02:00'));
    expect(out.nextWakeAt).toBe(t('23:01:00')); // the alert, 60 s before the deadline
  });

  it('D asks 10:00:00, robot answers 10:00:05, human 10:03:30 → D fails (robot does not count)', () => {
    const events = [
      ev('pdd', 'D', 'buyer', t('10:00:00')),
      ev('pdd', 'D', 'robot', t('10:00:05')),
      ev('pdd', 'D', 'human', t('10:03:30')),
    ];
    const units = unitsOf(run(events, { coverage: cov }).units, 'pdd.manual3min');
    expect(units[0]!.result).toBe('fail');
    expect(units[0]!.responseSec).toBe(210);
  });

  it('a message that reaches the window from before 08:00 is judged from the first in-window message', () => {
    const events = [
      ev('pdd', 'F', 'buyer', t('07:58:00')),
      ev('pdd', 'F', 'buyer', t('08:01:00')),
      ev('pdd', 'F', 'human', t('08:03:30')),
    ];
    const units = unitsOf(run(events, { coverage: cov }).units, 'pdd.manual3min');
    expect(units[0]!.result).toBe('pass');
    expect(units[0]!.startAt).toBe(t('08:01:00'));
  });

  it('the 30-second metric judges only the first round of the day', () => {
    const events = [
      ev('pdd', 'G', 'buyer', t('09:00:00')),
      ev('pdd', 'G', 'human', t('09:00:20')),
      ev('pdd', 'G', 'buyer', t('10:00:00')),
      ev('pdd', 'G', 'human', t('10:02:00')),
    ];
    const out = run(events, { coverage: cov });
    expect(unitsOf(out.units, 'pdd.answer30s')[0]!.result).toBe('pass');
    expect(unitsOf(out.units, 'pdd.manual3min')[0]!.result).toBe('pass');
  });
});

describe('clock semantics', () => {
  it('later buyer messages do not restart the clock; the countdown and wake-up follow the first', () => {
    const events = [ev('pdd', 'H', 'buyer', t('10:00:00')), ev('pdd', 'H', 'buyer', t('10:01:30'))];
    const out = run(events, { now: t('10:01:40'), alertLeadSec: 60 });
    const c = out.clocks[0]!;
    expect(c.status).toBe('pending');
    expect(c.startedAt).toBe(t('10:00:00'));
    expect(c.dueAt).toBe(t('10:03:00'));
    expect(c.alertAt).toBe(t('10:02:00'));
    expect(out.nextWakeAt).toBe(t('10:02:00'));
    // After the alert moment the next wake-up is the deadline itself.
    expect(run(events, { now: t('10:02:30') }).nextWakeAt).toBe(t('10:03:00'));
  });

  it('is idempotent: the same events twice, in any order, give the same output', () => {
    const events = [
      ev('pdd', 'I', 'buyer', t('10:00:00')),
      ev('pdd', 'I', 'human', t('10:02:00')),
      ev('pdd', 'J', 'buyer', t('11:00:00')),
    ];
    const once = run(events, { coverage: watchedAllDay('pdd') });
    const twice = run([...events].reverse().concat(events.map((e) => ({ ...e, observedAt: e.observedAt + 5000 }))), {
      coverage: watchedAllDay('pdd'),
    });
    const norm = (o: typeof once) => ({
      clocks: [...o.clocks].sort((a, b) => a.key.localeCompare(b.key)),
      units: [...o.units].sort((a, b) => a.id.localeCompare(b.id)),
      next: o.nextWakeAt,
    });
    expect(norm(twice)).toEqual(norm(once));
  });

  it('a missed deadline that nobody watched is unknown, not a breach', () => {
    const q = ev('pdd', 'K', 'buyer', t('10:00:00'));
    const watchedUntil: CoverageSpan[] = [
      { platform: 'pdd', account: 'shop-main', from: t('09:00:00'), to: t('10:01:00') },
    ];
    const out = run([q], { coverage: watchedUntil, now: t('12:00:00') });
    expect(out.clocks[0]!.status).toBe('unknown');
    expect(unitsOf(out.units, 'pdd.manual3min')[0]!.result).toBe('unknown');
    expect(out.nextWakeAt).toBeNull();
  });

  it('the same deadline watched by a healthy tab is a breach', () => {
    const q = ev('pdd', 'K', 'buyer', t('10:00:00'));
    const out = run([q], {
      coverage: [{ platform: 'pdd', account: 'shop-main', from: t('09:00:00'), to: t('10:05:00') }],
      now: t('10:05:00'),
    });
    expect(out.clocks[0]!.status).toBe('breached');
  });

  it('coverage of another account does not count', () => {
    const q = ev('pdd', 'K', 'buyer', t('10:00:00'));
    const out = run([q], { coverage: watchedAllDay('pdd', DAY, 'other-shop'), now: t('12:00:00') });
    expect(out.clocks[0]!.status).toBe('unknown');
  });

  it('reconciles from history: a reply found later decides by its own timestamp', () => {
    const q = ev('pdd', 'L', 'buyer', t('10:00:00'));
    // Browser was closed; on return the thread shows the reply sent from the phone at 10:02:00.
    const phoneReply = ev('pdd', 'L', 'human', t('10:02:00'), { historical: true, observedAt: t('12:00:00') });
    expect(unitsOf(run([q, phoneReply], { now: t('12:00:00') }).units, 'pdd.manual3min')[0]!.result).toBe('pass');
    const lateReply = ev('pdd', 'L', 'human', t('10:05:00'), { historical: true, observedAt: t('12:00:00') });
    expect(unitsOf(run([q, lateReply], { now: t('12:00:00') }).units, 'pdd.manual3min')[0]!.result).toBe('fail');
  });

  it('a thread seen beyond the deadline with no reply in between is a breach even without live coverage', () => {
    const events = [
      ev('pdd', 'M', 'buyer', t('10:00:00')),
      ev('pdd', 'M', 'buyer', t('10:06:00'), { historical: true, observedAt: t('12:00:00') }),
    ];
    expect(run(events, { now: t('12:00:00') }).clocks[0]!.status).toBe('breached');
  });

  it('history without a time never invents a question, and an uncertain reply time straddling the deadline is unknown', () => {
    const untimedQuestion = ev('pdd', 'N', 'buyer', t('09:00:00'), {
      timeSource: 'observed',
      historical: true,
      atLatest: t('12:00:00'),
    });
    const out = run([untimedQuestion], { now: t('12:00:00'), coverage: watchedAllDay('pdd') });
    expect(out.clocks[0]!.status).toBe('idle');
    expect(unitsOf(out.units, 'pdd.manual3min')).toHaveLength(0);

    const q = ev('pdd', 'O', 'buyer', t('10:00:00'));
    const vague = ev('pdd', 'O', 'human', t('10:01:00'), {
      timeSource: 'observed',
      historical: true,
      atLatest: t('10:10:00'),
    });
    expect(unitsOf(run([q, vague]).units, 'pdd.manual3min')[0]!.result).toBe('unknown');
    const vagueButEarly = { ...vague, atLatest: t('10:02:00') };
    expect(unitsOf(run([q, vagueButEarly]).units, 'pdd.manual3min')[0]!.result).toBe('pass');
  });

  it('system and internal messages neither start nor stop clocks', () => {
    const events = [
      ev('pdd', 'P', 'system', t('10:00:00'), { text: '当前用户来自商品详情页' }),
      ev('pdd', 'P', 'internal', t('10:00:10')),
    ];
    expect(run(events).clocks[0]!.status).toBe('idle');
    const withQuestion = [...events, ev('pdd', 'P', 'buyer', t('10:01:00')), ev('pdd', 'P', 'system', t('10:01:30'))];
    expect(run(withQuestion, { now: t('10:02:00') }).clocks[0]!.status).toBe('pending');
  });
});

describe('sessions (JD, Douyin)', () => {
  it('JD: a buyer back within 10 min is the same consultation; later is a new one', () => {
    const cov = watchedAllDay('jd');
    const events = [
      ev('jd', 'q', 'buyer', t('10:00:00')),
      ev('jd', 'q', 'human', t('10:00:20')), // 20 s: pass
      ev('jd', 'q', 'buyer', t('10:05:00')), // same consultation, not judged
      ev('jd', 'q', 'human', t('10:07:00')),
      ev('jd', 'q', 'buyer', t('10:30:00')), // new consultation
      ev('jd', 'q', 'human', t('10:31:00')), // 60 s: fail
    ];
    const units = unitsOf(run(events, { coverage: cov }).units, 'jd.dd30s').sort((a, b) => a.startAt - b.startAt);
    expect(units.map((u) => [u.startAt, u.result])).toEqual([
      [t('10:00:00'), 'pass'],
      [t('10:30:00'), 'fail'],
    ]);
  });

  it('Douyin: sessions started 08:00:00–22:59:59 are assessed; a close marker starts a new session', () => {
    const cov = watchedAllDay('douyin');
    const events = [
      ev('douyin', 'd', 'buyer', t('07:59:59')),
      ev('douyin', 'd', 'human', t('08:00:30')),
      ev('douyin', 'd', 'system', t('08:01:00'), { marker: 'sessionEnd' }),
      ev('douyin', 'd', 'buyer', t('08:02:00')),
      ev('douyin', 'd', 'auto', t('08:02:01')), // auto welcome does not count
      ev('douyin', 'd', 'human', t('08:04:00')),
    ];
    const units = unitsOf(run(events, { coverage: cov }).units, 'douyin.im3min').sort((a, b) => a.startAt - b.startAt);
    expect(units.map((u) => u.result)).toEqual(['notAssessed', 'pass']);
  });

  it('Douyin: a perfunctory reply is invalid from 2026-09-29', () => {
    const cov = watchedAllDay('douyin');
    const events = [
      ev('douyin', 'e', 'buyer', t('10:00:00')),
      ev('douyin', 'e', 'human', t('10:00:30'), { perfunctory: true }),
      ev('douyin', 'e', 'human', t('10:05:00')),
    ];
    expect(unitsOf(run(events, { coverage: cov }).units, 'douyin.im3min')[0]!.result).toBe('fail');
    const before = events.map((e) => ({ ...e, at: e.at - 90 * 86_400_000 }));
    const cov2 = [{ ...cov[0]!, from: cov[0]!.from - 90 * 86_400_000, to: cov[0]!.to }];
    expect(unitsOf(run(before, { coverage: cov2 }).units, 'douyin.im3min')[0]!.result).toBe('pass');
  });
});

describe('rules as data with user overrides', () => {
  it('applies a valid override and reports invalid ones without applying them', () => {
    const { rules, errors } = applyOverrides(DEFAULT_RULES, {
      'pdd.manual3min': { thresholdSec: 120 },
      'jd.dd30s': { sessionGapSec: 5 },
      'nope.metric': { thresholdSec: 10 },
      'taobao.ww3min': { validReply: ['buyer'] },
    });
    expect(findMetric(rules, 'pdd.manual3min')!.thresholdSec).toBe(120);
    expect(findMetric(rules, 'jd.dd30s')!.sessionGapSec).toBe(600);
    expect(findMetric(rules, 'taobao.ww3min')!.validReply).toEqual(['human', 'assist', 'robot']);
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toMatch(/nope\.metric: no such metric/);
    expect(rules.version).toBe(`${DEFAULT_RULES.version}+user`);

    const out = run([ev('pdd', 'Q', 'buyer', t('10:00:00'))], { rules, now: t('10:00:10') });
    expect(out.clocks[0]!.dueAt).toBe(t('10:02:00'));
  });

  it('every platform has a primary metric with a window and a valid-reply set', () => {
    for (const p of Object.values(DEFAULT_RULES.platforms)) {
      const primary = p.metrics.find((m) => m.key === p.primary);
      expect(primary, p.platform).toBeDefined();
      expect(primary!.retired, p.platform).toBeUndefined();
      for (const m of p.metrics) {
        expect(m.validReply.length).toBeGreaterThan(0);
        // Smart replies (店小蜜, 7x24H: robot) count on Taobao and 1688 only (seed 001); auto-replies nowhere.
        if (!['taobao', 'ali1688'].includes(p.platform) || m.retired)
          expect(m.validReply, m.key).not.toContain('robot');
        expect(m.validReply).not.toContain('auto');
        expect(m.window.startMin).toBeLessThan(m.window.endMin);
        expect(m.key.startsWith(p.platform)).toBe(true);
      }
    }
  });
});

describe('one wait, one event (row counters)', () => {
  /** A list row's waited-seconds counter read at `seen`: the wait began `sec` seconds before (whole seconds). */
  const counter = (buyer: string, seen: number, sec: number, extra: Partial<ChatEvent> = {}) =>
    ev('pdd', buyer, 'buyer', seen - sec * 1000, {
      timeSource: 'counter',
      observedAt: seen,
      messageId: `wait-${Math.floor((seen - sec * 1000) / 1000)}`,
      ...extra,
    });
  const message = t('10:00:00') + 500;

  it('a counter and the message it counts are one wait, timed by the message, whichever comes first', () => {
    const m = ev('pdd', 'W', 'buyer', message, { historical: true, observedAt: t('10:00:43') });
    // "42秒" read at 10:00:43.000 says 10:00:01 (after the message); "43秒" says 10:00:00 (before it).
    for (const c of [counter('W', t('10:00:43'), 42), counter('W', t('10:00:43'), 43)]) {
      const out = run([m, c], { now: t('10:00:43') });
      expect(out.clocks[0]).toMatchObject({ status: 'pending', waitingMessages: 1, startedAt: message });
      expect(out.clocks[0]!.dueAt).toBe(message + 180_000);
      const units = unitsOf(out.units, 'pdd.manual3min');
      expect(units.map((u) => [u.startAt, u.result])).toEqual([[message, 'pending']]);
    }
  });

  it('the same counter read again (a reload, rounded differently) is the same wait: the first reading stands', () => {
    const first = counter('X', t('10:00:43'), 42);
    const again = counter('X', t('10:01:30') + 400, 90); // 10:00:00.400: 0.6 s earlier than the first reading
    const out = run([again, first], { now: t('10:01:31') });
    expect(out.clocks[0]).toMatchObject({ waitingMessages: 1, startedAt: first.at, dueAt: first.at + 180_000 });
    expect(absorbedCounters([first, again], findMetric(DEFAULT_RULES, 'pdd.manual3min')!)).toEqual([again.messageId]);
  });

  it('a counter much earlier than the first message on screen stands for a message not seen: two waiting', () => {
    const c = counter('Y', t('10:05:00'), 300); // since 10:00:00
    const m = ev('pdd', 'Y', 'buyer', t('10:03:00'), { historical: true, observedAt: t('10:05:00') });
    const out = run([c, m], { now: t('10:05:00'), coverage: watchedAllDay('pdd') });
    expect(out.clocks[0]).toMatchObject({ waitingMessages: 2, startedAt: t('10:00:00') });
    expect(absorbedCounters([c, m], findMetric(DEFAULT_RULES, 'pdd.manual3min')!)).toEqual([]);
  });

  it('a wait event stored by an earlier version (timeSource stamp, id wait-<seconds>) is a counter too', () => {
    const legacy = ev('pdd', 'L', 'buyer', t('10:00:01'), {
      timeSource: 'stamp',
      messageId: `wait-${t('10:00:01') / 1000}`,
      observedAt: t('10:00:43'),
    });
    const m = ev('pdd', 'L', 'buyer', message, { historical: true, observedAt: t('10:01:00') });
    const out = run([legacy, m], { now: t('10:01:00') });
    expect(out.clocks[0]).toMatchObject({ waitingMessages: 1, startedAt: message });
    expect(absorbedCounters([legacy, m], findMetric(DEFAULT_RULES, 'pdd.manual3min')!)).toEqual([legacy.messageId]);
  });

  it('a counter after a reply is a new wait', () => {
    const events = [
      ev('pdd', 'Z', 'buyer', t('10:00:00')),
      ev('pdd', 'Z', 'human', t('10:01:00')),
      counter('Z', t('10:02:10'), 10),
    ];
    const out = run(events, { now: t('10:02:10') });
    expect(out.clocks[0]).toMatchObject({ status: 'pending', startedAt: t('10:02:00'), waitingMessages: 1 });
    expect(absorbedCounters(events, findMetric(DEFAULT_RULES, 'pdd.manual3min')!)).toEqual([]);
  });
});

describe('evidence from the page (platform-rules.md §3.7)', () => {
  const OPENED = t('10:00:00');
  /** The tab was opened at 10:00:00 and has watched since. */
  const sinceOpened: CoverageSpan[] = [{ platform: 'pdd', account: 'shop-main', from: OPENED, to: t('10:30:00') }];

  it('a row counter seen at load starts the clock at the page’s start, marked started before watching', () => {
    const c = ev('pdd', 'A', 'buyer', OPENED - 30_000, { timeSource: 'counter', observedAt: OPENED });
    const out = run([c], { now: OPENED, coverage: sinceOpened });
    expect(out.clocks[0]).toMatchObject({
      status: 'pending',
      startedAt: OPENED - 30_000,
      dueAt: OPENED + 150_000,
      startedBeforeWatching: true,
    });
    expect(out.clocks[0]!.seenLate).toBeUndefined();
    expect(out.nextWakeAt).toBe(OPENED + 90_000);
  });

  it('"203秒" at load: the history shows the question unanswered past the threshold → a breach, seen late', () => {
    const c = ev('pdd', 'B', 'buyer', OPENED - 203_000, { timeSource: 'counter', observedAt: OPENED });
    const out = run([c], { now: OPENED, coverage: sinceOpened });
    expect(out.clocks[0]).toMatchObject({ status: 'breached', startedBeforeWatching: true, seenLate: true });
    const u = unitsOf(out.units, 'pdd.manual3min');
    expect(u.map((x) => [x.result, x.seenLate])).toEqual([['fail', true]]);
    // The same from the thread's history (the question's own time, found when the conversation was opened).
    const q = ev('pdd', 'B', 'buyer', OPENED - 203_000, { historical: true, observedAt: OPENED + 5000 });
    const fromHistory = run([q], { now: OPENED + 5000, coverage: sinceOpened });
    expect(fromHistory.clocks[0]).toMatchObject({ status: 'breached', startedBeforeWatching: true, seenLate: true });
  });

  it('a breach watched live is not seen late; a question asked while watching did not start before watching', () => {
    const q = ev('pdd', 'C', 'buyer', t('10:10:00'));
    const out = run([q], { now: t('10:13:01'), coverage: sinceOpened });
    expect(out.clocks[0]!.status).toBe('breached');
    expect(out.clocks[0]!.startedBeforeWatching).toBeUndefined();
    expect(out.clocks[0]!.seenLate).toBeUndefined();
    expect(unitsOf(out.units, 'pdd.manual3min')[0]!.seenLate).toBeUndefined();
  });

  it('unknown stays for time no evidence covers; a later sighting of the unanswered thread settles it', () => {
    // Seen arriving at 10:00 while watching; the tab closed at 10:01; nothing seen until 12:00.
    const q = ev('pdd', 'D', 'buyer', t('10:00:00'));
    const until: CoverageSpan[] = [{ platform: 'pdd', account: 'shop-main', from: t('09:00:00'), to: t('10:01:00') }];
    expect(run([q], { now: t('12:00:00'), coverage: until }).clocks[0]!.status).toBe('unknown');
    // The thread shown again at 12:00 with nothing after the question.
    const out = run([{ ...q, seenAt: t('12:00:00') }], { now: t('12:00:00'), coverage: until });
    expect(out.clocks[0]).toMatchObject({ status: 'breached', seenLate: true });
    expect(out.clocks[0]!.startedBeforeWatching).toBeUndefined();
  });
});
