/**
 * The timers content code runs on. In a content script they are bound to WXT's `ctx` (`ctxTimers`, used by
 * `lib/content/main.ts`): a callback never runs once the extension was reloaded or updated and the old script is
 * orphaned, and everything still pending is cleared then. (WXT's own `ctx.setTimeout` adds an invalidation listener
 * per call that is never removed: a workbench tab open all day sets tens of thousands of timers.) Tests and other
 * callers get the window's. Clear a timer through the same `Timers` that set it.
 */
export type TimerId = ReturnType<typeof setTimeout>;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerId;
  setInterval(fn: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId): void;
  clearInterval(id: TimerId): void;
  /** null when the document has no window (then the caller does the work at once). */
  requestAnimationFrame(fn: () => void): number | null;
  cancelAnimationFrame(id: number): void;
}

/** The window's timers (`doc`'s window for animation frames). */
export function windowTimers(doc?: Document): Timers {
  const win = () => doc?.defaultView;
  return {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearTimeout: (id) => clearTimeout(id),
    clearInterval: (id) => clearInterval(id),
    requestAnimationFrame: (fn) => {
      const w = win();
      return typeof w?.requestAnimationFrame === 'function' ? w.requestAnimationFrame(() => fn()) : null;
    },
    cancelAnimationFrame: (id) => win()?.cancelAnimationFrame(id),
  };
}

/** What `ctxTimers` needs of WXT's ContentScriptContext. */
export interface TimerContext {
  readonly isValid: boolean;
  onInvalidated(cb: () => void): unknown;
}

/**
 * Timers bound to a content script's context: callbacks run only while it is valid, and what is pending when it is
 * invalidated is cleared, through one invalidation listener (the pending ids are tracked and forgotten when they
 * fire or are cleared).
 */
export function ctxTimers(ctx: TimerContext, base: Timers = windowTimers(document)): Timers {
  const timeouts = new Set<TimerId>();
  const intervals = new Set<TimerId>();
  const frames = new Set<number>();
  ctx.onInvalidated(() => {
    for (const id of timeouts) base.clearTimeout(id);
    for (const id of intervals) base.clearInterval(id);
    for (const id of frames) base.cancelAnimationFrame(id);
    timeouts.clear();
    intervals.clear();
    frames.clear();
  });
  return {
    setTimeout(fn, ms) {
      const id = base.setTimeout(() => {
        timeouts.delete(id);
        if (ctx.isValid) fn();
      }, ms);
      timeouts.add(id);
      return id;
    },
    setInterval(fn, ms) {
      const id = base.setInterval(() => {
        if (ctx.isValid) fn();
      }, ms);
      intervals.add(id);
      return id;
    },
    clearTimeout(id) {
      timeouts.delete(id);
      base.clearTimeout(id);
    },
    clearInterval(id) {
      intervals.delete(id);
      base.clearInterval(id);
    },
    requestAnimationFrame(fn) {
      const id = base.requestAnimationFrame(() => {
        frames.delete(id!);
        if (ctx.isValid) fn();
      });
      if (id !== null) frames.add(id);
      return id;
    },
    cancelAnimationFrame(id) {
      frames.delete(id);
      base.cancelAnimationFrame(id);
    },
  };
}
