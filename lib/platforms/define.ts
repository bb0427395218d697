/**
 * What a platform folder declares (lib/platforms/<folder>/): its sites (`site.ts`: the hosts its content script
 * watches, the demo folders) and, per platform it serves, its names, export name, import aliases and rules
 * (`platform.ts`). The registry (registry.ts) lists the folders; hosts, manifest matches, platform names, export names
 * and the default rules are derived from it. Content code imports its own folder's `site.ts` only (never the
 * registry: the content-script budget), so this module stays free of data.
 */
import type { Platform } from '../model';
import type { Localized, PlatformRules } from '../rules/types';

/** What a content script (one per folder: `lib/platforms/<folder>/content.ts`) watches. */
export interface SiteDef {
  /** The folder, the script's name and its test/fixtures/<folder> (`lab`, `pdd`, `ali`, …). */
  folder: string;
  /** Match patterns of the real workbench (the manifest's host permissions and the script's matches). */
  matches: readonly string[];
  /** Folders of the bundled simulated workbench (demo build, localhost) the script also watches. */
  demoFolders: readonly string[];
  /** A script of the demo build only (the editor lab): no real site, no fixtures. */
  demoOnly?: boolean;
}

/** One platform (a `Platform` id) as its folder declares it. */
export interface PlatformInfo {
  id: Platform;
  /** Its name in the UI, each language on its own. */
  name: Localized;
  /** The name phrase exports write in a phrase's platform column (read back through `aliases`). */
  exportName: string;
  /** Names an imported phrase file may use for it (lower case; the export name included). */
  aliases: readonly string[];
  /** Its shipped rules (lib/rules derives DEFAULT_RULES and RULES_VERSION stays there). */
  rules: PlatformRules;
  /** The demo folder (demo/<folder>/) whose page its adapter watches; undefined: no adapter (e.g. xhs). */
  demo?: string;
}

export interface PlatformDef {
  /** The content script's site; undefined for a folder that has rules but no adapter yet (xhs). */
  site?: SiteDef;
  platforms: readonly PlatformInfo[];
}

/** A platform folder's declaration (checked by the type and the convention tests). */
export function definePlatform<const T extends PlatformDef>(def: T): T {
  for (const p of def.platforms)
    if (p.rules.platform !== p.id) throw new Error(`definePlatform: ${p.id} carries the rules of ${p.rules.platform}`);
  return def;
}

export function defineSite<const T extends SiteDef>(site: T): T {
  return site;
}

export const DEMO_HOSTS = ['localhost', '127.0.0.1'] as const;

/** Is this a page of the bundled demo workbench (served on localhost, one folder per platform)? */
export function isDemoPage(url: URL, folder: string): boolean {
  return (url.hostname === 'localhost' || url.hostname === '127.0.0.1') && url.pathname.startsWith(`/${folder}/`);
}

/** A site's demo-build match patterns: its demo folders on localhost (any port). */
export function demoMatchesOf(site: SiteDef): string[] {
  return site.demoFolders.flatMap((f) => DEMO_HOSTS.map((h) => `http://${h}/${f}/*`));
}
