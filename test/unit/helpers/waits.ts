/**
 * Wait events compared with a whole-read-only reference (the watcher-waits-* tests): the events a watcher sent for
 * buyers the list shows waiting, as `buyer:messageId`, and a reference EventLedger fed a memo-less whole read of the
 * same document after each step.
 */
import { expect } from 'vitest';
import { EventLedger } from '../../../lib/content/ledger';
import type { ChatEvent } from '../../../lib/model';
import type { ToBackground } from '../../../lib/messages';
import type { Adapter } from '../../../lib/platforms/types';

const asWaits = (events: readonly ChatEvent[]) =>
  events.filter((e) => e.timeSource === 'counter').map((e) => `${e.buyer}:${e.messageId}`);

/** The wait events among the messages a watcher sent, in order. */
export const waitEvents = (msgs: readonly ToBackground[]): string[] =>
  asWaits(msgs.flatMap((m) => (m.type === 'events' ? m.events : [])));

/** buyer → how many wait events. */
export function counts(xs: readonly string[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const x of xs) m[x.split(':')[0]!] = (m[x.split(':')[0]!] ?? 0) + 1;
  return m;
}

/** What whole reads alone would send: read() after each step. */
export class WholeReadReference {
  private readonly ledger: EventLedger;
  readonly sent: string[] = [];

  constructor(
    private readonly adapter: Adapter,
    private readonly now: number,
  ) {
    this.ledger = new EventLedger(adapter.platform);
  }

  read(): void {
    const x = this.adapter.extract(document, undefined, this.now)!;
    this.sent.push(
      ...asWaits(this.ledger.events({ kind: 'whole', page: x }, this.ledger.accountOf(x.account), this.now)),
    );
  }
}

/**
 * The reference reads the page now, and the watcher must have sent exactly its wait events (in any order) — the step
 * check of the watcher-waits / pure-move tests (`label` names the step).
 */
export function expectSameWaits(sent: readonly ToBackground[], ref: WholeReadReference, label: string): void {
  ref.read();
  const got = waitEvents(sent);
  expect([...got].sort(), `${label}\n got ${got}\n ref ${ref.sent}`).toEqual([...ref.sent].sort());
}
