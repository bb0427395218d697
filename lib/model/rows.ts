/**
 * The rows the database stores, one interface per table (`lib/db/schema.ts` declares the tables and their indexes).
 * Types only: content scripts, adapters, the engine and the UI take these from `lib/model`, never from `lib/db`.
 */
import type { DayStatRow } from '../analytics/daystats';
import type { Clock, UnitOutcome } from '../engine';
import type { Health, HealthParts } from '../health';
import type { ChatEvent, CoverageSpan, Platform } from './index';

export type { DayStatRow };

/** A stored event: the event plus its idempotency key and conversation key. */
export interface EventRow extends ChatEvent {
  key: string;
  conv: string;
}

/** A stored clock: the engine's clock plus what the background already told the user about it. */
export interface ClockRow extends Clock {
  /** The dueAt for which the "about to breach" alert was shown (so it is shown once). */
  alertedFor?: number;
  /** The dueAt for which the breach was announced. */
  breachedFor?: number;
}

export type UnitRow = UnitOutcome;

/** Daily figures of one metric for one account: what the popup and analytics read (never full scans). */
export interface RollupRow {
  /** `${metric}|${day}|${platform}|${account}` */
  id: string;
  metric: string;
  day: string;
  platform: Platform;
  account: string;
  pass: number;
  fail: number;
  pending: number;
  unknown: number;
  notAssessed: number;
  cappedSum: number;
  cappedCount: number;
  updatedAt: number;
}

export interface CoverageRow extends CoverageSpan {
  id?: number;
  tabId: number;
  /** 1 while the tab is still reporting, 0 once closed (IndexedDB cannot index booleans). */
  open: 0 | 1;
}

export interface TabRow {
  tabId: number;
  platform: Platform;
  account: string;
  url: string;
  health: Health;
  /** Which parts of the page the tab reads (absent on rows stored before parts existed). */
  parts?: HealthParts;
  lastSeen: number;
  /** The conversation open in that tab, if the adapter knows it. */
  activeBuyer?: string;
  /** When the tab's chat input last got the focus (quick phrases go to the most recent one). */
  inputAt?: number;
  /** Messages refused from this tab for sending too much (`lib/background/traffic.ts`), if any. */
  dropped?: { messages: number; events: number; at: number };
}

export interface PhraseRow {
  id?: number;
  text: string;
  group: string;
  tags: string[];
  shortcut?: string;
  platforms?: Platform[];
  usage: number;
  updatedAt: number;
  /**
   * Search key, derived from `text` by the background's store at every write (not indexed: no schema change):
   * one toneless pinyin syllable per code point, '' for non-Chinese ones, space-separated (`lib/phrases/pinyin.ts`).
   * Rows from before it are given one when the library is next read.
   */
  pinyin?: string;
  /** When the phrase was last inserted (absent: never, or only before use times were kept). */
  usedAt?: number;
  /** Its uses, each weighing half as much per half-life of age, as of `usedAt` (`lib/phrases/search.ts` useScore). */
  recent?: number;
}

/**
 * A daily rollup imported from another agent's export (the team view). Keyed by the exporting installation
 * (`source`) and the rollup id: a re-import of the same source replaces its rows, never adds them twice.
 */
export interface TeamRollupRow extends RollupRow {
  /** The exporting installation's id (its `meta.agentId`). */
  source: string;
  /** The name the exporting agent gave (shown in the UI as text). */
  sourceLabel: string;
  /** When the other agent exported the file. */
  exportedAt: number;
  /** When it was imported here. */
  importedAt: number;
}

export interface SettingRow {
  key: string;
  value: unknown;
}

export interface MetaRow {
  key: string;
  value: unknown;
}
