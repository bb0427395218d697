/**
 * The content script's event ledger (lib/content/ledger.ts) without a DOM: readings in, events out. Which messages
 * are news, which are history, which were sent already, one event per wait a row shows, another account starting
 * over; and the clock list's sequence numbers.
 */
import { describe, expect, it } from 'vitest';
import { judged } from '../../lib/platforms/parts';
import type { ExtractedConversation, ExtractedMessage, Extraction } from '../../lib/platforms/types';
import { ClockListSeq, EventLedger, UNKNOWN_PAST_MS, type RowChange } from '../../lib/content/ledger';
import { UNRECOGNISED_ACCOUNT } from '../../lib/model';
import { evaluate } from '../../lib/engine';
import { DEFAULT_RULES } from '../../lib/rules';

const T0 = Date.UTC(2026, 2, 2, 2, 0, 0);
const OK = { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' } as const;

const msg = (id: string, at: number | null, author: ExtractedMessage['author'] = 'buyer'): ExtractedMessage => ({
  id,
  author,
  at,
  timeSource: at === null ? null : 'stamp',
  text: `text ${id}`,
});

function page(
  thread: Extraction['thread'],
  conversations: ExtractedConversation[] = [],
  over: Partial<Extraction> = {},
): Extraction {
  return { ...judged(OK), account: '店铺A', conversations, thread, input: null, missing: [], ...over };
}

const ids = (events: { messageId: string }[]) => events.map((e) => e.messageId);

describe('EventLedger: messages of the open thread', () => {
  it('the first read is history: every message once, marked historical, untimed ones bounded by the last time', () => {
    const ledger = new EventLedger('pdd');
    const x = page({ buyer: 'b1', nick: '小明', messages: [msg('m1', T0 - 60_000), msg('m2', null, 'human')] });
    const events = ledger.events({ kind: 'whole', page: x }, 'shop-a', T0);
    expect(ids(events)).toEqual(['m1', 'm2']);
    expect(events.every((e) => e.historical && e.account === 'shop-a' && e.platform === 'pdd')).toBe(true);
    expect(events[0]).toMatchObject({ buyer: 'b1', buyerNick: '小明', at: T0 - 60_000, timeSource: 'stamp' });
    // Untimed history: no later than now, no earlier than the message before it.
    expect(events[1]).toMatchObject({ at: T0 - 60_000, atLatest: T0, timeSource: 'observed', author: 'human' });
    expect(events[0]!.atLatest).toBeUndefined();
  });

  it('untimed history with nothing timed before it lies at most UNKNOWN_PAST_MS back', () => {
    const ledger = new EventLedger('pdd');
    const [e] = ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [msg('m1', null)] }) }, 's', T0);
    expect(e).toMatchObject({ at: T0 - UNKNOWN_PAST_MS, atLatest: T0, historical: true });
  });

  it('duplicates are suppressed: the same list, or the same ids in a new list, send nothing again', () => {
    const ledger = new EventLedger('pdd');
    const messages = [msg('m1', T0 - 5000)];
    const x = page({ buyer: 'b1', messages });
    expect(ledger.events({ kind: 'whole', page: x }, 's', T0)).toHaveLength(1);
    expect(ledger.events({ kind: 'whole', page: x }, 's', T0 + 1000)).toEqual([]);
    const copy = page({ buyer: 'b1', messages: [msg('m1', T0 - 5000)] });
    expect(ledger.events({ kind: 'whole', page: copy }, 's', T0 + 2000)).toEqual([]);
  });

  it('a new message in the same thread is news (not historical, observed now when untimed)', () => {
    const ledger = new EventLedger('pdd');
    ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [msg('m1', T0 - 5000)] }) }, 's', T0);
    const x = page({ buyer: 'b1', messages: [msg('m1', T0 - 5000), msg('m2', null)] });
    const [e, ...rest] = ledger.events({ kind: 'whole', page: x }, 's', T0 + 3000);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ messageId: 'm2', at: T0 + 3000, observedAt: T0 + 3000 });
    expect(e!.historical).toBeUndefined();
    expect(e!.atLatest).toBeUndefined();
  });

  it('a changed message (its id changed: edited, recalled) is sent again; the unchanged ones are not', () => {
    const ledger = new EventLedger('pdd');
    ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [msg('m1', T0), msg('m2', T0)] }) }, 's', T0);
    const changed = page({ buyer: 'b1', messages: [msg('m1', T0), msg('m2-edited', T0)] });
    expect(ids(ledger.events({ kind: 'whole', page: changed }, 's', T0 + 1000))).toEqual(['m2-edited']);
  });

  it('a thread switch makes the new thread history, and coming back sends only what is new', () => {
    const ledger = new EventLedger('pdd');
    const b1 = [msg('a1', T0 - 9000)];
    ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: b1 }) }, 's', T0);
    const b2 = ledger.events({ kind: 'whole', page: page({ buyer: 'b2', messages: [msg('c1', null)] }) }, 's', T0);
    expect(b2).toMatchObject([{ buyer: 'b2', messageId: 'c1', historical: true }]);
    expect(ledger.reportedThread).toBe('b2');
    // Back to b1: one message came meanwhile; it was not seen on screen arrive, so it is history too.
    const back = page({ buyer: 'b1', messages: [msg('a1', T0 - 9000), msg('a2', T0 - 1000)] });
    expect(ledger.events({ kind: 'whole', page: back }, 's', T0 + 5000)).toMatchObject([
      { messageId: 'a2', historical: true },
    ]);
  });

  it('a thread that does not read (part not ok) sends nothing and does not count as seen', () => {
    const ledger = new EventLedger('pdd');
    const blind = page({ buyer: 'b1', messages: [msg('m1', T0)] }, [], judged({ ...OK, thread: 'missing' }));
    expect(ledger.events({ kind: 'whole', page: blind }, 's', T0)).toEqual([]);
    const ok = page({ buyer: 'b1', messages: [msg('m1', T0)] });
    // b1 was on screen (reportedThread) but nothing of it was reported: history still.
    expect(ledger.events({ kind: 'whole', page: ok }, 's', T0)).toMatchObject([{ messageId: 'm1', historical: true }]);
  });

  it('messages appended on the incremental path are news, sent once, in order', () => {
    const ledger = new EventLedger('jd');
    const messages = [msg('m1', T0 - 5000)];
    const x = page({ buyer: 'b1', nick: 'N', messages });
    ledger.events({ kind: 'whole', page: x }, 's', T0);
    const appended = [msg('m2', null), msg('m3', T0 + 500)];
    messages.push(...appended);
    const events = ledger.events({ kind: 'rows+appended', page: x, rows: [], appended }, 's', T0 + 1000);
    expect(events).toMatchObject([
      { messageId: 'm2', at: T0 + 1000, buyerNick: 'N', platform: 'jd' },
      { messageId: 'm3', at: T0 + 500 },
    ]);
    expect(events.some((e) => e.historical)).toBe(false);
    // The next whole read hands back the same (patched) list: nothing again.
    expect(ledger.events({ kind: 'whole', page: x }, 's', T0 + 2000)).toEqual([]);
    expect(ledger.events({ kind: 'rows+appended', page: x, rows: [], appended }, 's', T0 + 3000)).toEqual([]);
  });
});

describe('EventLedger: page order', () => {
  it('every message carries its place in the thread it was read in (whole reads and appended messages)', () => {
    const ledger = new EventLedger('taobao');
    const messages = [msg('m1', T0), msg('m2', T0, 'human')];
    const x = page({ buyer: 'b1', messages });
    const first = ledger.events({ kind: 'whole', page: x }, 's', T0);
    expect(first.map((e) => [e.messageId, e.pageOrder])).toEqual([
      ['m1', 0],
      ['m2', 1],
    ]);
    const appended = [msg('m3', T0 + 1000), msg('m4', T0 + 1000, 'human')];
    messages.push(...appended);
    const more = ledger.events({ kind: 'rows+appended', page: x, rows: [], appended }, 's', T0 + 2000);
    expect(more.map((e) => [e.messageId, e.pageOrder])).toEqual([
      ['m3', 2],
      ['m4', 3],
    ]);
  });
});

describe('EventLedger: history loaded above the open thread', () => {
  it('history loaded below a notice the page pins at the top is history still', () => {
    const ledger = new EventLedger('pdd');
    const pinned = msg('pin', null, 'system');
    const q1 = msg('q1', T0 - 60_000);
    const r1 = msg('r1', T0 - 30_000, 'human');
    ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [pinned, q1, r1] }) }, 'A', T0);
    // The agent scrolls up: yesterday's question loads between the pinned notice and the thread.
    const old = msg('q0', null);
    const more = ledger.events(
      { kind: 'whole', page: page({ buyer: 'b1', messages: [pinned, old, q1, r1] }) },
      'A',
      T0 + 60_000,
    );
    expect(more).toMatchObject([{ messageId: 'q0', historical: true }]);
    expect(more[0]!.atLatest).toBeLessThanOrEqual(T0 - 60_000);
  });

  it.each([
    ['a timed question', T0 + 60_000],
    ['an untimed question', null],
  ] as const)(
    'news inserted above an item the page keeps at the bottom (a notice) is news: %s starts a clock',
    (_, at) => {
      const ledger = new EventLedger('pdd');
      const q1 = msg('q1', T0 - 120_000);
      const r1 = msg('r1', T0 - 60_000, 'human');
      const notice = msg('sys', null, 'system');
      const before = [
        ...ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [q1, r1] }) }, 'A', T0 - 30_000),
        ...ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [q1, r1, notice] }) }, 'A', T0),
      ];
      // A minute later the buyer asks; the page puts the new message above the notice at the bottom.
      const q2 = msg('q2', at);
      const news = ledger.events(
        { kind: 'whole', page: page({ buyer: 'b1', messages: [q1, r1, q2, notice] }) },
        'A',
        T0 + 61_000,
      );
      expect(news).toMatchObject([{ messageId: 'q2', at: at ?? T0 + 61_000 }]);
      expect(news[0]!.historical).toBeUndefined();
      expect(news[0]!.atLatest).toBeUndefined();
      const out = evaluate({
        events: [...before, ...news],
        coverage: [{ platform: 'pdd', account: 'A', from: T0 - 3_600_000, to: T0 + 600_000 }],
        rules: DEFAULT_RULES,
        now: T0 + 300_000,
        alertLeadSec: 60,
      });
      expect(out.clocks.map((c) => c.status)).toEqual(['breached']);
    },
  );

  const H = 3_600_000;
  // Wangwang's bare stamps ("10:00:00", no date above): the adapter reads no time.
  const shown = () => [msg('q1', null), msg('r1', null, 'human')];

  it('untimed messages loaded above are history between what is above them and the first reported message below', () => {
    const ledger = new EventLedger('taobao');
    const first = ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: shown() }) }, 's', T0);
    expect(first[0]).toMatchObject({ at: T0 - UNKNOWN_PAST_MS, atLatest: T0 });
    // Half an hour later the agent scrolls up: yesterday's exchange loads above; a new message arrived below meanwhile.
    const older = [msg('q0', null), msg('r0', null, 'human')];
    const x = page({ buyer: 'b1', messages: [...older, ...shown(), msg('q2', null)] });
    const events = ledger.events({ kind: 'whole', page: x }, 's', T0 + H / 2);
    expect(ids(events)).toEqual(['q0', 'r0', 'q2']);
    for (const e of events.slice(0, 2)) {
      expect(e).toMatchObject({ historical: true, atLatest: T0, observedAt: T0 + H / 2 });
      expect(e.at).toBeLessThanOrEqual(first[0]!.at);
    }
    // Only what follows the last reported message is news: seen now.
    expect(events[2]).toMatchObject({ at: T0 + H / 2 });
    expect(events[2]!.historical).toBeUndefined();
    expect(events[2]!.atLatest).toBeUndefined();
  });

  it('timed messages loaded above keep their time when it sorts them above the reported message below', () => {
    const ledger = new EventLedger('taobao');
    const below = [msg('q1', T0 - 60_000), msg('r1', T0 - 30_000, 'human')];
    ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: below }) }, 's', T0);
    const x = page({ buyer: 'b1', messages: [msg('q0', T0 - H), msg('r0', T0 - H + 20_000, 'human'), ...below] });
    const events = ledger.events({ kind: 'whole', page: x }, 's', T0 + H / 2);
    expect(events).toMatchObject([
      { messageId: 'q0', at: T0 - H, historical: true },
      { messageId: 'r0', at: T0 - H + 20_000, historical: true },
    ]);
    expect(events.every((e) => e.atLatest === undefined)).toBe(true);
  });

  it('a time that would sort a message loaded above after the reported message below is only a bound', () => {
    const ledger = new EventLedger('taobao');
    // Reported untimed (bounded from a week back); the question above it reads a time inside that span.
    ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: shown() }) }, 's', T0);
    const x = page({ buyer: 'b1', messages: [msg('q0', T0 - H), ...shown()] });
    const [e, ...rest] = ledger.events({ kind: 'whole', page: x }, 's', T0 + H / 2);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ messageId: 'q0', at: T0 - UNKNOWN_PAST_MS, atLatest: T0 - H, historical: true });
    // Stamped in the very time of the reported message below (minute stamps): it would sort after it, so bounded too.
    const timed = new EventLedger('taobao');
    timed.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [msg('q1', T0)] }) }, 's', T0);
    const same = page({ buyer: 'b1', messages: [msg('q0', T0), msg('q1', T0)] });
    expect(timed.events({ kind: 'whole', page: same }, 's', T0 + H / 2)).toMatchObject([
      { messageId: 'q0', at: T0, atLatest: T0, historical: true },
    ]);
  });

  it.each([
    ['untimed', null],
    ['stamped (a time inside the span of the messages below)', T0 - H],
  ])('the engine sees no new question in history loaded above, %s (no clock, no failed round)', (_, at) => {
    const ledger = new EventLedger('taobao');
    const events = ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: shown() }) }, 'shop', T0);
    // Above: a question nobody answered there (the exchange below came later), then yesterday's 在吗 / 在的.
    const older = [msg('q00', at === null ? null : at - 60_000), msg('q0', at), msg('r0', null, 'human')];
    const x = page({ buyer: 'b1', messages: [...older, ...shown()] });
    events.push(...ledger.events({ kind: 'whole', page: x }, 'shop', T0 + H / 2));
    // T0 is 10:00 China time: the exchange lies inside Taobao's window (08:00–23:00).
    const out = evaluate({
      events,
      coverage: [{ platform: 'taobao', account: 'shop', from: T0 - 2 * H, to: T0 + H }],
      rules: DEFAULT_RULES,
      now: T0 + H,
      alertLeadSec: 60,
    });
    expect(out.clocks.map((c) => c.status)).toEqual(['idle']);
    expect(out.units).toEqual([]);
  });
});

describe('EventLedger: waits the list shows', () => {
  const row = (buyer: string, waitingSec?: number): ExtractedConversation => ({
    buyer,
    active: false,
    preview: '在吗',
    ...(waitingSec !== undefined && { waitingSec }),
  });

  it('one counter event per wait, its start from the counter in whole seconds; a wait that ends and comes back is new', () => {
    const ledger = new EventLedger('pdd');
    const first = ledger.events({ kind: 'whole', page: page(null, [row('b1', 30), row('b2')]) }, 's', T0);
    expect(first).toEqual([
      {
        platform: 'pdd',
        account: 's',
        buyer: 'b1',
        messageId: `wait-${Math.floor((T0 - 30_000) / 1000)}`,
        author: 'buyer',
        at: T0 - 30_000,
        timeSource: 'counter',
        observedAt: T0,
        text: '在吗',
      },
    ]);
    // The counter ticks on: the same wait.
    expect(ledger.events({ kind: 'whole', page: page(null, [row('b1', 40)]) }, 's', T0 + 10_000)).toEqual([]);
    // Gone (answered), then back: a new wait.
    expect(ledger.events({ kind: 'whole', page: page(null, [row('b1')]) }, 's', T0 + 20_000)).toEqual([]);
    const again = ledger.events({ kind: 'whole', page: page(null, [row('b1', 2)]) }, 's', T0 + 30_000);
    expect(again).toMatchObject([{ buyer: 'b1', at: T0 + 28_000 }]);
  });

  it('a list that does not read reports no waits', () => {
    const ledger = new EventLedger('pdd');
    const x = page(null, [row('b1', 30)], judged({ ...OK, list: 'missing' }));
    expect(ledger.events({ kind: 'whole', page: x }, 's', T0)).toEqual([]);
  });

  it('rows read again: a re-rendered row that still waits is one wait; a wait that ended and came back is new', () => {
    const ledger = new EventLedger('pdd');
    ledger.events({ kind: 'whole', page: page(null, [row('b1', 30)]) }, 's', T0);
    const x = page(null, []);
    const rerendered: RowChange[] = [
      [row('b1', 30), null],
      [null, row('b1', 31)],
    ];
    expect(ledger.events({ kind: 'rows+appended', page: x, rows: rerendered, appended: [] }, 's', T0 + 1000)).toEqual(
      [],
    );
    const ended: RowChange[] = [[row('b1', 31), row('b1')]];
    expect(ledger.events({ kind: 'rows+appended', page: x, rows: ended, appended: [] }, 's', T0 + 2000)).toEqual([]);
    const back: RowChange[] = [[row('b1'), row('b1', 1)]];
    const events = ledger.events({ kind: 'rows+appended', page: x, rows: back, appended: [] }, 's', T0 + 3000);
    expect(events).toMatchObject([{ buyer: 'b1', at: T0 + 2000, timeSource: 'counter' }]);
    // A new buyer's row, waiting: its wait, once.
    const added: RowChange[] = [[null, row('b2', 5)]];
    expect(ledger.events({ kind: 'rows+appended', page: x, rows: added, appended: [] }, 's', T0 + 4000)).toHaveLength(
      1,
    );
    expect(ledger.events({ kind: 'rows+appended', page: x, rows: added, appended: [] }, 's', T0 + 5000)).toEqual([]);
  });

  it('a reading that drops while the row still waits is the same wait (a follow-up), whole reads and rows alike', () => {
    const ledger = new EventLedger('pdd');
    const [first] = ledger.events({ kind: 'whole', page: page(null, [row('b1', 59)]) }, 's', T0);
    expect(first).toMatchObject({ buyer: 'b1', at: T0 - 59_000 });
    // 59秒 → 0秒 with the row still waiting: no new wait, the clock keeps the first start (early, never late).
    expect(ledger.events({ kind: 'whole', page: page(null, [row('b1', 0)]) }, 's', T0 + 1000)).toEqual([]);
    const x = page(null, []);
    const dropped: RowChange[] = [[row('b1', 1), row('b1', 0)]];
    expect(ledger.events({ kind: 'rows+appended', page: x, rows: dropped, appended: [] }, 's', T0 + 2000)).toEqual([]);
    // The engine's clock still runs from the first reading: 59 s already waited at T0.
    const out = evaluate({
      events: [first!],
      coverage: [{ platform: 'pdd', account: 's', from: T0 - 3_600_000, to: T0 + 600_000 }],
      rules: DEFAULT_RULES,
      now: T0 + 2000,
      alertLeadSec: 60,
    });
    expect(out.clocks.map((c) => [c.buyer, c.startedAt])).toEqual([['b1', T0 - 59_000]]);
  });
});

describe('EventLedger: the account', () => {
  it('the shown account as stored; none shown: the one events went under, else the unrecognised account', () => {
    const ledger = new EventLedger('pdd');
    expect(ledger.accountOf(null)).toBe(UNRECOGNISED_ACCOUNT);
    expect(ledger.accountOf('  ? ')).toBe(UNRECOGNISED_ACCOUNT);
    expect(ledger.accountOf('?店铺A')).toBe(ledger.accountOf('店铺A'));
    ledger.events({ kind: 'whole', page: page(null) }, ledger.accountOf('店铺A'), T0);
    // The header re-renders without the shop: still that shop's page.
    expect(ledger.accountOf(null)).toBe(ledger.accountOf('店铺A'));
  });

  it('another account starts over: what was on screen is that account news, sent again', () => {
    const ledger = new EventLedger('pdd');
    const x = page({ buyer: 'b1', messages: [msg('m1', T0)] }, [{ buyer: 'b2', active: false, waitingSec: 10 }]);
    expect(ledger.events({ kind: 'whole', page: x }, 'shop-a', T0)).toHaveLength(2);
    expect(ledger.events({ kind: 'whole', page: x }, 'shop-a', T0 + 1000)).toEqual([]);
    const again = ledger.events({ kind: 'whole', page: x }, 'shop-b', T0 + 2000);
    expect(again.map((e) => [e.account, e.messageId, e.historical])).toEqual([
      ['shop-b', 'm1', true],
      ['shop-b', `wait-${Math.floor((T0 + 2000 - 10_000) / 1000)}`, undefined],
    ]);
  });
});

describe('ClockListSeq', () => {
  /** One worker instance's epoch (ClocksMessage.epoch). */
  const E = 7;

  it('takes whole lists, changes only against the list shown, and asks for the whole list otherwise', () => {
    const seq = new ClockListSeq();
    expect(seq.shown).toBeNull();
    // Changes before any whole list: cannot be applied.
    expect(seq.take({ epoch: E, seq: 3, base: 2 })).toBe('resync');
    expect(seq.shown).toBeNull();
    expect(seq.take({ epoch: E, seq: 5 })).toBe('whole');
    expect(seq.take({ epoch: E, seq: 6, base: 5 })).toBe('changes');
    expect(seq.shown?.seq).toBe(6);
    // A change missed (base 7, the list shown is 6): resync, the number unchanged.
    expect(seq.take({ epoch: E, seq: 8, base: 7 })).toBe('resync');
    expect(seq.shown?.seq).toBe(6);
    expect(seq.take({ epoch: E, seq: 9 })).toBe('whole');
    expect(seq.shown?.seq).toBe(9);
  });

  it('drops a list of the same worker delivered after a later one, or twice (outsider review 8)', () => {
    const seq = new ClockListSeq();
    expect(seq.take({ epoch: E, seq: 10 })).toBe('whole');
    // An older whole list after a newer one: what it says is older than the list shown.
    expect(seq.take({ epoch: E, seq: 9 })).toBe('stale');
    expect(seq.shown?.seq).toBe(10);
    // The same list again.
    expect(seq.take({ epoch: E, seq: 10 })).toBe('stale');
    // An older change list after a newer whole one (the whole list has what it changed): dropped, no resync asked.
    expect(seq.take({ epoch: E, seq: 9, base: 8 })).toBe('stale');
    expect(seq.take({ epoch: E, seq: 8, base: 10 })).toBe('stale');
    expect(seq.shown?.seq).toBe(10);
    expect(seq.take({ epoch: E, seq: 11, base: 10 })).toBe('changes');
    // The same change list again: applied once.
    expect(seq.take({ epoch: E, seq: 11, base: 10 })).toBe('stale');
    expect(seq.shown?.seq).toBe(11);
    expect(seq.take({ epoch: E, seq: 12, base: 11 })).toBe('changes');
  });

  it('takes another worker’s whole list whatever its number (a restart, the wall clock gone back): never stuck', () => {
    const seq = new ClockListSeq();
    const before = 1_788_340_500_000;
    expect(seq.take({ epoch: 1, seq: before })).toBe('whole');
    // The new worker numbers from a wall clock an hour back: lower numbers, another epoch.
    const after = before - 3_600_000;
    // Its change lists are against a list this tab never had: the whole list is asked for, and taken.
    expect(seq.take({ epoch: 2, seq: after + 1, base: after })).toBe('resync');
    expect(seq.take({ epoch: 2, seq: after + 2 })).toBe('whole');
    expect(seq.shown?.seq).toBe(after + 2);
    expect(seq.take({ epoch: 2, seq: after + 3, base: after + 2 })).toBe('changes');
    expect(seq.take({ epoch: 2, seq: after + 2 })).toBe('stale');
    // A dead worker's late list, numbered above: the tab does not go back to it (outsider review 9); its whole list
    // is answered with a resync no one hears, and the live worker's changes go on applying.
    expect(seq.take({ epoch: 1, seq: before + 1 })).toBe('resync');
    expect(seq.shown).toEqual({ epoch: 2, seq: after + 3 });
    expect(seq.take({ epoch: 2, seq: after + 4, base: after + 3 })).toBe('changes');
    expect(seq.shown?.seq).toBe(after + 4);
  });

  it('never goes back to a worker it moved away from (outsider review 9); a new worker is never refused', () => {
    const seq = new ClockListSeq();
    expect(seq.take({ epoch: 10, seq: 500 })).toBe('whole');
    // Restarts, each numbering from 1 (any number: the epoch is new).
    for (let e = 11; e <= 18; e++) {
      expect(seq.take({ epoch: e, seq: 1 })).toBe('whole');
      expect(seq.shown).toEqual({ epoch: e, seq: 1 });
      // The worker just left: its late lists at or below its last one shown are older (dropped, no refusal used);
      // its later whole lists are refused, asking it to send again (it cannot: dead); its changes are against
      // another list.
      expect(seq.take({ epoch: e - 1, seq: e === 11 ? 500 : 1 })).toBe('stale');
      expect(seq.take({ epoch: e - 1, seq: 10_000 })).toBe('resync');
      expect(seq.take({ epoch: e - 1, seq: 10_001, base: 500 })).toBe('resync');
      expect(seq.shown).toEqual({ epoch: e, seq: 1 });
    }
    // A new worker's changes before its whole list: asked for (resync); its whole list taken at once.
    expect(seq.take({ epoch: 19, seq: 3, base: 2 })).toBe('resync');
    expect(seq.take({ epoch: 19, seq: 4 })).toBe('whole');
    expect(seq.take({ epoch: 18, seq: 2 })).toBe('resync');
    // Bounded: the eight last left (11–18) are remembered; the oldest (10) is forgotten.
    expect(seq.take({ epoch: 12, seq: 9 })).toBe('resync');
    expect(seq.take({ epoch: 10, seq: 9 })).toBe('whole');
  });

  it('a retired worker that goes on sending is taken at its third whole list: never refused for good', () => {
    const seq = new ClockListSeq();
    // The live worker (2) shows; a dead worker's (1) list the tab never showed arrives late: nothing says 1 is
    // older, so it is taken and 2 retired.
    expect(seq.take({ epoch: 2, seq: 100 })).toBe('whole');
    expect(seq.take({ epoch: 1, seq: 90 })).toBe('whole');
    // 2's changes ask for the whole list; its next two whole lists are refused, asking again (a live worker sends
    // them at once, ClockPush); the third is taken.
    expect(seq.take({ epoch: 2, seq: 101, base: 100 })).toBe('resync');
    expect(seq.take({ epoch: 2, seq: 102 })).toBe('resync');
    expect(seq.take({ epoch: 2, seq: 103 })).toBe('resync');
    expect(seq.take({ epoch: 2, seq: 104 })).toBe('whole');
    expect(seq.take({ epoch: 2, seq: 105, base: 104 })).toBe('changes');
    // 1 is retired now, numbered from its last list shown.
    expect(seq.take({ epoch: 1, seq: 90 })).toBe('stale');
    expect(seq.take({ epoch: 1, seq: 91 })).toBe('resync');
    expect(seq.shown).toEqual({ epoch: 2, seq: 105 });
  });

  it('a retired worker’s list at or below its last one shown is older, whatever refusals are left (outsider review 11)', () => {
    const seq = new ClockListSeq();
    expect(seq.take({ epoch: 2, seq: 100 })).toBe('whole');
    expect(seq.take({ epoch: 1, seq: 90 })).toBe('whole');
    // 2's older lists delivered late use no refusal, and are never shown after its newer one was.
    expect(seq.take({ epoch: 2, seq: 98 })).toBe('stale');
    expect(seq.take({ epoch: 2, seq: 99 })).toBe('stale');
    expect(seq.take({ epoch: 2, seq: 100 })).toBe('stale');
    expect(seq.take({ epoch: 2, seq: 102 })).toBe('resync');
    expect(seq.take({ epoch: 2, seq: 103 })).toBe('resync');
    expect(seq.take({ epoch: 2, seq: 99 })).toBe('stale');
    expect(seq.take({ epoch: 2, seq: 104 })).toBe('whole');
    expect(seq.shown).toEqual({ epoch: 2, seq: 104 });
  });

  it('keeps the retired epochs in the order last left: one left again is the newest (outsider review 11)', () => {
    const seq = new ClockListSeq();
    seq.take({ epoch: 1, seq: 100 });
    // A never-shown late list (2) retires 1; 1 sends on and is taken again, retiring 2.
    seq.take({ epoch: 2, seq: 50 });
    for (const n of [101, 102]) expect(seq.take({ epoch: 1, seq: n })).toBe('resync');
    expect(seq.take({ epoch: 1, seq: 103 })).toBe('whole');
    // Eight restarts (10–17): left since, in order, 1 and 10–16, the eight last; 2 was left before 1.
    for (let e = 10; e <= 17; e++) expect(seq.take({ epoch: e, seq: 1 })).toBe('whole');
    expect(seq.take({ epoch: 1, seq: 104 })).toBe('resync');
    expect(seq.take({ epoch: 1, seq: 103 })).toBe('stale');
    expect(seq.take({ epoch: 2, seq: 51 })).toBe('whole');
  });

  it('changes apply only on the same worker’s list: the same number from another worker is another list', () => {
    const seq = new ClockListSeq();
    expect(seq.take({ epoch: 1, seq: 50 })).toBe('whole');
    expect(seq.take({ epoch: 2, seq: 51, base: 50 })).toBe('resync');
    expect(seq.shown?.seq).toBe(50);
    // Nor is another worker's list with the number shown a duplicate.
    expect(seq.take({ epoch: 2, seq: 50 })).toBe('whole');
    expect(seq.take({ epoch: 2, seq: 51, base: 50 })).toBe('changes');
  });
});

/**
 * Which new messages of a thread already on screen are history loaded above it (outsider reviews of 2026-12-05): a
 * new message with a reported message below it is history, except above system rows alone with a buyer or shop
 * message reported above it (a notice the page keeps at the bottom); nothing reported below it: news.
 */
describe('EventLedger: news or history loaded above, by what was reported around a new message', () => {
  it('history loaded above a thread whose only reported item is a system row (notice at the bottom) is history', () => {
    const ledger = new EventLedger('pdd');
    const sys = msg('sys', null, 'system');
    const before = ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [sys] }) }, 'A', T0);
    // The page loads the thread's history above the notice (yesterday's exchange, answered).
    const q0 = msg('q0', T0 - 7_200_000);
    const r0 = msg('r0', T0 - 7_100_000, 'human');
    const q1 = msg('q1', T0 - 3_600_000);
    const more = ledger.events(
      { kind: 'whole', page: page({ buyer: 'b1', messages: [q0, r0, q1, sys] }) },
      'A',
      T0 + 10_000,
    );
    const out = evaluate({
      events: [...before, ...more],
      coverage: [{ platform: 'pdd', account: 'A', from: T0 - 60_000, to: T0 + 600_000 }],
      rules: DEFAULT_RULES,
      now: T0 + 60_000,
      alertLeadSec: 60,
    });
    expect(more.every((e) => e.historical)).toBe(true);
    // No false breach for a question of an hour ago that only came on screen now.
    expect(out.clocks.map((c) => c.status)).not.toContain('breached');
  });

  it('a new conversation: the thread read empty, then the buyer asks (whole read) starts a clock', () => {
    const ledger = new EventLedger('pdd');
    const before = ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [] }) }, 'A', T0);
    const q1 = msg('q1', T0 + 30_000);
    const news = ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [q1] }) }, 'A', T0 + 31_000);
    expect(news).toMatchObject([{ messageId: 'q1', at: T0 + 30_000 }]);
    const out = evaluate({
      events: [...before, ...news],
      coverage: [{ platform: 'pdd', account: 'A', from: T0 - 60_000, to: T0 + 900_000 }],
      rules: DEFAULT_RULES,
      now: T0 + 600_000,
      alertLeadSec: 60,
    });
    expect(out.clocks.length).toBe(1);
  });

  it('only a notice shown, then the buyer asks (whole read)', () => {
    const ledger = new EventLedger('pdd');
    ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [msg('pin', null, 'system')] }) }, 'A', T0);
    const news = ledger.events(
      { kind: 'whole', page: page({ buyer: 'b1', messages: [msg('pin', null, 'system'), msg('q1', T0 + 30_000)] }) },
      'A',
      T0 + 31_000,
    );
    expect(news).toMatchObject([{ messageId: 'q1', at: T0 + 30_000 }]);
  });

  it('an untimed shop reply re-keyed in place above the waiting question does not answer it', () => {
    const ledger = new EventLedger('pdd');
    const q1 = msg('q1', null);
    const r1 = msg('r1', null, 'human');
    const q2 = msg('q2', null);
    const before = [
      ...ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [q1, r1] }) }, 'A', T0 - 600_000),
      ...ledger.events({ kind: 'whole', page: page({ buyer: 'b1', messages: [q1, r1, q2] }) }, 'A', T0 - 300_000),
    ];
    // r1 reads differently now (its content-hash id changes: a 已读 mark, a card's title rendered, ...).
    const after = ledger.events(
      { kind: 'whole', page: page({ buyer: 'b1', messages: [q1, { ...r1, id: 'r1x', text: 'text r1 已读' }, q2] }) },
      'A',
      T0,
    );
    const out = evaluate({
      events: [...before, ...after],
      coverage: [{ platform: 'pdd', account: 'A', from: T0 - 3_600_000, to: T0 + 900_000 }],
      rules: DEFAULT_RULES,
      now: T0 + 600_000,
      alertLeadSec: 60,
    });
    expect(out.clocks.map((c) => c.status)).toEqual(['breached']);
  });
});
