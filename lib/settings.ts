import type { RuleOverrides } from './rules/types';

export interface Settings {
  /** Alert this many seconds before a deadline (0 = no early alert). */
  alertLeadSec: number;
  notifications: boolean;
  /** Events older than this many days are pruned (rollups and results are kept). */
  retentionDays: number;
  ruleOverrides: RuleOverrides;
  /** UI language: follow the browser, or force one. */
  language: 'auto' | 'zh_CN' | 'en';
}

export const DEFAULT_SETTINGS: Settings = {
  alertLeadSec: 60,
  notifications: true,
  retentionDays: 90,
  ruleOverrides: {},
  language: 'auto',
};

type Check = (v: unknown) => string | null;

const CHECKS: { [K in keyof Settings]: Check } = {
  alertLeadSec: (v) =>
    Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 600
      ? null
      : 'alertLeadSec must be a whole number of seconds, 0–600',
  notifications: (v) => (typeof v === 'boolean' ? null : 'notifications must be true or false'),
  retentionDays: (v) =>
    Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 400 ? null : 'retentionDays must be 1–400',
  ruleOverrides: (v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? null : 'ruleOverrides must be an object',
  language: (v) => (v === 'auto' || v === 'zh_CN' || v === 'en' ? null : 'language must be auto, zh_CN or en'),
};

/** Validates a partial settings patch: unknown keys and bad values are errors, nothing is applied then. */
export function validateSettingsPatch(
  patch: unknown,
): { ok: true; patch: Partial<Settings> } | { ok: false; errors: string[] } {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
    return { ok: false, errors: ['settings patch must be an object'] };
  const errors: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    const check = CHECKS[k as keyof Settings];
    if (!check) errors.push(`${k}: unknown setting`);
    else {
      const e = check(v);
      if (e) errors.push(e);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, patch: patch as Partial<Settings> };
}
