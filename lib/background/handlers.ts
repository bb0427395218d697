/**
 * What the background does for each message of the protocol (`lib/protocol.ts`): one handler per type, already
 * validated and sender-checked by the router. Browser calls go through `TabOps`, so this is testable without chrome.*.
 */
import { suggestPhrases } from '../phrases/suggest';
import type { Translate } from '../badge';
import type { ToContent } from '../messages';
import type { Handlers } from './router';
import { withSpace, type PruneNotice } from './maintenance';
import type { PhraseStore } from './phrases';
import type { Sentinel } from './sentinel';
import type { TeamSync } from '../sync/pusher';
import { SYNC_OFF_ERROR } from '../sync/url';
import type { TrafficLimiter } from './traffic';
import { fillPhrase, type FillSettings } from '../phrases/fill';
import { pinyinKey } from '../phrases/pinyin';
import { phrasesRevision } from '../phrases/revision';

export interface TabOps {
  /** Brings a tab and its window to the front; false when the tab is gone. */
  focusTab(tabId: number): Promise<boolean>;
  /** Sends to one tab's content script; rejects when nothing answers. */
  sendToTab(tabId: number, msg: ToContent): Promise<unknown>;
}

export interface HandlerDeps {
  sentinel: Sentinel;
  phrases: PhraseStore;
  limiter: TrafficLimiter;
  tabs: TabOps;
  now: () => number;
  t: Translate;
  /** Old records were deleted because the browser ran out of space (tell the user). */
  onPrune: (n: PruneNotice) => void;
  /** Team sync (lib/sync/); absent: its messages answer an error. */
  sync?: TeamSync;
}

export function backgroundHandlers(d: HandlerDeps): Handlers {
  const { sentinel, phrases } = d;

  const focusConversation = (conv: string) => openConversation(d, conv);

  /** The names phrases are filled with (settings; the defaults while the worker could not start). */
  async function fillSettings(): Promise<FillSettings> {
    await sentinel.start().catch(() => undefined);
    const { agentName, shopName, nickFallback } = sentinel.getSettings();
    return { agentName, shopName, nickFallback };
  }

  return {
    async events(msg, from) {
      const r = await withSpace(
        sentinel.db,
        d.now,
        () => sentinel.ingest(msg, from.tabId),
        (n) => {
          sentinel.forgetThreads();
          // A recovery that found nothing to delete (all of it is today's) says nothing; the write fails on its own.
          if (n.events + n.units > 0) d.onPrune(n);
        },
      );
      return { ok: true, ...r };
    },
    async health(msg, from) {
      const account = await sentinel.health(msg, from.tabId!, d.limiter.dropped(from.tabId!));
      return { ok: true, clocks: sentinel.clocksFor(msg.platform, account) };
    },
    async inputFocus(msg, from) {
      await sentinel.inputFocused(from.tabId!, msg.at);
      return { ok: true };
    },
    async phrases(msg) {
      const questionPinyin = msg.question ? pinyinKey(msg.question) : undefined;
      const rows = await phrases.visible(msg.platform);
      const rev = phrasesRevision(rows);
      const suggested = msg.question
        ? suggestPhrases(rows, msg.question, {
            ...(msg.platform && { platform: msg.platform }),
            limit: 20,
            now: d.now(),
            ...(questionPinyin !== undefined && { questionPinyin }),
          }).flatMap((f) => (f.row.id === undefined ? [] : [{ id: f.row.id, score: f.score, ranges: f.ranges }]))
        : undefined;
      return {
        ok: true,
        rev,
        // The asker's copy is current: the 5 000 rows are not sent (nor parsed in the page) again.
        ...(msg.rev !== rev && { phrases: rows }),
        fill: await fillSettings(),
        ...(questionPinyin !== undefined && { questionPinyin }),
        ...(suggested && { suggested }),
      };
    },
    async phraseUsed(msg) {
      await phrases.used(msg.id);
      return { ok: true };
    },
    phraseSave: (msg) => phrases.save(msg.draft, msg.id),
    phraseDelete: (msg) => phrases.remove(msg.id),
    async phraseImport(msg) {
      if (msg.replaceAll && msg.add.length === 0 && !msg.confirmDeleteAll)
        return {
          ok: false,
          error:
            'phraseImport: replacing the library with nothing would delete every phrase; confirm "delete all phrases"',
        };
      return phrases.applyImport(msg);
    },
    async insertPhrase(msg) {
      const phrase = await sentinel.db.phrases.get(msg.phraseId);
      if (!phrase) return { ok: false, error: 'no such phrase' };
      const tab = await sentinel.lastInputTab();
      if (!tab) return { ok: false, error: d.t('phraseNoInput') };
      const clock = tab.activeBuyer
        ? await sentinel.db.clocks.get(`${tab.platform}|${tab.account}|${tab.activeBuyer}`)
        : undefined;
      const text = fillPhrase(phrase.text, {
        now: d.now(),
        ...(await fillSettings()),
        ...(clock?.buyerNick !== undefined && { buyerNick: clock.buyerNick }),
        ...(clock?.shop !== undefined && { shop: clock.shop }),
      });
      await d.tabs.focusTab(tab.tabId);
      const reply = (await d.tabs
        .sendToTab(tab.tabId, { type: 'insert', text })
        .catch((e: unknown) => ({ ok: false, error: String(e) }))) as { ok?: boolean; error?: string } | undefined;
      if (!reply?.ok) return { ok: false, error: reply?.error ?? d.t('phraseNoInput') };
      await phrases.used(msg.phraseId);
      return { ok: true };
    },
    settings: (msg) => sentinel.updateSettings(msg.patch, msg.rules),
    async focus(msg) {
      return (await focusConversation(msg.conv))
        ? { ok: true }
        : { ok: false, error: 'no open workbench tab for that conversation' };
    },
    async refresh() {
      await sentinel.tick();
      return { ok: true, badge: sentinel.badge(d.now()) };
    },
    async status() {
      // A start still running (this very message may have woken the worker) is waited for, failed or not.
      await sentinel.start().catch(() => undefined);
      return { ok: true, ...(await sentinel.status()) };
    },
    async purgeAll() {
      return { ok: true, removed: await sentinel.purgeAll() };
    },
    teamImport: (msg) => sentinel.importTeam(msg.bundle),
    async teamRemove(msg) {
      return { ok: true, removed: await sentinel.removeTeamSource(msg.source) };
    },
    async agentId() {
      return { ok: true, agentId: await sentinel.agentId() };
    },
    async syncStatus() {
      if (!d.sync) return { ok: false, error: 'team sync is not available' };
      return { ok: true, ...(await d.sync.status()) };
    },
    async syncSet(msg) {
      if (!d.sync) return { ok: false, error: 'team sync is not available' };
      const r = await d.sync.set(msg.config);
      return r.ok ? r : { ok: false, error: `${r.code}: ${r.error}` };
    },
    async syncConnect() {
      const cfg = await d.sync?.config();
      if (!cfg?.enabled) return { ok: false, error: SYNC_OFF_ERROR };
      return { ok: true, url: cfg.url, user: cfg.user, password: cfg.password };
    },
  };
}

/**
 * Brings the most recently active workbench tab of a conversation's account to the front and, where the adapter
 * can, opens that conversation there (`focusInput`: and puts the caret in its chat input).
 */
export async function openConversation(d: HandlerDeps, conv: string, focusInput = false): Promise<boolean> {
  const { sentinel } = d;
  const clock = await sentinel.db.clocks.get(conv);
  if (!clock) return false;
  const tabs = await sentinel.db.tabs.where('[platform+account]').equals([clock.platform, clock.account]).toArray();
  const tab = tabs.sort((a, b) => b.lastSeen - a.lastSeen)[0];
  if (!tab || !(await d.tabs.focusTab(tab.tabId))) return false;
  await d.tabs
    .sendToTab(tab.tabId, { type: 'openConversation', buyer: clock.buyer, ...(focusInput && { focusInput: true }) })
    .catch(() => undefined);
  return true;
}

/**
 * The keyboard command: the most urgent waiting buyer (late ones first, then the nearest deadline) — their tab to
 * the front, their conversation opened, the caret in the input. False when nobody waits (or their tab is gone).
 */
export async function jumpToUrgent(d: HandlerDeps): Promise<boolean> {
  for (const clock of d.sentinel.openClocks()) if (await openConversation(d, clock.key, true)) return true;
  return false;
}

/** Notification-click ids carry the conversation key (`kind|platform|account|buyer|…`). */
export function conversationOfNotice(id: string): string {
  return id.split('|').slice(1, 4).join('|');
}

/** Library edits: every workbench tab's palette drops the phrases it holds (and asks again). */
export async function phrasesChanged(d: Pick<HandlerDeps, 'sentinel' | 'tabs'>): Promise<void> {
  for (const tab of await d.sentinel.db.tabs.toArray())
    await d.tabs.sendToTab(tab.tabId, { type: 'phrasesChanged' }).catch(() => undefined);
}

/**
 * A notification was clicked: a merged one opens its most urgent conversation (else the most urgent of all), the
 * others their own. Resolves once that is done (the caller then clears the notification).
 */
export async function noticeClicked(d: HandlerDeps, handlers: Handlers, id: string): Promise<void> {
  const merged = id.startsWith('merged|');
  const conv = merged ? d.sentinel.alerts.targetOf(id) : conversationOfNotice(id);
  const open = conv
    ? Promise.resolve(handlers.focus({ type: 'focus', conv }, { kind: 'page' }))
    : jumpToUrgent(d).catch(() => false);
  d.sentinel.alerts.closed(id);
  await open;
}
