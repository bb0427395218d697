import { describe, expect, it } from 'vitest';
import { ThreadCache } from '../../lib/background/thread-cache';
import type { EventRow } from '../../lib/model';

const row = (conv: string, i: number) => ({ key: `${conv}|m${i}`, conv }) as EventRow;
const thread = (conv: string, n: number) => Array.from({ length: n }, (_, i) => row(conv, i));

describe('ThreadCache', () => {
  it('holds at most `limit` messages, dropping the least recently used conversations first', () => {
    const c = new ThreadCache(10);
    c.set('a', thread('a', 4));
    c.set('b', thread('b', 4));
    expect(c.peek('a')?.events.length).toBe(4); // a is now the most recently used
    c.set('c', thread('c', 4));
    expect(c.peek('b')).toBeUndefined();
    expect(c.peek('a')?.events.length).toBe(4);
    expect(c.peek('c')?.events.length).toBe(4);
    expect(c.size).toBe(8);
  });

  it('replacing a conversation counts it once; a thread larger than the cache is not held', () => {
    const c = new ThreadCache(10);
    c.set('a', thread('a', 4));
    c.set('a', thread('a', 6));
    expect(c.size).toBe(6);
    c.set('big', thread('big', 11));
    expect(c.peek('big')).toBeUndefined();
    expect(c.peek('a')?.events.length).toBe(6);
    c.set('a', thread('a', 11));
    expect(c.peek('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('clear and delete forget', () => {
    const c = new ThreadCache(10);
    c.set('a', thread('a', 3));
    c.set('b', thread('b', 3));
    c.delete('a');
    expect(c.size).toBe(3);
    c.clear();
    expect(c.peek('b')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('update changes the held thread in place by what changed; from a stale base it holds the new thread whole', () => {
    const c = new ThreadCache(10);
    c.set('a', thread('a', 4));
    const base = c.peek('a')!;
    const events = [...base.events.filter((e) => e.key !== 'a|m1'), row('a', 4), row('a', 5)];
    c.update('a', base, events, [row('a', 4), row('a', 5)], ['a|m1']);
    const held = c.peek('a')!;
    expect(held).toBe(base); // the same object: no copy of the thread
    expect(held.events.map((e) => e.key)).toEqual(['a|m0', 'a|m2', 'a|m3', 'a|m4', 'a|m5']);
    expect([...held.byKey.keys()].sort()).toEqual(['a|m0', 'a|m2', 'a|m3', 'a|m4', 'a|m5']);
    expect(c.size).toBe(5);
    // Growing past the limit evicts the least recently used, then the thread itself when it alone is too large.
    c.set('b', thread('b', 4));
    c.update('a', c.peek('a')!, [...held.events, row('a', 6), row('a', 7)], [row('a', 6), row('a', 7)], []);
    expect(c.peek('b')).toBeUndefined();
    expect(c.size).toBe(7);
    const big = thread('a', 11);
    c.update('a', c.peek('a')!, big, big, []);
    expect(c.peek('a')).toBeUndefined();
    expect(c.size).toBe(0);
    // A base that is no longer held (cleared meanwhile): the new thread is held as a whole.
    c.set('x', thread('x', 2));
    const stale = c.peek('x')!;
    c.clear();
    c.update('x', stale, thread('x', 3), [row('x', 2)], []);
    expect(c.peek('x')?.byKey.size).toBe(3);
    expect(c.size).toBe(3);
    // Views that disagree (put and deleted not describing the change) are not trusted: the array is held as given.
    c.update('x', c.peek('x')!, thread('x', 5), [], []);
    expect(c.peek('x')?.byKey.size).toBe(5);
    expect(c.size).toBe(5);
  });

  it('charges carries to the budget: carries push it over and the least recently used go, a carry too big is not held', () => {
    const c = new ThreadCache(20);
    c.set('a', thread('a', 5));
    c.set('b', thread('b', 5));
    c.setCarry('a', { of: 'a' }, 4);
    expect(c.size).toBe(14);
    expect(c.carryOf('a')).toEqual({ of: 'a' });
    // b's carry pushes the total (5 + 4 + 5 + 7 = 21) over 20: a, the least recently used, goes with its carry.
    c.setCarry('b', { of: 'b' }, 7);
    expect(c.peek('a')).toBeUndefined();
    expect(c.carryOf('a')).toBeUndefined();
    expect(c.size).toBe(12);
    // Set anew: the old weight is taken back; undefined drops it.
    c.setCarry('b', { of: 'b2' }, 3);
    expect(c.size).toBe(8);
    c.setCarry('b', undefined, 0);
    expect(c.carryOf('b')).toBeUndefined();
    expect(c.size).toBe(5);
    // A carry that would not fit with its thread in the whole budget is not held (the thread stays).
    c.setCarry('b', { of: 'b' }, 16);
    expect(c.carryOf('b')).toBeUndefined();
    expect(c.peek('b')?.events.length).toBe(5);
    expect(c.size).toBe(5);
    // An update in place drops the carry (it described the thread before) and its weight; delete takes both back.
    c.setCarry('b', { of: 'b' }, 6);
    const base = c.peek('b')!;
    c.update('b', base, [...base.events, row('b', 5)], [row('b', 5)], []);
    expect(c.carryOf('b')).toBeUndefined();
    expect(c.size).toBe(6);
    c.setCarry('b', { of: 'b' }, 6);
    c.delete('b');
    expect(c.size).toBe(0);
  });

  it('keeps bounds of each held thread (latest sighting, fields any message has) as messages are written', () => {
    const seen = (conv: string, i: number, at: number, extra: Partial<EventRow> = {}) =>
      ({ ...row(conv, i), at, observedAt: at, ...extra }) as EventRow;
    const c = new ThreadCache(20);
    c.set('a', [seen('a', 0, 100), seen('a', 1, 200, { buyerNick: 'n' })]);
    const base = c.peek('a')!;
    expect(base.bounds).toEqual({ seen: 200, has: { buyerNick: true, shop: false, text: false } });
    // A new message and an old one seen again later (its sighting moves past every other): both widen the bounds.
    const again = seen('a', 0, 100, { observedAt: 900, shop: 's' });
    const next = [again, base.events[1]!, seen('a', 2, 300)];
    c.update('a', base, next, [again, next[2]!], []);
    expect(c.peek('a')!.bounds).toEqual({ seen: 900, has: { buyerNick: true, shop: true, text: false } });
    // A deletion leaves them as they were (loose, still bounds); a thread set anew is walked again.
    const held = c.peek('a')!;
    c.update('a', held, held.events.slice(1), [], ['a|m0']);
    expect(c.peek('a')!.bounds).toEqual({ seen: 900, has: { buyerNick: true, shop: true, text: false } });
    c.set('a', [seen('a', 5, 50)]);
    expect(c.peek('a')!.bounds).toEqual({ seen: 50, has: { buyerNick: false, shop: false, text: false } });
  });
});
