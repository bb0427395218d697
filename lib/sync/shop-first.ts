/**
 * The owner view's start (analytics page, team view): the connection — `syncConnect`, the setting's server and
 * credentials from the background — and, with it, the first screen's read (`readFirstScreen`). One code path for
 * both starts: the page's first script (/analytics-first.js, `entrypoints/analytics-first.ts`) starts it when the
 * page opens in its team view, while the browser still loads React, the page and the owner view's chunk, and leaves
 * it on `__rsShopFirst`; the owner view (`ShopLive.tsx`) takes it once (`takeShopStart`) if it is for the view's
 * own period and day, else starts its own (`startShop`). Small, no React, no PouchDB, no schemas: the first script
 * bundles it.
 *
 * The credentials stay in this page's memory (the promise's value, as in the view's own start): never stored, and the
 * global is the extension page's own (no web page reaches it); it is cleared when taken, or after
 * `SHOP_START_KEPT_MS` when nothing took it.
 */
import type { ReplyOf } from '../protocol';
import { chinaDay } from '../engine/time';
import { agentsAndClocksRange, daysRollupsRange, daysSummariesRange, queuesRange } from './docs';
import { httpDb, type Fetch, type ReadDb } from './http';

/** The periods the owner view offers (a shop owner checks yesterday's platform score, or a week, a month). */
export const SHOP_RANGES = ['today', 'yesterday', '7d', '30d'] as const;
export type ShopRange = (typeof SHOP_RANGES)[number];

const DAY_MS = 86_400_000;

/**
 * The China days of a range at `now`, oldest first, and those read as units (today, yesterday: exact per unit; the
 * older days of a range as rollups).
 */
export function shopRangeDays(range: ShopRange, now: number): { days: string[]; unitDays: string[] } {
  const back = range === '7d' ? 6 : range === '30d' ? 29 : 0;
  const end = range === 'yesterday' ? now - DAY_MS : now;
  const days: string[] = [];
  for (let i = back; i >= 0; i--) days.push(chinaDay(end - i * DAY_MS));
  const recent = new Set([chinaDay(now), chinaDay(now - DAY_MS)]);
  return { days, unitDays: days.filter((d) => recent.has(d)) };
}

/** The background's answer to `syncConnect`: the server and credentials, or why not (sync off). */
export type SyncConnect = ReplyOf<'syncConnect'>;

/**
 * The first screen as read: the ranges, and `info` (the changes feed follows from its `update_seq`) requested right
 * after them — the view renders from the ranges without waiting for `info` (a server that answers one request after
 * another serves the ranges first). A change between the ranges' snapshot and `info`'s is not in the feed then:
 * unless every range answered at `info`'s own sequence (`sameSnapshot`), the taker reads the ranges once more after
 * `info` (`readRanges` + `ShopDocs.replaceRanges`) before it opens the feed.
 */
export interface FirstScreen {
  /** `info`, requested after the ranges; rejects as its read (the taker's to handle: never unhandled). */
  info: Promise<{ update_seq?: unknown }>;
  /** The documents of the first screen's ranges. */
  rows: { id: string; doc?: unknown }[];
  /** The sequence each range's answer reflects (undefined: a server that does not say). */
  seqs: unknown[];
}

/** Did every range answer at `info`'s sequence (nothing changed between them)? A server that does not say: no. */
export function sameSnapshot(first: { info: { update_seq?: unknown }; seqs: unknown[] }): boolean {
  const at = first.info.update_seq;
  return at !== undefined && first.seqs.every((s) => s !== undefined && JSON.stringify(s) === JSON.stringify(at));
}

/**
 * The first screen's key ranges: the period's day summaries (a handful of documents), older days' rollups, the
 * agents' queues of buyers waiting now (one document each), and in one range the agents' names and the waiting clocks
 * older versions sent one by one (none once every agent has updated: their pusher deletes them).
 */
export function firstScreenRanges(days: readonly string[], olderDays: readonly string[]) {
  return [
    daysSummariesRange(days[0]!, days.at(-1)!),
    ...(olderDays.length ? [daysRollupsRange(olderDays[0]!, olderDays.at(-1)!)] : []),
    queuesRange,
    agentsAndClocksRange,
  ];
}

/** The documents of key ranges, read at once, and the sequence each answer reflects. */
export async function readRanges(
  reader: Pick<ReadDb, 'allDocs'>,
  ranges: readonly { startkey: string; endkey: string }[],
): Promise<{ rows: { id: string; doc?: unknown }[]; seqs: unknown[] }> {
  const results = await Promise.all(
    ranges.map((keys) => reader.allDocs({ ...keys, include_docs: true, update_seq: true })),
  );
  return { rows: results.flatMap((r) => r.rows), seqs: results.map((r) => r.update_seq) };
}

/**
 * The first screen's ranges, and `info` requested right after them (see `FirstScreen` for what the taker reads
 * again): resolves with the ranges, `info` still on its way.
 */
export async function readFirstScreen(
  reader: ReadDb,
  days: readonly string[],
  olderDays: readonly string[],
): Promise<FirstScreen> {
  const ranges = readRanges(reader, firstScreenRanges(days, olderDays));
  const info = reader.info();
  info.catch(() => undefined); // the taker's to handle (a failed first screen never takes it)
  const { rows, seqs } = await ranges;
  return { info, rows, seqs };
}

/** One start of the owner view: the connection and the first screen read with it, for `days` / `unitDays`. */
export interface ShopStart {
  days: readonly string[];
  unitDays: readonly string[];
  conn: Promise<SyncConnect>;
  /** The first screen, read once `conn` answered with credentials (undefined when it refused); rejects as the read. */
  first: Promise<FirstScreen | undefined>;
}

/**
 * Starts the owner view: asks the background for the connection (`connect`) and, once it answered with credentials,
 * reads the first screen with plain fetch (`httpDb`: every request through `originFetch`). A failure is the taker's
 * to handle: none is left unhandled when nobody takes the start.
 */
export function startShop(
  connect: () => Promise<SyncConnect>,
  days: readonly string[],
  unitDays: readonly string[],
  base?: Fetch,
): ShopStart {
  const conn = connect();
  const olderDays = days.filter((d) => !unitDays.includes(d));
  const first = conn.then((c) => (c.ok ? readFirstScreen(httpDb(c, base), days, olderDays) : undefined));
  first.catch(() => undefined);
  return { days, unitDays, conn, first };
}

declare global {
  /** The owner view's start begun by /analytics-first.js, until the view takes it (`takeShopStart`). */
  var __rsShopFirst: ShopStart | undefined;
}

/** How long a start nobody took stays on the global (the page was switched to its own view first). */
export const SHOP_START_KEPT_MS = 60_000;

/** The owner view's start as the page's first script begins it: today's figures (the view's first period). */
export function startShopFirst(connect: () => Promise<SyncConnect>, now: number): ShopStart {
  const { days, unitDays } = shopRangeDays('today', now);
  const start = startShop(connect, days, unitDays);
  globalThis.__rsShopFirst = start;
  setTimeout(() => {
    if (globalThis.__rsShopFirst === start) globalThis.__rsShopFirst = undefined;
  }, SHOP_START_KEPT_MS);
  return start;
}

/**
 * The start the page's first script began, taken once (cleared whatever it was for): used when it is for the same
 * days (the view's period and China day), else undefined — the view then starts its own.
 */
export function takeShopStart(days: readonly string[], unitDays: readonly string[]): ShopStart | undefined {
  const start = globalThis.__rsShopFirst;
  globalThis.__rsShopFirst = undefined;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  return start && same(start.days, days) && same(start.unitDays, unitDays) ? start : undefined;
}
