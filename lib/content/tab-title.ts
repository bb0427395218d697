/**
 * The tab strip (setting `tabTitle`): while buyers wait, the workbench tab's title starts with their number and the
 * most urgent one's time, so an agent in another tab or window sees it: whole minutes while more than a minute is
 * left ("(3) <3 分 · 原标题": under 3 minutes), m:ss only in the last minute ("(3) 0:42 · …"), and once the deadline
 * has passed "(3) 超时 · …" in the first minute over, "(3) 超 2 分 · …" (at least 2 minutes over) after — the row
 * badges' rhythm (rowBadgeText). Nothing waits, or the setting is off: the page's title, exactly as the page last set
 * it. The page's own title changes are kept, never fought: a title that is not ours becomes the page's title and the
 * prefix goes in front of it again.
 *
 * Written only when its text changes, and rarely (issue 21, bench-results/2026-12-06c-pc2.md and 2026-12-06d-title.md:
 * one title write costs the page's renderer ≈ 0.3 ms of CPU and wakes the browser's UI thread for 4–8 ms, so a title
 * that ticked each second was most of the page's cost budget on the large workbench): the text changes about once a
 * minute, each second only in the last minute before the most urgent deadline, and the one timer is set for the
 * moment it next changes (`nextTitleChange`), but at most 5 s ahead (CHECK_MS: a wall clock set forward is caught;
 * a wake-up that finds the same text writes nothing). A clock list (a push from the background, with most messages)
 * that leaves the text as it is does nothing but compute it: no write, no read of the title; one that changes neither
 * the number waiting nor the most urgent deadline (the row badges keep both: RowBadges.waiting) before the text's
 * next change computes nothing either (issue 21, bench-results/2026-12-06g-msg.md). One that changes the
 * time shown (a new most urgent deadline, the language), the first wait or the last one ending is written at once, at
 * most one write a second (one within a second of the last write waits for the rest of that second). In a shown tab
 * that already shows a wait, a change of the number waiting alone (the time part unchanged) waits for the timer's
 * next wake-up, at most CHECK_MS later (issue 21, bench-results/2026-12-06e-title2.md: on a busy workbench that
 * number changes about every second). A hidden tab, whose timers may sleep, writes every change at once.
 *
 * A tab hidden for 5 minutes has its timers woken about once a minute (Chrome's intensive wake-up throttling of
 * chained timers: https://developer.chrome.com/blog/timer-throttling-in-chrome-88), so "(3) 0:12" could stand a minute
 * after it stopped being true, exactly while the agent is in another tab. So once a tab has been hidden nearly that
 * long the last minute too is in whole minutes ("(3) <1 分"): every text then stays true until the next wake-up, in
 * whole minutes rounded toward urgency (time left only shrinks, time over only grows); the background's clock pushes
 * (a message wakes the page: a clock's breach comes that way) update it too, and it is exact again the moment the
 * tab is shown.
 */
import { formatCountdown } from '../badge';
import type { TabClock } from '../messages';
import { CONTENT_CATALOGS, contentT, type ContentT } from '../i18n/content';
import { windowTimers, type TimerId, type Timers } from './timers';

const MINUTE = 60_000;
/**
 * The title's timer wakes at least this often (writing only when the text changed): a wall clock that jumps is caught
 * within it.
 */
const CHECK_MS = 5_000;

/**
 * The title's prefix for the tab's open clocks at `now`; '' when none waits. "(n) " and the most urgent deadline's
 * time, compact (a tab strip shows only a few characters of a title), never m:ss outside the last minute:
 * - a minute or more left: "<N 分" / "<N min", N the whole minutes left plus one ("(3) <3 分": 2:00–2:59 left);
 * - the last minute (under 60 s left): m:ss, seconds rounded up ("(3) 0:12"; "(3) 1:00" with 59.5 s left);
 * - over: "超时" / "overdue" in the first minute, then "超 N 分" / "N min over", N the whole minutes over.
 * `coarse` (a tab whose timers may sleep a minute): the last minute in whole minutes too ("<1 分"), so every text
 * stays true for as long as the tab may sleep. The text holds until `nextTitleChange`.
 */
export function titlePrefix(clocks: Iterable<TabClock>, now: number, t = contentT(), coarse = false): string {
  const { n, due } = waiting(clocks);
  return prefixOf(n, due, now, t, coarse);
}

/** How many clocks wait, and the most urgent deadline (Infinity: none). */
export interface Waiting {
  n: number;
  due: number;
}

/** How many clocks, and the most urgent deadline. */
function waiting(clocks: Iterable<TabClock>): Waiting {
  let n = 0;
  let due = Infinity;
  for (const c of clocks) {
    n++;
    due = Math.min(due, c.dueAt);
  }
  return { n, due };
}

function prefixOf(n: number, due: number, now: number, t: ContentT, coarse: boolean): string {
  return n ? `(${n}) ${timePart(due, now, t, coarse)}` : '';
}

/** The prefix's time part, after "(n) ": the most urgent deadline `due`'s time at `now`. */
function timePart(due: number, now: number, t: ContentT, coarse: boolean): string {
  const left = due - now;
  // "Under N min" stays true as time left shrinks.
  if (left > 0 && (left >= MINUTE || coarse)) return t('titleUnder', [Math.floor(left / MINUTE) + 1]);
  // The last minute: the toolbar badge's m:ss.
  if (left > 0) return formatCountdown(left);
  // Time over only grows: "at least N min over" stays true.
  const over = Math.floor(-left / MINUTE);
  return over ? t('badgeOver', [t('durMin', [over])]) : t('titleOverdue');
}

/**
 * The first moment after `now` at which the time `titlePrefix` shows for the most urgent deadline `dueAt` changes
 * (with the same clocks): the next whole minute left or over, or in the last minute (not `coarse`) the next second.
 */
export function nextTitleChange(dueAt: number, now: number, coarse = false): number {
  const left = dueAt - now;
  if (left <= 0) return dueAt + (Math.floor(-left / MINUTE) + 1) * MINUTE;
  if (left < MINUTE) return coarse ? dueAt : dueAt - (Math.ceil(left / 1000) - 1) * 1000;
  return dueAt - Math.floor(left / MINUTE) * MINUTE + 1;
}

/**
 * Hidden this long, a tab's timers may wake only once a minute (Chrome: after 5 minutes hidden; a few seconds less
 * here, so the text written just before is already the coarse one).
 */
export const THROTTLED_AFTER_MS = 5 * MINUTE - 10_000;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A catalog message as a pattern, its value `{{1}}` standing for `value` (itself a pattern). */
const withValue = (m: string, value: string) => escapeRe(m).replace(/\\\{\\\{1\\\}\\\}/g, value);
const TIME = '\\d+:\\d\\d';
/**
 * Every text this class writes after "(n) ", in both languages, exactly: "0:12", the whole minutes "<2 分",
 * "超 2 分" / "2 min over", "超时" / "overdue", and the "超 1:03" / "1:03 over" an earlier version wrote once a deadline
 * had passed (a title it left behind is not the page's). Nothing looser: a page's own "(2) 5 min ago · Inbox" is the
 * page's.
 */
const OURS = Object.values(CONTENT_CATALOGS).flatMap((c) => [
  TIME,
  withValue(c.badgeOver, TIME),
  withValue(c.titleUnder, '\\d+'),
  withValue(c.badgeOver, withValue(c.durMin, '\\d+')),
  escapeRe(c.titleOverdue),
]);
/**
 * A prefix this class writes ("(3) <3 分 · ", "(3) 0:12 · ", "(3) 超时 · ", "(3) 超 2 分 · ", "(3) 2 min over · ") or
 * wrote ("(3) 超 1:03 · "), wherever it stands: a page that builds its title from the one it reads ("【新消息】" +
 * document.title) copies ours into its own.
 */
const OUR_PREFIX = new RegExp(`\\(\\d+\\) (?:${[...new Set(OURS)].join('|')}) ·(?: |$)`, 'g');
/** A prefix of ours as the whole title ("(2) 0:40"): what this class writes while the page's own title is empty. */
const OUR_ALONE = new RegExp(`^\\(\\d+\\) (?:${[...new Set(OURS)].join('|')})$`);
/** A title as `document.title` reads it back (whitespace collapsed and trimmed). */
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
/** The page's own part of a title: ours taken out ('' for a prefix of ours alone). */
function pagePart(s: string): string {
  const own = norm(norm(s).replace(OUR_PREFIX, ''));
  return OUR_ALONE.test(own) ? '' : own;
}
/**
 * The page's own title changes are followed at once at most this often; the rest at the end of that time (the timer).
 */
const REAPPLY_MS = 1000;
/** A clock list that changes the text is written at once at most this often; the rest at the end of that time. */
const WRITE_GAP_MS = 1000;

/**
 * The document whose title is the tab's: the top frame's when this frame can reach it (1688 watches its same-origin
 * chat iframe), else this one's.
 */
export function tabDocument(doc: Document): Document {
  try {
    return doc.defaultView?.top?.document ?? doc;
  } catch {
    return doc;
  }
}

export class TabTitle {
  /** The page's own title, as it last set it (our prefix taken out). */
  private own: string;
  private prefix = '';
  /** The written prefix's time part ('' with no prefix). */
  private time = '';
  /** The open clocks, or (the row badges': RowBadges.waiting) just their number and the most urgent deadline. */
  private clocks: () => Iterable<TabClock> | Waiting = () => [];
  /**
   * What the last update computed the prefix from, and when that prefix next changes (`at`): a clock list that
   * changes none of it before then leaves the prefix, its write and its timer as they are (see update).
   */
  private last: {
    from: number;
    at: number;
    n: number;
    due: number;
    lang: string;
    hidden: boolean;
    hiddenSince: number | null;
  } | null = null;
  /** Prefixes computed (for tests and diagnostics): a clock list that changes nothing shown computes none. */
  computes = 0;
  private on = false;
  private stopped = false;
  /** The one timer: the text's next change, a held clock list or a held answer to the page (a timeout, not a tick). */
  private timer: TimerId | null = null;
  /**
   * When the timer fires, on the timers' own clock (performance.now, which a wall clock that jumps does not move; at
   * most CHECK_MS after it was set); Infinity: none set.
   */
  private timerAt = Infinity;
  /** When the prefix last changed (`now()`). */
  private wroteAt = -Infinity;
  private readonly mo: MutationObserver;
  /** When a page title change was last answered at once (performance.now). */
  private reappliedAt = -Infinity;
  /** A page title change was left for the timer to answer (within REAPPLY_MS of the last answer). */
  private reapplyDue = false;
  /** Since when the tab is hidden (`now()`); -Infinity: hidden before we came (for how long, unknown). */
  private hiddenSince: number | null;

  constructor(
    private readonly doc: Document,
    private readonly now: () => number,
    private readonly timers: Timers = windowTimers(doc),
    /** The watching frame's window: when it goes away (1688's chat iframe reloads), the title is restored. */
    private readonly frame?: Window | null,
  ) {
    // A title left with our prefix (a frame that went away without restoring it) is not the page's.
    this.own = pagePart(doc.title);
    this.hiddenSince = doc.hidden ? -Infinity : null;
    doc.addEventListener('visibilitychange', this.onVisibility);
    this.mo = new MutationObserver(() => {
      if (!this.takePageTitle()) return;
      // The page changed its title: it is the page's own, our prefix goes in front of it again. At most once a
      // second at once (another script that enforces its title must not loop with us); else at the end of that second.
      const t = performance.now();
      const wait = this.reappliedAt + REAPPLY_MS - t;
      if (wait > 0) {
        if (this.prefix) {
          this.schedule(this.now() + wait);
          // That write answers the page too: its next change within a second waits again (a script that enforces
          // its own title gets one write of ours a second, not one at once and one at each second's end).
          this.reapplyDue = true;
        }
        return;
      }
      this.reappliedAt = t;
      this.apply();
    });
    this.mo.observe(doc.head ?? doc.documentElement, { subtree: true, childList: true, characterData: true });
    frame?.addEventListener('pagehide', this.stop);
  }

  /**
   * The tab's open clocks (read at each update: the badges' own list, or their count and most urgent deadline) and the
   * setting. A list that leaves the text as it is only computes it (no write, no read of the title: the page's own
   * changes are the observer's), and not even that when the count, the most urgent deadline, the language and the
   * tab's visibility are as the last computation found them, before the text's next change. One that
   * changes the time shown (the most urgent deadline, the language), the setting, the first wait or the last one
   * ending is written at once — in a shown tab that still shows a wait, at most one write a second (on the large
   * workbench each write cost ≈ 0.3 ms, and clocks come with most messages): one within a second of the last is
   * written at the end of that second. In a shown tab that shows a wait, a change of the number waiting alone (the
   * time part unchanged) is written at the timer's next wake-up, at most CHECK_MS later (with a time change before
   * then: in that one write). A hidden tab (whose timers may sleep a minute: a clock push wakes it) writes at once.
   */
  show(clocks: () => Iterable<TabClock> | Waiting, on: boolean): void {
    // Stopped (the frame's pagehide, a bfcache entry, and then a clock push): nothing is watched any more (a page
    // restored from the cache gets a new watcher and title: main.ts).
    if (this.stopped) return;
    this.clocks = clocks;
    this.on = on;
    this.update(true);
  }

  /**
   * The page's own title back (its latest: a change not yet delivered to the observer taken first), and nothing
   * watched or written from then on (a second stop, a later `show`: nothing).
   */
  stop = (): void => {
    if (this.stopped) return;
    this.stopped = true;
    this.frame?.removeEventListener('pagehide', this.stop);
    this.doc.removeEventListener('visibilitychange', this.onVisibility);
    if (this.mo.takeRecords().length) this.takePageTitle();
    this.on = false;
    this.update();
    this.mo.disconnect();
  };

  /** Whether the title is not ours as last written: then it is the page's own (any prefix of ours taken out). */
  private takePageTitle(): boolean {
    if (norm(this.doc.title) === norm(this.ours())) return false;
    this.own = pagePart(this.doc.title);
    return true;
  }

  /** Shown: exact again at once; hidden: the time it went, and the title as it was (exact for now). */
  private onVisibility = (): void => {
    this.hiddenSince = this.doc.hidden ? this.now() : null;
    this.update();
  };

  private tick = (): void => {
    this.timer = null;
    this.timerAt = Infinity;
    this.update();
    if (this.reapplyDue) {
      this.reapplyDue = false;
      this.reappliedAt = performance.now();
    }
  };

  /**
   * The prefix for now, written, and the timer set for its next change. `hold` (a clock list): an unchanged prefix is
   * not written nor the title read; in a shown tab, a change of a shown prefix is held for the timer when only the
   * count changed, and to the end of WRITE_GAP_MS after the last write when it comes within it.
   */
  private update(hold = false): void {
    const now = this.now();
    const src = this.on ? this.clocks() : [];
    const { n, due } = Symbol.iterator in src ? waiting(src) : src;
    const t = contentT();
    const hidden = this.doc.hidden;
    // A clock list between the last computation and the prefix's next change (`at`, or the tab's turning coarse; a wall
    // clock set back is not between) that changes neither the number waiting, the most urgent deadline, the language
    // nor the tab's visibility: the same prefix, held or written as the last one was, its timer already set (what the
    // rest would do again). O(1) for the lists that come with most messages and change no one but a less urgent buyer.
    const l = this.last;
    if (
      hold &&
      l &&
      l.from <= now &&
      now < l.at &&
      l.n === n &&
      l.due === due &&
      l.lang === t.lang &&
      l.hidden === hidden &&
      l.hiddenSince === this.hiddenSince
    )
      return;
    this.computes++;
    const coarse = this.hiddenSince !== null && now - this.hiddenSince >= THROTTLED_AFTER_MS;
    const time = n ? timePart(due, now, t, coarse) : '';
    const prefix = n ? `(${n}) ${time}` : '';
    let at = prefix ? nextTitleChange(due, now, coarse) : Infinity;
    // Hidden, not coarse yet: it becomes so then.
    if (prefix && this.hiddenSince !== null && !coarse) at = Math.min(at, this.hiddenSince + THROTTLED_AFTER_MS);
    this.last = { from: now, at, n, due, lang: t.lang, hidden, hiddenSince: this.hiddenSince };
    if (hold && prefix !== this.prefix && prefix && this.prefix && !hidden) {
      // The count alone: the timer (set while a prefix shows, at most CHECK_MS ahead) writes it.
      if (time === this.time) return this.schedule(at);
      const since = now - this.wroteAt;
      if (since >= 0 && since < WRITE_GAP_MS) return this.schedule(Math.min(at, this.wroteAt + WRITE_GAP_MS));
    }
    if (prefix !== this.prefix) {
      this.wroteAt = now;
      this.prefix = prefix;
      this.time = time;
      this.apply();
    } else if (!hold) this.apply();
    this.schedule(at);
  }

  /**
   * The timer set to fire by `at` (`now()`; Infinity: none), at most CHECK_MS ahead: the text comes from the wall
   * clock (`now`), the timer runs on its own, so a wall clock set forward (an NTP step, a resume) must not leave
   * "<10 分" standing past the deadline. A timer that already fires by then is kept, never put off (what it finds
   * then — the text due, a held count — is written, and the next one set): the clock lists that come each second
   * cannot push back the 5 s check, nor a held count. A wake-up that finds the same text writes nothing.
   */
  private schedule(at: number): void {
    if (!(at < Infinity)) {
      if (this.timer !== null) this.timers.clearTimeout(this.timer);
      this.timer = null;
      this.timerAt = Infinity;
      return;
    }
    const delay = Math.max(0, Math.min(at - this.now(), CHECK_MS));
    // Compared on the timers' clock, not the wall clock's: after a wall clock set forward, a timer set before would
    // look due already and be kept while it still has seconds to run (a last minute's m:ss standing still).
    const fire = performance.now() + delay;
    if (this.timer !== null && this.timerAt <= fire) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(this.tick, delay);
    this.timerAt = fire;
  }

  private ours(): string {
    if (!this.prefix) return this.own;
    return this.own ? `${this.prefix} · ${this.own}` : this.prefix;
  }

  private apply(): void {
    const want = this.ours();
    if (norm(this.doc.title) === norm(want)) return;
    // The <title>'s one text node, rewritten in place: document.title's setter replaces the element's children (a
    // removal and an insertion, for every mutation observer of the page), measured ≈ 1.5–4× the cost of a data change.
    // The document's own <title> (not an SVG icon's): the one document.title reads.
    const el = this.doc.head?.querySelector(':scope > title');
    const node = el?.firstChild;
    if (node && node === el.lastChild && node.nodeType === Node.TEXT_NODE) (node as Text).data = want;
    else this.doc.title = want;
  }
}
