import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../lib/messages';
import { parseMessage } from '../../lib/protocol';

const good = {
  platform: 'pdd',
  account: 'shop',
  buyer: 'b1',
  messageId: 'm1',
  author: 'buyer',
  at: 1_780_000_000_000,
  timeSource: 'id',
  observedAt: 1_780_000_000_100,
};

describe('parseMessage', () => {
  it('accepts a well-formed events message and keeps only known fields', () => {
    const r = parseMessage({
      type: 'events',
      platform: 'pdd',
      account: 'shop',
      events: [{ ...good, evil: '<script>', text: 'hi' }],
    });
    expect(r.ok).toBe(true);
    if (r.ok && r.value.type === 'events') {
      expect(r.value.events[0]).toEqual({ ...good, text: 'hi' });
    }
  });

  it.each([
    [null, 'message must be an object'],
    [{ type: 'nope' }, 'unknown message type: nope'],
    [{ type: 'events', platform: 'ebay', account: 'a', events: [] }, 'events: platform: must be one of pdd'],
    [{ type: 'events', platform: 'pdd', account: '', events: [] }, 'events: account: must be a non-empty id'],
    [
      { type: 'events', platform: 'pdd', account: 'shop', events: [{ ...good, author: 'alien' }] },
      'events[0].author: must be one of',
    ],
    [
      { type: 'events', platform: 'pdd', account: 'shop', events: [{ ...good, at: 'yesterday' }] },
      'events[0].at: must be a time',
    ],
    [
      { type: 'events', platform: 'pdd', account: 'shop', events: [{ ...good, at: 1e20 }] },
      'events[0].at: must be a time',
    ],
    [
      { type: 'events', platform: 'pdd', account: 'shop', events: [{ ...good, account: 'other' }] },
      'another platform/account',
    ],
    [
      { type: 'events', platform: 'pdd', account: 'shop', events: [{ ...good, atLatest: good.at - 1 }] },
      'events[0].atLatest: must be a time ≥ at',
    ],
    [
      {
        type: 'events',
        platform: 'pdd',
        account: 'shop',
        events: [{ ...good, messageId: 'x'.repeat(LIMITS.idLength + 1) }],
      },
      'messageId',
    ],
    [
      { type: 'events', platform: 'pdd', account: 'shop', events: new Array(LIMITS.eventsPerMessage + 1).fill(good) },
      'at most',
    ],
    [{ type: 'health', platform: 'pdd', account: 'shop', health: 'great', url: 'x' }, 'health: health: must be one of'],
  ])('rejects %j with a clear error', (raw, error) => {
    const r = parseMessage(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(error);
  });

  it('truncates over-long text and nicknames instead of storing them whole', () => {
    const r = parseMessage({
      type: 'events',
      platform: 'pdd',
      account: 'shop',
      events: [{ ...good, text: 'x'.repeat(10_000), buyerNick: 'n'.repeat(500) }],
    });
    expect(r.ok && r.value.type === 'events' && r.value.events[0]!.text!.length).toBe(LIMITS.textLength);
    expect(r.ok && r.value.type === 'events' && r.value.events[0]!.buyerNick!.length).toBe(LIMITS.nickLength);
  });
});
