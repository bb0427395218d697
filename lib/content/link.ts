/**
 * A workbench tab's link to the background: a long-lived port, over which the tab sends its requests (events,
 * health, input focus: `send`). Chrome breaks it when the service worker stops (idle, killed, updated); the link
 * reconnects at once, which starts the worker again, and reports the reconnect (the watcher then re-sends its health,
 * so the worker learns the tab and repaints the badge). A port that keeps breaking right after connecting (the
 * extension was reloaded or removed) backs off, and stops for good once the extension context is gone. Timers come
 * from the caller (WXT's `ctx`), so they end with the content script.
 *
 * Nothing sent is lost to a broken port: each request over it is numbered (`LinkRequest`) and kept until the worker
 * acknowledges it (`LinkAck`, after handling it); those a port broke on are sent again (over the new port, or by
 * `runtime.sendMessage` while there is none). While the port is down requests go by `runtime.sendMessage`, as
 * before the port carried them (which also wakes a stopped worker). Requests are idempotent for the worker (events
 * are stored by key; health and focus say the current state), so one sent twice does no harm.
 */
import type { LinkAck, LinkRequest, ToBackground } from '../messages';

export interface PortLike {
  onDisconnect: { addListener(cb: () => void): void };
  onMessage: { addListener(cb: (msg: unknown) => void): void };
  postMessage(msg: LinkRequest): void;
  disconnect(): void;
}

export interface LinkDeps {
  connect(): PortLike;
  /** Sends a request by `runtime.sendMessage` (no port open); its reply is not needed. */
  sendMessage(msg: ToBackground): Promise<unknown>;
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
/**
 * Requests kept for sending again at most (beyond it the oldest is sent again by `runtime.sendMessage` at once):
 * acknowledgements come within milliseconds, so only a worker that takes no message and keeps the port open would
 * reach it.
 */
export const LINK_UNACKED_MAX = 256;

export class WorkerLink {
  private port: PortLike | null = null;
  /** A reconnect is scheduled (backoff): start() must not open a second chain. */
  private retrying = false;
  private stopped = false;
  private failures = 0;
  /** The next request's number. */
  private next = 0;
  /** Requests sent over the port and not acknowledged yet, by number (in the order sent). */
  private readonly unacked = new Map<number, ToBackground>();
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
    for (const msg of this.takeUnacked()) this.fallback(msg);
  }

  /** Sends a request: over the port when it is open, else by `runtime.sendMessage`. Never throws. */
  send(msg: ToBackground): void {
    const port = this.port;
    if (port) {
      const n = this.next++;
      this.unacked.set(n, msg);
      if (this.unacked.size > LINK_UNACKED_MAX) {
        // The oldest leaves the list, sent again by runtime.sendMessage rather than forgotten (harmless if it was
        // handled: requests are idempotent).
        const oldest = this.unacked.keys().next().value!;
        const msg = this.unacked.get(oldest)!;
        this.unacked.delete(oldest);
        this.fallback(msg);
      }
      try {
        port.postMessage({ n, msg });
        return;
      } catch {
        // broken before Chrome told us (its onDisconnect follows)
        this.unacked.delete(n);
      }
    }
    this.fallback(msg);
  }

  /** Requests sent over the port and not acknowledged yet (for tests and diagnostics). */
  get pending(): number {
    return this.unacked.size;
  }

  private fallback(msg: ToBackground): void {
    try {
      void this.deps.sendMessage(msg).catch(() => undefined);
    } catch {
      // the extension context is gone: nobody to tell
    }
  }

  private takeUnacked(): ToBackground[] {
    const lost = [...this.unacked.values()];
    this.unacked.clear();
    return lost;
  }

  /** `resend`: what the last port broke on, sent again first (before the reconnect's own reports). */
  private open(reconnect: boolean, resend: ToBackground[] = []): void {
    let port: PortLike | null = null;
    if (!this.stopped && this.deps.isValid()) {
      try {
        port = this.deps.connect();
      } catch {
        this.retry();
      }
    }
    if (port) this.watch(port);
    for (const msg of resend) this.send(msg);
    if (port && reconnect) this.deps.onReconnect();
  }

  private watch(port: PortLike): void {
    this.connects++;
    this.port = port;
    const openedAt = this.deps.now();
    port.onMessage.addListener((m) => {
      const ack = (m as Partial<LinkAck> | null)?.ack;
      if (typeof ack === 'number') this.unacked.delete(ack);
    });
    port.onDisconnect.addListener(() => {
      if (this.port !== port) return;
      this.port = null;
      const lost = this.takeUnacked();
      if (this.deps.now() - openedAt < LINK_STABLE_MS) {
        this.retry();
        // Not held back for the backoff: sent now by runtime.sendMessage (which also wakes the worker).
        for (const msg of lost) this.fallback(msg);
      } else {
        this.failures = 0;
        this.open(true, lost);
      }
    });
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
