/**
 * The stored messages of recently active conversations, keyed by conversation: each thread in thread order and by
 * event key, bounded by the total number of messages held plus what the carries held with them weigh, counted in
 * messages (`setCarry`; least recently used conversations go first). The
 * background fills it from what it reads and writes; whoever deletes stored messages behind it must `clear()` it.
 * A held thread is read-only to its readers; only `update` (after the write committed) changes it, in place, by
 * what changed, so a new message costs what it changed, not the thread's length. The one exception is the intake's
 * `appendInPlace` (new messages appended to the held array before their write commits: no copy of a long thread per
 * message), allowed only because a failed intake clears the cache.
 */
import { threadBounds, widenBounds, type ThreadBounds } from '../engine/window';
import type { EventRow } from '../model';

export interface CachedThread {
  /** In thread order (`threadCompare`). */
  readonly events: readonly EventRow[];
  readonly byKey: ReadonlyMap<string, EventRow>;
  /**
   * Bounds of `events` (`ThreadBounds`: the latest sighting, which fields any message has), kept as messages are
   * written, so a long thread's cut is checked without walking it. Undefined: not known (walk).
   */
  readonly bounds?: ThreadBounds | undefined;
}

interface Held {
  events: readonly EventRow[];
  /** The messages charged to the budget: `events.length` as set or updated (`appendInPlace` may have grown it since). */
  count: number;
  byKey: Map<string, EventRow>;
  bounds: ThreadBounds;
  /** What the engine carries to the conversation's next evaluation (opaque here; see `setCarry`). */
  carry?: unknown;
  /** What `carry` is charged to the budget, in messages (0 without one). */
  weight: number;
}

export class ThreadCache {
  private threads = new Map<string, Held>();
  private total = 0;

  constructor(private readonly limit: number) {}

  /** A conversation's messages, marking it recently used; undefined when not held. */
  peek(conv: string): CachedThread | undefined {
    const t = this.threads.get(conv);
    if (t) {
      this.threads.delete(conv);
      this.threads.set(conv, t);
    }
    return t;
  }

  /**
   * Holds `events` (thread order) as all of a conversation's stored messages (a thread larger than the whole cache
   * is not held).
   */
  set(conv: string, events: readonly EventRow[]): void {
    this.delete(conv);
    if (events.length > this.limit) return;
    this.threads.set(conv, {
      events,
      count: events.length,
      byKey: new Map(events.map((e) => [e.key, e])),
      bounds: threadBounds(events),
      weight: 0,
    });
    this.total += events.length;
    this.evict();
  }

  /**
   * The thread read as `base` (from `peek`) is now `events` (thread order): `put` were written (new or changed),
   * `deleted` were deleted. When `base` is still what is held, it changes in place (no copy of the thread);
   * otherwise `events` is held as a whole.
   */
  update(
    conv: string,
    base: CachedThread,
    events: readonly EventRow[],
    put: readonly EventRow[],
    deleted: readonly string[],
  ): void {
    const held = this.threads.get(conv);
    if (!held || held !== base) return this.set(conv, events);
    for (const k of deleted) held.byKey.delete(k);
    for (const e of put) held.byKey.set(e.key, e);
    // Both views must agree; if they do not (a caller's mistake), hold the array as a whole.
    if (held.byKey.size !== events.length) return this.set(conv, events);
    this.delete(conv);
    if (events.length > this.limit) return;
    held.events = events;
    held.count = events.length;
    // Deleted messages leave the bounds valid (loose at worst); written ones widen them.
    held.bounds = widenBounds(held.bounds, put);
    // The carry described the thread before (the caller sets the new one: `setCarry`).
    held.carry = undefined;
    held.weight = 0;
    this.threads.set(conv, held);
    this.total += events.length;
    this.evict();
  }

  /**
   * Appends `rows` (new messages that come after the thread's last one, in thread order) to the array `base` holds, in
   * place, before their write has committed, and returns that array: a long thread is not copied per message. Only
   * for a caller whose failure clears the cache (`clear`: the intake's, see `Sentinel.reloadMirrors`) and whose
   * success calls `update` with the array; until then it is ahead of `byKey`, the bounds and the budget's count.
   * Appended to a base no longer held, it changes nothing held.
   */
  appendInPlace(base: CachedThread, rows: readonly EventRow[]): readonly EventRow[] {
    const events = base.events as EventRow[];
    for (const e of rows) events.push(e);
    return events;
  }

  /**
   * Holds what the engine carries from the conversation's last evaluation to the next (`evaluateCarried`): kept with
   * the thread while it is held, dropped when it is set anew, evicted or cleared. The carry checks itself against the
   * thread it is given, so a stale one is only built anew. `weight`: what it holds, in messages (an estimate, e.g.
   * `carryWeight`), charged to the cache's budget with the thread's messages; a carry that would not fit with its
   * thread in the whole budget is not held. Undefined drops the conversation's carry.
   */
  setCarry(conv: string, carry: unknown, weight: number): void {
    const held = this.threads.get(conv);
    if (!held) return;
    this.total -= held.weight;
    held.carry = undefined;
    held.weight = 0;
    if (carry === undefined || held.count + weight > this.limit) return;
    held.carry = carry;
    held.weight = weight;
    this.total += weight;
    // Evicts others first (this conversation is the most recently used once set).
    this.evict();
  }

  /** What `setCarry` left for the conversation (not marking it used), or undefined. */
  carryOf(conv: string): unknown {
    return this.threads.get(conv)?.carry;
  }

  /** Least recently used conversations go until the total fits. */
  private evict(): void {
    for (const [oldest, t] of this.threads) {
      if (this.total <= this.limit) break;
      this.threads.delete(oldest);
      this.total -= t.count + t.weight;
    }
  }

  delete(conv: string): void {
    const t = this.threads.get(conv);
    if (!t) return;
    this.threads.delete(conv);
    this.total -= t.count + t.weight;
  }

  clear(): void {
    this.threads.clear();
    this.total = 0;
    this.generation++;
  }

  /**
   * How many times the cache was cleared: a reader that looked at the cache before an await checks it did not change
   * in between (a space recovery deletes messages and clears the cache outside the serial queue).
   */
  generation = 0;

  /** Messages held, over all conversations, plus the carries' weights. */
  get size(): number {
    return this.total;
  }
}
