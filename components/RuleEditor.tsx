/**
 * The rules in force, per platform, and their editor (options page): the alert lead time, each metric's effective
 * limit and assessed window ("已改" where an override is in force, with the default beside it), editable in place,
 * validated as typed (a clear message beside the field; nothing is saved while anything is invalid), "恢复默认" per
 * metric, and each default's source in plain words. Saved through the background's `settings` message as a partial
 * update (`RuleEdits`: only the touched metrics' limit and window fields, plus `alertLeadSec` when changed), which
 * the background merges with the stored overrides and validates again (`ruleOverridesSchema`): the smart-reply
 * switches' `validReply` fields are never overwritten from here.
 */
import { pick } from '@/lib/i18n';
import { useState, type FormEvent } from 'react';
import * as v from 'valibot';
import type { Translate } from '@/lib/badge';
import { DEFAULT_RULES, allMetrics, effectiveRules } from '@/lib/rules';
import { metricOverrideSchema, type MetricOverride, type RuleEdits, type RuleOverrides } from '@/lib/rules/overrides';
import type { MetricRule } from '@/lib/rules/types';
import { ask } from '@/lib/ui/ask';

const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** A limit in words: whole minutes as minutes ("3 分钟"), else seconds ("30 秒"). */
export function limitText(sec: number, t: Translate): string {
  return sec % 60 === 0 ? t('ruleMinutes', [sec / 60]) : t('durSec', [sec]);
}

/** A window in words: "08:00–23:00", or "全天". */
export function windowText(w: { startMin: number; endMin: number }, t: Translate): string {
  return w.startMin === 0 && w.endMin === 1440 ? t('ruleAllDay') : `${hhmm(w.startMin)}–${hhmm(w.endMin)}`;
}

/** What the person typed for one metric (strings, as in the inputs), before it is checked. */
interface Edit {
  limit: string;
  unit: 'min' | 's';
  start: string;
  end: string;
}

function editOf(m: MetricRule): Edit {
  const whole = m.thresholdSec % 60 === 0;
  return {
    limit: String(whole ? m.thresholdSec / 60 : m.thresholdSec),
    unit: whole ? 'min' : 's',
    start: hhmm(m.window.startMin),
    // The end of the day is 24:00; a time input says 00:00 (read back as the end of the day).
    end: m.window.endMin === 1440 ? '00:00' : hhmm(m.window.endMin),
  };
}

const minutesOf = (value: string) => {
  const m = /^(\d\d):(\d\d)$/.exec(value);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
  return Number(m[1]) * 60 + Number(m[2]);
};

/** The alert lead as typed: minutes when whole (0 = off), else seconds. */
interface LeadEdit {
  value: string;
  unit: 'min' | 's';
}

const leadEditOf = (sec: number): LeadEdit =>
  sec % 60 === 0 ? { value: String(sec / 60), unit: 'min' } : { value: String(sec), unit: 's' };

/** The alert lead in whole seconds (0–600, the setting's range), or null when the input is not one. */
export function checkLead(e: LeadEdit): number | null {
  const n = e.value.trim() === '' ? NaN : Number(e.value);
  const sec = e.unit === 'min' ? Math.round(n * 60 * 1000) / 1000 : n;
  return Number.isInteger(sec) && sec >= 0 && sec <= 600 ? sec : null;
}

type Problems = Partial<Record<'limit' | 'start' | 'end' | 'row', string>>;

/**
 * One metric's edit checked: the override it makes (only what differs from the default), or what is wrong, in the
 * UI language.
 */
export function checkEdit(
  m: MetricRule,
  base: MetricOverride | undefined,
  e: Edit,
  t: Translate,
): { override?: MetricOverride; fields?: RuleEdits[string]; problems: Problems } {
  const problems: Problems = {};
  const n = e.limit.trim() === '' ? NaN : Number(e.limit);
  // Minutes may have a fraction that makes whole seconds (0.5 分钟 = 30 秒).
  const sec = e.unit === 'min' ? Math.round(n * 60 * 1000) / 1000 : n;
  if (!Number.isInteger(sec) || sec < 1 || sec > 3600) problems.limit = t('ruleErrThreshold');
  const start = minutesOf(e.start);
  const endRaw = minutesOf(e.end);
  if (start === null) problems.start = t('ruleErrTime');
  if (endRaw === null) problems.end = t('ruleErrTime');
  const end = endRaw === 0 ? 1440 : endRaw;
  if (start !== null && end !== null && start === end) problems.end = t('ruleErrSame');
  if (Object.keys(problems).length) return { problems };
  const def = DEFAULT_RULES.platforms[m.platform].metrics.find((d) => d.key === m.key) ?? m;
  const override: MetricOverride = { ...base };
  delete override.thresholdSec;
  delete override.window;
  if (sec !== def.thresholdSec) override.thresholdSec = sec;
  if (start !== def.window.startMin || end !== def.window.endMin) override.window = { startMin: start!, endMin: end! };
  const gap = override.sessionGapSec ?? def.sessionGapSec;
  if (gap !== undefined && sec > gap) return { problems: { limit: t('ruleErrGap', [limitText(gap, t)]) } };
  // The background's schema has the last word; whatever it refuses is not sent.
  if (!v.safeParse(metricOverrideSchema(def), override).success) return { problems: { row: t('ruleErrOther') } };
  // The partial update this editor sends: its own two fields, set or dropped (back to the default).
  const fields: RuleEdits[string] = {
    thresholdSec: override.thresholdSec ?? null,
    window: override.window ?? null,
  };
  return { override, fields, problems };
}

export function RuleEditor({
  overrides,
  alertLeadSec,
  t,
}: {
  overrides: RuleOverrides;
  alertLeadSec: number;
  t: Translate;
}) {
  const rules = effectiveRules(overrides);
  // Edits not saved yet, per metric key; the rows show the rules in force under them.
  const [edits, setEdits] = useState<Record<string, Edit>>({});
  const [lead, setLead] = useState<LeadEdit | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const leadEdit = lead ?? leadEditOf(alertLeadSec);
  const leadSec = checkLead(leadEdit);
  const metrics = allMetrics(rules).filter((m) => m.retired === undefined);
  const defaults = new Map(allMetrics(DEFAULT_RULES).map((m) => [m.key, m]));

  const checked = new Map(
    metrics.map((m) => [m.key, checkEdit(m, overrides[m.key], edits[m.key] ?? editOf(m), t)] as const),
  );
  const invalid = leadSec === null || [...checked.values()].some((c) => Object.keys(c.problems).length > 0);

  const edit = (m: MetricRule, change: Partial<Edit>) => {
    setStatus(null);
    setEdits({ ...edits, [m.key]: { ...(edits[m.key] ?? editOf(m)), ...change } });
  };
  const reset = (m: MetricRule) => {
    setStatus(null);
    const d = defaults.get(m.key) ?? m;
    setEdits({ ...edits, [m.key]: editOf(d) });
  };

  async function save(e: FormEvent) {
    e.preventDefault();
    if (invalid) {
      setStatus({ ok: false, text: t('ruleInvalid') });
      return;
    }
    // Only what was touched: the metrics edited here (their limit and window), the lead when it changed.
    const rules: RuleEdits = {};
    for (const key of Object.keys(edits)) {
      const fields = checked.get(key)?.fields;
      if (fields) rules[key] = fields;
    }
    const patch = leadSec !== null && leadSec !== alertLeadSec ? { alertLeadSec: leadSec } : {};
    const reply = await ask({ type: 'settings', patch, rules });
    if (reply.ok) {
      setEdits({});
      setLead(null);
    }
    setStatus(reply.ok ? { ok: true, text: t('ruleSaved') } : { ok: false, text: t('optError', [reply.error]) });
  }

  return (
    <form onSubmit={(e) => void save(e)} id="rs-rules" aria-describedby="rs-rules-status" noValidate>
      <p className="rs-help">{t('ruleHelp')}</p>
      <div className="rs-field" id="rs-rules-lead">
        <label className="rs-nowrap">
          <span>{t('optAlertLead')}</span>{' '}
          <input
            type="number"
            min={0}
            step="any"
            name="alertLead"
            aria-invalid={leadSec === null ? true : undefined}
            aria-describedby={leadSec === null ? 'rs-lead-err' : undefined}
            value={leadEdit.value}
            onChange={(ev) => {
              setStatus(null);
              setLead({ ...leadEdit, value: ev.target.value });
            }}
          />
        </label>
        <select
          name="alertLeadUnit"
          aria-label={t('optAlertLead')}
          value={leadEdit.unit}
          onChange={(ev) => {
            setStatus(null);
            setLead({ ...leadEdit, unit: ev.target.value as LeadEdit['unit'] });
          }}
        >
          <option value="min">{t('ruleUnitMin')}</option>
          <option value="s">{t('ruleUnitSec')}</option>
        </select>{' '}
        {leadSec === null ? (
          <span className="rs-error" role="alert" id="rs-lead-err">
            {t('ruleErrLead')}
          </span>
        ) : (
          <span className="rs-help">{t('optAlertLeadHelp')}</span>
        )}
      </div>
      <table className="rs-table rs-rules">
        <thead>
          <tr>
            <th></th>
            <th>{t('optRuleUnit')}</th>
            <th>{t('optRuleThreshold')}</th>
            <th>{t('optRuleWindow')}</th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => {
            const d = defaults.get(m.key) ?? m;
            const e = edits[m.key] ?? editOf(m);
            const { problems } = checked.get(m.key)!;
            const limitChanged = m.thresholdSec !== d.thresholdSec;
            const windowChanged = m.window.startMin !== d.window.startMin || m.window.endMin !== d.window.endMin;
            const name = `${t(`platform_${m.platform}`)} ${pick(m.label, t.lang)}`;
            const errId = `rs-rule-err-${m.key}`;
            const errors = [problems.limit, problems.start, problems.end, problems.row].filter(Boolean);
            return (
              <tr key={m.key} data-metric={m.key} className={errors.length ? 'rs-invalid' : undefined}>
                <td>
                  <strong>{t(`platform_${m.platform}`)}</strong> {pick(m.label, t.lang)}
                  <div className="rs-help">{pick(m.note, t.lang)}</div>
                  <div className="rs-help" data-source={m.confidence}>
                    {t('optRuleConfidence')}
                    {t('labelSep')}
                    {t(`confidence_${m.confidence}`)}
                  </div>
                  {errors.length ? (
                    <div className="rs-error" role="alert" id={errId}>
                      {errors.join(t('ioSep'))}
                    </div>
                  ) : null}
                </td>
                <td data-unit={m.unit}>{t(`unit_${m.unit}`)}</td>
                <td className="rs-rule-limit">
                  <span className="rs-nowrap" data-effective>
                    {limitText(m.thresholdSec, t)}
                  </span>
                  {limitChanged ? (
                    <span className="rs-changed" title={t('ruleDefault', [limitText(d.thresholdSec, t)])}>
                      {' '}
                      {t('ruleChanged')} · {t('ruleDefault', [limitText(d.thresholdSec, t)])}
                    </span>
                  ) : null}
                  <div className="rs-nowrap">
                    <input
                      type="number"
                      min={0}
                      step="any"
                      name={`limit-${m.key}`}
                      aria-label={`${name} ${t('optRuleThreshold')}`}
                      aria-invalid={problems.limit ? true : undefined}
                      aria-describedby={errors.length ? errId : undefined}
                      value={e.limit}
                      onChange={(ev) => edit(m, { limit: ev.target.value })}
                    />
                    <select
                      name={`unit-${m.key}`}
                      aria-label={`${name} ${t('optRuleThreshold')}`}
                      value={e.unit}
                      onChange={(ev) => edit(m, { unit: ev.target.value as Edit['unit'] })}
                    >
                      <option value="min">{t('ruleUnitMin')}</option>
                      <option value="s">{t('ruleUnitSec')}</option>
                    </select>
                  </div>
                </td>
                <td className="rs-rule-window">
                  <span className="rs-nowrap" data-effective>
                    {windowText(m.window, t)}
                  </span>
                  {windowChanged ? (
                    <span className="rs-changed">
                      {' '}
                      {t('ruleChanged')} · {t('ruleDefault', [windowText(d.window, t)])}
                    </span>
                  ) : null}
                  <div className="rs-nowrap">
                    <input
                      type="time"
                      name={`start-${m.key}`}
                      aria-label={`${name} ${t('ruleFrom')}`}
                      aria-invalid={problems.start ? true : undefined}
                      value={e.start}
                      onChange={(ev) => edit(m, { start: ev.target.value })}
                    />
                    –
                    <input
                      type="time"
                      name={`end-${m.key}`}
                      aria-label={`${name} ${t('ruleTo')}`}
                      aria-invalid={problems.end ? true : undefined}
                      value={e.end}
                      onChange={(ev) => edit(m, { end: ev.target.value })}
                    />
                  </div>
                  {limitChanged || windowChanged || edits[m.key] ? (
                    <button type="button" data-reset={m.key} onClick={() => reset(m)}>
                      {t('ruleReset')}
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="submit" className="rs-primary">
        {t('ruleSave')}
      </button>{' '}
      <span id="rs-rules-status" role="status" className={status?.ok ? 'rs-ok' : 'rs-error'}>
        {status?.text}
      </span>
    </form>
  );
}
