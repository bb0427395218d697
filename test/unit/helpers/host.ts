import type { BadgeView } from '../../../lib/badge';
import type { SentinelEnv, Notice, SoundName } from '../../../lib/background/sentinel';
import { catalogTranslate, liveTranslator, type Lang } from '../../../lib/i18n';
import type { ClocksMessage } from '../../../lib/messages';
import { t } from './events';

/** The browser as `Sentinel` sees it, in memory: the clock is set by the test. */
export class FakeHost implements SentinelEnv {
  clock = t('10:00:00');
  badges: BadgeView[] = [];
  alarm: number | null = null;
  notices: Notice[] = [];
  /** The UI language (the worker's setting `language`, resolved). */
  lang: Lang = 'zh_CN';
  t = liveTranslator(() => catalogTranslate(this.lang));
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
  cleared: string[] = [];
  async clearNotice(id: string) {
    this.cleared.push(id);
  }
  /** Whether the offscreen document exists, how often it was created, and the sounds it was asked to play. */
  offscreen = false;
  offscreenCreated = 0;
  sounds: { sound: SoundName; volume: number; at: number }[] = [];
  async playSound(sound: SoundName, volume: number) {
    if (!this.offscreen) {
      this.offscreen = true;
      this.offscreenCreated++;
    }
    this.sounds.push({ sound, volume, at: this.clock });
  }
  /** Tabs that exist in the (fake) browser; tests restart the browser by emptying it. */
  tabs = new Set([7, 8, 9]);
  async existingTabIds() {
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
