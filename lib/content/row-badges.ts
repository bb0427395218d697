/**
 * In-page countdown badges on each waiting conversation row. Each badge lives in its own shadow root (page CSS
 * cannot touch it, ours cannot leak), shows the time left (or overdue) coloured by urgency: whole minutes while
 * more than a minute is left ("剩 2 分"), seconds in the last minute ("剩 57 秒"), minutes late after the deadline
 * ("超 1 分", "超 1 小时 5 分", see rowBadgeText). The toolbar badge keeps a compact m:ss; the tab title is compact
 * too, on the same rhythm (titlePrefix: "<3 分", m:ss in the last minute, "超 2 分").
 * Cheap for a big page (1 000 rows, dozens of waiting ones):
 * - only badges in view tick (an IntersectionObserver watches the rows that have an open clock); one coming into
 *   view is repainted with the page's next change, or at once when the page is quiet or the person scrolls the list,
 *   at the latest by the tick once the page has been quiet for QUIET_MS;
 *   badges out of view stay (taking them off or hiding them costs the browser more than they do);
 * - a badge's text changes once a minute while its minute is not the last: on the large workbench a text that
 *   changed every second in each visible badge cost as much layout again as the whole page's (+5.5 ms a second);
 * - no paint layer where the row lays out its children as blocks and shows its overflow (most lists): the host is
 *   the row's last block, zero high and its own formatting context, and the label sits raised from it into the
 *   row's bottom-right corner (a negative margin, no positioning, no float: a float would join the whole list's
 *   formatting context).
 *   Every positioned element is a paint layer that the browser's pre-paint walks in every frame, and a page like
 *   the large workbench already spends half its main thread there; and nothing is written on the page's row.
 *   Other rows (flex, grid, clipping) get a fixed-size `contain: strict` box positioned in their corner, without
 *   z-index (the row made positioned where it is not);
 * - a tick rewrites one text node's data (never HTML); new badges go on in an animation frame, and how a row
 *   lays out is read once per kind of row (a style read right after the page's change is expensive);
 * - DOM writes go into the frames the page makes anyway (its own changes, or an animation frame), never into
 *   extra ones;
 * - the rows come as buyer → row, so a render costs in proportion to the open clocks, not to the rows; and the
 *   renders after a batch of the page and after clock changes (renderBuyers) only to the buyers they touched;
 * - a hidden tab writes nothing and its tick rests; shown again, every badge is repainted at once.
 */
import { BADGE_COLORS } from '../badge';
import { spokenDuration } from '../duration';
import { contentT, type ContentT } from '../i18n/content';
import type { TabClock } from '../messages';
import { BadgeFrames } from './badge-frames';
import type { Waiting } from './tab-title';
import { windowTimers, type Timers } from './timers';

/**
 * A row badge's text for `left` ms before the deadline (negative: overdue), in words ("剩 2 分", "剩 57 秒",
 * "超 1 小时 5 分"; see spokenDuration). Seconds only in the last minute, where they matter; whole minutes otherwise,
 * rounded down before the deadline ("剩 2 分": 2:00–2:59 left) and up after it ("超 1 分": up to a minute late), so a
 * badge's text changes once a minute, not every second. Words in the content script's language (`contentT`): never a
 * bare number that could be taken for the page's own waited-time counter (PDD's "123秒").
 */
export function rowBadgeText(left: number, t: ContentT = contentT()): string {
  // The text by what it shows (minutes late as −seconds, else seconds left), made once per translator: a paint of
  // every badge in view (one of them changing makes all repaint) formats no words again (on the large workbench,
  // 140 badges of 3–4 distinct texts, the words' formatting was most of the repaint's time).
  const key =
    left <= 0
      ? -Math.max(1, Math.ceil(-left / 60_000)) * 60
      : left > 59_000
        ? Math.max(1, Math.floor(left / 60_000)) * 60
        : Math.ceil(left / 1000);
  let texts = badgeTexts.get(t);
  if (!texts) badgeTexts.set(t, (texts = new Map()));
  let text = texts.get(key);
  if (text === undefined) {
    text = key < 0 ? t('badgeOver', [spokenDuration(-key, t)]) : t('badgeLeft', [spokenDuration(key, t)]);
    if (texts.size >= BADGE_TEXTS_MAX) texts.clear();
    texts.set(key, text);
  }
  return text;
}

/** rowBadgeText's texts made, per translator: seconds shown (minutes late as −seconds) → text. */
const badgeTexts = new WeakMap<ContentT, Map<number, string>>();
/** Texts kept per translator before starting over (the last minute's 60, a few hours of minutes either side). */
const BADGE_TEXTS_MAX = 512;

/** A row badge's colour for `left` ms before the deadline (negative: overdue), by urgency. */
export function rowBadgeColor(left: number, alertLeadMs: number): string {
  if (left <= 0) return BADGE_COLORS.breached;
  if (left <= 30_000) return BADGE_COLORS.urgent;
  return left <= alertLeadMs ? BADGE_COLORS.soon : BADGE_COLORS.calm;
}

/**
 * When a row badge's text (rowBadgeText) or colour (rowBadgeColor) next changes, for a clock due at `dueAt`, seen at
 * `now`: until the earliest of these over the badges in view, repainting them would write nothing.
 */
export function nextBadgeChange(dueAt: number, now: number, alertLeadMs: number): number {
  const left = dueAt - now;
  let next: number;
  // Whole minutes, rounded down: the text changes as soon as less than its minutes are left (m:ss from 1:00 on).
  // ("剩 1 分" down to 59 s: the last minute's 60 seconds read as one minute.)
  if (left > 59_000) {
    const minutes = Math.max(1, Math.floor(left / 60_000));
    next = minutes === 1 ? dueAt - 59_000 : dueAt - minutes * 60_000 + 1;
  }
  // Seconds, rounded up: it changes when the rounded-up second is reached.
  else if (left > 0) next = dueAt - (Math.ceil(left / 1000) - 1) * 1000;
  // "超 N 分", minutes late rounded up: it changes once N whole minutes have passed.
  else next = dueAt + Math.max(1, Math.ceil(-left / 60_000)) * 60_000 + 1;
  // The colour's thresholds (rowBadgeColor), without an array a call (a paint calls this per badge it repaints).
  if (left > alertLeadMs) next = Math.min(next, dueAt - alertLeadMs);
  if (left > 30_000) next = Math.min(next, dueAt - 30_000);
  return left > 0 ? Math.min(next, dueAt) : next;
}

export const BADGE_ATTR = 'data-reply-sentinel-badge';

/** Displays of a row that lays out its children as blocks: there a badge can be its last block (see create). */
const FLOW_DISPLAYS = new Set(['block', 'list-item', 'flow-root']);

export { FLUSH_MS, QUIET_MS } from './badge-frames';

/**
 * A style element per badge's shadow root. (On the large workbench, hiding the badges out of view with
 * display: none measured worse: ≈ 5 ms a second more style recomputation; one constructed sheet adopted by every
 * badge, and inline styles, were tried with it and not kept.)
 */
const STYLE = `
:host { all: initial; pointer-events: none; }
:host([data-place=block]) { display: flow-root; height: 0; }
:host([data-place=block]) span { width: max-content; margin: -20px var(--rs-r) 0 auto; }
:host([data-place=corner]) { position: absolute; right: var(--rs-r); bottom: 4px; width: 120px; height: 16px; contain: strict;
  display: flex; justify-content: flex-end; }
span { display: block; font: 600 11px/16px system-ui, sans-serif; color: #fff; padding: 0 5px;
  border-radius: 8px; min-width: 28px; text-align: center; font-variant-numeric: tabular-nums; }
@media (prefers-color-scheme: dark) { span { box-shadow: 0 0 0 1px #000a; } }
`;

interface BadgeHost {
  host: HTMLElement;
  label: HTMLSpanElement;
  /** The label's one text node: a tick rewrites its data, nothing else. */
  text: Text;
  color?: string;
  dueAt?: number;
  status?: string;
}

/** A buyer with an open clock and a row in the list: its badge, repainted while the row is in view. */
interface Slot {
  buyer: string;
  row: Element;
  /** In view (true until the observer says otherwise, and always where there is no observer). */
  visible: boolean;
  badge: BadgeHost | null;
}

/**
 * The badges' DOM: a badge per buyer with an open clock and a row, put on, painted and taken off. When those writes
 * happen (the page's own frames, a tick while it is quiet, an animation frame for new badges) is BadgeFrames'.
 */
export class RowBadges {
  private slots = new Map<string, Slot>();
  private byRow = new Map<Element, Slot>();
  /** Null where the browser has none (then every row counts as in view). */
  private io: IntersectionObserver | null = null;
  private clocks = new Map<string, TabClock>();
  /**
   * The most urgent open clock's deadline (Infinity: none), kept as the clocks change; NaN after a change that may have
   * taken it away (the most urgent clock closed or put later): found again by the next `waiting()`.
   */
  private soonest = Infinity;
  /** How often `waiting()` went through every open clock (for tests and diagnostics). */
  soonestScans = 0;
  /**
   * How many open clocks the badges show, and the most urgent one's deadline (the tab title's): without going through
   * them, but after a change that took the most urgent one away.
   */
  waiting(): Waiting {
    if (Number.isNaN(this.soonest)) {
      this.soonestScans++;
      let due = Infinity;
      for (const c of this.clocks.values()) due = Math.min(due, c.dueAt);
      this.soonest = due;
    }
    return { n: this.clocks.size, due: this.soonest };
  }
  private readonly frames: BadgeFrames;
  /** Slots whose rows came into view since the badges were last shown (see showInView). */
  private cameIntoView: Slot[] = [];
  /** No badge in view changes its text or colour before this time (see nextBadgeChange, paint). */
  private quietUntil = -Infinity;
  /** Slots whose badge goes on in the next animation frame (see sync). */
  private toCreate = new Set<Slot>();

  constructor(
    private readonly doc: Document,
    private readonly now: () => number,
    private readonly alertLeadMs = 60_000,
    /** The badge's right edge from the row's, in px (the adapter's `badgeSlot`; default 6). */
    private readonly right = 6,
    /** WXT's `ctx` timers in the content script (see timers.ts). */
    timers: Timers = windowTimers(doc),
  ) {
    this.frames = new BadgeFrames(now, timers, {
      render: (rows, buyers) => (buyers ? this.renderBuyers(rows, buyers) : this.render(rows)),
      // A row that came into view while the page kept changing, the page quiet since (outsider review 9: its badge
      // kept an old time on a page without ticking counters): painted now.
      tick: () => this.repaint(),
      frame: () => this.createQueued(),
    });
    doc.addEventListener('visibilitychange', this.onVisibility);
    const IO = doc.defaultView?.IntersectionObserver;
    if (typeof IO !== 'function') return;
    this.io = new IO((entries) => {
      // A badge that comes into view is repainted at once only when the page is quiet or the person scrolls the
      // list (frames are being made anyway); while the page keeps changing it waits for the page's next change: a
      // write from here, out of step with the page, would make the browser render one more frame of all of it.
      const paintNow = this.frames.inStep();
      for (const e of entries) {
        const slot = this.byRow.get(e.target);
        if (!slot) continue;
        if (slot.visible === e.isIntersecting) continue;
        slot.visible = e.isIntersecting;
        // Only a badge coming into view may show old numbers (those in view are repainted as they change).
        if (slot.visible) this.cameIntoView.push(slot);
      }
      if (this.cameIntoView.length && paintNow) this.showInView();
    });
    doc.addEventListener('scroll', this.onScroll, { capture: true, passive: true });
  }

  /**
   * A hidden tab renders nothing: its badges write nothing and their tick rests (the page is still read and reported).
   * Shown again, every badge says what is true now, at once (the tab renders its next frame anyway).
   */
  private onVisibility = () => {
    if (this.doc.hidden) {
      this.frames.ticking(false);
      return;
    }
    this.frames.ticking(this.slots.size > 0);
    this.cameIntoView.length = 0;
    this.quietUntil = -Infinity;
    this.paint();
  };

  /** The person scrolls a list with badge rows: frames are being made, badges coming into view go on at once. */
  private onScroll = (e: Event) => {
    const t = e.target;
    if (t instanceof Node && this.slots.size)
      for (const s of this.slots.values())
        if (t.contains(s.row)) {
          this.frames.scrolled();
          return;
        }
  };

  setClocks(clocks: readonly TabClock[]): void {
    this.clocks = new Map(clocks.map((c) => [c.buyer, c]));
    this.soonest = NaN;
  }

  /** The words changed (another language): every badge is repainted with the next render, in view or not. */
  relabel(): void {
    for (const slot of this.slots.values()) if (slot.badge) slot.badge.dueAt = NaN;
    this.quietUntil = -Infinity;
  }

  /** Clocks added or changed, and the buyers whose clocks closed (see ClocksMessage). */
  changeClocks(changed: readonly TabClock[], removed: readonly string[]): void {
    // The most urgent deadline follows (a NaN one stays NaN: every comparison with it is false).
    for (const b of removed) {
      if (this.clocks.get(b)?.dueAt === this.soonest) this.soonest = NaN;
      this.clocks.delete(b);
    }
    for (const c of changed) {
      const was = this.clocks.get(c.buyer)?.dueAt;
      if (was === this.soonest && c.dueAt > was) this.soonest = NaN;
      else if (c.dueAt < this.soonest) this.soonest = c.dueAt;
      this.clocks.set(c.buyer, c);
    }
  }

  /**
   * render() (or renderBuyers() for `buyers`), but in the page's next frame: at its next DOM change (pageChanged), or
   * after FLUSH_MS if it stays quiet. For updates that arrive out of step with the page (clocks from the background).
   */
  renderSoon(rows: ReadonlyMap<string, Element>, buyers?: Iterable<string>): void {
    this.frames.renderSoon(rows, buyers);
  }

  /**
   * Puts a badge on the row (buyer → row element) of every buyer with an open clock (ticking only while in view);
   * removes the others. Work in proportion to the open clocks, not to the rows.
   */
  render(rows: ReadonlyMap<string, Element>): void {
    this.frames.renderedNow();
    for (const [buyer, slot] of this.slots) {
      const row = this.clocks.has(buyer) ? rows.get(buyer) : undefined;
      if (row !== slot.row || !row.isConnected) this.dropSlot(slot);
    }
    for (const buyer of this.clocks.keys()) {
      const row = rows.get(buyer);
      if (!row || !row.isConnected || this.slots.has(buyer)) continue;
      const slot: Slot = { buyer, row, visible: true, badge: null };
      this.slots.set(buyer, slot);
      this.byRow.set(row, slot);
      this.io?.observe(row);
    }
    this.sync(this.slots.values());
    this.frames.ticking(this.slots.size > 0 && !this.doc.hidden);
  }

  /**
   * render() for these buyers only (keyId, as the clocks name them): their rows changed, or their clocks did. Every
   * other badge is left as it is, which is what render() would leave it as when nothing else changed since the last
   * render: a row changes (moves, goes, is re-rendered, loses our badge) only through records the page reader reads
   * it again for, a clock only through the clocks messages, whose buyers come here. Work in proportion to `buyers`,
   * not to the open clocks (on the large workbench a row's change a second would otherwise go over every badge).
   */
  renderBuyers(rows: ReadonlyMap<string, Element>, buyers: Iterable<string>): void {
    const touched = new Set(buyers);
    // As render(): what goes first, then what comes (a row element recycled from one buyer to another keeps its
    // visibility observer).
    for (const buyer of touched) {
      const slot = this.slots.get(buyer);
      const row = this.clocks.has(buyer) ? rows.get(buyer) : undefined;
      if (slot && (row !== slot.row || !row.isConnected)) this.dropSlot(slot);
    }
    const slots: Slot[] = [];
    for (const buyer of touched) {
      let slot = this.slots.get(buyer);
      const row = slot || !this.clocks.has(buyer) ? undefined : rows.get(buyer);
      if (row?.isConnected) {
        slot = { buyer, row, visible: true, badge: null };
        this.slots.set(buyer, slot);
        this.byRow.set(row, slot);
        this.io?.observe(row);
      }
      if (slot) slots.push(slot);
    }
    this.sync(slots);
    this.frames.ticking(this.slots.size > 0 && !this.doc.hidden);
  }

  /**
   * A badge on each of these slots' rows (again, where the page stripped one). New badges are put on in the next
   * animation frame callback, with the page's own frame (a badge that appears costs a style computation of its row
   * anyway).
   */
  private sync(slots: Iterable<Slot>): void {
    const synced: Slot[] = [];
    for (const slot of slots) {
      synced.push(slot);
      if (slot.badge?.host.parentElement === slot.row) continue;
      slot.badge?.host.remove();
      slot.badge = null;
      this.toCreate.add(slot);
    }
    // Clocks that changed (a new deadline, a status) repaint at once.
    if (!this.doc.hidden) this.paintSlots(synced, this.now(), true);
    if (this.toCreate.size) this.frames.inNextFrame();
  }

  /** Rows came into view: their badges' numbers may be old. */
  private showInView(): void {
    const came = this.cameIntoView;
    if (!this.doc.hidden) {
      const now = this.now();
      for (const slot of came) if (slot.visible && this.slots.get(slot.buyer) === slot) this.paintOne(slot, now);
    }
    came.length = 0;
    this.paint();
  }

  private createQueued(): void {
    const now = this.now();
    for (const slot of this.toCreate) {
      if (this.slots.get(slot.buyer) !== slot || slot.badge || !slot.row.isConnected) continue;
      slot.badge = this.create(slot.row, slot.buyer);
      this.paintOne(slot, now);
    }
    this.toCreate.clear();
  }

  private create(row: Element, buyer: string): BadgeHost {
    const host = this.doc.createElement('span');
    host.setAttribute(BADGE_ATTR, buyer);
    // The adapter's slot (Adapter.badgeSlot): clear of the platform's own indicators.
    host.style.setProperty('--rs-r', `${this.right}px`);
    const root = host.attachShadow({ mode: 'open' });
    const style = this.doc.createElement('style');
    style.textContent = STYLE;
    root.append(style);
    const label = this.doc.createElement('span');
    label.setAttribute('role', 'timer');
    const text = this.doc.createTextNode('');
    label.append(text);
    root.append(label);
    // How the badge sits in the row's corner depends on how the row lays out (see the top of this file). Reading a
    // style right after the page's change makes the browser compute the whole page's styles (≈ 10 ms on the large
    // workbench), so it is asked once per kind of row (same tag, classes and inline style: the rows share their CSS).
    const key = `${row.tagName}.${row.getAttribute('class') ?? ''}|${row.getAttribute('style') ?? ''}`;
    let kind = this.kinds.get(key);
    if (!kind) {
      const style = this.doc.defaultView?.getComputedStyle(row);
      kind = {
        // A row that clips its overflow (a fixed-height row of a virtual list, say) may hide a label raised from the
        // end of its content: such rows get the corner box.
        flow:
          FLOW_DISPLAYS.has(style?.display ?? '') &&
          [style?.overflowX, style?.overflowY, style?.overflow].every((v) => !v || v === 'visible'),
        positioned: !!style?.position && style.position !== 'static',
      };
      if (this.kinds.size > 100) this.kinds.clear();
      this.kinds.set(key, kind);
    }
    host.setAttribute('data-place', kind.flow ? 'block' : 'corner');
    if (!kind.flow && !kind.positioned) (row as HTMLElement).style.position = 'relative';
    row.appendChild(host);
    return { host, label, text };
  }

  /** Kind of row (see create) → whether it lays out its children as blocks, and whether it is positioned. */
  private kinds = new Map<string, { flow: boolean; positioned: boolean }>();

  private dropSlot(slot: Slot): void {
    this.io?.unobserve(slot.row);
    slot.badge?.host.remove();
    this.slots.delete(slot.buyer);
    if (this.byRow.get(slot.row) === slot) this.byRow.delete(slot.row);
  }

  /**
   * The page just changed its DOM, so it renders a frame anyway: repaint now, inside that frame, and let the
   * 1-second timer rest while the page keeps changing. On a big page every extra frame costs (style, pre-paint of
   * the whole tree); numbers that tick on their own timer, out of step with the page, would double the frames.
   */
  pageChanged(): void {
    this.frames.pageChanged();
    this.repaint();
  }

  /** paint(), the rows that came into view since the last one first (showInView paints after them). */
  private repaint(): void {
    if (this.cameIntoView.length) this.showInView();
    else this.paint();
  }

  /**
   * Repaints the numbers (every second while a badge is shown, or with the page's own changes). Writes only what
   * changed, and does nothing at all until some badge in view would change (quietUntil).
   */
  paint(onlyChanged = false): void {
    // A hidden tab: nothing to see, nothing written (repainted when shown, see onVisibility).
    if (this.doc.hidden) return;
    const now = this.now();
    if (!onlyChanged) {
      if (now < this.quietUntil) return;
      // Every badge in view is repainted below, each lowering this to when it next changes.
      this.quietUntil = Infinity;
    }
    this.paintSlots(this.slots.values(), now, onlyChanged);
  }

  /** paint() of these slots (`onlyChanged`: only those whose clock changed since painted). */
  private paintSlots(slots: Iterable<Slot>, now: number, onlyChanged: boolean): void {
    for (const slot of slots) {
      const h = slot.badge;
      const c = this.clocks.get(slot.buyer);
      if (!h || !c) continue;
      // Out of view: repainted when it comes back (or when its clock changes).
      if (h.dueAt === c.dueAt && h.status === c.status && (onlyChanged || !slot.visible)) continue;
      this.paintOne(slot, now, c);
    }
  }

  private paintOne(slot: Slot, now: number, c = this.clocks.get(slot.buyer)): void {
    const h = slot.badge;
    if (!c || !h) return;
    h.dueAt = c.dueAt;
    h.status = c.status;
    this.quietUntil = Math.min(this.quietUntil, nextBadgeChange(c.dueAt, now, this.alertLeadMs));
    const left = c.dueAt - now;
    const text = rowBadgeText(left);
    const color = rowBadgeColor(left, this.alertLeadMs);
    // The text says what it is ("剩 57 秒"): the timer needs no aria-label of its own.
    if (h.text.data !== text) h.text.data = text;
    if (h.color !== color) {
      h.label.style.background = color;
      h.color = color;
    }
  }

  /** Badges currently shown, buyer → text (for tests). */
  shown(): Map<string, string> {
    const out = new Map<string, string>();
    for (const s of this.slots.values()) if (s.badge) out.set(s.buyer, s.badge.text.data);
    return out;
  }

  destroy(): void {
    this.frames.stop();
    this.cameIntoView.length = 0;
    for (const slot of [...this.slots.values()]) this.dropSlot(slot);
    this.io?.disconnect();
    this.toCreate.clear();
    this.doc.removeEventListener('scroll', this.onScroll, { capture: true });
    this.doc.removeEventListener('visibilitychange', this.onVisibility);
  }
}
