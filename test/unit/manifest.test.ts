/**
 * The manifest wxt.config.ts asks for (the built manifests are checked against the same list in
 * test/e2e/manifest.e2e.ts). Nothing in entrypoints/, lib/ or components/ uses chrome.storage, so no `storage`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../wxt.config';
import { DEMO_MATCHES, WORKBENCH_MATCHES } from '../../lib/hosts';

/**
 * The permissions the extension needs, exactly (alarms: the one wake-up; notifications; offscreen: the alert
 * sounds, played by an offscreen document because a service worker has no audio; IndexedDB quota).
 */
const PERMISSIONS = ['alarms', 'notifications', 'offscreen', 'unlimitedStorage'];

type ManifestFn = (env: { mode: string }) => { permissions?: string[]; host_permissions?: string[] };

describe('wxt.config.ts manifest', () => {
  const manifest = config.manifest as unknown as ManifestFn;

  it.each(['production', 'demo'])(
    '%s: permissions are exactly alarms, notifications, offscreen, unlimitedStorage',
    (mode) => {
      const m = manifest({ mode });
      expect([...(m.permissions ?? [])].sort()).toEqual([...PERMISSIONS].sort());
      expect([...(m.host_permissions ?? [])].sort()).toEqual(
        (mode === 'demo' ? [...WORKBENCH_MATCHES, ...DEMO_MATCHES] : [...WORKBENCH_MATCHES]).sort(),
      );
    },
  );

  it('no source uses extension storage (chrome.storage, browser.storage or WXT storage): it needs no permission', () => {
    const root = path.resolve(__dirname, '../..');
    const files = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : /\.(ts|tsx)$/.test(e.name) ? [path.join(dir, e.name)] : [],
      );
    const users = ['entrypoints', 'lib', 'components']
      .flatMap(files)
      .filter((f) =>
        /\b(chrome|browser)\.storage\b|wxt\/(utils\/)?storage|@wxt-dev\/storage|(^|[^\w.])storage\.(get|set|define|watch|remove)/m.test(
          readFileSync(path.join(root, f), 'utf8'),
        ),
      );
    expect(users).toEqual([]);
  });
});
