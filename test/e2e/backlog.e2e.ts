/**
 * Issue 15 §4: the backlog a tab finds when it opens is who must be answered first. The page's own evidence — a
 * list row's waiting counter ("30秒"), a question in the open thread's history with its time — starts clocks that
 * began before the tab was opened: they count down on the toolbar and on the rows, the popup marks them "started
 * before watching", and a wait the page shows already past the deadline is a breach "seen late", not unknown.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowBadgeText } from '../../lib/content/row-badges';
import { contentTranslate } from '../../lib/i18n/content';
import { readStore, seedSettings, type Row } from './db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness, type StaticServer } from './harness';

const THRESHOLD_SEC = 180;
/** The open conversation: its question is in the thread's history, 100 s before the page opened (80 s left). */
const OPEN = { uid: '802114', sec: 100 };
/** A row showing "30秒": 150 s left. */
const FRESH = { uid: '733519', sec: 30 };
/** A row showing "250秒": already past the 180 s deadline when the tab opens. */
const LATE = { uid: '915002', sec: 250 };

let server: StaticServer;
let ext: ExtensionHarness;
let page: Page;
let openedAt = 0;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Seconds shown on the toolbar badge (`m:ss`), or null when it shows something else. */
function badgeSeconds(text: string): number | null {
  const m = /^(\d+):(\d\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

const clockOf = async (buyer: string): Promise<Row | undefined> =>
  (await readStore(ext, 'clocks')).find((c) => c.buyer === buyer);

beforeAll(async () => {
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  ext = await launchExtension();
  // Any hour: PDD's window (08:00–23:00 China time) is widened to the whole day, so every wait is assessed.
  await seedSettings(ext, {
    ruleOverrides: { 'pdd.manual3min': { thresholdSec: THRESHOLD_SEC, window: { startMin: 0, endMin: 1440 } } },
    language: 'zh_CN',
  });
  page = await ext.context.newPage();
  openedAt = Date.now();
  const backlog = [OPEN, FRESH, LATE].map((b) => `${b.uid}:${b.sec}`).join(',');
  await page.goto(`${server.url}/pdd/index.html?auto=0&backlog=${backlog}`);
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

describe('the backlog waiting when the tab opens', () => {
  it('starts clocks at the page’s evidence: the history’s time, the rows’ counters', async () => {
    await expect
      .poll(async () => (await readStore(ext, 'tabs')).map((t) => t.health), { timeout: 10_000 })
      .toEqual(['watching']);
    await expect
      .poll(async () => Object.fromEntries((await readStore(ext, 'clocks')).map((c) => [c.buyer, c.status])), {
        timeout: 10_000,
      })
      .toEqual({ [OPEN.uid]: 'pending', [FRESH.uid]: 'pending', [LATE.uid]: 'breached' });

    const open = (await clockOf(OPEN.uid))!;
    // The message's own time (its id carries it, to the millisecond), not the moment the tab saw it.
    const question = (await readStore(ext, 'events')).find((e) => e.buyer === OPEN.uid && e.author === 'buyer')!;
    expect(open.startedAt).toBe(question.at);
    expect(Number(open.startedAt)).toBeGreaterThanOrEqual(openedAt - OPEN.sec * 1000 - 2000);
    expect(Number(open.startedAt)).toBeLessThanOrEqual(Date.now() - OPEN.sec * 1000);
    expect(open.dueAt).toBe(Number(open.startedAt) + THRESHOLD_SEC * 1000);
    expect(open).toMatchObject({ startedBeforeWatching: true });

    // A whole-second counter: the start is the read time minus the shown wait (within the counter's rounding).
    const fresh = (await clockOf(FRESH.uid))!;
    expect(Number(fresh.startedAt)).toBeGreaterThan(openedAt - (FRESH.sec + 3) * 1000);
    expect(Number(fresh.startedAt)).toBeLessThan(Date.now() - FRESH.sec * 1000 + 1000);
    expect(fresh).toMatchObject({ startedBeforeWatching: true });

    const late = (await clockOf(LATE.uid))!;
    expect(late).toMatchObject({ status: 'breached', seenLate: true, startedBeforeWatching: true });
    expect(Number(late.dueAt)).toBeLessThan(openedAt);
    // One wait, one clock: nothing was left unknown.
    expect((await readStore(ext, 'clocks')).filter((c) => c.status === 'unknown')).toEqual([]);
  });

  it('the toolbar badge counts down to the most urgent of them', async () => {
    const open = (await clockOf(OPEN.uid))!;
    const first = await expect
      .poll(async () => badgeSeconds((await ext.badge()).text), { timeout: 10_000 })
      .not.toBeNull()
      .then(async () => badgeSeconds((await ext.badge()).text)!);
    // The countdown is the open conversation's: due 80 s after the page opened, not 180 s.
    expect(Math.abs(first - Math.ceil((Number(open.dueAt) - Date.now()) / 1000))).toBeLessThanOrEqual(2);
    expect(first).toBeLessThanOrEqual(THRESHOLD_SEC - OPEN.sec);
    await expect
      .poll(async () => badgeSeconds((await ext.badge()).text) ?? 999, { timeout: 10_000 })
      .toBeLessThan(first);
  });

  it('each waiting row shows its own countdown, and the one past its deadline shows how late it is', async () => {
    const badge = (uid: string) => page.locator(`[data-reply-sentinel-badge="${uid}"] span[role="timer"]`);
    // The badge's words are in the language of the setting (zh_CN here, whatever the browser's: the worker sends it
    // with the clocks).
    const words = contentTranslate('zh_CN');
    const re = (key: 'badgeLeft' | 'badgeOver' | 'durMin' | 'durSec') =>
      escapeRe(words(key, ['\uE000'])).replace('\uE000', '(.+)');
    const [left, over, minutes, seconds] = (['badgeLeft', 'badgeOver', 'durMin', 'durSec'] as const).map(re) as [
      string,
      string,
      string,
      string,
    ];
    const expected = async (uid: string) => rowBadgeText(Number((await clockOf(uid))!.dueAt) - Date.now(), words);
    for (const uid of [FRESH.uid, LATE.uid]) {
      // The text changes at whole minutes: read it until it agrees with the clock at that moment.
      await expect
        .poll(async () => (await badge(uid).textContent()) === (await expected(uid)), { timeout: 10_000 })
        .toBe(true);
    }
    const inner = (text: string | null, outer: string) => new RegExp(`^${outer}$`).exec(text ?? '')?.[1] ?? '';
    expect(inner(inner(await badge(LATE.uid).textContent(), over), minutes)).toMatch(/^\d+$/);
    expect(inner(inner(await badge(FRESH.uid).textContent(), left), minutes)).toMatch(/^[12]$/);
    // The open conversation's badge ticks by the second in its last minute: it counts down.
    const openBadge = badge(OPEN.uid);
    const secondsLeft = async () => {
      const n = inner(inner(await openBadge.textContent(), left), seconds);
      return /^\d+$/.test(n) ? Number(n) : null;
    };
    await expect.poll(secondsLeft, { timeout: 40_000 }).not.toBeNull();
    const s = (await secondsLeft())!;
    await expect.poll(async () => (await secondsLeft()) ?? 999, { timeout: 10_000 }).toBeLessThan(s);
  });

  it('the popup marks them "started before watching" and the late one "seen late", at the top of the queue', async () => {
    const popup = await ext.context.newPage();
    await popup.goto(`${ext.baseUrl}/popup.html`);
    const items = popup.locator('.rs-queue .rs-item');
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(3);
    const meta = async (nick: string) => (await items.filter({ hasText: nick }).locator('.meta').textContent()) ?? '';
    for (const nick of ['S*******n', '小***子', 'j***y']) expect(await meta(nick)).toContain('开始于打开页面之前');
    expect(await meta('j***y')).toContain('发现时已超时');
    expect(await meta('小***子')).not.toContain('发现时已超时');
    expect(await items.filter({ hasText: 'j***y' }).locator('.time').textContent()).toMatch(/^超时/);
    expect(await popup.locator('.rs-queue').textContent()).not.toContain('未观察到');
    await popup.close();
  });
});
