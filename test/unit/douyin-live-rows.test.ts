// @vitest-environment jsdom
/**
 * Douyin's live rows: a row's group is the marker holding it (containers) or the nearest marker before it (headers),
 * so a row read alone must find its group as the whole read does, and a change of the markers must send the page to
 * a whole read. Random sequences of list changes on the fixture in three shapes (containers, headers inside group
 * boxes, headers and rows all siblings): after each, the watcher's page equals a fresh whole read, and the plain row
 * changes were read alone (no whole read).
 */

import { afterEach, describe, expect, it } from 'vitest';
import { douyinAdapter } from '../../lib/platforms/douyin';
import { liveOf } from '../../lib/platforms/types';
import { Watcher } from '../../lib/content/watcher';
import { mulberry32 as random } from './helpers/random';
import { GROUPS, NOW, ROW, type Shape, markersNow, rowsNow, shape, tick } from './helpers/douyin-shapes';

const containersNow = () => markersNow().some((m) => m.querySelector(ROW));
const isActive = (r: Element) => r.getAttribute('aria-selected') === 'true';

let watcher: Watcher | null = null;
afterEach(() => watcher?.stop());

function start(): Watcher {
  const w = new Watcher({
    adapter: douyinAdapter,
    root: document,
    now: () => NOW,
    url: () => '',
    send: async () => {},
  });
  watcher = w;
  w.start();
  return w;
}

/** One random change of the list: `plain` (rows only: read alone), a marker change (false: read whole), or null. */
function change(rnd: () => number, n: number, s: Shape): { what: string; plain: boolean | null } {
  const pickOf = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const rows = rowsNow();
  const others = rows.filter((r) => !isActive(r));
  const k = Math.floor(rnd() * 10);
  if (k === 0 || !rows.length) {
    // A row added next to another (a new buyer), in whichever group that is.
    const like = pickOf(rows.length ? rows : [document.createElement('div')]);
    const row = like.cloneNode(true) as Element;
    row.className = 'conversationCard-ePRNJi';
    row.removeAttribute('aria-selected');
    row.setAttribute('data-qa-id', 'qa-conversation-chat-item');
    row.setAttribute('data-btm-id', `a.b.c${n}.recent`);
    const name = row.querySelector('[class*="nameLine"]');
    const same = name?.getAttribute('title');
    if (same && !isActive(like) && rnd() < 0.2) {
      // The same buyer on a second row (the list keeps the first): read alone or whole, the page as a fresh read.
      like.after(row);
      return { what: `second row of ${same}`, plain: null };
    }
    if (name) {
      name.setAttribute('title', `新买家${n}`);
      name.textContent = `新买家${n}`;
    } else row.innerHTML = `<div class="nameLine-Q8PQwE" title="新买家${n}">新买家${n}</div>`;
    const at = rows.length ? pickOf(rows) : document.querySelector('.list_items')!;
    if (rows.length && rnd() < 0.5) at.before(row);
    else if (rows.length) at.after(row);
    else at.append(row);
    return { what: `add 新买家${n}`, plain: true };
  }
  if (k === 1 && others.length) {
    const r = pickOf(others);
    r.remove();
    return { what: 'remove a row', plain: true };
  }
  if (k <= 3) {
    // A new message: the row moves to the top of the list (into the first group), or next to another row (maybe in
    // another group: across a header).
    const r = pickOf(rows);
    const to = k === 2 ? rows[0]! : pickOf(rows);
    if (to === r) return { what: 'nothing', plain: true };
    if (rnd() < 0.5) to.before(r);
    else to.after(r);
    const preview = r.querySelector('[class*="msgContent"]');
    if (preview) preview.textContent = `消息${n}`;
    return { what: `move ${r.querySelector('[title]')?.getAttribute('title')}`, plain: true };
  }
  if (k === 4) {
    // The unread count or the waiting time changes.
    const r = pickOf(rows);
    const timer = r.querySelector('[class*="timerParticular"]');
    if (timer && rnd() < 0.5) timer.textContent = `${Math.floor(rnd() * 9)}分${10 + Math.floor(rnd() * 49)}秒`;
    else {
      const badge = r.querySelector('sup');
      if (badge) badge.remove();
      else
        r.querySelector('[class*="bottomLine"], [class*="cardMain"]')?.insertAdjacentHTML('beforeend', '<sup>3</sup>');
    }
    return { what: 'unread / timer', plain: true };
  }
  const title = document.querySelector('.groupTitle-2LkP')?.firstChild;
  if (k === 5 && rnd() < 0.4 && title?.nodeType === 3) {
    // A group title's count (text no row reads).
    (title as Text).data = `待回复 ${n}`;
    return { what: 'title count', plain: true };
  }
  if (k === 5) {
    const r = pickOf(rows);
    const name = r.querySelector('[class*="nameLine"]');
    if (!name || isActive(r)) return { what: 'nothing', plain: true };
    name.setAttribute('title', `改名${n}`);
    return { what: 'rename', plain: true };
  }
  const markers = markersNow();
  if (k === 6 || !markers.length) {
    // A group header (or, with containers, a group box) added before a row.
    const at = rows.length ? pickOf(rows) : document.querySelector('.list_items')!;
    const m = document.createElement('div');
    m.className = s === 'containers' ? 'group-7sJd2a' : 'groupTitle-2LkP';
    m.setAttribute('data-btm', pickOf(GROUPS));
    m.textContent = '分组';
    if (rows.length) at.before(m);
    else at.append(m);
    return { what: 'header added', plain: false };
  }
  if (k === 7) {
    const m = pickOf(markers);
    if (s === 'containers') m.replaceWith(...m.children);
    else m.remove();
    return { what: 'header removed', plain: false };
  }
  if (k === 8) {
    const m = pickOf(markers);
    m.setAttribute('data-btm', pickOf(GROUPS.filter((g) => g !== m.getAttribute('data-btm'))));
    return { what: 'header renamed', plain: false };
  }
  const m = pickOf(markers);
  const at = rows.length ? pickOf(rows) : null;
  if (!at || at.contains(m) || m.contains(at)) return { what: 'nothing', plain: true };
  if (s === 'containers') {
    // A row moved into another group box is a row change; a whole box moved next to a row a header change.
    at.parentElement!.before(m);
  } else at.before(m);
  return { what: 'header moved', plain: false };
}

describe.each(['containers', 'headers', 'flat'] as const)('Douyin live rows, %s', (s) => {
  it('the fixture reads the same in this shape, and offers live rows', () => {
    shape(s);
    const x = douyinAdapter.extract(document, undefined, NOW);
    expect(x.conversations.map((c) => [c.buyer, c.waitingSec])).toEqual([
      ['小鹿同学', 65],
      ['lily_0612', 45],
      ['阿杰', 312],
      ['晴天', undefined],
    ]);
    expect(liveOf(x)?.rows).toBeDefined();
    expect(containersNow()).toBe(s === 'containers');
  });

  it.each([1, 2, 3, 4, 5, 6])('random list changes (seed %i): the page as a fresh read gives it', async (seed) => {
    shape(s);
    const w = start();
    const rnd = random(seed * 7919 + s.length);
    let rowReads = 0;
    for (let n = 0; n < 60; n++) {
      const mode = containersNow();
      const scans = w.stats.scans;
      const incremental = w.stats.incremental;
      const { what, plain } = change(rnd, n, s);
      await tick();
      const fresh = douyinAdapter.extract(document, undefined, NOW);
      expect(w.last, `${n}: ${what}`).toEqual(fresh);
      if (what === 'nothing') continue;
      if (plain && containersNow() === mode) {
        expect(w.stats.scans, `${n}: ${what} read whole`).toBe(scans);
        expect(w.stats.incremental, `${n}: ${what}`).toBe(incremental + 1);
        rowReads++;
      } else if (plain === false) expect(w.stats.scans, `${n}: ${what} not read whole`).toBe(scans + 1);
    }
    expect(rowReads).toBeGreaterThan(20);
  });

  it('a row moved across a group header reads its new group alone', async () => {
    shape(s);
    const w = start();
    const rows = rowsNow();
    const jie = rows.find((r) => r.querySelector('[title="阿杰"]'))!;
    const qing = rows.find((r) => r.querySelector('[title="晴天"]'))!;
    // 阿杰 (overtime, waiting 5分12秒) after 晴天 (no pending group): no wait any more.
    qing.after(jie);
    await tick();
    expect(w.stats.scans).toBe(1);
    expect(w.last!.conversations.find((c) => c.buyer === '阿杰')!.waitingSec).toBeUndefined();
    // And back to the top: waiting again, in the first group.
    rows[0]!.before(jie);
    await tick();
    expect(w.stats.scans).toBe(1);
    expect(w.last!.conversations.map((c) => c.buyer)[0]).toBe('阿杰');
    expect(w.last!.conversations.find((c) => c.buyer === '阿杰')!.waitingSec).toBe(312);
    expect(w.last).toEqual(douyinAdapter.extract(document, undefined, NOW));
  });

  it('a group header added, removed or renamed reads the page whole', async () => {
    shape(s);
    const w = start();
    const lily = rowsNow().find((r) => r.querySelector('[title="lily_0612"]'))!;
    const m = document.createElement('div');
    m.setAttribute('data-btm', 'message_group_name_recent');
    if (s === 'containers') {
      lily.before(m);
      m.append(lily);
    } else lily.before(m);
    await tick();
    expect(w.stats.scans).toBe(2);
    expect(w.last!.conversations.find((c) => c.buyer === 'lily_0612')!.waitingSec).toBeUndefined();
    expect(w.last).toEqual(douyinAdapter.extract(document, undefined, NOW));
    markersNow()[0]!.setAttribute('data-btm', 'message_group_name_recent');
    await tick();
    expect(w.stats.scans).toBe(3);
    expect(w.last!.conversations.find((c) => c.buyer === '小鹿同学')!.waitingSec).toBeUndefined();
  });
});

describe('Douyin live rows: pages where a row cannot read alone surely', () => {
  it('a marker outside the list, or inside a row: no live rows (read whole)', () => {
    shape('flat');
    document.querySelector('header')!.setAttribute('data-btm', 'message_group_name_waitReply');
    expect(liveOf(douyinAdapter.extract(document, undefined, NOW))?.rows).toBeUndefined();
    shape('flat');
    rowsNow()[0]!.insertAdjacentHTML('beforeend', '<i data-btm="message_group_name_recent"></i>');
    expect(liveOf(douyinAdapter.extract(document, undefined, NOW))?.rows).toBeUndefined();
  });

  it('a marker made inside a row, or a row put inside a header, reads the page whole', async () => {
    shape('flat');
    const w = start();
    const second = rowsNow()[1];
    second!.querySelector('[class*="msgContent"]')!.setAttribute('data-btm', 'message_group_name_recent');
    await tick();
    expect(w.stats.scans).toBe(2);
    expect(w.last).toEqual(douyinAdapter.extract(document, undefined, NOW));
    w.stop();
    shape('flat');
    const w2 = start();
    markersNow()[1]!.append(rowsNow()[0]!);
    await tick();
    expect(w2.stats.scans).toBe(2);
    expect(w2.last).toEqual(douyinAdapter.extract(document, undefined, NOW));
  });
});
