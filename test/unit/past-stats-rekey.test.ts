/**
 * An account move (a Feige tab that reported under its own "?" account shows its shop) takes earlier days' units
 * out of the per-day aggregates: the past-days summaries go in the same transaction and the worker builds them again
 * (from an outsider review's probe: the move passed no `today`, the summaries stayed and the page counted the moved
 * rows from them all day).
 */
import { pastStatsKey } from '../../lib/db/meta';
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { Sentinel } from '../../lib/background/sentinel';
import { addDays } from '../../lib/compliance';
import type { SentinelDB } from '../../lib/db/schema';
import type { EventsMessage, HealthMessage } from '../../lib/messages';
import { UNRECOGNISED_ACCOUNT, isUnrecognisedAccount, type ChatEvent } from '../../lib/model';
import { DAY, ev, t } from './helpers/events';
import { freshSentinelDb } from './helpers/fresh-db';
import { FakeHost } from './helpers/host';
import { firstPage } from './helpers/past-traffic';

let db: SentinelDB;
let host: FakeHost;
freshSentinelDb((fresh) => {
  db = fresh;
  host = new FakeHost();
});

const SHOP = '抖店旗舰店';
const feige = (account: string): HealthMessage => ({
  type: 'health',
  platform: 'douyin',
  account,
  health: 'watching',
  parts: { list: 'ok', thread: 'ok', input: 'ok', account: account === UNRECOGNISED_ACCOUNT ? 'missing' : 'ok' },
  url: 'https://im.jinritemai.com/pc_seller_v2/main/workspace',
});
const feigeEvents = (account: string, events: ChatEvent[]): EventsMessage => ({
  type: 'events',
  platform: 'douyin',
  account,
  events: events.map((e) => ({ ...e, account })),
});

const page = (now: number, range: number) => firstPage(db, now, range);

it('an account move of yesterday’s rows deletes the past-days summaries, and the worker builds them again', async () => {
  const y = addDays(DAY, -1);
  host.clock = t('09:00:00', y);
  const s = new Sentinel(db, host);
  // Yesterday: tab 7 shows the shop, tab 8 (the same shop, its header not read) reports under its own account.
  await s.health(feige(SHOP), 7);
  await s.health(feige(UNRECOGNISED_ACCOUNT), 8);
  const thread = [
    ev('douyin', '小明', 'buyer', t('10:00:00', y)),
    ev('douyin', '小明', 'human', t('10:01:00', y)),
    ev('douyin', '小红', 'buyer', t('10:00:10', y)),
    ev('douyin', '小红', 'human', t('10:09:00', y)),
  ];
  host.clock = t('10:10:00', y);
  await s.ingest(feigeEvents(SHOP, thread), 7);
  await s.ingest(feigeEvents(UNRECOGNISED_ACCOUNT, thread), 8);
  const own = (await db.tabs.get(8))!.account;
  expect(isUnrecognisedAccount(own)).toBe(true);
  // Today, after the grace: the worker builds the summaries.
  host.clock = t('09:00:00');
  expect(await s.refreshPastStats()).toBe('built');
  // Tab 8 shows its shop now: its rows join the shop's (the same messages: nothing counted twice).
  await s.health(feige(SHOP), 8);
  expect((await db.units.toArray()).filter((u) => isUnrecognisedAccount(u.account))).toEqual([]);
  expect(await db.meta.get(pastStatsKey(7, DAY))).toBeUndefined();
  // The page meanwhile reads the past rows.
  const meanwhile = await page(t('09:30:00'), 7);
  expect(meanwhile.raw.past).toBeUndefined();
  expect(meanwhile.figures).toEqual(meanwhile.units);
  // The worker sees the deletion and builds them again: the page's figures from the summary are the units'.
  host.clock = t('18:00:00');
  expect(await s.refreshPastStats()).toBe('built');
  const p = await page(host.clock, 7);
  expect(p.raw.past).toBeDefined();
  expect(p.figures).toEqual(p.units);
  expect(p.units[0]!.total.n).toBe(2);
});
