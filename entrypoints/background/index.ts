/**
 * The service worker: only wires the browser (`browser.ts`) to the background's modules (`lib/background`). Every
 * listener is registered synchronously at the top level (Chrome only delivers the event that woke the worker to
 * listeners registered in the first turn). State lives in Dexie; nothing here reads it or keeps anything that
 * matters in memory. Messages go through one router (`lib/background/router.ts`: protocol schemas, sender rules,
 * per-tab limits) to their handlers (`lib/background/handlers.ts`). Workbench tabs also hold a port (`LINK_PORT`):
 * they send their requests over it (the same router), and when this worker is stopped the port breaks, the tab
 * reconnects at once, and that wakes the worker, which rehydrates and repaints the badge.
 */
import * as h from '@/lib/background/handlers';
import { acceptLink } from '@/lib/background/link';
import { PhraseStore } from '@/lib/background/phrases';
import { Router, classifySender } from '@/lib/background/router';
import { Sentinel } from '@/lib/background/sentinel';
import { TrafficLimiter } from '@/lib/background/traffic';
import { JUMP_COMMAND } from '@/lib/commands';
import { DB_NAME, SentinelDB } from '@/lib/db/schema';
import { type Reply } from '@/lib/messages';
import { WELCOME_PATH, shouldWelcome } from '@/lib/background/welcome';
import { ALARM, badgeTicker, browserEnv, browserTabs, browserTranslate } from './browser';
import { SYNC_ALARM, browserTeamSync } from './sync';

const DB_BLOCKED = 'db-blocked';
const quiet = (p: Promise<unknown>) => void p.catch(() => undefined);

export default defineBackground(() => {
  // The modules. `t`, the ticker and the blocked notice refer to `sentinel` only when called, after it exists.
  const t = browserTranslate(() => sentinel.getSettings().language);
  const env = browserEnv(t, () => ticker.sync());
  const ticker = badgeTicker(
    () => sentinel.hasOpenClocks(),
    () => void sentinel.renderBadge(),
  );
  // An upgrade waits for an older page that keeps the database open: ask to close it; take that back after.
  const db = new SentinelDB(DB_NAME, Infinity, {
    cache: 'disabled',
    onBlocked: (waiting) =>
      waiting
        ? void env.notify({ id: DB_BLOCKED, title: t('dbBlockedTitle'), message: t('dbBlockedBody') })
        : void env.clearNotice(DB_BLOCKED),
  });
  const sentinel: Sentinel = new Sentinel(db, env);
  const phrases = new PhraseStore(db, Date.now, () => quiet(h.phrasesChanged(deps)), t);
  const limiter = new TrafficLimiter();
  // More background modules are made here and add their handlers and listeners below.
  const sync = browserTeamSync(db); // opt-in team sync (lib/sync): no request while it is off
  const deps: h.HandlerDeps = { sentinel, phrases, limiter, t, tabs: browserTabs, now: Date.now, onPrune, sync };
  const handlers = h.backgroundHandlers(deps);
  const router = new Router(handlers, limiter, Date.now);
  /** Old records were deleted because the browser ran out of space: say so. */
  function onPrune(n: { at: number; events: number; units: number }) {
    void env.notify({ id: `prune|${n.at}`, title: t('pruneTitle'), message: t('pruneBody', [n.events, n.units]) });
  }
  const ext = { id: browser.runtime.id, origin: browser.runtime.getURL('/') };

  // The listeners, all in the first turn.
  browser.runtime.onMessage.addListener((raw, sender, sendResponse: (r: Reply) => void) => {
    void router
      .handle(raw, classifySender(sender, ext))
      .then(sendResponse, (err: unknown) => sendResponse({ ok: false, error: String(err) }));
    return true; // keep the channel open for the async reply
  });
  // A workbench tab's link: connecting is what wakes a stopped worker; the tab's requests come over it, through the
  // same router with the sender the port was opened by (lib/background/link.ts).
  browser.runtime.onConnect.addListener((port) => {
    if (acceptLink(port, ext, (raw, from) => router.handle(raw, from))) quiet(sentinel.start());
  });
  // Keyboard command: jump to the most urgent waiting buyer.
  browser.commands.onCommand.addListener((command) => {
    if (command === JUMP_COMMAND) quiet(sentinel.start().then(() => h.jumpToUrgent(deps)));
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM) quiet(sentinel.tick());
    if (alarm.name === SYNC_ALARM) quiet(sync.push({ full: true }));
  });
  browser.tabs.onRemoved.addListener((tabId) => {
    limiter.forget(tabId);
    quiet(sentinel.tabClosed(tabId));
  });
  browser.notifications.onClicked.addListener((id) =>
    quiet(h.noticeClicked(deps, handlers, id).then(() => browser.notifications.clear(id))),
  );
  browser.notifications.onClosed.addListener((id) => sentinel.alerts.closed(id));
  // A browser start: the tabs of the last session are gone, whatever their ids (which start again).
  browser.runtime.onStartup.addListener(() => quiet(sentinel.browserStarted()));
  browser.runtime.onInstalled.addListener((details) => {
    quiet(sentinel.tick());
    void phrases.seedIfEmpty();
    // First run: the welcome page (lib/background/welcome.ts says when).
    void browser.management
      .getSelf()
      .then((self) => shouldWelcome(details.reason, self.installType))
      .catch(() => details.reason === 'install')
      .then((open) => (open ? browser.tabs.create({ url: browser.runtime.getURL(WELCOME_PATH) }) : undefined))
      .catch(() => undefined);
  });

  // Every worker start (browser start, wake-up after being stopped): rehydrate and fire what was missed. A start
  // that fails is retried by the next message (and reported by `status`), never kept.
  quiet(sentinel.start());
});
