/**
 * A workbench tab's link to the background: a long-lived port. Chrome breaks it when the service worker stops
 * (idle, killed, updated); the link reconnects at once, which starts the worker again, and reports the reconnect
 * (the watcher then re-sends its health, so the worker learns the tab and repaints the badge). A port that keeps
 * breaking right after connecting (the extension was reloaded or removed) backs off, and stops for good once the
 * extension context is gone. Timers come from the caller (WXT's `ctx`), so they end with the content script.
 */
export interface PortLike {
  onDisconnect: { addListener(cb: () => void): void };
  disconnect(): void;
}

export interface LinkDeps {
  connect(): PortLike;
  /** False once the extension context is invalidated (reloaded, removed): no more reconnects. */
  isValid(): boolean;
  setTimeout(fn: () => void, ms: number): unknown;
  now(): number;
  /** Called after every reconnect (not the first connect). */
  onReconnect(): void;
}

/** A port that broke sooner than this after connecting counts as a failed connect (backoff). */
export const LINK_STABLE_MS = 2_000;
export const LINK_MAX_BACKOFF_MS = 30_000;

export class WorkerLink {
  private port: PortLike | null = null;
  /** A reconnect is scheduled (backoff): start() must not open a second chain. */
  private retrying = false;
  private stopped = false;
  private failures = 0;
  /** Connects made (for tests and diagnostics). */
  connects = 0;

  constructor(private readonly deps: LinkDeps) {}

  /** Connects (once: a link already open stays as it is). */
  start(): void {
    // A stopped link started again while a retry is pending: the pending retry reconnects (not a second chain).
    this.stopped = false;
    if (this.port || this.retrying) return;
    this.open(false);
  }

  stop(): void {
    this.stopped = true;
    const p = this.port;
    this.port = null;
    try {
      p?.disconnect();
    } catch {
      // already gone
    }
  }

  private open(reconnect: boolean): void {
    if (this.stopped || !this.deps.isValid()) return;
    let port: PortLike;
    try {
      port = this.deps.connect();
    } catch {
      this.retry();
      return;
    }
    this.connects++;
    this.port = port;
    const openedAt = this.deps.now();
    port.onDisconnect.addListener(() => {
      if (this.port !== port) return;
      this.port = null;
      if (this.deps.now() - openedAt < LINK_STABLE_MS) this.retry();
      else {
        this.failures = 0;
        this.open(true);
      }
    });
    if (reconnect) this.deps.onReconnect();
  }

  private retry(): void {
    if (this.stopped || !this.deps.isValid()) return;
    const delay = Math.min(LINK_MAX_BACKOFF_MS, 250 * 2 ** this.failures);
    this.failures++;
    this.retrying = true;
    this.deps.setTimeout(() => {
      this.retrying = false;
      this.open(true);
    }, delay);
  }
}
