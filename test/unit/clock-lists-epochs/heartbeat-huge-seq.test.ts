/**
 * Outsider review 13: a heartbeat that passes the schema (clocksSeq a safe integer, clocksEpoch this worker's) but names a number
 * far above anything the worker sent. ClockPush.tabShows raises its counter to it (the same-epoch rule of aae211e):
 * the counter is the worker's, shared by every tab. At 2^53−1 the next number is 2^53, which no tab parses (isSeq):
 * every list is refused, the resends too, for every tab, until the worker restarts.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sentinel } from '../../../lib/background/sentinel';
import { SentinelDB } from '../../../lib/db/schema';
import { ClockListSeq } from '../../../lib/content/ledger';
import {
  CLOCKS_RESYNC,
  parseClocks,
  type ClocksMessage,
  type EventsMessage,
  type HealthMessage,
} from '../../../lib/messages';
import { parseMessage } from '../../../lib/protocol';
import { ev, t } from '../helpers/events';
import { FakeHost } from '../helpers/host';

let db: SentinelDB;
let n = 0;
beforeEach(() => {
  db = new SentinelDB(`probe13-huge-${++n}`);
});
afterEach(() => db.close());

const watching = (): HealthMessage => ({
  type: 'health',
  platform: 'pdd',
  account: 'shop-main',
  health: 'watching',
  parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
  url: 'http://127.0.0.1/demo/pdd/',
});
const events = (e: ReturnType<typeof ev>[]): EventsMessage => ({
  type: 'events',
  platform: 'pdd',
  account: 'shop-main',
  events: e,
});

class TabModel {
  list = new ClockListSeq();
  buyers: string[] = [];
  refusedUnparsable = 0;
  /** The list shown (kept here as well, so the probe runs against 60bcc07's ClockListSeq too). */
  shown: { epoch: number; seq: number } | null = null;
  receive(raw: ClocksMessage): unknown {
    const msg = parseClocks(JSON.parse(JSON.stringify(raw)));
    if (!msg) return (this.refusedUnparsable++, { ok: false, error: CLOCKS_RESYNC });
    const how = this.list.take(msg);
    if (how === 'resync') return { ok: false, error: CLOCKS_RESYNC };
    if (how === 'stale') return undefined;
    this.shown = { epoch: msg.epoch, seq: msg.seq };
    const set = new Set(how === 'whole' ? [] : this.buyers);
    for (const b of msg.removed ?? []) set.delete(b);
    for (const c of msg.clocks) set.add(c.buyer);
    this.buyers = [...set].sort();
    return undefined;
  }
  health(): HealthMessage {
    const s = this.shown;
    return { ...watching(), ...(s && { clocksSeq: s.seq, clocksEpoch: s.epoch }) };
  }
}

class Host extends FakeHost {
  constructor(readonly models: Map<number, TabModel>) {
    super();
  }
  override async sendToTab(tabId: number, msg: ClocksMessage) {
    this.tabMessages.push({ tabId, msg });
    return this.models.get(tabId)?.receive(msg);
  }
}
const idle = () => new Promise((r) => setTimeout(r, 20));

describe('probe13: a schema-valid heartbeat naming a huge number of the worker’s own epoch', () => {
  for (const huge of [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 2, 2 ** 53 - 100])
    it(`clocksSeq ${huge}: every tab still gets the next change`, async () => {
      const a = new TabModel();
      const b = new TabModel();
      const host = new Host(
        new Map([
          [7, a],
          [8, b],
        ]),
      );
      const s = new Sentinel(db, host);
      await s.health(a.health(), 7);
      await s.health(b.health(), 8);
      await s.ingest(events([ev('pdd', 'buyerA', 'buyer', t('10:00:00'))]));
      await idle();
      expect(a.buyers).toEqual(['buyerA']);
      const epoch = a.shown!.epoch;
      const bad: HealthMessage = { ...a.health(), clocksEpoch: epoch, clocksSeq: huge };
      // The router takes it (the schema allows any safe integer).
      expect(parseMessage(bad).ok).toBe(true);
      await s.health(bad, 7);
      await idle();
      for (let i = 0; i < 5; i++) {
        host.clock = t('10:00:00') + (i + 1) * 30_000;
        await s.ingest(events([ev('pdd', `buyer${i}`, 'buyer', host.clock - 1000)]));
        await idle();
        await s.health(a.health(), 7); // the tabs' honest heartbeats
        await s.health(b.health(), 8);
        await idle();
      }
      const want = ['buyer0', 'buyer1', 'buyer2', 'buyer3', 'buyer4', 'buyerA'];
      expect({ a: a.buyers, b: b.buyers, unparsable: a.refusedUnparsable + b.refusedUnparsable }).toEqual({
        a: want,
        b: want,
        unparsable: 0,
      });
    }, 20_000);
});
