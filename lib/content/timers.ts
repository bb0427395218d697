/**
 * The timers content code runs on. In a content script they are WXT's `ctx` ones (`lib/content/main.ts`): they stop
 * by themselves when the extension is reloaded or updated and the old script is orphaned. Tests and other callers
 * get the window's. An id is cleared with the window's `clearTimeout` / `clearInterval` / `cancelAnimationFrame`
 * (`ctx` returns the window's ids).
 */
export type TimerId = ReturnType<typeof setTimeout>;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerId;
  setInterval(fn: () => void, ms: number): TimerId;
  /** null when the document has no window (then the caller does the work at once). */
  requestAnimationFrame(fn: () => void): number | null;
}

/** The window's timers (`doc`'s window for animation frames). */
export function windowTimers(doc?: Document): Timers {
  return {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    setInterval: (fn, ms) => setInterval(fn, ms),
    requestAnimationFrame: (fn) => {
      const win = doc?.defaultView;
      return typeof win?.requestAnimationFrame === 'function' ? win.requestAnimationFrame(fn) : null;
    },
  };
}
