/**
 * Issue 18, "row badges that can't be misread": on every demo workbench, in Chromium, our row badge's box does not
 * intersect the platform's own indicators in the row (unread counts and dots, PDD's waited seconds "123秒").
 */
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDayOverrides, readStore, seedSettings } from './db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness, type StaticServer } from './harness';

declare const demo: { buyers: { uid: string }[]; buyerSays(uid: string, text?: string): string };

/** Each demo's list frame and the platform's own indicators in a row. */
const CASES = [
  { folder: 'pdd', frame: null, indicators: '.chat-unreply-time' },
  { folder: 'douyin', frame: null, indicators: '.auxo-badge-count' },
  { folder: 'ali1688', frame: 'core.html', indicators: '.unread-badge' },
  { folder: 'taobao', frame: null, indicators: '.unread-badge' },
  { folder: 'jd', frame: null, indicators: '.alluser-item-unread' },
  { folder: 'kuaishou', frame: null, indicators: '.SessionBaseCard-unread-rot' },
] as const;

let server: StaticServer;
let ext: ExtensionHarness;
beforeAll(async () => {
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  ext = await launchExtension();
  const overrides = allDayOverrides();
  await seedSettings(ext, { ruleOverrides: overrides });
});
afterAll(async () => {
  await ext?.close();
  await server?.close();
});

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Boxes {
  badges: Box[];
  indicators: Box[];
}

/** Our badges' boxes and the platform's indicators' (those shown) in the list. */
function boxesOf(list: Page | Frame, indicators: string): Promise<Boxes> {
  return list.evaluate((sel) => {
    const r = (el: Element) => {
      const b = el.getBoundingClientRect();
      return { x: b.left, y: b.top, w: b.width, h: b.height };
    };
    return {
      badges: [...document.querySelectorAll('[data-reply-sentinel-badge]')].map((h) =>
        r(h.shadowRoot!.querySelector('[role="timer"]')!),
      ),
      indicators: [...document.querySelectorAll(sel)].map(r).filter((b) => b.w > 0 && b.h > 0),
    };
  }, indicators);
}

describe.each(CASES)('$folder: the row badge beside the platform’s indicators', ({ folder, frame, indicators }) => {
  it('never covers them', async () => {
    const page: Page = await ext.context.newPage();
    await page.goto(`${server.url}/${folder}/index.html?auto=0`);
    let list: Page | Frame = page;
    if (frame) {
      await expect.poll(() => page.frames().some((f) => f.url().includes(frame)), { timeout: 10_000 }).toBe(true);
      list = page.frames().find((f) => f.url().includes(frame))!;
    }
    // The extension watches this workbench before the buyers ask (it sees their messages arrive).
    await expect
      .poll(async () => (await readStore(ext, 'tabs')).filter((t) => t.platform === folder).map((t) => t.health), {
        timeout: 15_000,
      })
      .toContain('watching');
    // Two buyers ask (one more than once), so rows show unread counts and waits.
    await page.evaluate(() => {
      const [a, b] = [demo.buyers[1]!.uid, demo.buyers[2]!.uid];
      demo.buyerSays(a, '在吗？');
      demo.buyerSays(a, '发货了吗？');
      demo.buyerSays(b, '有优惠吗？');
    });
    await list.waitForFunction(() => document.querySelectorAll('[data-reply-sentinel-badge]').length >= 2, undefined, {
      timeout: 15_000,
    });
    // The badges laid out where they stay: every badge's box drawn, and the same boxes at two polls in a row.
    let last = '';
    await expect
      .poll(
        async () => {
          const now = JSON.stringify(await boxesOf(list, indicators));
          const same = now === last;
          last = now;
          return same && (JSON.parse(now) as Boxes).badges.every((b) => b.w > 0 && b.h > 0);
        },
        { timeout: 15_000, interval: 200 },
      )
      .toBe(true);
    const boxes = JSON.parse(last) as Boxes;
    expect(boxes.badges.length).toBeGreaterThanOrEqual(2);
    expect(boxes.indicators.length, `no ${indicators} on the page`).toBeGreaterThan(0);
    const hits = boxes.badges.flatMap((a) =>
      boxes.indicators.filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h),
    );
    expect(hits, JSON.stringify(boxes)).toEqual([]);
    // The badges' style reached every shadow root: the label is the rounded, bold, white-on-colour pill, not the
    // page's default inline text.
    const looks = await list.evaluate(() =>
      [...document.querySelectorAll('[data-reply-sentinel-badge]')].map((h) => {
        const s = getComputedStyle(h.shadowRoot!.querySelector('[role="timer"]')!);
        return `${s.display} ${s.fontWeight} ${s.fontSize} ${s.borderTopLeftRadius} ${s.color}`;
      }),
    );
    expect(new Set(looks)).toEqual(new Set(['block 600 11px 8px rgb(255, 255, 255)']));
    await page.close();
  });
});
