// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ctxTimers, windowTimers } from '../../lib/content/timers';

/** A stand-in for WXT's ContentScriptContext: valid until invalidate(). */
function fakeCtx() {
  const listeners: (() => void)[] = [];
  const ctx = {
    isValid: true,
    onInvalidated(cb: () => void) {
      listeners.push(cb);
    },
    invalidate() {
      ctx.isValid = false;
      for (const cb of listeners) cb();
    },
    listeners,
  };
  return ctx;
}

describe('ctxTimers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('one invalidation listener however many timers are set, and nothing pending piles up', () => {
    const ctx = fakeCtx();
    const t = ctxTimers(ctx, windowTimers(document));
    let ran = 0;
    for (let i = 0; i < 500; i++) t.setTimeout(() => ran++, 1);
    const cleared = t.setTimeout(() => ran++, 1);
    t.clearTimeout(cleared);
    vi.advanceTimersByTime(5);
    expect(ran).toBe(500);
    expect(ctx.listeners).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after invalidation nothing runs: pending timeouts, intervals and frames are cleared', () => {
    const ctx = fakeCtx();
    const t = ctxTimers(ctx, windowTimers(document));
    const ran: string[] = [];
    t.setTimeout(() => ran.push('timeout'), 100);
    t.setInterval(() => ran.push('interval'), 50);
    t.requestAnimationFrame(() => ran.push('frame'));
    vi.advanceTimersByTime(60);
    expect(ran).toEqual(expect.arrayContaining(['interval', 'frame']));
    ran.length = 0;
    ctx.invalidate();
    vi.advanceTimersByTime(1000);
    expect(ran).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a callback due while the context is already invalid does not run', () => {
    const ctx = fakeCtx();
    const t = ctxTimers(ctx, windowTimers(document));
    const ran: string[] = [];
    t.setInterval(() => ran.push('interval'), 10);
    ctx.isValid = false; // invalid, listeners not yet called
    vi.advanceTimersByTime(50);
    expect(ran).toEqual([]);
  });
});
