/**
 * `npm run screenshots`: store screenshots from the demo build (playwright-core, Debian's Chromium), in both
 * languages, into store-screenshots/<zh_CN|en>/ (git-ignored): the popup beside a simulated Pinduoduo workbench with
 * buyers waiting, the settings page, analytics, the phrase palette in the workbench, and the welcome page.
 * 1280 × 800, the Chrome Web Store's size. Run `npx wxt build --mode demo` first (the npm script does).
 * (On a bare Debian, `apt-get install fonts-noto-cjk` makes the Chinese text render.)
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { putRows, seedSettings } from '../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../test/e2e/harness';
import { chinaDay } from '../lib/engine/time';

declare const demo: { buyerSays(uid: string, text?: string): string };

const OUT = path.join(REPO_ROOT, 'store-screenshots');
const SIZE = { width: 1280, height: 800 };
const LANGUAGES = ['zh_CN', 'en'] as const;

/** Thirty days of daily figures, so that the popup's period and the analytics trends have something to show. */
function history(now: number) {
  const rows = [];
  for (let d = 1; d <= 30; d++) {
    const day = chinaDay(now - d * 86_400_000);
    const fail = d % 4 === 0 ? 3 : d % 3 === 0 ? 1 : 0;
    for (const [metric, platform] of [
      ['pdd.manual3min', 'pdd'],
      ['taobao.ww3min', 'taobao'],
    ] as const)
      rows.push({
        id: `${metric}|${day}|${platform}|demo-shop`,
        metric,
        day,
        platform,
        account: 'demo-shop',
        pass: 40 + (d % 7) * 3,
        fail,
        pending: 0,
        unknown: 0,
        notAssessed: 0,
        cappedSum: 0,
        cappedCount: 0,
        updatedAt: now,
      });
  }
  return rows;
}

async function shoot(language: (typeof LANGUAGES)[number]) {
  const dir = path.join(OUT, language);
  await mkdir(dir, { recursive: true });
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const ext = await launchExtension();
  try {
    const allDay = { window: { startMin: 0, endMin: 1440 } };
    await seedSettings(ext, {
      language,
      agentName: language === 'en' ? 'Mei' : '小美',
      // Screenshots at any hour: the demo shop is assessed all day.
      ruleOverrides: { 'pdd.manual3min': allDay, 'taobao.ww3min': allDay },
    });
    await putRows(ext, 'rollups', history(Date.now()));

    // The workbench with buyers waiting, and the palette in its chat input.
    const shop = await ext.context.newPage();
    await shop.setViewportSize(SIZE);
    await shop.goto(`${server.url}/pdd/index.html?auto=0`);
    await shop.waitForTimeout(1500);
    for (const [uid, text] of [
      ['802114', '请问今天能发货吗？'],
      ['733519', '这个有优惠券吗'],
      ['915002', '尺码偏大还是偏小？'],
    ])
      await shop.evaluate(([u, x]) => demo.buyerSays(u!, x), [uid, text]);
    await shop.waitForTimeout(1500);
    await shop.locator('#replyTextarea').click();
    await shop.keyboard.press('Control+/');
    await shop.locator('[data-reply-sentinel-palette]').waitFor({ state: 'attached', timeout: 5000 });
    await shop.waitForTimeout(500);
    await shop.screenshot({ path: path.join(dir, 'palette.png') });
    await shop.keyboard.press('Escape');

    // The popup at its own width, on a plain backdrop the store's size.
    const popup = await ext.context.newPage();
    await popup.setViewportSize({ width: 400, height: 600 });
    await popup.goto(`${ext.baseUrl}/popup.html`);
    await popup.waitForTimeout(1500);
    await popup.screenshot({ path: path.join(dir, 'popup.png') });
    await popup.close();

    for (const [name, url] of [
      ['options', 'options.html'],
      ['analytics', 'analytics.html'],
      ['welcome', 'welcome.html'],
    ] as const) {
      const page = await ext.context.newPage();
      await page.setViewportSize(SIZE);
      await page.goto(`${ext.baseUrl}/${url}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForTimeout(1000);
      await page.screenshot({ path: path.join(dir, `${name}.png`) });
      await page.close();
    }
    console.log(`${language}: ${dir}`);
  } finally {
    await ext.close();
    await server.close();
  }
}

async function main() {
  for (const language of LANGUAGES) await shoot(language);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
