/**
 * The in-page quick-phrase palette at scale (issue 19): 5 000 phrases in the database, the demo PDD workbench, the
 * real extension in Chromium.
 *
 * - open: Ctrl+/ in the chat input → the palette's list is in the page (the content script asks the background for
 *   the phrases and the suggestions for the buyer's question, builds the list). Timed in the PAGE: from its own
 *   window-capture keydown listener (which runs before the content script's) to the mutation that adds the palette
 *   (the list is built in the same task).
 * - search: one keystroke in the palette's search box → the list re-rendered (searchPhrases over the 5 000 rows,
 *   in the content script). Timed from the page's keydown listener to the mutation of the list.
 * Queries mix pinyin initials, full pinyin, Chinese and shortcuts, typed one character at a time and erased.
 */
import type { Page } from 'playwright-core';
import { putRows } from '../../test/e2e/db';
import type { ExtensionHarness } from '../../test/e2e/harness';
import { prng } from './synth';
import { summarize, type Summary } from './stats';

export interface PaletteBench {
  phrases: number;
  openMs: Summary;
  searchKeystrokeMs: Summary;
  /** Opens or keystrokes whose list never showed up (each is a failure, not a sample). */
  failures: string[];
}

const WORDS = ['发货', '退款', '优惠', '尺码', '快递', '售后', '质量', '颜色', '库存', '包邮', '发票', '换货', '地址'];
const QUERIES = ['fh', 'fahuo', '发货', 'tk', 'tuikuan', '/k12', 'yh', '尺码', 'kd', 'baoyou'];

/** `n` phrases of realistic length, with shortcuts on a third of them. */
export function benchPhrases(n: number, seed = 19): Record<string, unknown>[] {
  const rnd = prng(seed);
  const pick = () => WORDS[Math.floor(rnd() * WORDS.length)]!;
  return Array.from({ length: n }, (_, i) => ({
    id: 500_000 + i,
    text: `亲，关于${pick()}和${pick()}的问题：我们会在 ${1 + (i % 72)} 小时内为您处理${pick()}，请您放心～ #${i}`,
    group: `分组${i % 12}`,
    tags: [],
    ...(i % 3 === 0 && { shortcut: `/k${i}` }),
    usage: Math.floor(rnd() * 50),
    updatedAt: 1_700_000_000_000 + i,
  }));
}

interface Probe {
  openT0: number;
  searchT0: number;
  open: number[];
  search: number[];
}
declare const window: Window & { __pb?: Probe };

/** Installs the page-side timers (page world: the content script's DOM is observed, never touched). */
async function installProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const pb: Probe = { openT0: 0, searchT0: 0, open: [], search: [] };
    window.__pb = pb;
    window.addEventListener(
      'keydown',
      (e) => {
        if (e.key === '/' && e.ctrlKey) pb.openT0 = performance.now();
        else pb.searchT0 = performance.now();
      },
      true,
    );
    let listObserver: MutationObserver | null = null;
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes) {
          if (!(n instanceof HTMLElement) || !n.hasAttribute('data-reply-sentinel-palette')) continue;
          pb.open.push(performance.now() - pb.openT0);
          pb.searchT0 = 0;
          const list = n.shadowRoot?.querySelector('ul');
          listObserver?.disconnect();
          listObserver = new MutationObserver(() => {
            if (pb.searchT0) pb.search.push(performance.now() - pb.searchT0);
            pb.searchT0 = 0;
          });
          if (list) listObserver.observe(list, { childList: true });
        }
    }).observe(document.body, { childList: true });
  });
}

export async function measurePalette(o: {
  ext: ExtensionHarness;
  url: string;
  input: string;
  phrases: number;
  opens: number;
  log: (s: string) => void;
}): Promise<PaletteBench> {
  await putRows(o.ext, 'phrases', benchPhrases(o.phrases));
  const page = await o.ext.context.newPage();
  const failures: string[] = [];
  try {
    await page.goto(o.url, { timeout: 120_000 });
    await page.locator(o.input).first().waitFor({ timeout: 60_000 });
    await page.locator(o.input).first().click();
    await installProbe(page);
    const palette = page.locator('[data-reply-sentinel-palette]');
    // Warm-up open (the first one also loads the phrases on focus): not a sample.
    for (let i = 0; i <= o.opens; i++) {
      const before = await page.evaluate(() => window.__pb!.open.length);
      await page.keyboard.press('Control+/');
      try {
        await palette.waitFor({ state: 'attached', timeout: 5000 });
      } catch {
        failures.push(`open ${i}: the palette never showed`);
        continue;
      }
      if (i === 0) await page.evaluate((n) => window.__pb!.open.splice(n), before);
      else {
        const query = QUERIES[i % QUERIES.length]!;
        for (const ch of query) {
          await page.keyboard.type(ch);
          await page.waitForTimeout(30);
        }
        for (let k = 0; k < query.length; k++) {
          await page.keyboard.press('Backspace');
          await page.waitForTimeout(30);
        }
      }
      await page.keyboard.press('Escape');
      await palette.waitFor({ state: 'detached', timeout: 5000 });
      await page.waitForTimeout(100);
    }
    const pb = await page.evaluate(() => ({ open: window.__pb!.open, search: window.__pb!.search }));
    o.log(`  ${pb.open.length} opens, ${pb.search.length} keystrokes measured at ${o.phrases} phrases`);
    return { phrases: o.phrases, openMs: summarize(pb.open), searchKeystrokeMs: summarize(pb.search), failures };
  } finally {
    await page.close();
  }
}
