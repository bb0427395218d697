/**
 * The worker → tab clock lists end to end without a browser: `ClockPush` (the worker's numbering and change lists)
 * against a tab's `ClockListSeq`, the messages parsed as the content script parses them, delivered in any order
 * (outsider review 8: an older whole list delivered after a newer one was shown), a dead worker's lists arriving late
 * (outsider reviews 9 and 11).
 */
import { describe, expect, it } from 'vitest';
import { ClockPush } from '../../lib/background/clock-push';
import { ClockListSeq } from '../../lib/content/ledger';
import { CLOCKS_REFUSALS, CLOCKS_RESYNC, parseClocks, type ClocksMessage, type TabClock } from '../../lib/messages';
import type { TabRow } from '../../lib/model';
import { mulberry32 } from './helpers/random';

const T0 = 1_788_340_500_000;
const TAB: TabRow = { tabId: 7, platform: 'pdd', account: 'shop-main', url: '', health: 'watching', lastSeen: T0 };
const VIEW = { title: true, lang: 'zh_CN' } as const;
const clock = (buyer: string, dueAt: number): TabClock => ({ buyer, status: 'pending', dueAt });

/** The clocks at each list's sending, by `epoch:seq` (any worker): what the tab must show once it took that list. */
const sentState = new Map<string, TabClock[]>();

/** A worker's pushes to one tab, each held until the test delivers it (and its answer). */
class Worker {
  readonly push: ClockPush;
  readonly queue: { msg: ClocksMessage; answer: (r: unknown) => void }[] = [];
  state: TabClock[] = [];
  private readonly running: Promise<void>[] = [];

  constructor(epoch?: number) {
    this.push = new ClockPush((_tab, msg) => {
      sentState.set(`${msg.epoch}:${msg.seq}`, this.state);
      return new Promise((answer) => this.queue.push({ msg, answer }));
    }, epoch);
  }

  /** The clocks are now `state` (at `now`): push them, without waiting for the tab. */
  change(state: TabClock[], now: number): void {
    this.state = state;
    this.running.push(this.push.push([TAB], () => this.state, VIEW, now));
  }

  async done(): Promise<void> {
    await Promise.all(this.running);
  }
}

/** A watching tab: the list's number and what its badges show, as `Watcher.receive` takes them. */
class Tab {
  readonly list = new ClockListSeq();
  readonly shows = new Map<string, TabClock>();
  shownFrom: string | null = null;
  /** The numbers taken, in order, with their epoch. */
  readonly taken: [epoch: number, seq: number][] = [];
  /** Whole lists of another worker than the one shown refused (answered CLOCKS_RESYNC), by epoch. */
  readonly refused = new Map<number, number>();

  receive(raw: unknown): unknown {
    // Through the message channel: structured clone, then the content script's parser.
    const msg = parseClocks(JSON.parse(JSON.stringify(raw)));
    if (!msg) return { ok: false, error: CLOCKS_RESYNC };
    const how = this.list.take(msg);
    if (how === 'resync' && msg.base === undefined) this.refused.set(msg.epoch, (this.refused.get(msg.epoch) ?? 0) + 1);
    if (how === 'resync') return { ok: false, error: CLOCKS_RESYNC };
    if (how === 'stale') return undefined;
    if (how === 'whole') this.shows.clear();
    for (const b of msg.removed ?? []) this.shows.delete(b);
    for (const c of msg.clocks) this.shows.set(c.buyer, c);
    this.shownFrom = `${msg.epoch}:${msg.seq}`;
    this.taken.push([msg.epoch, msg.seq]);
    return undefined;
  }

  sorted(): TabClock[] {
    return [...this.shows.values()].sort((a, b) => a.buyer.localeCompare(b.buyer));
  }
}

const sorted = (cs: readonly TabClock[]) => [...cs].sort((a, b) => a.buyer.localeCompare(b.buyer));
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** Delivers one queued message (the `k`-th) to the tab, answers the worker, lets it go on. */
async function deliver(worker: Worker, tab: Tab, k: number): Promise<void> {
  const [item] = worker.queue.splice(k, 1);
  item!.answer(tab.receive(item!.msg));
  await settle();
  // Whatever the tab shows is what its worker had when it sent that list: never a mix.
  expect(tab.sorted()).toEqual(sorted(sentState.get(tab.shownFrom!) ?? []));
}

/**
 * Delivers a dead worker's queued message (the `k`-th) late: what the tab answers reaches no one. A tab that showed
 * that worker and then a later one's list (`nth`: the workers' order) does not go back to it (outsider review 9)
 * before refusing CLOCKS_REFUSALS of its whole lists.
 */
async function deliverLate(dead: Worker, tab: Tab, k: number, nth?: (epoch: number) => number): Promise<void> {
  const [item] = dead.queue.splice(k, 1);
  const epoch = dead.push.epoch;
  const shown = tab.taken.at(-1)?.[0];
  const movedOn = nth && shown !== undefined && nth(shown) > nth(epoch) && tab.taken.some(([e]) => e === epoch);
  const before = tab.taken.length;
  tab.receive(item!.msg);
  item!.answer(undefined);
  if (movedOn && tab.taken.length > before) {
    counts.wentBack++;
    expect(tab.refused.get(epoch) ?? 0, `epoch ${epoch} again`).toBeGreaterThanOrEqual(CLOCKS_REFUSALS);
  } else if (movedOn && item!.msg.base === undefined) counts.droppedLate++;
  await settle();
  expect(tab.sorted()).toEqual(sorted(sentState.get(tab.shownFrom!) ?? []));
}
/** Over the seeded runs: dead workers' late whole lists not taken, taken after the refusals, runs mended by a heartbeat. */
const counts = { droppedLate: 0, wentBack: 0, mended: 0 };

/** The tab's heartbeat: which list it shows, with its epoch (`old`: a tab of a version that sends the number only). */
const heartbeat = (w: Worker, tab: Tab, old = false) =>
  w.push.tabShows(TAB.tabId, tab.list.shown?.seq, old ? undefined : tab.list.shown?.epoch);

describe('ClockPush numbering', () => {
  it('numbers every list above the one before within a worker, whatever the clock does; one epoch for all', async () => {
    const w = new Worker(42);
    const nows = [T0, T0, T0 - 60_000, T0 + 5, T0 + 4, T0 - 3_600_000, T0 + 1000];
    nows.forEach((now, i) => w.change([clock(`b${i}`, now + 180_000)], now));
    await settle();
    const msgs = w.queue.map((q) => q.msg);
    expect(msgs).toHaveLength(nows.length);
    // From the wall clock at first, then one above the last at least.
    expect(msgs[0]!.seq).toBe(T0);
    for (let i = 1; i < msgs.length; i++) expect(msgs[i]!.seq).toBeGreaterThan(msgs[i - 1]!.seq);
    expect(msgs.at(-1)!.seq).toBe(T0 + 1000);
    expect(new Set(msgs.map((m) => m.epoch))).toEqual(new Set([42]));
    // What the parser takes, unchanged.
    for (const m of msgs) expect(parseClocks(JSON.parse(JSON.stringify(m)))).toEqual(m);
    for (const q of w.queue) q.answer(undefined);
    await w.done();
  });

  it('gives each worker instance its own epoch, one the parser takes', () => {
    const epochs = Array.from({ length: 20 }, () => new ClockPush(async () => undefined).epoch);
    expect(new Set(epochs).size).toBe(20);
    for (const epoch of epochs) {
      expect(Number.isSafeInteger(epoch) && epoch >= 0).toBe(true);
      const msg = { type: 'clocks', platform: 'pdd', account: 'a', epoch, seq: 1, clocks: [], ...VIEW };
      expect(parseClocks(msg)?.epoch).toBe(epoch);
    }
  });
});

describe('clock lists delivered out of order (outsider review 8)', () => {
  it('an older whole list delivered after a newer one leaves the newer one shown', async () => {
    const w = new Worker(1);
    const tab = new Tab();
    w.change([clock('a', T0 + 1)], T0);
    await settle();
    // The tab lost the list: it asks for the whole list again; the whole list for the new state is sent meanwhile.
    w.push.tabShows(TAB.tabId, undefined);
    w.change([clock('a', T0 + 1), clock('b', T0 + 2)], T0 + 10);
    await settle();
    expect(w.queue.map((q) => q.msg.base)).toEqual([undefined, undefined]);
    await deliver(w, tab, 1);
    await deliver(w, tab, 0);
    expect(tab.sorted()).toEqual([clock('a', T0 + 1), clock('b', T0 + 2)]);
    await w.done();
  });

  it('a worker restarted with its wall clock an hour back: its lower-numbered lists are taken', async () => {
    const old = new Worker(1);
    const tab = new Tab();
    old.change([clock('a', T0 + 1)], T0);
    await settle();
    await deliver(old, tab, 0);
    const w = new Worker(2);
    w.change([clock('b', T0 + 2)], T0 - 3_600_000);
    w.change([clock('b', T0 + 2), clock('c', T0 + 3)], T0 - 3_600_000 + 5);
    await settle();
    expect(w.queue[0]!.msg.seq).toBeLessThan(tab.list.shown!.seq);
    await deliver(w, tab, 0);
    await deliver(w, tab, 0);
    expect(tab.sorted()).toEqual([clock('b', T0 + 2), clock('c', T0 + 3)]);
    await Promise.all([old.done(), w.done()]);
  });

  it('a heartbeat naming another worker’s list by the number this one sent: the whole list at the next push', async () => {
    const old = new Worker(1);
    const tab = new Tab();
    old.change([clock('a', T0 + 1)], T0);
    await settle();
    await deliver(old, tab, 0);
    // The new worker's clock set back to that very millisecond: its first list has the number the tab shows. Lost.
    const w = new Worker(2);
    w.change([clock('b', T0 + 2)], T0);
    await settle();
    expect(w.queue[0]!.msg.seq).toBe(tab.list.shown?.seq);
    w.queue.splice(0, 1)[0]!.answer(undefined);
    // The heartbeat says which list the tab shows: not the one this worker sent (another epoch). Its push (the
    // clocks unchanged) sends the whole list; by the number alone it would send nothing, the tab left showing the
    // dead worker's clocks until they change.
    heartbeat(w, tab);
    w.change(w.state, T0 + 1);
    await settle();
    expect(w.queue.map((q) => q.msg.base)).toEqual([undefined]);
    await deliver(w, tab, 0);
    expect(tab.sorted()).toEqual([clock('b', T0 + 2)]);
    await Promise.all([old.done(), w.done()]);
  });

  it('a heartbeat without the epoch (a tab of an older version): the number compared alone, as before', async () => {
    const w = new Worker(2);
    const tab = new Tab();
    w.change([clock('a', T0 + 1)], T0);
    await settle();
    await deliver(w, tab, 0);
    heartbeat(w, tab, true);
    w.change([clock('a', T0 + 1), clock('b', T0 + 2)], T0 + 1);
    await settle();
    // It shows what was sent: changes only.
    expect(w.queue.map((q) => q.msg.base)).toEqual([T0]);
    await deliver(w, tab, 0);
    // It shows another number: whole.
    w.push.tabShows(TAB.tabId, T0 - 1);
    w.change(w.state, T0 + 2);
    await settle();
    expect(w.queue.map((q) => q.msg.base)).toEqual([undefined]);
    await deliver(w, tab, 0);
    await w.done();
  });

  it('a dead worker’s list arriving after the new worker’s was taken is not shown: the new one stays', async () => {
    const old = new Worker(1);
    const tab = new Tab();
    old.change([clock('a', T0 + 1)], T0);
    await settle();
    await deliver(old, tab, 0);
    // The tab asked for the whole list (it missed one); that list is still on the way when the worker dies, and the
    // new worker's whole list overtakes it.
    old.push.tabShows(TAB.tabId, undefined);
    old.change([clock('a', T0 + 1), clock('z', T0 + 9)], T0 + 5);
    await settle();
    expect(old.queue.map((q) => q.msg.base)).toEqual([undefined]);
    const w = new Worker(2);
    w.change([clock('b', T0 + 2)], T0 + 10);
    await settle();
    await deliver(w, tab, 0);
    await deliverLate(old, tab, 0);
    expect(tab.sorted()).toEqual([clock('b', T0 + 2)]);
    expect(tab.list.shown).toEqual({ epoch: 2, seq: T0 + 10 });
    // Nothing to ask for: the live worker's next change applies on top.
    w.change([clock('b', T0 + 2), clock('c', T0 + 3)], T0 + 20);
    await settle();
    expect(w.queue[0]!.msg.base).toBe(T0 + 10);
    await deliver(w, tab, 0);
    expect(tab.sorted()).toEqual([clock('b', T0 + 2), clock('c', T0 + 3)]);
    await Promise.all([old.done(), w.done()]);
  });

  it('a dead worker’s list the tab never showed, taken late: the live worker’s next push is shown (review 11)', async () => {
    const dead = new Worker(1);
    const tab = new Tab();
    // The tab just loaded (or came back from the back/forward cache): the dead worker's first list to it is late.
    dead.change([clock('answered-long-ago', T0 + 1)], T0);
    await settle();
    const w = new Worker(2);
    w.change([clock('b', T0 + 2)], T0 + 10);
    await settle();
    await deliver(w, tab, 0);
    await deliverLate(dead, tab, 0);
    // Nothing tells the tab that worker is the older one: it shows its list.
    expect(tab.list.shown?.epoch).toBe(1);
    w.change([clock('b', T0 + 2), clock('c', T0 + 3)], T0 + 20);
    await settle();
    // Its change list asks for the whole list; the tab refuses two (it left this worker for that one), each
    // answered, each sent again at once: the third is shown, within the one push.
    while (w.queue.length) await deliver(w, tab, 0);
    expect(tab.refused.get(2)).toBe(CLOCKS_REFUSALS);
    expect(tab.sorted()).toEqual([clock('b', T0 + 2), clock('c', T0 + 3)]);
    expect(tab.list.shown?.epoch).toBe(2);
    // The dead worker is the retired one now.
    dead.change([clock('answered-long-ago', T0 + 1), clock('z', T0 + 9)], T0 + 30);
    await settle();
    await deliverLate(dead, tab, 0);
    expect(tab.list.shown?.epoch).toBe(2);
    await Promise.all([dead.done(), w.done()]);
  });

  it('… and with no change to push, at the next heartbeat', async () => {
    const dead = new Worker(1);
    const tab = new Tab();
    dead.change([clock('answered-long-ago', T0 + 1)], T0);
    await settle();
    const w = new Worker(2);
    w.change([clock('b', T0 + 2)], T0 + 10);
    await settle();
    await deliver(w, tab, 0);
    await deliverLate(dead, tab, 0);
    heartbeat(w, tab);
    w.change(w.state, T0 + 40);
    await settle();
    while (w.queue.length) await deliver(w, tab, 0);
    expect(tab.sorted()).toEqual([clock('b', T0 + 2)]);
    expect(tab.list.shown?.epoch).toBe(2);
    await Promise.all([dead.done(), w.done()]);
  });

  it('a new worker that drew the epoch shown (a dead one’s, its clock ahead): numbered above it at the heartbeat', async () => {
    const dead = new Worker(7);
    const tab = new Tab();
    dead.change([clock('a', T0 + 1)], T0);
    await settle();
    await deliver(dead, tab, 0);
    // 2⁻³² a restart: the same epoch, the clock an hour back. Its lists are older than the one shown, by number.
    const w = new Worker(7);
    w.change([clock('b', T0 + 2)], T0 - 3_600_000);
    await settle();
    await deliver(w, tab, 0);
    expect(tab.sorted()).toEqual([clock('a', T0 + 1)]);
    heartbeat(w, tab);
    w.change(w.state, T0 - 3_600_000 + 30_000);
    await settle();
    while (w.queue.length) await deliver(w, tab, 0);
    expect(tab.sorted()).toEqual([clock('b', T0 + 2)]);
    await Promise.all([dead.done(), w.done()]);
  });

  for (const seed of Array.from({ length: Number(process.env.RS_SEEDS ?? 300) }, (_, i) => i + 1)) {
    it(`any order, restarts with the clock gone back, dead workers' lists late: the tab never goes back, and ends on the last list (seed ${seed})`, async () => {
      const rnd = mulberry32(seed);
      const tab = new Tab();
      let w = new Worker(seed * 10);
      const workers = [w];
      let now = T0;
      let state: TabClock[] = [];
      /** Dead workers' lists still on the way. */
      const late: { dead: Worker; msg: ClocksMessage; answer: (r: unknown) => void }[] = [];
      const nth = (epoch: number) => workers.findIndex((x) => x.push.epoch === epoch);
      const deliverOneLate = async () => {
        const item = late.splice(Math.floor(rnd() * late.length), 1)[0]!;
        item.dead.queue.push(item);
        await deliverLate(item.dead, tab, item.dead.queue.length - 1, nth);
      };
      for (let step = 0; step < 60; step++) {
        if (rnd() < 0.05) {
          // The worker restarts, its wall clock set back up to an hour; what it had queued is lost, or arrives late.
          for (const q of w.queue.splice(0))
            if (rnd() < 0.5) q.answer(undefined);
            else late.push({ dead: w, msg: q.msg, answer: q.answer });
          now -= Math.floor(rnd() * 3_600_000);
          workers.push((w = new Worker(seed * 10 + workers.length)));
          // The tab's next heartbeat: the new worker sends the whole list.
        }
        // A buyer comes, is answered, or their clock changes; the clock goes on (sometimes not at all).
        const buyer = `b${Math.floor(rnd() * 6)}`;
        state = state.filter((c) => c.buyer !== buyer);
        if (rnd() < 0.6) state = [...state, clock(buyer, now + Math.floor(rnd() * 180_000))];
        now += Math.floor(rnd() * 3);
        w.change(state, now);
        await settle();
        // Some of what is queued arrives, in any order; sometimes the tab reports what it shows (its heartbeat).
        while (w.queue.length && rnd() < 0.5) await deliver(w, tab, Math.floor(rnd() * w.queue.length));
        while (late.length && rnd() < 0.3) await deliverOneLate();
        if (rnd() < 0.1) heartbeat(w, tab);
      }
      // What is left arrives, the dead workers' lists among the live one's.
      while (w.queue.length || late.length)
        if (late.length && (!w.queue.length || rnd() < 0.5)) await deliverOneLate();
        else await deliver(w, tab, Math.floor(rnd() * w.queue.length));
      // Within one worker, the tab only moves forward: over the whole run, not only from one list to the next.
      const best = new Map<number, number>();
      for (const [e, s] of tab.taken) {
        expect(s, `epoch ${e}: ${s} after ${best.get(e)}`).toBeGreaterThan(best.get(e) ?? -1);
        best.set(e, s);
      }
      // Everything delivered: the tab shows the clocks as they are — unless a dead worker's list it never showed came
      // after the live one's last (nothing tells it that worker is older): then one heartbeat mends it.
      if (tab.list.shown?.epoch !== w.push.epoch) {
        counts.mended++;
        heartbeat(w, tab);
        w.change(state, now + 1);
        await settle();
        while (w.queue.length) await deliver(w, tab, Math.floor(rnd() * w.queue.length));
      }
      expect(tab.sorted()).toEqual(sorted(state));
      await Promise.all(workers.map((x) => x.done()));
    });
  }

  it('the seeded runs did deliver dead workers’ whole lists after the tab moved on (so the runs above test it)', () => {
    if (process.env.RS_CLOCK_PUSH_COUNTS) console.log(counts);
    expect(counts.droppedLate).toBeGreaterThan(0);
  });
});
