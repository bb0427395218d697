/**
 * When the row badges (row-badges.ts) write to the page. On a big page every extra frame costs (style, pre-paint of
 * the whole tree): the badges write in the frames the page makes anyway. The timing sources, all here:
 * - the page's own changes (`pageChanged`): a deferred render goes out with them;
 * - a render deferred to the page's next frame (`renderSoon`: clocks arrive out of step with the page), at the
 *   latest after FLUSH_MS;
 * - the 1-second tick while badges are shown (`ticking`), only once the page has been quiet for QUIET_MS (else its
 *   own changes repaint them);
 * - an animation frame for badges to put on (`inNextFrame`);
 * - whether a write now would be in step (`inStep`): the page is quiet or the person scrolls the list.
 * Every timer is on the `Timers` it is given.
 */
import type { TimerId, Timers } from './timers';

/** The tick repaints only when the page has not changed (and so repainted the badges) for this long. */
export const QUIET_MS = 1500;
/** A deferred render (renderSoon) waits at most this long for the page's next change. */
export const FLUSH_MS = 1000;
/** A scroll this recent makes frames anyway. */
const SCROLLING_MS = 500;

export interface BadgeFrameWork {
  /** Render the badges for these rows (buyer → row element): every buyer's, or only those of `buyers`. */
  render(rows: ReadonlyMap<string, Element>, buyers?: ReadonlySet<string>): void;
  /** The 1-second tick, the page being quiet: repaint what changed. */
  tick(): void;
  /** The animation frame asked for (inNextFrame), or at once where there is none. */
  frame(): void;
}

export class BadgeFrames {
  /** When the page itself last changed (see pageChanged), and when the person last scrolled the list. */
  private pageChangedAt = -Infinity;
  private scrolledAt = -Infinity;
  /** A render waiting for the page's next frame (see renderSoon), and for which buyers (null: every one). */
  private deferred: ReadonlyMap<string, Element> | null = null;
  private deferredBuyers: Set<string> | null = null;
  private flushTimer: TimerId | null = null;
  private tickTimer: TimerId | null = null;
  private frameId: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly timers: Timers,
    private readonly work: BadgeFrameWork,
  ) {}

  /** The page just changed its DOM, so it renders a frame anyway: a deferred render goes out now, inside it. */
  pageChanged(): void {
    this.pageChangedAt = this.now();
    if (this.deferred) this.flush();
  }

  /** The person scrolls a list with badge rows: frames are being made. */
  scrolled(): void {
    this.scrolledAt = this.now();
  }

  /** Would a write now fall into frames being made anyway (the page quiet, or the person scrolling)? */
  inStep(): boolean {
    const now = this.now();
    return now - this.pageChangedAt >= QUIET_MS || now - this.scrolledAt < SCROLLING_MS;
  }

  /**
   * Render these rows at the page's next change, or after FLUSH_MS if it stays quiet: the badges of `buyers`, or
   * every badge (no `buyers`). Renders asked for before it goes out are one: of the buyers of all, or every badge if
   * one asked for every badge.
   */
  renderSoon(rows: ReadonlyMap<string, Element>, buyers?: Iterable<string>): void {
    if (!buyers) this.deferredBuyers = null;
    else if (!this.deferred) this.deferredBuyers = new Set(buyers);
    else if (this.deferredBuyers) for (const b of buyers) this.deferredBuyers.add(b);
    this.deferred = rows;
    this.flushTimer ??= this.timers.setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Every badge was rendered now: none is deferred any more. */
  renderedNow(): void {
    this.deferred = null;
    this.deferredBuyers = null;
  }

  private flush(): void {
    if (this.flushTimer) this.timers.clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const rows = this.deferred;
    const buyers = this.deferredBuyers;
    this.deferred = null;
    this.deferredBuyers = null;
    if (rows) this.work.render(rows, buyers ?? undefined);
  }

  /** `work.frame` in the next animation frame (once, however often asked before it), or now where there is none. */
  inNextFrame(): void {
    if (this.frameId !== null) return;
    const id = this.timers.requestAnimationFrame(() => {
      this.frameId = null;
      this.work.frame();
    });
    if (id === null) this.work.frame();
    else this.frameId = id;
  }

  /** The 1-second tick on (badges are shown) or off. */
  ticking(on: boolean): void {
    if (on && !this.tickTimer)
      this.tickTimer = this.timers.setInterval(() => {
        if (this.now() - this.pageChangedAt >= QUIET_MS) this.work.tick();
      }, 1000);
    if (!on && this.tickTimer) {
      this.timers.clearInterval(this.tickTimer);
      this.tickTimer = null;
    }
  }

  /** Clears every timer and frame, and forgets a deferred render. */
  stop(): void {
    if (this.flushTimer) this.timers.clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.deferred = null;
    this.deferredBuyers = null;
    if (this.frameId !== null) this.timers.cancelAnimationFrame(this.frameId);
    this.frameId = null;
    this.ticking(false);
  }
}
