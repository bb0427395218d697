/**
 * CSV for Excel (and anything else): UTF-8 with a byte-order mark (so Excel reads the Chinese right), CRLF rows,
 * RFC 4180 quoting, times as China-local `YYYY-MM-DD HH:mm:ss`. Text from the pages (buyer nicks, account names)
 * loses its bidi and zero-width controls, and text that starts like a formula is prefixed with `'` so a spreadsheet
 * never runs it (`csvText`, shared with the phrase export).
 */
import { csvText } from '../csv';
import type { ClockRow, RollupRow } from '../model';
import { CHINA_OFFSET_MS } from '../engine/time';

export const BOM = '\uFEFF';

type Cell = string | number | null | undefined;

/** One CSV field. Numbers are written as they are; text goes through the shared guard (`csvText`). */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return csvText(v);
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))];
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** China-local date and time of an instant, `YYYY-MM-DD HH:mm:ss`. */
export function chinaDateTime(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

const time = (ms: number | null) => (ms === null ? null : chinaDateTime(ms));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export const ROLLUP_COLUMNS = [
  'day',
  'platform',
  'account',
  'metric',
  'pass',
  'fail',
  'pending',
  'unknown',
  'notAssessed',
  'rate',
  'cappedSum',
  'cappedCount',
  'averageSec',
  'source',
] as const;

/** Daily rollups, one row each, oldest day first; `source` when the rows come from the team view. */
export function rollupsCsv(rows: readonly (RollupRow & { sourceLabel?: string })[]): string {
  const sorted = [...rows].sort(
    (a, b) =>
      (a.day < b.day ? -1 : a.day > b.day ? 1 : 0) ||
      (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : 0) ||
      (a.account < b.account ? -1 : a.account > b.account ? 1 : 0) ||
      (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0),
  );
  return toCsv(
    ROLLUP_COLUMNS,
    sorted.map((r) => {
      const decided = r.pass + r.fail;
      return [
        r.day,
        r.platform,
        r.account,
        r.metric,
        r.pass,
        r.fail,
        r.pending,
        r.unknown,
        r.notAssessed,
        decided ? round(r.pass / decided, 4) : null,
        round(r.cappedSum, 3),
        r.cappedCount,
        r.cappedCount ? round(r.cappedSum / r.cappedCount, 1) : null,
        r.sourceLabel ?? null,
      ];
    }),
  );
}

export const CLOCK_COLUMNS = [
  'platform',
  'account',
  'buyer',
  'buyerNick',
  'metric',
  'status',
  'startedAt',
  'dueAt',
  'waitingMessages',
  'lastMessageAt',
] as const;

/** Conversation clocks (no chat text), most recent first. */
export function clocksCsv(rows: readonly ClockRow[]): string {
  const sorted = [...rows].sort((a, b) => b.lastMessageAt - a.lastMessageAt || (a.key < b.key ? -1 : 1));
  return toCsv(
    CLOCK_COLUMNS,
    sorted.map((c) => [
      c.platform,
      c.account,
      c.buyer,
      c.buyerNick,
      c.metric,
      c.status,
      time(c.startedAt),
      time(c.dueAt),
      c.waitingMessages,
      chinaDateTime(c.lastMessageAt),
    ]),
  );
}
