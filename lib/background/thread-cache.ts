/**
 * The stored messages of recently active conversations, keyed by conversation then event key, bounded by the total
 * number of messages held (least recently used conversations go first). The background fills it from what it reads
 * and writes; whoever deletes stored messages behind it must `clear()` it.
 */
import type { EventRow } from '../model';

export class ThreadCache {
  private threads = new Map<string, ReadonlyMap<string, EventRow>>();
  private total = 0;

  constructor(private readonly limit: number) {}

  /** A conversation's messages (key → row), marking it recently used; undefined when not held. */
  peek(conv: string): ReadonlyMap<string, EventRow> | undefined {
    const t = this.threads.get(conv);
    if (t) {
      this.threads.delete(conv);
      this.threads.set(conv, t);
    }
    return t;
  }

  /** Holds `events` as all of a conversation's stored messages (a thread larger than the whole cache is not held). */
  set(conv: string, events: ReadonlyMap<string, EventRow>): void {
    this.delete(conv);
    if (events.size > this.limit) return;
    this.threads.set(conv, events);
    this.total += events.size;
    for (const [oldest, t] of this.threads) {
      if (this.total <= this.limit) break;
      this.threads.delete(oldest);
      this.total -= t.size;
    }
  }

  delete(conv: string): void {
    const t = this.threads.get(conv);
    if (!t) return;
    this.threads.delete(conv);
    this.total -= t.size;
  }

  clear(): void {
    this.threads.clear();
    this.total = 0;
  }

  /** Messages held, over all conversations. */
  get size(): number {
    return this.total;
  }
}
