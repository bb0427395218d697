import type { Author, Platform } from '../model';

export type Confidence = 'H' | 'M' | 'L';

/** A daily window `[start, end)` in China local time (UTC+8), in minutes after midnight. */
export interface DailyWindow {
  startMin: number;
  endMin: number;
}

/**
 * How messages are grouped into the things a platform counts:
 * - round: buyer's first message → first valid reply (Taobao 对话轮次);
 * - consumerDay: all of one buyer's rounds on one China date (PDD, Kuaishou);
 * - session: rounds separated by less than `sessionGapSec` of silence, or ended by a sessionEnd marker
 *   (JD consultations, Douyin/XHS sessions);
 * - message: every buyer inquiry message, each timed to the first valid reply after it (1688 平均每条响应率);
 * - dayFirstMessage: the buyer's first inquiry message of each China day inside the window (1688 首条响应率).
 * Message units are built by `lib/engine/messages-rate.ts`; `judged` does not apply to them.
 */
export type UnitKind = 'round' | 'consumerDay' | 'session' | 'message' | 'dayFirstMessage';

/** Which rounds of a unit are judged: every round (any late round fails the unit) or the first only. */
export type Judged = 'allRounds' | 'firstRound';

export type Formula =
  /** share of units that passed (answered within the threshold) */
  | 'rate'
  /** mean response time, each unit capped at `capSec`, an unreplied unit counts `capSec` */
  | 'cappedAverage';

export interface Localized {
  zh: string;
  en: string;
}

export interface MetricRule {
  /** e.g. `pdd.manual3min` */
  key: string;
  platform: Platform;
  label: Localized;
  unit: UnitKind;
  judged: Judged;
  formula: Formula;
  /** A reply later than this many seconds after the clock start fails the unit. */
  thresholdSec: number;
  /** For cappedAverage: the cap and the value of an unreplied unit. */
  capSec?: number;
  /** For session units. */
  sessionGapSec?: number;
  window: DailyWindow;
  /** Outgoing authors that stop the clock. */
  validReply: readonly Author[];
  /** Replies sooner than this after the latest buyer message are auto-replies (Taobao: no 0-second replies). */
  minReplyDelaySec?: number;
  /**
   * Assessed only from the moment the conversation reaches a human (Douyin, Kuaishou): robot-only conversations are
   * not assessed (see engine/stage.ts).
   */
  humanStage?: boolean;
  /** Perfunctory replies (flagged by the adapter) do not count (Douyin from 2026-09-29). */
  perfunctoryInvalidFrom?: string;
  /** The period the platform publishes, in days (1 = previous day). */
  periodDays: readonly number[];
  /** A rate under this share is shown as a warning (0..1). */
  warnBelow?: number;
  /** Not assessed below this many units in the platform period. */
  minVolume?: number;
  confidence: Confidence;
  /** What the rule is based on, shown in the UI. */
  note: Localized;
  /**
   * The rules version that retired this metric: it is computed no more, and its stored units and rollups (days
   * whose messages are gone) stay readable under its label wherever there are some (1688's round-based metric).
   */
  retired?: string;
}

export interface PlatformRules {
  platform: Platform;
  label: Localized;
  /** The metric whose threshold drives the live countdown. */
  primary: string;
  metrics: readonly MetricRule[];
}

export interface RuleSet {
  /** Version of the shipped defaults, e.g. `2026.11.1`. */
  version: string;
  platforms: Readonly<Record<Platform, PlatformRules>>;
}

/** What a user may override, per metric: the type comes from the schema in `overrides.ts`. */
export type { MetricOverride, RuleOverrides } from './overrides';
