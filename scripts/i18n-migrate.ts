/**
 * Carries strings from Chrome's locale files (public/_locales/<lang>/messages.json, the old catalogs) into the
 * i18next-format catalogs (lib/locales/<lang>/<namespace>.json, see lib/i18n.ts), then trims the Chrome files to
 * what Chrome itself reads (CHROME_KEYS: the manifest's and the commands' __MSG_…__).
 *
 * Re-runnable: a key already in the new catalogs is left alone, so after a merge that added keys to the old files,
 * `npx jiti scripts/i18n-migrate.ts` moves just those (and `npx prettier --write lib/locales public/_locales`).
 * `$1`…`$9` become `{{1}}`…`{{9}}`; keys listed in PLURALS get `_one`/`_other` forms with `{{count}}`; keys in
 * CONTENT_KEYS go to the `content` namespace (the small catalog content scripts carry), the rest to `ui`.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');
const LANGS = ['zh_CN', 'en'] as const;
type Lang = (typeof LANGS)[number];
const NAMESPACES = ['content', 'ui'] as const;

/** What Chrome reads from _locales itself (manifest name, description, action title, command description). */
export const CHROME_KEYS = ['extName', 'extDescription', 'cmdJump'];

/** Keys content scripts show: their own small catalog. */
const CONTENT_KEYS = new Set(['badgeLeft', 'badgeOver', 'durSec', 'durMin', 'durHour', 'durDay', 'durDays']);

/** Old keys that end up as another key (their strings are replaced by PLURALS' entry for the new one). */
const RENAMED: Record<string, string> = { durDays: 'durDay' };
/** Old keys no longer used. */
const DROPPED = new Set([
  'notifyMergedSoonTitleOne',
  'notifyMergedBreachTitleOne',
  // The analytics page's language guess: the translator says its language now (`t.lang`).
  'anaLang',
]);

/** Plural keys: the old `$n` that is the count, and the forms per language (Chinese has only `other`). */
const PLURALS: Record<string, { count: number; en: { one: string; other: string } }> = {
  badgeWaiting: { count: 1, en: { one: '{{count}} buyer waiting', other: '{{count}} buyers waiting' } },
  badgeBlindWhat: {
    count: 1,
    en: {
      one: "{{count}} workbench tab can't see the chat: {{2}}",
      other: "{{count}} workbench tabs can't see the chat: {{2}}",
    },
  },
  popupPeriodDays: { count: 1, en: { one: 'last {{count}} day', other: 'last {{count}} days' } },
  notifyMergedSoonTitle: {
    count: 1,
    en: { one: '{{count}} buyer about to time out', other: '{{count}} buyers about to time out' },
  },
  notifyMergedBreachTitle: { count: 1, en: { one: '{{count}} buyer timed out', other: '{{count}} buyers timed out' } },
  optPurged: { count: 1, en: { one: '{{count}} record deleted', other: '{{count}} records deleted' } },
  phrWillRemove: {
    count: 1,
    en: {
      one: 'Replacing deletes the {{count}} phrase in the library (a phrase with the same text keeps its use count).',
      other:
        'Replacing deletes the {{count}} phrases in the library (phrases with the same text keep their use counts).',
    },
  },
  anaPeak: {
    count: 3,
    en: { one: 'busiest: {{1}} {{2}}:00, {{count}} agent', other: 'busiest: {{1}} {{2}}:00, {{count}} agents' },
  },
  durDay: { count: 1, en: { one: '{{count}} day', other: '{{count}} days' } },
};

type Flat = Record<string, string>;
const readJson = <T>(path: string, fallback: T): T =>
  existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : fallback;
const writeJson = (path: string, data: unknown) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n');
};

const catalogPath = (lang: Lang, ns: string) => join(ROOT, 'lib/locales', lang, `${ns}.json`);
const chromePath = (lang: Lang) => join(ROOT, 'public/_locales', lang, 'messages.json');
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');

let moved = 0;
for (const lang of LANGS) {
  const old = readJson<Record<string, { message: string; description?: string }>>(chromePath(lang), {});
  const cats = Object.fromEntries(NAMESPACES.map((ns) => [ns, readJson<Flat>(catalogPath(lang, ns), {})])) as Record<
    (typeof NAMESPACES)[number],
    Flat
  >;
  const have = new Set(NAMESPACES.flatMap((ns) => Object.keys(cats[ns]).map(base)));
  for (const [oldKey, { message }] of Object.entries(old)) {
    const key = RENAMED[oldKey] ?? oldKey;
    if (have.has(key) || DROPPED.has(oldKey)) continue;
    const ns = CONTENT_KEYS.has(oldKey) ? 'content' : 'ui';
    const plural = PLURALS[key];
    if (plural) {
      const zhOther = message.replace(new RegExp(`\\$${plural.count}`, 'g'), '{{count}}');
      if (lang === 'en') Object.assign(cats[ns], { [`${key}_one`]: plural.en.one, [`${key}_other`]: plural.en.other });
      else cats[ns][`${key}_other`] = zhOther.replace(/\$(\d)/g, '{{$1}}');
    } else cats[ns][key] = message.replace(/\$(\d)/g, '{{$1}}');
    have.add(key);
    moved++;
  }
  for (const ns of NAMESPACES) writeJson(catalogPath(lang, ns), cats[ns]);
  const kept = Object.fromEntries(Object.entries(old).filter(([k]) => CHROME_KEYS.includes(k)));
  writeJson(chromePath(lang), kept);
}
console.log(`i18n-migrate: ${moved} strings carried over`);
