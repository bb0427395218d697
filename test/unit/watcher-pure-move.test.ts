// @vitest-environment jsdom
/**
 * A buyer shown on two rows whose first row moves below the other without reading differently (a pure move: an
 * adapter that memoises its row reads hands back the same reading, so no row change is recorded): the badge row and,
 * where only a buyer's first row counts (firstPerBuyer), the waits the ledger gets are a whole read's
 * (bench-results/2026-12-06g-rec.md, "Found on the way").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { ali1688Adapter } from '../../lib/platforms/ali';
import { douyinAdapter } from '../../lib/platforms/douyin';
import { setContentLang } from '../../lib/i18n/content';
import { Watcher } from '../../lib/content/watcher';
import { keyId } from '../../lib/model';
import type { ToBackground } from '../../lib/messages';
import { liveOf, withLive, type Adapter, type ExtractMemo } from '../../lib/platforms/types';
import { pddList, pddRowHtml } from './helpers/pdd-rows';
import { recordingWatcher } from './helpers/watcher';
import { waitEvents, WholeReadReference, expectSameWaits } from './helpers/waits';
import { rowsNow as douyinRows, shape, tick as douyinTick } from './helpers/douyin-shapes';

const NOW = 1_788_340_500_000;
setContentLang('zh_CN');
const turn = () => new Promise((r) => setTimeout(r, 0));
const tick = async () => {
  for (let i = 0; i < 3; i++) await turn();
};
let w: Watcher | undefined;
let sent: ToBackground[];
afterEach(() => {
  w?.stop();
  w = undefined;
});
const buyerRows = (x: Watcher) => (x as unknown as { reader: { buyerRows: Map<string, Element> } }).reader.buyerRows;
/** Buyer → badge row of a watcher that has read the page whole once, now. */
function fresh(adapter: Adapter): Map<string, Element> {
  const f = recordingWatcher(adapter, NOW).w;
  f.stop();
  f.scan();
  return buyerRows(f);
}

describe('pdd (every row counts; row reads memoised)', () => {
  const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
  beforeEach(() => {
    document.body.innerHTML = fixture;
  });

  it('the first of a buyer’s two rows moved below the other: the badge goes to the row now first', async () => {
    pddList().insertAdjacentHTML('beforeend', pddRowHtml('800001', '5秒') + pddRowHtml('800002', null));
    pddList().insertAdjacentHTML('beforeend', pddRowHtml('800001', null));
    ({ w, sent } = recordingWatcher(pddAdapter, NOW));
    await tick();
    const [first, second] = [...pddList().querySelectorAll('[data-random^="800001"]')];
    expect(buyerRows(w).get('800001')).toBe(first);
    const inc = w.stats.incremental;
    pddList().appendChild(first!.closest('li')!);
    await tick();
    expect(w.stats.incremental, 'read alone').toBe(inc + 1);
    expect(buyerRows(w).get('800001')).toBe(second);
    expect(buyerRows(w)).toEqual(fresh(pddAdapter));
    // And back above it.
    pddList().insertBefore(first!.closest('li')!, pddList().firstElementChild);
    await tick();
    expect(buyerRows(w).get('800001')).toBe(first);
    expect(buyerRows(w)).toEqual(fresh(pddAdapter));
  });
});

/**
 * Ali with its live rows' reads memoised in the reader's memo (as PDD's are: the same reading while the page leaves
 * the row alone), so a pure move reads as no change; and Ali as it is (each read a new reading).
 */
const memoised = (adapter: Adapter): Adapter => ({
  ...adapter,
  extract(root, memo?: ExtractMemo, now?: number) {
    const x = adapter.extract(root, memo, now);
    const rows = liveOf(x)?.rows;
    if (!rows || !memo) return x;
    const read = rows.read;
    const tag = (row: Element) => memo.get(row) as { moveTest: ReturnType<typeof read> } | undefined;
    return withLive(x, {
      ...liveOf(x)!,
      rows: {
        ...rows,
        readAll: undefined,
        read(row) {
          const hit = tag(row);
          if (hit && 'moveTest' in hit) return hit.moveTest;
          const c = read(row);
          memo.set(row, { moveTest: c });
          return c;
        },
      },
    });
  },
});

describe.each([
  ['ali, row reads memoised', memoised(ali1688Adapter)],
  ['ali', ali1688Adapter],
])('%s (only the first row per buyer counts)', (_, adapter) => {
  const fixture = readFileSync(join(process.cwd(), 'test/fixtures/ali/thread.html'), 'utf8');
  beforeEach(() => {
    document.body.innerHTML = fixture;
  });
  const list = () => document.querySelector('.conversation-list')!;
  const rowsNow = () => [...document.querySelectorAll('.conversation-item')];
  const rowsFor = (n: string) => rowsNow().filter((r) => r.querySelector('.name')?.textContent === n);
  function mk(name: string, wait: number | null): void {
    list().insertAdjacentHTML(
      'beforeend',
      `<div class="conversation-item"><div class="avatar"></div><div class="info"><div class="top"><div class="name">${name}</div>` +
        `<div class="time">${wait === null ? '16:58' : `${wait}分钟前`}</div></div><div class="desc">在吗</div></div>` +
        (wait === null ? '' : '<span class="unread-badge">1</span>') +
        '</div>',
    );
  }
  async function start() {
    ({ w, sent } = recordingWatcher(adapter, NOW));
    await tick();
    const ref = new WholeReadReference(ali1688Adapter, NOW);
    expectSameWaits(sent, ref, 'start');
    return ref;
  }
  async function step(ref: WholeReadReference, f: () => void, label: string) {
    const inc = w!.stats.incremental;
    f();
    await tick();
    expect(w!.stats.incremental, `${label}: read alone`).toBe(inc + 1);
    expectSameWaits(sent, ref, label);
    const x = ali1688Adapter.extract(document, undefined, NOW);
    for (const c of x.conversations)
      expect(buyerRows(w!).get(keyId(c.buyer)), `${label}: ${c.buyer}'s badge row`).toBe(c.row);
  }

  it('the waiting first row moved below the buyer’s other (not waiting) row, and back', async () => {
    mk('甲', 5);
    mk('乙', null);
    mk('甲', null);
    const ref = await start();
    expect(waitEvents(sent).filter((e) => e.startsWith('甲')).length).toBe(1);
    await step(ref, () => list().appendChild(rowsFor('甲')[0]!), 'waiting first moved below');
    await step(ref, () => list().insertBefore(rowsFor('甲')[1]!, list().firstElementChild), 'moved back above');
    expect(waitEvents(sent).filter((e) => e.startsWith('甲')).length).toBe(2);
  });

  it('the not-waiting first row moved below the buyer’s waiting row: the wait is sent, once', async () => {
    mk('甲', null);
    mk('乙', null);
    mk('甲', 5);
    const ref = await start();
    expect(waitEvents(sent).filter((e) => e.startsWith('甲'))).toEqual([]);
    await step(ref, () => list().appendChild(rowsFor('甲')[0]!), 'not-waiting first moved below');
    expect(waitEvents(sent).filter((e) => e.startsWith('甲')).length).toBe(1);
    await step(ref, () => list().appendChild(rowsFor('乙')[0]!), 'another row moved');
    expect(waitEvents(sent).filter((e) => e.startsWith('甲')).length).toBe(1);
  });
});

describe.each([
  ['douyin, row reads memoised', memoised(douyinAdapter)],
  ['douyin', douyinAdapter],
])('%s (only the first row per buyer counts)', (_, adapter) => {
  const group = (gi: number) =>
    [
      document.querySelector('.group-7sJd2a[data-btm="message_group_name_waitReply"]')!,
      document.querySelector('.group-7sJd2a[data-btm="message_group_name_overtime"]')!,
      document.querySelector('.group-7sJd2a:not([data-btm])')!,
    ][gi]!;
  const nameOf = (r: Element) => r.querySelector('.nameLine-Q8PQwE')?.getAttribute('title');
  const rowsFor = (n: string) => douyinRows().filter((r) => nameOf(r) === n);
  let serial = 0;
  function mk(name: string, timer: string, gi: number): void {
    const like = douyinRows().find((r) => r.getAttribute('aria-selected') !== 'true')!;
    const c = like.cloneNode(true) as Element;
    c.querySelector('[data-reply-sentinel-badge]')?.remove();
    c.setAttribute('data-btm-id', `p.${serial++}.move`);
    const nm = c.querySelector('.nameLine-Q8PQwE')!;
    nm.setAttribute('title', name);
    const sp = nm.querySelector('span');
    if (sp) sp.textContent = name;
    if (!c.querySelector('.timerParticular-x8Hy'))
      c.querySelector('.topLine-0aPq')?.insertAdjacentHTML('beforeend', '<div class="timerParticular-x8Hy"></div>');
    c.querySelector('.timerParticular-x8Hy')!.textContent = timer;
    group(gi).appendChild(c);
  }
  async function step(ref: WholeReadReference, f: () => void, label: string) {
    const inc = w!.stats.incremental;
    f();
    await douyinTick();
    expect(w!.stats.incremental, `${label}: read alone`).toBe(inc + 1);
    expectSameWaits(sent, ref, label);
    const x = douyinAdapter.extract(document, undefined, NOW);
    for (const c of x.conversations)
      expect(buyerRows(w!).get(keyId(c.buyer)), `${label}: ${c.buyer}'s badge row`).toBe(c.row);
  }

  it('a buyer’s first row moved below their other row in its group, and back', async () => {
    shape('containers');
    mk('甲', '16:58', 2);
    mk('乙', '16:57', 2);
    mk('甲', '16:59', 2);
    mk('丙', '30秒', 0);
    mk('乙', '16:57', 0);
    mk('丙', '20秒', 0);
    ({ w, sent } = recordingWatcher(adapter, NOW));
    await douyinTick();
    const ref = new WholeReadReference(douyinAdapter, NOW);
    expectSameWaits(sent, ref, 'start');
    await step(ref, () => group(2).appendChild(rowsFor('甲')[0]!), 'not waiting, moved below');
    await step(ref, () => group(0).appendChild(rowsFor('丙')[0]!), 'waiting, moved below');
    await step(ref, () => group(0).insertBefore(rowsFor('丙')[1]!, group(0).firstElementChild), 'moved back above');
  });
});
