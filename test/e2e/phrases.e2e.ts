/** The phrase library on the options page: edit, import with preview (a bad file changes nothing), export. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore, seedSettings } from './db';
import { launchExtension, type ChromeApi, type ExtensionHarness } from './harness';

declare const chrome: ChromeApi;
let ext: ExtensionHarness;

beforeAll(async () => {
  ext = await launchExtension();
  await seedSettings(ext, { language: 'zh_CN' });
});
afterAll(async () => {
  await ext?.close();
});

describe('phrase library', () => {
  it('adds a phrase with a shortcut and platforms through the form', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/options.html#phrases`);
    await page.getByRole('button', { name: '新建短语' }).click();
    await page.locator('textarea[name="text"]').fill('亲，{买家昵称}，您的订单 {?订单号} 已发出');
    await page.locator('input[name="group"]').fill('发货');
    await page.locator('input[name="shortcut"]').fill('ddh');
    await page.getByRole('checkbox', { name: '拼多多' }).check();
    await page.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(async () => (await readStore(ext, 'phrases')).find((p) => p.shortcut === '/ddh'))
      .toMatchObject({ group: '发货', platforms: ['pdd'] });
    // A taken shortcut is said beside its field at once, and saving is off until it changes.
    await page.getByRole('button', { name: '新建短语' }).click();
    await page.locator('textarea[name="text"]').fill('另一个');
    await page.locator('input[name="shortcut"]').fill('/DDH');
    await expect.poll(() => page.locator('#phr-shortcut-taken').textContent()).toContain('快捷键 /DDH 已属于短语');
    expect(await page.getByRole('button', { name: '保存' }).isDisabled()).toBe(true);
    // The background refuses it too (a page that sent it anyway).
    const reply = await page.evaluate(() =>
      chrome.runtime.sendMessage({
        type: 'phraseSave',
        draft: { text: '另一个', group: '', tags: [], shortcut: '/ddh' },
      }),
    );
    expect(reply).toMatchObject({ ok: false, error: expect.stringContaining('已被使用') });
    await page.close();
  });

  it('imports a CSV after a preview; a file with a bad row imports nothing', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/options.html#phrases`);
    const before = (await readStore(ext, 'phrases')).length;
    const input = page.locator('input[type="file"]');
    const bad = '内容,分组,快捷键\n"好的，马上处理",售后,/ok1\n,售后,/ok2\n';
    await input.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad, 'utf8') });
    await expect.poll(() => page.getByRole('region', { name: '导入预览' }).textContent()).toContain('1 行有错误');
    expect(await page.getByRole('button', { name: '确认导入' }).isDisabled()).toBe(true);
    expect((await readStore(ext, 'phrases')).length).toBe(before);

    const good = '\uFEFF内容,分组,标签,快捷键\n"含逗号,和""引号""",测试,"a,b",/q1\n"<b>不是HTML</b>",测试,,/q2\n';
    await input.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good, 'utf8') });
    await expect
      .poll(() => page.getByRole('region', { name: '导入预览' }).textContent())
      .toContain('2 行：2 行可导入（新增 2 条）');
    await page.getByRole('button', { name: '确认导入' }).click();
    await expect.poll(async () => (await readStore(ext, 'phrases')).length).toBe(before + 2);
    const rows = await readStore(ext, 'phrases');
    expect(rows.find((p) => p.shortcut === '/q1')).toMatchObject({ text: '含逗号,和"引号"', tags: ['a', 'b'] });
    // Rendered as text in the list, never as HTML.
    const cell = page.locator('tr', { hasText: '<b>不是HTML</b>' });
    await expect.poll(() => cell.count()).toBe(1);
    expect(await cell.locator('b').count()).toBe(0);
    await page.close();
  });

  it('exports CSV with a BOM and a Chinese header', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/options.html#phrases`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1).split(/\r?\n/)[0]).toMatch(/^内容,分组,标签,快捷键,平台/);
    expect(text).toContain('含逗号,和""引号""');
    await page.close();
  });
});
