/**
 * Convention test, refined-github style: every CSS string of every selector map a registered platform folder exports
 * (lib/platforms/<folder>/index.ts) has a source note in the folder's sources.ts (lib/platforms/sources.ts says what a
 * note may be), and what a note cites exists: the section of ../shared/docs/workbench-dom.md, the seed file in
 * ../shared/seeds, the repository file of a fixture-only or own-page note. A selector added without its note, or a
 * note citing what is not there, fails here with the folder, the map, the purpose and the CSS string.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SITES } from '../../lib/platforms/registry';
import { defineSelectorSources, type PlatformSelectorSources } from '../../lib/platforms/sources';

const ROOT = path.resolve(__dirname, '../..');
/** The project's shared facts, beside the repository (absent from a fresh clone, e.g. in CI). */
const SHARED = path.resolve(ROOT, '../shared');
const SEEDS = path.join(SHARED, 'seeds');
const DOM_DOC = path.join(SHARED, 'docs/workbench-dom.md');

const NOTE =
  /^(?:workbench-dom § (?<section>Pinduoduo|Douyin|1688|JD|Kuaishou|Inserting) \((?<when>[^)]*\d{4}[^)]*)\)(?:: .+)?|seed (?<seed>\d{3}) \S.*|fixture-only: (?<fixture>test\/fixtures\/\S+) — .+|guess: .+|own page: (?<own>\S+) .+)$/u;

type Note = { section?: string; seed?: string; fixture?: string; own?: string };

/** An exported value that is a selector map: a non-empty object of CSS string lists. */
function isSelectorMap(v: unknown): v is Record<string, readonly string[]> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const vals = Object.values(v);
  return vals.length > 0 && vals.every((a) => Array.isArray(a) && a.every((s) => typeof s === 'string'));
}

/** What is wrong with a folder's notes: missing, malformed or stale notes, maps without notes. */
function noteProblems(
  folder: string,
  exported: Record<string, unknown>,
  indexSource: string,
  sources: PlatformSelectorSources,
): { problems: string[]; notes: Note[] } {
  const problems: string[] = [];
  const notes: Note[] = [];
  const maps = Object.entries(exported).filter(([, v]) => isSelectorMap(v)) as [string, Record<string, string[]>][];
  const declared = indexSource.match(/satisfies SelectorMap/g)?.length ?? 0;
  if (declared !== maps.length)
    problems.push(`${folder}: ${declared} selector maps in index.ts, ${maps.length} exported (export each, note it)`);
  for (const [name, map] of maps) {
    if (sources.maps[name] !== map) problems.push(`${folder}: ${name} is not in sources.ts`);
    const byPurpose = sources.notes[name] ?? {};
    for (const [purpose, list] of Object.entries(map)) {
      const noted = byPurpose[purpose] ?? {};
      for (const css of list) {
        const note = Object.hasOwn(noted, css) ? noted[css] : undefined;
        const at = `${folder} ${name}.${purpose} ${JSON.stringify(css)}`;
        if (note === undefined) problems.push(`${at}: no source note`);
        else {
          const m = NOTE.exec(note);
          if (!m) problems.push(`${at}: note ${JSON.stringify(note)} is none of the forms of lib/platforms/sources.ts`);
          else notes.push({ ...m.groups });
        }
      }
      for (const css of Object.keys(noted))
        if (!list.includes(css))
          problems.push(`${folder} ${name}.${purpose} ${JSON.stringify(css)}: note for no selector`);
    }
    for (const purpose of Object.keys(byPurpose))
      if (!Object.hasOwn(map, purpose)) problems.push(`${folder} ${name}.${purpose}: notes for no purpose`);
  }
  return { problems, notes };
}

/** Every registered folder with an adapter: its exports, its index.ts text and its notes. */
const FOLDERS = await Promise.all(
  SITES.map(async (s) => {
    const exported = (await import(`../../lib/platforms/${s.folder}/index.ts`)) as Record<string, unknown>;
    const src = path.join(ROOT, `lib/platforms/${s.folder}/sources.ts`);
    const sources = existsSync(src)
      ? ((await import(`../../lib/platforms/${s.folder}/sources.ts`)) as { default: PlatformSelectorSources }).default
      : { maps: {}, notes: {} };
    const indexSource = readFileSync(path.join(ROOT, `lib/platforms/${s.folder}/index.ts`), 'utf8');
    return { folder: s.folder, ...noteProblems(s.folder, exported, indexSource, sources) };
  }),
);
const ALL_NOTES = FOLDERS.flatMap((f) => f.notes);

describe('selector source notes', () => {
  it.each(FOLDERS.map((f) => [f.folder, f] as const))('%s: a well-formed note on every CSS string', (_, f) => {
    expect(f.problems).toEqual([]);
    expect(f.notes.length).toBeGreaterThan(0);
  });

  it('cites only repository files that exist (fixture-only and own-page notes)', () => {
    const files = ALL_NOTES.flatMap((n) => [n.fixture, n.own]).filter((f): f is string => !!f);
    expect(files.length).toBeGreaterThan(0);
    for (const f of new Set(files)) expect(existsSync(path.join(ROOT, f)), f).toBe(true);
  });

  // ../shared is beside a working checkout, not in a fresh clone (CI): only the check that needs it is skipped then.
  it.skipIf(!existsSync(DOM_DOC))(
    `cites only sections ../shared/docs/workbench-dom.md has${existsSync(DOM_DOC) ? '' : ' (SKIPPED: ../shared/docs is absent here)'}`,
    () => {
      const headings = readFileSync(DOM_DOC, 'utf8').match(/^## .*/gm) ?? [];
      const sections = new Set(ALL_NOTES.map((n) => n.section).filter(Boolean));
      expect(sections.size).toBeGreaterThan(0);
      for (const s of sections)
        expect(
          headings.some((h) => h.startsWith(`## ${s}`)),
          `§ ${s}`,
        ).toBe(true);
    },
  );

  it.skipIf(!existsSync(SEEDS))(
    `cites only seed files ../shared/seeds has${existsSync(SEEDS) ? '' : ' (SKIPPED: ../shared/seeds is absent here)'}`,
    () => {
      const seeds = readdirSync(SEEDS);
      for (const id of new Set(ALL_NOTES.map((n) => n.seed).filter(Boolean)))
        expect(
          seeds.some((f) => f.startsWith(`${id}_`)),
          `seed ${id}`,
        ).toBe(true);
    },
  );
});

describe('the check itself', () => {
  const MAP = { row: ['.a', '.b'] };
  const SRC = 'export const X_SELECTORS = { row: [] } as const satisfies SelectorMap;';

  it('passes a map whose every selector has a note of a known form', () => {
    const sources = defineSelectorSources({ X_SELECTORS: MAP }, {
      X_SELECTORS: { row: { '.a': 'guess: one', '.b': 'workbench-dom § JD (2024–2026): loosened' } },
    } as never);
    const { problems, notes } = noteProblems('x', { X_SELECTORS: MAP }, SRC, sources);
    expect(problems).toEqual([]);
    expect(notes).toEqual([{}, { section: 'JD' }].map((n) => expect.objectContaining(n)));
  });

  it('names a selector without a note, a malformed note, a stale note and a map it cannot see', () => {
    const sources = {
      maps: { X_SELECTORS: MAP },
      notes: { X_SELECTORS: { row: { '.a': 'seen somewhere', '.gone': 'guess: old' }, list: {} } },
    } as unknown as PlatformSelectorSources;
    const { problems } = noteProblems(
      'x',
      { X_SELECTORS: MAP },
      `${SRC}\nconst Y = {} satisfies SelectorMap;`,
      sources,
    );
    expect(problems).toEqual([
      'x: 2 selector maps in index.ts, 1 exported (export each, note it)',
      'x X_SELECTORS.row ".a": note "seen somewhere" is none of the forms of lib/platforms/sources.ts',
      'x X_SELECTORS.row ".b": no source note',
      'x X_SELECTORS.row ".gone": note for no selector',
      'x X_SELECTORS.list: notes for no purpose',
    ]);
  });

  it('rejects a doc note without its section or its date, and reads a seed id', () => {
    expect(NOTE.test('workbench-dom § Weidian (2024–2026)')).toBe(false);
    expect(NOTE.test('workbench-dom § JD')).toBe(false);
    expect(NOTE.test('guess:')).toBe(false);
    expect(NOTE.test('fixture-only: somewhere')).toBe(false);
    expect(NOTE.exec('seed 004 ②: the address notice, 2026-11')?.groups?.seed).toBe('004');
  });
});
