import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { EventsMessage, HealthMessage } from '../../lib/messages';
import type { Author, ChatEvent, Platform } from '../../lib/model';
import { t } from './helpers/events';
import { closedAfterEach, eventMaker, longThreadWorker, pddWatching, storedTables } from './helpers/worker';

/**
 * A long thread's cut at today's midnight is an optimisation: whenever it could store something other than
 * evaluating the whole thread, the worker falls back to yesterday's cut (or the whole thread). Found by an outside
 * review of the cut: a message whose time is corrected across today's midnight, a rule change, a nickname first
 * shown today. Each case runs the same script through a worker as shipped and one that always evaluates the whole
 * thread, and compares everything stored.
 */
const dbs = closedAfterEach();

const worker = (name: string, longThread: number) => longThreadWorker(dbs, `long-thread-fallback-${name}`, longThread);
type Worker = ReturnType<typeof worker>;
const stored = async (w: Worker) => ({ ...(await storedTables(w.db)), badge: w.host.badge?.text ?? null });

function script(platform: Platform) {
  const fast = worker(`${platform}-fast`, 500);
  const ref = worker(`${platform}-ref`, Infinity);
  const watching: HealthMessage = { ...pddWatching(`http://127.0.0.1/demo/${platform}/x.html`), platform };
  const msg = (events: ChatEvent[]): EventsMessage => ({ type: 'events', platform, account: 'shop-main', events });
  /** Runs `f` in both workers at `now` (watched), then compares what they store. */
  const both = async (now: number, f: (w: Worker) => Promise<unknown>) => {
    for (const w of [fast, ref]) {
      w.host.clock = now;
      await w.s.health(watching, 7);
      await f(w);
    }
    expect(await stored(fast)).toEqual(await stored(ref));
  };
  const e = eventMaker(platform, 'b', 'm');
  return { fast, ref, msg, both, e };
}

const d19 = (hms: string) => t(hms, '2026-11-19');
const d20 = (hms: string) => t(hms, '2026-11-20');

describe("a long thread's cut falls back to yesterday's when today's could store something else", () => {
  it.each([false, true])(
    "a reply of uncertain time seen again exactly, moved across today's midnight (24-hour window: %s)",
    async (wide) => {
      const { fast, ref, msg, both, e } = script('taobao');
      if (wide)
        for (const w of [fast, ref]) {
          w.host.clock = d20('00:04:00');
          const window = { startMin: 0, endMin: 1440 };
          const patch = { ruleOverrides: { 'taobao.ww3min': { window }, 'taobao.avgResp': { window } } };
          expect((await w.s.updateSettings(patch)).ok).toBe(true);
        }
      // 2 000 messages, one a minute, answered, up to yesterday evening; then a question at 23:58 whose first answer's
      // time the page showed only as between 23:58:20 and 00:00:50.
      const o = d20('00:05:00');
      const first = d19('14:00:00') - 1420 * 60_000;
      const history = Array.from({ length: 2000 }, (_, i) => e(i % 2 ? 'human' : 'buyer', first + i * 60_000, o));
      const b1 = e('buyer', d19('23:58:00'), o);
      const r2 = e('human', d19('23:58:20'), o, { timeSource: 'stamp', atLatest: d20('00:00:50') });
      history.push(b1, r2, e('human', d19('23:59:00'), o));
      await both(o, (w) => w.s.ingest(msg(history)));
      for (const [hms, author] of [
        ['00:10:00', 'buyer'],
        ['00:10:30', 'human'],
      ] as const) {
        const live = e(author, d20(hms), d20(hms));
        await both(d20(hms), (w) => w.s.ingest(msg([live])));
      }
      expect(fast.rc.work.todayCuts).toBe(2);
      // The page shows that answer again, with its exact time: 00:00:20, after today's midnight. Its old place
      // (yesterday) is judged again: today's cut would leave yesterday's units as they were.
      const { atLatest: _, ...exact } = {
        ...r2,
        timeSource: 'id' as const,
        at: d20('00:00:20'),
        observedAt: d20('00:12:00'),
      };
      const recent = fast.rc.evaluations.recent;
      await both(d20('00:12:00'), (w) => w.s.ingest(msg([exact])));
      expect(fast.rc.evaluations.recent).toBe(recent + 1);
      expect(fast.rc.work.todayCuts).toBe(2);
      // Yesterday's question was answered first at 23:59 now (the other answer moved after it): in both (compared above).
      const b1units = (await fast.db.units.toArray()).filter((u) => u.startAt === b1.at);
      expect(b1units.length).toBeGreaterThan(0);
      for (const u of b1units) expect(u.replyAt).toBe(d19('23:59:00'));
    },
    120_000,
  );

  /** 2 000 messages, one a minute, buyer and agent taking turns (answered), up to 09:54:30 today (about 600 today). */
  const answered = (e: (author: Author, at: number, observedAt: number) => ChatEvent) => {
    const first = d20('09:54:30') - 1999 * 60_000;
    return Array.from({ length: 2000 }, (_, i) => e(i % 2 ? 'human' : 'buyer', first + i * 60_000, d20('10:00:00')));
  };

  it("a rule change: the next message judges yesterday again under the new rule (once; then today's cut)", async () => {
    const { fast, ref, msg, both, e } = script('pdd');
    const history = answered(e);
    await both(d20('10:00:00'), (w) => w.s.ingest(msg(history)));
    // Every question answered within a minute: a 30-second bar fails yesterday's and today's alike.
    for (const w of [fast, ref])
      expect((await w.s.updateSettings({ ruleOverrides: { 'pdd.manual3min': { thresholdSec: 30 } } })).ok).toBe(true);
    const cuts = { ...fast.rc.evaluations };
    const live = e('buyer', d20('10:01:00'), d20('10:01:00'));
    await both(d20('10:01:00'), (w) => w.s.ingest(msg([live])));
    // The thread began after yesterday's midnight: yesterday's cut is the whole thread.
    expect(fast.rc.evaluations).toEqual({ whole: cuts.whole + 1, recent: cuts.recent });
    const failed = (await fast.db.units.toArray()).filter((u) => u.metric === 'pdd.manual3min' && u.result === 'fail');
    expect(failed.some((u) => u.day === '2026-11-19')).toBe(true);
    // Yesterday judged under these rules now: the next message is cut at today's midnight.
    const reply = e('human', d20('10:01:20'), d20('10:01:20'));
    await both(d20('10:01:20'), (w) => w.s.ingest(msg([reply])));
    expect(fast.rc.work.todayCuts).toBe(1);
  }, 120_000);

  it("a nickname first shown today: yesterday's units get it too (once; then today's cut)", async () => {
    const { fast, msg, both, e } = script('pdd');
    const history = answered(e);
    await both(d20('10:00:00'), (w) => w.s.ingest(msg(history)));
    const live = e('buyer', d20('10:01:00'), d20('10:01:00'), { buyerNick: '小王' });
    await both(d20('10:01:00'), (w) => w.s.ingest(msg([live])));
    expect(fast.rc.work.todayCuts).toBe(0);
    const nicks = new Set((await fast.db.units.toArray()).map((u) => `${u.day} ${u.buyerNick}`));
    expect([...nicks].sort()).toEqual(['2026-11-19 小王', '2026-11-20 小王']);
    const reply = e('human', d20('10:01:20'), d20('10:01:20'));
    await both(d20('10:01:20'), (w) => w.s.ingest(msg([reply])));
    expect(fast.rc.work.todayCuts).toBe(1);
  }, 120_000);

  it.each(['jd', 'douyin'] as const)(
    '%s: a result of yesterday still unknown turns into a fail after the midnight: yesterday is judged again',
    async (platform) => {
      const { fast, ref, msg, both, e } = script(platform);
      const history = answered(e);
      await both(d20('10:00:00'), (w) => w.s.ingest(msg(history)));
      // In the evening, unwatched (the tab closed): a question closed by a session end before its deadline,
      // then a question answered at once, all shown at 22:40:12 (in the rules' hours, before the first one's deadline). The first is unknown (nobody saw its deadline pass).
      const o = d20('22:40:12');
      const evening = [
        e('buyer', d20('22:39:55'), o),
        e('system', d20('22:40:00'), o, { marker: 'sessionEnd', text: undefined }),
        e('buyer', d20('22:40:05'), o),
        e('human', d20('22:40:10'), o),
      ];
      for (const w of [fast, ref]) {
        w.host.clock = d20('10:30:00');
        await w.s.tabClosed(7);
        w.host.clock = o;
        await w.s.ingest(msg(evening));
      }
      expect(await stored(fast)).toEqual(await stored(ref));
      const first = async (w: Worker) => (await w.db.units.toArray()).filter((u) => u.startAt === d20('22:39:55'));
      expect((await first(fast)).map((u) => u.result)).toContain('unknown');
      // After the midnight the page shows the thread (a new question): that question was seen unanswered after its
      // deadline, a fail. Today's cut would leave it unknown.
      const d21 = (hms: string) => t(hms, '2026-11-21');
      const live = e('buyer', d21('00:30:00'), d21('00:30:00'));
      const today = fast.rc.work.todayCuts;
      await both(d21('00:30:00'), (w) => w.s.ingest(msg([live])));
      expect(fast.rc.work.todayCuts).toBe(today);
      expect((await first(fast)).map((u) => u.result)).not.toContain('unknown');
    },
    120_000,
  );

  it("short threads do not push a long thread out of the worker's memory of what it judged", async () => {
    const { fast, msg, both, e } = script('pdd');
    fast.rc.judgedMax = 2;
    await both(d20('10:00:00'), (w) => w.s.ingest(msg(answered(e))));
    // Three other buyers, a question and its answer each: short threads, never cut.
    for (const buyer of ['c1', 'c2', 'c3']) {
      const pair = [
        e('buyer', d20('10:00:10'), d20('10:00:30'), { buyer }),
        e('human', d20('10:00:20'), d20('10:00:30'), { buyer }),
      ];
      await both(d20('10:00:30'), (w) => w.s.ingest(msg(pair)));
    }
    const live = e('buyer', d20('10:01:00'), d20('10:01:00'));
    await both(d20('10:01:00'), (w) => w.s.ingest(msg([live])));
    expect(fast.rc.work.todayCuts).toBe(1);
  }, 120_000);

  it("a result still unknown on a frozen day (past the retention) does not stop today's cut", async () => {
    const { fast, ref, msg, both, e } = script('pdd');
    // 3 000 messages, one a minute, up to 09:54:30 today (from the 18th on); an answer of the 18th whose time the
    // page did not show exactly: unknown against the 3 minutes.
    const first = d20('09:54:30') - 2999 * 60_000;
    const y14 = t('14:00:00', '2026-11-18');
    const history = Array.from({ length: 3000 }, (_, i) => {
      const ev = e(i % 2 ? 'human' : 'buyer', first + i * 60_000, d20('10:00:00'));
      return ev.author === 'human' && ev.at >= y14 && ev.at < y14 + 120_000
        ? { ...ev, timeSource: 'stamp' as const, atLatest: ev.at + 5 * 60_000 }
        : ev;
    });
    await both(d20('10:00:00'), (w) => w.s.ingest(msg(history)));
    const units = await ref.db.units.toArray();
    expect(units.some((u) => u.day === '2026-11-18' && u.result === 'unknown')).toBe(true);
    // The retention shortened to a day: the 18th is frozen (its units stay as they are, unknown included).
    for (const w of [fast, ref]) expect((await w.s.updateSettings({ retentionDays: 1 })).ok).toBe(true);
    expect(await fast.rc.frozenBeforeDay(d20('10:00:00'))).toBe('2026-11-19');
    const live = e('buyer', d20('10:01:00'), d20('10:01:00'));
    await both(d20('10:01:00'), (w) => w.s.ingest(msg([live])));
    expect(fast.rc.work.todayCuts).toBe(1);
  }, 120_000);
});
