/**
 * A dead worker's whole list the tab never showed (it just loaded, came back from the back/forward cache, or is a
 * second frame), arriving after the live worker's: ClockPush (worker) against ClockListSeq (tab), the messages parsed
 * as the content script does. Outsider review 11's probes: the tab retires the live worker on taking that list, and
 * must show the live worker's list again within its next push (a change, or a heartbeat's).
 */
import { describe, expect, it } from 'vitest';
import { ClockPush } from '../../../lib/background/clock-push';
import { ClockListSeq } from '../../../lib/content/ledger';
import { CLOCKS_RESYNC, parseClocks, type ClocksMessage, type TabClock } from '../../../lib/messages';
import type { TabRow } from '../../../lib/model';

const T0 = 1_788_340_500_000;
const TAB: TabRow = { tabId: 7, platform: 'pdd', account: 'shop-main', url: '', health: 'watching', lastSeen: T0 };
const VIEW = { title: true, lang: 'zh_CN' } as const;
const clock = (buyer: string, dueAt: number): TabClock => ({ buyer, status: 'pending', dueAt });
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** A tab: answers as Watcher.receive does, delivered synchronously (no reordering unless the test holds messages). */
class Tab {
  readonly list = new ClockListSeq();
  shows: TabClock[] = [];
  readonly takenLog: string[] = [];
  receive(raw: unknown): unknown {
    const msg = parseClocks(JSON.parse(JSON.stringify(raw)));
    if (!msg) return { ok: false, error: CLOCKS_RESYNC };
    const how = this.list.take(msg);
    if (how === 'resync') return { ok: false, error: CLOCKS_RESYNC };
    if (how === 'stale') return undefined;
    if (how === 'whole') this.shows = [...msg.clocks];
    else {
      const m = new Map(this.shows.map((c) => [c.buyer, c]));
      for (const b of msg.removed ?? []) m.delete(b);
      for (const c of msg.clocks) m.set(c.buyer, c);
      this.shows = [...m.values()];
    }
    this.takenLog.push(`${msg.epoch}:${msg.seq}`);
    return undefined;
  }
  sorted() {
    return [...this.shows].sort((a, b) => a.buyer.localeCompare(b.buyer));
  }
}

/** A worker whose pushes go straight to the tab (answers included), or are held (`hold`). */
class Worker {
  state: TabClock[] = [];
  held: ClocksMessage[] = [];
  hold = false;
  readonly push: ClockPush;
  constructor(
    readonly tab: Tab,
    epoch: number,
  ) {
    this.push = new ClockPush(async (_id, msg) => {
      if (this.hold) return void this.held.push(msg);
      return this.tab.receive(msg);
    }, epoch);
  }
  async change(state: TabClock[], now: number) {
    this.state = state;
    await this.push.push([TAB], () => this.state, VIEW, now);
    await settle();
  }
  /** The tab's heartbeat (Reporter.sendHealth → Sentinel.health → tabShows, then recomputeOpen → push). */
  async heartbeat(now: number) {
    const shown = this.tab.list.shown;
    this.push.tabShows(TAB.tabId, shown?.seq, shown?.epoch);
    await this.change(this.state, now);
  }
}

const sorted = (cs: readonly TabClock[]) => [...cs].sort((a, b) => a.buyer.localeCompare(b.buyer));

/** Tab shows live worker L; a dead worker D's whole list (never shown by this tab) arrives late. */
async function deadListAfterLive() {
  const tab = new Tab();
  const dead = new Worker(tab, 111);
  dead.hold = true;
  await dead.change([clock('answered-long-ago', T0 + 60_000)], T0); // D's whole list, delayed in flight
  const live = new Worker(tab, 222);
  await live.change([clock('new-buyer', T0 + 180_000)], T0 + 1_000);
  expect(tab.list.shown?.epoch).toBe(222);
  // D's late list lands now.
  tab.receive(dead.held.shift());
  return { tab, live, dead };
}

describe('after a dead worker’s late whole list the tab never showed', () => {
  it('ends on the live worker’s latest list once ONE heartbeat passes', async () => {
    const { tab: t, live: l } = await deadListAfterLive();
    expect(t.list.shown?.epoch).toBe(111); // showing the dead worker's list
    await l.heartbeat(T0 + 30_000);
    expect({ shown: t.list.shown?.epoch, shows: t.sorted() }).toEqual({ shown: 222, shows: sorted(l.state) });
  });

  it('ends on the live worker’s latest list once the live worker pushes again', async () => {
    const { tab, live } = await deadListAfterLive();
    await live.change([...live.state, clock('another', T0 + 200_000)], T0 + 2_000);
    expect({ shown: tab.list.shown?.epoch, shows: tab.sorted() }).toEqual({ shown: 222, shows: sorted(live.state) });
  });

  it('shows the live list after one heartbeat (30 s apart), with no other traffic', async () => {
    const { tab, live } = await deadListAfterLive();
    let beats = 0;
    while (tab.list.shown?.epoch !== 222 && beats < 20) await live.heartbeat(T0 + 30_000 * ++beats);
    expect(beats).toBeLessThanOrEqual(1);
  });
});
