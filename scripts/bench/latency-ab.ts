/**
 * Latency of two demo builds side by side (a diagnostic for a change to the intake path, not a goal): rounds of
 * `--samples` latency samples (scripts/bench/latency.ts) on the demo workbench, alternating the builds A and B in
 * each round, each in a fresh browser; then each build's samples pooled (the total, its two parts — DOM → events
 * request at the worker, worker → badge set — and the floor). Alternating rounds share the machine's load, so the
 * two distributions compare where two separate runs would not.
 *
 *   npx jiti scripts/bench/latency-ab.ts --a=DIR --b=DIR [--rounds=4] [--samples=100] [--url=/pdd/index.html?auto=0]
 *     [--raw=FILE: every pooled sample as JSON] [--css-a=CSS] [--css-b=CSS: a style added to that build's page
 *     once it has loaded, e.g. the same build twice with the page's rendering made cheaper in B]
 *
 * The large workbench (a 10 000-message thread): --url='/pdd/large.html?rows=1000&messages=10000&rate=0' (each round
 * first waits until the page's history is stored).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { seedSettings } from '../../test/e2e/db';
import { REPO_ROOT, launchExtension, startStaticServer } from '../../test/e2e/harness';
import { argOrEnv } from './args';
import { ALL_DAY_PDD, cleanupTemps, extensionCopy, untilHistoryStored } from './browser';
import { installProbes, measureLatency } from './latency';
import { sleep, summarize } from './stats';

async function samplesOf(dir: string, url: string, n: number, css = '') {
  const ext = await launchExtension({ extensionDir: dir });
  try {
    await seedSettings(ext, ALL_DAY_PDD);
    await installProbes(await ext.serviceWorker()); // before the page: its link port is seen
    const page = await ext.context.newPage();
    await page.goto(url, { timeout: 120_000 });
    if (css) await page.addStyleTag({ content: css });
    await sleep(3000);
    await untilHistoryStored(ext);
    const buyer = await page.evaluate(
      () => (window as unknown as { demo: { openUid?: string } }).demo.openUid ?? '802114',
    );
    return await measureLatency({ ext, page, buyer, account: '演示旗舰店', samples: n, keepRaw: true });
  } finally {
    await ext.close();
  }
}

async function main() {
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const dirs = { A: await extensionCopy(argOrEnv('a', '')), B: await extensionCopy(argOrEnv('b', '')) };
  const url = `${server.url}${argOrEnv('url', '/pdd/index.html?auto=0')}`;
  const pooled = {
    A: { total: [] as number[], toWorker: [] as number[], worker: [] as number[], floor: [] as number[] },
    B: { total: [] as number[], toWorker: [] as number[], worker: [] as number[], floor: [] as number[] },
  };
  try {
    for (let r = 0; r < Number(argOrEnv('rounds', '4')); r++) {
      for (const k of r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
        const s = await samplesOf(
          dirs[k],
          url,
          Number(argOrEnv('samples', '100')),
          argOrEnv(`css-${k.toLowerCase()}`, ''),
        );
        if (s.failures.length) throw new Error(`${k}: ${s.failures.join('; ')}`);
        console.error(`round ${r + 1} ${k}: p50 ${s.totalMs?.p50} p95 ${s.totalMs?.p95}`);
        pooled[k].total.push(...(s.raw?.total ?? []));
        pooled[k].toWorker.push(...(s.raw?.toWorker ?? []));
        pooled[k].worker.push(...(s.raw?.worker ?? []));
        pooled[k].floor.push(...(s.raw?.floor ?? []));
      }
    }
    const out = Object.fromEntries(
      Object.entries(pooled).map(([k, v]) => [
        k,
        {
          totalMs: summarize(v.total),
          domToWorkerMs: summarize(v.toWorker),
          workerToBadgeMs: summarize(v.worker),
          floorMs: summarize(v.floor),
        },
      ]),
    );
    console.log(JSON.stringify(out, null, 1));
    // Every sample, for pooling several runs (`--raw=FILE`).
    if (argOrEnv('raw', '')) writeFileSync(argOrEnv('raw', ''), JSON.stringify(pooled));
  } finally {
    await server.close();
    await cleanupTemps();
  }
}

void main();
