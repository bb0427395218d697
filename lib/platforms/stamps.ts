/**
 * Time stamps and message ids of threads whose rows show times without dates (JD, Kuaishou): durations
 * (`parseDurationSec`), a thread's running clock (`ThreadClock`), stamp-only rows, message ids. Pure: they read,
 * never write, and never throw on odd input.
 */
import { hash, parseChinaStamp } from './dom';
import type { Author, Marker } from '../model';
import { ItemThread, rekeyed, type IdSource, type ItemMessage, type ThreadItem } from './reread';
import type { ExtractedMessage } from './types';

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
   * The id a message read again in its place gets, as a whole read would give it, or undefined when that could renumber
   * others: it read `pageId` before and gave `id` (from `key`, or its page id when `key` is null) and now reads
   * `pageId` and `key` (`author|stamp|body`). The page id must be the same; a content hash whose key changed only
   * when no other message had the old key or has the new one (their occurrence numbers stay).
   */
  again(was: IdSource, pageId: string | null, key: string): { id: string; key: string | null } | undefined {
    if (pageId !== was.pageId) return undefined;
    if (was.key === null) return { id: was.id, key: null };
    const got = rekeyed(this.occurrences, was, key, (k, n) => `h${hash(`${k}|${n}`)}`);
    if (got && got.id !== was.id) {
      this.used.delete(was.id);
      this.used.add(got.id);
    }
    return got;
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

/** What one item reads as (the adapter's reader, over the thread's stamps): a message's parts, or null (none). */
export interface ItemParts {
  pageId: string | null;
  author: Author;
  at: number | null;
  body: string;
  marker?: Marker;
}

/**
 * A stamped thread (JD, Kuaishou) read item by item (ItemThread: its messages changed inside are read again where
 * they stand). `readOne`: the adapter's reading of one item (stamps and separators through the thread it is given).
 */
export function stampedReader(
  now: number | undefined,
  readOne: (item: ThreadItem, thread: StampedThread) => ItemParts | null,
  items: readonly ThreadItem[],
): ItemThread<StampedState> {
  const t = new StampedThread(now);
  const message = (p: ItemParts, id: string, key: string | null): ItemMessage => ({
    message: stampedMessage(id, p.author, p.at, p.body, p.marker),
    pageId: p.pageId,
    id,
    key,
  });
  return new ItemThread<StampedState>(
    {
      save: () => t.save(),
      restore: (s) => t.restore(s),
      same: (a, b) => a.lastStamp === b.lastStamp && sameClock(a.clock, b.clock),
      arrive: (now) => t.clock.arrive(now),
      read(item) {
        const p = readOne(item, t);
        if (!p) return null;
        const m = t.message(p.pageId, p.author, p.at, p.body, p.marker);
        return message(p, m.id, t.ids.lastKey);
      },
      again(item, was) {
        const p = readOne(item, t);
        if (!p) return null;
        const id = t.ids.again(was, p.pageId, t.keyOf(p.author, p.body));
        return id && message(p, id.id, id.key);
      },
    },
    items,
  );
}
