/**
 * The worker → tab clock lists end to end without a browser: `ClockPush` (the worker's numbering and change lists)
 * against a tab's `ClockListSeq`, the messages parsed as the content script parses them, delivered in any order
 * (outsider review 8: an older whole list delivered after a newer one was shown).
 */
import { describe, expect, it } from 'vitest';
import { ClockPush } from '../../lib/background/clock-push';
import { ClockListSeq } from '../../lib/content/ledger';
import { CLOCKS_RESYNC, parseClocks, type ClocksMessage, type TabClock } from '../../lib/messages';
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

  receive(raw: unknown): unknown {
    // Through the message channel: structured clone, then the content script's parser.
    const msg = parseClocks(JSON.parse(JSON.stringify(raw)));
    if (!msg) return { ok: false, error: CLOCKS_RESYNC };
    const how = this.list.take(msg);
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

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`any order, restarts with the clock gone back: the tab never goes back, and ends on the last list (seed ${seed})`, async () => {
      const rnd = mulberry32(seed);
      const tab = new Tab();
      let w = new Worker(seed * 10);
      const workers = [w];
      let now = T0;
      let state: TabClock[] = [];
      for (let step = 0; step < 60; step++) {
        if (rnd() < 0.05) {
          // The worker restarts, its wall clock set back up to an hour; what it had queued is lost.
          for (const q of w.queue.splice(0)) q.answer(undefined);
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
        if (rnd() < 0.1) heartbeat(w, tab);
      }
      while (w.queue.length) await deliver(w, tab, Math.floor(rnd() * w.queue.length));
      // Within one worker, the tab only moves forward.
      for (let i = 1; i < tab.taken.length; i++) {
        const [[e0, s0], [e1, s1]] = [tab.taken[i - 1]!, tab.taken[i]!];
        if (e0 === e1) expect(s1).toBeGreaterThan(s0);
      }
      // Everything delivered: the tab shows the clocks as they are, with no heartbeat needed.
      expect(tab.sorted()).toEqual(sorted(state));
      await Promise.all(workers.map((x) => x.done()));
    });
  }
});
