/**
 * The event ledger of a watched page: what the page reader read (a diff: a whole read, or rows and appended
 * messages from the incremental path) → the events to send, remembering which were sent already. Pure: no DOM
 * access beyond the readings it is handed, no timers, no clock (`now` comes in), nothing sent from here (the
 * reporter sends). Also the number of the clock list the badges show (`ClockListSeq`).
 *
 * What counts as news:
 * - a message id never reported for its buyer (a message whose id changed — edited, recalled — is a new one);
 * - a thread that just came on screen (first read, reload, conversation switch) is history, not news: its messages
 *   go out marked `historical`;
 * - each wait a list row shows, once per wait (a `counter` event, see "Evidence rules" in docs/ARCHITECTURE.md);
 * - another account than the events so far went under: everything on screen is that account's news again.
 */
import type { ExtractedConversation, ExtractedMessage, Extraction } from '../platforms/types';
import { CLOCKS_REFUSALS, type ClocksMessage } from '../messages';
import { UNRECOGNISED_ACCOUNT, keyId, type ChatEvent, type Platform } from '../model';

/** How far back an untimed history message may lie when nothing before it has a time. */
export const UNKNOWN_PAST_MS = 7 * 86_400_000;

/** One list row the incremental path read again: what it read as before and now (null: no conversation). */
export type RowChange = readonly [before: ExtractedConversation | null, after: ExtractedConversation | null];

/** What the page reader read, for the ledger. */
export type PageDiff =
  /** The page read whole. */
  | { kind: 'whole'; page: Extraction }
  /**
   * The incremental path: `page` is the whole read patched in place (its thread's messages end with `appended`, and
   * hold `changed`, earlier messages read again that read differently now, in page order), `rows` the rows read
   * again.
   */
  | {
      kind: 'rows+appended';
      page: Extraction;
      rows: readonly RowChange[];
      /**
       * Buyers a row read again showed waiting and no longer does (removed, recycled for another buyer, answered
       * there), whom another row still shows waiting (a buyer may be on two rows): their wait goes on, as a whole read
       * has it. Only where every row counts (not `firstPerBuyer`: there `rows` are the buyers' first rows).
       */
      stillWaiting?: ReadonlySet<string>;
      changed?: readonly ExtractedMessage[];
      appended: readonly ExtractedMessage[];
    };

type Thread = NonNullable<Extraction['thread']>;

/**
 * The time a reported message was sent with: `at` when exact, else `[at, atLatest]` (a number takes half the memory
 * of a pair: a thread of 10 000 messages, 0.5 MB instead of 1 MB).
 */
type Sent = number | readonly [at: number, latest: number];
const earliest = (s: Sent) => (typeof s === 'number' ? s : s[0]);
const latest = (s: Sent) => (typeof s === 'number' ? s : s[1]);

/** Does the list show this buyer waiting (the open conversation's row too: its counter is evidence as any)? */
const waits = (c: ExtractedConversation | null): c is ExtractedConversation => !!c && c.waitingSec !== undefined;

export class EventLedger {
  /** The account the events sent so far went under (see accountOf). */
  private sentAs: string | null = null;
  /** Message ids already reported, per buyer, with the time span each was sent with. */
  private seen = new Map<string, Map<string, Sent>>();
  /** The message list reported at the last whole read (an adapter's memo hands back the same array: see thread). */
  private lastMessages: readonly unknown[] | null = null;
  /** The buyer whose thread was on screen at the last whole read that was reported. */
  private threadBuyer: string | null = null;
  /** Buyers for whom a list-row "waiting" event was reported, with the page's waiting start. */
  private waitingReported = new Map<string, number>();
  /** The newest message time seen in the open thread (bounds untimed history). */
  private lowerBound = -Infinity;

  constructor(private readonly platform: Platform) {}

  /**
   * The account a reading goes under (as stored, keyId): the one the page shows; when it shows none, the one the
   * events so far went under (a header that re-renders does not move the page's conversations to another shop),
   * else UNRECOGNISED_ACCOUNT (the background makes that the tab's own account: two tabs are never merged into one
   * shop by a shared default).
   */
  accountOf(shown: string | null): string {
    return keyId(shown?.replace(/^[?\s]+/, '') ?? '') || this.sentAs || UNRECOGNISED_ACCOUNT;
  }

  /** The buyer whose thread the events so far were read from (the incremental path continues only that one). */
  get reportedThread(): string | null {
    return this.threadBuyer;
  }

  /** The events for what the reader read (`account`: accountOf the page), in the order to send them. */
  events(diff: PageDiff, account: string, now: number): ChatEvent[] {
    return diff.kind === 'whole'
      ? this.whole(diff.page, account, now)
      : this.incremental(diff.page, diff.rows, diff.changed ?? [], diff.appended, account, now, diff.stillWaiting);
  }

  private whole(x: Extraction, account: string, now: number): ChatEvent[] {
    if (account !== this.sentAs) {
      this.seen.clear();
      this.waitingReported.clear();
      this.lastMessages = this.threadBuyer = null;
    }
    const events: ChatEvent[] = [];
    // What each part that reads shows, whatever another part misses (a tab with no readable thread still reports
    // the waits its list shows).
    if (x.thread && x.parts.thread === 'ok') events.push(...this.thread(x.thread, account, now));
    if (x.parts.list === 'ok') events.push(...this.waitingRows(x.conversations, account, now));
    this.threadBuyer = x.thread?.buyer ?? null;
    this.sentAs = account;
    return events;
  }

  /**
   * The thread's messages read on the incremental path: `changed`, earlier ones read again that read differently now
   * (in page order), and `appended`. As a whole read would: those whose id was never reported are news (an earlier
   * message whose id changed — edited, recalled — is a new one), the others were reported already. A changed message
   * with a new id is placed as the whole read places it (above a reported one: history, bounded by it), so the thread
   * is walked as a whole read walks it then; otherwise only the appended tail is.
   */
  private incremental(
    x: Extraction,
    rows: readonly RowChange[],
    changed: readonly ExtractedMessage[],
    appended: readonly ExtractedMessage[],
    account: string,
    now: number,
    stillWaiting?: ReadonlySet<string>,
  ): ChatEvent[] {
    const events = rows.length ? this.waitingRowChanges(rows, account, now, stillWaiting) : [];
    if ((changed.length || appended.length) && x.thread) {
      this.lastMessages = x.thread.messages;
      const seen = this.seen.get(x.thread.buyer);
      if (changed.some((m) => !seen?.has(m.id))) {
        this.lowerBound = now - UNKNOWN_PAST_MS;
        events.push(...this.messages(x.thread, x.thread.messages, account, now, false, true));
      } else if (appended.length) events.push(...this.messages(x.thread, appended, account, now, false));
    }
    return events;
  }

  private thread(thread: Thread, account: string, now: number): ChatEvent[] {
    const seen = this.seen.get(thread.buyer);
    // The very list read last time (an adapter's memo hands back the same array while the thread is untouched):
    // every message in it was reported then.
    if (seen && thread.messages === this.lastMessages && this.threadBuyer === thread.buyer) return [];
    this.lastMessages = thread.messages;
    // A thread that just came on screen (first read, reload, conversation switch) is history, not news.
    const historical = this.threadBuyer !== thread.buyer || !seen;
    this.lowerBound = now - UNKNOWN_PAST_MS;
    return this.messages(thread, thread.messages, account, now, historical, !historical);
  }

  /**
   * Events for the messages not reported yet, in page order. `above` (a whole read of the thread already on screen):
   * a new message above a reported one is history (see below).
   */
  private messages(
    thread: Thread,
    messages: readonly ExtractedMessage[],
    account: string,
    now: number,
    historical: boolean,
    above = false,
  ): ChatEvent[] {
    let seen = this.seen.get(thread.buyer);
    if (!seen) this.seen.set(thread.buyer, (seen = new Map()));
    const out: ChatEvent[] = [];
    // The page's place of each message: `messages` is the thread's tail (all of it on a whole read).
    const offset = thread.messages.length - messages.length;
    // The first buyer or shop message reported in an earlier read (messages.length: none), found before this read
    // reports any; and, per run of new messages, the next reported message below it and the next reported buyer or
    // shop message below it (see below).
    const real = (k: number) => messages[k]!.author !== 'system' && seen.has(messages[k]!.id);
    let first = 0;
    if (above) while (first < messages.length && !real(first)) first++;
    let next = -1;
    let nextReal = -1;
    messages.forEach((m, i) => {
      if (m.at !== null) this.lowerBound = Math.max(this.lowerBound, Math.min(m.at, now));
      if (seen.has(m.id)) return;
      const e: ChatEvent = {
        platform: this.platform,
        account,
        buyer: thread.buyer,
        messageId: m.id,
        author: m.author,
        at: m.at ?? (historical ? this.lowerBound : now),
        timeSource: m.timeSource ?? 'observed',
        observedAt: now,
        pageOrder: offset + i,
      };
      if (m.at === null && historical) e.atLatest = now;
      if (m.at !== null && m.atPrecisionMs !== undefined) e.atPrecisionMs = m.atPrecisionMs;
      // A message first seen above one already reported (history loaded above the open thread, a message changed in
      // place above others) is history, never news: it is no later than the reported message below it. Untimed, it
      // lies between what is above it and that message; timed, it keeps its time unless the time would not sort it
      // before that message (a reply below would then answer nothing, a question above would open a clock; the same
      // time sorts by sighting: after it): it is then bounded so too. Except above system rows alone with a buyer or
      // shop message reported above it: a page that keeps a notice at the bottom (机器人已暂停接待, Douyin's
      // "智能助手正在分析…") inserts news above the notice. (A page that rendered newest first would need its own
      // rule here: none of the workbenches does.)
      let under: Sent | undefined;
      if (above) {
        // Looked up once per run of new messages (new messages at the end: one walk over them, nothing more).
        if (next <= i) {
          next = i + 1;
          while (next < messages.length && !seen.has(messages[next]!.id)) next++;
          nextReal = next;
          while (nextReal < messages.length && !real(nextReal)) nextReal++;
        }
        if (next < messages.length && (nextReal < messages.length || first > i)) under = seen.get(messages[next]!.id);
      }
      if (under !== undefined && (m.at === null || m.at >= earliest(under))) {
        e.atLatest = Math.min(latest(under), now, m.at ?? Infinity);
        e.at = Math.min(m.at ?? this.lowerBound, earliest(under), e.atLatest);
      }
      seen.set(m.id, e.atLatest === undefined ? e.at : [e.at, e.atLatest]);
      if (historical || under !== undefined) e.historical = true;
      if (thread.nick) e.buyerNick = thread.nick;
      if (m.text) e.text = m.text;
      if (m.marker) e.marker = m.marker;
      out.push(e);
    });
    return out;
  }

  /**
   * The event for a buyer the list shows waiting, once per wait: a `counter` event, the page's evidence of the wait's
   * start (whole seconds); the background keeps one event per wait whatever the readings.
   */
  private waitEvent(c: ExtractedConversation, account: string, now: number): ChatEvent | null {
    if (this.waitingReported.has(c.buyer) || c.waitingSec === undefined) return null;
    const since = now - c.waitingSec * 1000;
    this.waitingReported.set(c.buyer, since);
    return {
      platform: this.platform,
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

  /**
   * Buyers the list shows waiting: the row says for how long. One event per wait; the thread's own messages, once
   * seen, give the wait its exact start (the engine prefers a message's time to the counter's). A buyer the list no
   * longer shows waiting ends its wait: the next one is reported.
   *
   * A reading that drops (59秒 → 0秒) while the row still shows a wait does not end it. What a drop means is not
   * documented (workbench-dom.md names the marker, not what it counts from): it is what a buyer's follow-up does to a
   * counter that counts from the latest message, and then the wait goes on from the earliest unanswered one (a round
   * is not restarted by later buyer messages). A reply we did not see followed by a new question would look the same;
   * taking it as the same wait makes the clock early, never late: an alert or a breach too soon, never one missed.
   * The thread's own messages, once the conversation is opened, settle it either way.
   */
  private waitingRows(conversations: readonly ExtractedConversation[], account: string, now: number): ChatEvent[] {
    const out: ChatEvent[] = [];
    const waitingNow = new Set<string>();
    for (const c of conversations) {
      if (!waits(c)) continue;
      waitingNow.add(c.buyer);
      const e = this.waitEvent(c, account, now);
      if (e) out.push(e);
    }
    for (const b of [...this.waitingReported.keys()]) if (!waitingNow.has(b)) this.waitingReported.delete(b);
    return out;
  }

  /** waitingRows for the rows the incremental path read again only. */
  private waitingRowChanges(
    changes: readonly RowChange[],
    account: string,
    now: number,
    stillWaiting?: ReadonlySet<string>,
  ): ChatEvent[] {
    const out: ChatEvent[] = [];
    // First the waits that ended (not those of a buyer whose row was re-rendered and still waits, nor of one another
    // row still shows waiting: one wait).
    const still = new Set<string>(stillWaiting);
    for (const [, neu] of changes) if (waits(neu)) still.add(neu.buyer);
    for (const [old] of changes) if (waits(old) && !still.has(old.buyer)) this.waitingReported.delete(old.buyer);
    for (const [, neu] of changes) {
      if (!waits(neu)) continue;
      const e = this.waitEvent(neu, account, now);
      if (e) out.push(e);
    }
    return out;
  }
}

/**
 * The number of the clock list the badges show (see ClocksMessage) and the worker (`epoch`) that sent it. A list of
 * that worker numbered at or below it is dropped (delivered late, or twice: what it says is shown already); any other
 * whole list is taken (another worker's too: a restarted worker may number lower, its wall clock set back), changes
 * only on top of the list they were made against. Null before the first whole list.
 *
 * One worker runs at a time: one whose list the tab moved away from is dead, and a tab does not go back to it (its
 * list delivered late: outsider review 9). It remembers the last RETIRED epochs it left, each with the number of its
 * last list shown (a list of it at or below that is `stale`) and CLOCKS_REFUSALS whole lists to refuse, answered
 * CLOCKS_RESYNC: a dead worker hears nothing, a live one sends its whole list again at once (ClockPush). Epochs have
 * no order, so a tab that never showed a dead worker's list takes it late and retires the live one: that one's
 * refusals are then used up within its next push (outsider review 11), never refused for good.
 */
export class ClockListSeq {
  private list: Pick<ClocksMessage, 'epoch' | 'seq'> | null = null;
  /** The retired epochs, oldest left first, with the last number shown and the whole lists still to refuse. */
  private retired = new Map<number, [seq: number, refusals: number]>();

  /**
   * The list shown now, by number and worker (sent with the tab's health as `clocksSeq`, `clocksEpoch`: a tab that
   * reloaded, missed a change or shows another worker's list gets the whole list).
   */
  get shown(): Pick<ClocksMessage, 'epoch' | 'seq'> | null {
    return this.list;
  }

  /**
   * How to take this list: whole, as changes, not at all (`stale`: older than the list shown, or than a retired
   * worker's last list shown), or not at all and ask for the whole list (`resync`: changes against another list, or a
   * retired worker's whole list while it has refusals left).
   */
  take(clocks: Pick<ClocksMessage, 'epoch' | 'seq' | 'base'>): 'whole' | 'changes' | 'resync' | 'stale' {
    const { epoch, seq } = this.list ?? { epoch: -1, seq: -1 };
    const same = clocks.epoch === epoch;
    if (same && clocks.seq <= seq) return 'stale';
    const how = clocks.base === undefined ? 'whole' : same && clocks.base === seq ? 'changes' : 'resync';
    if (how === 'resync') return how;
    const r = this.retired.get(clocks.epoch);
    if (r && clocks.seq <= r[0]) return 'stale';
    if (r?.[1]) return (r[1]--, 'resync');
    if (!same && this.list) {
      // The epoch shown is never in the map (deleted when taken): the map's order is the order they were left in.
      const left = this.retired;
      left.delete(clocks.epoch);
      left.set(epoch, [seq, CLOCKS_REFUSALS]);
      if (left.size > RETIRED) left.delete(left.keys().next().value!);
    }
    this.list = { epoch: clocks.epoch, seq: clocks.seq };
    return how;
  }
}

/** Epochs a tab remembers having left: a late list is late by moments, too few for eight worker restarts. */
const RETIRED = 8;
