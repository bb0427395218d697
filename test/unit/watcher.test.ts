// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pddAdapter } from '../../lib/adapters/pdd';
import { Watcher } from '../../lib/content/watcher';
import type { EventsMessage, HealthMessage, ToBackground } from '../../lib/messages';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
const tick = () => new Promise((r) => setTimeout(r, 5));

let sent: ToBackground[];
let watcher: Watcher;

function events(): EventsMessage['events'] {
  return sent.filter((m): m is EventsMessage => m.type === 'events').flatMap((m) => m.events);
}

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
      account: '测试旗舰店',
      activeBuyer: '802114',
    } satisfies Partial<HealthMessage>);
    const ev = events();
    expect(ev.filter((e) => e.buyer === '802114')).toHaveLength(7);
    expect(ev.every((e) => e.historical === true || e.messageId.startsWith('wait-'))).toBe(true);
    // The waiting row of a conversation that is not open becomes one buyer event dated by the page's counter.
    const waiting = ev.find((e) => e.buyer === '733519')!;
    expect(waiting).toMatchObject({ author: 'buyer', at: NOW - 42_000, buyerNick: '小***子' });
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

  it('reports "cannot see the chat" when the message list disappears', async () => {
    watcher.start();
    document.body.innerHTML = '<div id="app">页面改版了</div>';
    await tick();
    expect(sent[sent.length - 1]).toMatchObject({ type: 'health', health: 'noList' });
  });
});

describe('in-page countdown badges', () => {
  it('puts a shadow-root badge on waiting rows, counts down, and removes it when answered', async () => {
    let now = NOW;
    const w = new Watcher({
      adapter: pddAdapter,
      root: document,
      now: () => now,
      url: () => '',
      send: async () => ({ ok: true }),
    });
    w.start();
    w.receive({
      type: 'clocks',
      platform: 'pdd',
      account: '测试旗舰店',
      clocks: [{ buyer: '733519', status: 'pending', dueAt: NOW + 95_000 }],
    });
    const host = document.querySelector('[data-reply-sentinel-badge="733519"]');
    expect(host).not.toBeNull();
    expect(host!.closest('[data-random]')?.getAttribute('data-random')).toBe('733519-0-unTimeout');
    expect(host!.textContent).toBe(''); // the text lives in the shadow root, not in the page's DOM
    expect(w.badges.shown()).toEqual(new Map([['733519', '1:35']]));
    now += 100_000;
    w.badges.paint();
    expect(w.badges.shown()).toEqual(new Map([['733519', '+0:05']]));
    // Another account's clocks are ignored; an empty list removes the badge.
    w.receive({ type: 'clocks', platform: 'pdd', account: 'other', clocks: [] });
    expect(document.querySelectorAll('[data-reply-sentinel-badge]')).toHaveLength(1);
    w.receive({ type: 'clocks', platform: 'pdd', account: '测试旗舰店', clocks: [] });
    expect(document.querySelectorAll('[data-reply-sentinel-badge]')).toHaveLength(0);
    w.stop();
  });

  it('ignores malformed clock messages', () => {
    const w = new Watcher({
      adapter: pddAdapter,
      root: document,
      now: () => NOW,
      url: () => '',
      send: async () => ({ ok: true }),
    });
    w.start();
    for (const bad of [
      null,
      { type: 'clocks' },
      { type: 'clocks', platform: 'pdd', account: '测试旗舰店', clocks: [{ buyer: 1 }] },
    ])
      w.receive(bad);
    expect(document.querySelectorAll('[data-reply-sentinel-badge]')).toHaveLength(0);
    w.stop();
  });
});
