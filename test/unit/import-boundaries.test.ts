/**
 * The import boundaries of eslint.config.js, checked by linting code that crosses them at the real paths (a renamed
 * file or a glob that no longer matches would otherwise switch a boundary off without a sound): content scripts
 * never open Dexie, carry no background code, no protocol schemas and not the registry of all adapters, and take no
 * type from lib/db (row types: lib/model); the engine imports nothing from the database (not even types), the
 * background or the UI; the UI talks to the background through messages.
 */
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCRIPT_SITES } from '../../lib/hosts';

const ROOT = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

const CONTENT_FILES = [
  ...Object.keys(SCRIPT_SITES).map((s) => `lib/platforms/${s}/content.ts`),
  'lib/content/main.ts',
  'lib/content/watcher.ts',
  'lib/platforms/pdd/index.ts',
  'lib/platforms/pdd/site.ts',
  'lib/platforms/ali/index.ts',
  'lib/messages.ts',
];

describe('import boundaries (eslint.config.js)', () => {
  it.each(CONTENT_FILES)(
    '%s: no Dexie, database, background, schemas, registry (of adapters, rules, names or hosts) or sync',
    async (file) => {
      const dir = path.dirname(file);
      const rel = (p: string) => path.relative(dir, p).replace(/^(?!\.)/, './');
      const errors = await restricted(
        file,
        [
          "import Dexie from 'dexie';",
          `import { SentinelDB } from '${rel('lib/db/schema')}';`,
          `import { Sentinel } from '${rel('lib/background/sentinel')}';`,
          `import { PROTOCOL } from '${rel('lib/protocol')}';`,
          `import { ADAPTERS } from '${rel('lib/platforms/adapters')}';`,
          `import { PLATFORM_DEFS } from '${rel('lib/platforms/registry')}';`,
          `import { SCRIPT_SITES } from '${rel('lib/hosts')}';`,
          `import jd from '${rel('lib/platforms/jd/platform')}';`,
          `import { DEFAULT_RULES } from '${rel('lib/rules/defaults')}';`,
          `import pddNotes from '${rel('lib/platforms/pdd/sources')}';`,
          `import { TeamSync } from '${rel('lib/sync/pusher')}';`,
          "import PouchDB from 'pouchdb-browser';",
          'export const all = [Dexie, SentinelDB, Sentinel, PROTOCOL, ADAPTERS, PLATFORM_DEFS, SCRIPT_SITES, jd, DEFAULT_RULES, pddNotes, TeamSync, PouchDB];',
        ].join('\n'),
      );
      // Dexie, the database, the background, the schemas, every platform's adapters, rules, names or hosts, selector
      // source notes, team sync.
      expect(errors).toHaveLength(12);
      // Not even the database's types: the rows are named in lib/model.
      const dbTypes = await restricted(
        file,
        [
          `import type { SentinelDB } from '${rel('lib/db/schema')}';`,
          `import type { PruneNotice } from '${rel('lib/db/meta')}';`,
          `import type { readDayStats } from '${rel('lib/db/daystats-read')}';`,
          'export type X = [SentinelDB, PruneNotice, typeof readDayStats];',
        ].join('\n'),
      );
      expect(dbTypes).toHaveLength(3);
      // Other types are fine: they cost nothing at run time.
      const types = await restricted(
        file,
        [
          `import type { EventRow, TabRow } from '${rel('lib/model')}';`,
          `import type { Sentinel } from '${rel('lib/background/sentinel')}';`,
          `import type { EventsMessage } from '${rel('lib/protocol')}';`,
          'export type X = [EventRow, TabRow, Sentinel, EventsMessage];',
        ].join('\n'),
      );
      expect(types).toEqual([]);
      // (The first lint loads eslint's parser and config: slow on a busy machine.)
    },
    30_000,
  );

  it('the engine imports nothing from the database, the background or the UI', async () => {
    const errors = await restricted(
      'lib/engine/rounds.ts',
      "import { SentinelDB } from '../db/schema';\nimport { Sentinel } from '../background/sentinel';\nimport { uiDb } from '../ui/db';\nexport const x = [SentinelDB, Sentinel, uiDb];",
    );
    // lib/ui/db is both the UI and the database: two rules refuse it.
    expect(errors).toHaveLength(4);
    // Not even types from the database; the row types come from lib/model.
    const dbTypes = await restricted(
      'lib/engine/rounds.ts',
      "import type { SentinelDB } from '../db/schema';\nimport type { PruneNotice } from '../db/meta';\nexport type X = [SentinelDB, PruneNotice];",
    );
    expect(dbTypes).toHaveLength(2);
    const modelTypes = await restricted(
      'lib/engine/rounds.ts',
      "import type { EventRow, UnitRow } from '../model';\nexport type X = [EventRow, UnitRow];",
    );
    expect(modelTypes).toEqual([]);
  });

  it('the UI reaches the background only through messages', async () => {
    const errors = await restricted(
      'components/SettingsPage.tsx',
      "import { Sentinel } from '../lib/background/sentinel';\nexport const x = Sentinel;",
    );
    expect(errors).toHaveLength(1);
  });
});
