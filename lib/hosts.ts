/**
 * The only sites the extension may touch, by content script: one script per adapter module
 * (`entrypoints/<script>.content.ts`), so a workbench tab loads its own platform's adapter only. `demoFolders`: the
 * folders of the bundled simulated workbench (localhost, demo build only) that the script also watches. Kept in one
 * place; tests assert the built manifests and the entrypoints against it.
 */
export const SCRIPT_SITES = {
  pdd: { matches: ['https://mms.pinduoduo.com/*'], demoFolders: ['pdd'] },
  douyin: { matches: ['https://im.jinritemai.com/*'], demoFolders: ['douyin'] },
  ali: {
    matches: ['https://air.1688.com/*', 'https://air.taobao.com/*', 'https://web.wangwang.taobao.com/*'],
    demoFolders: ['ali1688', 'taobao'],
  },
  jd: { matches: ['https://dongdong.jd.com/*'], demoFolders: ['jd'] },
  kuaishou: { matches: ['https://im.kwaixiaodian.com/*'], demoFolders: ['kuaishou'] },
  /** The editor lab (test/editor-pages): demo build only, no real site. */
  lab: { matches: [], demoFolders: ['editors'] },
} as const satisfies Record<string, { matches: readonly string[]; demoFolders: readonly string[] }>;

export type ScriptName = keyof typeof SCRIPT_SITES;

/** The script a built content-script file is (`content-scripts/pdd.js` → `pdd`); undefined for any other file. */
export function scriptOfFile(file: string | undefined): ScriptName | undefined {
  const name = /^content-scripts\/(\w+)\.js$/.exec(file ?? '')?.[1];
  return name !== undefined && Object.hasOwn(SCRIPT_SITES, name) ? (name as ScriptName) : undefined;
}
/** Scripts that exist only in the demo build. */
export const DEMO_ONLY_SCRIPTS: readonly ScriptName[] = ['lab'];

export const WORKBENCH_MATCHES: readonly string[] = Object.values(SCRIPT_SITES).flatMap((s) => s.matches);

const DEMO_HOSTS = ['localhost', '127.0.0.1'] as const;
/** The bundled simulated workbench (demo build only): its host permissions. */
export const DEMO_MATCHES = DEMO_HOSTS.map((h) => `http://${h}/*`);
/** A demo-build script's extra match patterns: its demo folders on localhost (any port). */
export function demoMatches(script: ScriptName): string[] {
  return SCRIPT_SITES[script].demoFolders.flatMap((f) => DEMO_HOSTS.map((h) => `http://${h}/${f}/*`));
}

/** Is this a page of the bundled demo workbench (served on localhost, one folder per platform)? */
export function isDemoPage(url: URL, folder: string): boolean {
  return (url.hostname === 'localhost' || url.hostname === '127.0.0.1') && url.pathname.startsWith(`/${folder}/`);
}
