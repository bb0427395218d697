/**
 * Alerts that reach an agent who is not looking: one merged notification per urgency level (soon / breach), updated
 * in place under the same id, and short sounds played by the offscreen document; optionally one notification per
 * buyer as well. No chrome.* here: after every change `Sentinel` calls `Alerts.due()` (what just became due, marked
 * once per deadline through the Sentinel's own write) then `Alerts.after()` with it, and the browser is behind
 * `AlertHost`.
 */
import type { Translate } from '../badge';
import type { ClockRow, Platform } from '../model';
import { ceilSec, spokenDuration } from '../duration';
import { chinaMsOfDay } from '../engine/time';
import type { QuietHours, Settings } from '../settings';
import type { SoundName } from '../sounds';
import { isolate } from '../text';

export type { SoundName };

export interface Notice {
  id: string;
  title: string;
  message: string;
  /** Stay on screen until dismissed. */
  requireInteraction?: boolean;
  /** Update a notification already shown in place, without showing it again (nothing when it is gone). */
  silent?: boolean;
}

export type Level = 'soon' | 'breach';
/** The merged notifications' ids: one per level, so each update replaces the last. */
export const MERGED_ID: Record<Level, string> = { soon: 'merged|soon', breach: 'merged|breach' };
/** How many buyers a merged notification names (then "…"). */
export const MERGED_NAMES = 5;
/** A breach older than this when first noticed (e.g. after the browser was closed) is recorded silently. */
export const STALE_BREACH_MS = 5 * 60_000;

/** What a clock's alert bookkeeping stores: the deadline its warning / its breach was announced for. */
export type DueMark = Pick<ClockRow, 'alertedFor'> | Pick<ClockRow, 'breachedFor'>;
/** Stores a clock's mark (the caller's database write, in its serial queue) before the clock is counted as told. */
export type StoreMark = (key: string, mark: DueMark) => Promise<unknown>;

export interface AlertHost {
  now(): number;
  notify(n: Notice): Promise<void>;
  clearNotice(id: string): Promise<void>;
  /** Play one bundled sound at `volume` (0–1) through the offscreen document. */
  playSound(sound: SoundName, volume: number): Promise<void>;
  t: Translate;
}

/** Whether `now` falls in the quiet hours (China time; a period may wrap past midnight). */
export function inQuietHours(now: number, q: QuietHours): boolean {
  if (!q.on) return false;
  const min = Math.floor(chinaMsOfDay(now) / 60_000);
  return q.startMin < q.endMin ? min >= q.startMin && min < q.endMin : min >= q.startMin || min < q.endMin;
}

/** What happened in one change: which sound, if any, plays (the most serious; none when off or quiet). */
export function soundFor(
  happened: { newQuestion: boolean; soon: boolean; breach: boolean },
  s: Pick<Settings, 'soundVolume' | 'soundNew' | 'soundSoon' | 'soundBreach' | 'quietHours'>,
  now: number,
): SoundName | null {
  if (s.soundVolume <= 0 || inQuietHours(now, s.quietHours)) return null;
  if (happened.breach && s.soundBreach) return 'breach';
  if (happened.soon && s.soundSoon) return 'soon';
  if (happened.newQuestion && s.soundNew) return 'new';
  return null;
}

/** The merged notification of one level: most urgent first (`clocks` already in that order). */
export function mergedNotice(
  level: Level,
  clocks: readonly ClockRow[],
  now: number,
  t: Translate,
  breachStays: boolean,
): Notice {
  const names = clocks.slice(0, MERGED_NAMES).map((c) => {
    // Page text in a plain-text notification: controls removed, isolated (FSI … PDI).
    const who = isolate(c.buyerNick ?? c.buyer);
    const left = (c.dueAt ?? now) - now;
    // In words ("剩 12 秒", "超 1 分 3 秒"): a notification has room for them.
    const time = spokenDuration(ceilSec(Math.abs(left)), t, true);
    return t('notifyMergedItem', [who, t(level === 'soon' ? 'badgeLeft' : 'badgeOver', [time])]);
  });
  return {
    id: MERGED_ID[level],
    title: t(level === 'soon' ? 'notifyMergedSoonTitle' : 'notifyMergedBreachTitle', { count: clocks.length }),
    message: names.join(t('ioListSep')) + (clocks.length > MERGED_NAMES ? t('ioListSep') + '…' : ''),
    ...(level === 'breach' && breachStays && { requireInteraction: true }),
  };
}

export interface Change {
  /** Open clocks (pending and recently breached), most urgent first. */
  open: readonly ClockRow[];
  /** Clocks whose pre-breach warning is due now (first time). */
  soon: readonly ClockRow[];
  /** Clocks that breached just now (first time, fresh). */
  breached: readonly ClockRow[];
  settings: Settings;
}

/** What became due at one change: the warnings and the fresh breaches announced now (`Alerts.due`). */
export interface Due {
  soon: ClockRow[];
  breached: ClockRow[];
}

function platformName(p: Platform, t: Translate): string {
  return t(`platform_${p}`);
}

export class Alerts {
  /** The waits seen open so far (`key|startedAt`); null until the first change after a worker start seeds it. */
  private known: Set<string> | null = null;
  /** Per level: the buyers the merged notification shows ('' = none shown; absent = unknown after a start). */
  private shown = new Map<Level, string>();
  /** Per level: the conversation its notification opens (the most urgent one). */
  private target = new Map<Level, string>();
  /** Sounds asked for, in order (for the benchmark and tests). */
  readonly played: { sound: SoundName; at: number }[] = [];

  constructor(private host: AlertHost) {}

  /** The conversation a merged notification opens, or undefined (not a merged id, or nothing urgent). */
  targetOf(id: string): string | undefined {
    const level = (Object.keys(MERGED_ID) as Level[]).find((l) => MERGED_ID[l] === id);
    return level && this.target.get(level);
  }

  /** The user closed (or clicked) a merged notification: the next new buyer shows it again. */
  closed(id: string): void {
    for (const l of Object.keys(MERGED_ID) as Level[]) if (MERGED_ID[l] === id) this.shown.set(l, '');
  }

  /**
   * Marks, among the open clocks, the warnings and breaches that became due since the last change (each deadline
   * once: `alertedFor` / `breachedFor`, stored through `store` and set on the clock), and shows one notification per
   * buyer for each when `perBuyerNotices` is on. A breach first noticed more than `STALE_BREACH_MS` after its
   * deadline is marked silently. Returns what became due, for `after`.
   */
  async due(open: readonly ClockRow[], now: number, s: Settings, store: StoreMark): Promise<Due> {
    const t = this.host.t;
    const lead = s.alertLeadSec;
    const soon: ClockRow[] = [];
    const breached: ClockRow[] = [];
    const perBuyer = s.notifications && s.perBuyerNotices;
    for (const c of open) {
      if (c.dueAt === null) continue;
      // Page text in a plain-text notification: controls removed, isolated (FSI … PDI).
      const who = isolate(c.buyerNick ?? c.buyer);
      if (c.status === 'pending' && lead > 0 && c.alertAt !== null && now >= c.alertAt && c.alertedFor !== c.dueAt) {
        await store(c.key, { alertedFor: c.dueAt });
        c.alertedFor = c.dueAt;
        soon.push(c);
        if (perBuyer) {
          const secs = Math.max(0, Math.ceil((c.dueAt - now) / 1000));
          await this.host.notify({
            id: `alert|${c.key}|${c.dueAt}`,
            title: t('notifySoonTitle', [spokenDuration(secs, t, true)]),
            message: t('notifySoonBody', [who, platformName(c.platform, t)]),
          });
        }
      }
      if (c.status === 'breached' && c.breachedFor !== c.dueAt) {
        await store(c.key, { breachedFor: c.dueAt });
        c.breachedFor = c.dueAt;
        if (now - c.dueAt <= STALE_BREACH_MS) {
          breached.push(c);
          if (perBuyer)
            await this.host.notify({
              id: `breach|${c.key}|${c.dueAt}`,
              title: t('notifyBreachTitle'),
              message: t('notifyBreachBody', [who, platformName(c.platform, t)]),
              ...(s.breachStays && { requireInteraction: true }),
            });
        }
      }
    }
    return { soon, breached };
  }

  async after(c: Change): Promise<void> {
    const now = this.host.now();
    const s = c.settings;
    // A new question: a wait not open at the last change (nothing on the first change after a start: no burst).
    const pending = c.open.filter((x) => x.status === 'pending');
    const ids = new Set(pending.map((x) => `${x.key}|${x.startedAt}`));
    const newQuestion = this.known !== null && [...ids].some((k) => !this.known!.has(k));
    this.known = ids;

    if (s.notifications) {
      const soonNow = pending.filter((x) => s.alertLeadSec > 0 && x.alertAt !== null && now >= x.alertAt);
      const breachNow = c.open.filter((x) => x.status === 'breached');
      await this.merged('soon', soonNow, c.soon.length > 0, now, s);
      await this.merged('breach', breachNow, c.breached.length > 0, now, s);
    }

    const sound = soundFor({ newQuestion, soon: c.soon.length > 0, breach: c.breached.length > 0 }, s, now);
    if (sound) {
      this.played.push({ sound, at: now });
      await this.host.playSound(sound, s.soundVolume / 100);
    }
  }

  private async merged(level: Level, clocks: ClockRow[], fresh: boolean, now: number, s: Settings): Promise<void> {
    const sig = clocks.map((x) => x.key).join('\n');
    const was = this.shown.get(level);
    if (clocks[0]) this.target.set(level, clocks[0].key);
    else this.target.delete(level);
    if (!clocks.length) {
      if (was !== '') await this.host.clearNotice(MERGED_ID[level]);
      this.shown.set(level, '');
      return;
    }
    if (!fresh && sig === was) return;
    const n = mergedNotice(level, clocks, now, this.host.t, s.breachStays);
    // New buyers pop it up again; fewer (answered) only update the text in place.
    await this.host.notify(fresh ? n : { ...n, silent: true });
    this.shown.set(level, sig);
  }
}
