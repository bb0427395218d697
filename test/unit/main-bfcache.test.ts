// @vitest-environment jsdom
/**
 * The workbench content script (lib/content/main.ts) through a back/forward cache visit: the page leaves (`pagehide`,
 * persisted: Chrome closes extension ports as a page enters the cache), and comes back (`pageshow`, persisted) with
 * its script's state as it was. A restored page must work as a fresh one: a new port, its health sent at once (naming
 * no clock list, so the worker sends the whole one), and the tab title's countdown shown again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LinkRequest } from '../../lib/messages';

interface Port {
  posted: LinkRequest[];
  closed: boolean;
  /** Chrome closing the port (its onDisconnect). */
  break(): void;
}
const ports: Port[] = [];
let onMessage: ((msg: unknown, sender: unknown, reply: (r: unknown) => void) => unknown) | null = null;

vi.mock('wxt/browser', () => ({
  browser: {
    runtime: {
      connect() {
        const disconnect: (() => void)[] = [];
        const port: Port = { posted: [], closed: false, break: () => disconnect.forEach((cb) => cb()) };
        ports.push(port);
        return {
          onDisconnect: { addListener: (cb: () => void) => disconnect.push(cb) },
          onMessage: { addListener: () => undefined },
          postMessage: (req: LinkRequest) => {
            if (port.closed) throw new Error('Attempting to use a disconnected port object');
            port.posted.push(req);
          },
          disconnect: () => {
            port.closed = true;
          },
        };
      },
      sendMessage: () => Promise.resolve(),
      getURL: (p: string) => `chrome-extension://test${p}`,
      onMessage: {
        addListener: (cb: typeof onMessage) => (onMessage = cb),
        removeListener: () => (onMessage = null),
      },
    },
  },
}));

const { workbenchScript } = await import('../../lib/content/main');
const { pddAdapter } = await import('../../lib/platforms/pdd');
const { setContentLang } = await import('../../lib/i18n/content');

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
const TITLE = '拼多多商家后台';

/** WXT's content-script context, as much of it as main.ts uses; `invalidate` ends the script. */
function fakeCtx() {
  const ends: (() => void)[] = [];
  const listeners: [EventTarget, string, EventListener][] = [];
  return {
    isValid: true,
    onInvalidated: (cb: () => void) => void ends.push(cb),
    addEventListener(target: EventTarget, type: string, handler: EventListener) {
      target.addEventListener(type, handler);
      listeners.push([target, type, handler]);
    },
    invalidate() {
      this.isValid = false;
      ends.forEach((cb) => cb());
      for (const [target, type, handler] of listeners) target.removeEventListener(type, handler);
    },
  };
}

const healths = (p: Port) => p.posted.filter((r) => r.msg.type === 'health').map((r) => r.msg);
/** The worker's whole clock list for the fixture's account: one buyer due in 12 s. */
const clocks = (seq: number) => ({
  type: 'clocks',
  platform: 'pdd',
  account: '测试旗舰店',
  epoch: 1,
  seq,
  title: true,
  lang: 'zh_CN',
  clocks: [{ buyer: '802114', status: 'pending', dueAt: NOW + 12_000 }],
});
const push = (msg: unknown) => onMessage!(msg, {}, () => undefined);
const transition = (type: 'pagehide' | 'pageshow', persisted: boolean) => {
  const e = new Event(type) as Event & { persisted: boolean };
  Object.defineProperty(e, 'persisted', { value: persisted });
  window.dispatchEvent(e);
};

let ctx: ReturnType<typeof fakeCtx>;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  setContentLang('zh_CN');
  ports.length = 0;
  document.head.innerHTML = `<title>${TITLE}</title>`;
  document.body.innerHTML = fixture;
  const script = workbenchScript({ matches: ['*://*/*'] } as never, [{ ...pddAdapter, matches: () => true }]);
  ctx = fakeCtx();
  void script.main(ctx as never);
});
afterEach(() => {
  ctx.invalidate();
  vi.useRealTimers();
});

describe('a workbench page through the back/forward cache', () => {
  it('is restored working as a fresh page: new port, health at once, the whole list asked for, the title shown', () => {
    expect(ports).toHaveLength(1);
    expect(healths(ports[0]!)).toHaveLength(1);
    push(clocks(1));
    expect(document.title).toBe(`(1) 0:12 · ${TITLE}`);

    transition('pagehide', true);
    // The page's own title back, and the port closed by us (Chrome closes it anyway: nothing may go over it now).
    expect(document.title).toBe(TITLE);
    expect(ports[0]!.closed).toBe(true);

    vi.setSystemTime(NOW + 2_000);
    transition('pageshow', true);
    // A new port, and the tab's health over it at once (not at the next heartbeat, 30 s on), naming no clock list.
    expect(ports).toHaveLength(2);
    const [health] = healths(ports[1]!);
    expect(health).toMatchObject({ type: 'health', health: 'watching', account: '测试旗舰店' });
    expect(health).not.toHaveProperty('clocksSeq');
    expect(health).not.toHaveProperty('clocksEpoch');
    // Chrome's own close of the old port, told late, opens no third one.
    ports[0]!.break();
    expect(ports).toHaveLength(2);
    // The whole list the worker then sends: the countdown is in the title again.
    push(clocks(2));
    expect(document.title).toBe(`(1) 0:10 · ${TITLE}`);
  });

  it('a page shown again without the cache (persisted false: a fresh load runs its own script) starts nothing', () => {
    transition('pagehide', false);
    transition('pageshow', false);
    expect(ports).toHaveLength(1);
  });
});
