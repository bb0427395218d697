import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchExtension, startStaticServer, type ChromeApi, type ExtensionHarness } from './harness';

declare const chrome: ChromeApi;

describe('harness: static server', () => {
  it('serves files with the right content types', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rs-static-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>hi</title>');
    await writeFile(path.join(dir, 'a.js'), 'export {}');
    await writeFile(path.join(dir, 'b.json'), '{}');
    const server = await startStaticServer(dir);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const index = await fetch(`${server.url}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await index.text()).toContain('<title>hi</title>');
      expect((await fetch(`${server.url}/a.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await fetch(`${server.url}/b.json`)).headers.get('content-type')).toMatch(/^application\/json/);
      expect((await fetch(`${server.url}/missing.css`)).status).toBe(404);
      expect((await fetch(`${server.url}/..%2f..%2fetc%2fpasswd`)).status).toBe(403);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('smoke: demo build in Chromium', () => {
  let ext: ExtensionHarness;

  beforeAll(async () => {
    ext = await launchExtension();
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('loads the extension and starts its service worker', async () => {
    expect(ext.extensionId).toMatch(/^[a-p]{32}$/);
    const sw = await ext.serviceWorker();
    expect(sw.url()).toBe(`${ext.baseUrl}/background.js`);
    const info = await sw.evaluate(() => ({ id: chrome.runtime.id, version: chrome.runtime.getManifest().version }));
    expect(info.id).toBe(ext.extensionId);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reads the badge', async () => {
    // The real background paints the badge itself (on start and on events), so only the shape is checked.
    const b = await ext.badge();
    expect(typeof b.text).toBe('string');
    expect(b.color).toHaveLength(4);
    for (const c of b.color) expect(c).toBeGreaterThanOrEqual(0);
  });

  it('stops the worker via CDP and brings up a fresh one', async () => {
    const before = await ext.serviceWorker();
    await before.evaluate(() => {
      (globalThis as { __smokeMarker?: string }).__smokeMarker = 'before-stop';
    });

    await ext.stopServiceWorkers();

    // Chrome does not restart it by itself (no pages, no alarms in a fresh profile): without waking,
    // serviceWorker({ wake: false }) must time out.
    await expect(ext.serviceWorker({ wake: false, timeout: 2_000 })).rejects.toThrow(/No live service worker/);

    const after = await ext.serviceWorker();
    // A fresh JS context: the global set before the stop is gone.
    expect(await after.evaluate(() => (globalThis as { __smokeMarker?: string }).__smokeMarker ?? null)).toBeNull();
    expect(await after.evaluate(() => chrome.runtime.id)).toBe(ext.extensionId);

    // And again, with no page open (the harness then opens its own page for the CDP session).
    for (const page of ext.context.pages()) await page.close();
    await ext.stopServiceWorkers();
    const third = await ext.serviceWorker();
    expect(await third.evaluate(() => chrome.runtime.id)).toBe(ext.extensionId);
    expect(ext.context.pages()).toHaveLength(0);
  });
});
