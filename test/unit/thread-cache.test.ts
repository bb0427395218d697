import { describe, expect, it } from 'vitest';
import { ThreadCache } from '../../lib/background/thread-cache';
import type { EventRow } from '../../lib/model';

const thread = (conv: string, n: number) =>
  new Map(Array.from({ length: n }, (_, i) => [`${conv}|m${i}`, { key: `${conv}|m${i}`, conv } as EventRow]));

describe('ThreadCache', () => {
  it('holds at most `limit` messages, dropping the least recently used conversations first', () => {
    const c = new ThreadCache(10);
    c.set('a', thread('a', 4));
    c.set('b', thread('b', 4));
    expect(c.peek('a')?.size).toBe(4); // a is now the most recently used
    c.set('c', thread('c', 4));
    expect(c.peek('b')).toBeUndefined();
    expect(c.peek('a')?.size).toBe(4);
    expect(c.peek('c')?.size).toBe(4);
    expect(c.size).toBe(8);
  });

  it('replacing a conversation counts it once; a thread larger than the cache is not held', () => {
    const c = new ThreadCache(10);
    c.set('a', thread('a', 4));
    c.set('a', thread('a', 6));
    expect(c.size).toBe(6);
    c.set('big', thread('big', 11));
    expect(c.peek('big')).toBeUndefined();
    expect(c.peek('a')?.size).toBe(6);
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
});
