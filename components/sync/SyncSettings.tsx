import { useEffect, useState, type FormEvent, type MouseEvent } from 'react';
import type { Key, Translate } from '@/lib/i18n';
import { chinaDateTime } from '@/lib/analytics/csv';
import { checkDbUrl, syncOrigin } from '@/lib/sync/url';
import type { SyncErrorCode } from '@/lib/sync/errors';
import type { SyncStatus } from '@/lib/sync/pusher';
import { safeText } from '@/lib/text';
import { ask } from '@/lib/ui/ask';
import { Check, Field } from '../Field';

const ERROR_KEY: Record<SyncErrorCode, Key> = {
  auth: 'syncErrAuth',
  permission: 'syncErrPermission',
  network: 'syncErrNetwork',
  notFound: 'syncErrNotFound',
  server: 'syncErrServer',
};

/** A refusal from the background ("auth: detail") in words. */
export function syncErrorText(error: string, t: Translate): string {
  const m = /^(auth|permission|network|notFound|server): ?([\s\S]*)$/.exec(error);
  return m ? t(ERROR_KEY[m[1] as SyncErrorCode], [safeText(m[2]!)]) : t('syncErrInput', [safeText(error)]);
}

const blank = { enabled: false, viewOnly: false, url: '', user: '', password: '', label: '' };

/**
 * Team sync's settings (off by default): the owner's CouchDB database, this agent's user and password, the name the
 * owner sees. Saving with sync on first asks Chrome for the database's origin (a runtime host permission), then the
 * background checks the server with these credentials before storing anything.
 */
export function SyncSettings({ t }: { t: Translate }) {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  // What the user changed and has not saved yet; the form shows the stored setting under it (never the password).
  const [draft, setDraft] = useState<Partial<typeof blank>>({});
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const read = async () => {
      const r = await ask({ type: 'syncStatus' });
      if (!live || !r.ok) return;
      const { ok: _ok, ...s } = r;
      setStatus(s);
    };
    void read();
    const h = setInterval(() => void read(), 3000);
    return () => {
      live = false;
      clearInterval(h);
    };
  }, []);
  const c = status?.config;
  const form = {
    ...blank,
    ...(c && { enabled: c.enabled, viewOnly: !!c.viewOnly, url: c.url, user: c.user, label: c.label }),
    ...draft,
  };
  const set = (next: Partial<typeof blank>) => setDraft({ ...draft, ...next });
  const urlProblem = form.url ? checkDbUrl(form.url.trim()) : undefined;
  const urlProblemText = urlProblem ? t(`syncUrl_${urlProblem}`) : undefined;

  async function save(e: FormEvent | MouseEvent) {
    e.preventDefault();
    setResult(null);
    const url = form.url.trim();
    if (form.enabled && (!url || urlProblem)) {
      setResult({ ok: false, text: t('syncErrInput', [urlProblemText ?? t('syncUrl')]) });
      return;
    }
    setBusy(true);
    try {
      if (form.enabled) {
        // Asked here, in the click: Chrome grants host permissions only from a user gesture.
        const { pattern } = syncOrigin(url);
        const granted = await browser.permissions.request({ origins: [pattern] }).catch(() => false);
        if (!granted) {
          setResult({ ok: false, text: t('syncErrPermission', [pattern]) });
          return;
        }
      }
      const reply = await ask({
        type: 'syncSet',
        config: {
          enabled: form.enabled,
          url: url || 'https://localhost/sentinel',
          user: form.user.trim() || '-',
          password: form.password,
          label: form.label.trim(),
          viewOnly: form.viewOnly,
        },
      });
      setResult(
        !reply.ok
          ? { ok: false, text: syncErrorText(reply.error, t) }
          : reply.withdraw === 'failed'
            ? { ok: false, text: t('syncSavedWithdrawFailed', [safeText(reply.detail ?? '')]) }
            : { ok: true, text: t(reply.withdraw === 'done' ? 'syncSavedWithdrawn' : 'syncSaved') },
      );
      if (reply.ok) {
        setDraft({});
        const s = await ask({ type: 'syncStatus' });
        if (s.ok) {
          const { ok: _ok, ...rest } = s;
          setStatus(rest);
        }
      }
    } finally {
      setBusy(false);
    }
  }

  const state = !status?.config?.enabled
    ? t('syncStateOff')
    : status.config.viewOnly
      ? t('syncStateViewOnly')
      : status.error
        ? `${syncErrorText(`${status.error.code}: ${status.error.detail}`, t)}${status.retryAt ? ' · ' + t('syncRetryAt', [chinaDateTime(status.retryAt)]) : ''}`
        : status.lastOkAt
          ? t('syncStateOk', [chinaDateTime(status.lastOkAt)])
          : t('syncStateConnecting');

  return (
    <section id="rs-sync" aria-labelledby="rs-sync-title">
      <h2 id="rs-sync-title">{t('syncTitle')}</h2>
      <p className="rs-help">{t('syncHelp')}</p>
      <form onSubmit={(e) => void save(e)}>
        <Check
          className="rs-field"
          name="syncEnabled"
          checked={form.enabled}
          onCheck={(enabled) => set({ enabled })}
          label={t('syncEnabled')}
        />
        <Check
          className="rs-field"
          name="syncViewOnly"
          checked={form.viewOnly}
          onCheck={(viewOnly) => set({ viewOnly })}
          label={t('syncViewOnly')}
        />
        <Field
          label={t('syncUrl')}
          type="url"
          name="syncUrl"
          value={form.url}
          placeholder={t('syncUrlPlaceholder')}
          aria-invalid={urlProblem ? true : undefined}
          onValue={(url) => set({ url })}
          help={
            <span className={urlProblem ? 'rs-error' : 'rs-help'}>
              {urlProblemText ? t('syncErrInput', [urlProblemText]) : t('syncUrlHelp')}
            </span>
          }
        />
        <Field
          label={t('syncUser')}
          type="text"
          name="syncUser"
          autoComplete="username"
          value={form.user}
          onValue={(user) => set({ user })}
        />
        <Field
          label={t('syncPassword')}
          type="password"
          name="syncPassword"
          autoComplete="current-password"
          value={form.password}
          placeholder={status?.hasPassword ? t('syncPasswordKept') : ''}
          onValue={(password) => set({ password })}
        />
        <Field
          label={t('syncLabel')}
          type="text"
          name="syncLabel"
          maxLength={100}
          value={form.label}
          onValue={(label) => set({ label })}
        />
        {/* A plain button: the settings form above keeps the page's only submit button (its tests find it so). */}
        <button type="button" id="rs-sync-save" disabled={busy} onClick={(e) => void save(e)}>
          {t('syncSave')}
        </button>{' '}
        <span id="rs-sync-result" role="status" className={result?.ok ? 'rs-ok' : 'rs-error'}>
          {result?.text}
        </span>
      </form>
      <p id="rs-sync-state" className="rs-help">
        {state}
      </p>
    </section>
  );
}
