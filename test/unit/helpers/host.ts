import type { BadgeView } from '../../../lib/badge';
import type { Host, Notice } from '../../../lib/background/sentinel';
import { catalogTranslate } from '../../../lib/i18n';
import type { ClocksMessage } from '../../../lib/messages';
import { t } from './events';

/** The browser as `Sentinel` sees it, in memory: the clock is set by the test. */
export class FakeHost implements Host {
  clock = t('10:00:00');
  badges: BadgeView[] = [];
  alarm: number | null = null;
  notices: Notice[] = [];
  t = catalogTranslate('zh_CN');
  now() {
    return this.clock;
  }
  async setBadge(v: BadgeView) {
    this.badges.push(v);
  }
  async setAlarm(when: number | null) {
    this.alarm = when;
  }
  async notify(n: Notice) {
    this.notices.push(n);
  }
  /** Tabs that exist in the (fake) browser; tests restart the browser by emptying it. */
  tabs = new Set([7, 8, 9]);
  async liveTabIds() {
    return [...this.tabs];
  }
  tabMessages: { tabId: number; msg: ClocksMessage }[] = [];
  /** What the tabs answer to clock messages. */
  tabReply: unknown = undefined;
  async sendToTab(tabId: number, msg: ClocksMessage) {
    this.tabMessages.push({ tabId, msg });
    return this.tabReply;
  }
  get badge() {
    return this.badges[this.badges.length - 1]!;
  }
}
