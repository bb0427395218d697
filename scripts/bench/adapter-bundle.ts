/**
 * The platforms' adapters of a tree (`root`: this repository, or another tree's `lib/` copy for an A/B) bundled into
 * one script for a page (vite, IIFE, not minified): `window[global] = { liveOf, adapters: { pdd, … } }`. For the
 * in-page probes (live-query-probe.ts, whole-read-chromium-ab.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../test/e2e/harness';

/** Each platform's adapter: its module under lib/platforms and its export. */
const ADAPTERS = {
  pdd: ['pdd/index', 'pddAdapter'],
  douyin: ['douyin/index', 'douyinAdapter'],
  jd: ['jd/index', 'jdAdapter'],
  kuaishou: ['kuaishou/index', 'kuaishouAdapter'],
  taobao: ['ali/index', 'taobaoAdapter'],
  ali1688: ['ali/index', 'ali1688Adapter'],
} as const;

export type AdapterName = keyof typeof ADAPTERS;

/** Builds the bundle in `dir`; returns its path. */
export async function bundleAdapters(
  root: string,
  dir: string,
  global: string,
  names: readonly AdapterName[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const entry = path.join(dir, 'entry.ts');
  const p = (f: string) => JSON.stringify(path.join(root, 'lib/platforms', f));
  await writeFile(
    entry,
    names.map((n) => `import { ${ADAPTERS[n][1]} as ${n} } from ${p(ADAPTERS[n][0])};\n`).join('') +
      `import { liveOf } from ${p('types')};\n` +
      `(window as any).${global} = { liveOf, adapters: { ${names.join(', ')} } };\n`,
  );
  const { build } = (await import(
    path.join(REPO_ROOT, 'node_modules/vite/dist/node/index.js')
  )) as typeof import('vite');
  await build({
    configFile: false,
    logLevel: 'warn',
    root,
    publicDir: false,
    resolve: { alias: { '@': root, '~': root } },
    build: {
      outDir: path.join(dir, 'out'),
      emptyOutDir: true,
      minify: false,
      lib: { entry, formats: ['iife'], name: `${global}Lib`, fileName: () => 'probe.js' },
    },
  });
  return path.join(dir, 'out', 'probe.js');
}
