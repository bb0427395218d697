/**
 * Every platform folder, in one list: adding a platform is its folder (lib/platforms/<folder>/: site.ts,
 * platform.ts, rules.ts, its adapter in index.ts, sources.ts, content.ts), its line here and its id in PLATFORMS
 * (lib/model; docs/adding-a-platform.md). The content scripts (wxt.config.ts) and the adapter list are derived too. Hosts and manifest
 * matches (lib/hosts.ts), platform names, export names and import aliases, and the default rules (lib/rules) are
 * derived from it. Never imported by content code (it holds every platform's rules and names): a content script
 * imports its own folder's site.ts.
 */
import type { Platform } from '../model';
import type { PlatformDef, PlatformInfo, SiteDef } from './define';
import ali from './ali/platform';
import douyin from './douyin/platform';
import jd from './jd/platform';
import kuaishou from './kuaishou/platform';
import lab from './lab/platform';
import pdd from './pdd/platform';
import xhs from './xhs/platform';

/** The order here is the order of the default rules (and of the sites in the manifest). */
const DEFS = [ali, pdd, douyin, jd, kuaishou, xhs, lab] as const;
export const PLATFORM_DEFS: readonly PlatformDef[] = DEFS;

/** A content script's name: its folder (`lib/platforms/<folder>/content.ts`, built as `content-scripts/<folder>.js`). */
export type ScriptName = Extract<(typeof DEFS)[number], { site: SiteDef }>['site']['folder'];

/** Every platform, in registry order. */
export const PLATFORM_INFOS: readonly PlatformInfo[] = PLATFORM_DEFS.flatMap((d) => d.platforms);

/** Every content script's site (one per folder that has an adapter). */
export const SITES = PLATFORM_DEFS.flatMap((d) => (d.site ? [d.site] : [])) as readonly (SiteDef & {
  folder: ScriptName;
})[];

const BY_ID = new Map<Platform, PlatformInfo>(PLATFORM_INFOS.map((p) => [p.id, p]));

export function platformInfo(id: Platform): PlatformInfo {
  const p = BY_ID.get(id);
  if (!p) throw new Error(`no platform ${id} in lib/platforms/registry.ts`);
  return p;
}

/** The UI language a name is wanted in: Chinese (`zh`, `zh_CN`, …) or English (anything else). */
export type NameLang = 'zh' | 'en' | 'zh_CN';

/** A platform's name in one language; an unknown id (old stored data) is shown as it is. */
export function platformName(id: Platform | string, lang: NameLang | string): string {
  const p = BY_ID.get(id as Platform);
  if (!p) return id;
  return lang.startsWith('zh') ? p.name.zh : p.name.en;
}

/** The site whose content script serves `id` (undefined: no adapter yet). */
export function siteOf(id: Platform): SiteDef | undefined {
  return PLATFORM_DEFS.find((d) => d.platforms.some((p) => p.id === id))?.site;
}

/** Where a platform's saved workbench pages are (relative to the repository): its folder's, `test/fixtures/<folder>`. */
export function fixtureDir(id: Platform): string | undefined {
  const site = siteOf(id);
  return site && !site.demoOnly ? `test/fixtures/${site.folder}` : undefined;
}
