import type { Clock } from './engine';
import { healthLabels, type Health, type HealthParts } from './health';

export interface BadgeView {
  text: string;
  /** CSS colour for the badge background. */
  color: string;
  /** Tooltip, already localised by the caller's `t`. */
  title: string;
}

export const BADGE_COLORS = {
  calm: '#1677ff',
  soon: '#fa8c16',
  urgent: '#f5222d',
  breached: '#a8071a',
  blind: '#8c8c8c',
} as const;

import type { Translate } from './i18n';

export type { Translate };

/**
 * `m:ss` under 10 minutes, whole minutes above: for the toolbar badge only (chrome.action.setBadgeText shows about
 * four characters, so it stays compact, like "!N"). Everywhere with room the time is in words (`lib/duration.ts`).
 */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s >= 600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A workbench tab that is not watching: its state and, when it reported them, its parts. */
export interface BlindTab {
  health: Health;
  parts?: HealthParts;
}

/**
 * What the toolbar badge shows: the most urgent countdown (m:ss, colour by urgency); "!N" when buyers have
 * already waited past the deadline and nothing is counting down; "?" when a workbench tab cannot see the chat.
 * The title says what the blind tabs miss (each missing part once: "看不到聊天记录、认不出登录账号").
 */
export function badgeView(
  clocks: readonly Clock[],
  now: number,
  opts: { alertLeadSec: number; blind: readonly BlindTab[]; t: Translate; notes?: readonly string[] },
): BadgeView {
  const blindTabs = opts.blind.length;
  const pending = clocks.filter((c) => c.status === 'pending' && c.dueAt !== null).sort((a, b) => a.dueAt! - b.dueAt!);
  const breached = clocks.filter((c) => c.status === 'breached');
  const parts: string[] = [];
  if (pending.length) parts.push(opts.t('badgeWaiting', { count: pending.length }));
  if (breached.length) parts.push(opts.t('badgeBreached', [breached.length]));
  if (blindTabs) {
    const what = [...new Set(opts.blind.flatMap((b) => healthLabels(opts.t, b.health, b.parts)))];
    parts.push(opts.t('badgeBlindWhat', { count: blindTabs, 2: what.join(opts.t('partSeparator')) }));
  }
  // Why nothing may count down: "不在考核时段（拼多多 08:00–23:00）" (`lib/assessed.ts`).
  parts.push(...(opts.notes ?? []));
  const title = parts.length ? parts.join(' · ') : opts.t('badgeAllClear');

  const next = pending[0];
  if (next) {
    const left = next.dueAt! - now;
    const color =
      left <= 30_000 ? BADGE_COLORS.urgent : left <= opts.alertLeadSec * 1000 ? BADGE_COLORS.soon : BADGE_COLORS.calm;
    return { text: formatCountdown(left), color, title };
  }
  if (breached.length)
    return { text: `!${breached.length > 99 ? '99+' : breached.length}`, color: BADGE_COLORS.breached, title };
  if (blindTabs) return { text: '?', color: BADGE_COLORS.blind, title };
  return { text: '', color: BADGE_COLORS.calm, title };
}

/** The toolbar calls a badge paint needs (chrome.action's setters, injected so this stays testable). */
export interface BadgeApi {
  text(text: string): Promise<void>;
  color(color: string): Promise<void>;
  textColor(color: string): Promise<void>;
  title(title: string): Promise<void>;
}

/**
 * A badge painter that calls only the setters whose value changed since the last paint: the badge is painted after
 * every message and every second while a clock counts down, and each chrome.action call costs the service worker
 * 1–4 ms of its own time (argument checks, a message to the browser), which the next buyer message waits behind.
 * The text colour is set once. A setter that fails forgets its value, so the next paint sets it again.
 */
export function badgePainter(api: BadgeApi, textColor = '#ffffff'): (view: BadgeView) => Promise<void> {
  const shown: { text?: string; color?: string; textColor?: string; title?: string } = {};
  return async (view) => {
    const calls: Promise<void>[] = [];
    const set = (key: keyof typeof shown, value: string, call: (v: string) => Promise<void>) => {
      if (shown[key] === value) return;
      shown[key] = value;
      calls.push(
        // A setter that throws at once (an old browser without it) is retried too.
        Promise.resolve()
          .then(() => call(value))
          .catch((err: unknown) => {
            if (shown[key] === value) delete shown[key];
            throw err;
          }),
      );
    };
    // The text first: it is what the agent looks at (and what the latency benchmark waits for).
    set('text', view.text, api.text);
    set('color', view.color, api.color);
    set('textColor', textColor, api.textColor);
    set('title', view.title, api.title);
    await Promise.all(calls);
  };
}
