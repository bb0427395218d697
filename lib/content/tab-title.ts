/**
 * The tab strip (setting `tabTitle`): while buyers wait, the workbench tab's title starts with their number and the
 * most urgent one's time, "(3) 0:12 · 原标题" ("(3) 超 1:03 · …" once a deadline has passed), so an agent in another
 * tab or window sees it. Nothing waits, or the setting is off: the page's title, exactly as the page last set it.
 * The page's own title changes are kept, never fought: a title that is not ours becomes the page's title and the
 * prefix goes in front of it again. One title write a second at most (a change of the clocks between two ticks waits
 * for the next one), and only while something waits.
 *
 * A tab hidden for 5 minutes has its timers woken about once a minute (Chrome's intensive wake-up throttling of
 * chained timers: https://developer.chrome.com/blog/timer-throttling-in-chrome-88), so "(3) 0:12" could stand a minute
 * after it stopped being true, exactly while the agent is in another tab. So once a tab has been hidden nearly that
 * long the title says what stays true until the next wake-up, in whole minutes rounded toward urgency ("(3) <2 分":
 * under 2 minutes left; "(3) 超 2 分": at least 2 minutes over; "(3) 超时" in the first minute over); the
 * background's clock pushes (a message wakes the page: a clock's breach comes that way) update it too, and it is
 * exact again the moment the tab is shown.
 */
import type { TabClock } from '../messages';
import { CONTENT_CATALOGS, contentT } from '../i18n/content';
import { windowTimers, type TimerId, type Timers } from './timers';

/**
 * "(3) 0:12" for 3 waiting buyers whose most urgent deadline is 12 s away; '' when none waits. Compact m:ss, not
 * words ("剩 12 秒"): a tab strip shows only a few characters of a title.
 */
export function titlePrefix(clocks: Iterable<TabClock>, now: number, t = contentT(), coarse = false): string {
  let n = 0;
  let due = Infinity;
  for (const c of clocks) {
    n++;
    due = Math.min(due, c.dueAt);
  }
  if (!n) return '';
  const left = due - now;
  if (coarse) {
    // True for as long as the tab may sleep: time left only shrinks ("under N min" stays true), time over only grows.
    if (left > 0) return `(${n}) ${t('titleUnder', [Math.floor(left / MINUTE) + 1])}`;
    const over = Math.floor(-left / MINUTE);
    return `(${n}) ${over ? t('badgeOver', [t('durMin', [over])]) : t('titleOverdue')}`;
  }
  const s = Math.ceil(Math.abs(left) / 1000);
  const time = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `(${n}) ${left > 0 ? time : t('badgeOver', [time])}`;
}

const MINUTE = 60_000;
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
 * Every text this class writes after "(n) ", in both languages, exactly: "0:12", "超 1:03" / "1:03 over", and the
 * coarse "<2 分", "超 2 分" / "2 min over", "超时" / "overdue". Nothing looser: a page's own "(2) 5 min ago · Inbox" is
 * the page's.
 */
const OURS = Object.values(CONTENT_CATALOGS).flatMap((c) => [
  TIME,
  withValue(c.badgeOver, TIME),
  withValue(c.titleUnder, '\\d+'),
  withValue(c.badgeOver, withValue(c.durMin, '\\d+')),
  escapeRe(c.titleOverdue),
]);
/**
 * A prefix this class writes ("(3) 0:12 · ", "(3) 超 1:03 · ", "(3) 1:03 over · ", "(3) <2 分 · ", "(3) 超时 · "),
 * wherever it stands: a page that builds its title from the one it reads ("【新消息】" + document.title) copies ours
 * into its own.
 */
const OUR_PREFIX = new RegExp(`\\(\\d+\\) (?:${[...new Set(OURS)].join('|')}) ·(?: |$)`, 'g');
/** A title as `document.title` reads it back (whitespace collapsed and trimmed). */
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
/** The page's own part of a title: ours taken out. */
const pagePart = (s: string) => norm(norm(s).replace(OUR_PREFIX, ''));
/** The page's own title changes are followed at once at most this often; the 1 s tick catches up with the rest. */
const REAPPLY_MS = 1000;

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
  private clocks: () => Iterable<TabClock> = () => [];
  private on = false;
  private timer: TimerId | null = null;
  private readonly mo: MutationObserver;
  /** When a page title change was last answered at once (performance.now). */
  private reappliedAt = -Infinity;
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
      if (norm(this.doc.title) === norm(this.ours())) return;
      // The page changed its title: it is the page's own, our prefix goes in front of it again. At most once a
      // second at once (another script that enforces its title must not loop with us); the tick does the rest.
      this.own = pagePart(this.doc.title);
      const t = performance.now();
      if (t - this.reappliedAt < REAPPLY_MS) return;
      this.reappliedAt = t;
      this.apply();
    });
    this.mo.observe(doc.head ?? doc.documentElement, { subtree: true, childList: true, characterData: true });
    frame?.addEventListener('pagehide', this.stop);
  }

  /**
   * The tab's open clocks (read at each update: the badges' own list) and the setting. While the 1-second tick runs in
   * a shown tab and buyers still wait, the change is written by the next tick: one title write a second at most (on
   * the large workbench each write cost ≈ 0.3 ms, and clocks come with most messages). At once: the first wait, the
   * last one ending, the setting, and in a hidden tab (whose timers may sleep a minute: a clock push wakes it).
   */
  show(clocks: () => Iterable<TabClock>, on: boolean): void {
    this.clocks = clocks;
    this.on = on;
    if (!this.timer || !on || this.doc.hidden || !titlePrefix(clocks(), this.now())) this.update();
  }

  stop = (): void => {
    this.frame?.removeEventListener('pagehide', this.stop);
    this.doc.removeEventListener('visibilitychange', this.onVisibility);
    this.on = false;
    this.update();
    this.mo.disconnect();
  };

  /** Shown: exact again at once; hidden: the time it went, and the title as it was (exact for now). */
  private onVisibility = (): void => {
    this.hiddenSince = this.doc.hidden ? this.now() : null;
    this.update();
  };

  private update = (): void => {
    const now = this.now();
    const coarse = this.hiddenSince !== null && now - this.hiddenSince >= THROTTLED_AFTER_MS;
    this.prefix = this.on ? titlePrefix(this.clocks(), now, contentT(), coarse) : '';
    this.apply();
    if (this.prefix && !this.timer) this.timer = this.timers.setInterval(this.update, 1000);
    if (!this.prefix && this.timer) {
      this.timers.clearInterval(this.timer);
      this.timer = null;
    }
  };

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
