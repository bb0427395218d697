import { describe, expect, it } from 'vitest';
import { evaluate, lateSighting, seenThrough } from '../../lib/engine';
import { threadOrder } from '../../lib/engine/rounds';
import { chinaDay, chinaDayStart, chinaMsOfDay } from '../../lib/engine/time';
import { exactCut, recentCut, seenLaterBefore, threadBounds, widenBounds } from '../../lib/engine/window';
import type { Author, ChatEvent, CoverageSpan, Platform } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';
import { prng } from '../../scripts/bench/synth';
import { t } from './helpers/events';

const RULES = effectiveRules(undefined);
const PLATFORMS = Object.keys(RULES.platforms) as Platform[];

/** A seeded random thread over four China days: bursts of buyer questions and replies of every kind. */
function randomThread(platform: Platform, seed: number): { events: ChatEvent[]; now: number } {
  const next = prng(seed);
  const rand = (k: number) => Math.floor(next() * k);
  const events: ChatEvent[] = [];
  let at = t('07:30:00', '2026-11-17');
  const end = t('23:00:00', '2026-11-20');
  let n = 0;
  const push = (author: Author, extra: Partial<ChatEvent> = {}) => {
    events.push({
      platform,
      account: 'shop',
      buyer: 'b',
      messageId: `m${n++}`,
      author,
      at,
      timeSource: 'stamp',
      observedAt: at,
      ...(rand(3) === 0 && { text: `text ${n}` }),
      ...(author === 'buyer' && rand(4) === 0 && { buyerNick: `nick${rand(3)}` }),
      ...(rand(10) === 0 && { shop: 'shop name' }),
      ...extra,
    });
  };
  while (at < end) {
    for (let q = 1 + rand(3); q > 0; q--) {
      push(
        'buyer',
        rand(60) === 0
          ? { atLatest: at + 60_000 }
          : rand(20) === 0
            ? // A list row's counter of the wait (read a little later, rounded to the second).
              { timeSource: 'counter', at: at - (at % 1000), observedAt: at + 1000 * rand(200) }
            : // History loaded later (scrolled up to, or the thread opened hours after).
              rand(25) === 0
              ? { historical: true, observedAt: at + 3600_000 * rand(60) }
              : {},
      );
      at += 1000 * (1 + rand(40));
    }
    const replies = rand(8);
    if (replies === 0) {
      // nobody answers this time
    } else {
      if (rand(3) === 0) {
        push(rand(2) ? 'robot' : 'auto');
        at += 1000 * rand(3);
      }
      at += 1000 * rand(rand(4) === 0 ? 900 : 120);
      push(rand(8) === 0 ? 'assist' : 'human', {
        ...(rand(12) === 0 && { perfunctory: true }),
        ...(rand(30) === 0 && { atLatest: at + 90_000 }),
      });
    }
    if (rand(6) === 0) {
      const marker = (['sessionEnd', 'transfer', 'assigned', undefined] as const)[rand(4)];
      push('system', marker ? { marker } : {});
    }
    if (rand(15) === 0) push('internal');
    if (chinaMsOfDay(at) >= 21 * 3600_000 && rand(2) === 0) {
      // A night question (in the minutes before a China midnight) that a human takes after it: an assignment or a
      // transfer (the robot's hand-over, or an account's) just after the midnight or in the morning moves the
      // round's clock, and so its day, past the midnight; then (mostly) an answer, and the day goes on.
      const midnight = chinaDayStart(chinaDay(at)) + 86_400_000;
      at = Math.max(at, midnight - 1000 * (1 + rand(900)));
      push('buyer');
      if (rand(3) === 0) push('robot');
      at = Math.max(at, midnight + (rand(2) ? 1000 * rand(120) : 8 * 3600_000 + 1000 * rand(1800)));
      if (rand(5) !== 0) {
        push('system', { marker: rand(3) ? 'assigned' : 'transfer' });
        at += 1000 * (1 + rand(300));
      }
      if (rand(5) !== 0) push(rand(8) === 0 ? 'assist' : 'human');
    }
    // Gaps from seconds to a night.
    at += 1000 * (rand(4) === 0 ? rand(12 * 3600) : rand(20 * 60));
  }
  return { events, now: at + 60_000 };
}

/** One buyer's messages on `platform`, stamped at a China time of day `d`; id from the time and author. */
const evOn =
  (platform: Platform) =>
  (author: Author, hms: string, d: string, extra: Partial<ChatEvent> = {}): ChatEvent => ({
    platform,
    account: 'shop',
    buyer: 'b',
    messageId: `${d}${hms}${author}`,
    author,
    at: t(hms, d),
    timeSource: 'stamp',
    observedAt: t(hms, d),
    ...extra,
  });

describe('exactCut (long threads evaluated from a midnight)', () => {
  it('whenever it cuts, the part after the cut gives the same clock and the same units from that day on', () => {
    let cuts = 0;
    let tried = 0;
    for (const platform of PLATFORMS) {
      for (let seed = 1; seed <= 40; seed++) {
        const { events, now } = randomThread(platform, seed * 7919 + platform.length);
        const coverage: CoverageSpan[] = [
          { platform, account: 'shop', from: t('00:00:00', '2026-11-17'), to: t('12:00:00', '2026-11-19') },
          { platform, account: 'shop', from: t('18:00:00', '2026-11-19'), to: now },
        ];
        const thread = threadOrder(events);
        for (const day of ['2026-11-18', '2026-11-19', '2026-11-20']) {
          tried++;
          const cutAt = chinaDayStart(day);
          const cut = exactCut(thread, RULES.platforms[platform], cutAt);
          if (!cut) continue;
          cuts++;
          expect(thread[cut]!.at).toBeGreaterThanOrEqual(cutAt);
          expect(thread[cut - 1]!.at).toBeLessThan(cutAt);
          const input = { coverage, rules: RULES, now, alertLeadSec: 60 };
          const whole = evaluate({ ...input, events: thread });
          const part = evaluate({ ...input, events: thread.slice(cut) });
          const ctx = `${platform} seed ${seed} cut ${day}`;
          expect(part.clocks, ctx).toEqual(whole.clocks);
          expect(part.units, ctx).toEqual(whole.units.filter((u) => u.day >= chinaDay(cutAt)));
          expect(part.nextWakeAt, ctx).toEqual(whole.nextWakeAt);
        }
      }
    }
    // It must actually cut often enough to matter (and to make this test mean something).
    expect(cuts / tried).toBeGreaterThan(0.25);
  }, 60_000);

  it('recentCut: at the midnight when exact, else at the first question after it, with the same results from that day on', () => {
    let later = 0;
    let tried = 0;
    for (const platform of PLATFORMS) {
      for (let seed = 1; seed <= 40; seed++) {
        const { events, now } = randomThread(platform, seed * 104_729 + platform.length);
        const coverage: CoverageSpan[] = [{ platform, account: 'shop', from: t('06:00:00', '2026-11-18'), to: now }];
        const thread = threadOrder(events);
        const input = { coverage, rules: RULES, now, alertLeadSec: 60 };
        const whole = evaluate({ ...input, events: thread });
        for (const day of ['2026-11-18', '2026-11-19', '2026-11-20']) {
          tried++;
          const dayStart = chinaDayStart(day);
          const cut = recentCut(thread, RULES.platforms[platform], dayStart);
          const midnight = exactCut(thread, RULES.platforms[platform], dayStart);
          if (midnight) expect(cut).toBe(midnight);
          if (!cut) continue;
          if (!midnight) later++;
          // Nothing before the cut on or after the midnight opens a round: no question with an exact time.
          for (let i = 0; i < cut; i++)
            if (thread[i]!.at >= dayStart)
              expect(thread[i]!.author === 'buyer' && thread[i]!.atLatest === undefined).toBe(false);
          const part = evaluate({ ...input, events: thread.slice(cut) });
          const ctx = `${platform} seed ${seed} cut ${day} at ${cut}`;
          expect(part.clocks, ctx).toEqual(whole.clocks);
          expect(part.units, ctx).toEqual(whole.units.filter((u) => u.day >= day));
          expect(part.nextWakeAt, ctx).toEqual(whole.nextWakeAt);
        }
      }
    }
    // The later cut must actually be taken in these threads (questions answered across midnight happen in them).
    expect(later).toBeGreaterThan(0);
    expect(tried).toBeGreaterThan(0);
  }, 60_000);

  it('bounds of the thread (ThreadBounds: exact, or loose) give the same cut as walking it; too tight ones would not', () => {
    let cuts = 0;
    let misled = 0;
    let seenLate = 0;
    for (const platform of PLATFORMS) {
      const rules = RULES.platforms[platform];
      for (let seed = 1; seed <= 40; seed++) {
        const { events, now } = randomThread(platform, seed * 15_485_863 + platform.length);
        const thread = threadOrder(events);
        const exact = threadBounds(thread);
        // Loose, as a held thread's become once a message is deleted or seen again with an earlier sighting.
        const loose = widenBounds(exact, [
          { ...thread[0]!, observedAt: now + 1, buyerNick: 'x', shop: 'x', text: 'x' },
        ]);
        // Too tight (what a held thread's bounds would be if a write were not folded in): must not be what is used.
        const tight = { seen: -Infinity, has: { buyerNick: false, shop: false, text: false } };
        for (const day of ['2026-11-18', '2026-11-19', '2026-11-20']) {
          const dayStart = chinaDayStart(day);
          const plain = recentCut(thread, rules, dayStart);
          if (plain) cuts++;
          const ctx = `${platform} seed ${seed} ${day}`;
          expect(recentCut(thread, rules, dayStart, exact), ctx).toBe(plain);
          expect(recentCut(thread, rules, dayStart, loose), ctx).toBe(plain);
          expect(exactCut(thread, rules, dayStart, exact), ctx).toBe(exactCut(thread, rules, dayStart));
          expect(exactCut(thread, rules, dayStart, loose), ctx).toBe(exactCut(thread, rules, dayStart));
          if (recentCut(thread, rules, dayStart, tight) !== plain) misled++;
        }
        // What the reconcile asks of the part before a cut (how late it was seen), at every tenth message.
        for (let cut = 1; cut < thread.length; cut += 10) {
          const after = seenThrough(thread.slice(cut));
          const walked = seenThrough(thread.slice(0, cut)) > after;
          expect(seenLaterBefore(thread, cut, after)).toBe(walked);
          expect(seenLaterBefore(thread, cut, after, exact)).toBe(walked);
          expect(seenLaterBefore(thread, cut, after, loose)).toBe(walked);
          if (walked) seenLate++;
        }
      }
    }
    expect(cuts).toBeGreaterThan(20);
    // These threads do have messages seen late before a midnight, or fields only before it: the checks decide there.
    expect(misled).toBeGreaterThan(0);
    expect(seenLate).toBeGreaterThan(0);
  }, 60_000);

  it('lateSighting finds nothing to keep when the part after a cut was seen at or after the sighting (ids unique)', () => {
    // What the reconcile relies on to skip it: a thread's message ids are unique (keyed by message), so how late its
    // rounds were seen is at least how late any part of it was.
    let kept = 0;
    let skipped = 0;
    for (const platform of PLATFORMS) {
      const rule = RULES.platforms[platform].metrics[0]!;
      for (let seed = 1; seed <= 20; seed++) {
        const { events, now } = randomThread(platform, seed * 31_337 + platform.length);
        const thread = threadOrder(events);
        const spans: CoverageSpan[] = [];
        for (let cut = 0; cut < thread.length; cut += 7) {
          const part = thread.slice(cut);
          const seen = seenThrough(part);
          for (const at of [seen - 1, seen, now + 86_400_000]) {
            const found = [lateSighting(part, rule, spans, at), lateSighting(thread, rule, spans, at)];
            if (at <= seen) {
              skipped++;
              expect(found).toEqual([null, null]);
            } else if (found[0]) kept++;
          }
        }
      }
    }
    expect(skipped).toBeGreaterThan(100);
    // Later sightings do keep one (so the null above is the rule's, not a thread that never could).
    expect(kept).toBeGreaterThan(10);
  }, 60_000);

  it('recentCut: a thread that talks through the night (a message a minute, answered) is cut after the midnight', () => {
    const pdd = RULES.platforms.pdd;
    const start = t('20:01:30', '2026-11-18');
    const thread: ChatEvent[] = Array.from({ length: 3000 }, (_, i) => ({
      platform: 'pdd' as const,
      account: 'shop',
      buyer: 'b',
      messageId: `m${i}`,
      author: i % 2 ? ('human' as const) : ('buyer' as const),
      at: start + i * 60_000,
      timeSource: 'id' as const,
      observedAt: start + 3000 * 60_000,
      text: i % 2 ? 'answer' : 'question',
    }));
    const dayStart = chinaDayStart('2026-11-20');
    // Which midnight message comes first depends on the minute: here a question at 23:59:30 answered at 00:00:30.
    const before = thread.filter((e) => e.at < dayStart).at(-1)!;
    expect(before.author).toBe('buyer');
    expect(exactCut(thread, pdd, dayStart)).toBe(0);
    const cut = recentCut(thread, pdd, dayStart);
    expect(thread[cut - 1]!.author).toBe('human');
    expect(thread[cut - 1]!.at).toBeGreaterThanOrEqual(dayStart);
    expect(thread[cut]!.author).toBe('buyer');
    const input = { coverage: [], rules: RULES, now: start + 3001 * 60_000, alertLeadSec: 60 };
    const whole = evaluate({ ...input, events: thread });
    const part = evaluate({ ...input, events: thread.slice(cut) });
    expect(part.clocks).toEqual(whole.clocks);
    expect(part.units).toEqual(whole.units.filter((u) => u.day >= '2026-11-20'));
    expect(part.units.length).toBeGreaterThan(0);
    // An unanswered question before the midnight still stops it.
    const unanswered = thread.filter((e) => e !== thread[thread.indexOf(before) + 1]);
    expect(recentCut(unanswered, pdd, dayStart)).toBe(0);
  });

  it('does not cut across an unanswered question, a robot-only answer, or an open session', () => {
    const pdd = RULES.platforms.pdd;
    const day = '2026-11-20';
    const ev = evOn('pdd');
    const answered = [ev('buyer', '22:00:00', '2026-11-19'), ev('human', '22:01:00', '2026-11-19')];
    const after = [ev('buyer', '09:00:00', day)];
    expect(exactCut(threadOrder([...answered, ...after]), pdd, chinaDayStart(day))).toBe(2);
    // Unanswered before midnight.
    expect(exactCut(threadOrder([answered[0]!, ...after]), pdd, chinaDayStart(day))).toBe(0);
    // Only the robot answered (PDD counts human replies only).
    const robot = [answered[0]!, ev('robot', '22:00:05', '2026-11-19')];
    expect(exactCut(threadOrder([...robot, ...after]), pdd, chinaDayStart(day))).toBe(0);
    // Nothing but agent messages after the cut: the clock would come from before it.
    expect(exactCut(threadOrder([...answered, ev('human', '09:00:00', day)]), pdd, chinaDayStart(day))).toBe(0);
    // History loaded after everything since the cut was seen (scrolled up to at 12:00): the thread was on screen then,
    // which the part after the cut does not know.
    const loadedLate = answered.map((e) => ({ ...e, historical: true, observedAt: t('12:00:00', day) }));
    expect(exactCut(threadOrder([...loadedLate, ...after]), pdd, chinaDayStart(day))).toBe(0);
    // Only a message with an uncertain time after the cut (it never opens a question).
    const vague = [ev('buyer', '09:00:00', day, { atLatest: t('09:05:00', day) })];
    expect(exactCut(threadOrder([...answered, ...vague]), pdd, chinaDayStart(day))).toBe(0);
    // JD sessions split by 10 minutes of silence: a question 5 minutes after midnight continues the session.
    const jd = RULES.platforms.jd;
    const jdEv = evOn('jd');
    const late = [jdEv('buyer', '23:58:00', '2026-11-19'), jdEv('human', '23:59:00', '2026-11-19')];
    expect(exactCut(threadOrder([...late, jdEv('buyer', '00:05:00', day)]), jd, chinaDayStart(day))).toBe(0);
    expect(exactCut(threadOrder([...late, jdEv('buyer', '08:00:00', day)]), jd, chinaDayStart(day))).toBe(2);
  });
});

describe('recentCut: a night round dated after the midnight by its clock', () => {
  const ev = evOn('douyin');
  const day = '2026-11-20';
  const night = '2026-11-19';
  /** The cut `recentCut` takes, after checking that it gives the whole thread's results; `nightDated`: the night
   * question's units are dated on the day of the cut (their clock starts after the midnight). */
  const check = (rules: typeof RULES, thread: ChatEvent[], nightDated: boolean) => {
    const ordered = threadOrder(thread);
    const input = { coverage: [], rules, now: t('09:30:00', day), alertLeadSec: 60 };
    const whole = evaluate({ ...input, events: ordered });
    expect(whole.units.some((u) => u.day === day && u.startAt < t('09:00:00', day))).toBe(nightDated);
    const cut = recentCut(ordered, rules.platforms.douyin, chinaDayStart(day));
    if (cut) {
      const part = evaluate({ ...input, events: ordered.slice(cut) });
      expect(part.units).toEqual(whole.units.filter((u) => u.day >= day));
      expect(part.clocks).toEqual(whole.clocks);
    }
    return cut;
  };

  it('a question at 23:59 assigned at 08:05 (default Douyin window 08:00–23:00) is not cut away', () => {
    const thread = [
      ev('buyer', '23:59:00', night),
      ev('system', '08:05:00', day, { marker: 'assigned' }),
      ev('human', '08:10:00', day),
      ev('buyer', '09:00:00', day),
    ];
    expect(check(RULES, thread, true)).toBe(0);
    // Without the assignment the question is out of the window (dated on its own day): the later cut is exact.
    expect(
      check(
        RULES,
        thread.filter((e) => e.marker !== 'assigned'),
        false,
      ),
    ).toBe(2);
  });

  it('a window covering the midnight and an assignment at 00:00:10 is not cut away either', () => {
    const allDay = { startMin: 0, endMin: 24 * 60 };
    const douyin = RULES.platforms.douyin;
    const rules = {
      ...RULES,
      platforms: {
        ...RULES.platforms,
        douyin: { ...douyin, metrics: douyin.metrics.map((m) => ({ ...m, window: allDay })) },
      },
    };
    const thread = [
      ev('buyer', '23:59:00', night),
      ev('system', '00:00:10', day, { marker: 'assigned' }),
      ev('human', '00:00:30', day),
      ev('buyer', '09:00:00', day),
    ];
    expect(check(rules, thread, true)).toBe(0);
  });
});
