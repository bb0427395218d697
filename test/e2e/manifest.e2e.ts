/**
 * The built manifests (no browser). Lives with the e2e tests because it needs `npm run build:all` first,
 * which `npm run test:e2e` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEMO_MATCHES,
  DEMO_ONLY_SCRIPTS,
  SCRIPT_SITES,
  WORKBENCH_MATCHES,
  demoMatches,
  scriptOfFile,
  type ScriptName,
} from '../../lib/hosts';
import { DEMO_EXTENSION_DIR, PROD_EXTENSION_DIR } from './harness';
import { SYNC_OPTIONAL_HOSTS } from '../../lib/sync/config';

/** Exactly these (no `storage`: nothing uses chrome.storage; test/unit/manifest.test.ts checks the sources). */
const PERMISSIONS = ['alarms', 'notifications', 'offscreen', 'unlimitedStorage'];

type Manifest = {
  manifest_version: number;
  permissions?: string[];
  optional_permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: { matches?: string[]; js?: string[]; all_frames?: boolean }[];
  icons?: Record<string, string>;
  [key: string]: unknown;
};

function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file))
    throw new Error(`${path.relative(process.cwd(), file)} is missing: run npm run build:all first`);
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** Every demo-only pattern: the demo hosts, and each script's demo folders on them. */
const DEMO_PATTERNS: readonly unknown[] = [
  ...DEMO_MATCHES,
  ...(Object.keys(SCRIPT_SITES) as ScriptName[]).flatMap((s) => demoMatches(s)),
];
const scriptOf = (cs: { js?: string[] }) => scriptOfFile(cs.js?.[0]) as ScriptName;

/** The manifest with the demo patterns and the demo-only content scripts removed. */
function withoutDemoMatches(value: unknown): unknown {
  if (Array.isArray(value))
    return value
      .filter((v) => !DEMO_PATTERNS.includes(v))
      .filter((v) => !(v && typeof v === 'object' && 'js' in v && DEMO_ONLY_SCRIPTS.includes(scriptOf(v))))
      .map(withoutDemoMatches);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutDemoMatches(v)]));
  return value;
}

const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort();

describe('built manifests', () => {
  const prod = readManifest(PROD_EXTENSION_DIR);
  const demo = readManifest(DEMO_EXTENSION_DIR);

  it('production: host permissions are exactly WORKBENCH_MATCHES', () => {
    expect(sorted(prod.host_permissions)).toEqual(sorted(WORKBENCH_MATCHES));
    // Team sync's server is granted at runtime only (optional), never at install.
    expect(sorted(prod.optional_host_permissions)).toEqual(sorted(SYNC_OPTIONAL_HOSTS));
  });

  it('production: no <all_urls>, no localhost, nothing outside the workbench sites', () => {
    const text = JSON.stringify(prod);
    expect(text).not.toContain('<all_urls>');
    expect(text).not.toContain('http://localhost');
    expect(text).not.toContain('127.0.0.1');
    for (const cs of prod.content_scripts ?? []) {
      for (const m of cs.matches ?? []) expect(WORKBENCH_MATCHES).toContain(m);
    }
  });

  it('production: one content script per platform module, on exactly its own sites', () => {
    const scripts = (Object.keys(SCRIPT_SITES) as ScriptName[]).filter((s) => !DEMO_ONLY_SCRIPTS.includes(s));
    expect((prod.content_scripts ?? []).map(scriptOf).sort()).toEqual([...scripts].sort());
    for (const cs of prod.content_scripts ?? []) {
      expect(cs.js).toHaveLength(1);
      expect(sorted(cs.matches)).toEqual(sorted(SCRIPT_SITES[scriptOf(cs)].matches));
      expect(cs.all_frames).toBe(true);
    }
    // Every site has exactly one script.
    const all = (prod.content_scripts ?? []).flatMap((cs) => cs.matches ?? []);
    expect(sorted(all)).toEqual(sorted(WORKBENCH_MATCHES));
  });

  it.each([
    ['production', prod],
    ['demo', demo],
  ])('%s: permissions are exactly {alarms, notifications, offscreen, unlimitedStorage}, no <all_urls>', (_name, m) => {
    expect(sorted(m.permissions)).toEqual(sorted(PERMISSIONS));
    expect(m.optional_permissions ?? []).toEqual([]);
    expect(JSON.stringify(m)).not.toContain('<all_urls>');
  });

  it('demo: adds DEMO_MATCHES and nothing else', () => {
    expect(sorted(demo.host_permissions)).toEqual(sorted([...WORKBENCH_MATCHES, ...DEMO_MATCHES]));
    // Each script also watches its own demo folders, and no other page of the demo server.
    for (const cs of demo.content_scripts ?? []) {
      const script = scriptOf(cs);
      expect(sorted(cs.matches)).toEqual(sorted([...SCRIPT_SITES[script].matches, ...demoMatches(script)]));
    }
    expect((demo.content_scripts ?? []).map(scriptOf)).toEqual(expect.arrayContaining([...DEMO_ONLY_SCRIPTS]));
    // Strip the demo patterns and the two manifests must be identical.
    expect(withoutDemoMatches(demo)).toEqual(prod);
  });

  it.each([
    ['production', prod, PROD_EXTENSION_DIR],
    ['demo', demo, DEMO_EXTENSION_DIR],
  ])('%s: MV3 with icons 16/32/48/128 that exist', (_name, m, dir) => {
    expect(m.manifest_version).toBe(3);
    expect(Object.keys(m.icons ?? {}).sort()).toEqual(['128', '16', '32', '48']);
    for (const file of Object.values(m.icons ?? {})) expect(existsSync(path.join(dir, file)), file).toBe(true);
  });
});
