/**
 * Time stamps and message ids of threads whose rows show times without dates (JD, Kuaishou): durations
 * (`parseDurationSec`), a thread's running clock (`ThreadClock`), stamp-only rows, message ids. Pure: they read,
 * never write, and never throw on odd input.
 */
import { hash, parseChinaStamp } from './dom';
import type { Author, Marker } from '../model';
import { sameMessage, type ExtractedMessage, type MessageChange, type Replaced } from './types';

/** `1小时2分3秒`, `2分钟`, `42秒` → seconds; undefined when the text holds no duration. */
export function parseDurationSec(s: string): number | undefined {
  const h = /(\d+)\s*(?:小时|时)/.exec(s);
  const m = /(\d+)\s*分/.exec(s);
  const sec = /(\d+)\s*秒/.exec(s);
  if (!h && !m && !sec) return undefined;
  return Number(h?.[1] ?? 0) * 3600 + Number(m?.[1] ?? 0) * 60 + Number(sec?.[1] ?? 0);
}

const DATE = /(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})/;
const MONTH_DAY_TIME = /(?<!\d)(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])/;
const TIME = /(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])/;
const RELATIVE = /昨天|前天|星期|周[一二三四五六日天]|刚刚|分钟前|小时前/;
/** A divider that names its day relatively: today, yesterday, the day before (resolvable with a clock). */
const RELATIVE_DAY = /^(今天|昨天|前天)/;
/** A stamp that resolves to a time earlier than this before the previous one is not trusted (day rollover?). */
const BACKWARDS_SLACK_MS = 60_000;
/**
 * A dateless time up to this much later than the caller's clock is still today's: the page's clock (the platform's
 * server) may run ahead of the PC's, and a message that just arrived is not yesterday's.
 */
export const FUTURE_SLACK_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

function chinaMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3600_000;
}

/** The China calendar day of `ms`. */
export function chinaDay(ms: number): { y: number; m: number; d: number } {
  const t = new Date(ms + 8 * 3600_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/**
 * A dateless time of day (China) read against the caller's clock: the latest date at which it is not after
 * `now` + FUTURE_SLACK_MS (today's, else yesterday's). Null for an impossible time.
 */
export function latestAt(h: number, mi: number, s: number, now: number): number | null {
  const today = chinaDay(now);
  const at = chinaMs(today.y, today.m, today.d, h, mi, s);
  if (at === null) return null;
  return at > now + FUTURE_SLACK_MS ? at - DAY_MS : at;
}

/**
 * Reads a thread's time stamps in page order (China local time). Full stamps (`2026-09-08 17:12:14`,
 * `2026年09月08日 17:12`) give a time and set the current date; a date-only separator sets the date;
 * partial stamps (`09-08 17:12:14` without a year, bare `17:12:14`) resolve only against a date seen
 * before them in the same thread, or, when the caller gives its clock (`now`, epoch ms), against today in
 * China: a month-day later than today's is last year's, a bare time later than now (+ FUTURE_SLACK_MS) is
 * yesterday's. A separator that names its day relatively (今天 / 昨天 / 前天) dates what follows against the clock;
 * one that cannot be dated (星期三, or no clock) leaves what follows undated until the next date. Relative message
 * stamps (昨天 …) and anything that would run backwards give null. Messages that arrive live (`arrive`) are read
 * against their arrival time, not the date the thread had reached. Reads no clock of its own: pure.
 */
export class ThreadClock {
  private date: { y: number; m: number; d: number } | null = null;
  /**
   * The date came only from a bare time read against the clock (`latestAt`), not from a separator or a dated stamp:
   * a later bare time that would run backwards under it is on the next day (not after now + FUTURE_SLACK_MS).
   */
  private guessed = false;
  /** Set by a separator whose day cannot be told: dateless stamps after it give null (never today's, never older). */
  private undated = false;
  /** Stamps arrive live (`arrive`): a bare time is read against the clock unless a separator or full stamp dated it. */
  private live = false;
  private last: number | null = null;

  /** `now`: the caller's clock (see `arrive` for a thread continued later). */
  constructor(public now?: number) {}

  /** Where the reading stands (what the next stamp is read with), to read again from there (StampedReader). */
  save(): ClockState {
    const { date, guessed, undated, live, last, now } = this;
    return { date, guessed, undated, live, last, now };
  }

  restore(s: ClockState): void {
    ({ date: this.date, guessed: this.guessed, undated: this.undated, live: this.live, last: this.last } = s);
    this.now = s.now;
  }

  /**
   * Stamps read from now on arrived live at `now`: a dateless one is read against that time (the latest date at
   * which it is not after now + FUTURE_SLACK_MS), not against the date the thread had reached (a thread left open
   * overnight); a dated separator among them dates what follows it as usual.
   */
  arrive(now: number): void {
    this.now = now;
    this.date = null;
    this.undated = false;
    this.live = true;
  }

  /** A separator's text (a divider, a stamp-only row): it dates what follows; its time, or null. */
  separator(raw: string): number | null {
    const s = raw.replace(/\s+/g, ' ').trim();
    const rel = RELATIVE_DAY.exec(s);
    if (rel && this.now !== undefined) {
      const back = rel[1] === '今天' ? 0 : rel[1] === '昨天' ? 1 : 2;
      const day = chinaDay(this.now - back * DAY_MS);
      this.date = day;
      this.guessed = false;
      this.undated = false;
      const t = TIME.exec(s);
      if (!t) return null;
      return this.accept(chinaMs(day.y, day.m, day.d, Number(t[1]), Number(t[2]), Number(t[3] ?? 0)), day);
    }
    if (rel || (!DATE.test(s) && RELATIVE.test(s))) {
      // 星期三 / 昨天 without a clock: the day is not known; what follows is not dated by an older date.
      this.date = null;
      this.undated = true;
      return null;
    }
    return this.read(s);
  }

  /** Epoch ms for the stamp text, or null when it does not resolve. Updates the thread's date context. */
  read(raw: string): number | null {
    const s = raw.replace(/\s+/g, ' ').trim();
    if (!s) return null;
    const date = DATE.exec(s);
    if (date) {
      const y = Number(date[1]);
      const m = Number(date[2]);
      const d = Number(date[3]);
      if (chinaMs(y, m, d, 0, 0, 0) === null) return null;
      this.date = { y, m, d };
      this.guessed = false;
      this.undated = false;
      const full = parseChinaStamp(s);
      if (full !== null) this.last = full;
      return full;
    }
    if (RELATIVE.test(s)) return null;
    const md = MONTH_DAY_TIME.exec(s);
    if (md) {
      const [m, d, h, mi, sec] = [md[1], md[2], md[3], md[4], md[5] ?? '0'].map(Number) as [
        number,
        number,
        number,
        number,
        number,
      ];
      let y: number;
      if (this.date) y = this.date.y;
      else if (this.now !== undefined && !this.undated) {
        const today = chinaDay(this.now);
        y = m > today.m || (m === today.m && d > today.d) ? today.y - 1 : today.y;
      } else return null;
      return this.accept(chinaMs(y, m, d, h, mi, sec), { y, m, d });
    }
    const t = TIME.exec(s);
    if (t) {
      const [h, mi, sec] = [Number(t[1]), Number(t[2]), Number(t[3] ?? 0)];
      if (this.date) {
        const at = chinaMs(this.date.y, this.date.m, this.date.d, h, mi, sec);
        // A guessed date (yesterday's 15:00, read at 10:00) does not pin this morning's 09:00 to yesterday.
        if (this.guessed && at !== null && this.last !== null && at < this.last - BACKWARDS_SLACK_MS) {
          const next = at + DAY_MS;
          if (this.now !== undefined && next <= this.now + FUTURE_SLACK_MS)
            return this.accept(next, chinaDay(next), true);
        }
        // Never after the clock under a guessed date: the guess was a day late (yesterday's 09:00, 09:05, then 23:00
        // read at 10:00), and the stamps already read cannot be moved back: not trusted. (Reading a tab-open thread
        // backwards from its last stamp would date them all; not done.)
        if (this.guessed && at !== null && this.now !== undefined && at > this.now + FUTURE_SLACK_MS) return null;
        return this.accept(at, this.date, this.guessed);
      }
      if (this.now === undefined || this.undated) return null;
      const at = latestAt(h, mi, sec, this.now);
      // Live, each message's time is read against its arrival (one just before midnight, the next just after).
      return at === null ? null : this.accept(at, this.live ? null : chinaDay(at), true);
    }
    return null;
  }

  /** `date`: the date this stamp gives what follows (null: none); `guessed`: read against the clock only. */
  private accept(at: number | null, date: { y: number; m: number; d: number } | null, guessed = false): number | null {
    if (at === null) return null;
    if (this.last !== null && at < this.last - BACKWARDS_SLACK_MS) return null;
    this.last = at;
    if (date) {
      this.date = date;
      this.guessed = guessed;
    }
    return at;
  }
}

/** A ThreadClock's running state (see ThreadClock.save). */
export interface ClockState {
  date: { y: number; m: number; d: number } | null;
  guessed: boolean;
  undated: boolean;
  live: boolean;
  last: number | null;
  now: number | undefined;
}

const sameClock = (a: ClockState, b: ClockState) =>
  a.guessed === b.guessed &&
  a.undated === b.undated &&
  a.live === b.live &&
  a.last === b.last &&
  a.now === b.now &&
  (a.date === b.date ||
    (!!a.date && !!b.date && a.date.y === b.date.y && a.date.m === b.date.m && a.date.d === b.date.d));

/** Text that is nothing but a date/time stamp (a time separator row, not a message): `17:12`, `昨天`, `星期三 09:10`. */
export function isStampOnly(s: string): boolean {
  if (!/\d|今天|昨天|前天|星期|周[一二三四五六日天]/.test(s)) return false;
  return !s.replace(/今天|昨天|前天|星期[一二三四五六日天]|周[一二三四五六日天]|上午|下午|[\d\s年月日:\-/.]/g, '');
}

/** A trailing time stamp in a label like `测试顾客 09-08 18:55:20` (group 0), or null. */
export const STAMP_TAIL =
  /(?:\d{4}\s*[年\-/.]\s*)?(?:\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?\s*)?(?:昨天\s*|前天\s*)?\d{1,2}:\d{2}(?::\d{2})?\s*$/;

/**
 * Message ids: the page's own id when it has a unique one, else `h` + hash of
 * author | nearest time stamp | text | occurrence index among identical ones (stable across re-scans).
 */
export class MessageIds {
  private used = new Set<string>();
  private occurrences = new Map<string, number>();

  /** The content key the last id() hashed, or null when it gave the page's own id. */
  lastKey: string | null = null;

  id(pageId: string | null | undefined, author: string, stamp: string, body: string): string {
    if (pageId && !this.used.has(pageId)) {
      this.used.add(pageId);
      this.lastKey = null;
      return pageId;
    }
    const key = `${author}|${stamp}|${body}`;
    const n = this.occurrences.get(key) ?? 0;
    this.occurrences.set(key, n + 1);
    const id = `h${hash(`${key}|${n}`)}`;
    this.used.add(id);
    this.lastKey = key;
    return id;
  }

  /**
   * The id a message read again in its place gets, as a whole read would give it, or null when that could renumber
   * others: it read `pageId` before and gave `id` (from `key`, or its page id when `key` is null) and now reads
   * `pageId` and `key` (`author|stamp|body`). The page id must be the same; a content hash whose key changed only
   * when no other message had the old key or has the new one (their occurrence numbers stay).
   */
  again(
    was: { pageId: string | null; id: string; key: string | null },
    pageId: string | null,
    key: string,
  ): { id: string; key: string | null } | null {
    if (pageId !== was.pageId) return null;
    if (was.key === null) return { id: was.id, key: null };
    if (key === was.key) return { id: was.id, key };
    if (this.occurrences.get(was.key) !== 1 || this.occurrences.has(key)) return null;
    this.occurrences.delete(was.key);
    this.occurrences.set(key, 1);
    this.used.delete(was.id);
    const id = `h${hash(`${key}|0`)}`;
    this.used.add(id);
    return { id, key };
  }
}

/** A message read from a stamp (or none): its text cut to 500 characters, its marker when it has one. */
export function stampedMessage(
  id: string,
  author: Author,
  at: number | null,
  body: string,
  marker?: Marker,
): ExtractedMessage {
  const m: ExtractedMessage = { id, author, at, timeSource: at === null ? null : 'stamp', text: body.slice(0, 500) };
  if (marker) m.marker = marker;
  return m;
}

/**
 * A thread read in page order by its stamps (JD, Kuaishou): time separators date what follows, a message's own stamp
 * gives its time, and ids fall back to content hashes keyed by the nearest stamp. Continued by `append` reads.
 */
export class StampedThread {
  readonly clock: ThreadClock;
  readonly ids = new MessageIds();
  private lastStamp = '';

  constructor(now?: number) {
    this.clock = new ThreadClock(now);
  }

  /** A time separator (a divider, a stamp-only row): it dates what follows and is no message. */
  separator(s: string): void {
    if (!s) return;
    this.clock.separator(s);
    this.lastStamp = s;
  }

  /** A message's own stamp ('' when it shows none): its time, or null. */
  stamp(s: string): number | null {
    if (!s) return null;
    const at = this.clock.read(s);
    this.lastStamp = s;
    return at;
  }

  message(pageId: string | null, author: Author, at: number | null, body: string, marker?: Marker): ExtractedMessage {
    return stampedMessage(this.ids.id(pageId, author, this.lastStamp, body), author, at, body, marker);
  }

  /** The content key a message read now would hash (see MessageIds). */
  keyOf(author: Author, body: string): string {
    return `${author}|${this.lastStamp}|${body}`;
  }

  save(): StampedState {
    return { clock: this.clock.save(), lastStamp: this.lastStamp };
  }

  restore(s: StampedState): void {
    this.clock.restore(s.clock);
    this.lastStamp = s.lastStamp;
  }
}

/** What a StampedThread's reading carries from one item to the next. */
export interface StampedState {
  clock: ClockState;
  lastStamp: string;
}

const sameState = (a: StampedState, b: StampedState) => a.lastStamp === b.lastStamp && sameClock(a.clock, b.clock);

/** One item of a stamped thread (a message row, or a divider: `sep`), in page order. */
export interface StampedItem {
  el: Element;
  sep: boolean;
  /** Which kind of row it was read as (the adapter's, for `stillItem`: Kuaishou's main rows and middle notices). */
  kind?: string;
}

/** What one item reads as (the adapter's reader, over the thread's stamps): a message's parts, or null (none). */
export interface ItemParts {
  pageId: string | null;
  author: Author;
  at: number | null;
  body: string;
  marker?: Marker;
}

/** What the read of one item started from and gave. */
interface ItemRead extends StampedItem {
  /** The state it was read with (after `arrived`, when it was the first item of an append). */
  before: StampedState;
  /** The arrival time (ThreadClock.arrive) applied right before it was read, if any. */
  arrived?: number;
  /** Its message's index in the thread's messages (-1: no message), page id, id and hashed key (null: page id). */
  index: number;
  pageId: string | null;
  id: string;
  key: string | null;
}

/**
 * A stamped thread (JD, Kuaishou) read in page order, continued by `append`, whose items can be read again where they
 * stand (Live `thread.reread`): each item remembers the state it was read with, so a changed message is read again
 * from there, and the items after it while the state it leaves (clock, last stamp) differs from the one they were
 * read with. Each keeps the arrival time it was first read with (an append's arrival is replayed before its first
 * item, not compared as flowing state); only the thread's own reads number its messages. `readOne`: the adapter's
 * reading of one item (stamps and separators through the thread it is given).
 */
export class StampedReader {
  readonly thread: StampedThread;
  readonly messages: ExtractedMessage[];
  private readonly items: ItemRead[] = [];
  private index: Map<Element, number> | undefined;
  private count = 0;
  /** An arrival not yet followed by an item (applied to the clock already). */
  private arrived: number | undefined;

  constructor(
    now: number | undefined,
    private readonly readOne: (item: StampedItem, thread: StampedThread) => ItemParts | null,
    items: readonly StampedItem[],
  ) {
    this.thread = new StampedThread(now);
    this.messages = this.read(items);
  }

  /** Items appended live, arrived at `now` (see ThreadClock.arrive). */
  append(items: readonly StampedItem[], now?: number): ExtractedMessage[] {
    if (now !== undefined) {
      this.thread.clock.arrive(now);
      this.arrived = now;
    }
    return this.read(items);
  }

  private read(items: readonly StampedItem[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    for (const it of items) {
      const rec: ItemRead = { ...it, before: this.thread.save(), index: -1, pageId: null, id: '', key: null };
      if (this.arrived !== undefined) rec.arrived = this.arrived;
      this.arrived = undefined;
      this.index?.set(it.el, this.items.length);
      this.items.push(rec);
      const parts = this.readOne(it, this.thread);
      if (!parts) continue;
      const m = this.thread.message(parts.pageId, parts.author, parts.at, parts.body, parts.marker);
      Object.assign(rec, { index: this.count++, pageId: parts.pageId, id: m.id, key: this.thread.ids.lastKey });
      out.push(m);
    }
    return out;
  }

  /**
   * Live `thread.reread` (see types.ts) over the items under `container`: `stillItem` says whether a changed (or
   * re-rendered) element is still the one item `was` read as, as a fresh read would find it. Dividers changed, items re-rendered
   * anywhere but in their own place, a message appearing or going, a page id or an id's numbering changing → null.
   */
  reread(
    changed: readonly Node[],
    replaced: Replaced | undefined,
    container: Element,
    stillItem: (el: Element, was: StampedItem) => boolean,
  ): MessageChange[] | null {
    const index = (this.index ??= new Map(this.items.map((r, i) => [r.el, i])));
    const at = new Set<number>();
    if (replaced) {
      const put = this.rerendered(replaced, container, index, stillItem);
      if (!put) return null;
      for (const i of put) at.add(i);
    }
    for (const n of changed) {
      let i: number | undefined;
      let el = n.nodeType === 1 ? (n as Element) : n.parentElement;
      for (; el && el !== container; el = el.parentElement) {
        i = index.get(el);
        if (i !== undefined) break;
      }
      if (i === undefined || !el) return null;
      for (let p = el.parentElement; p && p !== container; p = p.parentElement) if (index.has(p)) return null;
      if (this.items[i]!.sep || !stillItem(el, this.items[i]!)) return null;
      at.add(i);
    }
    const t = this.thread;
    let end = t.save();
    const out: MessageChange[] = [];
    let done = -1;
    for (const i of [...at].sort((a, b) => a - b)) {
      if (i <= done) continue;
      t.restore(this.items[i]!.before);
      for (let k = i; k < this.items.length; k++) {
        const rec = this.items[k]!;
        rec.before = t.save();
        const parts = this.readOne(rec, t);
        // A message must stay one, and no message must become one (the thread's numbering).
        if ((parts === null) !== rec.index < 0) return null;
        if (parts) {
          const id = t.ids.again(rec, parts.pageId, t.keyOf(parts.author, parts.body));
          if (!id) return null;
          rec.id = id.id;
          rec.key = id.key;
          const m = stampedMessage(id.id, parts.author, parts.at, parts.body, parts.marker);
          if (!sameMessage(this.messages[rec.index], m)) out.push({ index: rec.index, message: m });
        }
        done = k;
        const next = this.items[k + 1];
        if (!next) {
          if (this.arrived !== undefined) t.clock.arrive(this.arrived);
          end = t.save();
          break;
        }
        if (next.arrived !== undefined) t.clock.arrive(next.arrived);
        if (sameState(t.save(), next.before)) break;
      }
    }
    t.restore(end);
    return out;
  }

  /**
   * Items the page re-rendered as new elements in their places (removed, and a new one inserted where each stood, one
   * for one, between the same neighbours): the indices they took over, or null (anything else: read whole).
   */
  private rerendered(
    { removed, inserted }: Replaced,
    container: Element,
    index: Map<Element, number>,
    stillItem: (el: Element, was: StampedItem) => boolean,
  ): number[] | null {
    const blank = (n: Node) => n.nodeType === 8 || (n.nodeType === 3 && !n.textContent?.trim());
    const olds = removed.filter((n) => !blank(n));
    const news = inserted.filter((n) => !blank(n));
    if (olds.length !== news.length) return null;
    const gone = new Set<number>();
    for (const n of olds) {
      const i = index.get(n as Element);
      if (i === undefined || n.parentNode || this.items[i]!.sep) return null;
      gone.add(i);
    }
    const out: number[] = [];
    for (const n of news) {
      if (n.parentNode !== container || n.nodeType !== 1) return null;
      const el = n as Element;
      const before = el.previousElementSibling;
      const after = el.nextElementSibling;
      const i = before ? index.get(before) : 0;
      if (i === undefined) return null;
      const k = before ? i + 1 : 0;
      if (!gone.has(k) || (this.items[k + 1]?.el ?? null) !== after || !stillItem(el, this.items[k]!)) return null;
      gone.delete(k);
      index.delete(this.items[k]!.el);
      this.items[k]!.el = el;
      index.set(el, k);
      out.push(k);
    }
    return out;
  }
}
