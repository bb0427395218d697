/**
 * Privacy in a real browser: while the extension watches a workbench, counts, alerts and shows its pages, none of
 * its contexts (service worker, popup, options, content scripts' page) requests anything beyond the local demo
 * server; and purge-all empties the chat data from the settings page.
 * Requests are observed by Playwright for every page and (with the flag below) the service worker; a positive
 * control proves the service worker's requests are seen. Chromium's own background traffic (update checks,
 * sign-in) belongs to no extension context and goes to a refusing proxy, so nothing leaves the machine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putRows, readStore, seedSettings } from './db';
import { REPO_ROOT, launchExtension, startStaticServer, type ExtensionHarness, type StaticServer } from './harness';

declare const demo: { buyerSays(uid: string, text?: string): string; robotSays(uid: string): string };

let server: StaticServer;
let ext: ExtensionHarness;
let proxy: Server;
const proxied: string[] = [];
const seen: string[] = [];

// Makes Playwright report the service worker's network requests too (Chromium).
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

beforeAll(async () => {
  // A proxy that refuses everything and remembers what it was asked for.
  proxy = createServer((req, res) => {
    proxied.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  proxy.on('connect', (req, socket) => {
    proxied.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as AddressInfo).port;
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  ext = await launchExtension({ args: [`--proxy-server=http://127.0.0.1:${port}`] });
  ext.context.on('request', (r) => seen.push(r.url()));
  await seedSettings(ext, {
    ruleOverrides: { 'pdd.manual3min': { window: { startMin: 0, endMin: 1440 } } },
    alertLeadSec: 178,
  });
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
  await new Promise((r) => proxy?.close(r));
});

describe('privacy', () => {
  it('makes zero network requests while it works', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${server.url}/pdd/index.html?auto=0`);
    await expect.poll(async () => (await readStore(ext, 'tabs')).length, { timeout: 10_000 }).toBe(1);
    await page.evaluate(() => demo.buyerSays('802114', '在吗'));
    await page.evaluate(() => demo.robotSays('802114'));
    await expect.poll(async () => (await readStore(ext, 'clocks')).length, { timeout: 10_000 }).toBe(1);
    // The alert fires (178 s lead → within ~2 s), the popup and settings pages render.
    await new Promise((r) => setTimeout(r, 3000));
    for (const p of ['popup.html', 'options.html', 'options.html#phrases']) {
      const ui = await ext.context.newPage();
      await ui.goto(`${ext.baseUrl}/${p}`);
      await ui.waitForLoadState('networkidle');
      await ui.close();
    }
    const outside = seen.filter(
      (u) => !u.startsWith(server.url) && !u.startsWith('chrome-extension://') && !u.startsWith('data:'),
    );
    expect(outside).toEqual([]);
    await page.close();
  });

  it('the instrument sees a request the service worker makes (positive control)', async () => {
    const sw = await ext.serviceWorker();
    await sw.evaluate(() => fetch('http://control.invalid/ping').catch(() => undefined));
    await expect.poll(() => seen.some((u) => u.startsWith('http://control.invalid/'))).toBe(true);
  });

  it('purge-all on the settings page empties the chat data and keeps phrases and settings', async () => {
    await putRows(ext, 'rollups', [
      {
        id: 'x',
        metric: 'pdd.manual3min',
        day: '2026-11-20',
        platform: 'pdd',
        account: 's',
        pass: 1,
        fail: 0,
        pending: 0,
        unknown: 0,
        notAssessed: 0,
        cappedSum: 0,
        cappedCount: 0,
        updatedAt: 1,
      },
    ]);
    const phrasesBefore = (await readStore(ext, 'phrases')).length;
    expect(phrasesBefore).toBeGreaterThan(0);
    const page = await ext.context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${ext.baseUrl}/options.html`);
    await page.locator('button', { hasText: /删除本机所有聊天数据|Delete all chat data/ }).click();
    await expect
      .poll(() => page.locator('#rs-purge-status').textContent())
      .toMatch(/已删除 \d+ 条记录|\d+ records deleted/);
    for (const store of ['events', 'clocks', 'units', 'rollups', 'coverage'])
      expect(await readStore(ext, store), store).toEqual([]);
    expect((await readStore(ext, 'phrases')).length).toBe(phrasesBefore);
    expect((await readStore(ext, 'settings')).find((s) => s.key === 'alertLeadSec')).toMatchObject({ value: 178 });
    await page.close();
  });
});
