// @vitest-environment jsdom
/**
 * The badges rendered for what changed only (RowBadges.renderBuyers): a batch of the page (counters ticking, a row
 * moved and rewritten) renders the badges of the rows read again, a clocks message with changes those of the buyers
 * it names; a whole read, a whole clock list and new words render every badge. Whatever the page and the worker do,
 * the badges are what rendering every badge would make them (a seeded random run checks it after each step).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { setContentLang } from '../../lib/i18n/content';
import type { PageReader } from '../../lib/content/page-reader';
import { Watcher } from '../../lib/content/watcher';
import type { TabClock } from '../../lib/messages';
import { pddRowHtml } from './helpers/pdd-rows';
import { mulberry32 } from './helpers/random';
import { ClockFeed, pastWholeRead } from './helpers/watcher';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
setContentLang('zh_CN');

/** Past the whole read a change made the watcher schedule (see pastWholeRead). */
const tick = () => pastWholeRead();
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const BUYERS = ['600001', '600002', '600003', '600004', '600005', '600006'];
const rowHtml = (uid: string, waiting = true) => pddRowHtml(uid, waiting ? '10秒' : null);
const list = () => document.querySelector('ul.chat-list, .chat-list')!;
const rowOf = (uid: string) => document.querySelector(`[data-random^="${uid}-"]`)?.closest('li') ?? null;

let w: Watcher;
const feed = new ClockFeed(() => w);
const clocks = feed.clocks;
const clock = (buyer: string, inMs: number): TabClock => ({ buyer, status: 'pending', dueAt: NOW + inMs });
/** The worker's whole list (no base), or the changes since the last list. */
const send = feed.send.bind(feed);

/** The page's own change in a row without a badge (its next frame), seen by the watcher. */
async function pageChange() {
  const note = document.querySelector('.item-note')!;
  note.textContent = `${note.textContent}.`;
  await tick();
  await frame();
}

beforeEach(async () => {
  document.body.innerHTML = fixture;
  list().insertAdjacentHTML('beforeend', BUYERS.map((b) => rowHtml(b)).join(''));
  feed.reset();
  w = new Watcher({ adapter: pddAdapter, root: document, now: () => NOW, url: () => '', send: async () => undefined });
  w.start();
  send(
    BUYERS.map((b, i) => clock(b, 40_000 + i * 60_000)),
    [],
    true,
  );
  await pageChange();
});
afterEach(() => w.stop());

it('a batch of ticks and one row rewritten renders that row’s badge only; clock changes the buyers they name', async () => {
  expect([...w.badges.shown().keys()].sort()).toEqual(BUYERS);
  const all = vi.spyOn(w.badges, 'render');
  const some = vi.spyOn(w.badges, 'renderBuyers');
  const incremental = w.stats.incremental;
  // As on the large page: every counter ticks, and one buyer's message moves their row to the top, rewritten.
  for (const t of document.querySelectorAll('.chat-unreply-time')) t.textContent = '11秒';
  const row = rowOf('600004')!;
  row.querySelector('.chat-message-content')!.textContent = '还在吗';
  list().insertBefore(row, list().firstChild);
  await expect.poll(() => w.stats.incremental).toBe(incremental + 1);
  expect(all).not.toHaveBeenCalled();
  expect(some).toHaveBeenCalledTimes(1);
  expect([...some.mock.calls[0]![1]]).toEqual(['600004']);
  expect(w.badges.shown().get('600004')).toBe('剩 3 分');
  expect(rowOf('600004')!.querySelector('[data-reply-sentinel-badge="600004"]')).not.toBeNull();
  // A clock closes, another gets a new deadline: those two badges, at the page's next change.
  some.mockClear();
  send([clock('600002', 20_000)], ['600005']);
  await pageChange();
  expect(all).not.toHaveBeenCalled();
  expect(some.mock.calls.map(([, b]) => [...b].sort())).toContainEqual(['600002', '600005']);
  expect(w.badges.shown().get('600002')).toBe('剩 20 秒');
  expect(w.badges.shown().has('600005')).toBe(false);
  expect(document.querySelector('[data-reply-sentinel-badge="600005"]')).toBeNull();
  // A whole list renders every badge.
  send([], [], true);
  await pageChange();
  expect(all).toHaveBeenCalled();
});

let stable: WeakMap<Element, number>;
let next = 0;
/**
 * The badges as the page shows them: buyer, host and the row it is on (elements by identity, kept across snapshots),
 * text and colour.
 */
function snapshot() {
  const key = (el: Element | null) => (el ? (stable.get(el) ?? (stable.set(el, ++next), next)) : 0);
  return [...document.querySelectorAll('[data-reply-sentinel-badge]')]
    .map((host) => {
      const label = host.shadowRoot?.querySelector('span[role=timer]') as HTMLElement | null;
      return `${host.getAttribute('data-reply-sentinel-badge')}#${key(host)}@${key(host.parentElement)} ${label?.textContent} ${label?.style.background}`;
    })
    .sort();
}

it('whatever the page and the worker do, the badges are what rendering every badge makes them (seeded)', async () => {
  stable = new WeakMap();
  // mulberry32, as the demo's large page.
  const rand = mulberry32(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const reader = (w as unknown as { reader: PageReader }).reader;
  let fresh = 700_000;
  for (let step = 0; step < 60; step++) {
    const rows = [...document.querySelectorAll('li.chat-item')];
    const r = rand();
    const row = pick(rows);
    const uid = row.querySelector('[data-random]')?.getAttribute('data-random')?.split('-')[0] ?? '';
    if (r < 0.2) for (const t of document.querySelectorAll('.chat-unreply-time')) t.textContent = `${step + 11}秒`;
    else if (r < 0.3) list().insertBefore(row, list().firstChild);
    else if (r < 0.4) row.querySelector('.chat-message-content')!.textContent = `问题 ${step}`;
    else if (r < 0.47) row.querySelector('[data-reply-sentinel-badge]')?.remove();
    else if (r < 0.54) {
      // The framework renders the row anew (our badge not in the copy).
      const copy = row.cloneNode(true) as Element;
      copy.querySelector('[data-reply-sentinel-badge]')?.remove();
      row.replaceWith(copy);
    } else if (r < 0.6 && rows.length > 4 && uid !== '802114')
      row.remove(); // (its note is pageChange's)
    else if (r < 0.66) list().insertAdjacentHTML(rand() < 0.5 ? 'afterbegin' : 'beforeend', rowHtml(String(fresh++)));
    else if (r < 0.72) {
      // A recycled row: the element now shows another buyer.
      const box = row.querySelector('[data-random]');
      if (box && uid !== '802114') box.setAttribute('data-random', `${fresh++}-0-unTimeout`);
    } else if (r < 0.85) {
      const buyers = [...document.querySelectorAll('[data-random]')].map(
        (b) => b.getAttribute('data-random')!.split('-')[0]!,
      );
      send(
        [clock(pick(buyers), Math.floor(rand() * 300_000) - 60_000)],
        rand() < 0.5 ? [pick([...clocks.keys(), 'x'])] : [],
      );
    } else if (r < 0.9) send([], [], true);
    else if (r < 0.95) w.scan();
    // The page's next change after it (a deferred render goes out with it), and the frame for new badges.
    await tick();
    await pageChange();
    const got = snapshot();
    // Every badge rendered, from the same reading: nothing changes.
    w.badges.render(reader.buyerRows);
    await frame();
    expect(snapshot(), `step ${step}`).toEqual(got);
  }
  // The run did make badges come and go.
  expect(w.badges.shown().size).toBeGreaterThan(0);
}, 30_000);
