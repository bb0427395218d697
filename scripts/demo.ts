/**
 * `npm run demo`: builds the demo extension, serves the simulated workbenches on localhost, and opens Chromium
 * with the extension on the Pinduoduo workbench, where scripted buyers start asking.
 *
 * - With a display (DISPLAY/WAYLAND_DISPLAY set): a real window; runs until you close the browser or press Ctrl-C.
 * - Without one (servers, CI): headless for DEMO_SECONDS (default 40) and prints what the toolbar badge shows every
 *   few seconds, then saves a screenshot to demo-output/.
 * Set DEMO_HEADLESS=1 to force headless.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, launchExtension, startStaticServer } from '../test/e2e/harness';

declare const chrome: { action: { getTitle(d: object): Promise<string> } };

const headed = !process.env.DEMO_HEADLESS && !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const seconds = Number(process.env.DEMO_SECONDS ?? 40);

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const ext = await launchExtension({ headed });
  const page = await ext.context.newPage();
  const url = `${server.url}/pdd/index.html`;
  await page.goto(url);
  console.log(`响应哨兵 demo · Reply Sentinel demo\n  workbench: ${url}\n  other pages: ${server.url}/\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await ext.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));

  if (headed) {
    console.log(
      'Chromium is open: watch the toolbar icon (pin the extension). Close the browser or press Ctrl-C to stop.',
    );
    await new Promise<void>((resolve) => ext.context.on('close', () => resolve()));
    await stop();
    return;
  }

  // Headless: let the scripted buyers talk, and show what an agent would see on the toolbar.
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 4000));
    const badge = await ext.badge();
    const sw = await ext.serviceWorker();
    const title = (await sw.evaluate(() => chrome.action.getTitle({}))).split('\n').slice(1).join(' ');
    const now = new Date().toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
    console.log(`[${now}] badge ${JSON.stringify(badge.text).padEnd(8)} ${title}`);
  }
  const outDir = path.join(REPO_ROOT, 'demo-output');
  await mkdir(outDir, { recursive: true });
  const shot = path.join(outDir, 'pdd-workbench.png');
  await page.screenshot({ path: shot });
  console.log(`\nScreenshot: ${path.relative(process.cwd(), shot)}`);
  await stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
