/**
 * In-page countdown badges on each waiting conversation row. Each badge lives in its own shadow root (page CSS
 * cannot touch it, ours cannot leak), shows m:ss left (or +m:ss overdue), coloured by urgency.
 * Text is set with textContent only.
 */
import { BADGE_COLORS, formatCountdown } from '../badge';
import type { ExtractedConversation } from '../adapters/types';
import type { TabClock } from '../messages';

export const BADGE_ATTR = 'data-reply-sentinel-badge';

const STYLE = `
:host { all: initial; position: absolute; right: 6px; bottom: 4px; z-index: 2147483000; pointer-events: none; }
span { display: inline-block; font: 600 11px/16px system-ui, sans-serif; color: #fff; padding: 0 5px;
  border-radius: 8px; min-width: 28px; text-align: center; font-variant-numeric: tabular-nums; }
`;

export class RowBadges {
  private hosts = new Map<string, { host: HTMLElement; label: HTMLSpanElement }>();
  private clocks = new Map<string, TabClock>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly doc: Document,
    private readonly now: () => number,
    private readonly alertLeadMs = 60_000,
  ) {}

  setClocks(clocks: readonly TabClock[]): void {
    this.clocks = new Map(clocks.map((c) => [c.buyer, c]));
  }

  /** Puts a badge on every listed row whose buyer has an open clock; removes the others. */
  render(conversations: readonly ExtractedConversation[]): void {
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
    this.paint();
    this.syncTimer();
  }

  /** Repaints the numbers (called every second while a badge is shown). */
  paint(): void {
    const now = this.now();
    for (const [buyer, { label }] of this.hosts) {
      const c = this.clocks.get(buyer);
      if (!c) continue;
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
      if (label.textContent !== text) label.textContent = text;
      label.style.background = color;
      label.setAttribute('aria-label', left > 0 ? `剩余 ${text}` : `已超时 ${text}`);
    }
  }

  private syncTimer(): void {
    if (this.hosts.size && !this.timer) this.timer = setInterval(() => this.paint(), 1000);
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
    for (const { host } of this.hosts.values()) host.remove();
    this.hosts.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
