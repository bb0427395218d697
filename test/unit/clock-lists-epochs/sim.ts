/**
 * Outsider review 13's simulator: the real ClockPush (worker instances, restarts) against frames modelled as Watcher.receive
 * (parseClocks after a structured clone, the platform/account check, ClockListSeq.take), with a network that holds,
 * reorders, duplicates and loses lists and replies. Heartbeats are Sentinel.health's: tabShows, then a push.
 */
import { ClockPush } from '../../../lib/background/clock-push';
import { ClockListSeq } from '../../../lib/content/ledger';
import { CLOCKS_RESYNC, parseClocks, type ClocksMessage, type TabClock } from '../../../lib/messages';
import type { Platform, TabRow } from '../../../lib/model';

export function mulberry32(a: number) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const T0 = 1_788_340_500_000;

/** A tab-side sequencer: the current one, or another (an older version's). */
export interface Seq {
  take(c: Pick<ClocksMessage, 'epoch' | 'seq' | 'base'>): 'whole' | 'changes' | 'resync' | 'stale';
}

export class Frame {
  list: Seq;
  shows = new Map<string, TabClock>();
  shown: { epoch: number; seq: number } | null = null;
  maxSeq = new Map<number, number>();
  /** Epochs taken, in order (for diagnostics). */
  epochs: number[] = [];
  frozen = false;
  constructor(
    readonly name: string,
    public platform: Platform,
    public account: string,
    readonly makeSeq: () => Seq = () => new ClockListSeq(),
    /** An older tab: its heartbeat names the number only. */
    readonly old = false,
  ) {
    this.list = makeSeq();
  }
  reload() {
    this.list = this.makeSeq();
    this.shows.clear();
    this.shown = null;
    this.maxSeq.clear();
    this.epochs = [];
  }
}

export class Tab {
  /** The account the worker holds for the tab (from its last health). */
  rowAccount: string | null = null;
  constructor(
    readonly tabId: number,
    readonly frames: Frame[],
  ) {}
  get platform() {
    return this.frames[0]!.platform;
  }
  get account() {
    return this.frames[0]!.account;
  }
}

interface Flight {
  w: W;
  tabId: number;
  msg: ClocksMessage;
  answer: (r: unknown) => void;
  ghost?: boolean;
}

export class W {
  alive = true;
  push: ClockPush;
  running: Promise<void>[] = [];
  constructor(
    readonly sim: Sim,
    epoch: number,
    ctor: new (send: (t: number, m: ClocksMessage) => Promise<unknown>, epoch: number) => ClockPush = ClockPush,
  ) {
    this.push = new ctor((tabId, msg) => {
      sim.sentState.set(`${msg.epoch}:${msg.seq}:${msg.platform}:${msg.account}`, [
        ...sim.clocksFor(msg.platform, msg.account),
      ]);
      sim.sent++;
      return new Promise((answer) => sim.flights.push({ w: this, tabId, msg, answer }));
    }, epoch);
  }
  get epoch() {
    return this.push.epoch;
  }
}

const sortC = (cs: Iterable<TabClock>) => [...cs].sort((a, b) => a.buyer.localeCompare(b.buyer));

export class Sim {
  now = T0;
  flights: Flight[] = [];
  sentState = new Map<string, TabClock[]>();
  state = new Map<string, TabClock[]>();
  view: { title: boolean; lang: 'zh_CN' | 'en' } = { title: true, lang: 'zh_CN' };
  workers: W[] = [];
  live: W;
  violations: string[] = [];
  sent = 0;
  counters = { refusedLive: 0, takenDead: 0, heartbeats: 0, lostHeartbeats: 0 };
  constructor(
    readonly rnd: () => number,
    readonly tabs: Tab[],
    readonly workerCtor?: new (send: (t: number, m: ClocksMessage) => Promise<unknown>, epoch: number) => ClockPush,
  ) {
    this.live = this.newWorker();
  }
  newWorker(): W {
    const w = new W(this, Math.floor(this.rnd() * 2 ** 32), this.workerCtor);
    this.workers.push(w);
    return w;
  }
  clocksFor(platform: Platform, account: string): TabClock[] {
    return this.state.get(`${platform}|${account}`) ?? [];
  }
  rows(): TabRow[] {
    return this.tabs.map((t) => ({
      tabId: t.tabId,
      platform: t.platform,
      account: t.rowAccount ?? t.account,
      url: '',
      health: 'watching',
      lastSeen: this.now,
    }));
  }
  pushNow() {
    this.live.running.push(
      this.live.push.push(this.rows(), (p, a) => this.clocksFor(p, a), { ...this.view }, this.now),
    );
  }
  change() {
    const t = this.tabs[Math.floor(this.rnd() * this.tabs.length)]!;
    const key = `${t.platform}|${t.account}`;
    const buyer = `b${Math.floor(this.rnd() * 5)}`;
    let s = (this.state.get(key) ?? []).filter((c) => c.buyer !== buyer);
    if (this.rnd() < 0.6) s = [...s, { buyer, status: 'pending', dueAt: this.now + Math.floor(this.rnd() * 180_000) }];
    this.state.set(key, s);
    this.now += Math.floor(this.rnd() * 1500);
    this.pushNow();
  }
  /** Health messages on their way (a port: in order). */
  outbox: (() => void)[] = [];
  /** One frame's heartbeat (Reporter.sendHealth → Sentinel.health: tabShows, then recomputeOpen's push); the ones
   *  held before it are handled first (the port keeps order). */
  heartbeat(tab: Tab, fr: Frame) {
    if (fr.frozen) return;
    this.counters.heartbeats++;
    this.outbox.push(this.snapshot(tab, fr));
    this.flushHealth();
  }
  flushHealth() {
    while (this.outbox.length) this.outbox.shift()!();
  }
  /** A heartbeat sent now, handled later (held in the port, ahead of any later one). */
  delay(tab: Tab, fr: Frame) {
    if (!fr.frozen) this.outbox.push(this.snapshot(tab, fr));
  }
  snapshot(tab: Tab, fr: Frame) {
    const s = fr.shown;
    const account = fr.account;
    return () => {
      tab.rowAccount = account;
      this.live.push.tabShows(tab.tabId, s?.seq, fr.old ? undefined : s?.epoch);
      this.pushNow();
    };
  }
  restart(clockShiftMs: number) {
    this.live.alive = false;
    this.now += clockShiftMs;
    this.live = this.newWorker();
    // A late list is late by moments: what a worker sent more than `lateRestarts` restarts ago is gone.
    const keep = new Set(this.workers.slice(-1 - this.lateRestarts));
    this.flights = this.flights.filter((f) => keep.has(f.w));
  }
  lateRestarts = 6;
  receive(fr: Frame, raw: ClocksMessage): unknown {
    if (fr.frozen) return undefined;
    const msg = parseClocks(structuredClone(raw));
    if (!msg) return { ok: false, error: CLOCKS_RESYNC };
    if (msg.platform !== fr.platform || msg.account !== fr.account) return undefined;
    const how = fr.list.take(msg);
    if (how === 'resync') {
      if (msg.base === undefined && msg.epoch === this.live.epoch) this.counters.refusedLive++;
      return { ok: false, error: CLOCKS_RESYNC };
    }
    if (how === 'stale') return undefined;
    const max = fr.maxSeq.get(msg.epoch);
    if (max !== undefined && msg.seq <= max) {
      const since = new Set(fr.epochs.slice(fr.epochs.lastIndexOf(msg.epoch) + 1)).size;
      this.violations.push(
        `${fr.name}: epoch ${msg.epoch}${msg.epoch === this.live.epoch ? ' (live)' : ''} back to ${msg.seq} after ${max}, ${msg.base === undefined ? 'whole' : 'changes'}, ${since} other epochs since`,
      );
    }
    if (fr.epochs.at(-1) !== msg.epoch) fr.epochs.push(msg.epoch);
    fr.maxSeq.set(msg.epoch, msg.seq);
    if (msg.epoch !== this.live.epoch) this.counters.takenDead++;
    if (how === 'whole') fr.shows.clear();
    for (const b of msg.removed ?? []) fr.shows.delete(b);
    for (const c of msg.clocks) fr.shows.set(c.buyer, c);
    fr.shown = { epoch: msg.epoch, seq: msg.seq };
    const want = this.sentState.get(`${msg.epoch}:${msg.seq}:${msg.platform}:${msg.account}`) ?? [];
    if (JSON.stringify(sortC(fr.shows.values())) !== JSON.stringify(sortC(want)))
      this.violations.push(`${fr.name}: shows a mix at ${msg.epoch}:${msg.seq}`);
    return undefined;
  }
  /** Delivers flight k: 'ok', 'lostReply' (the tab got it, the worker hears nothing), 'lost', 'dup' (twice). */
  deliver(k: number, mode: 'ok' | 'lostReply' | 'lost' | 'dup' = 'ok') {
    const [f] = this.flights.splice(k, 1);
    if (!f) return;
    if (mode === 'lost') {
      if (f.w.alive && !f.ghost) f.answer(undefined);
      return;
    }
    const tab = this.tabs.find((t) => t.tabId === f.tabId);
    // To every frame of the tab; the first frame that answers is the answer (Chrome's tabs.sendMessage).
    const replies = tab ? tab.frames.map((fr) => this.receive(fr, f.msg)) : [];
    const reply = replies.find((r) => r !== undefined);
    if (mode === 'dup') this.flights.push({ ...f, ghost: true });
    if (f.ghost || !f.w.alive) return; // a dead worker hears nothing
    f.answer(mode === 'lostReply' ? undefined : reply);
  }
  async settle() {
    for (let i = 0; i < 8; i++) await Promise.resolve();
  }
  /** Everything in flight arrives, in random order, nothing lost (the live worker's resends too). */
  async quiesce() {
    while (this.flights.length) {
      this.deliver(Math.floor(this.rnd() * this.flights.length));
      await this.settle();
    }
  }
  right(tab: Tab, fr: Frame): boolean {
    if (fr.frozen) return true;
    return (
      fr.shown?.epoch === this.live.epoch &&
      JSON.stringify(sortC(fr.shows.values())) === JSON.stringify(sortC(this.clocksFor(fr.platform, fr.account)))
    );
  }
  allRight(): boolean {
    return this.tabs.every((t) => t.frames.every((f) => this.right(t, f)));
  }
  /** Clean heartbeat rounds (every frame beats, everything delivered) until every frame is right: how many. */
  async healRounds(max = 6): Promise<number> {
    let r = 0;
    await this.quiesce();
    while (!this.allRight() && r < max) {
      r++;
      this.now += 30_000;
      for (const t of this.tabs) for (const f of t.frames) this.heartbeat(t, f);
      await this.quiesce();
    }
    return r;
  }
  /** Clean change rounds (each watched account changes once, no heartbeat) until every frame is right. */
  async healByChanges(max = 6): Promise<number> {
    let r = 0;
    await this.quiesce();
    while (!this.allRight() && r < max) {
      r++;
      for (const t of this.tabs) {
        const key = `${t.platform}|${t.account}`;
        this.state.set(key, [
          ...(this.state.get(key) ?? []).filter((c) => c.buyer !== `x${r}`),
          { buyer: `x${r}`, status: 'pending', dueAt: this.now + 100_000 },
        ]);
      }
      this.now += 1000;
      this.pushNow();
      await this.quiesce();
    }
    return r;
  }
}
