import { pick } from '@/lib/i18n';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState, type FormEvent } from 'react';
import { PRUNE_NOTICE_KEY, type PruneNotice } from '@/lib/db/meta';
import { metaRow } from '@/lib/db/queries';
import { ask } from '@/lib/ui/ask';
import {
  DEFAULT_RULES,
  SMART_REPLY_PLATFORMS,
  allMetrics,
  effectiveRules,
  smartRepliesCount,
  withSmartReplies,
  type RuleEdits,
  type SmartReplyPlatform,
} from '@/lib/rules';
import { SETTINGS_RESET_KEY, WORD_LIMITS, settingsFromRows, type RejectedSetting, type Settings } from '@/lib/settings';
import { uiDb } from '@/lib/ui/db';
import { SOUND_FILES, type SoundName } from '@/lib/sounds';
import { Check, Field } from './Field';
import { useT } from './i18n';
import { RuleEditor } from './RuleEditor';

/** Minutes of the day from an `<input type="time">` value (HH:MM), or null. */
const minutesOf = (value: string) => {
  const m = /^(\d\d):(\d\d)$/.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
};

/** 试听: the settings page plays the bundled sound itself, at the volume in the form. */
function playSample(sound: SoundName, volumePct: number) {
  const audio = new Audio(SOUND_FILES[sound]);
  audio.volume = volumePct / 100;
  void audio.play().catch(() => undefined);
}

const SOUND_TOGGLES = [
  ['soundNew', 'new', 'optSoundNew'],
  ['soundSoon', 'soon', 'optSoundSoon'],
  ['soundBreach', 'breach', 'optSoundBreach'],
] as const;

const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** Settings, read live from the database; saved through the background (which validates them). */
export function SettingsPage() {
  const t = useT();
  const stored = useLiveQuery(() => uiDb.settings.toArray(), []);
  // What the user changed and has not saved yet; the form shows stored values under it.
  const [draft, setDraft] = useState<Partial<Settings>>({});
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  // Stored values pass the same schema the background uses; an invalid one shows its default.
  const storedSettings = settingsFromRows(stored ?? []).settings;
  const form = { ...storedSettings, ...draft };
  // Smart-reply switches changed and not saved yet, per platform.
  const [smart, setSmart] = useState<Partial<Record<SmartReplyPlatform, boolean>>>({});
  const rules = effectiveRules(form.ruleOverrides);
  // Retired metrics are computed no more: not in the rule table, named under it (their history stays readable).
  const retired = allMetrics(rules).filter((m) => m.retired !== undefined);
  const reset = useLiveQuery(() => metaRow(uiDb, SETTINGS_RESET_KEY), [])?.value as
    { at: number; rejected: RejectedSetting[] } | undefined;
  const setForm = (next: Partial<Settings>) => setDraft({ ...draft, ...next });

  const prune = useLiveQuery(() => metaRow(uiDb, PRUNE_NOTICE_KEY), [])?.value as PruneNotice | undefined;
  const [purged, setPurged] = useState('');
  async function purge() {
    if (!confirm(t('optPurgeConfirm'))) return;
    const reply = await ask({ type: 'purgeAll' });
    setPurged(reply.ok ? t('optPurged', { count: reply.removed ?? 0 }) : t('optError', [reply.error]));
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const patch = {
      notifications: form.notifications,
      perBuyerNotices: form.perBuyerNotices,
      breachStays: form.breachStays,
      tabTitle: form.tabTitle,
      soundVolume: form.soundVolume,
      soundNew: form.soundNew,
      soundSoon: form.soundSoon,
      soundBreach: form.soundBreach,
      quietHours: form.quietHours,
      language: form.language,
      retentionDays: form.retentionDays,
      agentName: form.agentName,
      shopName: form.shopName,
      nickFallback: form.nickFallback,
    };
    // The smart-reply switches change only the `validReply` field of their platforms' metrics, merged by the
    // background with the overrides stored then (the rule editor's limits and windows stay as they are).
    const ruleEdits: RuleEdits = {};
    for (const [p, on] of Object.entries(smart) as [SmartReplyPlatform, boolean][]) {
      const next = withSmartReplies(DEFAULT_RULES, storedSettings.ruleOverrides, p, on);
      for (const m of DEFAULT_RULES.platforms[p].metrics)
        ruleEdits[m.key] = { validReply: next[m.key]?.validReply ?? null };
    }
    const reply = await ask({
      type: 'settings',
      patch,
      ...(Object.keys(ruleEdits).length ? { rules: ruleEdits } : {}),
    });
    if (reply.ok) {
      setDraft({});
      setSmart({});
    }
    setStatus(reply.ok ? { ok: true, text: t('optSaved') } : { ok: false, text: t('optError', [reply.error]) });
  }

  return (
    <main>
      <h1>{t('optionsTitle')}</h1>
      {reset?.rejected.length ? (
        <p className="warn" role="alert" id="rs-settings-reset">
          {t('settingsResetBody', [reset.rejected.map((r) => r.key).join(', ')])}
        </p>
      ) : null}
      <form onSubmit={save} aria-describedby="rs-status">
        <Check
          className="rs-field"
          name="notifications"
          checked={form.notifications}
          onCheck={(notifications) => setForm({ notifications })}
          label={t('optNotifications')}
        />
        <fieldset className="rs-field">
          <legend>{t('optNoticeHeading')}</legend>
          {(
            [
              ['perBuyerNotices', 'optPerBuyer'],
              ['breachStays', 'optBreachStays'],
              ['tabTitle', 'optTabTitle'],
            ] as const
          ).map(([key, label]) => (
            <Check key={key} name={key} checked={form[key]} onCheck={(on) => setForm({ [key]: on })} label={t(label)} />
          ))}
        </fieldset>
        <fieldset className="rs-field" id="rs-sound">
          <legend>{t('optSoundHeading')}</legend>
          <label style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
            <span>{t('optSoundVolume')}</span>
            <input
              type="range"
              min={0}
              max={100}
              step={5}
              name="soundVolume"
              value={form.soundVolume}
              onChange={(e) => setForm({ soundVolume: Number(e.target.value) })}
            />
            <span>{form.soundVolume}%</span>
          </label>
          {SOUND_TOGGLES.map(([key, sound, label]) => (
            <div key={key} style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
              <Check name={key} checked={form[key]} onCheck={(on) => setForm({ [key]: on })} label={t(label)} />
              <button type="button" data-sound={sound} onClick={() => playSample(sound, form.soundVolume)}>
                {t('optSoundTest')}
              </button>
            </div>
          ))}
          <Check
            name="quietOn"
            checked={form.quietHours.on}
            onCheck={(on) => setForm({ quietHours: { ...form.quietHours, on } })}
            label={t('optQuietHours')}
          />
          {(
            [
              ['startMin', 'optQuietFrom'],
              ['endMin', 'optQuietTo'],
            ] as const
          ).map(([key, label]) => (
            <label key={key} style={{ display: 'inline-flex', gap: 8, alignItems: 'center', marginRight: 12 }}>
              <span>{t(label)}</span>
              <input
                type="time"
                name={`quiet-${key}`}
                disabled={!form.quietHours.on}
                value={hhmm(form.quietHours[key])}
                onChange={(e) => {
                  const min = minutesOf(e.target.value);
                  if (min !== null) setForm({ quietHours: { ...form.quietHours, [key]: min } });
                }}
              />
            </label>
          ))}
        </fieldset>
        <label className="rs-field">
          <span>{t('optLanguage')}</span>
          <select
            name="language"
            value={form.language}
            onChange={(e) => setForm({ language: e.target.value as Settings['language'] })}
          >
            <option value="auto">{t('optLanguageAuto')}</option>
            <option value="zh_CN">简体中文</option>
            <option value="en">English</option>
          </select>
        </label>
        <Field
          label={t('optRetention')}
          type="number"
          min={1}
          max={400}
          name="retentionDays"
          value={form.retentionDays}
          onValue={(v) => setForm({ retentionDays: Number(v) })}
          help={<span className="rs-help">{t('optRetentionHelp')}</span>}
        />
        <fieldset className="rs-field">
          <legend>{t('optPhraseNames')}</legend>
          {(
            [
              ['agentName', 'optAgentName'],
              ['shopName', 'optShopName'],
              ['nickFallback', 'optNickFallback'],
            ] as const
          ).map(([key, label]) => (
            <Field
              key={key}
              label={t(label)}
              type="text"
              name={key}
              maxLength={WORD_LIMITS[key]}
              value={form[key]}
              onValue={(v) => setForm({ [key]: v })}
            />
          ))}
          <span className="rs-help">{t('optPhraseNamesHelp')}</span>
        </fieldset>
        <fieldset className="rs-field" id="rs-smart-replies">
          <legend>{t('optSmartReplies')}</legend>
          {SMART_REPLY_PLATFORMS.map((p) => (
            <Check
              key={p}
              name={`smartReplies-${p}`}
              checked={smart[p] ?? smartRepliesCount(rules, p)}
              onCheck={(on) => setSmart({ ...smart, [p]: on })}
              label={t(`platform_${p}`)}
            />
          ))}
          <span className="rs-help">{t('optSmartRepliesHelp')}</span>
        </fieldset>
        <button type="submit" className="rs-primary">
          {t('optSave')}
        </button>{' '}
        <span id="rs-status" role="status" className={status?.ok ? 'rs-ok' : 'rs-error'}>
          {status?.text}
        </span>
      </form>
      <h2>{t('optData')}</h2>
      <p className="rs-help">{t('optDataHelp')}</p>
      {prune ? <p className="warn">{t('pruneBody', [prune.events, prune.units])}</p> : null}
      <button type="button" onClick={() => void purge()}>
        {t('optPurge')}
      </button>{' '}
      <span role="status" id="rs-purge-status">
        {purged}
      </span>
      <h2>{t('optRules', [DEFAULT_RULES.version])}</h2>
      <RuleEditor overrides={storedSettings.ruleOverrides} alertLeadSec={storedSettings.alertLeadSec} t={t} />
      {retired.length ? (
        <p className="rs-help" id="rs-rules-retired">
          {t('optRulesRetired', [
            retired.map((m) => `${t(`platform_${m.platform}`)} ${pick(m.label, t.lang)}`).join(t('ioSep')),
          ])}
        </p>
      ) : null}
    </main>
  );
}
