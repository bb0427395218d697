/**
 * Issue 15 §5: two shops of one platform side by side never merge. Two PDD tabs, each showing its own shop in the
 * header, each with a buyer of the same buyer id asking: two clocks, one per shop; a reply in shop A's tab answers
 * shop A's buyer only; the popup lists both shops.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore, seedSettings } from './db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness, type StaticServer } from './harness';

declare const demo: { buyerSays(uid: string, text?: string): string };

const SHOP_A = '甲店旗舰店';
const SHOP_B = '乙店专营店';
const BUYER = '802114';

let server: StaticServer;
let ext: ExtensionHarness;
let a: Page;
let b: Page;

const clocks = async () =>
  Object.fromEntries(
    (await readStore(ext, 'clocks')).map((c) => [`${String(c.account)}/${String(c.buyer)}`, c.status]),
  );

beforeAll(async () => {
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  ext = await launchExtension();
  // Any hour: PDD's window is widened to the whole day, so the questions are assessed.
  await seedSettings(ext, {
    ruleOverrides: { 'pdd.manual3min': { window: { startMin: 0, endMin: 1440 } } },
    language: 'zh_CN',
  });
  a = await ext.context.newPage();
  await a.goto(`${server.url}/pdd/index.html?auto=0&shop=${encodeURIComponent(SHOP_A)}`);
  b = await ext.context.newPage();
  await b.goto(`${server.url}/pdd/index.html?auto=0&shop=${encodeURIComponent(SHOP_B)}`);
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

describe('two shops of one platform', () => {
  it('each tab is watched under its own shop', async () => {
    await expect
      .poll(async () => (await readStore(ext, 'tabs')).map((t) => `${String(t.account)}:${String(t.health)}`).sort(), {
        timeout: 10_000,
      })
      .toEqual([`${SHOP_A}:watching`, `${SHOP_B}:watching`].sort());
  });

  it('the same buyer id in both shops is two clocks; a reply in shop A answers only shop A’s buyer', async () => {
    await a.evaluate((uid) => demo.buyerSays(uid, '甲店：今天能发货吗？'), BUYER);
    await b.evaluate((uid) => demo.buyerSays(uid, '乙店：有现货吗？'), BUYER);
    // The shops' pages are apart: each tab shows only its own buyer's message.
    expect(await a.locator('#msgList').textContent()).not.toContain('乙店');
    expect(await b.locator('#msgList').textContent()).not.toContain('甲店');
    await expect
      .poll(clocks, { timeout: 10_000 })
      .toEqual({ [`${SHOP_A}/${BUYER}`]: 'pending', [`${SHOP_B}/${BUYER}`]: 'pending' });

    await a.locator('#replyTextarea').click();
    await a.keyboard.type('亲，甲店今天发货');
    await a.keyboard.press('Enter');
    await expect
      .poll(clocks, { timeout: 10_000 })
      .toEqual({ [`${SHOP_A}/${BUYER}`]: 'answered', [`${SHOP_B}/${BUYER}`]: 'pending' });
    // Both tabs have reported since (B's heartbeat and scans): B's buyer is still waiting, and B has no reply.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await clocks())[`${SHOP_B}/${BUYER}`]).toBe('pending');
    const replies = (await readStore(ext, 'events')).filter((e) => e.author === 'human');
    expect(replies.map((e) => e.account)).toEqual([SHOP_A]);
    // The buyer's row in shop B still shows its countdown; shop A's row shows none.
    await expect
      .poll(() => b.locator(`[data-reply-sentinel-badge="${BUYER}"] span[role="timer"]`).count(), { timeout: 10_000 })
      .toBe(1);
    await expect.poll(() => a.locator(`[data-reply-sentinel-badge="${BUYER}"]`).count(), { timeout: 10_000 }).toBe(0);
  });

  it('the popup lists both shops, and the waiting buyer under shop B', async () => {
    const popup = await ext.context.newPage();
    await popup.goto(`${ext.baseUrl}/popup.html`);
    const health = popup.locator('.rs-health li');
    await expect.poll(() => health.count(), { timeout: 10_000 }).toBe(2);
    const lines = (await health.allTextContents()).sort();
    expect(lines).toEqual([`拼多多 · ${SHOP_A} · 正在监测`, `拼多多 · ${SHOP_B} · 正在监测`].sort());
    const items = popup.locator('.rs-queue .rs-item');
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(1);
    expect(await items.first().locator('.meta').textContent()).toContain(SHOP_B);
    await popup.close();
  });
});
