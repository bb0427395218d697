import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Recompute } from '../../lib/background/recompute';
import { Sentinel } from '../../lib/background/sentinel';
import { SentinelDB } from '../../lib/db/schema';
import type { EventsMessage, HealthMessage } from '../../lib/messages';
import type { Author, ChatEvent } from '../../lib/model';
import { t } from './helpers/events';
import { FakeHost } from './helpers/host';
import { closedAfterEach, pddMsg, pddWatching, storedEvents, storedTables } from './helpers/worker';

/**
 * Issue 21: a new message in a 10 000-message thread costs what changed, not the thread. The same script runs
 * through two workers: one as shipped (a long thread is reconciled and evaluated from its cut, the thread cache
 * updated in place), one forced down the whole-thread path (every message reconciles and evaluates all 10 000, as
 * before). Everything they store and show must be the same, at every step.
 */
const dbs = closedAfterEach();
const msg = pddMsg;
const watching = pddWatching('http://127.0.0.1/demo/pdd/large.html');

let seq = 0;
const e = (author: Author, at: number, extra: Partial<ChatEvent> = {}): ChatEvent => ({
  platform: 'pdd',
  account: 'shop-main',
  buyer: 'big',
  messageId: `live${++seq}`,
  author,
  at,
  timeSource: 'id',
  observedAt: at,
  text: author === 'buyer' ? '在吗' : '在的',
  ...extra,
});

function worker(name: string, wholeOnly: boolean) {
  const db = new SentinelDB(`long-thread-${name}-${Date.now()}`);
  dbs.push(db);
  const host = new FakeHost();
  const s = new Sentinel(db, host);
  if (wholeOnly) (s as unknown as { recomputer: Recompute }).recomputer.longThread = Infinity;
  return { db, host, s };
}
type Worker = ReturnType<typeof worker>;
/** How the worker's recomputes cut long threads (today's midnight or yesterday's) and how many messages they evaluated. */
const work = (w: Worker) => (w.s as unknown as { recomputer: Recompute }).recomputer.work;

async function stored(w: Worker) {
  return { ...(await storedTables(w.db)), badge: w.host.badge?.text ?? null };
}

/**
 * A worker that cuts long threads (`fast`) and one that evaluates them whole (`ref`), and `both`: a step run in each,
 * then everything they store compared.
 */
function workers(name: string) {
  const fast = worker(`${name}-fast`, false);
  const ref = worker(`${name}-ref`, true);
  const both = async (f: (w: Worker) => Promise<unknown>) => {
    await f(fast);
    await f(ref);
    expect(await stored(fast)).toEqual(await stored(ref));
  };
  return { fast, ref, both };
}

describe('a 10 000-message thread', () => {
  it('stores the same clocks, units, rollups, aggregates, messages and badge from the cut as from the whole thread', async () => {
    const now = t('10:00:00', '2026-11-20');
    // Like the large demo workbench: a message a minute, buyer and agent taking turns, answered, talking through
    // the nights (a question at 23:59:30 answered at 00:00:30: no exact cut at the midnight itself), loaded at once.
    const N = 10_000;
    const first = t('09:54:30', '2026-11-20') - (N - 1) * 60_000;
    expect(new Date(first + 7964 * 60_000).toISOString()).toBe('2026-11-18T15:59:30.000Z'); // a question, 23:59:30 China
    // Now and then in the first days, and once on 19 November at 08:30, the robot answers twice in a row: a 4-minute
    // wait, a failed day.
    const robot = (i: number) => (i < 6000 && (i % 400 === 1 || i % 400 === 3)) || i === 8475 || i === 8477;
    const history = Array.from({ length: N }, (_, i) =>
      e(i % 2 ? (robot(i) ? 'robot' : 'human') : 'buyer', first + i * 60_000, { observedAt: now, messageId: `h${i}` }),
    );
    const { fast, ref, both } = workers('ten-thousand');
    const at = async (ms: number) =>
      both(async (w) => {
        w.host.clock = ms;
      });
    await at(now);
    await both((w) => w.s.health(watching, 7));
    await both((w) => w.s.ingest(msg(history)));
    expect(fast.s.evaluations).toEqual({ whole: 1, recent: 0 });
    const units = await fast.db.units.toArray();
    expect(units.find((u) => u.metric === 'pdd.manual3min' && u.day === '2026-11-19')?.result).toBe('fail');
    expect(units.find((u) => u.metric === 'pdd.manual3min' && u.day === '2026-11-18')?.result).toBe('pass');

    const m = (hms: string) => t(hms, '2026-11-20');
    // Live traffic: questions, answers, a robot's answer, a list counter for a wait (absorbed: one wait, one event),
    // the same message seen twice, a question with an uncertain time, a late history message from yesterday (whole).
    const script: [string, ChatEvent[]][] = [
      ['10:01:00', [e('buyer', m('10:01:00'))]],
      ['10:01:40', [e('human', m('10:01:40'))]],
      ['10:02:00', [e('buyer', m('10:02:00'))]],
      ['10:02:05', [e('robot', m('10:02:05'))]],
      ['10:03:10', [e('buyer', m('10:03:10'), { timeSource: 'counter', observedAt: m('10:03:12') })]],
      ['10:03:30', [e('human', m('10:03:30'))]],
      ['10:04:00', [e('buyer', m('10:04:00'), { timeSource: 'counter', observedAt: m('10:04:01') })]],
      ['10:04:02', [e('buyer', m('10:03:59'))]],
      ['10:05:00', [e('human', m('10:05:00')), e('buyer', m('10:05:20'))]],
      ['10:05:30', [e('buyer', m('10:05:25'), { atLatest: m('10:05:29') })]],
      ['10:08:40', [e('human', m('10:08:40'))]],
      ['10:09:00', [e('buyer', t('21:00:00', '2026-11-19'), { historical: true, observedAt: m('10:09:00') })]],
      ['10:10:00', [e('buyer', m('10:10:00'))]],
      ['10:10:30', [e('human', m('10:10:30'))]],
    ];
    for (const [hms, events] of script) {
      await at(m(hms));
      await both((w) => w.s.health(watching, 7));
      await both((w) => w.s.ingest(msg(events)));
    }
    // The same message again, seen later (a reload): nothing new stored.
    await at(m('10:11:00'));
    await both((w) => w.s.ingest(msg(script.at(-1)![1].map((x) => ({ ...x, observedAt: m('10:11:00') })))));
    // The shipped worker took the recent path for the live messages, except the late one from yesterday (and the
    // message after it, whose cut still had to be found again); the reference never did.
    expect(ref.s.evaluations.recent).toBe(0);
    expect(fast.s.evaluations.recent).toBeGreaterThanOrEqual(script.length - 2);
    // Every stored message too, and a restarted worker (empty memory, thread read from the database) agrees.
    expect(await storedEvents(fast.db)).toEqual(await storedEvents(ref.db));
    const restarted = { ...fast, s: new Sentinel(fast.db, fast.host) };
    await restarted.s.start();
    await at(m('10:12:00'));
    await restarted.s.ingest(msg([e('buyer', m('10:12:00'), { messageId: 'after-restart' })]));
    await ref.s.ingest(msg([e('buyer', m('10:12:00'), { messageId: 'after-restart' })]));
    expect(await stored(restarted)).toEqual(await stored(ref));
    expect(restarted.s.evaluations.recent).toBe(1);
  }, 300_000);

  const dyMsg = (events: ChatEvent[]): EventsMessage => ({ ...msg(events), platform: 'douyin' });
  const dyWatching: HealthMessage = { ...watching, platform: 'douyin', url: 'http://127.0.0.1/demo/douyin/x.html' };
  /**
   * A Douyin thread of `buyer`, observed at `now`: 600 messages from 08:00 on 18 November, one a minute, then a night
   * question at 23:59 assigned to a human at 08:05 the next morning (its clock, and so its units' day, starts there:
   * 19 November), answered at 08:10, and 20 messages from 09:00.
   */
  const nightThread = (buyer: string, now: number) => {
    const dy = (author: Author, at: number, extra: Partial<ChatEvent> = {}) =>
      e(author, at, { platform: 'douyin', buyer, observedAt: now, ...extra });
    const start = t('08:00:00', '2026-11-18');
    const d19 = (hms: string) => t(hms, '2026-11-19');
    const history = Array.from({ length: 600 }, (_, i) => dy(i % 2 ? 'human' : 'buyer', start + i * 60_000));
    history.push(
      dy('buyer', t('23:59:00', '2026-11-18')),
      dy('system', d19('08:05:00'), { marker: 'assigned' }),
      dy('human', d19('08:10:00')),
      ...Array.from({ length: 20 }, (_, i) => dy(i % 2 ? 'human' : 'buyer', d19('09:00:00') + i * 60_000)),
    );
    return { dy, history };
  };

  it('a night question assigned in the morning (its round dated after the midnight) is not cut away', async () => {
    // Douyin (window 08:00–23:00): a question at 23:59 on 18 November, assigned to a human at 08:05 the next morning
    // (its clock, and so its units' day, starts there: 19 November), answered at 08:10; the next question at 09:00.
    // The cut after yesterday's midnight would be that question, and yesterday's units are replaced from the cut on:
    // the night round's units must stay.
    const now = t('10:00:00', '2026-11-20');
    const { dy, history } = nightThread('night', now);
    const d19 = (hms: string) => t(hms, '2026-11-19');
    const { fast, both } = workers('night');
    const at = (ms: number) =>
      both(async (w) => {
        w.host.clock = ms;
      });
    await at(now);
    await both((w) => w.s.health(dyWatching, 7));
    await both((w) => w.s.ingest(dyMsg(history)));
    const night = (await fast.db.units.toArray()).filter((u) => u.startAt === d19('08:05:00'));
    expect(night.map((u) => [u.metric, u.day, u.result]).sort()).toEqual([
      ['douyin.avgResp', '2026-11-19', 'fail'],
      ['douyin.im3min', '2026-11-19', 'fail'],
    ]);
    const m = (hms: string) => t(hms, '2026-11-20');
    for (const [hms, author] of [
      ['10:01:00', 'buyer'],
      ['10:01:40', 'human'],
      ['10:40:00', 'buyer'],
      ['10:41:00', 'human'],
    ] as const) {
      await at(m(hms));
      await both((w) => w.s.health(dyWatching, 7));
      const live = dy(author, m(hms), { observedAt: m(hms) });
      await both((w) => w.s.ingest(dyMsg([live])));
    }
    expect((await fast.db.units.toArray()).filter((u) => u.startAt === d19('08:05:00'))).toEqual(night);
    // No exact cut at yesterday's midnight in this thread (the assignment between it and its first question): every
    // cut taken was today's, whose part holds none of 19 November.
    expect(fast.s.evaluations.recent).toBe(4);
    expect(work(fast).todayCuts).toBe(4);
  }, 120_000);
  it("a night question assigned in the morning is not cut away by yesterday's cut either", async () => {
    // The same night question (23:59 on 18 November, assigned at 08:05 on the 19th, answered at 08:10), but the
    // live message comes just after the next midnight, answering a question of 23:59:50: today's midnight is not
    // exact and nothing after it opens a round, so yesterday's cut is searched, where the assignment between the
    // 19th's midnight and its first question forbids the cut after it.
    const now = t('00:00:40', '2026-11-20');
    const { dy, history } = nightThread('night2', now);
    const d19 = (hms: string) => t(hms, '2026-11-19');
    history.push(dy('buyer', d19('23:59:50')));
    const { fast, both } = workers('night2');
    await both(async (w) => {
      w.host.clock = now;
      await w.s.health(dyWatching, 7);
      await w.s.ingest(dyMsg(history));
    });
    const nightUnits = async () => (await fast.db.units.toArray()).filter((u) => u.startAt === d19('08:05:00'));
    const night = await nightUnits();
    expect(night.map((u) => [u.metric, u.day, u.result]).sort()).toEqual([
      ['douyin.avgResp', '2026-11-19', 'fail'],
      ['douyin.im3min', '2026-11-19', 'fail'],
    ]);
    const before = { ...fast.s.evaluations };
    const live = dy('human', t('00:00:30', '2026-11-20'));
    await both((w) => w.s.ingest(dyMsg([live])));
    expect(await nightUnits()).toEqual(night);
    // No cut at all: not today's (none exact), not yesterday's (the assignment).
    expect(fast.s.evaluations).toEqual({ whole: before.whole + 1, recent: before.recent });
    expect(work(fast).cutSearches).toBeGreaterThan(0);
  }, 120_000);
});

describe('a long thread is cut at the latest midnight that is exact', () => {
  // 3 000 messages, one a minute, buyer and agent taking turns (answered), up to 09:54 today: about 600 of them today.
  const now = t('10:00:00', '2026-11-20');
  const history = (tweak: (ev: ChatEvent, i: number) => ChatEvent = (ev) => ev) => {
    const N = 3000;
    const first = t('09:54:30', '2026-11-20') - (N - 1) * 60_000;
    return Array.from({ length: N }, (_, i) =>
      tweak(e(i % 2 ? 'human' : 'buyer', first + i * 60_000, { observedAt: now, messageId: `c${i}` }), i),
    );
  };
  const today = history().filter((x) => x.at >= t('00:00:00', '2026-11-20')).length;

  async function pair(name: string, thread: ChatEvent[]) {
    const { fast, ref, both } = workers(name);
    const at = (ms: number) =>
      both(async (w) => {
        w.host.clock = ms;
        await w.s.health(watching, 7);
      });
    await at(now);
    await both((w) => w.s.ingest(msg(thread)));
    /** Ingests `events` at `ms` in both workers; returns how many messages the shipped one evaluated for it. */
    const live = async (ms: number, events: ChatEvent[]) => {
      await at(ms);
      const before = work(fast).evaluatedEvents;
      await both((w) => w.s.ingest(msg(events)));
      return work(fast).evaluatedEvents - before;
    };
    return { fast, ref, live };
  }

  it("a new message evaluates today's messages only, with the same results as the whole thread", async () => {
    expect(today).toBeGreaterThan(550);
    const { fast, live } = await pair('today', history());
    const m = (hms: string) => t(hms, '2026-11-20');
    // Before this change: cut at yesterday's midnight, every message of yesterday evaluated again (over 2 000).
    expect(await live(m('10:01:00'), [e('buyer', m('10:01:00'))])).toBeLessThanOrEqual(today + 1);
    expect(await live(m('10:01:50'), [e('human', m('10:01:50'))])).toBeLessThanOrEqual(today + 2);
    // A wait past its deadline, then answered: a fail today, the same as the whole thread's.
    expect(await live(m('10:03:00'), [e('buyer', m('10:03:00'))])).toBeLessThanOrEqual(today + 3);
    expect(await live(m('10:09:00'), [e('human', m('10:09:00'))])).toBeLessThanOrEqual(today + 4);
    expect(fast.s.evaluations.recent).toBe(4);
    expect(work(fast).todayCuts).toBe(4);
    // A cut searched once per intake (the history's, then each message's): reconciling changed nothing, so the
    // evaluation takes the cut found for it.
    expect(work(fast).cutSearches).toBe(5);
    const failed = (await fast.db.units.toArray()).filter((u) => u.startAt === m('10:03:00'));
    expect(failed.map((u) => u.result)).toContain('fail');
    // A restarted worker (nothing in memory) judges yesterday again once (it does not know under which rules it
    // was judged), then cuts at today's midnight again.
    const restarted = { ...fast, s: new Sentinel(fast.db, fast.host) };
    await restarted.s.start();
    fast.host.clock = m('10:10:00');
    await restarted.s.ingest(msg([e('buyer', m('10:10:00'))]));
    expect(work(restarted)).toEqual({ todayCuts: 0, evaluatedEvents: expect.any(Number), cutSearches: 1 });
    expect(restarted.s.evaluations.recent).toBe(1);
    expect(work(restarted).evaluatedEvents).toBeGreaterThan(today + 1000);
    fast.host.clock = m('10:10:30');
    const before = work(restarted).evaluatedEvents;
    await restarted.s.ingest(msg([e('human', m('10:10:30'))]));
    expect(work(restarted).todayCuts).toBe(1);
    expect(work(restarted).evaluatedEvents - before).toBeLessThanOrEqual(today + 6);
  }, 120_000);

  it("falls back to yesterday's midnight when a result of yesterday is not final, or a message arrives from before today", async () => {
    // Yesterday at 14:00 a question whose answer's time the page did not show exactly (a minute later, at the latest six):
    // unknown against the 3 minutes, a result that can still change, so today's cut does not apply.
    const y14 = t('14:00:00', '2026-11-19');
    const thread = history((ev) =>
      ev.author === 'human' && ev.at >= y14 && ev.at < y14 + 120_000
        ? { ...ev, timeSource: 'stamp', atLatest: ev.at + 5 * 60_000 }
        : ev,
    );
    expect(thread.some((x) => x.atLatest !== undefined)).toBe(true);
    const { fast, ref, live } = await pair('yesterday', thread);
    const units = await ref.db.units.toArray();
    expect(units.filter((u) => u.day === '2026-11-19' && u.result === 'unknown').length).toBeGreaterThan(0);
    const m = (hms: string) => t(hms, '2026-11-20');
    const n = await live(m('10:01:00'), [e('buyer', m('10:01:00'))]);
    expect(fast.s.evaluations.recent).toBe(1);
    expect(work(fast).todayCuts).toBe(0);
    expect(n).toBeGreaterThan(today + 1000);
    expect(n).toBeLessThan(2 * 1440 + 100);

    // A thread whose results are all final, but a message from yesterday evening arrives (a late history message):
    // not after today's cut, so yesterday's cut (or the whole thread) is evaluated; the results stay the same.
    const other = await pair('late', history());
    const late = e('buyer', t('21:00:00', '2026-11-19'), { historical: true, observedAt: m('10:02:00') });
    expect(await other.live(m('10:02:00'), [late])).toBeGreaterThan(today + 1000);
    expect(work(other.fast).todayCuts).toBe(0);
    // The next message is after today's cut again.
    expect(await other.live(m('10:03:00'), [e('buyer', m('10:03:00'))])).toBeLessThanOrEqual(today + 2);
    expect(work(other.fast).todayCuts).toBe(1);
  }, 120_000);
});
