/**
 * Per-tab limits on what a workbench page may make the background do, so a misbehaving page cannot fill the disk
 * (the extension has `unlimitedStorage`) or keep the worker busy. Two token buckets per tab:
 * - messages: at most `messagesBurst` at once, refilled at `messagesPerSec` (health, events, focus, phrase reads);
 * - stored events: new or improved messages written to the database, at most `eventsBurst` at once, refilled at
 *   `eventsPerSec`. A message's events are taken up front (a message needs a positive balance, so the debt is one
 *   message at most) and those it did not store are given back after the write: events already stored cost
 *   nothing (a reloaded tab re-sends its whole history).
 * What is refused is counted per tab and shown as a health warning in the popup. Pure: time is passed in.
 */
export const TRAFFIC = {
  messagesBurst: 300,
  messagesPerSec: 30,
  /** A first scan of a 10 000-message thread, twice, fits in one burst. */
  eventsBurst: 25_000,
  /** 18 000 new messages an hour per tab, far above a busy shop (5 000 inquiries a day). */
  eventsPerSec: 5,
} as const;

export type Limits = { [K in keyof typeof TRAFFIC]: number };

interface Bucket {
  tokens: number;
  at: number;
}

export interface Dropped {
  messages: number;
  events: number;
  /** When the last refusal happened. */
  at: number;
}

export class TrafficLimiter {
  private messages = new Map<number, Bucket>();
  private events = new Map<number, Bucket>();
  private drops = new Map<number, Dropped>();

  constructor(private readonly limits: Limits = TRAFFIC) {}

  private fill(map: Map<number, Bucket>, tabId: number, now: number, burst: number, perSec: number): Bucket {
    const b = map.get(tabId) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.at) / 1000) * perSec);
    b.at = now;
    map.set(tabId, b);
    return b;
  }

  /**
   * May this tab send one more message now, carrying `events` events? Takes one message token and, for events, the
   * events' tokens up front (the bucket may go into debt by one message at most: a message needs a positive
   * balance). Counts the message as dropped when not.
   */
  admit(tabId: number, now: number, events = 0): boolean {
    const m = this.fill(this.messages, tabId, now, this.limits.messagesBurst, this.limits.messagesPerSec);
    const e = this.fill(this.events, tabId, now, this.limits.eventsBurst, this.limits.eventsPerSec);
    if (m.tokens >= 1 && (events === 0 || e.tokens >= 1)) {
      m.tokens -= 1;
      e.tokens -= events;
      return true;
    }
    const d = this.drops.get(tabId) ?? { messages: 0, events: 0, at: now };
    d.messages += 1;
    d.events += events;
    d.at = now;
    this.drops.set(tabId, d);
    return false;
  }

  /** Gives back the tokens of events a message carried but did not store (already known, or a failed write). */
  refund(tabId: number, now: number, unstored: number): void {
    if (!(unstored > 0)) return;
    const e = this.fill(this.events, tabId, now, this.limits.eventsBurst, this.limits.eventsPerSec);
    e.tokens = Math.min(this.limits.eventsBurst, e.tokens + unstored);
  }

  /** What was refused from this tab so far (undefined: nothing). */
  dropped(tabId: number): Dropped | undefined {
    return this.drops.get(tabId);
  }

  forget(tabId: number): void {
    this.messages.delete(tabId);
    this.events.delete(tabId);
    this.drops.delete(tabId);
  }
}
