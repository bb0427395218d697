/**
 * The real browser behind the background's injected ports: chrome.* lives here and in `index.ts` only, so everything
 * in `lib/background` is testable with fakes. Nothing here reads the database or decides anything.
 */
import type { TabOps } from '@/lib/background/handlers';
import { badgePainter } from '@/lib/badge';
import { offscreenPlayer } from '@/lib/background/offscreen';
import type { SentinelEnv } from '@/lib/background/sentinel';
import { catalogTranslate, liveTranslator, resolveLang, type Translate } from '@/lib/i18n';
import type { ClocksMessage, ToContent } from '@/lib/messages';
import type { Settings } from '@/lib/settings';

/** The one alarm (`Sentinel` keeps it at the next deadline). */
export const ALARM = 'sentinel-next';

/**
 * Messages in the user's language: the one chosen in the settings (read at each call), else the browser's UI
 * language, read once: Chrome changes it only at a restart, and each `chrome.i18n.getUILanguage()` call goes through
 * the extension bindings (a worker profile on the large workbench: 4.4 ms of the worker's CPU per latency sample, some
 * of it before the badge, for the few messages a badge and a clock push say).
 */
export function browserTranslate(
  language: () => Settings['language'],
  uiLanguage: () => string = () => browser.i18n.getUILanguage(),
): Translate {
  let ui: string | undefined;
  return liveTranslator(() => catalogTranslate(resolveLang(language(), (ui ??= uiLanguage()))));
}

const sendToTab = (tabId: number, msg: ClocksMessage | ToContent) => browser.tabs.sendMessage(tabId, msg);

/** Tabs and windows for the message handlers. */
export const browserTabs: TabOps = {
  async focusTab(tabId) {
    const tab = await browser.tabs.update(tabId, { active: true }).catch(() => undefined);
    if (tab?.windowId === undefined) return false;
    await browser.windows.update(tab.windowId, { focused: true }).catch(() => undefined);
    return true;
  },
  sendToTab: (tabId, msg) => sendToTab(tabId, msg),
};

/** The browser as `Sentinel` sees it. `badgeShown`: after every badge paint (the entrypoint's ticker follows it). */
export function browserEnv(t: Translate, badgeShown: () => void): SentinelEnv {
  // Only what changed is set (lib/badge.ts): the badge is painted after every message and every second.
  const paint = badgePainter({
    text: (text) => browser.action.setBadgeText({ text }),
    color: (color) => browser.action.setBadgeBackgroundColor({ color }),
    textColor: (color) => browser.action.setBadgeTextColor({ color }),
    title: (title) => browser.action.setTitle({ title }),
  });
  return {
    now: () => Date.now(),
    t,
    async setBadge(view) {
      await paint({ ...view, title: `${t('extName')}\n${view.title}` });
      badgeShown();
    },
    async setAlarm(when) {
      if (when === null) await browser.alarms.clear(ALARM);
      else await browser.alarms.create(ALARM, { when });
    },
    later(run, ms) {
      setTimeout(run, ms);
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
    playSound: offscreenPlayer({
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
    }),
  };
}

/**
 * Repaints the badge every second while something counts down and the worker is alive anyway (`sync` after every
 * paint).
 */
export function badgeTicker(hasOpenClocks: () => boolean, repaint: () => void): { sync(): void } {
  let ticker: ReturnType<typeof setInterval> | undefined;
  return {
    sync() {
      const want = hasOpenClocks();
      if (want && !ticker) ticker = setInterval(repaint, 1000);
      if (!want && ticker) {
        clearInterval(ticker);
        ticker = undefined;
      }
    },
  };
}
