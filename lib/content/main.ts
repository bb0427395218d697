/**
 * What every workbench content script does, whatever its platform: pick the adapter for the page, watch it, keep the
 * link to the worker, run the quick-phrase palette, and talk to the background only through typed messages.
 *
 * One content script per adapter module (`lib/platforms/<script>/content.ts`, its site in
 * lib/platforms/<script>/site.ts): a tab loads only its own platform's adapter, not all of them (the content-script budget, 30 kB gzip,
 * counts per script). all_frames: 1688's web Wangwang renders its chat inside a same-origin iframe.
 */
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import type { SiteDef } from '@/lib/platforms/define';
import type { Adapter } from '@/lib/platforms/types';
import { WorkerLink } from '@/lib/content/link';
import { Palette, type PaletteViewFactory } from '@/lib/content/palette';
import { ctxTimers } from '@/lib/content/timers';
import { Watcher } from '@/lib/content/watcher';
import { LINK_PORT } from '@/lib/messages';
import { lastBuyerQuestion } from '@/lib/phrases/suggest';

/** Which adapters each built content-script definition carries (read by the convention test). */
export const SCRIPT_ADAPTERS = new WeakMap<object, readonly Adapter[]>();

/**
 * The palette's list and prompts (`/palette.js`, entrypoints/palette.ts), imported into this content script's world
 * on the palette's first open: the file sets `__rsPaletteView` when it runs. A web-accessible resource for the
 * workbench pages only, at a URL that changes per session (`use_dynamic_url`, wxt.config.ts). A retry asks for the
 * file again under a new URL (the module map may keep a failed import of one URL).
 */
let viewTries = 0;
async function loadPaletteView(): Promise<PaletteViewFactory> {
  // Its own property, a function: an element with that id or name is readable as a window property in this world
  // too (a page could otherwise stand in for the view with one element, and the file would never be imported).
  const own = () =>
    Object.hasOwn(globalThis, '__rsPaletteView') && typeof globalThis.__rsPaletteView === 'function'
      ? globalThis.__rsPaletteView
      : undefined;
  if (!own()) {
    const url = browser.runtime.getURL('/palette.js');
    await import(/* @vite-ignore */ viewTries++ ? `${url}?retry=${viewTries}` : url);
  }
  const factory = own();
  if (!factory) throw new Error('palette.js did not register its view');
  return factory;
}

export function workbenchScript(site: SiteDef, adapters: readonly Adapter[]) {
  const adapterFor = (url: URL) => adapters.find((a) => a.matches(url));
  const definition = defineContentScript({
    matches: [...site.matches],
    allFrames: true,
    runAt: 'document_idle',
    main(ctx) {
      // Every timer of the page's watcher, badges, title, palette, insertion and link is bound to ctx (see timers.ts).
      const timers = ctxTimers(ctx);
      let watcher: Watcher | null = null;
      let palette: Palette | null = null;
      // The link to the worker: when Chrome stops the worker the port breaks, and reconnecting at once starts it again
      // (the toolbar countdown would otherwise freeze until the next heartbeat); then the tab reports its health.
      // The watcher's requests go over it (by runtime.sendMessage while it is down: see link.ts).
      const sendMessage = (msg: unknown) => (ctx.isValid ? browser.runtime.sendMessage(msg) : Promise.resolve());
      const link = new WorkerLink({
        connect: () => browser.runtime.connect({ name: LINK_PORT }),
        sendMessage,
        isValid: () => ctx.isValid,
        setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
        now: () => Date.now(),
        onReconnect: () => watcher?.reportNow(),
      });
      const attach = () => {
        watcher?.stop();
        palette?.stop();
        watcher = null;
        palette = null;
        const adapter = adapterFor(new URL(location.href));
        const isTop = window === window.top;
        // Nothing to watch here (any more): no link either, so this tab does not keep waking the worker.
        if (!adapter || !(adapter.acceptsFrame ? adapter.acceptsFrame(document, isTop) : isTop)) {
          link.stop();
          return;
        }
        watcher = new Watcher({
          adapter,
          root: document,
          now: () => Date.now(),
          url: () => location.href,
          send: (msg) => Promise.resolve(link.send(msg)),
          timers,
        });
        // The link first: the watcher's first reports already go over the port.
        link.start();
        watcher.start();
        const w = watcher;
        palette = new Palette({
          doc: document,
          platform: adapter.platform,
          input: () => w.last?.input ?? null,
          send: sendMessage,
          context: () => {
            const thread = w.last?.thread;
            const question = thread ? lastBuyerQuestion(thread.messages) : '';
            return { ...(thread?.nick && { buyerNick: thread.nick }), ...(question && { question }) };
          },
          now: () => Date.now(),
          timers,
          loadView: loadPaletteView,
        });
        palette.start();
      };
      attach();
      // From the background: the account's open clocks (in-page badges), phrases to insert, conversations to open,
      // library edits (the palette drops the phrases it holds).
      const onMessage = (msg: unknown, _sender: unknown, sendResponse: (r: unknown) => void) => {
        if ((msg as { type?: unknown } | null)?.type === 'phrasesChanged') {
          palette?.invalidate();
          return false;
        }
        const reply = watcher?.handle(msg);
        if (!reply) return false;
        // Insertion answers once the editor shows the text: keep the channel open for the async reply.
        Promise.resolve(reply).then(sendResponse, (err: unknown) => sendResponse({ ok: false, error: String(err) }));
        return true;
      };
      browser.runtime.onMessage.addListener(onMessage);
      ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
      // Single-page apps change the URL without reloading: re-pick the adapter.
      ctx.addEventListener(window, 'wxt:locationchange', attach);
      const stop = () => {
        link.stop();
        watcher?.stop();
        palette?.stop();
        watcher = palette = null;
      };
      ctx.onInvalidated(stop);
      // The back/forward cache: a page leaving (maybe into it, where Chrome closes its ports) stops everything, its
      // title back; one restored from it starts again as a fresh page: a new port, its health (naming no clock list:
      // the worker sends the whole one) and the title.
      ctx.addEventListener(window, 'pagehide', stop);
      ctx.addEventListener(window, 'pageshow', (e) => e.persisted && attach());
    },
  });
  SCRIPT_ADAPTERS.set(definition, adapters);
  return definition;
}
