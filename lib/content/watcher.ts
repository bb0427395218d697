/**
 * Watches one workbench page through its adapter and reports to the background: new messages as events,
 * tab health as heartbeats. No polling of the DOM: a MutationObserver schedules a scan; the heartbeat timer
 * only re-sends the last health. Everything it starts is stopped by stop() (tied to the WXT ctx).
 */
import type { Adapter, ExtractMemo, Extraction } from '../adapters/types';
import type { Health } from '../db/schema';
import {
  HEARTBEAT_MS,
  LIMITS,
  parseClocks,
  type EventsMessage,
  type HealthMessage,
  type Reply,
  type ToBackground,
} from '../messages';
import { insertTextConfirmed } from './insert';
import { BADGE_ATTR, RowBadges } from './row-badges';
import type { ChatEvent } from '../model';

export interface WatcherDeps {
  adapter: Adapter;
  root: Document;
  now(): number;
  send(msg: ToBackground): Promise<unknown>;
  url(): string;
}

/** How far back an untimed history message may lie when nothing before it has a time. */
const UNKNOWN_PAST_MS = 7 * 86_400_000;

export class Watcher {
  private observer: MutationObserver | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private scheduled: ReturnType<typeof setTimeout> | null = null;
  /** Message ids already reported, per buyer. */
  private seen = new Map<string, Set<string>>();
  /** The message list reported at the last scan (see threadEvents). */
  private lastMessages: readonly unknown[] | null = null;
  /** The buyer whose thread was on screen at the last scan. */
  private threadBuyer: string | null = null;
  /** Buyers for whom a list-row "waiting" event was reported, with the page's waiting start. */
  private waitingReported = new Map<string, number>();
  private lastHealth: { health: Health; account: string; activeBuyer?: string } | null = null;
  /** What the adapter read from each element, kept between scans while the page leaves it alone. */
  private memo: ExtractMemo = new WeakMap();
  /** The last extraction (for quick-reply insertion and tests). */
  last: Extraction | null = null;
  readonly badges: RowBadges;

  constructor(private readonly deps: WatcherDeps) {
    this.badges = new RowBadges(deps.root, deps.now);
  }

  /** A message from the background; returns the reply (or its promise) for those that expect one. */
  handle(raw: unknown): Reply | Promise<Reply> | undefined {
    const msg = raw as { type?: unknown; text?: unknown; buyer?: unknown } | null;
    if (msg?.type === 'clocks') this.receive(raw);
    if (msg?.type === 'insert' && typeof msg.text === 'string') {
      const input = this.last?.input;
      if (!input) return { ok: false, error: 'this page has no chat input in view' };
      return insertTextConfirmed(input, msg.text.slice(0, 5000)).then((r) =>
        r.ok ? { ok: true, strategy: r.strategy } : r,
      );
    }
    if (msg?.type === 'openConversation' && typeof msg.buyer === 'string') {
      const row = this.last?.conversations.find((c) => c.buyer === msg.buyer)?.row;
      if (!row) return { ok: false, error: 'that conversation is not in the list' };
      // Best effort: some pages ignore scripted clicks (PDD is reported to), then the person clicks.
      for (const type of ['mousedown', 'mouseup', 'click'])
        row.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: this.deps.root.defaultView }));
      return { ok: true };
    }
    return undefined;
  }

  /** Quick phrases go to the input that was focused last: tell the background when ours gets the focus. */
  private onFocusIn = (e: FocusEvent) => {
    const input = this.last?.input;
    const target = e.target as Node | null;
    if (!input || !target || !(input === target || input.contains(target))) return;
    const account = this.lastHealth?.account;
    if (account)
      void this.deps.send({ type: 'inputFocus', platform: this.deps.adapter.platform, account }).catch(() => undefined);
  };

  /** A message from the background: the open clocks of this tab's account (for the in-page badges). */
  receive(raw: unknown): void {
    const clocks = parseClocks(raw);
    if (!clocks || clocks.platform !== this.deps.adapter.platform || clocks.account !== this.lastHealth?.account)
      return;
    this.badges.setClocks(clocks.clocks);
    // Clocks arrive out of step with the page: show them in its next frame rather than force one of our own.
    if (this.last) this.badges.renderSoon(this.last.conversations);
  }

  start(): void {
    this.scan();
    this.observer = new MutationObserver((records) => {
      if (!this.forget(records)) return;
      // The page renders a frame for its change anyway: the badges' numbers go into the same frame.
      this.badges.pageChanged();
      this.schedule();
    });
    this.observer.observe(this.deps.root, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['class', 'data-random', 'id'],
    });
    this.heartbeat = setInterval(() => this.sendHealth(), HEARTBEAT_MS);
    this.deps.root.addEventListener('focusin', this.onFocusIn, true);
  }

  stop(): void {
    this.deps.root.removeEventListener('focusin', this.onFocusIn, true);
    this.observer?.disconnect();
    this.observer = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.scheduled) clearTimeout(this.scheduled);
    this.heartbeat = this.scheduled = null;
    this.badges.destroy();
  }

  /**
   * Drops what the adapter remembered about every element the mutations touched (and their ancestors), so the
   * next extract() re-reads exactly those. Returns whether anything the adapter reads changed: our own in-page
   * badges being added do not count.
   */
  private forget(records: readonly MutationRecord[]): boolean {
    let relevant = false;
    const done = new Set<Node>();
    for (const r of records) {
      if (isOwnMutation(r)) continue;
      relevant = true;
      // Up to the root, or to an ancestor an earlier record of this batch already walked.
      for (let n: Node | null = r.target; n && !done.has(n); n = n.parentNode) {
        done.add(n);
        this.memo.delete(n as Element);
      }
    }
    return relevant;
  }

  /** Coalesces a burst of mutations into one scan on the next task. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = null;
      this.scan();
    }, 0);
  }

  private account(x: Extraction): string {
    return x.account ?? `${this.deps.adapter.platform}-default`;
  }

  /** One pass: extract, report what is new. Never throws into the page. */
  scan(): void {
    // Mutations not delivered yet (a scan called right after a change) must still invalidate the memo.
    if (this.observer) this.forget(this.observer.takeRecords());
    let x: Extraction;
    try {
      x = this.deps.adapter.extract(this.deps.root, this.memo);
    } catch (err) {
      console.warn('[Reply Sentinel] extract failed', err);
      x = { health: 'noList', account: null, conversations: [], thread: null, input: null, missing: ['extract'] };
    }
    this.last = x;
    const now = this.deps.now();
    const account = this.account(x);
    const platform = this.deps.adapter.platform;
    const events: ChatEvent[] = [];

    if (x.health === 'watching' || x.health === 'noInput') {
      if (x.thread) events.push(...this.threadEvents(x.thread, account, now));
      events.push(...this.waitingRowEvents(x, account, now));
    }
    this.threadBuyer = x.thread?.buyer ?? null;

    const health = { health: x.health, account, ...(x.thread ? { activeBuyer: x.thread.buyer } : {}) };
    const changed = JSON.stringify(health) !== JSON.stringify(this.lastHealth);
    this.lastHealth = health;
    // Health first: the background must know the tab watches before it judges the events' deadlines.
    if (changed) this.sendHealth();
    // A long thread seen for the first time can hold more messages than one message may carry: send it in
    // slices (the background takes them in order), never one the background would refuse whole.
    for (let i = 0; i < events.length; i += LIMITS.eventsPerMessage) {
      const msg: EventsMessage = {
        type: 'events',
        platform,
        account,
        events: events.slice(i, i + LIMITS.eventsPerMessage),
      };
      void this.deps.send(msg).catch(() => undefined);
    }
    this.badges.render(x.conversations);
  }

  private threadEvents(thread: NonNullable<Extraction['thread']>, account: string, now: number): ChatEvent[] {
    const platform = this.deps.adapter.platform;
    let seen = this.seen.get(thread.buyer);
    // The very list read last time (an adapter's memo hands back the same array while the thread is untouched):
    // every message in it was reported then.
    if (seen && thread.messages === this.lastMessages && this.threadBuyer === thread.buyer) return [];
    this.lastMessages = thread.messages;
    // A thread that just came on screen (first scan, reload, conversation switch) is history, not news.
    const historical = this.threadBuyer !== thread.buyer || !seen;
    if (!seen) {
      seen = new Set();
      this.seen.set(thread.buyer, seen);
    }
    const out: ChatEvent[] = [];
    let lowerBound = now - UNKNOWN_PAST_MS;
    for (const m of thread.messages) {
      if (m.at !== null) lowerBound = Math.max(lowerBound, Math.min(m.at, now));
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      const e: ChatEvent = {
        platform,
        account,
        buyer: thread.buyer,
        messageId: m.id,
        author: m.author,
        at: m.at ?? (historical ? lowerBound : now),
        timeSource: m.timeSource ?? 'observed',
        observedAt: now,
      };
      if (m.at === null && historical) e.atLatest = now;
      if (historical) e.historical = true;
      if (thread.nick) e.buyerNick = thread.nick;
      if (m.text) e.text = m.text;
      if (m.marker) e.marker = m.marker;
      out.push(e);
    }
    return out;
  }

  /**
   * Buyers waiting in conversations that are not open: the list row says for how long. One event per wait;
   * when the conversation is opened, its real messages take over (a later buyer message never restarts a clock).
   */
  private waitingRowEvents(x: Extraction, account: string, now: number): ChatEvent[] {
    const out: ChatEvent[] = [];
    const waitingNow = new Set<string>();
    for (const c of x.conversations) {
      if (c.active || c.waitingSec === undefined || c.buyer === x.thread?.buyer) continue;
      waitingNow.add(c.buyer);
      if (this.waitingReported.has(c.buyer)) continue;
      const since = now - c.waitingSec * 1000;
      this.waitingReported.set(c.buyer, since);
      out.push({
        platform: this.deps.adapter.platform,
        account,
        buyer: c.buyer,
        messageId: `wait-${Math.floor(since / 1000)}`,
        author: 'buyer',
        at: since,
        timeSource: 'stamp',
        observedAt: now,
        ...(c.nick ? { buyerNick: c.nick } : {}),
        ...(c.preview ? { text: c.preview.slice(0, 500) } : {}),
      });
    }
    for (const b of [...this.waitingReported.keys()]) if (!waitingNow.has(b)) this.waitingReported.delete(b);
    return out;
  }

  private sendHealth(): void {
    if (!this.lastHealth) return;
    const msg: HealthMessage = {
      type: 'health',
      platform: this.deps.adapter.platform,
      url: this.deps.url(),
      ...this.lastHealth,
    };
    void this.deps.send(msg).catch(() => undefined);
  }
}

const isBadgeHost = (n: Node) => n.nodeType === 1 && (n as Element).hasAttribute(BADGE_ATTR);

/**
 * A mutation that only adds our own badge hosts (RowBadges). Removals still scan: when the page itself drops a
 * badge (a re-rendered row), the next scan puts it back.
 */
function isOwnMutation(r: MutationRecord): boolean {
  if (r.type !== 'childList' || r.removedNodes.length || !r.addedNodes.length) return false;
  for (const n of r.addedNodes) if (!isBadgeHost(n)) return false;
  return true;
}
