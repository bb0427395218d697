/** Clock lists across many quick worker restarts; a new worker drawing an epoch the tab knows (outsider review 11). */
import { describe, expect, it } from 'vitest';
import { ClockPush } from '../../../lib/background/clock-push';
import { ClockListSeq } from '../../../lib/content/ledger';
import { CLOCKS_RESYNC, parseClocks, type TabClock } from '../../../lib/messages';
import type { TabRow } from '../../../lib/model';

const T0 = 1_788_340_500_000;
const TAB: TabRow = { tabId: 7, platform: 'pdd', account: 'shop-main', url: '', health: 'watching', lastSeen: T0 };
const VIEW = { title: true, lang: 'zh_CN' } as const;

function tabAndWorker(epoch: number, list: ClockListSeq) {
  let state: TabClock[] = [];
  const push = new ClockPush(async (_id, msg) => {
    const m = parseClocks(JSON.parse(JSON.stringify(msg)))!;
    const how = list.take(m);
    return how === 'resync' ? { ok: false, error: CLOCKS_RESYNC } : undefined;
  }, epoch);
  return {
    push,
    set: async (s: TabClock[], now: number) => {
      state = s;
      await push.push([TAB], () => state, VIEW, now);
    },
    heartbeat: async (now: number) => {
      push.tabShows(TAB.tabId, list.shown?.seq, list.shown?.epoch);
      await push.push([TAB], () => state, VIEW, now);
    },
  };
}

describe('clock lists: restarts', () => {
  it('9 quick restarts (each shown), then the first worker’s late list: refused, or healed within one heartbeat', async () => {
    const list = new ClockListSeq();
    for (let e = 1; e <= 10; e++) expect(list.take({ epoch: e, seq: T0 + e })).toBe('whole');
    const took = list.take({ epoch: 1, seq: T0 + 100 }); // worker 1's late list (left 9 restarts ago)
    const live = tabAndWorker(10, list);
    await live.set([{ buyer: 'b', status: 'pending', dueAt: T0 + 180_000 }], T0 + 200);
    let beats = 0;
    if (took !== 'stale') while (list.shown?.epoch !== 10 && beats < 10) await live.heartbeat(T0 + 30_000 * ++beats);
    expect(beats).toBeLessThanOrEqual(1);
  });

  it('a new worker drawing the epoch the tab shows (a dead one’s), its clock an hour back: not stuck', async () => {
    const list = new ClockListSeq();
    expect(list.take({ epoch: 77, seq: T0 })).toBe('whole'); // the dead worker's list, shown
    const live = tabAndWorker(77, list); // same epoch drawn (2^-32 per restart)
    const back = T0 - 3_600_000;
    await live.set([{ buyer: 'b', status: 'pending', dueAt: T0 + 180_000 }], back);
    let beats = 0;
    while (list.shown?.seq === T0 && beats < 10) await live.heartbeat(back + 30_000 * ++beats);
    expect(beats).toBeLessThanOrEqual(3);
  });
});
