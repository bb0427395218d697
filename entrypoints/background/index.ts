/**
 * The service worker: wires the browser to `Sentinel`. Every listener is registered synchronously at the
 * top level (Chrome only delivers the event that woke the worker to listeners registered in the first turn).
 * State lives in Dexie; this file keeps nothing that matters in memory. No keep-alive tricks: while a clock
 * counts down the single alarm is re-armed at most REFRESH_MS ahead, and a 1-second ticker repaints the badge
 * for as long as Chrome keeps the worker running.
 */
import { withSpace, type PruneNotice } from '@/lib/background/maintenance';
import { PhraseStore } from '@/lib/background/phrases';
import { Sentinel, type Host } from '@/lib/background/sentinel';
import type { Translate } from '@/lib/badge';
import { DB_NAME, SentinelDB } from '@/lib/db/schema';
import { catalogTranslate } from '@/lib/i18n';
import { parseMessage, type Reply, type ToContent } from '@/lib/messages';
import { fillPhrase } from '@/lib/phrases/fill';

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

  const host: Host = {
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
    async liveTabIds() {
      return (await browser.tabs.query({})).flatMap((tab) => (tab.id === undefined ? [] : [tab.id]));
    },
    async sendToTab(tabId, msg) {
      return (await browser.tabs.sendMessage(tabId, msg).catch(() => undefined)) as unknown;
    },
    async notify(n) {
      await browser.notifications.create(n.id, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('/icon/128.png'),
        title: n.title,
        message: n.message,
        priority: 2,
      });
    },
  };

  // `t` and `setBadge` above refer to `sentinel` only when called, which is after this line.
  const db = new SentinelDB(DB_NAME, Infinity, { onBlocked: announceBlocked });
  const sentinel: Sentinel = new Sentinel(db, host);
  const phrases = new PhraseStore(db, () => Date.now());

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
    const parsed = parseMessage(raw);
    if (!parsed.ok) {
      sendResponse({ ok: false, error: parsed.error });
      return false;
    }
    const msg = parsed.value;
    // Chat events and health come only from our content scripts in web pages (extension pages in a tab also
    // have sender.tab, so the sender's URL decides).
    const fromWorkbench = sender.tab?.id !== undefined && /^https?:/.test(sender.url ?? '');
    const tabId = fromWorkbench ? sender.tab?.id : undefined;
    const work = (async (): Promise<Reply> => {
      switch (msg.type) {
        case 'events':
          if (tabId === undefined) return { ok: false, error: 'events must come from a workbench tab' };
          return {
            ok: true,
            ...(await withSpace(
              db,
              Date.now,
              () => sentinel.ingest(msg),
              (n) => {
                sentinel.forgetThreads();
                announcePrune(n);
              },
            )),
          };
        case 'purgeAll':
          if (tabId !== undefined || sender.url?.startsWith(browser.runtime.getURL('/')) !== true)
            return { ok: false, error: 'purgeAll must come from the extension’s own pages' };
          return { ok: true, removed: await sentinel.purgeAll() };
        case 'health':
          if (tabId === undefined) return { ok: false, error: 'health must come from a workbench tab' };
          await sentinel.health(msg, tabId);
          return { ok: true, clocks: sentinel.clocksFor(msg.platform, msg.account) };
        case 'settings':
          return sentinel.updateSettings(msg.patch);
        case 'inputFocus':
          if (tabId === undefined) return { ok: false, error: 'inputFocus must come from a workbench tab' };
          await sentinel.inputFocused(tabId);
          return { ok: true };
        case 'insertPhrase':
          return insertPhrase(msg.phraseId);
        case 'phrases':
          return { ok: true, phrases: await phrases.visible(msg.platform) };
        case 'phraseUsed':
          await phrases.used(msg.id);
          return { ok: true };
        case 'phraseSave':
          return phrases.save(msg.draft, msg.id);
        case 'phraseDelete':
          return phrases.remove(msg.id);
        case 'phraseImport':
          return phrases.applyImport(msg);
        case 'focus':
          return (await focusConversation(msg.conv))
            ? { ok: true }
            : { ok: false, error: 'no open workbench tab for that conversation' };
        case 'teamImport':
          if (tabId !== undefined) return { ok: false, error: 'teamImport must come from an extension page' };
          return sentinel.importTeam(msg.bundle);
        case 'teamRemove':
          if (tabId !== undefined) return { ok: false, error: 'teamRemove must come from an extension page' };
          return { ok: true, removed: await sentinel.removeTeamSource(msg.source) };
        case 'agentId':
          if (tabId !== undefined) return { ok: false, error: 'agentId must come from an extension page' };
          return { ok: true, agentId: await sentinel.agentId() };
        case 'refresh':
          await sentinel.tick();
          return { ok: true, badge: sentinel.badge(Date.now()) };
      }
    })();
    work.then(sendResponse, (err: unknown) =>
      sendResponse({ ok: false, error: String((err as Error)?.message ?? err) }),
    );
    return true; // keep the channel open for the async reply
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM) void sentinel.tick();
  });

  browser.tabs.onRemoved.addListener((tabId) => void sentinel.tabClosed(tabId));

  /** Brings the most recently active workbench tab of a conversation's account to the front. */
  async function focusConversation(conv: string): Promise<boolean> {
    const clock = await sentinel.db.clocks.get(conv);
    if (!clock) return false;
    const tabs = await sentinel.db.tabs.where('[platform+account]').equals([clock.platform, clock.account]).toArray();
    const tab = tabs.sort((a, b) => b.lastSeen - a.lastSeen)[0];
    if (!tab) return false;
    const live = await browser.tabs.update(tab.tabId, { active: true }).catch(() => undefined);
    if (live?.windowId === undefined) return false;
    await browser.windows.update(live.windowId, { focused: true });
    // Where the adapter can, open that conversation in the page too.
    await browser.tabs
      .sendMessage(tab.tabId, { type: 'openConversation', buyer: clock.buyer } satisfies ToContent)
      .catch(() => undefined);
    return true;
  }

  /** Puts a library phrase into the last focused workbench input, filled for the open conversation. */
  async function insertPhrase(phraseId: number): Promise<Reply> {
    const phrase = await sentinel.db.phrases.get(phraseId);
    if (!phrase) return { ok: false, error: 'no such phrase' };
    const tab = await sentinel.lastInputTab();
    if (!tab) return { ok: false, error: t('phraseNoInput') };
    const clock = tab.activeBuyer
      ? await sentinel.db.clocks.get(`${tab.platform}|${tab.account}|${tab.activeBuyer}`)
      : undefined;
    const text = fillPhrase(phrase.text, {
      now: Date.now(),
      ...(clock?.buyerNick !== undefined && { buyerNick: clock.buyerNick }),
      ...(clock?.shop !== undefined && { shop: clock.shop }),
    });
    const live = await browser.tabs.update(tab.tabId, { active: true }).catch(() => undefined);
    if (live?.windowId !== undefined) await browser.windows.update(live.windowId, { focused: true });
    const reply = (await browser.tabs
      .sendMessage(tab.tabId, { type: 'insert', text } satisfies ToContent)
      .catch((e: unknown) => ({
        ok: false,
        error: String(e),
      }))) as Reply | undefined;
    if (!reply?.ok) return { ok: false, error: reply && !reply.ok ? reply.error : t('phraseNoInput') };
    await phrases.used(phraseId);
    return { ok: true };
  }

  /** Tells the user that old records were deleted because the browser ran out of space for new ones. */
  function announcePrune(n: PruneNotice) {
    void host.notify({ id: `prune|${n.at}`, title: t('pruneTitle'), message: t('pruneBody', [n.events, n.units]) });
  }

  /**
   * An update of the database waits for an older Reply Sentinel page that keeps it open: ask the user to close the
   * other pages/tabs; take the notice back once the update went through.
   */
  function announceBlocked(waiting: boolean) {
    if (waiting) void host.notify({ id: DB_BLOCKED, title: t('dbBlockedTitle'), message: t('dbBlockedBody') });
    else void browser.notifications.clear(DB_BLOCKED);
  }

  browser.notifications.onClicked.addListener((id) => {
    void focusConversation(id.split('|').slice(1, 4).join('|')).then(() => browser.notifications.clear(id));
  });

  browser.runtime.onStartup.addListener(() => void sentinel.tick());
  browser.runtime.onInstalled.addListener(() => {
    void sentinel.tick();
    void phrases.seedIfEmpty();
  });

  // Every worker start (browser start, wake-up after being stopped): rehydrate and fire what was missed.
  void sentinel.start();
});
