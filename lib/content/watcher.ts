/**
 * Watches one workbench page through its adapter and reports to the background: new messages as events,
 * tab health as heartbeats. No polling of the DOM. The MutationObserver's records are applied where they
 * happened, right in its callback (the live path: a changed or added list row is read alone, messages appended
 * to the open thread are read alone, continuing the adapter's read — see Adapter `Live`); any other change
 * (a thread switch, a removal, something outside the rows and the thread) schedules a full read of the page
 * (scan). The heartbeat timer only re-sends the last health. Everything it starts is stopped by stop().
 */
import {
  liveOf,
  type Adapter,
  type ExtractMemo,
  type ExtractedConversation,
  type ExtractedMessage,
  type Extraction,
  type Live,
} from '../platforms/types';
import type { Health, HealthParts } from '../health';
import {
  ACCOUNT_GRACE_MS,
  CLOCKS_RESYNC,
  HEARTBEAT_MS,
  EVENTS_PER_MESSAGE,
  parseClocks,
  type EventsMessage,
  type HealthMessage,
  type Reply,
  type ToBackground,
} from '../messages';
import { judged } from '../platforms/parts';
import { insertTextConfirmed } from './insert';
import { BADGE_ATTR, RowBadges } from './row-badges';
import { TabTitle, tabDocument } from './tab-title';
import { windowTimers, type TimerId, type Timers } from './timers';
import { UNRECOGNISED_ACCOUNT, isUnrecognisedAccount, keyId, type ChatEvent } from '../model';

export interface WatcherDeps {
  adapter: Adapter;
  root: Document;
  now(): number;
  /** A request to the background (its reply is not needed: clocks come as their own messages). */
  send(msg: ToBackground): Promise<unknown>;
  url(): string;
  /** See ACCOUNT_GRACE_MS (the default). */
  accountGraceMs?: number;
  /** WXT's `ctx` timers in the content script (the window's by default; see timers.ts). */
  timers?: Timers;
}

/** How far back an untimed history message may lie when nothing before it has a time. */
const UNKNOWN_PAST_MS = 7 * 86_400_000;

export class Watcher {
  private observer: MutationObserver | null = null;
  private heartbeat: TimerId | null = null;
  private scheduled: TimerId | null = null;
  private readonly timers: Timers;
  /** When the account grace ends (deps.now; 0 before start()). */
  private graceEnd = 0;
  /** The account the events sent so far went under; another one reports the page again (see scan). */
  private sentAs: string | null = null;
  /** Message ids already reported, per buyer. */
  private seen = new Map<string, Set<string>>();
  /** The message list reported at the last scan (see threadEvents). */
  private lastMessages: readonly unknown[] | null = null;
  /** The buyer whose thread was on screen at the last scan. */
  private threadBuyer: string | null = null;
  /** Buyers for whom a list-row "waiting" event was reported, with the page's waiting start. */
  private waitingReported = new Map<string, number>();
  private lastHealth: { health: Health; parts: HealthParts; account: string; activeBuyer?: string } | null = null;
  /** The number of the clock list the badges show (see ClocksMessage); null before the first whole list. */
  private clocksSeq: number | null = null;
  /** What the adapter read from each element, kept between scans while the page leaves it alone. */
  private memo: ExtractMemo = new WeakMap();
  /** The last full read, patched by the live path (see `last`). */
  private current: Extraction | null = null;
  /** Live path: each list row element → what it reads as (built with each full read). */
  private rowConv: Map<Element, ExtractedConversation | null> | null = null;
  /** The conversation list needs re-listing in page order (rows changed on the live path). */
  private convStale = false;
  /** Buyer (as stored: keyId, as the clocks name it) → the row element its badge goes on. */
  private buyerRows = new Map<string, Element>();
  /** The newest message time seen in the open thread (bounds untimed history). */
  private lowerBound = -Infinity;
  /** How the page was last processed (for tests and diagnostics). */
  readonly stats = { scans: 0, live: 0, rowReads: 0, counterReads: 0, appended: 0 };
  readonly badges: RowBadges;
  /** The tab's title prefix (created at start). */
  private title: TabTitle | null = null;

  constructor(private readonly deps: WatcherDeps) {
    this.timers = deps.timers ?? windowTimers(deps.root);
    this.badges = new RowBadges(deps.root, deps.now, undefined, deps.adapter.badgeSlot?.right, this.timers);
  }

  /** The page as last read: the last full read with the live path's changes (conversations in page order). */
  get last(): Extraction | null {
    const x = this.current;
    const rows = liveOf(x)?.rows;
    if (x && this.convStale && rows && this.rowConv) {
      const conversations: ExtractedConversation[] = [];
      const buyers = new Set<string>();
      for (const row of rows.all()) {
        let c = this.rowConv.get(row);
        if (c === undefined) this.rowConv.set(row, (c = rows.read(row)));
        if (!c || (rows.firstPerBuyer && buyers.has(c.buyer))) continue;
        buyers.add(c.buyer);
        conversations.push(c);
      }
      x.conversations = conversations;
      this.convStale = false;
    }
    return x;
  }

  /** A message from the background; returns the reply (or its promise) for those that expect one. */
  handle(raw: unknown): Reply | Promise<Reply> | undefined {
    const msg = raw as { type?: unknown; text?: unknown; buyer?: unknown; focusInput?: unknown } | null;
    if (msg?.type === 'clocks') return this.receive(raw);
    if (msg?.type === 'insert' && typeof msg.text === 'string') {
      const input = this.last?.input;
      if (!input) return { ok: false, error: 'this page has no chat input in view' };
      return insertTextConfirmed(input, msg.text.slice(0, 5000)).then((r) =>
        r.ok ? { ok: true, strategy: r.strategy } : r,
      );
    }
    if (msg?.type === 'openConversation' && typeof msg.buyer === 'string') {
      // The background names buyers as stored (keyId).
      const row = this.last?.conversations.find((c) => keyId(c.buyer) === msg.buyer)?.row;
      if (!row) return { ok: false, error: 'that conversation is not in the list' };
      // Best effort: some pages ignore scripted clicks (PDD is reported to), then the person clicks.
      for (const type of ['mousedown', 'mouseup', 'click'])
        row.dispatchEvent(mouseEvent(type, this.deps.root.defaultView));
      // The keyboard command: the caret goes to the chat input, ready to answer.
      if (msg.focusInput === true) (this.last?.input as HTMLElement | null | undefined)?.focus?.();
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

  /**
   * A message from the background: the open clocks of this tab's account (for the in-page badges), whole or as the
   * changes since the list numbered `base` (see ClocksMessage). Answers CLOCKS_RESYNC to changes it cannot apply.
   */
  receive(raw: unknown): Reply | undefined {
    const clocks = parseClocks(raw);
    const mine = this.lastHealth?.account;
    // A page that shows no shop watches the account the background gave its tab.
    const ours =
      clocks?.account === mine || (mine === UNRECOGNISED_ACCOUNT && isUnrecognisedAccount(clocks?.account ?? ''));
    if (!clocks || clocks.platform !== this.deps.adapter.platform || !ours) return undefined;
    if (clocks.base === undefined) this.badges.setClocks(clocks.clocks);
    else if (clocks.base === this.clocksSeq) this.badges.changeClocks(clocks.clocks, clocks.removed ?? []);
    else return { ok: false, error: CLOCKS_RESYNC };
    this.clocksSeq = clocks.seq;
    this.title?.show(() => this.badges.openClocks(), clocks.title);
    // Clocks arrive out of step with the page: show them in its next frame rather than force one of our own.
    if (this.current) this.badges.renderSoon(this.buyerRows);
    return undefined;
  }

  start(): void {
    this.graceEnd = this.deps.now() + (this.deps.accountGraceMs ?? ACCOUNT_GRACE_MS);
    this.scan();
    this.observer = new MutationObserver((records) => this.onRecords(records));
    this.observer.observe(this.deps.root, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['class', 'data-random', 'id'],
    });
    this.heartbeat = this.timers.setInterval(() => this.sendHealth(), HEARTBEAT_MS);
    this.title = new TabTitle(tabDocument(this.deps.root), this.deps.now, this.timers, this.deps.root.defaultView);
    this.deps.root.addEventListener('focusin', this.onFocusIn, true);
  }

  stop(): void {
    this.deps.root.removeEventListener('focusin', this.onFocusIn, true);
    this.observer?.disconnect();
    this.observer = null;
    if (this.heartbeat) this.timers.clearInterval(this.heartbeat);
    if (this.scheduled) this.timers.clearTimeout(this.scheduled);
    this.heartbeat = this.scheduled = null;
    this.badges.destroy();
    this.title?.stop();
    this.title = null;
  }

  private onRecords(records: readonly MutationRecord[]): void {
    if (!this.forget(records)) return;
    // The page renders a frame for its change anyway: the badges' numbers go into the same frame.
    this.badges.pageChanged();
    if (this.scheduled) return; // a full read is coming: it sees this change too
    let applied = false;
    try {
      applied = this.applyLive(records);
    } catch (err) {
      console.warn('[Reply Sentinel] live update failed', err);
    }
    if (!applied) this.schedule();
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

  /**
   * The live path: applies the records where they happened, if they all fall into the two places the adapter
   * can read piecewise (list rows, messages appended to the open thread). Returns false when the page must be
   * read whole instead (nothing is reported then: the full read reports it).
   */
  private applyLive(records: readonly MutationRecord[]): boolean {
    const x = this.current;
    const live = liveOf(x);
    // Only while the list and the thread read: a part that is missing is looked for by full reads.
    if (!x || !live || x.parts.list !== 'ok' || x.parts.thread === 'missing') return false;
    const plan = planLive(records, live, x.input);
    if (!plan) return false;
    const now = this.deps.now();
    // (While the account grace holds events, the full read it scheduled keeps this path shut: see onRecords.)
    const account = this.account(x);
    const events: ChatEvent[] = [];
    const changes: [ExtractedConversation | null, ExtractedConversation | null][] = [];

    // Rows (planLive finds some only where the adapter has live rows).
    const rows = live.rows;
    if (rows && (plan.counters.size || plan.rows.size)) {
      const map = this.rowMap(rows);
      // Changed only inside their counters: the counter alone while the wait goes on, else the whole row.
      for (const [row, els] of plan.counters) {
        const old = map.get(row);
        if (old?.waitingSec !== undefined && this.counterTicked(rows, row, els, old)) continue;
        plan.rows.add(row);
      }
      for (const row of plan.rows) {
        const old = map.get(row) ?? null;
        const inList = row.isConnected && rows.in.contains(row);
        let neu: ExtractedConversation | null = null;
        if (inList) {
          neu = rows.read(row);
          this.stats.rowReads++;
          map.set(row, neu);
        } else map.delete(row);
        if (old === neu) continue;
        // The same buyer on two rows: which one counts is the adapter's call.
        if (neu && this.buyerRows.has(keyId(neu.buyer)) && neu.buyer !== old?.buyer) {
          const other = this.buyerRows.get(keyId(neu.buyer))!;
          if (other !== neu.row && other.isConnected) return false;
        }
        changes.push([old, neu]);
      }
      // No row reads any more (all gone, or none parses): empty, or blind? The full read tells (health per part).
      if (changes.some(([, neu]) => !neu) && ![...map.values()].some(Boolean)) return false;
    }
    // Which conversation is open, or the name the thread goes by, changed: read the page whole. Compared per
    // buyer, not per row element: a list the page renders anew (every row a new element) changes neither.
    if (changes.length) {
      const before = new Map<string, ExtractedConversation>();
      const after = new Map<string, ExtractedConversation>();
      for (const [old, neu] of changes) {
        if (old) before.set(old.buyer, old);
        if (neu) after.set(neu.buyer, neu);
      }
      for (const buyer of new Set([...before.keys(), ...after.keys()])) {
        const b = before.get(buyer);
        const a = after.get(buyer);
        if ((b?.active ?? false) !== (a?.active ?? false)) return false;
        if (buyer === x.thread?.buyer && b?.nick !== a?.nick) return false;
      }
    }
    let appended: ExtractedMessage[] = [];
    if (plan.appended.length) {
      if (!x.thread || this.threadBuyer !== x.thread.buyer) return false;
      const got = live.thread!.append(plan.appended, now);
      if (!got) return false;
      // An empty thread given items none of which reads: empty still, or blind? The full read tells.
      if (!got.length && !x.thread.messages.length) return false;
      appended = got;
    }

    // Applied: from here on nothing can fail back to a full read.
    this.stats.live++;
    // A row may have moved without reading differently: the list's order is re-read when asked for.
    if (plan.rows.size) this.convStale = true;
    if (changes.length) {
      for (const [old, neu] of changes) {
        if (old && this.buyerRows.get(keyId(old.buyer)) === old.row) this.buyerRows.delete(keyId(old.buyer));
        if (neu?.row) this.buyerRows.set(keyId(neu.buyer), neu.row);
      }
      events.push(...this.waitingRowChanges(changes, x, account, now));
    }
    // Rows changed, moved, re-rendered, or stripped of our badge by the page.
    if (plan.rows.size) this.badges.render(this.buyerRows);
    if (appended.length && x.thread) {
      this.stats.appended += appended.length;
      // In place (no copy of a 10 000-message list per message): the list element's memo, which could share this
      // array, was dropped with the mutation (forget).
      for (const m of appended) x.thread.messages.push(m);
      this.lastMessages = x.thread.messages;
      events.push(...this.messageEvents(x.thread, appended, account, now, false));
    }
    this.send(events, account);
    return true;
  }

  /**
   * A waiting row whose changes all fall inside its waiting counter, which still shows a wait: the same wait goes
   * on (a new one is reported when the counter goes and comes back), so the row is not read again; its reading
   * keeps the counter's value, as a fresh read would. False: read the row.
   */
  private counterTicked(
    rows: NonNullable<Live['rows']>,
    row: Element,
    els: readonly Element[],
    conv: ExtractedConversation,
  ): boolean {
    let waitingSec: number | undefined;
    for (const el of els) {
      waitingSec = rows.waitingCounter!(el, row)?.waitingSec;
      if (waitingSec === undefined) return false;
    }
    conv.waitingSec = waitingSec;
    this.stats.counterReads++;
    return true;
  }

  /** The row → conversation map of the live path, built from the page's rows on first use after a full read. */
  private rowMap(rows: NonNullable<Live['rows']>): Map<Element, ExtractedConversation | null> {
    return (this.rowConv ??= new Map(rows.all().map((row) => [row, rows.read(row)])));
  }

  /** Coalesces a burst of mutations into one scan on the next task. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = this.timers.setTimeout(() => {
      this.scheduled = null;
      this.scan();
    }, 0);
  }

  /**
   * The account the page shows (as stored, keyId); when it shows none, the one its events went under (a header that
   * re-renders does not move the page's conversations to another shop), else UNRECOGNISED_ACCOUNT (the background makes that the tab's own
   * account: two tabs are never merged into one shop by a shared default). A reading is never taken for it.
   */
  private account(x: Extraction): string {
    return keyId(x.account?.replace(/^[?\s]+/, '') ?? '') || this.sentAs || UNRECOGNISED_ACCOUNT;
  }

  /** One full pass: extract, report what is new. Never throws into the page. */
  scan(): void {
    // Mutations not delivered yet (a scan called right after a change) must still invalidate the memo; this
    // pass reads everything they changed.
    if (this.observer) this.forget(this.observer.takeRecords());
    if (this.scheduled) this.timers.clearTimeout(this.scheduled);
    this.scheduled = null;
    this.stats.scans++;
    let x: Extraction;
    try {
      x = this.deps.adapter.extract(this.deps.root, this.memo, this.deps.now());
    } catch (err) {
      console.warn('[Reply Sentinel] extract failed', err);
      const parts = { list: 'missing', thread: 'missing', input: 'missing', account: 'missing' } as const;
      x = { ...judged(parts), account: null, conversations: [], thread: null, input: null, missing: ['extract'] };
    }
    this.current = x;
    this.convStale = false;
    const rows = liveOf(x)?.rows;
    this.rowConv = null;
    try {
      if (rows) this.rowMap(rows);
    } catch {
      this.rowConv = null;
    }
    this.buyerRows = new Map();
    for (const c of x.conversations)
      if (c.row && !this.buyerRows.has(keyId(c.buyer))) this.buyerRows.set(keyId(c.buyer), c.row);
    const now = this.deps.now();
    const account = this.account(x);
    const events: ChatEvent[] = [];
    // The account grace (ACCOUNT_GRACE_MS): a page that has shown no shop since it started holds its events; the full
    // read scheduled at the grace's end (changes meanwhile wait for it) reports them, under the shop if it came, else
    // under the tab's own account.
    const hold = account === UNRECOGNISED_ACCOUNT ? this.graceEnd - now : 0;
    if (hold > 0) this.scheduled ??= this.timers.setTimeout(() => this.scan(), hold);
    else {
      // Another account than the events so far went under (the shop rendered after the grace, another shop logged
      // in in this tab): everything on screen is that account's news, reported again.
      if (account !== this.sentAs) {
        this.seen.clear();
        this.waitingReported.clear();
        this.lastMessages = this.threadBuyer = null;
      }
      // What each part that reads shows, whatever another part misses (a tab with no readable thread still reports
      // the waits its list shows; it is not counted as watching).
      if (x.thread && x.parts.thread === 'ok') events.push(...this.threadEvents(x.thread, account, now));
      if (x.parts.list === 'ok') events.push(...this.waitingRowEvents(x, account, now));
      this.threadBuyer = x.thread?.buyer ?? null;
      this.sentAs = account;
    }

    const health = {
      health: x.health,
      parts: x.parts,
      account,
      ...(x.thread ? { activeBuyer: x.thread.buyer } : {}),
    };
    const changed = JSON.stringify(health) !== JSON.stringify(this.lastHealth);
    this.lastHealth = health;
    // Health first: the background must know the tab watches before it judges the events' deadlines.
    if (changed) this.sendHealth();
    this.send(events, account);
    this.badges.render(this.buyerRows);
  }

  /**
   * A long thread seen for the first time can hold more messages than one message may carry: sends events in
   * slices (the background takes them in order), never one the background would refuse whole.
   */
  private send(events: readonly ChatEvent[], account: string): void {
    const platform = this.deps.adapter.platform;
    for (let i = 0; i < events.length; i += EVENTS_PER_MESSAGE) {
      const msg: EventsMessage = {
        type: 'events',
        platform,
        account,
        events: events.slice(i, i + EVENTS_PER_MESSAGE),
      };
      void this.deps.send(msg).catch(() => undefined);
    }
  }

  private threadEvents(thread: NonNullable<Extraction['thread']>, account: string, now: number): ChatEvent[] {
    const seen = this.seen.get(thread.buyer);
    // The very list read last time (an adapter's memo hands back the same array while the thread is untouched):
    // every message in it was reported then.
    if (seen && thread.messages === this.lastMessages && this.threadBuyer === thread.buyer) return [];
    this.lastMessages = thread.messages;
    // A thread that just came on screen (first scan, reload, conversation switch) is history, not news.
    const historical = this.threadBuyer !== thread.buyer || !seen;
    this.lowerBound = now - UNKNOWN_PAST_MS;
    return this.messageEvents(thread, thread.messages, account, now, historical);
  }

  /** Events for the messages not reported yet, in page order. */
  private messageEvents(
    thread: NonNullable<Extraction['thread']>,
    messages: readonly ExtractedMessage[],
    account: string,
    now: number,
    historical: boolean,
  ): ChatEvent[] {
    const platform = this.deps.adapter.platform;
    let seen = this.seen.get(thread.buyer);
    if (!seen) this.seen.set(thread.buyer, (seen = new Set()));
    const out: ChatEvent[] = [];
    for (const m of messages) {
      if (m.at !== null) this.lowerBound = Math.max(this.lowerBound, Math.min(m.at, now));
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      const e: ChatEvent = {
        platform,
        account,
        buyer: thread.buyer,
        messageId: m.id,
        author: m.author,
        at: m.at ?? (historical ? this.lowerBound : now),
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
   * The event for a buyer the list shows waiting (see waitingRowEvents), once per wait: a `counter` event, the page's
   * evidence of the wait's start (whole seconds); the background keeps one event per wait whatever the readings.
   */
  private waitEvent(c: ExtractedConversation, account: string, now: number): ChatEvent | null {
    if (this.waitingReported.has(c.buyer) || c.waitingSec === undefined) return null;
    const since = now - c.waitingSec * 1000;
    this.waitingReported.set(c.buyer, since);
    return {
      platform: this.deps.adapter.platform,
      account,
      buyer: c.buyer,
      messageId: `wait-${Math.floor(since / 1000)}`,
      author: 'buyer',
      at: since,
      timeSource: 'counter',
      observedAt: now,
      ...(c.nick ? { buyerNick: c.nick } : {}),
      ...(c.preview ? { text: c.preview.slice(0, 500) } : {}),
    };
  }

  /** Does the list show this buyer waiting (the open conversation's row too: its counter is evidence as any)? */
  private static waits(c: ExtractedConversation | null): c is ExtractedConversation {
    return !!c && c.waitingSec !== undefined;
  }

  /**
   * Buyers the list shows waiting: the row says for how long. One event per wait; the thread's own messages, once
   * seen, give the wait its exact start (the engine prefers a message's time to the counter's, and the background
   * keeps one event per wait).
   */
  private waitingRowEvents(x: Extraction, account: string, now: number): ChatEvent[] {
    const out: ChatEvent[] = [];
    const waitingNow = new Set<string>();
    for (const c of x.conversations) {
      if (!Watcher.waits(c)) continue;
      waitingNow.add(c.buyer);
      const e = this.waitEvent(c, account, now);
      if (e) out.push(e);
    }
    for (const b of [...this.waitingReported.keys()]) if (!waitingNow.has(b)) this.waitingReported.delete(b);
    return out;
  }

  /** waitingRowEvents for the rows the live path changed only. */
  private waitingRowChanges(
    changes: readonly [ExtractedConversation | null, ExtractedConversation | null][],
    x: Extraction,
    account: string,
    now: number,
  ): ChatEvent[] {
    const out: ChatEvent[] = [];
    // First the waits that ended (not those of a buyer whose row was re-rendered and still waits: one wait).
    const still = new Set<string>();
    for (const [, neu] of changes) if (Watcher.waits(neu)) still.add(neu.buyer);
    for (const [old] of changes)
      if (Watcher.waits(old) && !still.has(old.buyer)) this.waitingReported.delete(old.buyer);
    for (const [, neu] of changes) {
      if (!Watcher.waits(neu)) continue;
      const e = this.waitEvent(neu, account, now);
      if (e) out.push(e);
    }
    return out;
  }

  /** Re-sends the last health now (the worker restarted: it learns the tab again and sends the whole clock list). */
  reportNow(): void {
    this.sendHealth();
  }

  private sendHealth(): void {
    if (!this.lastHealth) return;
    const msg: HealthMessage = {
      type: 'health',
      platform: this.deps.adapter.platform,
      url: this.deps.url(),
      ...this.lastHealth,
      // Which clock list the badges show: a tab that reloaded (none) or missed a change gets the whole list.
      ...(this.clocksSeq !== null && { clocksSeq: this.clocksSeq }),
    };
    void this.deps.send(msg).catch(() => undefined);
  }
}

/** A bubbling mouse event of the page's window (a test DOM may refuse `view`: then without it). */
function mouseEvent(type: string, view: Window | null): MouseEvent {
  try {
    return new MouseEvent(type, { bubbles: true, cancelable: true, view });
  } catch {
    return new MouseEvent(type, { bubbles: true, cancelable: true });
  }
}

const isBadgeHost = (n: Node) => n.nodeType === 1 && (n as Element).hasAttribute(BADGE_ATTR);

/**
 * A mutation that only adds our own badge hosts (RowBadges), or changes the tab's title. Removals still scan: when the page itself drops a
 * badge (a re-rendered row), the next scan puts it back.
 */
function isOwnMutation(r: MutationRecord): boolean {
  // The <title> (ours, see TabTitle, or the page's): never chat content.
  if (r.target.nodeName === 'TITLE' || r.target.parentNode?.nodeName === 'TITLE') return true;
  if (r.type !== 'childList' || r.removedNodes.length || !r.addedNodes.length) return false;
  for (const n of r.addedNodes) if (!isBadgeHost(n)) return false;
  return true;
}

/** Where a batch of mutations falls, for the live path (see planLive). */
interface LivePlan {
  /** Row elements to read again (changed inside, added, moved or removed). */
  rows: Set<Element>;
  /**
   * Rows changed only inside elements that may be their waiting counter (see Live `waitingCounter`), with those
   * elements: the watcher reads the counters alone while the row's wait goes on, else reads the row.
   */
  counters: Map<Element, Element[]>;
  /** Subtrees appended at the end of the open thread, in order. */
  appended: Node[];
}

/**
 * Maps mutation records onto the adapter's live parts: a change inside a row (or rows added to / removed from
 * the list) → those rows; children appended at the end of the thread's container → new messages. Anything else
 * (a change inside an earlier message, an insertion before the end, a removal from the thread, anything outside
 * the list and the thread) → null: read the page whole. Changes inside the chat input (typing) are nobody's
 * business. Cost: one walk up the ancestors per record.
 */
export function planLive(
  records: readonly MutationRecord[],
  live: Live,
  input: Element | null = null,
): LivePlan | null {
  const plan: LivePlan = { rows: new Set(), counters: new Map(), appended: [] };
  const fresh = new Set<Node>();
  const rows = live.rows;
  const threadIn = live.thread?.in;
  for (const r of records) {
    if (isOwnMutation(r)) continue;
    const t = r.target;
    if (t === threadIn) {
      if (r.type !== 'childList' || r.removedNodes.length || r.nextSibling) return null;
      for (const n of r.addedNodes) {
        plan.appended.push(n);
        fresh.add(n);
      }
      continue;
    }
    // Walk up to where the change happened: inside a row, on the list itself, or elsewhere.
    let row: Element | null = null;
    let where: 'fresh' | 'row' | 'list' | 'detached' | null = null;
    for (let n: Node | null = t; n; n = n.parentNode) {
      // A change inside a subtree the page has since removed: the removal has its own record.
      if (!n.parentNode && n.nodeType !== 9) {
        where = 'detached';
        break;
      }
      // Inside a message appended in this batch (read as it is now), or inside the chat input (typing: the
      // input element itself being replaced is a change of its parent, read whole).
      if (fresh.has(n) || (n === input && (n !== t || r.type !== 'attributes'))) {
        where = 'fresh';
        break;
      }
      if (n === threadIn) return null;
      if (rows && n === rows.in) {
        where = row ? 'row' : 'list';
        break;
      }
      // The outermost row below the list (a row may nest elements that match the row selectors).
      if (rows && n.nodeType === 1 && rows.isRow(n as Element)) row = n as Element;
    }
    if (where === 'fresh' || where === 'detached') continue;
    if (where === 'row') {
      // Inside the row, not the row itself: maybe its ticking counter (a text node's change is its parent's).
      const el = t.nodeType === 1 ? (t as Element) : t.parentElement;
      if (rows!.waitingCounter && el && el !== row) {
        const els = plan.counters.get(row!);
        if (els) els.push(el);
        else plan.counters.set(row!, [el]);
      } else plan.rows.add(row!);
      continue;
    }
    if (where !== 'list' || r.type !== 'childList') return null;
    // Rows (or wrappers of rows) added to or removed from the list.
    for (const n of r.addedNodes) for (const el of rows!.under(n)) plan.rows.add(el);
    for (const n of r.removedNodes) for (const el of rows!.under(n)) plan.rows.add(el);
  }
  for (const row of plan.rows) plan.counters.delete(row);
  return plan;
}
