// @vitest-environment jsdom
/** An account shown only through title / alt / aria-label (shownName) filled in after render is seen by the watcher. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { kuaishouAdapter } from '../../lib/platforms/kuaishou';
import { Watcher } from '../../lib/content/watcher';
import type { ToBackground } from '../../lib/messages';

const NOW = 1_788_340_500_000;
const ws: Watcher[] = [];
afterEach(() => ws.splice(0).forEach((w) => w.stop()));

it.each(['title', 'aria-label'])(
  'Kuaishou: the shop name shown as a logo whose %s loads after the page renders',
  async (attr) => {
    document.body.innerHTML = readFileSync(join(process.cwd(), 'test/fixtures/kuaishou/thread.html'), 'utf8');
    const shop = document.querySelector('.WorkbenchHeader-shopName')!;
    // A logo, its tooltip not loaded yet (shownName reads text, else title / alt / aria-label).
    shop.innerHTML = '<img src="data:,">';
    shop.setAttribute(attr, '');
    const sent: ToBackground[] = [];
    const w = new Watcher({
      adapter: kuaishouAdapter,
      root: document,
      now: () => NOW,
      url: () => '',
      // No grace read at 3 s: only the watcher's observer can see the attribute filled in.
      accountGraceMs: 0,
      send: async (m) => void sent.push(m),
    });
    ws.push(w);
    w.start();
    await vi.waitFor(() => expect(w.last).toBeTruthy(), { timeout: 10_000 });
    expect(w.last!.account).not.toBe('测试快手小店');
    shop.setAttribute(attr, '测试快手小店');
    expect(kuaishouAdapter.extract(document, undefined, NOW).account).toBe('测试快手小店');
    await expect.poll(() => w.last!.account, { timeout: 2_000 }).toBe('测试快手小店');
  },
);
