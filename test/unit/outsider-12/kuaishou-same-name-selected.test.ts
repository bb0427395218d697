// @vitest-environment jsdom
/**
 * Kuaishou rows carrying a buyer id (ROW_ID_ATTRS) where two buyers show the same name as the open thread's header:
 * both read as active (the selected class, or the name = the header's); the thread is the selected card's buyer, read
 * whole and by the watcher after the other buyer's card moves to the top. Pins the fix (Kuaishou's thread goes to the
 * selected card first): before it the thread went to whichever came first in the list, and a whole read gave the open
 * thread (and every reply in it) to the wrong buyer. From outsider review 12's probe (`kuaishou-same-nick`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { kuaishouAdapter } from '../../../lib/platforms/kuaishou';
import type { Watcher } from '../../../lib/content/watcher';
import { recordingWatcher, settle } from '../helpers/watcher';

const NOW = 1_788_861_600_000;
const html = readFileSync(join(process.cwd(), 'test/fixtures/kuaishou/thread.html'), 'utf8');
let w: Watcher | undefined;
afterEach(() => {
  w?.stop();
  w = undefined;
});

it('kuaishou: two buyers named as the header, the selected one’s card not first: the thread is the selected buyer’s', async () => {
  document.body.innerHTML = html;
  const cards = [...document.querySelectorAll('.SessionBaseCard')];
  const selected = cards.find((c) => c.classList.contains('SessionBaseCard-active'))!;
  selected.setAttribute('data-user-id', 'u-selected');
  const other = cards.find((c) => c !== selected)!;
  other.setAttribute('data-user-id', 'u-other');
  other.querySelector('.SessionBaseCard-topHeadName')!.textContent =
    selected.querySelector('.SessionBaseCard-topHeadName')!.textContent;
  expect(kuaishouAdapter.extract(document, undefined, NOW).thread?.buyer, 'selected first').toBe('u-selected');
  ({ w } = recordingWatcher(kuaishouAdapter, NOW));
  await settle(w);
  // the other buyer writes: their card goes to the top of its group
  const star = other.parentElement!;
  star.parentElement!.insertBefore(star, star.parentElement!.firstElementChild);
  await settle(w);
  const fresh = kuaishouAdapter.extract(document, undefined, NOW);
  expect(fresh.thread?.buyer, 'whole read').toBe('u-selected');
  expect(w.last?.thread?.buyer, 'watcher').toBe(fresh.thread?.buyer);
});
