/**
 * The service worker: wires the browser to the background's modules. Every listener is registered synchronously at
 * the top level (Chrome only delivers the event that woke the worker to listeners registered in the first turn).
 * State lives in Dexie; this file keeps nothing that matters in memory. Messages go through one router
 * (`lib/background/router.ts`: protocol schemas, sender rules, per-tab limits); their work is in
 * `lib/background/handlers.ts`. Workbench tabs also hold a port (`LINK_PORT`): when this worker is stopped the port
 * breaks, the tab reconnects at once, and that wakes the worker, which rehydrates and repaints the badge.
 */
import { backgroundHandlers, conversationOfNotice, jumpToUrgent, type HandlerDeps } from '@/lib/background/handlers';
import { JUMP_COMMAND } from '@/lib/commands';
import { offscreenPlayer } from '@/lib/background/offscreen';
import { PhraseStore } from '@/lib/background/phrases';
import { Router, classifySender } from '@/lib/background/router';
import { Sentinel, type SentinelEnv } from '@/lib/background/sentinel';
import { TrafficLimiter } from '@/lib/background/traffic';
import type { Translate } from '@/lib/badge';
import { DB_NAME, SentinelDB } from '@/lib/db/schema';
import { catalogTranslate } from '@/lib/i18n';
import { LINK_PORT, type ClocksMessage, type Reply, type ToContent } from '@/lib/messages';

const ALARM = 'sentinel-next';
const DB_BLOCKED = 'db-blocked';

export default defineBackground(() => {
  const t: Translate = (key, subs) => {
    const lang = sentinel.getSettings().language;
    if (lang !== 'auto') return catalogTranslate(lang)(key, subs);
    // i18n message names are typed by WXT from the locale files; ours are looked up by name at run time.
    const getMessage = browser.i18n.getMessage as (name: string, subs?: string[]) => string;
    return getMessage(key, subs?.map(String)) || catalogTranslate('zh_CN')(key, subs);
  };

  const sendToTab = (tabId: number, msg: ClocksMessage | Parameters<typeof browser.tabs.sendMessage>[1]) =>
    browser.tabs.sendMessage(tabId, msg);

  const playSound = offscreenPlayer({
    async hasDocument() {
      return (await browser.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length > 0;
    },
    async createDocument(url) {
      await browser.offscreen.createDocument({
        url,
        reasons: ['AUDIO_PLAYBACK'],
        justification: 'Alert sounds for buyers about to wait too long',
      });
    },
    send: (msg) => browser.runtime.sendMessage(msg),
  });

  const host: SentinelEnv = {
    now: () => Date.now(),
    t,
    async setBadge(view) {
      await Promise.all([
        browser.action.setBadgeText({ text: view.text }),
        browser.action.setBadgeBackgroundColor({ color: view.color }),
        browser.action.setBadgeTextColor({ color: '#ffffff' }),
        browser.action.setTitle({ title: `${t('extName')}\n${view.title}` }),
      ]);
      syncTicker();
    },
    async setAlarm(when) {
      if (when === null) await browser.alarms.clear(ALARM);
      else await browser.alarms.create(ALARM, { when });
    },
    async existingTabIds() {
      return (await browser.tabs.query({})).flatMap((tab) => (tab.id === undefined ? [] : [tab.id]));
    },
    async sendToTab(tabId, msg) {
      return (await sendToTab(tabId, msg).catch(() => undefined)) as unknown;
    },
    async notify(n) {
      const options = {
        type: 'basic' as const,
        iconUrl: browser.runtime.getURL('/icon/128.png'),
        title: n.title,
        message: n.message,
        priority: 2,
        requireInteraction: n.requireInteraction ?? false,
      };
      // An update in place does not show the notification again (and does nothing when it is gone).
      if (n.silent) await browser.notifications.update(n.id, options).catch(() => undefined);
      else await browser.notifications.create(n.id, options);
    },
    async clearNotice(id) {
      await browser.notifications.clear(id).catch(() => undefined);
    },
    playSound,
  };

  // `t` and `setBadge` above refer to `sentinel` only when called, which is after this line.
  const db = new SentinelDB(DB_NAME, Infinity, { onBlocked: announceBlocked });
  const sentinel: Sentinel = new Sentinel(db, host);
  // Library edits: the workbench tabs' palettes drop the phrases they hold (and ask again).
  const phrasesChanged = async () => {
    for (const tab of await db.tabs.toArray())
      await sendToTab(tab.tabId, { type: 'phrasesChanged' } satisfies ToContent).catch(() => undefined);
  };
  const phrases = new PhraseStore(
    db,
    () => Date.now(),
    () => void phrasesChanged().catch(() => undefined),
  );
  const limiter = new TrafficLimiter();
  const deps: HandlerDeps = {
    sentinel,
    phrases,
    limiter,
    now: () => Date.now(),
    t,
    tabs: {
      async focusTab(tabId) {
        const live = await browser.tabs.update(tabId, { active: true }).catch(() => undefined);
        if (live?.windowId === undefined) return false;
        await browser.windows.update(live.windowId, { focused: true }).catch(() => undefined);
        return true;
      },
      sendToTab: (tabId, msg) => sendToTab(tabId, msg),
    },
    onPrune: (n) =>
      void host.notify({ id: `prune|${n.at}`, title: t('pruneTitle'), message: t('pruneBody', [n.events, n.units]) }),
  };
  const handlers = backgroundHandlers(deps);
  const router = new Router(handlers, limiter, () => Date.now());
  const ext = { id: browser.runtime.id, origin: browser.runtime.getURL('/') };

  // Repaint the badge every second while something counts down and the worker is alive anyway.
  let ticker: ReturnType<typeof setInterval> | undefined;
  function syncTicker() {
    const want = sentinel.hasOpenClocks();
    if (want && !ticker) ticker = setInterval(() => void sentinel.renderBadge(), 1000);
    if (!want && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  }

  browser.runtime.onMessage.addListener((raw, sender, sendResponse: (r: Reply) => void) => {
    void router
      .handle(raw, classifySender(sender, ext))
      .then(sendResponse, (err: unknown) => sendResponse({ ok: false, error: String(err) }));
    return true; // keep the channel open for the async reply
  });

  // A workbench tab's link: connecting is what wakes a stopped worker; nothing is sent over it.
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== LINK_PORT || !classifySender(port.sender ?? {}, ext)) port.disconnect();
    else void sentinel.start().catch(() => undefined);
  });

  // Keyboard command: jump to the most urgent waiting buyer.
  browser.commands.onCommand.addListener((command) => {
    if (command === JUMP_COMMAND)
      void sentinel
        .start()
        .then(() => jumpToUrgent(deps))
        .catch(() => undefined);
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM) void sentinel.tick().catch(() => undefined);
  });

  browser.tabs.onRemoved.addListener((tabId) => {
    limiter.forget(tabId);
    void sentinel.tabClosed(tabId).catch(() => undefined);
  });

  /**
   * An update of the database waits for an older Reply Sentinel page that keeps it open: ask the user to close the
   * other pages/tabs; take the notice back once the update went through.
   */
  function announceBlocked(waiting: boolean) {
    if (waiting) void host.notify({ id: DB_BLOCKED, title: t('dbBlockedTitle'), message: t('dbBlockedBody') });
    else void browser.notifications.clear(DB_BLOCKED);
  }

  browser.notifications.onClicked.addListener((id) => {
    // A merged notification opens its most urgent conversation (else the most urgent of all); others their own.
    const merged = id.startsWith('merged|');
    const conv = merged ? sentinel.alerts.targetOf(id) : conversationOfNotice(id);
    const open = conv
      ? Promise.resolve(handlers.focus({ type: 'focus', conv }, { kind: 'page' }))
      : jumpToUrgent(deps).catch(() => false);
    sentinel.alerts.closed(id);
    void open.then(() => browser.notifications.clear(id));
  });
  browser.notifications.onClosed.addListener((id) => sentinel.alerts.closed(id));

  // A browser start: the tabs of the last session are gone, whatever their ids (which start again).
  browser.runtime.onStartup.addListener(() => void sentinel.browserStarted().catch(() => undefined));
  browser.runtime.onInstalled.addListener(() => {
    void sentinel.tick().catch(() => undefined);
    void phrases.seedIfEmpty();
  });

  // Every worker start (browser start, wake-up after being stopped): rehydrate and fire what was missed. A start
  // that fails is retried by the next message (and reported by `status`), never kept.
  void sentinel.start().catch(() => undefined);
});
