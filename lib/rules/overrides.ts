/**
 * The one schema of the user's rule overrides: the source of their type (`RuleOverrides`) and of their validation,
 * before anything is stored and again when stored values are read back (an older version's or a corrupted value is
 * rejected, never applied). One entry per shipped metric: an unknown metric key, including names such as
 * `hasOwnProperty`, is a validation message, not a lookup on the object's prototype.
 */
import * as v from 'valibot';
import { isPlainObject, record } from '../valid';
import type { MetricRule } from './types';

/** Authors a user may count as a valid reply (outgoing ones; buyer, system and internal messages never answer). */
export const REPLY_AUTHORS = ['human', 'assist', 'robot', 'auto'] as const;

const minute = v.pipe(
  v.number('must be a number of minutes'),
  v.integer('must be a whole number of minutes'),
  v.minValue(0, 'must be 0–1440 minutes after midnight'),
  v.maxValue(1440, 'must be 0–1440 minutes after midnight'),
);

export const DailyWindowSchema = v.pipe(
  record({ startMin: minute, endMin: minute }, 'window must be an object {startMin, endMin}', 'unknown field'),
  // 1440 is the end of the day, never a start ({1440, 0} would be a window that never opens).
  v.check((w) => w.startMin < 1440, 'window must start before 24:00'),
  v.check((w) => w.startMin !== w.endMin, 'window must be two different times of day'),
);

const seconds = (min: number, max: number) =>
  v.pipe(
    v.number(`must be ${min}–${max} seconds`),
    v.finite(`must be ${min}–${max} seconds`),
    v.minValue(min, `must be ${min}–${max} seconds`),
    v.maxValue(max, `must be ${min}–${max} seconds`),
  );

const MetricOverrideBase = record(
  {
    thresholdSec: v.optional(seconds(1, 3600)),
    window: v.optional(DailyWindowSchema),
    validReply: v.optional(
      v.pipe(
        v.array(
          v.picklist(REPLY_AUTHORS, `must be outgoing authors: ${REPLY_AUTHORS.join(', ')}`),
          'validReply must be a list',
        ),
        v.nonEmpty('validReply must be a non-empty set of outgoing authors'),
        v.check((a) => new Set(a).size === a.length, 'validReply must not repeat an author'),
      ),
    ),
    warnBelow: v.optional(
      v.pipe(v.number('must be between 0 and 1'), v.minValue(0, 'must be 0–1'), v.maxValue(1, 'must be 0–1')),
    ),
    sessionGapSec: v.optional(seconds(1, 86_400)),
  },
  'override must be an object',
  'unknown field',
);

export type MetricOverride = v.InferOutput<typeof MetricOverrideBase>;
export type RuleOverrides = Partial<Record<string, MetricOverride>>;

/** The override schema of one metric: the fields, then what depends on the metric (session gaps, thresholds). */
export function metricOverrideSchema(metric: MetricRule) {
  return v.pipe(
    MetricOverrideBase,
    v.check(
      (o) => o.sessionGapSec === undefined || metric.unit === 'session',
      'sessionGapSec applies to session metrics only',
    ),
    v.check((o) => {
      const gap = o.sessionGapSec ?? metric.sessionGapSec;
      return gap === undefined || gap >= (o.thresholdSec ?? metric.thresholdSec);
    }, 'sessionGapSec must be at least the threshold'),
  );
}

/** The schema of all overrides for a set of metrics: an object keyed by metric key, every entry optional. */
export function ruleOverridesSchema(metrics: readonly MetricRule[]) {
  const entries: Record<string, v.OptionalSchema<ReturnType<typeof metricOverrideSchema>, undefined>> = {};
  for (const m of metrics) entries[m.key] = v.optional(metricOverrideSchema(m));
  return record(entries, 'ruleOverrides must be an object', 'no such metric');
}

/** The fields of one metric's override. */
export const OVERRIDE_FIELDS = ['thresholdSec', 'window', 'validReply', 'warnBelow', 'sessionGapSec'] as const;
type OverrideField = (typeof OVERRIDE_FIELDS)[number];

/**
 * A partial update of the rule overrides, per metric and field: a value sets the field, `null` drops it (back to the
 * default). Fields and metrics not named are left as they are, so two editors that each change their own fields
 * (the rule table's limits and windows, the smart-reply switches' `validReply`) never overwrite each other.
 */
export type RuleEdits = Record<string, Partial<{ [F in OverrideField]: MetricOverride[F] | null }>>;

/**
 * `overrides` with `edits` applied (untrusted edits: a shape error is a message, nothing throws). The result is not
 * validated here: the caller checks it with the one schema (`ruleOverridesSchema`) before storing it.
 */
export function applyRuleEdits(
  overrides: RuleOverrides,
  edits: unknown,
): { ok: true; overrides: RuleOverrides } | { ok: false; errors: string[] } {
  if (!isPlainObject(edits)) return { ok: false, errors: ['rules must be an object'] };
  const errors: string[] = [];
  // A Map, not an object: a key such as `__proto__` stays a key (and the schema refuses it as no such metric).
  const next = new Map<string, Record<string, unknown>>();
  for (const [k, o] of Object.entries(overrides)) if (o) next.set(k, { ...o });
  for (const [key, fields] of Object.entries(edits)) {
    if (!isPlainObject(fields)) {
      errors.push(`${key}: must be an object`);
      continue;
    }
    const entry = next.get(key) ?? {};
    for (const [field, value] of Object.entries(fields)) {
      if (!(OVERRIDE_FIELDS as readonly string[]).includes(field)) errors.push(`${key}.${field}: unknown field`);
      else if (value === null) delete entry[field];
      else entry[field] = value;
    }
    if (Object.keys(entry).length) next.set(key, entry);
    else next.delete(key);
  }
  return errors.length ? { ok: false, errors } : { ok: true, overrides: Object.fromEntries(next) as RuleOverrides };
}
