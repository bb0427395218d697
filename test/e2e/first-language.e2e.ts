/**
 * The extension pages' first frame is in the stored language, never one frame in the browser's (the welcome e2e once
 * clicked in that frame: "Played." on a Chinese page). Chromium's UI language here is English (checked); Chinese is
 * stored. Every text the page's body ever shows is recorded from before its first script (an init script's
 * MutationObserver), and none may be one of the English words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS } from '../../lib/i18n';
import { seedSettings } from './db';
import { launchExtension, type ChromeApi, type ExtensionHarness } from './harness';

declare const chrome: ChromeApi;
let ext: ExtensionHarness;

beforeAll(async () => {
  ext = await launchExtension({ args: ['--lang=en-US'] });
  await seedSettings(ext, { language: 'zh_CN' });
});
afterAll(async () => {
  await ext?.close();
});

declare global {
  interface Window {
    shown?: string[];
  }
}

const PAGES = [
  { page: 'welcome.html', zh: [CATALOGS.zh_CN.welTitle!], en: [CATALOGS.en.welTitle!, CATALOGS.en.welTestSound!] },
  {
    page: 'options.html',
    zh: [CATALOGS.zh_CN.optTabGeneral!, CATALOGS.zh_CN.optNotifications!],
    en: [CATALOGS.en.optTabGeneral!, CATALOGS.en.optTabPhrases!, CATALOGS.en.optNotifications!],
  },
];

describe('the first frame in the stored language (Chinese stored, an English browser)', () => {
  for (const { page: file, zh, en } of PAGES)
    it(`${file}: every text it ever shows is Chinese`, async () => {
      const page = await ext.context.newPage();
      await page.addInitScript(() => {
        const shown: string[] = (window.shown = []);
        const record = () => {
          const text = document.body?.textContent ?? '';
          if (text && shown.at(-1) !== text) shown.push(text);
        };
        new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true });
      });
      await page.goto(`${ext.baseUrl}/${file}`);
      // The browser is English (else this test shows nothing).
      expect(await page.evaluate(() => chrome.i18n.getUILanguage())).toMatch(/^en/);
      await expect.poll(() => page.locator('body').textContent()).toContain(zh[0]);
      await page.waitForTimeout(1000);
      const shown = await page.evaluate(() => window.shown ?? []);
      expect(shown.length).toBeGreaterThan(0);
      for (const text of shown) for (const w of en) expect(text).not.toContain(w);
      for (const w of zh) expect(shown.at(-1)).toContain(w);
      await page.close();
    });
});
