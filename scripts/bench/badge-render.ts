/**
 * Issue 21, page cost: the badges' rendering on the large workbench alone, in one page and one Chromium, by the
 * paired windows of mainthread.ts (with --frames=N: measureBadgeFrames, the full bench's, N identical page frames a
 * window; else measureBadgePairs, the scripted traffic's --messages a window): native thread time (task − script)
 * with the badges shown vs hidden, and, with --css, shown as built vs shown with a page stylesheet added (e.g.
 * containment on the hosts, to try a CSS change without a build). ≈ 1.5 min a comparison at 30 pairs.
 *
 *   npx jiti scripts/bench/badge-render.ts [--ext=DIR] [--pairs=30] [--frames=5 | --messages=2] [--waiting=140]
 *     [--settle=20] [--css='[data-reply-sentinel-badge] { contain: layout style !important; }'] [--aa]
 *
 * --ext: the unpacked demo build (default .output/chrome-mv3-demo, from `npm run build:all`). --aa: a third set of
 * pairs with the same condition on both sides (shown vs shown): the method's own zero, whose interval must hold 0.
 * Prints JSON: per comparison the pairs' mean difference of native ms/s (ms a frame with --frames), its 95% interval
 * and sign, and the badges in the page.
 */
import path from 'node:path';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { arg, flag } from './args';
import { ALL_DAY_PDD } from './browser';
import { HIDE_BADGES, measureBadgeFrames, measureBadgePairs, waitingUids } from './mainthread';
import { round, sleep, summarize } from './stats';

interface Demo {
  demo: {
    sent: number;
    buyers: { uid: string }[];
    openUid: string;
    buyerSays(uid: string): void;
    pause(): void;
  };
}

const EXT = path.resolve(arg('ext', path.join(REPO_ROOT, '.output/chrome-mv3-demo')));
const PAIRS = Number(arg('pairs', '30'));
const MESSAGES = Number(arg('messages', '2'));
const WAITING = Number(arg('waiting', '140'));
const SETTLE = Number(arg('settle', '20'));
const CSS = arg('css');
/** With --frames=N: the same-frames method (measureBadgeFrames, N frames a window) instead of the traffic's. */
const FRAMES = Number(arg('frames', '0'));

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const h = await launchExtension({ extensionDir: EXT });
  try {
    await seedSettings(h, ALL_DAY_PDD);
    const page = await h.context.newPage();
    await page.goto(`${server.url}/pdd/large.html?rows=1000&messages=10000&rate=1&seed=1`, { timeout: 120_000 });
    const cdp = await h.context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await sleep(3000);
    await page.evaluate((n) => {
      const d = (window as unknown as Demo).demo;
      for (const b of d.buyers.filter((x) => x.uid !== d.openUid).slice(0, n)) d.buyerSays(b.uid);
    }, WAITING);
    await sleep(SETTLE * 1000);
    await page.evaluate(() => (window as unknown as Demo).demo.pause());
    let mark = await page.evaluate(() => (window as unknown as Demo).demo.sent);
    const s = { page, cdp };
    // The waiting buyers whose messages the same-frames method sends (each already waiting: no clock opens).
    const uids = await waitingUids(page, 40);
    const out: Record<string, unknown> = {
      ext: EXT,
      pairs: PAIRS,
      ...(FRAMES ? { frames: FRAMES } : { windowMessages: MESSAGES }),
      css: CSS ?? null,
    };
    const compare = async (name: string, a: string | null, b: string | null) => {
      const t = Date.now();
      const r = FRAMES
        ? await measureBadgeFrames(s, { pairs: PAIRS, frames: FRAMES, uids, a, b })
        : await measureBadgePairs(s, mark, { pairs: PAIRS, windowMessages: MESSAGES, a, b }).then((x) => {
            mark = x.mark;
            return x;
          });
      const nativePerSec = (k: 'a' | 'b') => summarize(r.windows.map((w) => w[k].nativeMs / w[k].seconds));
      out[name] = {
        difference: r.difference,
        aNativeMsPerSec: nativePerSec('a'),
        bNativeMsPerSec: nativePerSec('b'),
        badges: summarize(r.badges),
        seconds: (Date.now() - t) / 1000,
      };
      console.error(
        `${name}: ${r.difference.mean.toFixed(2)} ms/s, 95% ${r.difference.ci95.map((x) => x.toFixed(2)).join('…')} (${r.difference.sign}); ${((Date.now() - t) / 1000).toFixed(0)} s`,
      );
    };
    // Warm-up pair, not kept.
    if (FRAMES) await measureBadgeFrames(s, { pairs: 1, frames: FRAMES, uids, a: null, b: HIDE_BADGES });
    else
      await measureBadgePairs(s, mark, { pairs: 1, windowMessages: MESSAGES, a: null, b: HIDE_BADGES }).then(
        (r) => (mark = r.mark),
      );
    await compare('shownMinusHidden', null, HIDE_BADGES);
    if (CSS) await compare('shownMinusWithCss', null, CSS);
    if (flag('aa')) await compare('shownMinusShown', null, null);
    console.log(JSON.stringify(round(out, 3), null, 2));
  } finally {
    await h.close().catch(() => undefined);
    await server.close();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
