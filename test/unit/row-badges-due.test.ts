// @vitest-environment jsdom
/**
 * A row coming into view repaints its own badge, not every badge in view (on the large workbench a message moves a
 * row into view every second): exact counts (each repaint reads its badge's text once), and every badge in view as
 * repainting all of them makes it (a seeded random run with clock changes, badges dropped, rows out of view and back).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { RowBadges, rowBadgeText } from '../../lib/content/row-badges';
import { setContentLang } from '../../lib/i18n/content';
import type { TabClock } from '../../lib/messages';
import { drivenBadges, type DrivenBadges } from './helpers/badges';
import { mulberry32 } from './helpers/random';

setContentLang('zh_CN');
// Not a round minute: the deadlines fall anywhere in it.
const START = Date.UTC(2026, 11, 6, 2, 0, 17) + 345;
const N = 60;
let now = START;
let badges: RowBadges;
afterEach(() => badges?.destroy());

let driven: DrivenBadges | undefined;
/** The visibility observer's callback (see drivenBadges). */
const io = (entries: Parameters<DrivenBadges['io']>[0]) => driven!.io(entries);

function setup(clocks: TabClock[], observer = false) {
  now = START;
  driven = drivenBadges(clocks, () => now, observer);
  badges = driven.badges;
  return driven.rows;
}

/** Every badge's text as a repaint of all of them now would make it, and its colour. */
const expected = (clocks: Map<string, TabClock>, buyers: Iterable<string>) =>
  new Map([...buyers].map((b) => [b, rowBadgeText(clocks.get(b)!.dueAt - now)]));
it('as a repaint of every badge each second, whatever the clocks, the rows in view and the drops (seeded)', () => {
  for (const seed of [1, 2, 3]) {
    const rnd = mulberry32(seed);
    const clocks = Array.from({ length: 30 }, (_, i) => ({
      buyer: `b${i}`,
      status: 'pending' as const,
      dueAt: START + Math.floor(rnd() * 900_000) - 300_000,
    }));
    const rows = setup(clocks, true);
    const open = new Map(clocks.map((c) => [c.buyer, c]));
    badges.paint();
    const slots = (badges as unknown as { slots: Map<string, { visible: boolean }> }).slots;
    for (let s = 0; s < 300; s++) {
      now += 250 + Math.floor(rnd() * 1500);
      const r = rnd();
      const b = `b${Math.floor(rnd() * 30)}`;
      if (r < 0.05 && open.has(b)) {
        // A clock changes (a new deadline): the worker's change list, rendered for its buyer.
        const c = { buyer: b, status: 'pending' as const, dueAt: now + Math.floor(rnd() * 400_000) - 100_000 };
        open.set(b, c);
        badges.changeClocks([c], []);
        badges.renderBuyers(rows, [b]);
      } else if (r < 0.08 && open.has(b)) {
        // A clock closes: its badge goes.
        open.delete(b);
        badges.changeClocks([], [b]);
        badges.renderBuyers(rows, [b]);
      } else if (r < 0.15 && slots.get(b)) {
        // A row goes out of view (no repaint then), or comes back (repainted with the next paint, as showInView).
        io([{ target: rows.get(b)!, isIntersecting: !slots.get(b)!.visible }]);
      }
      badges.pageChanged();
      const inView = [...open.keys()].filter((k) => slots.get(k)?.visible);
      const shown = badges.shown();
      expect(new Map(inView.map((k) => [k, shown.get(k)]))).toEqual(expected(open, inView));
    }
  }
});

it('a row coming into view repaints its badge alone, not every badge in view', () => {
  // One deadline for all: nothing changes in the next seconds.
  const clocks = Array.from({ length: N }, (_, i) => ({
    buyer: `b${i}`,
    status: 'pending' as const,
    dueAt: START + 600_000 + 30_000,
  }));
  const rows = setup(clocks, true);
  badges.paint();
  const data = Object.getOwnPropertyDescriptor(CharacterData.prototype, 'data')!;
  let reads = 0;
  vi.spyOn(CharacterData.prototype, 'data', 'get').mockImplementation(function (this: CharacterData) {
    reads++;
    return data.get!.call(this) as string;
  });
  try {
    now += 100;
    io([{ target: rows.get('b3')!, isIntersecting: false }]);
    badges.pageChanged();
    expect(reads).toBe(0);
    now += 100;
    io([
      { target: rows.get('b3')!, isIntersecting: true },
      { target: rows.get('b4')!, isIntersecting: false },
    ]);
    badges.pageChanged();
    expect(reads).toBe(1);
  } finally {
    vi.restoreAllMocks();
  }
  expect(badges.shown().get('b3')).toBe(rowBadgeText(clocks[3]!.dueAt - now));
});
