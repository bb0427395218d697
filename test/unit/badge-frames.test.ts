/**
 * When the row badges write (lib/content/badge-frames.ts), on hand-driven timers and a set clock: a deferred render
 * goes out with the page's next change or after FLUSH_MS, the tick repaints only a quiet page, one animation frame
 * however often asked, everything cleared by stop().
 */
import { describe, expect, it } from 'vitest';
import { BadgeFrames, FLUSH_MS, QUIET_MS } from '../../lib/content/badge-frames';
import type { TimerId, Timers } from '../../lib/content/timers';

/** Timers run by hand: `due(kind)` lists what is pending, `fire` runs one. */
function manualTimers(withFrames = true) {
  let next = 1;
  const pending = new Map<number, { kind: 'timeout' | 'interval' | 'frame'; fn: () => void; ms: number }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => (pending.set(next, { kind: 'timeout', fn, ms }), next++ as unknown as TimerId),
    setInterval: (fn, ms) => (pending.set(next, { kind: 'interval', fn, ms }), next++ as unknown as TimerId),
    clearTimeout: (id) => void pending.delete(id as unknown as number),
    clearInterval: (id) => void pending.delete(id as unknown as number),
    requestAnimationFrame: (fn) => (withFrames ? (pending.set(next, { kind: 'frame', fn, ms: 0 }), next++) : null),
    cancelAnimationFrame: (id) => void pending.delete(id),
  };
  const due = (kind: string) => [...pending.entries()].filter(([, t]) => t.kind === kind);
  const fire = (kind: string) => {
    const [id, t] = due(kind)[0]!;
    if (t.kind !== 'interval') pending.delete(id);
    t.fn();
  };
  return { timers, due, fire, pending };
}

function setup(withFrames = true) {
  let now = Date.UTC(2026, 0, 5, 3, 0, 0);
  const log: string[] = [];
  const t = manualTimers(withFrames);
  const frames = new BadgeFrames(() => now, t.timers, {
    render: (rows, buyers) =>
      log.push(`render ${[...rows.keys()].join(',')}${buyers ? ` for ${[...buyers].join(',')}` : ''}`),
    tick: () => log.push('tick'),
    frame: () => log.push('frame'),
  });
  return { frames, log, t, advance: (ms: number) => (now += ms) };
}

const rows = (...buyers: string[]) => new Map(buyers.map((b) => [b, {} as Element]));

describe('BadgeFrames', () => {
  it('a deferred render goes out with the page’s next change, once, and its flush timer is cleared', () => {
    const { frames, log, t } = setup();
    frames.renderSoon(rows('a'));
    frames.renderSoon(rows('a', 'b'));
    expect(t.due('timeout').map(([, x]) => x.ms)).toEqual([FLUSH_MS]);
    frames.pageChanged();
    expect(log).toEqual(['render a,b']);
    expect(t.due('timeout')).toEqual([]);
    frames.pageChanged();
    expect(log).toEqual(['render a,b']);
  });

  it('deferred renders for some buyers go out as one for all of them; one for every badge wins', () => {
    const { frames, log, t } = setup();
    frames.renderSoon(rows('a', 'b'), ['a']);
    frames.renderSoon(rows('a', 'b', 'c'), ['c', 'a']);
    frames.pageChanged();
    expect(log).toEqual(['render a,b,c for a,c']);
    frames.renderSoon(rows('a'), ['a']);
    frames.renderSoon(rows('a'));
    frames.renderSoon(rows('a', 'b'), ['b']);
    t.fire('timeout');
    expect(log).toEqual(['render a,b,c for a,c', 'render a,b']);
    // Every badge rendered meanwhile: nothing deferred any more, for anyone.
    frames.renderSoon(rows('a'), ['a']);
    frames.renderedNow();
    frames.pageChanged();
    expect(log).toHaveLength(2);
  });

  it('a quiet page: the deferred render goes out after FLUSH_MS; a render meanwhile makes it nothing', () => {
    const { frames, log, t } = setup();
    frames.renderSoon(rows('a'));
    t.fire('timeout');
    expect(log).toEqual(['render a']);
    frames.renderSoon(rows('b'));
    frames.renderedNow();
    t.fire('timeout');
    expect(log).toEqual(['render a']);
  });

  it('the tick repaints only once the page has been quiet for QUIET_MS; ticking(false) stops it', () => {
    const { frames, log, t, advance } = setup();
    frames.ticking(true);
    frames.ticking(true);
    expect(t.due('interval').map(([, x]) => x.ms)).toEqual([1000]);
    frames.pageChanged();
    advance(QUIET_MS - 1);
    t.fire('interval');
    expect(log).toEqual([]);
    expect(frames.inStep()).toBe(false);
    advance(1);
    t.fire('interval');
    expect(log).toEqual(['tick']);
    expect(frames.inStep()).toBe(true);
    frames.ticking(false);
    expect(t.due('interval')).toEqual([]);
  });

  it('a busy page is in step while the person scrolls', () => {
    const { frames, advance } = setup();
    frames.pageChanged();
    expect(frames.inStep()).toBe(false);
    frames.scrolled();
    expect(frames.inStep()).toBe(true);
    advance(500);
    expect(frames.inStep()).toBe(false);
  });

  it('one animation frame however often asked; none in the document: at once', () => {
    const { frames, log, t } = setup();
    frames.inNextFrame();
    frames.inNextFrame();
    expect(t.due('frame')).toHaveLength(1);
    t.fire('frame');
    expect(log).toEqual(['frame']);
    frames.inNextFrame();
    expect(t.due('frame')).toHaveLength(1);

    const bare = setup(false);
    bare.frames.inNextFrame();
    expect(bare.log).toEqual(['frame']);
  });

  it('stop() clears the flush timer, the tick and the frame, and forgets the deferred render', () => {
    const { frames, log, t } = setup();
    frames.renderSoon(rows('a'));
    frames.ticking(true);
    frames.inNextFrame();
    expect(t.pending.size).toBe(3);
    frames.stop();
    expect(t.pending.size).toBe(0);
    frames.pageChanged();
    expect(log).toEqual([]);
  });
});
