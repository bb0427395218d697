// @vitest-environment jsdom
/**
 * The tab title's summary of the row badges' clocks (RowBadges.waiting: how many wait, the most urgent deadline), kept
 * as the clock lists change instead of found by going through every open clock at each push: exact whatever the
 * changes (a seeded random run against the whole count), and gone through again only after a change that took the
 * most urgent clock away.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RowBadges } from '../../lib/content/row-badges';
import type { TabClock } from '../../lib/messages';
import { mulberry32 } from './helpers/random';

const NOW = Date.UTC(2026, 11, 6, 2, 0, 0);
const clock = (buyer: string, inMs: number): TabClock => ({ buyer, status: 'pending', dueAt: NOW + inMs });
const whole = (clocks: Iterable<TabClock>) => {
  let n = 0;
  let due = Infinity;
  for (const c of clocks) {
    n++;
    due = Math.min(due, c.dueAt);
  }
  return { n, due };
};

let badges: RowBadges;
afterEach(() => badges?.destroy());

describe('RowBadges.waiting', () => {
  it('follows every change exactly (seeded random clock lists, whole and changes)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rnd = mulberry32(seed);
      badges = new RowBadges(document, () => NOW);
      const open = new Map<string, TabClock>();
      expect(badges.waiting()).toEqual({ n: 0, due: Infinity });
      for (let step = 0; step < 400; step++) {
        const r = rnd();
        if (r < 0.05) {
          // A whole list.
          open.clear();
          for (let i = 0; i < Math.floor(rnd() * 8); i++)
            open.set(`b${i}`, clock(`b${i}`, Math.floor(rnd() * 20) * 1000));
          badges.setClocks([...open.values()]);
        } else {
          const changed: TabClock[] = [];
          const removed: string[] = [];
          for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
            const b = `b${Math.floor(rnd() * 10)}`;
            // A buyer is either changed or removed in one list (as ClockPush sends them).
            if (removed.includes(b) || changed.some((c) => c.buyer === b)) continue;
            // Few distinct deadlines: ties with the most urgent one happen.
            if (rnd() < 0.35 && open.has(b)) {
              open.delete(b);
              removed.push(b);
            } else {
              const c = clock(b, Math.floor(rnd() * 20) * 1000);
              open.set(b, c);
              changed.push(c);
            }
          }
          badges.changeClocks(changed, removed);
        }
        expect(badges.waiting(), `seed ${seed} step ${step}`).toEqual(whole(open.values()));
      }
      badges.destroy();
    }
  });

  it('goes through the open clocks only after a change that took the most urgent one away', () => {
    badges = new RowBadges(document, () => NOW);
    badges.setClocks(Array.from({ length: 140 }, (_, i) => clock(`b${i}`, 60_000 + i * 1000)));
    expect(badges.waiting()).toEqual({ n: 140, due: NOW + 60_000 });
    expect(badges.soonestScans).toBe(1);
    // A push per buyer message, as on the large workbench: a less urgent buyer's clock changes, a new one waits, an
    // answered one closes. The most urgent deadline stays where it was: nothing gone through.
    for (let i = 1; i < 100; i++) {
      badges.changeClocks([clock(`b${i}`, 200_000 + i)], []);
      badges.changeClocks([clock(`new${i}`, 300_000 + i)], []);
      badges.changeClocks([], [`new${i}`]);
      expect(badges.waiting()).toEqual({ n: 140, due: NOW + 60_000 });
    }
    // A more urgent one: taken as it comes.
    badges.changeClocks([clock('urgent', 10_000)], []);
    expect(badges.waiting()).toEqual({ n: 141, due: NOW + 10_000 });
    expect(badges.soonestScans).toBe(1);
    // The most urgent one closes (or is put later): the next summary goes through them once.
    badges.changeClocks([], ['urgent']);
    expect(badges.waiting()).toEqual({ n: 140, due: NOW + 60_000 });
    expect(badges.waiting()).toEqual({ n: 140, due: NOW + 60_000 });
    expect(badges.soonestScans).toBe(2);
    badges.changeClocks([clock('b0', 500_000)], []);
    // b100 (b1–b99 were put at 200 s and more).
    expect(badges.waiting()).toEqual({ n: 140, due: NOW + 160_000 });
    expect(badges.soonestScans).toBe(3);
  });
});
