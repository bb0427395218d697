import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Recompute } from '../../lib/background/recompute';
import { Sentinel } from '../../lib/background/sentinel';
import { SentinelDB } from '../../lib/db/schema';
import type { EventsMessage, HealthMessage } from '../../lib/messages';
import type { ChatEvent } from '../../lib/model';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';

/**
 * The intake reads in one batch, then computes from the thread cache. A space recovery deletes messages and clears
 * that cache outside the serial queue, so it can happen while the batch waits: then the intake must read what it
 * expected to find held, not take a held thread for missing (a thread of only the new messages) or a stored message
 * for new (its first sighting and better time overwritten).
 */
const dbs: SentinelDB[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

const msg = (events: ChatEvent[]): EventsMessage => ({ type: 'events', platform: 'pdd', account: 'shop-main', events });
const watching: HealthMessage = {
  type: 'health',
  platform: 'pdd',
  account: 'shop-main',
  health: 'watching',
  parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
  url: 'http://127.0.0.1/demo/pdd/',
};

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

async function stored(w: ReturnType<typeof worker>) {
  const by = (k: string) => (a: object, b: object) =>
    String((a as Record<string, unknown>)[k]) < String((b as Record<string, unknown>)[k]) ? -1 : 1;
  return {
    events: (await w.db.events.toArray()).sort(by('key')),
    clocks: (await w.db.clocks.toArray()).sort(by('key')),
    units: (await w.db.units.toArray()).sort(by('id')),
    rollups: (await w.db.rollups.toArray()).map(({ updatedAt: _, ...x }) => x).sort(by('id')),
    dayStats: (await w.db.dayStats.toArray()).sort(by('id')),
  };
}

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
