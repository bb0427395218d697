// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { contentT, contentTranslate, setContentLang } from '../../lib/i18n/content';
import { paletteTranslate } from '../../lib/i18n/palette';
import { FLUSH_MS, QUIET_MS, nextBadgeChange, rowBadgeColor, rowBadgeText } from '../../lib/content/row-badges';
import { windowTimers } from '../../lib/content/timers';
import { Watcher } from '../../lib/content/watcher';
import { UNRECOGNISED_ACCOUNT, keyId } from '../../lib/model';
import {
  CLOCKS_RESYNC,
  LIMITS,
  type EventsMessage,
  type HealthMessage,
  type TabClock,
  type ToBackground,
} from '../../lib/messages';
import { parseMessage } from '../../lib/protocol';
import { pastWholeRead } from './helpers/watcher';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
// The content script's language comes with the clocks; until then the browser's (jsdom: English). Chinese here.
setContentLang('zh_CN');

/** Past the whole read a change made the watcher schedule (see pastWholeRead). */
const tick = () => pastWholeRead();
/** The page's next animation frame (new badges go on there). */
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
/** Something on the page changes (its own rendering), and the watcher sees it; then its next frame. */
const pageChange = async () => {
  const note = document.querySelector('.item-note')!;
  note.textContent = `${note.textContent}.`;
  await tick();
  await frame();
};

let sent: ToBackground[];
let watcher: Watcher;

function events(): EventsMessage['events'] {
  return sent.filter((m): m is EventsMessage => m.type === 'events').flatMap((m) => m.events);
}

/** The background's whole clock list for the fixture page's account, numbered `seq` by the worker `epoch`. */
const clockList = (clocks: TabClock[], seq = 1, epoch = 1) =>
  ({ type: 'clocks', platform: 'pdd', account: '测试旗舰店', epoch, seq, clocks }) as const;
/** A buyer of the fixture page waiting, due `inMs` after NOW. */
const waiting = (buyer: string, inMs: number): TabClock => ({ buyer, status: 'pending', dueAt: NOW + inMs });

beforeEach(() => {
  document.body.innerHTML = fixture;
  sent = [];
  watcher = new Watcher({
    adapter: pddAdapter,
    root: document,
    now: () => NOW,
    url: () => 'http://127.0.0.1/demo/pdd/',
    send: async (m) => void sent.push(m),
  });
});
afterEach(() => watcher.stop());

function li(id: number, side: 'buyer' | 'cs', text: string): string {
  const inner =
    side === 'buyer'
      ? `<div class="buyer-item"><div currentuid="802114"></div>`
      : `<div class="cs-item"><p class="nickname"><span>主账号</span></p>`;
  return `<li class="onemsg" id="middlePanel_list_${id}"><div class="merchantMessage">${inner}<div class="msg-content"><p class="msg-content-box">${text}</p></div></div></div></li>`;
}

describe('Watcher', () => {
  it('reports health first, then the thread on screen as history', () => {
    watcher.start();
    expect(sent[0]).toMatchObject({
      type: 'health',
      health: 'watching',
      parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
      account: '测试旗舰店',
      activeBuyer: '802114',
    } satisfies Partial<HealthMessage>);
    expect(parseMessage(sent[0]).ok).toBe(true);
    const ev = events();
    expect(ev.filter((e) => e.buyer === '802114')).toHaveLength(7);
    expect(ev.every((e) => e.historical === true || e.messageId.startsWith('wait-'))).toBe(true);
    // The waiting row of a conversation that is not open becomes one buyer event dated by the page's counter.
    const waiting = ev.find((e) => e.buyer === '733519')!;
    expect(waiting).toMatchObject({ author: 'buyer', at: NOW - 42_000, timeSource: 'counter', buyerNick: '小***子' });
  });

  it('the open conversation’s own counter in its row starts a clock as other rows’ counters do', async () => {
    document
      .querySelector('[data-random^="802114"]')!
      .insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">12秒</span>');
    watcher.start();
    const waits = events().filter((e) => e.timeSource === 'counter');
    expect(waits.map((e) => [e.buyer, e.at, e.author])).toEqual([
      ['802114', NOW - 12_000, 'buyer'],
      ['733519', NOW - 42_000, 'buyer'],
    ]);
    // A counter appearing on the open row later (the buyer wrote again after a reply) is a wait too, once.
    watcher.stop();
    document.body.innerHTML = fixture;
    sent = [];
    watcher = new Watcher({
      adapter: pddAdapter,
      root: document,
      now: () => NOW,
      url: () => '',
      send: async (m) => void sent.push(m),
    });
    watcher.start();
    const before = events().length;
    document
      .querySelector('[data-random^="802114"]')!
      .insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">3秒</span>');
    await tick();
    document.querySelector('[data-random^="802114"] .chat-unreply-time')!.textContent = '4秒';
    await tick();
    expect(events().slice(before)).toEqual([
      expect.objectContaining({ buyer: '802114', at: NOW - 3000, timeSource: 'counter' }),
    ]);
  });

  it('reports a new message as live, once, with the time from its id', async () => {
    watcher.start();
    const before = events().length;
    document.querySelector('ul.msg-list')!.insertAdjacentHTML('beforeend', li(NOW - 1000, 'buyer', '还在吗'));
    await tick();
    const fresh = events().slice(before);
    expect(fresh).toEqual([
      expect.objectContaining({ author: 'buyer', at: NOW - 1000, timeSource: 'id', text: '还在吗' }),
    ]);
    expect(fresh[0]!.historical).toBeUndefined();
    // Unrelated DOM churn does not re-send anything.
    document.querySelector('.chat-message-content')!.textContent = '还在吗';
    await tick();
    expect(events().length).toBe(before + 1);
  });

  it('a re-scan after reload is idempotent: same ids, nothing new for the background', () => {
    watcher.start();
    const first = events().map((e) => e.messageId);
    watcher.stop();
    sent = [];
    const again = new Watcher({
      adapter: pddAdapter,
      root: document,
      now: () => NOW + 60_000,
      url: () => '',
      send: async (m) => void sent.push(m),
    });
    again.start();
    again.stop();
    expect(
      events()
        .map((e) => e.messageId)
        .filter((id) => !id.startsWith('wait-')),
    ).toEqual(first.filter((id) => !id.startsWith('wait-')));
  });

  /** A watcher on a clock the test moves (`at.now`), with a short account grace. */
  function graceWatcher(graceMs = 30): { w: Watcher; at: { now: number } } {
    const at = { now: NOW };
    const w = new Watcher({
      adapter: pddAdapter,
      root: document,
      now: () => at.now,
      url: () => 'http://127.0.0.1/demo/pdd/',
      send: async (m) => void sent.push(m),
      accountGraceMs: graceMs,
    });
    onTestFinished(() => w.stop());
    return { w, at };
  }
  const accounts = () => [...new Set(events().map((e) => e.account))];

  it('a page that shows no shop reports the unrecognised account (no shared default) and takes its tab’s clocks', async () => {
    document.querySelector('.mall-name')!.remove();
    const { w, at } = graceWatcher();
    w.start();
    expect(sent[0]).toMatchObject({ type: 'health', account: UNRECOGNISED_ACCOUNT });
    // Its messages wait for the shop to render, the grace long.
    expect(events()).toEqual([]);
    at.now += 30;
    await vi.waitFor(() => expect(events().length).toBeGreaterThan(0), { timeout: 2000 });
    const batches = sent.filter((m): m is EventsMessage => m.type === 'events');
    for (const b of batches) {
      expect(b.account).toBe(UNRECOGNISED_ACCOUNT);
      expect(b.events.every((e) => e.account === UNRECOGNISED_ACCOUNT)).toBe(true);
      expect(parseMessage(b).ok).toBe(true);
    }
    expect(events().filter((e) => e.buyer === '802114')).toHaveLength(7);
    // The background answers with the account it gave this tab: its clocks are this page's.
    const tabOwn = { ...clockList([waiting('733519', 95_000)]), account: '?tab7.abc' };
    expect(w.receive({ ...tabOwn, account: '测试旗舰店' })).toBeUndefined();
    await frame();
    expect(document.querySelector('[data-reply-sentinel-badge="733519"]')).toBeNull();
    w.receive(tabOwn);
    await vi.waitFor(() => expect(document.querySelector('[data-reply-sentinel-badge="733519"]')).not.toBeNull(), {
      timeout: 2000,
    });
    w.stop();
  });

  it('a shop that renders after the first read, within the grace: every message goes to the shop, once', async () => {
    const header = document.querySelector('.mall-name')!;
    header.remove();
    const { w, at } = graceWatcher(300);
    w.start();
    expect(sent.map((m) => m.type)).toEqual(['health']);
    at.now += 100;
    document.querySelector('#app, body')!.prepend(header);
    // Changes during the grace wait for the read at its end.
    await tick();
    expect(events()).toEqual([]);
    at.now += 200;
    await vi.waitFor(() => expect(events().length).toBeGreaterThan(0), { timeout: 2000 });
    expect(accounts()).toEqual(['测试旗舰店']);
    const ids = events().map((e) => e.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sent.filter((m) => m.type === 'health').map((m) => (m as HealthMessage).account)).toEqual([
      UNRECOGNISED_ACCOUNT,
      '测试旗舰店',
    ]);
    // A message arriving now is news, under the shop.
    document.querySelector('ul.msg-list')!.insertAdjacentHTML('beforeend', li(NOW + 900, 'buyer', '在吗'));
    await vi.waitFor(() => expect(events().some((e) => e.text === '在吗')).toBe(true));
    expect(accounts()).toEqual(['测试旗舰店']);
    w.stop();
  });

  it('a shop that renders after the grace gets the whole page again; a header re-rendering keeps the shop', async () => {
    const header = document.querySelector('.mall-name')!;
    header.remove();
    const { w, at } = graceWatcher();
    w.start();
    at.now += 30;
    await vi.waitFor(() => expect(accounts()).toEqual([UNRECOGNISED_ACCOUNT]), { timeout: 2000 });
    const before = events().length;
    at.now += 5000;
    document.querySelector('#app, body')!.prepend(header);
    await vi.waitFor(() => expect(accounts()).toEqual([UNRECOGNISED_ACCOUNT, '测试旗舰店']), { timeout: 2000 });
    const shop = events().slice(before);
    expect(shop.every((e) => e.account === '测试旗舰店')).toBe(true);
    // The same messages and waits (a counter's reading is dated by the time it was read).
    const what = (list: typeof shop) =>
      list.map((e) => `${e.buyer}:${e.messageId.replace(/^wait-\d+/, 'wait')}`).sort();
    expect(what(shop)).toEqual(what(events().slice(0, before)));
    // The header goes away for a moment (re-rendered): the page's messages stay the shop's.
    const count = sent.length;
    header.remove();
    await vi.waitFor(() => expect(sent.length).toBeGreaterThan(count));
    expect(sent[sent.length - 1]).toMatchObject({ type: 'health', account: '测试旗舰店', parts: { account: 'none' } });
    document.querySelector('ul.msg-list')!.insertAdjacentHTML('beforeend', li(NOW + 9000, 'buyer', '还在吗'));
    await vi.waitFor(() => expect(events().some((e) => e.text === '还在吗')).toBe(true));
    expect(events().find((e) => e.text === '还在吗')!.account).toBe('测试旗舰店');
    expect(events().length).toBe(2 * before + 1);
    w.stop();
  });

  it('a shop name that starts with "?" is still a shop, never taken for the unrecognised account', () => {
    document.querySelector('.mall-name')!.textContent = '?tab7.abc';
    watcher.start();
    expect(sent[0]).toMatchObject({ type: 'health', account: 'tab7.abc' });
  });

  it('sends a thread longer than one message may carry in slices the background accepts, each message once', () => {
    const long = Array.from({ length: 4100 }, (_, i) =>
      li(NOW - 5_000_000_000 + i * 60_000, i % 2 ? 'cs' : 'buyer', `第${i}条`),
    ).join('');
    document.querySelector('ul.msg-list')!.insertAdjacentHTML('afterbegin', long);
    watcher.start();
    const batches = sent.filter((m): m is EventsMessage => m.type === 'events');
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const b of batches) {
      expect(b.events.length).toBeLessThanOrEqual(LIMITS.eventsPerMessage);
      expect(parseMessage(b).ok).toBe(true);
    }
    const ids = events()
      .filter((e) => e.buyer === '802114')
      .map((e) => e.messageId);
    expect(ids).toHaveLength(4100 + 7);
    expect(new Set(ids).size).toBe(ids.length);
    // 4 100 messages in jsdom: seconds of CPU, more on a loaded machine. Not a timing goal (those are in the bench).
  }, 30_000);

  it('does not read the page again for its own badges appearing on rows', async () => {
    let reads = 0;
    const w = new Watcher({
      adapter: {
        ...pddAdapter,
        extract: (root) => {
          reads++;
          return pddAdapter.extract(root);
        },
      },
      root: document,
      now: () => NOW,
      url: () => '',
      send: async () => ({ ok: true }),
    });
    w.start();
    expect(reads).toBe(1);
    w.receive(clockList([waiting('733519', 95_000)]));
    // The badge appears in the page's next frame, or within a second when the page stays quiet.
    await vi.waitFor(() => expect(document.querySelector('[data-reply-sentinel-badge="733519"]')).not.toBeNull(), {
      timeout: 3000,
    });
    await tick();
    expect(reads).toBe(1);
    expect(w.stats.incremental).toBe(0);
    // A change by the page inside a row is read where it happened: that row alone, not the page.
    document.querySelector('.chat-message-content')!.textContent = '还在吗';
    await tick();
    expect(reads).toBe(1);
    expect(w.stats).toMatchObject({ incremental: 1, rowReads: 1 });
    expect(w.last!.conversations[0]!.preview).toBe('还在吗');
    w.stop();
  });

  it('reads the page the same with its memo as a fresh read, whatever the page changes', async () => {
    watcher.start();
    const fresh = () => pddAdapter.extract(document);
    const list = document.querySelector('ul.msg-list')!;
    const untimed = (text: string) =>
      `<li class="onemsg"><div class="merchantMessage"><div class="buyer-item"><div currentuid="802114"></div><div class="msg-content"><p class="msg-content-box">${text}</p></div></div></div></li>`;
    const steps: (() => void)[] = [
      // Messages without ids: their ids hash the last time stamp above them.
      () => list.insertAdjacentHTML('beforeend', untimed('一') + untimed('二')),
      // A new stamp above them changes those ids.
      () =>
        list
          .querySelector('li:nth-child(3) .merchantMessage')!
          .insertAdjacentHTML('afterbegin', '<p class="message-time">2026年09月08日 17:20:00</p>'),
      () => (list.querySelector('li:nth-child(2) .msg-content-box')!.firstChild as Text).replaceData(0, 2, '还有'),
      () => list.querySelector('li:nth-child(7) .cs-item')!.classList.add('callback'),
      () => (list.querySelector('li:nth-child(7) .nickname span')!.textContent = '机器人'),
      () => list.querySelector('li:nth-child(4)')!.remove(),
      () => list.insertAdjacentHTML('afterbegin', li(NOW - 9_000_000, 'buyer', '更早的消息')),
      () => (document.querySelector('.chat-unreply-time')!.textContent = '43秒'),
      () => document.querySelector('.chat-unreply-time')!.remove(),
      () =>
        document
          .querySelector('[data-random^="915002"]')!
          .insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">3分</span>'),
      () => document.querySelector('.chat-list')!.prepend(document.querySelector('.chat-list li:last-child')!),
      () => document.querySelector('[data-random^="802114"]')!.classList.remove('active'),
      () => document.querySelector('[data-random^="915002"]')!.setAttribute('data-random', '915003-0-reply'),
    ];
    for (const [i, step] of steps.entries()) {
      step();
      // Half the steps scan at once, before the observer has delivered the change; the others wait for the
      // observer's scan (a stale memo would stay wrong, so waiting cannot hide one).
      if (i % 2) {
        watcher.scan();
        expect({ step: i, x: watcher.last }).toEqual({ step: i, x: fresh() });
      } else await vi.waitFor(() => expect({ step: i, x: watcher.last }).toEqual({ step: i, x: fresh() }));
    }
  });

  it('reads a message appended to the open thread alone, without reading the page again', async () => {
    const reads: number[] = [];
    const w = new Watcher({
      adapter: {
        ...pddAdapter,
        extract: (root, memo) => {
          reads.push(1);
          return pddAdapter.extract(root, memo);
        },
      },
      root: document,
      now: () => NOW,
      url: () => '',
      send: async (m) => void sent.push(m),
    });
    w.start();
    const before = events().length;
    const list = document.querySelector('ul.msg-list')!;
    list.insertAdjacentHTML('beforeend', li(NOW - 2000, 'buyer', '在吗'));
    list.insertAdjacentHTML('beforeend', li(NOW - 1000, 'cs', '在的'));
    await tick();
    expect(reads).toHaveLength(1);
    expect(w.stats).toMatchObject({ scans: 1, incremental: 1, appended: 2 });
    expect(events().slice(before)).toEqual([
      expect.objectContaining({ author: 'buyer', at: NOW - 2000, text: '在吗', buyer: '802114' }),
      expect.objectContaining({ author: 'human', at: NOW - 1000, text: '在的' }),
    ]);
    expect(
      events()
        .slice(before)
        .some((e) => e.historical),
    ).toBe(false);
    expect(w.last).toEqual(pddAdapter.extract(document));
    w.stop();
  });

  it('reads the page whole when a change falls outside what it can apply piecewise', async () => {
    watcher.start();
    const list = document.querySelector('ul.msg-list')!;
    // An insertion before the last message (history loaded above, or a late message sorted in).
    list.insertAdjacentHTML('afterbegin', li(NOW - 9_000_000, 'buyer', '更早'));
    await vi.waitFor(() => expect(watcher.stats.scans).toBe(2));
    expect(events().find((e) => e.text === '更早')).toBeDefined();
    // The account name (outside the list and the thread).
    document.querySelector('.mall-name')!.textContent = '另一家店';
    await vi.waitFor(() => expect(watcher.stats.scans).toBe(3));
    expect(sent.filter((m) => m.type === 'health').at(-1)).toMatchObject({ type: 'health', account: '另一家店' });
    // Another shop in this tab: what is on screen is reported again, under it.
    const mine = events().filter((e) => e.account === '另一家店');
    expect(mine.filter((e) => e.buyer === '802114')).toHaveLength(8);
    // An earlier message taken out of the thread (changes inside one are re-read alone: message-change.test.ts).
    list.querySelector('li:nth-child(3)')!.remove();
    await vi.waitFor(() => expect(watcher.stats.scans).toBe(4));
    expect(watcher.last).toEqual(pddAdapter.extract(document));
    expect(watcher.stats.incremental).toBe(0);
  });

  it('a thread switch is read whole: the new thread is history, and a message arriving meanwhile is not missed', async () => {
    watcher.start();
    const before = events().length;
    const list = document.querySelector('ul.msg-list')!;
    // The page swaps the open conversation: new rows' active class, new header, the list re-rendered.
    document.querySelector('[data-random^="802114"]')!.classList.remove('active');
    document.querySelector('[data-random^="733519"]')!.classList.add('active');
    document.querySelector('.chatWindowHeader .name')!.textContent = '小***子';
    list.innerHTML = li(NOW - 50_000, 'buyer', '在吗').replaceAll('802114', '733519');
    // Before the full read runs, the new buyer writes again (its own task: a separate batch of records).
    await Promise.resolve();
    list.insertAdjacentHTML('beforeend', li(NOW - 1000, 'buyer', '人呢').replaceAll('802114', '733519'));
    await vi.waitFor(() => expect(watcher.last?.thread?.buyer).toBe('733519'));
    await tick();
    const fresh = events()
      .slice(before)
      .filter((e) => e.buyer === '733519' && !e.messageId.startsWith('wait-'));
    expect(fresh.map((e) => e.text)).toEqual(['在吗', '人呢']);
    expect(sent.some((m) => m.type === 'health' && m.activeBuyer === '733519')).toBe(true);
    // Later messages in the new thread go the live way again.
    const scans = watcher.stats.scans;
    list.insertAdjacentHTML('beforeend', li(NOW - 500, 'buyer', '？').replaceAll('802114', '733519'));
    await tick();
    expect(watcher.stats.scans).toBe(scans);
    expect(events().at(-1)).toMatchObject({ buyer: '733519', text: '？' });
    expect(events().at(-1)!.historical).toBeUndefined();
  });

  it('a list the page renders anew with each message (every row a new element) is still applied live', async () => {
    watcher.start();
    const before = events().length;
    const listEl = document.querySelector('.chat-list')!;
    // As the demo page does on each message: the message appended, then every row rendered anew.
    document.querySelector('ul.msg-list')!.insertAdjacentHTML('beforeend', li(NOW - 1000, 'buyer', '还在吗'));
    listEl.replaceChildren(...[...listEl.children].map((r) => r.cloneNode(true)));
    // Reported from the observer's callback itself, before any later task.
    await Promise.resolve();
    expect(events().slice(before)).toEqual([expect.objectContaining({ text: '还在吗', at: NOW - 1000 })]);
    expect(watcher.stats).toMatchObject({ scans: 1, incremental: 1 });
    await tick();
    expect(watcher.stats.scans).toBe(1);
    expect(watcher.last).toEqual(pddAdapter.extract(document));
    // Opening another conversation (the active row changes) is read whole.
    document.querySelector('[data-random^="802114"]')!.classList.remove('active');
    document.querySelector('[data-random^="733519"]')!.classList.add('active');
    await vi.waitFor(() => expect(watcher.stats.scans).toBe(2));
  });

  it('rows: a new waiting row, a row moved to the top and a row re-rendered by the page are read alone', async () => {
    watcher.start();
    const before = events().length;
    const listEl = document.querySelector('.chat-list')!;
    // A row starts waiting (the page adds its counter).
    document
      .querySelector('[data-random^="915002"]')!
      .insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">5秒</span>');
    // The most recent conversation moves to the top.
    listEl.prepend(listEl.querySelector('li:last-child')!);
    await tick();
    expect(events().slice(before)).toEqual([
      expect.objectContaining({
        buyer: '915002',
        author: 'buyer',
        at: NOW - 5000,
        timeSource: 'counter',
        messageId: `wait-${(NOW - 5000) / 1000}`,
      }),
    ]);
    // Its counter ticking is no new wait; the row re-rendered by the framework (a new element) is the same wait.
    document.querySelector('[data-random^="915002"] .chat-unreply-time')!.textContent = '6秒';
    const old = listEl.querySelector('li')!;
    old.replaceWith(old.cloneNode(true));
    await tick();
    expect(events()).toHaveLength(before + 1);
    expect(watcher.stats.scans).toBe(1);
    expect(watcher.last!.conversations.map((c) => c.buyer)).toEqual(['915002', '802114', '733519']);
    expect(watcher.last).toEqual(pddAdapter.extract(document));
    // The conversation is answered: its wait ends, and a later one is reported again.
    listEl.querySelector('li .chat-unreply-time')!.remove();
    await tick();
    listEl
      .querySelector('li .chat-item-box')!
      .insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">1秒</span>');
    await tick();
    expect(events().slice(before + 1)).toEqual([expect.objectContaining({ buyer: '915002', at: NOW - 1000 })]);
    expect(watcher.stats.scans).toBe(1);
  });

  it('a waiting row whose counter ticks is read through the counter alone; the wait ending or coming back still counts', async () => {
    watcher.start();
    const before = events().length;
    const counter = document.querySelector('[data-random^="733519"] .chat-unreply-time')!;
    const rowReads = watcher.stats.rowReads;
    // The page rewrites the counter (a new text node), or the text node's data.
    for (const sec of [43, 44, 45]) {
      counter.textContent = `${sec}秒`;
      await tick();
    }
    (counter.firstChild as Text).data = '1分';
    await tick();
    expect(watcher.stats).toMatchObject({ scans: 1, rowReads, counterReads: 4 });
    // What it knows of the row is what a fresh read says (the counter's value included).
    expect(watcher.last).toEqual(pddAdapter.extract(document));
    expect(events()).toHaveLength(before);
    // The counter shows no wait any more (emptied, not removed): the row is read, and the wait ends …
    counter.textContent = '';
    await tick();
    expect(watcher.stats.rowReads).toBe(rowReads + 1);
    // … so when it shows one again, that is a new wait, reported.
    counter.textContent = '2秒';
    await tick();
    expect(watcher.stats.rowReads).toBe(rowReads + 2);
    expect(events().slice(before)).toEqual([
      expect.objectContaining({ buyer: '733519', author: 'buyer', at: NOW - 2000 }),
    ]);
    // A change next to the counter in the same row (its preview) is read as a row change.
    counter.textContent = '3秒';
    document.querySelector('[data-random^="733519"] .chat-message-content')!.textContent = '人呢';
    await tick();
    expect(watcher.stats.rowReads).toBe(rowReads + 3);
    expect(watcher.last).toEqual(pddAdapter.extract(document));
    expect(watcher.stats.scans).toBe(1);
  });

  it('a counter found to be its row’s ticks without a selector matched: no walk up to the list, no check again', async () => {
    watcher.start();
    const counter = document.querySelector('[data-random^="733519"] .chat-unreply-time')!;
    // The first tick checks that it is the row's counter …
    counter.textContent = '43秒';
    await tick();
    const matches = vi.spyOn(Element.prototype, 'matches');
    const query = vi.spyOn(Element.prototype, 'querySelector');
    onTestFinished(() => {
      matches.mockRestore();
      query.mockRestore();
    });
    // … the next ones, a new text node or the text node's data, read it alone.
    for (const sec of [44, 45]) {
      counter.textContent = `${sec}秒`;
      await tick();
    }
    (counter.firstChild as Text).data = '1分';
    await tick();
    expect(matches).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
    matches.mockRestore();
    query.mockRestore();
    expect(watcher.stats).toMatchObject({ scans: 1, counterReads: 4 });
    expect(watcher.last).toEqual(pddAdapter.extract(document));
  });

  it('a known counter that stops being the counter is checked again: the row reads as a fresh read, whatever came with the tick', async () => {
    watcher.start();
    const before = events().length;
    const row = () => document.querySelector('[data-random^="733519"]')!;
    const counter = row().querySelector('.chat-unreply-time')!;
    counter.textContent = '43秒';
    await tick();
    // In one batch: the counter's class goes (no counter any more), and its text ticks: the wait ends.
    counter.className = 'gone';
    counter.textContent = '44秒';
    await tick();
    expect(watcher.last).toEqual(pddAdapter.extract(document));
    expect(watcher.last!.conversations.find((c) => c.buyer === '733519')!.waitingSec).toBeUndefined();
    // In a later batch the old counter's text changes alone: still no counter.
    counter.textContent = '45秒';
    await tick();
    expect(watcher.last).toEqual(pddAdapter.extract(document));
    // A counter again (the other class), found and checked; then an element put inside it with the first class,
    // which a fresh read takes for the counter.
    counter.className = 'chat-unreply-over-time';
    await tick();
    counter.textContent = '46秒';
    await tick();
    expect(watcher.last!.conversations.find((c) => c.buyer === '733519')!.waitingSec).toBe(46);
    counter.insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">9秒</span>');
    await tick();
    expect(watcher.last).toEqual(pddAdapter.extract(document));
    (counter.lastChild!.firstChild as Text).data = '10秒';
    await tick();
    expect(watcher.last).toEqual(pddAdapter.extract(document));
    expect(watcher.last!.conversations.find((c) => c.buyer === '733519')!.waitingSec).toBe(10);
    // The known counter's class goes while another element becomes the counter (the row is read); later the old one's
    // text changes alone: not the counter, the row reads the new one's.
    const inner = counter.lastElementChild!;
    inner.className = 'gone';
    row().insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">30秒</span>');
    await tick();
    inner.textContent = '99秒';
    await tick();
    expect(watcher.last).toEqual(pddAdapter.extract(document));
    expect(watcher.last!.conversations.find((c) => c.buyer === '733519')!.waitingSec).toBe(30);
    // The wait ended once and came back once: one new wait reported.
    expect(events().slice(before)).toEqual([expect.objectContaining({ buyer: '733519', timeSource: 'counter' })]);
    expect(watcher.stats.scans).toBe(1);
  });

  it('reports "cannot see the chat" when the message list disappears', async () => {
    watcher.start();
    document.body.innerHTML = '<div id="app">页面改版了</div>';
    // Polled, not one fixed tick: under load the read after the change can come later than 5 ms.
    await vi.waitFor(() => expect(sent[sent.length - 1]).toMatchObject({ type: 'health', health: 'noList' }));
  });

  /** The last health the watcher sent. */
  const lastHealth = () => sent.filter((m): m is HealthMessage => m.type === 'health').at(-1);

  it('reports the open thread missing when its message list goes, and keeps reporting what the list shows', async () => {
    watcher.start();
    const before = events().length;
    document.querySelector('#msgListContainer')!.remove();
    await vi.waitFor(() =>
      expect(lastHealth()).toMatchObject({ health: 'noThread', parts: { list: 'ok', thread: 'missing' } }),
    );
    // The list still shows waits: a new one is reported.
    const counter = document.querySelector('[data-random^="915002"]')!;
    counter.insertAdjacentHTML('beforeend', '<span class="chat-unreply-time">5秒</span>');
    await vi.waitFor(() =>
      expect(events().slice(before)).toEqual([expect.objectContaining({ buyer: '915002', at: NOW - 5000 })]),
    );
  });

  it('a list whose rows stop parsing goes blind, though the change reaches it row by row (live path)', async () => {
    watcher.start();
    for (const box of document.querySelectorAll('[data-random]')) box.removeAttribute('data-random');
    // The full read runs on a later task: wait for it (a loaded machine can take longer than one tick).
    await vi.waitFor(() => expect(lastHealth()).toMatchObject({ health: 'noList', parts: { list: 'missing' } }));
    expect(watcher.last).toEqual(pddAdapter.extract(document));
  });

  it('a list whose rows are all replaced by rows it cannot read goes blind', async () => {
    watcher.start();
    document.querySelector('ul.chat-list')!.innerHTML =
      '<li class="conv-v2"><span>S*******n</span><p>请问什么时候发货</p></li>';
    // The full read runs on a later task: wait for it (a loaded machine can take longer than one tick).
    await vi.waitFor(() => expect(lastHealth()).toMatchObject({ health: 'noList', parts: { list: 'missing' } }));
  });

  it('an empty open thread that fills with messages it cannot read goes blind', async () => {
    document.querySelector('ul.msg-list')!.replaceChildren();
    watcher.start();
    expect(lastHealth()).toMatchObject({ health: 'watching', parts: { thread: 'ok' } });
    document.querySelector('ul.msg-list')!.insertAdjacentHTML('beforeend', '<li class="msg-v2"><p>在吗</p></li>');
    // The full read runs on a later task: wait for it (a loaded machine can take longer than one tick).
    await vi.waitFor(() => expect(lastHealth()).toMatchObject({ health: 'noThread', parts: { thread: 'missing' } }));
  });
});

/** A started watcher on the fixture page whose messages go nowhere (the badge tests drive it by hand). */
function badgeWatcher(now: () => number = () => NOW): Watcher {
  const w = new Watcher({ adapter: pddAdapter, root: document, now, url: () => '', send: async () => ({ ok: true }) });
  w.start();
  return w;
}

describe('in-page countdown badges', () => {
  it('says the time in words: whole minutes (hours, days), seconds only in the last minute', () => {
    const cases: [number, string][] = [
      [2 * 3_600_000, '剩 2 小时'],
      [30 * 60_000, '剩 30 分'],
      [179_999, '剩 2 分'],
      [120_000, '剩 2 分'],
      [119_999, '剩 1 分'],
      [60_001, '剩 1 分'],
      [60_000, '剩 1 分'],
      [59_001, '剩 1 分'],
      [59_000, '剩 59 秒'],
      [1, '剩 1 秒'],
      [0, '超 1 分'],
      [-5_000, '超 1 分'],
      [-60_000, '超 1 分'],
      [-60_001, '超 2 分'],
      [-3_725_000, '超 1 小时 3 分'],
      [-38_460_000, '超 10 小时 41 分'],
      [-26 * 3_600_000, '超 1 天 2 小时'],
    ];
    expect(cases.map(([ms]) => [ms, rowBadgeText(ms, contentTranslate('zh_CN'))])).toEqual(cases);
    // Labelled in the UI language, from the content catalog: never a bare number like the page's own counter.
    const words = contentTranslate;
    expect(
      [179_999, 57_000, -63_000, -3_725_000, -24 * 3_600_000, -49 * 3_600_000].map((ms) =>
        rowBadgeText(ms, words('en')),
      ),
    ).toEqual(['2 min left', '57 s left', '2 min over', '1 h 3 min over', '1 day over', '2 days 1 h over']);
    expect([179_999, 57_000, -63_000].map((ms) => rowBadgeText(ms, words('zh_CN')))).toEqual([
      '剩 2 分',
      '剩 57 秒',
      '超 2 分',
    ]);
  });

  it('makes each badge text once per language: a repaint of many badges showing the same formats no words again', () => {
    const zh = contentTranslate('zh_CN');
    // A translator of its own (the texts are kept per translator), counting its calls.
    const t = vi.fn(((key, args) => zh(key, args)) as typeof zh);
    const lefts = [179_999, 150_000, 121_000, 57_000, 56_001, -5_000, -59_000, -3_725_000];
    const first = lefts.map((ms) => rowBadgeText(ms, t));
    expect(first).toEqual([
      '剩 2 分',
      '剩 2 分',
      '剩 2 分',
      '剩 57 秒',
      '剩 57 秒',
      '超 1 分',
      '超 1 分',
      '超 1 小时 3 分',
    ]);
    expect(first).toEqual(lefts.map((ms) => rowBadgeText(ms, zh)));
    // Made once per distinct text: 剩 2 分, 剩 57 秒, 超 1 分 (two calls each), 超 1 小时 3 分 (three).
    expect(t).toHaveBeenCalledTimes(9);
    // 140 badges repainted with those texts: no call.
    for (let i = 0; i < 140; i++) rowBadgeText(lefts[i % lefts.length]!, t);
    expect(t).toHaveBeenCalledTimes(9);
    // Another language: its own texts.
    expect(rowBadgeText(57_000, contentTranslate('en'))).toBe('57 s left');
  });

  it('knows when a badge next changes: its text and colour stay the same until then, and change then', () => {
    const look = (dueAt: number, t: number, lead: number) =>
      `${rowBadgeText(dueAt - t)} ${rowBadgeColor(dueAt - t, lead)}`;
    const dueAt = NOW;
    for (const lead of [60_000, 120_000, 45_000]) {
      // From 5 minutes before the deadline to 5 minutes after it, at odd offsets.
      for (let t = dueAt - 300_000; t < dueAt + 300_000; t += 7_919) {
        const next = nextBadgeChange(dueAt, t, lead);
        expect(next).toBeGreaterThan(t);
        const now = look(dueAt, t, lead);
        // Unchanged up to the moment before, checked at every 250 ms and right before it …
        for (let u = t; u < next; u += 250)
          expect({ t, u, lead, look: look(dueAt, u, lead) }).toEqual({ t, u, lead, look: now });
        expect(look(dueAt, next - 1, lead)).toBe(now);
        // … and changed at it.
        expect(look(dueAt, next, lead)).not.toBe(now);
      }
    }
  });

  it('a buyer id or shop with "|" is looked up as stored ("¦", keyId): the row gets its badge and opens', async () => {
    document.querySelector('[data-random="733519-0-unTimeout"]')!.setAttribute('data-random', 'ab|733519-0-unTimeout');
    document.querySelector('.mall-name')!.textContent = '测试|旗舰店';
    const got: ToBackground[] = [];
    const w = new Watcher({
      adapter: pddAdapter,
      root: document,
      now: () => NOW,
      url: () => '',
      send: async (m) => void got.push(m),
    });
    w.start();
    // What the page reports is stored through the protocol, which maps "|" with the same function.
    const batch = got.find((m): m is EventsMessage => m.type === 'events')!;
    const parsed = parseMessage(batch);
    expect(parsed.ok).toBe(true);
    const stored = parsed.ok ? (parsed.value as EventsMessage) : null;
    expect(stored!.account).toBe(keyId('测试|旗舰店'));
    expect(stored!.events.map((e) => e.buyer)).toContain(keyId('ab|733519'));
    expect(keyId('ab|733519')).toBe('ab¦733519');
    // The background's clocks name the stored ids: they are this page's, and the badge finds the row.
    w.receive({ ...clockList([waiting('ab¦733519', 95_000)]), account: '测试¦旗舰店' });
    await pageChange();
    const badge = document.querySelector('[data-reply-sentinel-badge="ab¦733519"]');
    expect(badge?.closest('[data-random]')?.getAttribute('data-random')).toBe('ab|733519-0-unTimeout');
    expect(w.handle({ type: 'openConversation', buyer: 'ab¦733519' })).toEqual({ ok: true });
    w.stop();
  });

  it("speaks the language the worker sends with the clocks (the setting), in badges and the palette's words", async () => {
    const w = badgeWatcher(() => NOW);
    try {
      w.receive({ ...clockList([waiting('733519', 95_000)]), lang: 'en' });
      await pageChange();
      expect(w.badges.shown()).toEqual(new Map([['733519', '1 min left']]));
      expect(paletteTranslate(contentT().lang)('palKeys')).toMatch(/^↑↓ choose/);
      // Back to Chinese: the worker sends the whole list again, and the badges follow.
      w.receive({ ...clockList([waiting('733519', 95_000)], 2), lang: 'zh_CN' });
      await pageChange();
      expect(w.badges.shown()).toEqual(new Map([['733519', '剩 1 分']]));
      // A list without a language (an older worker) is Chinese, the product's first language.
      w.receive({ ...clockList([waiting('733519', 95_000)], 3), lang: 'fr' });
      expect(contentT().lang).toBe('zh_CN');
    } finally {
      setContentLang('zh_CN');
      w.stop();
    }
  });

  it('puts a shadow-root badge on waiting rows, counts down, and removes it when answered', async () => {
    let now = NOW;
    const w = badgeWatcher(() => now);
    w.receive(clockList([waiting('733519', 95_000)]));
    // Clocks come out of step with the page: the badge goes into the page's next frame, at its next change.
    await pageChange();
    const host = document.querySelector('[data-reply-sentinel-badge="733519"]');
    expect(host).not.toBeNull();
    expect(host!.closest('[data-random]')?.getAttribute('data-random')).toBe('733519-0-unTimeout');
    expect(host!.textContent).toBe(''); // the text lives in the shadow root, not in the page's DOM
    expect(w.badges.shown()).toEqual(new Map([['733519', '剩 1 分']]));
    // A calm badge's text changes once a minute: painting it during that minute writes nothing into the page.
    const shadow = document.querySelector('[data-reply-sentinel-badge="733519"]')!.shadowRoot!;
    let writes = 0;
    const spy = new MutationObserver((r) => (writes += r.length));
    spy.observe(shadow, { subtree: true, childList: true, characterData: true, attributes: true });
    for (let i = 0; i < 30; i++) {
      now += 1000;
      w.badges.paint();
    }
    await Promise.resolve();
    expect(w.badges.shown()).toEqual(new Map([['733519', '剩 1 分']]));
    expect(writes).toBe(0);
    // The last minute ticks in seconds.
    now += 10_000;
    w.badges.paint();
    expect(w.badges.shown()).toEqual(new Map([['733519', '剩 55 秒']]));
    await Promise.resolve();
    expect(writes).toBeGreaterThan(0);
    spy.disconnect();
    now += 60_000;
    w.badges.paint();
    expect(w.badges.shown()).toEqual(new Map([['733519', '超 1 分']]));
    expect(shadow.querySelector('[role="timer"]')!.textContent).toBe('超 1 分');
    // Another account's clocks are ignored; an empty list removes the badge.
    w.receive({ ...clockList([], 2), account: 'other' });
    await pageChange();
    expect(document.querySelectorAll('[data-reply-sentinel-badge]')).toHaveLength(1);
    w.receive(clockList([], 2));
    await pageChange();
    expect(document.querySelectorAll('[data-reply-sentinel-badge]')).toHaveLength(0);
    w.stop();
  });

  it('puts the badge in a block row as its last block, without touching the row’s style; a flex row gets it in its corner', async () => {
    const rowOf = (buyer: string) => document.querySelector<HTMLElement>(`[data-random^="${buyer}"]`)!;
    // A kind of row that lays out its children in a flex line: the badge is positioned in the row's corner.
    for (const el of document.querySelectorAll<HTMLElement>('.chat-item-box')) el.style.display = 'flex';
    rowOf('733519').style.display = '';
    // A block row that clips its overflow: a label raised from the end of its content could be hidden.
    rowOf('802114').style.display = '';
    rowOf('802114').style.overflow = 'hidden';
    const w = badgeWatcher();
    w.receive(clockList([waiting('733519', 95_000), waiting('915002', 95_000), waiting('802114', 95_000)]));
    await pageChange();
    const badge = (buyer: string) => document.querySelector(`[data-reply-sentinel-badge="${buyer}"]`)!;
    expect(badge('733519').parentElement).toBe(rowOf('733519'));
    expect(badge('733519').getAttribute('data-place')).toBe('block');
    expect(rowOf('733519').getAttribute('style')).toBe('');
    expect(badge('915002').getAttribute('data-place')).toBe('corner');
    expect(rowOf('915002').style.position).toBe('relative');
    expect(badge('802114').getAttribute('data-place')).toBe('corner');
    // The badge's own style decides how each place lays out: in a block row, no positioning (a paint layer), no
    // float (it would join the list's formatting context), no containment (a stacking context).
    const css = badge('733519').shadowRoot!.querySelector('style')!.textContent!;
    expect(css).toMatch(/:host\(\[data-place=block\]\) \{ display: flow-root; height: 0; \}/);
    expect(css).not.toMatch(/:host\(\[data-place=block\]\)[^}]*(position|float|contain)/);
    w.stop();
  });

  it('keeps the badge on a row the page re-renders, and drops it with the row', async () => {
    const w = badgeWatcher();
    w.receive(clockList([waiting('733519', 95_000)]));
    await pageChange();
    const row = () => document.querySelector('[data-random^="733519"]')!;
    expect(row().querySelector('[data-reply-sentinel-badge]')).not.toBeNull();
    // The framework replaces the row element (our badge is not in the copy).
    const li = row().parentElement!;
    const copy = li.cloneNode(true) as Element;
    copy.querySelector('[data-reply-sentinel-badge]')?.remove();
    li.replaceWith(copy);
    await tick();
    await frame();
    expect(row().querySelector('[data-reply-sentinel-badge="733519"]')).not.toBeNull();
    expect(document.querySelectorAll('[data-reply-sentinel-badge]')).toHaveLength(1);
    // The page strips our badge from the row (a re-render of its content): it comes back.
    row().querySelector('[data-reply-sentinel-badge]')!.remove();
    await tick();
    await frame();
    expect(row().querySelector('[data-reply-sentinel-badge="733519"]')).not.toBeNull();
    // The row goes away.
    row().parentElement!.remove();
    await tick();
    await frame();
    expect(document.querySelectorAll('[data-reply-sentinel-badge]')).toHaveLength(0);
    expect(w.stats.scans).toBe(1);
    w.stop();
  });

  it('ticks only the badges in view, with the page’s own changes, and repaints one coming back into view', async () => {
    // jsdom has no IntersectionObserver: a fake one the test drives.
    let report: ((entries: { target: Element; isIntersecting: boolean }[]) => void) | null = null;
    const observed = new Set<Element>();
    const win = window as unknown as { IntersectionObserver?: unknown };
    win.IntersectionObserver = class {
      constructor(cb: typeof report) {
        report = cb;
      }
      observe(el: Element) {
        observed.add(el);
      }
      unobserve(el: Element) {
        observed.delete(el);
      }
      disconnect() {
        observed.clear();
      }
    };
    try {
      let now = NOW;
      const w = badgeWatcher(() => now);
      w.receive(clockList([waiting('733519', 45_000), waiting('915002', 30_000)]));
      await pageChange();
      const row = (b: string) => document.querySelector(`[data-random^="${b}"]`)!;
      // Only the rows of buyers with a clock are watched for visibility; until told otherwise they count as shown.
      expect([...observed]).toEqual([row('733519'), row('915002')]);
      expect(w.badges.shown()).toEqual(
        new Map([
          ['733519', '剩 45 秒'],
          ['915002', '剩 30 秒'],
        ]),
      );
      // 915002 scrolls out of view: its badge stays on the row but stops ticking; the other one moves.
      report!([{ target: row('915002'), isIntersecting: false }]);
      now += 2000;
      await pageChange();
      expect(w.badges.shown()).toEqual(
        new Map([
          ['733519', '剩 43 秒'],
          ['915002', '剩 30 秒'],
        ]),
      );
      // It comes back while the page keeps changing: repainted with the page's next change.
      now += 500;
      report!([{ target: row('915002'), isIntersecting: true }]);
      expect(w.badges.shown().get('915002')).toBe('剩 30 秒');
      await pageChange();
      expect(w.badges.shown().get('915002')).toBe('剩 28 秒');
      // Out and back in while the page is quiet (the person scrolls): repainted at once.
      report!([{ target: row('915002'), isIntersecting: false }]);
      now += 5000;
      report!([{ target: row('915002'), isIntersecting: true }]);
      expect(w.badges.shown().get('915002')).toBe('剩 23 秒');
      w.stop();
      expect(observed.size).toBe(0);
    } finally {
      delete win.IntersectionObserver;
    }
  });

  it('a hidden tab writes nothing into its badges (no tick either), and shows the right values at once when shown', async () => {
    let hidden = false;
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    let now = NOW;
    const w = badgeWatcher(() => now);
    try {
      w.receive(clockList([waiting('733519', 45_000), waiting('915002', 150_000)]));
      await pageChange();
      expect(w.badges.shown()).toEqual(
        new Map([
          ['733519', '剩 45 秒'],
          ['915002', '剩 2 分'],
        ]),
      );
      const shadow = document.querySelector('[data-reply-sentinel-badge="733519"]')!.shadowRoot!;
      let writes = 0;
      const spy = new MutationObserver((r) => (writes += r.length));
      spy.observe(shadow, { subtree: true, childList: true, characterData: true, attributes: true });
      hidden = true;
      document.dispatchEvent(new Event('visibilitychange'));
      // The page keeps changing, the second ticks by, a clock gets a new deadline: nothing is written.
      for (let i = 0; i < 3; i++) {
        now += 1000;
        await pageChange();
        w.badges.paint();
      }
      w.receive({ ...clockList([waiting('915002', 30_000)], 2), base: 1, removed: [] });
      await pageChange();
      // Past the quiet time: the 1-second tick would repaint a shown tab's badges; a hidden one's rests.
      now += QUIET_MS + 1000;
      await new Promise((r) => setTimeout(r, 1100));
      await Promise.resolve();
      expect(writes).toBe(0);
      expect(w.badges.shown()).toEqual(
        new Map([
          ['733519', '剩 45 秒'],
          ['915002', '剩 2 分'],
        ]),
      );
      // Shown again: every badge says what is true now, at once, before the page's next change.
      hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      const left = (ms: number) => rowBadgeText(ms);
      expect(w.badges.shown()).toEqual(
        new Map([
          ['733519', left(45_000 - (now - NOW))],
          ['915002', left(30_000 - (now - NOW))],
        ]),
      );
      expect(w.badges.shown().get('733519')).toBe('剩 40 秒');
      spy.disconnect();
    } finally {
      w.stop();
      delete (document as { hidden?: boolean }).hidden;
    }
  });

  it('shows a badge within a second when the page stays quiet', async () => {
    const w = badgeWatcher();
    try {
      w.receive(clockList([waiting('733519', 55_000)]));
      // Elapsed time from the monotonic clock: the wall clock may be stepped (NTP, a faked clock) meanwhile.
      const t0 = performance.now();
      await vi.waitFor(() => expect(w.badges.shown()).toEqual(new Map([['733519', '剩 55 秒']])), { timeout: 3000 });
      expect(performance.now() - t0).toBeLessThan(FLUSH_MS + 500);
    } finally {
      w.stop(); // a watcher left running would put its badges on the next test's page
    }
  });

  it('moves the numbers with the page’s own changes, and its timer writes nothing while the page keeps changing', async () => {
    let now = NOW;
    const w = badgeWatcher(() => now);
    w.receive(clockList([waiting('733519', 55_000)]));
    await pageChange();
    const shadow = document.querySelector('[data-reply-sentinel-badge="733519"]')!.shadowRoot!;
    let writes = 0;
    const spy = new MutationObserver((r) => (writes += r.length));
    spy.observe(shadow, { subtree: true, childList: true, characterData: true, attributes: true });
    // The page changes a second later: the badge moves with it.
    now += 1000;
    await pageChange();
    expect(w.badges.shown()).toEqual(new Map([['733519', '剩 54 秒']]));
    expect(writes).toBeGreaterThan(0);
    writes = 0;
    // Less than QUIET_MS since the page's change: the 1-second timer leaves the badge alone.
    now += QUIET_MS - 100; // the number would change (0:54 → 0:53) if painted
    await new Promise((r) => setTimeout(r, 1100));
    await Promise.resolve();
    expect(writes).toBe(0);
    // The page has gone quiet: the timer takes over.
    now += 1000;
    await vi.waitFor(() => expect(w.badges.shown()).toEqual(new Map([['733519', '剩 52 秒']])), { timeout: 3000 });
    expect(writes).toBeGreaterThan(0);
    spy.disconnect();
    w.stop();
  });

  it('applies change lists on top of the list they were made from, and asks for the whole list otherwise', async () => {
    const w = badgeWatcher();
    const head = clockList([]);
    const a = waiting('733519', 45_000);
    const b = waiting('915002', 30_000);
    // A change list before any whole list (the tab just loaded): not applied, the whole list is asked for.
    expect(w.receive({ ...head, seq: 4, base: 3, clocks: [a], removed: [] })).toEqual({
      ok: false,
      error: CLOCKS_RESYNC,
    });
    await pageChange();
    expect(w.badges.shown().size).toBe(0);
    expect(w.receive({ ...head, seq: 5, clocks: [a] })).toBeUndefined();
    await pageChange();
    expect(w.badges.shown()).toEqual(new Map([['733519', '剩 45 秒']]));
    // Changes on top of list 5: one added, then one changed and one removed.
    expect(w.receive({ ...head, seq: 6, base: 5, clocks: [b], removed: [] })).toBeUndefined();
    await pageChange();
    expect(w.badges.shown()).toEqual(
      new Map([
        ['733519', '剩 45 秒'],
        ['915002', '剩 30 秒'],
      ]),
    );
    expect(
      w.receive({
        ...head,
        seq: 7,
        base: 6,
        clocks: [{ ...b, status: 'breached', dueAt: NOW - 5000 }],
        removed: ['733519'],
      }),
    ).toBeUndefined();
    await pageChange();
    expect(w.badges.shown()).toEqual(new Map([['915002', '超 1 分']]));
    // A message went missing (8): list 9's changes cannot apply; nothing changes until the whole list comes.
    expect(w.receive({ ...head, seq: 9, base: 8, clocks: [], removed: ['915002'] })).toEqual({
      ok: false,
      error: CLOCKS_RESYNC,
    });
    await pageChange();
    expect(w.badges.shown()).toEqual(new Map([['915002', '超 1 分']]));
    expect(w.receive({ ...head, seq: 10, clocks: [a] })).toBeUndefined();
    await pageChange();
    expect(w.badges.shown()).toEqual(new Map([['733519', '剩 45 秒']]));
    w.stop();
  });

  it('drops a list delivered after a later one of the same worker; takes a restarted worker’s (outsider review 8)', async () => {
    const w = badgeWatcher();
    const a = waiting('733519', 45_000);
    const b = waiting('915002', 30_000);
    const shows = async (badges: [string, string][]) => {
      await pageChange();
      expect(w.badges.shown()).toEqual(new Map(badges));
    };
    expect(w.receive(clockList([a, b], 20))).toBeUndefined();
    await shows([
      ['733519', '剩 45 秒'],
      ['915002', '剩 30 秒'],
    ]);
    // An older whole list after it: nothing changes, nothing asked (the tab shows what is newer).
    expect(w.receive(clockList([a], 19))).toBeUndefined();
    await shows([
      ['733519', '剩 45 秒'],
      ['915002', '剩 30 秒'],
    ]);
    // An older change list after it (made against list 18): dropped, no resync.
    expect(w.receive({ ...clockList([], 19), base: 18, removed: ['915002'] })).toBeUndefined();
    // The list shown again: nothing changes.
    expect(w.receive(clockList([], 20))).toBeUndefined();
    await shows([
      ['733519', '剩 45 秒'],
      ['915002', '剩 30 秒'],
    ]);
    // A change on top of it, twice: the second is dropped too (no whole list asked for what the tab shows).
    const change = { ...clockList([], 21), base: 20, removed: ['915002'] };
    expect(w.receive(change)).toBeUndefined();
    expect(w.receive(change)).toBeUndefined();
    await shows([['733519', '剩 45 秒']]);
    expect(w.receive({ ...clockList([b], 22), base: 21, removed: [] })).toBeUndefined();
    // The worker restarted with its wall clock gone back: lower numbers, another epoch. Its change list asks for the
    // whole list, which is shown.
    expect(w.receive({ ...clockList([], 3, 2), base: 2, removed: ['733519'] })).toEqual({
      ok: false,
      error: CLOCKS_RESYNC,
    });
    expect(w.receive(clockList([b], 4, 2))).toBeUndefined();
    await shows([['915002', '剩 30 秒']]);
    expect(w.receive({ ...clockList([a], 5, 2), base: 4, removed: [] })).toBeUndefined();
    await shows([
      ['733519', '剩 45 秒'],
      ['915002', '剩 30 秒'],
    ]);
    // The first worker's lists no longer apply on top of this one.
    expect(w.receive({ ...clockList([], 23), base: 22, removed: ['733519'] })).toEqual({
      ok: false,
      error: CLOCKS_RESYNC,
    });
    w.stop();
  });

  it('the tab title: shows the wait when the background says so, restores it, and its changes cost no page read', async () => {
    document.title = '拼多多商家后台';
    const w = badgeWatcher();
    await tick();
    const scans = w.stats.scans;
    w.receive({ ...clockList([waiting('733519', 42_000), waiting('888', 100_000)]), title: true });
    expect(document.title).toBe('(2) 0:42 · 拼多多商家后台');
    await tick();
    // Our own title write (and the page's) is no change to the chat: no read of the page.
    document.title = '(新消息) 拼多多商家后台';
    await tick();
    expect(document.title).toBe('(2) 0:42 · (新消息) 拼多多商家后台');
    expect(w.stats.scans).toBe(scans);
    expect(w.stats.incremental).toBe(0);
    // The setting off (a whole list, without it): the page's title exactly.
    w.receive({ ...clockList([waiting('733519', 42_000)], 2), title: false });
    expect(document.title).toBe('(新消息) 拼多多商家后台');
    w.receive({ ...clockList([waiting('733519', 42_000)], 3), title: true });
    expect(document.title).toBe('(1) 0:42 · (新消息) 拼多多商家后台');
    // Changes only: the last buyer answered, nothing waits.
    w.receive({ ...clockList([], 4), base: 3, removed: ['733519'], title: true });
    expect(document.title).toBe('(新消息) 拼多多商家后台');
    w.receive({ ...clockList([waiting('733519', 42_000)], 5), title: true });
    w.stop();
    expect(document.title).toBe('(新消息) 拼多多商家后台');
  });

  it('runs every timer (heartbeat, reads, badges, title) on the timers it is given: WXT ctx in the content script', async () => {
    const used: string[] = [];
    const timers = {
      ...windowTimers(document),
      setTimeout: (fn: () => void, ms: number) => (used.push('timeout'), setTimeout(fn, ms)),
      setInterval: (fn: () => void, ms: number) => (used.push('interval'), setInterval(fn, ms)),
      requestAnimationFrame: (fn: () => void) => (used.push('frame'), requestAnimationFrame(fn)),
    };
    const globalTimeout = vi.spyOn(globalThis, 'setTimeout');
    const globalInterval = vi.spyOn(globalThis, 'setInterval');
    const w = new Watcher({
      adapter: pddAdapter,
      root: document,
      now: () => NOW,
      url: () => '',
      send: async () => ({ ok: true }),
      timers,
    });
    try {
      w.start();
      w.receive({ ...clockList([waiting('733519', 42_000)]), title: true });
      // Every window timer set was set through them.
      expect([globalTimeout.mock.calls.length, globalInterval.mock.calls.length]).toEqual([
        used.filter((u) => u === 'timeout').length,
        used.filter((u) => u === 'interval').length,
      ]);
      expect(used.length).toBeGreaterThan(0);
    } finally {
      globalTimeout.mockRestore();
      globalInterval.mockRestore();
    }
    await pageChange();
    // The heartbeat and the badge tick (intervals), the title's next change (a timeout), the badges' frame.
    expect(used.filter((u) => u === 'interval').length).toBeGreaterThanOrEqual(2);
    expect(used).toContain('timeout');
    expect(used).toContain('frame');
    w.stop();
  });

  it('ignores malformed clock messages, asking for the whole list instead', async () => {
    const w = badgeWatcher();
    const head = { type: 'clocks', platform: 'pdd', account: '测试旗舰店' };
    for (const bad of [
      null,
      { type: 'clocks' },
      { ...head, epoch: 1, seq: 1, clocks: [{ buyer: 1 }] },
      // no number
      { ...head, epoch: 1, clocks: [] },
      // removed buyers without the list they are removed from
      { ...head, epoch: 1, seq: 1, clocks: [], removed: ['733519'] },
      { ...head, epoch: 1, seq: 1, base: 0, clocks: [], removed: [7] },
      // no worker, or not a number for one
      { ...head, seq: 1, clocks: [waiting('733519', 45_000)] },
      { ...head, epoch: '1', seq: 1, clocks: [waiting('733519', 45_000)] },
      { ...head, epoch: -1, seq: 1, clocks: [waiting('733519', 45_000)] },
      { ...head, epoch: 1.5, seq: 1, clocks: [waiting('733519', 45_000)] },
      { ...head, epoch: null, seq: 2, base: 1, clocks: [waiting('733519', 45_000)], removed: [] },
    ])
      expect(w.receive(bad)).toEqual({ ok: false, error: CLOCKS_RESYNC });
    await pageChange();
    expect(document.querySelectorAll('[data-reply-sentinel-badge]')).toHaveLength(0);
    // The same list with its worker: shown.
    expect(w.receive({ ...head, epoch: 1, seq: 1, clocks: [waiting('733519', 45_000)] })).toBeUndefined();
    await pageChange();
    expect(w.badges.shown()).toEqual(new Map([['733519', '剩 45 秒']]));
    w.stop();
  });
});
