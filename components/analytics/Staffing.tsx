import { useId, useState } from 'react';
import type { HandlingEstimate, StaffingPlan } from '@/lib/analytics';
import type { Translate } from '@/lib/badge';
import { weekdays } from './format';
import { useAnalyticsStore } from './store';

const LEVELS = [0.7, 0.8, 0.9, 0.95];

/** A number field that commits on blur/Enter; empty = back to the default. */
function NumberField({
  label,
  help,
  value,
  placeholder,
  min,
  max,
  integer = false,
  onCommit,
}: {
  label: string;
  help: string;
  value: number | null;
  placeholder: string;
  min: number;
  max: number;
  /** Whole numbers only. */
  integer?: boolean;
  onCommit(v: number | null): void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState(false);
  const commit = () => {
    if (draft === null) return;
    const s = draft.trim();
    if (s === '') {
      onCommit(null);
      setDraft(null);
      setError(false);
      return;
    }
    const v = Number(s);
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      setError(true);
      return;
    }
    onCommit(v);
    setDraft(null);
    setError(false);
  };
  const id = useId();
  return (
    <div className="rs-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        step="any"
        value={draft ?? (value === null ? '' : String(value))}
        placeholder={placeholder}
        aria-invalid={error || undefined}
        aria-describedby={`${id}-help`}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      <span id={`${id}-help`} className={error ? 'rs-error' : 'rs-help'}>
        {error ? `${min}–${max}` : help}
      </span>
    </div>
  );
}

export function StaffingSection({
  plan,
  handling,
  ahtSec,
  targetSec,
  defaultTarget,
  sampleDays,
  team,
  t,
}: {
  plan: StaffingPlan | null;
  /** Null while the week of messages it is estimated from is still being read (after the first paint). */
  handling: HandlingEstimate | null;
  ahtSec: number | null;
  targetSec: number;
  defaultTarget: number;
  sampleDays: number;
  team: boolean;
  t: Translate;
}) {
  const st = useAnalyticsStore();
  const wd = weekdays(t);
  const est = handling?.ahtSec ?? null;
  return (
    <section id="ana-staffing" aria-labelledby="ana-staffing-h">
      <h2 id="ana-staffing-h">{t('anaStaffing')}</h2>
      <p className="rs-help">{t('anaStaffingHelp')}</p>
      {team ? <p className="rs-help">{t('anaTeamLocalOnly')}</p> : null}
      {handling === null ? (
        <p className="rs-aht" role="status">
          {t('anaLoading')}
        </p>
      ) : (
        <p className="rs-aht" data-aht={est === null ? '' : est.toFixed(1)}>
          {est === null
            ? t('anaAhtNone')
            : t('anaAhtEstimate', [Math.round(est), handling.days, handling.replies, handling.inquiries, sampleDays])}
        </p>
      )}
      <details>
        <summary>{t('anaAhtHow')}</summary>
        <p className="rs-help">{t('anaAhtMethod')}</p>
      </details>
      <div className="rs-staff-form">
        <NumberField
          label={t('anaAhtOverride')}
          help={t('anaAhtOverrideHelp')}
          value={st.ahtOverride}
          placeholder={est === null ? '' : String(Math.round(est))}
          min={1}
          max={3600}
          onCommit={(v) => st.set({ ahtOverride: v })}
        />
        <NumberField
          label={t('anaTargetSec')}
          help={t('anaTargetSecHelp', [defaultTarget])}
          value={st.targetSec}
          placeholder={String(defaultTarget)}
          min={1}
          max={3600}
          onCommit={(v) => st.set({ targetSec: v })}
        />
        <NumberField
          label={t('anaChatsPerAgent')}
          help={t('anaChatsPerAgentHelp')}
          value={st.chatsPerAgent}
          placeholder="1"
          min={1}
          max={20}
          integer
          onCommit={(v) => st.set({ chatsPerAgent: v ?? 1 })}
        />
        <label className="rs-field">
          <span>{t('anaTargetLevel')}</span>
          <select value={st.targetLevel} onChange={(e) => st.set({ targetLevel: Number(e.target.value) })}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {`${Math.round(l * 100)}%`}
              </option>
            ))}
          </select>
        </label>
      </div>
      {plan === null || ahtSec === null ? (
        <p className="rs-empty">{handling === null ? t('anaLoading') : t('anaNoStaffing')}</p>
      ) : (
        <>
          <p className="rs-total" data-testid="staffing-summary">
            {t('anaStaffingRule', [Math.round(st.targetLevel * 100), targetSec, Math.round(ahtSec)])}
            {plan.peak?.need
              ? ` · ${t('anaPeak', {
                  1: wd[plan.peak.weekday]!,
                  2: String(plan.peak.hour).padStart(2, '0'),
                  count: plan.peak.need.agents,
                })}`
              : ''}
          </p>
          <table className="rs-table rs-heat rs-staff" id="ana-staff">
            <caption>{t('anaAgents')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('anaHour')}</th>
                {wd.map((d, i) => (
                  <th key={d} scope="col" title={t('anaObservedDays', [plan.observedDays[i]!])}>
                    {d}
                    <small className="muted"> ×{plan.observedDays[i]}</small>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: 24 }, (_, h) => (
                <tr key={h}>
                  <th scope="row">{`${String(h).padStart(2, '0')}:00`}</th>
                  {plan.slots.map((row, w) => {
                    const s = row[h]!;
                    const agents = s.need?.agents ?? null;
                    return (
                      <td
                        key={w}
                        data-cell={`${w}-${h}`}
                        data-chats={s.need?.chats}
                        title={
                          s.perHour === null
                            ? t('anaNotObserved')
                            : s.need
                              ? t('anaSlotDetail', [
                                  s.perHour.toFixed(1),
                                  s.need.load.toFixed(2),
                                  `${(s.need.serviceLevel * 100).toFixed(1)}%`,
                                  s.need.chats,
                                ])
                              : t('anaTooMany')
                        }
                        className={agents ? 'rs-need' : undefined}
                      >
                        {s.perHour === null ? '·' : agents === null ? '!' : agents || ''}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="rs-help">{t('anaStaffLegend')}</p>
        </>
      )}
    </section>
  );
}
