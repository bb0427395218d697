// @vitest-environment jsdom
/**
 * Outsider review 13's probe with the real content side: two Watchers (the top frame in `document`, a second frame in its own document,
 * as 1688's all_frames) and the real ClockPush, the heartbeat being the Watcher's own health message (clocksSeq,
 * clocksEpoch) fed to tabShows, as Sentinel.health does. Counts heartbeats/pushes until both frames hold the live
 * worker's clocks after: a fresh frame taking a dead worker's late list; 5 restarts in a row, clock set back an hour
 * each, their whole lists delivered late in reverse order; a frame reloading mid-sequence; the language changing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClockPush } from '../../../lib/background/clock-push';
import { pddAdapter } from '../../../lib/platforms/pdd';
import { Watcher } from '../../../lib/content/watcher';
import { setContentLang } from '../../../lib/i18n/content';
import type { ClocksMessage, HealthMessage, TabClock, ToBackground } from '../../../lib/messages';
import type { TabRow } from '../../../lib/model';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
setContentLang('zh_CN');
const ACCOUNT = '测试旗舰店';
const TAB: TabRow = { tabId: 7, platform: 'pdd', account: ACCOUNT, url: '', health: 'watching', lastSeen: NOW };
const clock = (buyer: string, inMs: number): TabClock => ({ buyer, status: 'pending', dueAt: NOW + inMs });

class FrameW {
  sent: ToBackground[] = [];
  w: Watcher;
  constructor(readonly doc: Document) {
    doc.body.innerHTML = fixture;
    this.w = this.make();
  }
  make() {
    const w = new Watcher({
      adapter: pddAdapter,
      root: this.doc,
      now: () => NOW,
      url: () => 'http://127.0.0.1/demo/pdd/',
      send: async (m) => void this.sent.push(m),
    });
    w.start();
    return w;
  }
  reload() {
    this.w.stop();
    this.doc.body.innerHTML = fixture;
    this.w = this.make();
  }
  clocks(): string {
    const m = (this.w.badges as unknown as { clocks: Map<string, TabClock> }).clocks;
    return [...m.values()]
      .map((c) => `${c.buyer}@${c.dueAt - NOW}`)
      .sort()
      .join();
  }
  /** The heartbeat: the Watcher's own health, as sent. */
  beat(): HealthMessage {
    this.sent = [];
    this.w.reportNow();
    return this.sent.find((m): m is HealthMessage => m.type === 'health')!;
  }
}

const frames: FrameW[] = [];
afterEach(() => frames.splice(0).forEach((f) => f.w.stop()));

class Net {
  held: { msg: ClocksMessage; answer: (r: unknown) => void }[] = [];
  hold = false;
  constructor(readonly tab: FrameW[]) {}
  /** To every frame; the first answer. */
  deliver(msg: ClocksMessage): unknown {
    const replies = this.tab.map((f) => f.w.handle(structuredClone(msg)));
    return replies.find((r) => r !== undefined);
  }
}
class Live {
  push: ClockPush;
  state: TabClock[] = [];
  view = { title: true, lang: 'zh_CN' as const } as { title: boolean; lang: 'zh_CN' | 'en' };
  pushes = 0;
  constructor(
    readonly net: Net,
    epoch: number,
    private dead = false,
  ) {
    this.push = new ClockPush(async (_t, msg) => {
      if (this.net.hold || this.dead) return void this.net.held.push({ msg, answer: () => {} });
      return this.net.deliver(msg);
    }, epoch);
  }
  die() {
    this.dead = true;
  }
  async run(now: number) {
    this.pushes++;
    await this.push.push([TAB], () => this.state, this.view, now);
  }
  async beat(f: FrameW, now: number) {
    const h = f.beat();
    this.push.tabShows(TAB.tabId, h.clocksSeq, h.clocksEpoch);
    await this.run(now);
  }
}
const want = (cs: TabClock[]) =>
  cs
    .map((c) => `${c.buyer}@${c.dueAt - NOW}`)
    .sort()
    .join();

describe('probe13 real Watchers × ClockPush', () => {
  it('a fresh second frame takes a dead worker’s late list: one heartbeat of that frame heals it', async () => {
    const A = new FrameW(document);
    const B = new FrameW(document.implementation.createHTMLDocument('iframe'));
    frames.push(A, B);
    const net = new Net([A, B]);
    const dead = new Live(net, 11);
    dead.state = [clock('733519', 50_000)];
    net.hold = true;
    await dead.run(NOW); // the dead worker's whole list, held in flight
    dead.die();
    net.hold = false;
    const live = new Live(net, 22);
    live.state = [clock('915002', 90_000)];
    await live.run(NOW - 3_600_000); // the clock set back an hour
    expect([A.clocks(), B.clocks()]).toEqual([want(live.state), want(live.state)]);
    B.reload(); // the iframe reloads; the dead list reaches it late (A drops it? A never showed epoch 11: takes it too)
    net.deliver(net.held.shift()!.msg);
    const wrong = [A.clocks(), B.clocks()];
    let beats = 0;
    while ((A.clocks() !== want(live.state) || B.clocks() !== want(live.state)) && beats < 6) {
      beats++;
      for (const f of [A, B]) await live.beat(f, NOW - 3_600_000 + beats * 30_000);
    }
    expect({ wrong, beats }).toEqual({ wrong: [want(dead.state), want(dead.state)], beats: 1 });
  });

  it('5 restarts in a row, clock back an hour each, whole lists delivered late in reverse: healed at the next push', async () => {
    const A = new FrameW(document);
    frames.push(A);
    const net = new Net([A]);
    const workers: Live[] = [];
    for (let i = 0; i < 6; i++) {
      const w = new Live(net, 100 + i);
      w.state = [clock('733519', 10_000 * (i + 1))];
      workers.push(w);
      if (i < 5) {
        net.hold = true;
        await w.run(NOW - i * 3_600_000);
        net.hold = false;
        w.die();
      } else await w.run(NOW - i * 3_600_000);
    }
    const live = workers[5]!;
    expect(A.clocks()).toBe(want(live.state));
    const shownWrong: string[] = [];
    for (const h of net.held.splice(0).reverse()) {
      net.deliver(h.msg);
      shownWrong.push(A.clocks());
    }
    // The live worker's next change: one push.
    live.state = [...live.state, clock('915002', 70_000)];
    await live.run(NOW - 5 * 3_600_000 + 1000);
    expect({ after: A.clocks(), pushes: live.pushes }).toEqual({ after: want(live.state), pushes: 2 });
    // A late list never shown before is shown (nothing tells the tab it is older), bounded as documented.
    expect(shownWrong.length).toBe(5);
  });

  it('the language changes while a frame shows a dead worker’s list: the whole list in the new language is shown at once', async () => {
    const A = new FrameW(document);
    frames.push(A);
    const net = new Net([A]);
    const dead = new Live(net, 1);
    dead.state = [clock('733519', 50_000)];
    net.hold = true;
    await dead.run(NOW);
    dead.die();
    net.hold = false;
    const live = new Live(net, 2);
    live.state = [clock('915002', 90_000)];
    await live.run(NOW + 1);
    net.deliver(net.held.shift()!.msg);
    expect(A.clocks()).toBe(want(dead.state));
    live.view = { title: true, lang: 'en' };
    await live.run(NOW + 2);
    expect(A.clocks()).toBe(want(live.state));
    setContentLang('zh_CN');
  });
});
