/**
 * One content script per adapter module (lib/hosts.ts SCRIPT_SITES, lib/platforms/<script>/content.ts): every adapter
 * of the registry is in exactly one script, a script's demo folders are its own adapters' pages, and no script pulls
 * in the registry (which imports every adapter, and would put them all back into every tab).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../lib/platforms/adapters';
import type { Adapter } from '../../lib/platforms/types';
import { SCRIPT_ADAPTERS } from '../../lib/content/main';
import { SCRIPT_SITES, WORKBENCH_MATCHES, contentScriptFile, type ScriptName } from '../../lib/hosts';

const ROOT = path.resolve(__dirname, '../..');
const NAMES = Object.keys(SCRIPT_SITES) as ScriptName[];

async function load(name: ScriptName): Promise<{ matches: string[]; adapters: readonly Adapter[] }> {
  const mod = (await import(`../../lib/platforms/${name}/content.ts`)) as { default: { matches: string[] } };
  return { matches: mod.default.matches, adapters: SCRIPT_ADAPTERS.get(mod.default) ?? [] };
}

describe('content scripts, one per platform module', () => {
  it('the scripts are exactly the content.ts of the folders of SCRIPT_SITES, none in entrypoints/', () => {
    // wxt.config.ts adds each registered folder's content.ts; a file in entrypoints/ would be a second script.
    expect(readdirSync(path.join(ROOT, 'entrypoints')).filter((f) => /\.content\.[jt]sx?$/.test(f))).toEqual([]);
    for (const n of NAMES) expect(contentScriptFile(n)).toBe(`lib/platforms/${n}/content.ts`);
    const folders = readdirSync(path.join(ROOT, 'lib/platforms'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(ROOT, 'lib/platforms', d.name, 'content.ts')))
      .map((d) => d.name);
    expect(folders.sort()).toEqual([...NAMES].sort());
  });

  it.each(NAMES)('%s: its matches are its sites, and its adapters watch its demo pages and no other', async (name) => {
    const { matches, adapters } = await load(name);
    expect(matches).toEqual(SCRIPT_SITES[name].matches);
    expect(adapters.length).toBeGreaterThan(0);
    for (const other of NAMES) {
      for (const folder of SCRIPT_SITES[other].demoFolders) {
        const url = new URL(`http://127.0.0.1:4173/${folder}/index.html`);
        expect(
          adapters.some((a) => a.matches(url)),
          `${name} on /${folder}/`,
        ).toBe(other === name);
      }
    }
  });

  it('every adapter of the registry is in exactly one script', async () => {
    const all = (await Promise.all(NAMES.map(load))).flatMap((s) => s.adapters);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(ADAPTERS));
  });

  it('every real site belongs to one script', () => {
    const sites = NAMES.flatMap((n) => SCRIPT_SITES[n].matches);
    expect(new Set(sites).size).toBe(sites.length);
    expect([...sites].sort()).toEqual([...WORKBENCH_MATCHES].sort());
  });

  it('no content-script source imports the registry of all adapters', () => {
    const sources = [
      ...NAMES.map(contentScriptFile),
      ...readdirSync(path.join(ROOT, 'lib/content')).map((f) => `lib/content/${f}`),
    ];
    for (const f of sources) expect(readFileSync(path.join(ROOT, f), 'utf8'), f).not.toMatch(/adapters\/registry/);
  });
});
