/**
 * Every bundled demo workbench, in Chromium with the demo build: a buyer question starts a clock, a robot or
 * auto reply does not stop it (on Douyin and Kuaishou the robot's stage is not assessed), a human reply typed into the
 * page's own editor does.
 */
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../lib/model';
import { readStore, allDayOverrides, seedSettings } from './db';
import { DEFAULT_RULES } from '../../lib/rules';
import {
  REPO_ROOT,
  type ChromeApi,
  launchExtension,
  startStaticServer,
  type ExtensionHarness,
  type StaticServer,
} from './harness';

declare const chrome: ChromeApi;
declare const demo: {
  buyers: { uid: string }[];
  open(uid: string): void;
  buyerSays(uid: string, text?: string): string;
  robotSays(uid: string, text?: string): string;
};

interface Case {
  folder: string;
  platform: Platform;
  /** The frame that holds the editor (1688's chat lives in an iframe). */
  frame?: string;
  input: string;
  /** Which of the demo buyer's fields the adapter uses as the buyer id (Kuaishou shows no id: the nick). */
  buyerId?: 'uid' | 'nick';
}

const CASES: Case[] = [
  { folder: 'pdd', platform: 'pdd', input: '#replyTextarea' },
  { folder: 'douyin', platform: 'douyin', input: 'textarea[data-qa-id="qa-send-message-textarea"]' },
  {
    folder: 'ali1688',
    platform: 'ali1688',
    frame: '#def_cbu_web_im_core',
    input: '.ww_input pre.edit[contenteditable="true"]',
  },
  { folder: 'taobao', platform: 'taobao', input: '.ww_input pre.edit[contenteditable="true"]' },
  { folder: 'jd', platform: 'jd', input: '.EditorContent[contenteditable="true"]' },
  { folder: 'kuaishou', platform: 'kuaishou', input: '.ql-editor', buyerId: 'nick' },
];

let server: StaticServer;
let ext: ExtensionHarness;

beforeAll(async () => {
  server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  ext = await launchExtension();
  // Tests run at any hour: every metric's window is widened to the whole day (a user override).
  const overrides = allDayOverrides();
  await seedSettings(ext, { ruleOverrides: overrides });
});

afterAll(async () => {
  await ext?.close();
  await server?.close();
});

describe.each(CASES)('$folder demo workbench', ({ folder, platform, frame, input, buyerId = 'uid' }) => {
  let page: Page;
  let uid: string;
  let buyer: string;
  const clockOf = async () =>
    (await readStore(ext, 'clocks')).find((c) => c.platform === platform && c.buyer === buyer);

  it('is watched', async () => {
    page = await ext.context.newPage();
    await page.goto(`${server.url}/${folder}/index.html?auto=0`);
    await expect
      .poll(async () => (await readStore(ext, 'tabs')).filter((t) => t.platform === platform).map((t) => t.health), {
        timeout: 10_000,
      })
      .toEqual(['watching']);
    uid = await page.evaluate(() => demo.buyers[0]!.uid);
    buyer = await page.evaluate((k) => (demo.buyers[0] as Record<string, string>)[k]!, buyerId);
    await page.evaluate((u) => demo.open(u), uid);
  });

  it('a buyer question starts a clock', async () => {
    await page.evaluate((u) => demo.buyerSays(u, '请问这个什么时候发货？'), uid);
    await expect.poll(async () => (await clockOf())?.status, { timeout: 10_000 }).toBe('pending');
  });

  it('a robot or auto reply does not stop it', async () => {
    await page.evaluate((u) => demo.robotSays(u), uid);
    await expect
      .poll(
        async () =>
          (await readStore(ext, 'events')).some(
            (e) => e.platform === platform && e.buyer === buyer && (e.author === 'robot' || e.author === 'auto'),
          ),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
    // Douyin and Kuaishou assess a conversation only once it reaches a human: the robot answering puts it in the
    // robot's stage (not assessed) until an assignment or a human reply (platform-rules.md §3.6).
    const humanStage = DEFAULT_RULES.platforms[platform].metrics.some((m) => m.humanStage);
    await expect
      .poll(async () => (await clockOf())?.status, { timeout: 10_000 })
      .toBe(humanStage ? 'notAssessed' : 'pending');
  });

  it('a human reply typed into the page editor stops it', async () => {
    // A person needs a moment to answer (Taobao/1688 do not count replies in the question's own second).
    await page.waitForTimeout(1100);
    const scope: Page | FrameLocator = frame ? page.frameLocator(frame) : page;
    await scope.locator(input).click();
    await page.keyboard.type('亲，今天就发货');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await clockOf())?.status, { timeout: 10_000 }).toBe('answered');
  });

  it('in the chat input, Ctrl+/ opens the phrase palette; Enter inserts the chosen phrase, nothing is sent', async () => {
    const scope: Page | FrameLocator = frame ? page.frameLocator(frame) : page;
    const editor = scope.locator(input);
    await editor.click();
    await page.keyboard.type('您好 ');
    await page.keyboard.press('Control+/');
    const palette = scope.locator('[data-reply-sentinel-palette]');
    await expect.poll(() => palette.count(), { timeout: 5000 }).toBe(1);
    await page.keyboard.type('发票');
    await expect.poll(() => palette.locator('li[role="option"]').first().textContent()).toContain('开发票');
    await page.keyboard.press('Enter');
    await expect.poll(() => palette.count()).toBe(0);
    // In a rich editor the phrase goes in once the editor has taken the caret put back (≈ 110 ms after the close).
    await expect
      .poll(() => editor.evaluate((el) => ('value' in el ? (el as HTMLTextAreaElement).value : el.textContent)))
      .toMatch(/^您好\s*亲，可以开发票的/);
    const sent = (await readStore(ext, 'events')).filter(
      (e) => e.platform === platform && e.author === 'human' && String(e.text).includes('开发票'),
    );
    expect(sent).toEqual([]);
    // Clear the input for the next step (select all + delete, as a person would).
    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
  });

  it('typing a shortcut and a space expands it in place', async () => {
    const scope: Page | FrameLocator = frame ? page.frameLocator(frame) : page;
    const editor = scope.locator(input);
    await editor.click();
    await page.keyboard.type('/xh ');
    await expect
      .poll(() => editor.evaluate((el) => ('value' in el ? (el as HTMLTextAreaElement).value : el.textContent)))
      .toContain('页面能拍下的都是有现货的');
    const text = await editor.evaluate((el) => ('value' in el ? (el as HTMLTextAreaElement).value : el.textContent));
    expect(text).not.toContain('/xh');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
  });

  it('a quick phrase goes into the page editor (not sent); the person sends it with Enter', async () => {
    const scope: Page | FrameLocator = frame ? page.frameLocator(frame) : page;
    const editor = scope.locator(input);
    await editor.click(); // the last focused input receives phrases
    const phrases = await readStore(ext, 'phrases');
    const phrase = phrases.find((p) => p.shortcut === '/zai')!;
    await expect
      .poll(async () => (await readStore(ext, 'tabs')).find((t) => t.platform === platform)?.inputAt)
      .toBeTruthy();
    const sender = await ext.context.newPage();
    await sender.goto(`${ext.baseUrl}/popup.html`);
    const reply = await sender.evaluate(
      (id) => chrome.runtime.sendMessage({ type: 'insertPhrase', phraseId: id }),
      phrase.id as number,
    );
    expect(reply).toMatchObject({ ok: true });
    await sender.close();
    const typed = await editor.evaluate((el) => ('value' in el ? (el as HTMLTextAreaElement).value : el.textContent));
    expect(typed).toContain('亲，在的哦');
    // Nothing was sent by the extension.
    const sentByUs = (await readStore(ext, 'events')).filter(
      (e) => e.platform === platform && e.author === 'human' && String(e.text).includes('亲，在的哦'),
    );
    expect(sentByUs).toEqual([]);
    await editor.press('Enter');
    await expect
      .poll(
        async () =>
          (await readStore(ext, 'events')).some(
            (e) => e.platform === platform && e.author === 'human' && String(e.text).includes('亲，在的哦'),
          ),
        { timeout: 10_000 },
      )
      .toBe(true);
    expect((await readStore(ext, 'phrases')).find((p) => p.id === phrase.id)?.usage).toBe(1 + Number(phrase.usage));
    await page.close();
  });
});
