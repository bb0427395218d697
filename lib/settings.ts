/**
 * The user's settings: one valibot schema is the source of their type and of their validation, both before a patch
 * is stored and when stored values are read back (a value written by an older version, or a corrupted profile, is
 * reset to its default and reported — never applied, never able to stop the worker).
 */
import * as v from 'valibot';
import { DEFAULT_RULES, allMetrics } from './rules/defaults';
import { ruleOverridesSchema } from './rules/overrides';
import { check, record } from './valid';

export const LANGUAGES = ['auto', 'zh_CN', 'en'] as const;

const wholeNumber = (min: number, max: number, what: string) =>
  v.pipe(
    v.number(`must be ${what}, ${min}–${max}`),
    v.integer(`must be ${what}, ${min}–${max}`),
    v.minValue(min, `must be ${what}, ${min}–${max}`),
    v.maxValue(max, `must be ${what}, ${min}–${max}`),
  );

/** A name used in phrases: one line, no braces (it is put into phrase text), trimmed. */
const phraseWord = (max: number) =>
  v.pipe(
    v.string(`must be text of at most ${max} characters`),
    v.trim(),
    v.maxLength(max, `must be text of at most ${max} characters`),
    v.regex(/^[^\p{Cc}\p{Cf}\u2028\u2029{}]*$/u, 'must be one line without { }'),
  );

/** The longest each name filled into phrases may be (the settings page's inputs use the same limits). */
export const WORD_LIMITS = { agentName: 20, shopName: 40, nickFallback: 10 } as const;

/** Minutes of the China day, 0–1439 (quiet hours). */
const minuteOfDay = wholeNumber(0, 1439, 'a minute of the day');

/** Quiet hours (China time): no sound from `startMin` up to `endMin` (may wrap past midnight; start ≠ end). */
export const quietHoursSchema = v.pipe(
  v.strictObject(
    { on: v.boolean('must be true or false'), startMin: minuteOfDay, endMin: minuteOfDay },
    'must be { on, startMin, endMin }',
  ),
  v.check((q) => q.startMin !== q.endMin, 'quiet hours must start and end at different times'),
);
export type QuietHours = v.InferOutput<typeof quietHoursSchema>;

/** One schema per setting. */
export const SETTING_SCHEMAS = {
  /** Alert this many seconds before a deadline (0 = no early alert). */
  alertLeadSec: wholeNumber(0, 600, 'a whole number of seconds'),
  notifications: v.boolean('must be true or false'),
  /** Events older than this many days are pruned (rollups and results are kept). */
  retentionDays: wholeNumber(1, 400, 'a whole number of days'),
  ruleOverrides: ruleOverridesSchema(allMetrics(DEFAULT_RULES)),
  /** UI language: follow the browser, or force one. */
  language: v.picklist(LANGUAGES, `must be one of ${LANGUAGES.join(', ')}`),
  /** The agent's name for {客服名} in phrases ('' = not set: 客服). */
  agentName: phraseWord(WORD_LIMITS.agentName),
  /** The shop's name for {店铺名} in phrases ('' = not set: the shop the page shows, else 本店). */
  shopName: phraseWord(WORD_LIMITS.shopName),
  /** What {买家昵称} becomes when the page shows no nickname or a masked one (`S*******n`, `王***`). */
  nickFallback: phraseWord(WORD_LIMITS.nickFallback),
  /** One notification per buyer as well as the merged one per urgency level. */
  perBuyerNotices: v.boolean('must be true or false'),
  /** Breach notifications stay on screen until dismissed (requireInteraction). */
  breachStays: v.boolean('must be true or false'),
  /** Sound volume, percent (0 = silent). */
  soundVolume: wholeNumber(0, 100, 'a whole percentage'),
  /** Sounds per event: a new question, the pre-breach warning, a breach. */
  soundNew: v.boolean('must be true or false'),
  soundSoon: v.boolean('must be true or false'),
  soundBreach: v.boolean('must be true or false'),
  quietHours: quietHoursSchema,
  /**
   * The workbench tab's title starts with the waiting count and the most urgent time: "(3) <3 分 · 原标题", m:ss in
   * the last minute ("(3) 0:42 · 原标题"), "(3) 超 2 分 · 原标题" once late (lib/content/tab-title.ts).
   */
  tabTitle: v.boolean('must be true or false'),
};

type Schemas = typeof SETTING_SCHEMAS;
export type SettingKey = keyof Schemas;
export type Settings = { [K in SettingKey]: v.InferOutput<Schemas[K]> };

export const DEFAULT_SETTINGS: Settings = {
  alertLeadSec: 60,
  notifications: true,
  retentionDays: 90,
  ruleOverrides: {},
  language: 'auto',
  agentName: '',
  shopName: '',
  nickFallback: '亲',
  perBuyerNotices: false,
  breachStays: true,
  soundVolume: 70,
  soundNew: false,
  soundSoon: true,
  soundBreach: true,
  quietHours: { on: false, startMin: 23 * 60, endMin: 8 * 60 },
  tabTitle: true,
};

const isSettingKey = (k: string): k is SettingKey => Object.hasOwn(SETTING_SCHEMAS, k);

const patchSchema = record(
  Object.fromEntries(Object.entries(SETTING_SCHEMAS).map(([k, s]) => [k, v.optional(s)])) as {
    [K in SettingKey]: v.OptionalSchema<Schemas[K], undefined>;
  },
  'settings patch must be an object',
  'unknown setting',
);

/** Validates a partial settings patch: unknown keys and bad values are errors, nothing is applied then. */
export function validateSettingsPatch(
  patch: unknown,
): { ok: true; patch: Partial<Settings> } | { ok: false; errors: string[] } {
  const r = check(patchSchema, patch);
  if (!r.ok) return r;
  const out: Partial<Record<SettingKey, unknown>> = {};
  for (const [k, value] of Object.entries(r.value)) if (value !== undefined) out[k as SettingKey] = value;
  return { ok: true, patch: out as Partial<Settings> };
}

/** A stored setting, validated: its value, or the default when it is missing or invalid. */
export function storedSetting<K extends SettingKey>(key: K, value: unknown): Settings[K] {
  if (value === undefined) return DEFAULT_SETTINGS[key];
  const r = v.safeParse(SETTING_SCHEMAS[key], value);
  return r.success ? (r.output as Settings[K]) : DEFAULT_SETTINGS[key];
}

/** `meta` row: the settings reset at the last start, for the settings page ({ at, rejected }). */
export const SETTINGS_RESET_KEY = 'settingsReset';

export interface RejectedSetting {
  key: string;
  error: string;
}

/**
 * The settings from the stored rows: every valid value, the default for the rest, and what was rejected (unknown
 * keys, values that fail their schema) so the caller can delete them and say so.
 */
export function settingsFromRows(rows: readonly { key: unknown; value: unknown }[]): {
  settings: Settings;
  rejected: RejectedSetting[];
} {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const rejected: RejectedSetting[] = [];
  for (const row of rows) {
    const key = String(row.key);
    if (!isSettingKey(key)) {
      rejected.push({ key, error: 'unknown setting' });
      continue;
    }
    const r = check(SETTING_SCHEMAS[key], row.value);
    if (r.ok) settings[key] = r.value;
    else rejected.push({ key, error: r.errors.join('; ') });
  }
  return { settings: settings as Settings, rejected };
}
