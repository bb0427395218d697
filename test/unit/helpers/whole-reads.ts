import { expect } from 'vitest';
import { EventLedger } from '../../../lib/content/ledger';
import { PageReader } from '../../../lib/content/page-reader';
import type { Watcher } from '../../../lib/content/watcher';
import type { ToBackground } from '../../../lib/messages';
import type { ChatEvent } from '../../../lib/model';
import type { Adapter, Extraction } from '../../../lib/platforms/types';

/**
 * The reference of the seeded "incremental = whole reads" tests (outsider reviews 12 and 14): `read` extracts the page
 * with no memo and feeds a ledger whole reads only; `events` are all it would have sent, as `key`s.
 */
export function wholeReads(adapter: Adapter, now: number, key: (e: ChatEvent) => string) {
  const ledger = new EventLedger(adapter.platform);
  const events: string[] = [];
  const read = (): Extraction => {
    const x = adapter.extract(document, undefined, now);
    events.push(...ledger.events({ kind: 'whole', page: x }, ledger.accountOf(x.account), now).map(key));
    return x;
  };
  return { events, read };
}

/**
 * The watcher's badge rows equal a fresh PageReader's whole read, and the events it sent (as `key`s, each once, in
 * any order) equal the reference's (`wholeReads`).
 */
export function expectRowsAndEventsAsWhole(
  w: Watcher,
  sent: readonly ToBackground[],
  ref: { adapter: Adapter; now: number; key: (e: ChatEvent) => string; events: readonly string[] },
  label: string,
): void {
  const fr = new PageReader(ref.adapter, document);
  fr.readWhole(ref.now);
  const all = [...document.querySelectorAll('*')];
  const rows = (m: Map<string, Element>) => [...m].map(([b, r]) => `${b}@${all.indexOf(r)}`).sort();
  expect(rows((w as unknown as { reader: PageReader }).reader.buyerRows), `${label}: badge rows`).toEqual(
    rows(fr.buyerRows),
  );
  const got = sent.flatMap((m) => (m.type === 'events' ? m.events : [])).map(ref.key);
  expect([...new Set(got)].sort(), `${label}: events`).toEqual([...new Set(ref.events)].sort());
}
