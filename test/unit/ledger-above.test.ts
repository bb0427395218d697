import { describe, expect, it } from 'vitest';
import { judged } from '../../lib/platforms/parts';
import type { ExtractedMessage, Extraction } from '../../lib/platforms/types';
import { EventLedger } from '../../lib/content/ledger';
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
const page = (thread: Extraction['thread']): Extraction =>
  ({ ...judged(OK), account: '店铺A', conversations: [], thread, input: null, missing: [] }) as Extraction;

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
