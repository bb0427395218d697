// @vitest-environment jsdom
/**
 * A workbench tab's clock lists over its link port (issue 21, the round trip of a buyer message): the worker posts
 * them on the port the tab holds (`TabLinks`) instead of opening a `tabs.sendMessage` channel per list; the tab's
 * link hands them to the watcher (`WorkerLink` deps.onMessage → `Watcher.fromLink`), and a list it cannot apply asks
 * for the whole one by its health (the port has no reply). No port (none yet, or it broke): `tabs.sendMessage`, as
 * before.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TabLinks, acceptLink, type ServedPort } from '../../lib/background/link';
import { WorkerLink } from '../../lib/content/link';
import { Watcher } from '../../lib/content/watcher';
import { setContentLang } from '../../lib/i18n/content';
import { LINK_PORT, type ClocksMessage, type LinkAck, type ToBackground, type ToContent } from '../../lib/messages';
import { pddAdapter } from '../../lib/platforms/pdd';

const EXT = { id: 'abcdefghijklmnopabcdefghijklmnop', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/' };
const TAB = { id: 7, url: 'https://mms.pinduoduo.com/chat-merchant/index.html' };
const NOW = 1_788_340_500_000;
setContentLang('zh_CN');

const clocks = (seq: number, base?: number): ClocksMessage => ({
  type: 'clocks',
  platform: 'pdd',
  account: '测试旗舰店',
  seq,
  ...(base !== undefined && { base, removed: [] }),
  clocks: [{ buyer: '733519', status: 'pending', dueAt: NOW + 45_000 }],
  title: false,
  lang: 'zh_CN',
});

/** The worker's end of a tab's link port, as Chrome hands it over. */
function servedPort(links: TabLinks) {
  const posted: unknown[] = [];
  const disconnected: (() => void)[] = [];
  const port: ServedPort & { dead: boolean } = {
    name: LINK_PORT,
    sender: { id: EXT.id, tab: TAB, url: TAB.url },
    dead: false,
    onMessage: { addListener: () => undefined },
    onDisconnect: { addListener: (cb) => disconnected.push(cb) },
    postMessage: (m) => {
      if (port.dead) throw new Error('Attempting to use a disconnected port object');
      posted.push(m);
    },
    disconnect: () => undefined,
  };
  expect(acceptLink(port, EXT, async () => ({ ok: true }), links)).toBe(true);
  return { port, posted, disconnect: () => disconnected.forEach((cb) => cb()) };
}

describe('the worker: clock lists over the tab’s link', () => {
  it('go over the tab’s port, one message each and no tabs.sendMessage; other messages and other tabs as before', async () => {
    const links = new TabLinks();
    const bySend: [number, { type: string }][] = [];
    const send = links.sender<ClocksMessage | ToContent>(async (tabId, msg) => {
      bySend.push([tabId, msg]);
      return { ok: true };
    });
    const { posted, disconnect } = servedPort(links);
    expect(await send(TAB.id, clocks(1))).toBeUndefined();
    expect(await send(TAB.id, clocks(2, 1))).toBeUndefined();
    expect(posted).toEqual([clocks(1), clocks(2, 1)]);
    expect(bySend).toEqual([]);
    // Not a clock list, or a tab without a link: by tabs.sendMessage, its reply given back.
    expect(await send(TAB.id, { type: 'insert', text: '您好' })).toEqual({ ok: true });
    expect(await send(8, clocks(3))).toEqual({ ok: true });
    expect(bySend.map(([tab, m]) => `${tab}:${m.type}`)).toEqual(['7:insert', '8:clocks']);
    // The port gone: by tabs.sendMessage again.
    disconnect();
    await send(TAB.id, clocks(4));
    expect(posted).toHaveLength(2);
    expect(bySend.map(([tab, m]) => `${tab}:${m.type}`)).toEqual(['7:insert', '8:clocks', '7:clocks']);
  });

  it('a port that throws (broken before Chrome said so) is dropped: that list by tabs.sendMessage', async () => {
    const links = new TabLinks();
    const bySend: number[] = [];
    const send = links.sender<ClocksMessage>(async (tabId) => void bySend.push(tabId));
    const { port } = servedPort(links);
    port.dead = true;
    await send(TAB.id, clocks(1));
    port.dead = false;
    await send(TAB.id, clocks(2));
    expect(bySend).toEqual([TAB.id, TAB.id]);
  });

  it('a port without a workbench tab (an extension page) is never a tab’s link', () => {
    const links = new TabLinks();
    const port: ServedPort = {
      name: LINK_PORT,
      sender: { id: EXT.id, url: `${EXT.origin}popup.html` },
      onMessage: { addListener: () => undefined },
      onDisconnect: { addListener: () => undefined },
      postMessage: () => {
        throw new Error('posted to an extension page');
      },
      disconnect: () => undefined,
    };
    expect(acceptLink(port, EXT, async () => ({ ok: true }), links)).toBe(true);
    expect(links.post(TAB.id, clocks(1))).toBe(false);
  });
});

describe('the tab: clock lists from its link', () => {
  const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
  let sent: ToBackground[];
  let watcher: Watcher;
  beforeEach(() => {
    document.body.innerHTML = fixture;
    sent = [];
    watcher = new Watcher({
      adapter: pddAdapter,
      root: document,
      now: () => NOW,
      url: () => 'https://mms.pinduoduo.com/chat-merchant/',
      send: async (m) => void sent.push(m),
    });
    watcher.start();
  });
  afterEach(() => watcher.stop());

  it('the link hands what is not an acknowledgement to onMessage, acknowledgements to no one', () => {
    const got: unknown[] = [];
    let deliver: (m: unknown) => void = () => undefined;
    const link = new WorkerLink({
      connect: () => ({
        onDisconnect: { addListener: () => undefined },
        onMessage: { addListener: (cb) => (deliver = cb) },
        postMessage: () => undefined,
        disconnect: () => undefined,
      }),
      sendMessage: async () => undefined,
      isValid: () => true,
      setTimeout: () => undefined,
      now: () => NOW,
      onReconnect: () => undefined,
      onMessage: (m) => got.push(m),
    });
    link.start();
    link.send({ type: 'inputFocus', platform: 'pdd', account: 'a', at: NOW });
    expect(link.pending).toBe(1);
    deliver({ ack: 0, ok: true } satisfies LinkAck);
    expect(link.pending).toBe(0);
    deliver(clocks(1));
    expect(got).toEqual([clocks(1)]);
  });

  it('applies a list from the link; one it cannot apply re-sends the health with the list it holds, once', () => {
    const health = () => sent.filter((m) => m.type === 'health');
    const before = health().length;
    watcher.fromLink(clocks(5));
    watcher.fromLink(clocks(6, 5));
    expect(watcher.badges.waiting()).toEqual({ n: 1, due: NOW + 45_000 });
    expect(health()).toHaveLength(before);
    // Changes on top of a list it does not hold (one was lost): the health, with list 6, asks for the whole one.
    watcher.fromLink(clocks(9, 8));
    expect(health()).toHaveLength(before + 1);
    expect(health().at(-1)).toMatchObject({ type: 'health', clocksSeq: 6 });
    // Anything else over the port: nothing.
    watcher.fromLink({ type: 'insert', text: 'x' });
    expect(sent.filter((m) => m.type !== 'health' && m.type !== 'events')).toEqual([]);
    expect(health()).toHaveLength(before + 1);
  });
});
