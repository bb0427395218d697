/**
 * The only sites the extension may touch, by content script: one script per platform folder
 * (`lib/platforms/<script>/content.ts`, its `site.ts`; wxt.config.ts builds each registered folder's), so a
 * workbench tab loads its own platform's adapter only. `demoFolders`: the folders of the bundled simulated workbench
 * (localhost, demo build only) that the script also watches. Derived from the registry (lib/platforms/registry.ts); tests assert the built manifests and
 * the entrypoints against it. Not for content code (it imports its own site.ts).
 */
import { DEMO_HOSTS, demoMatchesOf, isDemoPage } from './platforms/define';
import { SITES, type ScriptName } from './platforms/registry';

export type { ScriptName };
export { isDemoPage };

export const SCRIPT_SITES = Object.fromEntries(
  SITES.map((s) => [s.folder, { matches: s.matches, demoFolders: s.demoFolders }]),
) as Readonly<Record<ScriptName, { matches: readonly string[]; demoFolders: readonly string[] }>>;

/** The script a built content-script file is (`content-scripts/pdd.js` → `pdd`); undefined for any other file. */
export function scriptOfFile(file: string | undefined): ScriptName | undefined {
  const name = /^content-scripts\/(\w+)\.js$/.exec(file ?? '')?.[1];
  return name !== undefined && Object.hasOwn(SCRIPT_SITES, name) ? (name as ScriptName) : undefined;
}
/** A script's source, relative to the repository: its folder's content.ts (wxt.config.ts adds it as an entrypoint). */
export function contentScriptFile(script: ScriptName): string {
  return `lib/platforms/${script}/content.ts`;
}

/** Scripts that exist only in the demo build. */
export const DEMO_ONLY_SCRIPTS: readonly ScriptName[] = SITES.filter((s) => s.demoOnly).map((s) => s.folder);

export const WORKBENCH_MATCHES: readonly string[] = SITES.flatMap((s) => s.matches);

/** The bundled simulated workbench (demo build only): its host permissions. */
export const DEMO_MATCHES = DEMO_HOSTS.map((h) => `http://${h}/*`);
/** A demo-build script's extra match patterns: its demo folders on localhost (any port). */
export function demoMatches(script: ScriptName): string[] {
  return demoMatchesOf(SITES.find((s) => s.folder === script)!);
}
