/**
 * Clock lists and the heartbeat racing a push; two watching frames of one tab (1688's `all_frames`), one taking a
 * dead worker's late list (outsider review 11's probes).
 */
import { describe, expect, it } from 'vitest';
import { ClockPush } from '../../../lib/background/clock-push';
import { ClockListSeq } from '../../../lib/content/ledger';
import { CLOCKS_RESYNC, parseClocks, type ClocksMessage, type TabClock } from '../../../lib/messages';
import type { TabRow } from '../../../lib/model';

const T0 = 1_788_340_500_000;
const TAB: TabRow = { tabId: 7, platform: 'pdd', account: 'shop-main', url: '', health: 'watching', lastSeen: T0 };
const VIEW = { title: true, lang: 'zh_CN' } as const;
const c = (b: string): TabClock => ({ buyer: b, status: 'pending', dueAt: T0 + 180_000 });

class Frame {
  list = new ClockListSeq();
  buyers: string[] = [];
  receive(raw: ClocksMessage): unknown {
    const m = parseClocks(JSON.parse(JSON.stringify(raw)))!;
    const how = this.list.take(m);
    if (how === 'resync') return { ok: false, error: CLOCKS_RESYNC };
    if (how === 'stale') return undefined;
    const s = new Set(how === 'whole' ? [] : this.buyers);
    for (const b of m.removed ?? []) s.delete(b);
    for (const x of m.clocks) s.add(x.buyer);
    this.buyers = [...s].sort();
    return undefined;
  }
}

describe('clock lists: races and frames', () => {
  it('a heartbeat sent before a change list lands, handled after: the tab still ends on the latest list', async () => {
    const f = new Frame();
    let state: TabClock[] = [c('a')];
    const held: ClocksMessage[] = [];
    let hold = false;
    const p = new ClockPush(async (_t, m) => (hold ? void held.push(m) : f.receive(m)), 5);
    await p.push([TAB], () => state, VIEW, T0);
    hold = true;
    state = [c('a'), c('b')];
    await p.push([TAB], () => state, VIEW, T0 + 1); // change list in flight
    const beat = f.list.shown!; // the heartbeat names the list before it
    hold = false;
    f.receive(held.shift()!);
    p.tabShows(TAB.tabId, beat.seq, beat.epoch);
    await p.push([TAB], () => state, VIEW, T0 + 2);
    expect(f.buyers).toEqual(['a', 'b']);
  });

  it('two frames, one showing a dead worker’s list: that frame heals within one of its heartbeats', async () => {
    const A = new Frame();
    const B = new Frame();
    // Frame B just (re)loaded: the dead worker's first whole list to it is late; frame A is on the live worker.
    const dead = {
      type: 'clocks',
      platform: 'pdd',
      account: 'shop-main',
      epoch: 1,
      seq: T0,
      clocks: [c('ghost')],
      ...VIEW,
    } as ClocksMessage;
    const state = [c('real')];
    const p = new ClockPush(async (_t, m) => {
      const ra = A.receive(m);
      const rb = B.receive(m);
      return ra ?? rb; // the first frame to answer
    }, 2);
    await p.push([TAB], () => state, VIEW, T0 + 10);
    B.receive(dead);
    expect(B.buyers).toEqual(['ghost']);
    let beats = 0;
    while (B.buyers.join() !== 'real' && beats < 10) {
      beats++;
      p.tabShows(TAB.tabId, B.list.shown!.seq, B.list.shown!.epoch);
      await p.push([TAB], () => state, VIEW, T0 + 10 + beats * 30_000);
      p.tabShows(TAB.tabId, A.list.shown!.seq, A.list.shown!.epoch); // frame A's heartbeat
      await p.push([TAB], () => state, VIEW, T0 + 10 + beats * 30_000 + 1);
    }
    expect(beats).toBeLessThanOrEqual(1);
  });
});
