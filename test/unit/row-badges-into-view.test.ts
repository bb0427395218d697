// @vitest-environment jsdom
/**
 * Outsider review 9: a row comes into view while the page is not "in step" (it changed < QUIET_MS ago, e.g. the very
 * message that moved the row into view), then the page goes quiet. The 1-second tick must show the row's true text.
 */
import { afterEach, expect, it } from 'vitest';
import { RowBadges, rowBadgeText, rowBadgeColor } from '../../lib/content/row-badges';
import { setContentLang } from '../../lib/i18n/content';
import type { TabClock } from '../../lib/messages';
import { drivenBadges, type DrivenBadges } from './helpers/badges';
import { mulberry32 } from './helpers/random';

setContentLang('zh_CN');
const START = Date.UTC(2026, 11, 6, 2, 0, 17) + 345;
let now = START;
let badges: RowBadges;
afterEach(() => badges?.destroy());
let driven: DrivenBadges | undefined;
/** The visibility observer's callback and the 1-second tick (see drivenBadges). */
const io = (entries: Parameters<DrivenBadges['io']>[0]) => driven!.io(entries);
const tickAll = () => driven!.tickAll();
function setup(clocks: TabClock[]) {
  now = START;
  driven = drivenBadges(clocks, () => now);
  badges = driven.badges;
  return driven.rows;
}

it('row moved into view by a page change, then the page quiet: the tick shows its true text', () => {
  const clocks: TabClock[] = [{ buyer: 'a', status: 'pending', dueAt: START + 20 * 60_000 }];
  const rows = setup(clocks);
  badges.paint();
  expect(badges.shown().get('a')).toBe(rowBadgeText(20 * 60_000));
  // a scrolls out of view (the person scrolled): not repainted out of view.
  io([{ target: rows.get('a')!, isIntersecting: false }]);
  // 12 minutes pass with the page quiet: 1 s ticks.
  for (let i = 0; i < 720; i++) {
    now += 1000;
    tickAll();
  }
  // A message moves a's row to the top: the page changes, then the observer says a is in view (not in step).
  badges.pageChanged();
  now += 30;
  io([{ target: rows.get('a')!, isIntersecting: true }]);
  // The page stays quiet: ticks every second for 5 s.
  for (let i = 0; i < 120; i++) {
    now += 1000;
    tickAll();
  }
  const left = clocks[0]!.dueAt - now;
  expect(badges.shown().get('a'), 'a in view 2 min after, page quiet').toBe(rowBadgeText(left));
});

it('story: an already-waiting buyer (deadline unchanged) follows up; the row jumps into view; overdue shown as time left', () => {
  const clocks: TabClock[] = [{ buyer: 'a', status: 'pending', dueAt: START + 5 * 60_000 }];
  const rows = setup(clocks);
  badges.paint();
  io([{ target: rows.get('a')!, isIntersecting: false }]);
  for (let i = 0; i < 600; i++) {
    now += 1000;
    tickAll();
  }
  // The follow-up re-renders the list (the page's change), the row comes into view in the next frame.
  badges.pageChanged();
  now += 16;
  io([{ target: rows.get('a')!, isIntersecting: true }]);
  for (let i = 0; i < 30; i++) {
    now += 1000;
    tickAll();
  }
  const left = clocks[0]!.dueAt - now;
  const host = document.querySelector('[data-reply-sentinel-badge]') as HTMLElement;
  const label = host.shadowRoot!.querySelector('[role="timer"]') as HTMLElement;
  expect({ text: badges.shown().get('a'), color: label.style.background }).toEqual({
    text: rowBadgeText(left),
    color: (() => {
      const d = document.createElement('span');
      d.style.background = rowBadgeColor(left, 60_000);
      return d.style.background;
    })(),
  });
});

it('seeded: after each tick/pageChanged, every badge in view shows a full repaint text (rows into view out of step)', () => {
  for (const seed of [11, 12, 13, 14]) {
    const rnd = mulberry32(seed);
    const clocks = Array.from({ length: 12 }, (_, i) => ({
      buyer: `b${i}`,
      status: 'pending' as const,
      dueAt: START + Math.floor(rnd() * 1_800_000) - 300_000,
    }));
    const rows = setup(clocks);
    const open = new Map(clocks.map((c) => [c.buyer, c]));
    badges.paint();
    const slots = (badges as unknown as { slots: Map<string, { visible: boolean }> }).slots;
    let quietSince = now;
    for (let s = 0; s < 400; s++) {
      now += 200 + Math.floor(rnd() * 1200);
      const r = rnd();
      const b = `b${Math.floor(rnd() * 12)}`;
      if (r < 0.15) {
        badges.pageChanged();
        quietSince = now;
      } else if (r < 0.3 && slots.get(b)) io([{ target: rows.get(b)!, isIntersecting: !slots.get(b)!.visible }]);
      tickAll();
      // Only judged once the page has been quiet long enough for ticks to run (> QUIET_MS + 1 s).
      if (now - quietSince < 3000) continue;
      const shown = badges.shown();
      for (const [k, c] of open)
        if (slots.get(k)?.visible)
          expect(shown.get(k), `seed ${seed} step ${s} ${k}`).toBe(rowBadgeText(c.dueAt - now));
      void rowBadgeColor;
    }
  }
});
