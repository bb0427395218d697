/**
 * Convention tests, refined-github style: every platform the registry watches has what a platform needs — its adapter
 * folder and content script, fixture pages, a demo page its adapter watches, rules with a primary metric in force,
 * and its name in both languages (locale files and the rules' labels). Adding a platform without one of them fails
 * here, with the platform's name.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, adapterFor } from '../../lib/platforms/adapters';
import { labAdapter } from '../../lib/platforms/lab';
import { SCRIPT_ADAPTERS } from '../../lib/content/main';
import { DEMO_ONLY_SCRIPTS, SCRIPT_SITES, type ScriptName } from '../../lib/hosts';
import { DEFAULT_RULES, computedMetrics } from '../../lib/rules';

const ROOT = path.resolve(__dirname, '../..');
const locale = (lang: string) =>
  JSON.parse(readFileSync(path.join(ROOT, `public/_locales/${lang}/messages.json`), 'utf8')) as Record<
    string,
    { message: string }
  >;
const ZH = locale('zh_CN');
const EN = locale('en');

const WORKBENCH = ADAPTERS.filter((a) => a !== labAdapter);
const SCRIPTS = (Object.keys(SCRIPT_SITES) as ScriptName[]).filter((s) => !DEMO_ONLY_SCRIPTS.includes(s));

/** The script (= adapter folder) each platform's adapter is in. */
async function scriptOf(platform: string): Promise<ScriptName | undefined> {
  for (const s of SCRIPTS) {
    const mod = (await import(`../../entrypoints/${s}.content.ts`)) as { default: object };
    if (SCRIPT_ADAPTERS.get(mod.default)?.some((a) => a.platform === platform)) return s;
  }
  return undefined;
}

describe.each(WORKBENCH.map((a) => [a.platform, a] as const))('platform %s', (platform, adapter) => {
  it('has its adapter folder, a content script and fixture pages', async () => {
    const script = await scriptOf(platform);
    expect(script, `${platform}: no content script carries its adapter`).toBeDefined();
    expect(existsSync(path.join(ROOT, `lib/platforms/${script}/index.ts`))).toBe(true);
    const fixtures = readdirSync(path.join(ROOT, `test/fixtures/${script}`)).filter((f) => f.endsWith('.html'));
    expect(fixtures.length, `${platform}: no fixture pages in test/fixtures/${script}`).toBeGreaterThan(0);
  });

  it('has a demo page, in its script’s demo folders, that its adapter watches', async () => {
    const script = (await scriptOf(platform))!;
    expect(SCRIPT_SITES[script].demoFolders).toContain(platform);
    expect(existsSync(path.join(ROOT, `demo/${platform}/index.html`)), `demo/${platform}/index.html`).toBe(true);
    expect(adapterFor(new URL(`http://127.0.0.1:4173/${platform}/index.html`))).toBe(adapter);
  });

  it('has rules with a primary metric in force', () => {
    const rules = DEFAULT_RULES.platforms[platform];
    expect(rules, `${platform}: no rules in lib/rules/defaults.ts`).toBeDefined();
    expect(computedMetrics(rules!).map((m) => m.key)).toContain(rules!.primary);
  });

  it('has its name in both languages', () => {
    for (const [lang, messages] of [
      ['zh_CN', ZH],
      ['en', EN],
    ] as const)
      expect(messages[`platform_${platform}`]?.message.trim(), `${lang}: platform_${platform}`).toBeTruthy();
    const label = DEFAULT_RULES.platforms[platform]!.label;
    expect(label.zh.trim() && label.en.trim()).toBeTruthy();
    expect(/[\u4e00-\u9fff]|^\d+$/.test(label.zh)).toBe(true);
  });
});
