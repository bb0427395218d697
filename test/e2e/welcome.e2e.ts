/**
 * The welcome page (first run) in Chromium, opened directly: it lists the watched workbenches, its sound and
 * notification tests work, and the agent's name is shown as stored, checked as the setting's schema checks it and
 * saved through the background.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPT_SITES } from '../../lib/hosts';
import { readStore, seedSettings } from './db';
import { launchExtension, type ChromeApi, type ExtensionHarness } from './harness';

declare const chrome: ChromeApi;
let ext: ExtensionHarness;

beforeAll(async () => {
  ext = await launchExtension();
  await seedSettings(ext, { language: 'zh_CN', agentName: '小王' });
});
afterAll(async () => {
  await ext?.close();
});

describe('the welcome page', () => {
  it('lists every watched workbench and says where the data stays', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/welcome.html`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('欢迎使用响应哨兵');
    const text = (await page.locator('#wel-site-list').textContent()) ?? '';
    for (const [name, site] of Object.entries(SCRIPT_SITES))
      for (const m of site.matches) expect(text, name).toContain(m.replace('https://', '').replace('/*', ''));
    expect(text).toContain('拼多多');
    expect(text).not.toContain('localhost');
    expect(await page.locator('body').textContent()).toContain('只保存在这台电脑的浏览器里');
    await page.close();
  });

  it('plays the sound, shows a test notification and saves the agent name', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/welcome.html`);
    // In the stored language (the page's first frame may use the browser's until the setting is read: a click before
    // that says "Played." under load).
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('欢迎使用响应哨兵');
    // The sound: the page's own Audio, recorded (headless Chromium may have no audio output).
    await page.evaluate(() => {
      const w = window as unknown as { played: string[] };
      w.played = [];
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        w.played.push(this.src);
        return Promise.resolve();
      };
    });
    await page.locator('#wel-sound').click();
    expect(await page.evaluate(() => (window as unknown as { played: string[] }).played)).toEqual([
      expect.stringMatching(/\/sounds\/soon\.wav$/),
    ]);
    await expect.poll(() => page.locator('[data-status="sound"]').textContent()).toContain('已播放');
    // The notification: created, with its own id.
    await page.locator('#wel-notice').click();
    await expect.poll(() => page.locator('[data-status="notice"]').textContent()).toMatch(/已发送|通知被关闭/);
    const notices = await page.evaluate(() => chrome.notifications.getAll());
    expect(Object.keys(notices)).toContain('welcome|test');
    // The name: the stored one shown; a bad one said and not stored; a good one saved through the background's
    // validated settings message.
    const input = page.locator('input[name="agentName"]');
    await expect.poll(() => input.inputValue()).toBe('小王');
    await input.fill('小{美}');
    await page.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(() => page.locator('[data-status="name"]').textContent())
      .toBe('没有保存：名字最多 20 个字，只能写一行，不能含 { }');
    expect((await readStore(ext, 'settings')).find((r) => r.key === 'agentName')?.value).toBe('小王');
    await input.fill(' 小美 ');
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.locator('[data-status="name"]').textContent()).toBe('已保存');
    const rows = await readStore(ext, 'settings');
    expect(rows.find((r) => r.key === 'agentName')?.value).toBe('小美');
    // What is stored is what the page shows (trimmed), also after a reload.
    await expect.poll(() => input.inputValue()).toBe('小美');
    await page.reload();
    await expect.poll(() => page.locator('input[name="agentName"]').inputValue()).toBe('小美');
    // The settings link opens the options page.
    await page.locator('#wel-options').click();
    await page.waitForURL(/options\.html/);
    await page.close();
  });

  it('an install of the unpacked build opened no welcome tab by itself (tests and the demo load it unpacked)', () => {
    expect(ext.context.pages().filter((p) => p.url().includes('welcome.html'))).toEqual([]);
  });
});
