// @vitest-environment jsdom
/**
 * The settings and welcome pages render their first frame in the stored language, never one frame in the browser's
 * (a click in that frame acted on the other language's page: test/e2e/welcome*). The pages' own entry modules are
 * run on a database that stores the other language than the browser's, and every text the page ever shows is
 * recorded from before its first render (a MutationObserver: each committed frame).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { CATALOGS } from '../../lib/i18n';
import { DB_NAME, SentinelDB } from '../../lib/db/schema';

/** Runs a page's entry module; every text #root shows, in order (one entry per change seen). */
async function openPage(entry: () => Promise<unknown>, done: (text: string) => boolean): Promise<string[]> {
  document.body.innerHTML = '<div id="root"></div>';
  const root = document.getElementById('root')!;
  const shown: string[] = [];
  const mo = new MutationObserver(() => {
    if (shown.at(-1) !== root.textContent) shown.push(root.textContent ?? '');
  });
  mo.observe(root, { subtree: true, childList: true, characterData: true });
  vi.resetModules();
  await entry();
  await vi.waitFor(() => expect(done(root.textContent ?? '')).toBe(true), { timeout: 5000 });
  // Anything the page does after (its own live queries coming in): still recorded.
  await new Promise((r) => setTimeout(r, 300));
  mo.disconnect();
  return shown;
}

const browserLang = { value: 'zh-CN' };
beforeEach(async () => {
  fakeBrowser.reset();
  vi.spyOn(fakeBrowser.i18n, 'getUILanguage').mockImplementation(() => browserLang.value);
  await new Promise((r) => {
    const q = indexedDB.deleteDatabase(DB_NAME);
    q.onsuccess = q.onerror = q.onblocked = r;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

/** Stores the language setting (as the background does) and closes the database. */
async function store(language: 'zh_CN' | 'en') {
  const db = new SentinelDB(DB_NAME);
  await db.settings.put({ key: 'language', value: language });
  db.close();
}

const cases = [
  {
    page: 'settings',
    entry: () => import('../../entrypoints/options/main'),
    // The page's tabs, and a word of the settings part (its own useT: it starts in the page's language).
    words: (l: 'zh_CN' | 'en') => [
      CATALOGS[l].optTabGeneral!,
      CATALOGS[l].optTabPhrases!,
      CATALOGS[l].optNotifications!,
    ],
  },
  {
    page: 'welcome',
    entry: () => import('../../entrypoints/welcome/main'),
    words: (l: 'zh_CN' | 'en') => [CATALOGS[l].welTitle!, CATALOGS[l].welTestSound!],
  },
] as const;

describe('the first frame in the stored language', () => {
  for (const { page, entry, words } of cases) {
    for (const [stored, browser, other] of [
      ['en', 'zh-CN', 'zh_CN'],
      ['zh_CN', 'en-US', 'en'],
    ] as const) {
      it(`${page}: ${stored} stored on a ${browser} browser — no frame ever in ${other}`, async () => {
        browserLang.value = browser;
        await store(stored);
        const shown = await openPage(entry, (text) => words(stored).every((w) => text.includes(w)));
        expect(shown.length).toBeGreaterThan(0);
        // The first frame already in the stored language; none in the browser's.
        for (const w of words(stored)) expect(shown[0]).toContain(w);
        for (const text of shown) for (const w of words(other)) expect(text).not.toContain(w);
      });
    }
  }
});
