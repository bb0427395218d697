/** Bundles scripts/bench/seed.ts into one IIFE string (global `RSSeed`) with Vite, to run inside Chromium. */
import path from 'node:path';
import { build, type Rollup } from 'vite';
import { REPO_ROOT } from '../../test/e2e/harness';

export async function seedBundle(): Promise<string> {
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    root: REPO_ROOT,
    resolve: { alias: { '@': REPO_ROOT, '~': REPO_ROOT } },
    build: {
      write: false,
      minify: false,
      lib: { entry: path.join(REPO_ROOT, 'scripts/bench/seed.ts'), formats: ['iife'], name: 'RSSeed' },
    },
  })) as Rollup.RollupOutput[] | Rollup.RollupOutput;
  const outputs = Array.isArray(out) ? out : [out];
  const chunk = outputs.flatMap((o) => o.output).find((c) => c.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('seed bundle: no chunk');
  return chunk.code;
}
