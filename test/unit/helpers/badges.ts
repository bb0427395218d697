/**
 * Row badges (lib/content/row-badges.ts) on rows of the test's own, under timers and a visibility observer the test
 * drives: no timer runs by itself (`tickAll` runs the 1-second tick), animation frames run at once, and `io` says
 * which rows come into and go out of view (jsdom has no IntersectionObserver).
 */
import { RowBadges } from '../../../lib/content/row-badges';
import type { Timers } from '../../../lib/content/timers';
import type { TabClock } from '../../../lib/messages';

type Entries = { target: Element; isIntersecting: boolean }[];

export interface DrivenBadges {
  badges: RowBadges;
  /** buyer → the row made for them (an `li` in the body), rendered. */
  rows: Map<string, Element>;
  /** The visibility observer's callback (with `observer`: false, none is made and this throws). */
  io(entries: Entries): void;
  /** Every interval set (the badges' tick), once. */
  tickAll(): void;
}

/** A row per clock in an emptied body, the badges made on them (clocks set, rendered) with `now`. */
export function drivenBadges(clocks: readonly TabClock[], now: () => number, observer = true): DrivenBadges {
  let cb: ((entries: Entries) => void) | null = null;
  class FakeIO {
    constructor(f: (entries: Entries) => void) {
      cb = f;
    }
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  const intervals: (() => void)[] = [];
  const timers: Timers = {
    setTimeout: () => 0 as never,
    setInterval: ((f: () => void) => (intervals.push(f), intervals.length)) as never,
    clearInterval: ((id: number) => (intervals[id - 1] = () => {})) as never,
    clearTimeout: () => {},
    requestAnimationFrame: () => null,
    cancelAnimationFrame: () => {},
  };
  (window as unknown as { IntersectionObserver?: unknown }).IntersectionObserver = observer ? FakeIO : undefined;
  document.body.innerHTML = '';
  const rows = new Map<string, Element>();
  for (const c of clocks) {
    const li = document.createElement('li');
    document.body.append(li);
    rows.set(c.buyer, li);
  }
  const badges = new RowBadges(document, now, 60_000, 6, timers);
  badges.setClocks(clocks);
  badges.render(rows);
  return {
    badges,
    rows,
    io: (entries) => {
      if (!cb) throw new Error('no visibility observer was made');
      cb(entries);
    },
    tickAll: () => intervals.forEach((f) => f()),
  };
}
