/**
 * Shared helpers for runtime validation with valibot: every schema of the project reports its problems through
 * `problems()`, as "path: message" lines a person can act on.
 */
import * as v from 'valibot';

/** One line per issue: the dotted path to the bad value (when there is one), then what is wrong with it. */
export function problems(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((i) => {
    const path = pathOf(i);
    return path ? `${path}: ${i.message}` : i.message;
  });
}

/** `events[0].author`: list indexes in brackets, keys dotted. */
function pathOf(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Validates `input` against `schema`: the parsed value, or every problem found. */
export function check<S extends v.GenericSchema>(schema: S, input: unknown): Checked<v.InferOutput<S>> {
  const r = v.safeParse(schema, input);
  return r.success ? { ok: true, value: r.output } : { ok: false, errors: problems(r.issues) };
}

/** A plain object with own keys only (not an array, not null); prototype-named keys are ordinary unknown keys. */
export const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * A strict object schema that also refuses arrays (valibot's object schemas accept them), with one message for
 * "not an object" and one for an unknown key (the key is in the issue's path).
 */
export function record<const E extends v.ObjectEntries>(entries: E, notObject: string, unknownKey: string) {
  return v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, notObject),
    v.strictObject(entries, (issue) => (issue.expected === 'never' ? unknownKey : notObject)),
  );
}
