/**
 * In-page countdown badges on each waiting conversation row. Each badge lives in its own shadow root (page CSS
 * cannot touch it, ours cannot leak), shows m:ss left (or +m:ss overdue), coloured by urgency.
 * Cheap for a big page: the host is a fixed-size box with `contain: strict` and no z-index (a tick lays out and
 * paints that box alone, and adds no stacking context to the list); a tick rewrites one text node's data (never
 * HTML); badges scrolled out of view are left alone until they come back (IntersectionObserver); the rows to put
 * badges on come as buyer → row, so a render costs in proportion to the open clocks, not to the rows.
 */
import { BADGE_COLORS, formatCountdown } from '../badge';
import type { TabClock } from '../messages';

export const BADGE_ATTR = 'data-reply-sentinel-badge';

/** The timer repaints only when the page has not changed (and so repainted the badges) for this long. */
export const QUIET_MS = 1500;
/** A deferred render (renderSoon) waits at most this long for the page's next change. */
export const FLUSH_MS = 1000;

const STYLE = `
:host { all: initial; position: absolute; right: 6px; bottom: 4px; width: 60px; height: 16px; contain: strict;
  display: flex; justify-content: flex-end; pointer-events: none; }
span { display: block; font: 600 11px/16px system-ui, sans-serif; color: #fff; padding: 0 5px;
  border-radius: 8px; min-width: 28px; text-align: center; font-variant-numeric: tabular-nums; }
`;

interface Host {
  host: HTMLElement;
  label: HTMLSpanElement;
  /** The label's one text node: a tick rewrites its data, nothing else. */
  text: Text;
  /** On screen (IntersectionObserver); badges scrolled out of view are not repainted until they come back. */
  visible: boolean;
  color?: string;
  dueAt?: number;
  status?: string;
}

export class RowBadges {
  private hosts = new Map<string, Host>();
  private byHost = new Map<Element, Host>();
  /** Null where the browser has none (then every badge counts as visible). */
  private io: IntersectionObserver | null = null;
  /** A render waiting for the page's next frame (see renderSoon). */
  private pending: ReadonlyMap<string, Element> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private clocks = new Map<string, TabClock>();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** When the page itself last changed (see pageChanged). */
  private pageChangedAt = -Infinity;

  constructor(
    private readonly doc: Document,
    private readonly now: () => number,
    private readonly alertLeadMs = 60_000,
  ) {
    const IO = doc.defaultView?.IntersectionObserver;
    if (typeof IO === 'function')
      this.io = new IO((entries) => {
        const now = this.now();
        for (const e of entries) {
          const h = this.byHost.get(e.target);
          if (!h) continue;
          const was = h.visible;
          h.visible = e.isIntersecting;
          if (h.visible && !was) this.paintOne(h, now);
        }
      });
  }

  setClocks(clocks: readonly TabClock[]): void {
    this.clocks = new Map(clocks.map((c) => [c.buyer, c]));
  }

  /**
   * render(), but in the page's next frame: at its next DOM change (pageChanged), or after FLUSH_MS if it stays
   * quiet. For updates that arrive out of step with the page (clocks from the background).
   */
  renderSoon(rows: ReadonlyMap<string, Element>): void {
    this.pending = rows;
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const pending = this.pending;
    this.pending = null;
    if (pending) this.render(pending);
  }

  /**
   * Puts a badge on the row of every buyer (buyer → row element) with an open clock; removes the others.
   * Work in proportion to the open clocks, not to the rows.
   */
  render(rows: ReadonlyMap<string, Element>): void {
    this.pending = null;
    for (const [buyer, h] of this.hosts) {
      const row = this.clocks.has(buyer) ? rows.get(buyer) : undefined;
      if (!row || h.host.parentElement !== row || !row.isConnected) this.drop(buyer, h);
    }
    for (const buyer of this.clocks.keys()) {
      const row = rows.get(buyer);
      if (!row || !row.isConnected || this.hosts.has(buyer)) continue;
      const host = this.doc.createElement('span');
      host.setAttribute(BADGE_ATTR, buyer);
      const root = host.attachShadow({ mode: 'open' });
      const style = this.doc.createElement('style');
      style.textContent = STYLE;
      const label = this.doc.createElement('span');
      label.setAttribute('role', 'timer');
      const text = this.doc.createTextNode('');
      label.append(text);
      root.append(style, label);
      if (this.doc.defaultView?.getComputedStyle(row).position === 'static')
        (row as HTMLElement).style.position = 'relative';
      row.appendChild(host);
      const h: Host = { host, label, text, visible: !this.io };
      this.hosts.set(buyer, h);
      this.byHost.set(host, h);
      this.io?.observe(host);
    }
    // New badges and changed clocks only: the others' numbers move with the page's frames (pageChanged, timer).
    this.paint(true);
    this.syncTimer();
  }

  /**
   * The page just changed its DOM, so it renders a frame anyway: repaint now, inside that frame, and let the
   * 1-second timer rest while the page keeps changing. On a big page every extra frame costs (style, pre-paint of
   * the whole tree); numbers that tick on their own timer, out of step with the page, would double the frames.
   */
  pageChanged(): void {
    this.pageChangedAt = this.now();
    if (this.pending) this.flush();
    if (this.hosts.size) this.paint();
  }

  /**
   * Repaints the numbers (every second while a badge is shown, or with the page's own changes): the badges on
   * screen, and any whose clock changed. Writes only what changed.
   */
  paint(onlyChanged = false): void {
    const now = this.now();
    for (const [buyer, h] of this.hosts) {
      const c = this.clocks.get(buyer);
      if (!c) continue;
      const same = h.dueAt === c.dueAt && h.status === c.status;
      if (same && (onlyChanged || !h.visible)) continue;
      this.paintOne(h, now, c);
    }
  }

  private paintOne(h: Host, now: number, c = this.clocks.get(h.host.getAttribute(BADGE_ATTR) ?? '')): void {
    if (!c) return;
    h.dueAt = c.dueAt;
    h.status = c.status;
    const left = c.dueAt - now;
    const text = left > 0 ? formatCountdown(left) : `+${formatCountdown(-left)}`;
    const color =
      left <= 0
        ? BADGE_COLORS.breached
        : left <= 30_000
          ? BADGE_COLORS.urgent
          : left <= this.alertLeadMs
            ? BADGE_COLORS.soon
            : BADGE_COLORS.calm;
    if (h.text.data !== text) {
      h.text.data = text;
      h.label.setAttribute('aria-label', left > 0 ? `剩余 ${text}` : `已超时 ${text}`);
    }
    if (h.color !== color) {
      h.label.style.background = color;
      h.color = color;
    }
  }

  private drop(buyer: string, h: Host): void {
    this.io?.unobserve(h.host);
    h.host.remove();
    this.hosts.delete(buyer);
    this.byHost.delete(h.host);
  }

  private syncTimer(): void {
    if (this.hosts.size && !this.timer)
      this.timer = setInterval(() => {
        if (this.now() - this.pageChangedAt >= QUIET_MS) this.paint();
      }, 1000);
    if (!this.hosts.size && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Badges currently shown, buyer → text (for tests). */
  shown(): Map<string, string> {
    return new Map([...this.hosts].map(([b, h]) => [b, h.label.textContent ?? '']));
  }

  destroy(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.pending = null;
    for (const [buyer, h] of this.hosts) this.drop(buyer, h);
    this.io?.disconnect();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
