/**
 * In-page countdown badges on each waiting conversation row. Each badge lives in its own shadow root (page CSS
 * cannot touch it, ours cannot leak), shows m:ss left (or +m:ss overdue), coloured by urgency.
 * Text is set with textContent only.
 */
import { BADGE_COLORS, formatCountdown } from '../badge';
import type { ExtractedConversation } from '../adapters/types';
import type { TabClock } from '../messages';

export const BADGE_ATTR = 'data-reply-sentinel-badge';

/** The timer repaints only when the page has not changed (and so repainted the badges) for this long. */
export const QUIET_MS = 1500;
/** A deferred render (renderSoon) waits at most this long for the page's next change. */
export const FLUSH_MS = 1000;

const STYLE = `
:host { all: initial; position: absolute; right: 6px; bottom: 4px; z-index: 2147483000; pointer-events: none; }
span { display: inline-block; font: 600 11px/16px system-ui, sans-serif; color: #fff; padding: 0 5px;
  border-radius: 8px; min-width: 28px; text-align: center; font-variant-numeric: tabular-nums; }
`;

export class RowBadges {
  private hosts = new Map<
    string,
    { host: HTMLElement; label: HTMLSpanElement; color?: string; dueAt?: number; status?: string }
  >();
  /** A render waiting for the page's next frame (see renderSoon). */
  private pending: readonly ExtractedConversation[] | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private clocks = new Map<string, TabClock>();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** When the page itself last changed (see pageChanged). */
  private pageChangedAt = -Infinity;

  constructor(
    private readonly doc: Document,
    private readonly now: () => number,
    private readonly alertLeadMs = 60_000,
  ) {}

  setClocks(clocks: readonly TabClock[]): void {
    this.clocks = new Map(clocks.map((c) => [c.buyer, c]));
  }

  /**
   * render(), but in the page's next frame: at its next DOM change (pageChanged), or after FLUSH_MS if it stays
   * quiet. For updates that arrive out of step with the page (clocks from the background).
   */
  renderSoon(conversations: readonly ExtractedConversation[]): void {
    this.pending = conversations;
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const pending = this.pending;
    this.pending = null;
    if (pending) this.render(pending);
  }

  /** Puts a badge on every listed row whose buyer has an open clock; removes the others. */
  render(conversations: readonly ExtractedConversation[]): void {
    this.pending = null;
    const want = new Map<string, Element>();
    for (const c of conversations) if (c.row && this.clocks.has(c.buyer)) want.set(c.buyer, c.row);
    for (const [buyer, h] of this.hosts) {
      const row = want.get(buyer);
      if (!row || h.host.parentElement !== row) {
        h.host.remove();
        this.hosts.delete(buyer);
      }
    }
    for (const [buyer, row] of want) {
      if (this.hosts.has(buyer)) continue;
      const host = this.doc.createElement('span');
      host.setAttribute(BADGE_ATTR, buyer);
      const root = host.attachShadow({ mode: 'open' });
      const style = this.doc.createElement('style');
      style.textContent = STYLE;
      const label = this.doc.createElement('span');
      label.setAttribute('role', 'timer');
      root.append(style, label);
      if (this.doc.defaultView?.getComputedStyle(row).position === 'static')
        (row as HTMLElement).style.position = 'relative';
      row.appendChild(host);
      this.hosts.set(buyer, { host, label });
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

  /** Repaints the numbers (every second while a badge is shown, or with the page's own changes). Writes only what changed. */
  paint(onlyChanged = false): void {
    const now = this.now();
    for (const [buyer, h] of this.hosts) {
      const { label } = h;
      const c = this.clocks.get(buyer);
      if (!c || (onlyChanged && h.dueAt === c.dueAt && h.status === c.status)) continue;
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
      if (label.textContent !== text) {
        label.textContent = text;
        label.setAttribute('aria-label', left > 0 ? `剩余 ${text}` : `已超时 ${text}`);
      }
      if (h.color !== color) {
        label.style.background = color;
        h.color = color;
      }
    }
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
    for (const { host } of this.hosts.values()) host.remove();
    this.hosts.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
