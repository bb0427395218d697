/**
 * Where the service worker's time goes during latency samples (a diagnostic, not a goal): runs the latency
 * section's samples on the demo workbench while a V8 CPU profile of the service worker records (CDP over the
 * browser's remote-debugging port), then attributes the worker's busy time by function of background.js.
 * Busy time per sample below the sample's worker part is time spent waiting (IndexedDB, the badge API).
 *
 * Node 20 needs its WebSocket switched on: NODE_OPTIONS=--experimental-websocket npx jiti scripts/bench/profile-worker.ts [--samples=200] [--url=/pdd/index.html?auto=0] [--ext=DIR]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { argOrEnv } from './args';
import { ALL_DAY_PDD, cleanupTemps, extensionCopy, untilHistoryStored } from './browser';
import { attribute, selfTimes, type CpuProfile } from './cpu';
import { installProbes, measureLatency } from './latency';
import { sleep } from './stats';
import { cdpClient } from './cdp';

const SAMPLES = Number(argOrEnv('samples', '200'));
const PORT = 9339;

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const dir = argOrEnv('ext', '') || (await extensionCopy());
  const ext = await launchExtension({ extensionDir: dir, args: [`--remote-debugging-port=${PORT}`] });
  try {
    await seedSettings(ext, ALL_DAY_PDD);
    await installProbes(await ext.serviceWorker()); // before the page: its link port is seen
    const page = await ext.context.newPage();
    await page.goto(`${server.url}${argOrEnv('url', '/pdd/index.html?auto=0')}`, { timeout: 120_000 });
    await sleep(5000);
    // The large workbench stores its history first: samples measure live messages only.
    await untilHistoryStored(ext);
    const targets = (await (await fetch(`http://127.0.0.1:${PORT}/json/list`)).json()) as {
      type: string;
      url: string;
      webSocketDebuggerUrl: string;
    }[];
    const sw = targets.find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
    if (!sw) throw new Error(`no service worker target: ${JSON.stringify(targets.map((t) => [t.type, t.url]))}`);
    const cdp = cdpClient(sw.webSocketDebuggerUrl);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: Number(argOrEnv('interval', '100')) });
    await cdp.send('Profiler.start');
    const buyer = await page.evaluate(
      () => (window as unknown as { demo: { openUid?: string } }).demo.openUid ?? '802114',
    );
    const r = await measureLatency({ ext, page, buyer, account: '演示旗舰店', samples: SAMPLES });
    const { profile } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
    cdp.close();
    const a = attribute(profile, (u) => u.includes('background'), 45);
    if (argOrEnv('save', '')) writeFileSync(argOrEnv('save', ''), JSON.stringify(profile));
    const self = selfTimes(profile);
    const per = (ms: number) => +(ms / Math.max(1, r.samples)).toFixed(3);
    console.log(
      JSON.stringify(
        {
          samples: r.samples,
          failures: r.failures,
          totalMs: r.totalMs,
          workerToBadgeMs: r.workerToBadgeMs,
          floorMs: r.floorMs,
          perSampleMs: {
            busy: per(a.busyMs),
            background: per(a.matchedMs),
            gc: per(a.gcMs),
            program: per(a.programMs),
          },
          selfPerSampleMs: Object.fromEntries(
            [...self]
              .sort((x, y) => y[1] - x[1])
              .slice(0, 40)
              .map(([k, v]) => [k, per(v)]),
          ),
          byFunctionPerSampleMs: Object.fromEntries(Object.entries(a.byFunction).map(([k, v]) => [k, per(v)])),
        },
        null,
        1,
      ),
    );
  } finally {
    await ext.close();
    await server.close();
    await cleanupTemps();
  }
}

void main();
