import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backgroundHandlers,
  jumpToUrgent,
  noticeClicked,
  phrasesChanged,
  type HandlerDeps,
} from '../../lib/background/handlers';
import { PhraseStore } from '../../lib/background/phrases';
import { Sentinel } from '../../lib/background/sentinel';
import { TrafficLimiter } from '../../lib/background/traffic';
import { COMMANDS, JUMP_COMMAND, TAKEN_SHORTCUTS } from '../../lib/commands';
import { SentinelDB } from '../../lib/db/schema';
import zhChrome from '../../public/_locales/zh_CN/messages.json';
import enChrome from '../../public/_locales/en/messages.json';
import type { ToContent } from '../../lib/messages';
import config from '../../wxt.config';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';

const CHROME: Record<'zh_CN' | 'en', Record<string, { message: string }>> = { zh_CN: zhChrome, en: enChrome };

describe('keyboard commands', () => {
  it('the manifest declares them, with defaults no workbench or browser shortcut uses, described in both languages', () => {
    const manifest = (config.manifest as unknown as (e: { mode: string }) => { commands?: unknown })({
      mode: 'production',
    });
    expect(manifest.commands).toEqual(COMMANDS);
    const keys = Object.values(COMMANDS).map((c) => c.suggested_key.default);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(TAKEN_SHORTCUTS.map((s) => s.toLowerCase())).not.toContain(k.toLowerCase());
    for (const lang of ['zh_CN', 'en'] as const) expect(CHROME[lang].cmdJump?.message, lang).toBeTruthy();
    expect(COMMANDS[JUMP_COMMAND].description).toBe('__MSG_cmdJump__');
  });
});

describe('jump to the most urgent waiting buyer', () => {
  let db: SentinelDB;
  let host: FakeHost;
  let sentinel: Sentinel;
  let focused: number[];
  let sent: { tabId: number; msg: ToContent }[];
  let n = 0;
  let deps: HandlerDeps;
  beforeEach(() => {
    db = new SentinelDB(`commands-${++n}`);
    host = new FakeHost();
    sentinel = new Sentinel(db, host);
    focused = [];
    sent = [];
    deps = {
      sentinel,
      phrases: new PhraseStore(db, () => host.clock),
      limiter: new TrafficLimiter(),
      now: () => host.clock,
      t: host.t,
      onPrune: () => {},
      tabs: {
        async focusTab(tabId) {
          if (!host.tabs.has(tabId)) return false;
          focused.push(tabId);
          return true;
        },
        async sendToTab(tabId, msg) {
          sent.push({ tabId, msg });
          return { ok: true };
        },
      },
    };
  });
  afterEach(() => db.close());

  const watching = (account: string) =>
    ({
      type: 'health',
      platform: 'pdd',
      account,
      health: 'watching',
      parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
      url: 'https://mms.pinduoduo.com/',
    }) as const;
  const ask = (account: string, buyer: string, at: number) =>
    sentinel.ingest({
      type: 'events',
      platform: 'pdd',
      account,
      events: [ev('pdd', buyer, 'buyer', at, { account })],
    });

  it('nobody waiting: nothing happens', async () => {
    expect(await jumpToUrgent(deps)).toBe(false);
    expect(focused).toEqual([]);
  });

  it('a late buyer first, else the nearest deadline; their tab, their conversation, the caret in the input', async () => {
    await sentinel.health(watching('shopA'), 7);
    await sentinel.health(watching('shopB'), 8);
    await ask('shopA', 'calm', t('10:00:50'));
    await ask('shopB', 'soon', t('10:00:10'));
    host.clock = t('10:01:00');
    expect(await jumpToUrgent(deps)).toBe(true);
    expect(focused).toEqual([8]);
    expect(sent).toEqual([{ tabId: 8, msg: { type: 'openConversation', buyer: 'soon', focusInput: true } }]);

    await ask('shopA', 'late', t('09:57:30'));
    host.clock = t('10:01:10');
    await sentinel.tick();
    expect(await jumpToUrgent(deps)).toBe(true);
    expect(sent.at(-1)).toEqual({ tabId: 7, msg: { type: 'openConversation', buyer: 'late', focusInput: true } });
  });

  it('skips a buyer whose workbench tab is gone', async () => {
    await sentinel.health(watching('shopA'), 7);
    await sentinel.health(watching('shopB'), 8);
    await ask('shopB', 'soon', t('10:00:10'));
    await ask('shopA', 'calm', t('10:00:50'));
    host.tabs.delete(8);
    host.clock = t('10:01:00');
    expect(await jumpToUrgent(deps)).toBe(true);
    expect(focused).toEqual([7]);
  });

  it('a notification click opens its own conversation; a merged one its target, else the most urgent', async () => {
    await sentinel.health(watching('shopA'), 7);
    await sentinel.health(watching('shopB'), 8);
    await ask('shopA', 'calm', t('10:00:50'));
    await ask('shopB', 'soon', t('10:00:10'));
    host.clock = t('10:01:00');
    const handlers = backgroundHandlers(deps);
    await noticeClicked(deps, handlers, 'alert|pdd|shopA|calm|123');
    expect(sent).toEqual([{ tabId: 7, msg: { type: 'openConversation', buyer: 'calm' } }]);
    // A merged notice that names no conversation: the most urgent, with the caret in its input.
    await noticeClicked(deps, handlers, 'merged|unknown');
    expect(sent.at(-1)).toEqual({ tabId: 8, msg: { type: 'openConversation', buyer: 'soon', focusInput: true } });
    expect(focused).toEqual([7, 8]);
  });

  it('phrase edits reach every registered workbench tab, and a closed one does not stop the rest', async () => {
    await sentinel.health(watching('shopA'), 7);
    await sentinel.health(watching('shopB'), 8);
    const reached: number[] = [];
    await phrasesChanged({
      sentinel,
      tabs: {
        focusTab: async () => true,
        async sendToTab(tabId, msg) {
          expect(msg).toEqual({ type: 'phrasesChanged' });
          if (tabId === 7) throw new Error('gone');
          reached.push(tabId);
        },
      },
    });
    expect(reached).toEqual([8]);
  });
});
