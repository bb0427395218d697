/**
 * Convention tests, refined-github style: every platform the registry (lib/platforms/registry.ts) declares has what a
 * platform needs — its folder, its content script carrying its adapter, fixture pages, a demo page its adapter
 * watches, rules with a primary metric in force, names and an export name in both languages, and hosts a content
 * script covers. Adding a platform without one of them fails here, with the platform's name.
 */
import { catalogTranslate } from '../../lib/i18n';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCRIPT_ADAPTERS } from '../../lib/content/main';
import { PLATFORMS } from '../../lib/model';
import { ADAPTERS, adapterFor } from '../../lib/platforms/adapters';
import { labAdapter } from '../../lib/platforms/lab';
import { PLATFORM_DEFS, PLATFORM_INFOS, SITES, fixtureDir, platformName, siteOf } from '../../lib/platforms/registry';
import { parseImport } from '../../lib/phrases/formats';
import { exportPhrases } from '../../lib/phrases/export';
import { DEMO_ONLY_SCRIPTS, SCRIPT_SITES, WORKBENCH_MATCHES } from '../../lib/hosts';
import { DEFAULT_RULES, computedMetrics } from '../../lib/rules';
import type { Adapter } from '../../lib/platforms/types';

const ROOT = path.resolve(__dirname, '../..');
const locale = (lang: string) =>
  JSON.parse(readFileSync(path.join(ROOT, `lib/locales/${lang}/ui.json`), 'utf8')) as Record<string, string>;
const ZH = locale('zh_CN');
const EN = locale('en');

/** The adapters the built content script of `folder` carries. */
async function scriptAdapters(folder: string): Promise<readonly Adapter[]> {
  const mod = (await import(`../../lib/platforms/${folder}/content.ts`)) as { default: object };
  return SCRIPT_ADAPTERS.get(mod.default) ?? [];
}

/** Platforms with an adapter (a site): the workbenches. */
const WATCHED = PLATFORM_INFOS.filter((p) => siteOf(p.id));

describe('the registry', () => {
  it('declares every platform of the model once, and nothing else', () => {
    expect(PLATFORM_INFOS.map((p) => p.id).sort()).toEqual([...PLATFORMS].sort());
  });

  it('gives every folder with a site its content script, its adapters in the derived list (lib/platforms/adapters.ts)', async () => {
    for (const site of SITES) {
      expect(existsSync(path.join(ROOT, `lib/platforms/${site.folder}/index.ts`)), site.folder).toBe(true);
      expect(existsSync(path.join(ROOT, `lib/platforms/${site.folder}/content.ts`)), site.folder).toBe(true);
      const carried = await scriptAdapters(site.folder);
      expect(carried.length, `${site.folder}: its script carries no adapter`).toBeGreaterThan(0);
      for (const a of carried) expect(ADAPTERS).toContain(a);
    }
    // Every listed adapter is carried by some script.
    const all = (await Promise.all(SITES.map((s) => scriptAdapters(s.folder)))).flat();
    for (const a of ADAPTERS) expect(all).toContain(a);
  });

  it('derives the hosts from the sites: each real site covered by a content script, the demo-only ones by none', () => {
    expect(WORKBENCH_MATCHES).toEqual(SITES.flatMap((s) => s.matches));
    for (const s of SITES) {
      expect(SCRIPT_SITES[s.folder].matches).toEqual(s.matches);
      expect(s.demoOnly ? s.matches : DEMO_ONLY_SCRIPTS).not.toContain(s.folder);
      if (!s.demoOnly) expect(s.matches.length, s.folder).toBeGreaterThan(0);
      for (const m of s.matches) expect(m, s.folder).toMatch(/^https:\/\/[a-z0-9.-]+\/\*$/);
    }
    expect(DEMO_ONLY_SCRIPTS).toEqual(['lab']);
  });

  it('rejects a folder whose rules are another platform’s', async () => {
    const { definePlatform } = await import('../../lib/platforms/define');
    const pdd = PLATFORM_INFOS.find((p) => p.id === 'pdd')!;
    expect(() => definePlatform({ platforms: [{ ...pdd, id: 'jd' }] })).toThrow(/jd carries the rules of pdd/);
  });

  it('names platforms in one language at a time, and shows an unknown id as it is', () => {
    expect(platformName('pdd', 'zh_CN')).toBe('拼多多');
    expect(platformName('pdd', 'en')).toBe('Pinduoduo');
    expect(platformName('taobao', 'zh')).toBe('淘宝/天猫');
    expect(platformName('weidian', 'en')).toBe('weidian');
  });

  it('keeps the folder of each declaration unique', () => {
    const folders = PLATFORM_DEFS.flatMap((d) => (d.site ? [d.site.folder] : []));
    expect(new Set(folders).size).toBe(folders.length);
  });
});

describe.each(PLATFORM_INFOS.map((p) => [p.id, p] as const))('platform %s', (platform, info) => {
  it('has rules with a primary metric in force, in the default rules', () => {
    const rules = DEFAULT_RULES.platforms[platform];
    expect(rules, `${platform}: no rules in its folder's rules.ts`).toBe(info.rules);
    expect(computedMetrics(rules).map((m) => m.key)).toContain(rules.primary);
    for (const m of rules.metrics) expect(m.platform, m.key).toBe(platform);
  });

  it('has its name in both languages, Chinese and English apart', () => {
    expect(info.name.zh.trim() && info.name.en.trim(), platform).toBeTruthy();
    expect(/[\u4e00-\u9fff]|^\d+$/.test(info.name.zh), `${platform}: zh name ${info.name.zh}`).toBe(true);
    expect(/[\u4e00-\u9fff]/.test(info.name.en), `${platform}: en name ${info.name.en}`).toBe(false);
    const label = info.rules.label;
    expect(label.zh.trim() && label.en.trim()).toBeTruthy();
    expect(/[\u4e00-\u9fff]|^\d+$/.test(label.zh)).toBe(true);
  });

  it('is named by the translators as the registry names it, and by no locale file (one place per name)', () => {
    expect(catalogTranslate('zh_CN')(`platform_${platform}`)).toBe(info.name.zh);
    expect(catalogTranslate('en')(`platform_${platform}`)).toBe(info.name.en);
    expect(ZH[`platform_${platform}`]).toBeUndefined();
    expect(EN[`platform_${platform}`]).toBeUndefined();
  });

  it('exports under a name an import reads back as the same platform', () => {
    expect(info.aliases).toContain(info.exportName);
    const file = exportPhrases([{ text: '您好', group: '默认', tags: [], platforms: [platform] }], 'csv', {});
    expect(file.text).toContain(info.exportName);
    const back = parseImport(
      { name: file.name, bytes: new TextEncoder().encode(file.text) },
      catalogTranslate('zh_CN'),
    );
    expect(back.rows[0]?.draft?.platforms).toEqual([platform]);
  });
});

describe.each(WATCHED.map((p) => [p.id, p] as const))('watched platform %s', (platform, info) => {
  const site = siteOf(platform)!;

  it('has its content script carrying its adapter, and fixture pages', async () => {
    const carried = await scriptAdapters(site.folder);
    expect(
      carried.some((a) => a.platform === platform),
      `${platform}: not in lib/platforms/${site.folder}/content.ts`,
    ).toBe(true);
    const dir = fixtureDir(platform)!;
    expect(dir).toBe(`test/fixtures/${site.folder}`);
    const fixtures = readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.html'));
    expect(fixtures.length, `${platform}: no fixture pages in ${dir}`).toBeGreaterThan(0);
  });

  it('has a demo page, in its site’s demo folders, that its adapter watches', () => {
    expect(info.demo).toBe(platform);
    expect(site.demoFolders).toContain(info.demo);
    expect(existsSync(path.join(ROOT, `demo/${platform}/index.html`)), `demo/${platform}/index.html`).toBe(true);
    const adapter = adapterFor(new URL(`http://127.0.0.1:4173/${platform}/index.html`));
    expect(adapter?.platform).toBe(platform);
    expect(adapter).not.toBe(labAdapter);
  });
});
