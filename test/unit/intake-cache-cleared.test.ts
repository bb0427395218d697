import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Recompute } from '../../lib/background/recompute';
import { Sentinel } from '../../lib/background/sentinel';
import { SentinelDB } from '../../lib/db/schema';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';
import { closedAfterEach, pddMsg, pddWatching, storedEvents, storedTables } from './helpers/worker';

/**
 * The intake reads in one batch, then computes from the thread cache. A space recovery deletes messages and clears
 * that cache outside the serial queue, so it can happen while the batch waits: then the intake must read what it
 * expected to find held, not take a held thread for missing (a thread of only the new messages) or a stored message
 * for new (its first sighting and better time overwritten).
 */
const dbs = closedAfterEach();
const msg = pddMsg;
const watching = pddWatching('http://127.0.0.1/demo/pdd/');

function worker(name: string, clearDuringReads: boolean) {
  const db = new SentinelDB(`cache-cleared-${name}-${Date.now()}`);
  dbs.push(db);
  const host = new FakeHost();
  const s = new Sentinel(db, host);
  const r = (s as unknown as { recomputer: Recompute }).recomputer;
  if (clearDuringReads) {
    const prefetch = r.prefetch.bind(r);
    r.prefetch = async (...a: Parameters<Recompute['prefetch']>) => {
      await prefetch(...a);
      r.threads.clear(); // what forgetThreads does after a space recovery, while the intake's reads wait
    };
  }
  return { db, host, s };
}

const stored = async (w: ReturnType<typeof worker>) => ({
  events: await storedEvents(w.db),
  ...(await storedTables(w.db)),
});

describe('the intake when the thread cache is cleared while its reads wait', () => {
  it('stores what it stores when nothing clears the cache', async () => {
    const a = worker('a', true);
    const b = worker('b', false);
    const at = t('10:00:00', '2026-11-20');
    for (const w of [a, b]) {
      w.host.clock = at;
      await w.s.health(watching, 7);
      // A thread the cache holds after this.
      await w.s.ingest(
        msg([
          ev('pdd', 'b1', 'buyer', at - 600_000, { messageId: 'q1' }),
          ev('pdd', 'b1', 'human', at - 540_000, { messageId: 'a1' }),
        ]),
      );
      w.host.clock = at + 1_000;
      // The same question seen again later (its first sighting must stay), and a new question.
      await w.s.ingest(
        msg([
          ev('pdd', 'b1', 'buyer', at - 600_000, { messageId: 'q1', observedAt: at + 1_000 }),
          ev('pdd', 'b1', 'buyer', at, { messageId: 'q2', observedAt: at + 1_000 }),
        ]),
      );
    }
    const got = await stored(a);
    expect(got).toEqual(await stored(b));
    // The whole thread, not only the new message: three messages, the first seen when it was first seen.
    expect(got.events.map((e) => e.messageId).sort()).toEqual(['a1', 'q1', 'q2']);
    expect(got.events.find((e) => e.messageId === 'q1')!.observedAt).toBe(at - 600_000);
    expect(got.clocks[0]).toMatchObject({ status: 'pending', startedAt: at });
  });
});
