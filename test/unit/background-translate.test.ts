import { describe, expect, it, vi } from 'vitest';
import { browserTranslate } from '../../entrypoints/background/browser';
import type { Settings } from '../../lib/settings';

/**
 * Issue 21: the worker's messages (badge title, notes, the tabs' clock lists) are said in the settings' language,
 * read at each call, else the browser's UI language, which is read once (each `chrome.i18n.getUILanguage()` call
 * cost the worker ≈ 4 ms per latency sample in a profile).
 */
describe('browserTranslate', () => {
  it("reads the browser's UI language once, the settings' language at every call", () => {
    const ui = vi.fn(() => 'en-US');
    let setting: Settings['language'] = 'auto';
    const t = browserTranslate(() => setting, ui);
    for (let i = 0; i < 20; i++) expect(t('extName')).toBe('Reply Sentinel');
    expect(t.lang).toBe('en');
    setting = 'zh_CN';
    expect(t('extName')).toBe('响应哨兵');
    expect(t.lang).toBe('zh_CN');
    setting = 'auto';
    expect(t('extName')).toBe('Reply Sentinel');
    expect(ui).toHaveBeenCalledTimes(1);
  });

  it('a Chinese (or any non-English) browser says Chinese when the settings leave it to the browser', () => {
    const t = browserTranslate(
      () => 'auto',
      () => 'zh-CN',
    );
    expect(t('extName')).toBe('响应哨兵');
  });
});
