/**
 * Time stamps and message ids of threads whose rows show times without dates (JD, Kuaishou): durations
 * (`parseDurationSec`), a thread's running clock (`ThreadClock`), stamp-only rows, message ids. Pure: they read,
 * never write, and never throw on odd input.
 */
import { hash, parseChinaStamp } from './dom';
import type { Author, Marker } from '../model';
import { ItemThread, RunReach, keepTime, rekeyed, type IdSource, type ThreadItem } from './reread';
import type { ExtractMemo, ExtractedMessage } from './types';

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
export const BACKWARDS_SLACK_MS = 60_000;
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

/** The first millisecond of a China calendar day. */
function dayStart(d: { y: number; m: number; d: number }): number {
  return Date.UTC(d.y, d.m - 1, d.d) - 8 * 3600_000;
}

/** A China calendar day. */
export interface Day {
  y: number;
  m: number;
  d: number;
}

/** The day a relative divider (今天 / 昨天 / 前天) resolved to when first read, for its text and thread (`dayPin`). */
class PinnedDay {
  constructor(
    readonly key: string,
    readonly day: Day,
  ) {}
}

/**
 * A relative divider keeps the day it resolved to when first read: kept per element in the caller's memo across whole
 * reads (a tab opened at 23:50 under 今天 still reads that 今天 as the day before after China midnight, as its re-reads
 * do: the page did not re-render it). `key`: the divider's text and the thread's buyer (a divider element reused for
 * another thread, or its text changed, resolves afresh). Undefined without a memo (the day is resolved by the clock).
 */
export function dayPin(memo: ExtractMemo | undefined, el: Element, key: string): ((day: Day) => Day) | undefined {
  if (!memo) return undefined;
  return (day) => {
    const kept = memo.get(el);
    if (kept instanceof PinnedDay && kept.key === key) return kept.day;
    memo.set(el, new PinnedDay(key, day));
    return day;
  };
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
 * A row of a bare-time run shown above one earlier on the clock by at most this much is out of order on the same day
 * (a message delivered or sorted a little late), not a day older. Minutes, not an hour: a buyer who comes back the
 * next day at about the same time of day is common (yesterday's 14:00 and 14:05 above today's 13:30), and an hour's
 * tolerance moved that whole conversation onto today (a question answered by yesterday's reply, a false fail). Wrong
 * the other way only for neighbours 23 h 55 min – 24 h apart.
 */
export const OUT_OF_ORDER_MS = 5 * 60_000;

/**
 * Times of day (China) of a run of bare stamps in page order, dated backwards from the last: the last is the latest
 * not after `limit`; walking up, each row is the latest not after the row below + BACKWARDS_SLACK_MS (yesterday's
 * 09:00, 09:05, then 23:00, read at 10:00: all yesterday's), unless the same day as the row below puts it at most
 * OUT_OF_ORDER_MS after it (and not after `limit`): a row shown out of order, not a day older. Null for an impossible
 * time.
 */
export function datedBackwards(run: readonly { h: number; mi: number; s: number }[], limit: number): (number | null)[] {
  let below: number | null = null;
  const dated: (number | null)[] = [];
  for (let i = run.length - 1; i >= 0; i--) {
    const r = run[i]!;
    // The slack is added before the day is taken: 23:59:50 above 00:00:10 stays on the day before, not two back.
    const ref = below === null ? limit : below + BACKWARDS_SLACK_MS;
    const day = chinaDay(ref);
    let at = chinaMs(day.y, day.m, day.d, r.h, r.mi, r.s);
    if (at !== null && at > ref) at -= DAY_MS;
    const late = at !== null && below !== null && at + DAY_MS - below <= OUT_OF_ORDER_MS && at + DAY_MS <= limit;
    if (late && at !== null) at += DAY_MS;
    dated[i] = at;
    // A row moved as out of order dates nothing above it: those are dated against the row below it (else one such
    // row would carry every row above it onto its day).
    if (at !== null && !late) below = at;
  }
  return dated;
}

/** A bare time of a tab-open run: its time of day, and where its settled time goes (`set`, given later or never). */
export interface BareTime {
  h: number;
  mi: number;
  s: number;
  set?: ((at: number | null) => void) | undefined;
}

/**
 * The tab-open run of bare times (a thread read when the tab opens, no date above them), in page order: dated together
 * backwards from the last when it ends (`settle`, `datedBackwards`), or left undated (`drop`, a divider whose day
 * cannot be told). Each time's `set` gets its settled time. The one run of ThreadClock (JD, Kuaishou), Douyin's and
 * 1688/Taobao's readers.
 */
export class BareRun {
  private times: BareTime[] = [];

  get length(): number {
    return this.times.length;
  }

  /** The last time added (undefined: none). */
  get last(): BareTime | undefined {
    return this.times.at(-1);
  }

  /** A bare time joins the run; the entry (its `set` may be given later). */
  add(h: number, mi: number, s: number, set?: (at: number | null) => void): BareTime {
    const t: BareTime = { h, mi, s, set };
    this.times.push(t);
    return t;
  }

  /** Dates the run, its last not after `limit`, and empties it: the latest time given (null: none). */
  settle(limit: number): number | null {
    const run = this.times;
    this.times = [];
    const dated = datedBackwards(run, limit);
    let last: number | null = null;
    run.forEach((r, i) => {
      r.set?.(dated[i] ?? null);
      last = dated[i] ?? last;
    });
    return last;
  }

  /** The run ends undated: each time's `set` gets null. */
  drop(): void {
    const run = this.times;
    this.times = [];
    run.forEach((r) => r.set?.(null));
  }

  /** Forgets the run without dating it (a re-read's scratch run). */
  clear(): void {
    this.times = [];
  }
}

/**
 * Reads a thread's time stamps in page order (China local time). Full stamps (`2026-09-08 17:12:14`,
 * `2026年09月08日 17:12`) give a time and set the current date; a date-only separator sets the date;
 * partial stamps (`09-08 17:12:14` without a year, bare `17:12:14`) resolve only against a date seen
 * before them in the same thread (a month-day earlier in the year than it: the next year's, see `nextYear`), or, when the caller gives its clock (`now`, epoch ms), against today in
 * China: a month-day later than today's is last year's, a bare time later than now (+ FUTURE_SLACK_MS) is
 * yesterday's. A run of bare times with no date above them (a thread read when the tab opens) is dated backwards from
 * its last stamp once the run ends (`settle`, or the next dated separator or stamp): the last is the latest time not
 * after now (+ FUTURE_SLACK_MS), or not after the dated stamp that ends the run; walking up, a time later than the one
 * below it is on the day before (yesterday's 09:00, 09:05, then a buyer's 23:00 still waiting, read at 10:00 today).
 * Until then `read` gives each such time its own latest date; `onDated` callbacks get the settled one. A separator
 * that names its day relatively (今天 / 昨天 / 前天) dates what follows against the clock;
 * one that cannot be dated (星期三, or no clock) leaves what follows undated until the next date. Relative message
 * stamps (昨天 …) and anything that would run backwards give null. Messages that arrive live (`arrive`) are read
 * against their arrival time, not the date the thread had reached; one up to OUT_OF_ORDER_MS before the last row is
 * that day's (delivered late), more is null. Reads no clock of its own: pure.
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
  /**
   * The date came from a 昨天 / 前天 separator: a time-only separator after it does not tell its day (today's, or that
   * day's later?): what follows is undated (`separator`).
   */
  private relative = false;
  /**
   * The date came from a relative separator (今天 / 昨天 / 前天): a bare time under it later than now +
   * FUTURE_SLACK_MS is not trusted (null), never dated in the future.
   */
  private relDay = false;
  /**
   * The date came from a separator row (a date row, 今天): it pins what follows: a bare time under it that would run
   * backwards is out of order (null), not the next day's (as after a message's own dated stamp, `read`).
   */
  private row = false;
  private last: number | null = null;
  /** The open run of bare times read against the clock with no date above them, in page order (see the class doc). */
  private readonly run = new BareRun();

  /** `now`: the caller's clock (see `arrive` for a thread continued later). */
  constructor(public now?: number) {}

  /** Where the reading stands (what the next stamp is read with), to read again from there (StampedReader). */
  save(): ClockState {
    const { date, guessed, undated, live, last, now, relative, relDay, row } = this;
    return { date, guessed, undated, live, last, now, relative, relDay, row };
  }

  /**
   * Reads again from a saved state. The open run is not part of it (its times were dated when it ended): a bare time
   * read again in the run's reach joins a scratch run, never dated (see `stampedReader`).
   */
  restore(s: ClockState): void {
    ({
      date: this.date,
      guessed: this.guessed,
      undated: this.undated,
      live: this.live,
      last: this.last,
      relative: this.relative,
      relDay: this.relDay,
      row: this.row,
    } = s);
    this.now = s.now;
    this.run.clear();
  }

  /**
   * A stamp read now is in the tab-open run's reach: with no date above it and the caller's clock, read when the tab
   * opened (not live): a bare time joins the run, a dated stamp or separator ends it.
   */
  get inRun(): boolean {
    return this.date === null && !this.undated && !this.live && this.now !== undefined;
  }

  /** How many bare times the open run holds. */
  get runLength(): number {
    return this.run.length;
  }

  /**
   * Stamps read from now on arrived live at `now`: a dateless one is read against that time (the latest date at
   * which it is not after now + FUTURE_SLACK_MS), not against the date the thread had reached (a thread left open
   * overnight); a dated separator among them dates what follows it as usual.
   */
  arrive(now: number): void {
    this.settle();
    this.now = now;
    this.date = null;
    this.undated = false;
    this.relative = false;
    this.relDay = false;
    this.row = false;
    this.live = true;
  }

  /**
   * A separator's text (a divider, a stamp-only row): it dates what follows; its time, or null. `pin`: a relative
   * divider's day as first read (`dayPin`), given the day the clock resolves it to now.
   */
  separator(raw: string, pin?: (day: Day) => Day): number | null {
    const s = raw.replace(/\s+/g, ' ').trim();
    const rel = RELATIVE_DAY.exec(s);
    if (rel && this.now !== undefined) {
      const back = rel[1] === '今天' ? 0 : rel[1] === '昨天' ? 1 : 2;
      const resolved = chinaDay(this.now - back * DAY_MS);
      const day = pin ? pin(resolved) : resolved;
      const t = TIME.exec(s);
      const at = t ? chinaMs(day.y, day.m, day.d, Number(t[1]), Number(t[2]), Number(t[3] ?? 0)) : null;
      this.settle(at === null ? dayStart(day) : at + BACKWARDS_SLACK_MS);
      this.date = day;
      this.guessed = false;
      this.undated = false;
      this.relative = back > 0;
      const got = t ? this.accept(at, day) : null;
      this.relDay = true;
      this.row = true;
      return got;
    }
    if (rel || (!DATE.test(s) && RELATIVE.test(s))) {
      // 星期三 / 昨天 without a clock: the day is not known; what follows is not dated by an older date. The run above
      // is older still (before that weekday, days ago): not dated from now (today's times for last week's
      // messages), and no day can be told for it either: its times are null.
      this.drop();
      this.date = null;
      this.undated = true;
      this.relative = false;
      this.relDay = false;
      this.row = false;
      return null;
    }
    if (this.relative && /^\d{1,2}:\d{2}(?::\d{2})?$/.test(s)) {
      // A time-only separator after 昨天 / 前天: its day is not shown (the docs do not say which scheme the pages
      // use): no time for what follows, never a guessed day, until a date.
      this.date = null;
      this.undated = true;
      this.relative = false;
      this.relDay = false;
      this.row = false;
      return null;
    }
    const got = this.read(s);
    // A dated separator (a date row) pins what follows (`row`).
    if (this.date !== null && (DATE.test(s) || MONTH_DAY_TIME.test(s))) this.row = true;
    return got;
  }

  /**
   * Epoch ms for the stamp text, or null when it does not resolve. Updates the thread's date context. A bare time
   * that joins the open run gets its own latest date here; `onDated` is called with its settled time when the run
   * is dated (`settle`).
   */
  read(raw: string, onDated?: (at: number | null) => void): number | null {
    const s = raw.replace(/\s+/g, ' ').trim();
    if (!s) return null;
    const date = DATE.exec(s);
    if (date) {
      const y = Number(date[1]);
      const m = Number(date[2]);
      const d = Number(date[3]);
      if (chinaMs(y, m, d, 0, 0, 0) === null) return null;
      const full = parseChinaStamp(s);
      this.settle(full === null ? dayStart({ y, m, d }) : full + BACKWARDS_SLACK_MS);
      this.date = { y, m, d };
      this.guessed = false;
      this.undated = false;
      this.relative = false;
      this.relDay = false;
      this.row = false;
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
      if (this.date) y = this.date.y + (this.nextYear(m, d, h, mi, sec) ? 1 : 0);
      else if (this.now !== undefined && !this.undated) {
        const today = chinaDay(this.now);
        y = m > today.m || (m === today.m && d > today.d) ? today.y - 1 : today.y;
      } else return null;
      const at = chinaMs(y, m, d, h, mi, sec);
      if (at !== null) this.settle(at + BACKWARDS_SLACK_MS);
      this.relative = false;
      this.relDay = false;
      this.row = false;
      return this.accept(at, { y, m, d });
    }
    const t = TIME.exec(s);
    if (t) {
      const [h, mi, sec] = [Number(t[1]), Number(t[2]), Number(t[3] ?? 0)];
      if (this.date) {
        const at = chinaMs(this.date.y, this.date.m, this.date.d, h, mi, sec);
        // The date reached does not pin a later bare time that would run backwards to it: a guessed date (yesterday's
        // 15:00, read at 10:00), or a dated stamp of an earlier day (12-05 15:00:00, then 09:00:00 read on 12-06; 12-31
        // 23:50, then 00:10 read on 01-01), is followed by the next day's, when that is not after the clock (as
        // `nextYear`); else null (out of order, or no clock).
        if (!this.row && at !== null && this.last !== null && at < this.last - BACKWARDS_SLACK_MS) {
          const next = at + DAY_MS;
          if (this.now !== undefined && next <= this.now + FUTURE_SLACK_MS)
            return this.accept(next, chinaDay(next), true);
        }
        // Never after the clock under a guessed date (a read continued after the run was settled, with no arrival
        // time): the stamps already read cannot be moved back: not trusted.
        // Nor under a relative separator's day (今天 read after China midnight is not yet re-rendered as 昨天).
        if ((this.guessed || this.relDay) && at !== null && this.now !== undefined && at > this.now + FUTURE_SLACK_MS)
          return null;
        return this.accept(at, this.date, this.guessed);
      }
      if (this.now === undefined || this.undated) return null;
      const at = latestAt(h, mi, sec, this.now);
      if (at === null) return null;
      // Live, each message's time is read against its arrival (one just before midnight, the next just after); one
      // shown up to OUT_OF_ORDER_MS before the last row was delivered late (the same day), and moves no bound.
      if (this.live) {
        if (this.last !== null && at < this.last && at >= this.last - OUT_OF_ORDER_MS) return at;
        return this.accept(at, null, true);
      }
      // Read when the tab opens: dated with the rest of the run, backwards from its last stamp (`settle`).
      this.run.add(h, mi, sec, onDated);
      return at;
    }
    return null;
  }

  /**
   * Dates the open run of bare times (`datedBackwards`): its last stamp is not after `bound` (set by the dated stamp
   * that ends the run: its time + BACKWARDS_SLACK_MS, or the start of its day for a date alone, what is above the
   * first divider of a day being on an earlier one) nor after now + FUTURE_SLACK_MS. What follows the run is read
   * under its last stamp's date (a guessed one). Called by the reader when a read ends, and here when a dated stamp
   * ends the run or messages start arriving live.
   */
  settle(bound?: number): void {
    if (!this.run.length || this.now === undefined) return;
    const last = this.run.settle(Math.min(this.now + FUTURE_SLACK_MS, bound ?? Infinity));
    if (last !== null) {
      this.last = last;
      this.date = chinaDay(last);
      this.guessed = true;
      this.relDay = false;
      this.row = false;
    }
  }

  /** The open run ends at a divider whose day cannot be told: its times are null (`onDated(null)`), not dated. */
  private drop(): void {
    this.run.drop();
  }

  /**
   * A month-day earlier in the year than the date reached is in the next year (12-31, then 01-01) when that is not
   * after the clock (+ FUTURE_SLACK_MS), or, with no clock, within a month of the date reached; else it is that
   * year's (a stamp out of order: not trusted, null, never a year ahead).
   */
  private nextYear(m: number, d: number, h: number, mi: number, s: number): boolean {
    const date = this.date!;
    if (m > date.m || (m === date.m && d >= date.d)) return false;
    const next = chinaMs(date.y + 1, m, d, h, mi, s);
    if (next === null) return false;
    return this.now !== undefined ? next <= this.now + FUTURE_SLACK_MS : next - dayStart(date) <= 31 * DAY_MS;
  }

  /** `date`: the date this stamp gives what follows (null: none); `guessed`: read against the clock only. */
  private accept(at: number | null, date: { y: number; m: number; d: number } | null, guessed = false): number | null {
    if (at === null) return null;
    if (this.last !== null && at < this.last - BACKWARDS_SLACK_MS) return null;
    this.last = at;
    if (date) {
      // A bare time under the date reached keeps where that date came from.
      if (date !== this.date) {
        this.relDay = false;
        this.row = false;
      }
      this.date = date;
      this.guessed = guessed;
    }
    return at;
  }
}

/**
 * How finely a stamp shows its time when coarser than a second: 60000 for hours and minutes only (`10:00`,
 * `2026-12-06 10:00`); undefined with seconds (`10:00:05`) or no time of day.
 */
export function stampPrecisionMs(s: string): number | undefined {
  const t = /(?<![\d:])\d{1,2}:\d{2}(:\d{2})?(?![\d:])/.exec(s);
  return t && !t[1] ? 60_000 : undefined;
}

/** A ThreadClock's running state (see ThreadClock.save). */
export interface ClockState {
  date: { y: number; m: number; d: number } | null;
  guessed: boolean;
  undated: boolean;
  live: boolean;
  last: number | null;
  now: number | undefined;
  relative: boolean;
  relDay: boolean;
  row: boolean;
}

const sameClock = (a: ClockState, b: ClockState) =>
  a.guessed === b.guessed &&
  a.undated === b.undated &&
  a.live === b.live &&
  a.relative === b.relative &&
  a.relDay === b.relDay &&
  a.row === b.row &&
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
  /** The last stamp's message slot, until the message is made (`stamp` → `message`). */
  private pending: { message?: ExtractedMessage } | null = null;

  constructor(now?: number) {
    this.clock = new ThreadClock(now);
  }

  /** What the last stamp or separator read was ('' none), null: none since it was cleared. */
  lastRead: string | null = null;

  /**
   * A time separator (a divider, a stamp-only row): it dates what follows and is no message. `pin`: a relative
   * divider's day as first read (`dayPin`).
   */
  separator(s: string, pin?: (day: Day) => Day): void {
    this.lastRead = s;
    if (!s) return;
    this.clock.separator(s, pin);
    this.lastStamp = s;
  }

  /**
   * A message's own stamp ('' when it shows none): its time, or null. A bare time read with no date above it may
   * be dated again when its run is settled (`settle`): the message made next (`message`) gets the settled time.
   */
  stamp(s: string): number | null {
    this.pending = null;
    this.lastRead = s;
    if (!s) return null;
    const slot: { message?: ExtractedMessage } = {};
    const at = this.clock.read(s, (settled) => {
      if (slot.message) {
        slot.message.at = settled;
        slot.message.timeSource = settled === null ? null : 'stamp';
      }
    });
    this.pending = slot;
    this.lastStamp = s;
    return at;
  }

  message(pageId: string | null, author: Author, at: number | null, body: string, marker?: Marker): ExtractedMessage {
    const m = stampedMessage(this.ids.id(pageId, author, this.lastStamp, body), author, at, body, marker);
    if (this.pending) this.pending.message = m;
    this.pending = null;
    return m;
  }

  /** The end of a read: the bare times read with no date above them are dated (`ThreadClock.settle`). */
  settle(): void {
    this.pending = null;
    this.clock.settle();
  }

  /** Messages read from now on arrived live at `now` (`ThreadClock.arrive`). */
  arrive(now: number): void {
    this.pending = null;
    this.clock.arrive(now);
  }

  /** The content key a message read now would hash (see MessageIds). */
  keyOf(author: Author, body: string): string {
    return `${author}|${this.lastStamp}|${body}`;
  }

  save(): StampedState {
    return { clock: this.clock.save(), lastStamp: this.lastStamp };
  }

  restore(s: StampedState): void {
    this.pending = null;
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
  const reach = new RunReach<StampedState>();
  /** Reads an item, and how it touched the tab-open run (RunReach): joined it, read while it was open, its stamp. */
  const readIn = (item: ThreadItem) => {
    const open = t.clock.runLength;
    t.lastRead = null;
    const p = readOne(item, t);
    const joined = t.clock.runLength > open;
    return { p, joined, touched: joined || open > 0, key: `${joined ? 'joined' : 'read'}|${t.lastRead ?? ''}` };
  };
  return new ItemThread<StampedState>(
    {
      save: () => t.save(),
      restore: (s) => t.restore(s),
      same: (a, b) => a.lastStamp === b.lastStamp && sameClock(a.clock, b.clock),
      arrive: (now) => t.arrive(now),
      // The bare times read with no date above them: dated backwards from the last (ThreadClock.settle).
      end: () => t.settle(),
      read(item) {
        const { p, touched, key } = readIn(item);
        // Made by the thread: the run's end sets its settled time in it.
        const m = p && t.message(p.pageId, p.author, p.at, p.body, p.marker);
        if (touched) reach.read(item, key, t.save(), m);
        return m && { message: m, pageId: p!.pageId, id: m.id, key: t.ids.lastKey };
      },
      again(item, was, fresh) {
        const { p, joined, key } = readIn(item);
        const kept = reach.again(item, key, joined, fresh);
        if (kept === false) return undefined;
        if (kept) t.restore(kept.after);
        if (!p) return null;
        const id = t.ids.again(was, p.pageId, t.keyOf(p.author, p.body));
        if (!id) return undefined;
        const m = stampedMessage(id.id, p.author, p.at, p.body, p.marker);
        return { message: kept?.message ? keepTime(m, kept.message) : m, pageId: p.pageId, id: id.id, key: id.key };
      },
    },
    items,
  );
}
