/**
 * The computer's clock put back across China midnight after today's summary was built (an NTP correction): a change
 * to the day before — today, for the clock — must delete the summary too (from an outsider review's probe: it was
 * kept, and the page's first frame counted that day without the change all day).
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { Sentinel } from '../../lib/background/sentinel';
import { addDays } from '../../lib/compliance';
import { PAST_STATS_PREFIX } from '../../lib/db/meta';
import type { SentinelDB } from '../../lib/db/schema';
import { DAY, ev, t } from './helpers/events';
import { freshSentinelDb } from './helpers/fresh-db';
import { FakeHost } from './helpers/host';
import { firstPage, pastTraffic } from './helpers/past-traffic';

let db: SentinelDB;
let host: FakeHost;
freshSentinelDb((fresh) => {
  db = fresh;
  host = new FakeHost();
});
const { send, day } = pastTraffic(() => host);
const page = (now: number, range: number) => firstPage(db, now, range);

it(
  'a wall clock stepped back across China midnight (NTP correction): a write to yesterday keeps today’s summary, which is then stale',
  { timeout: 60_000 },
  async () => {
    const s = new Sentinel(db, host);
    const d1 = addDays(DAY, -1);
    for (const d of [3, 2, 1]) await day(s, addDays(DAY, -d), 30);
    host.clock = t('00:20:00', DAY);
    expect(await s.refreshPastStats()).toBe('built');
    // The computer's clock was 30 minutes fast; it is corrected to 23:50 of yesterday (China). A reply to a buyer of
    // yesterday morning, shown now, is stored with that clock: for the write, yesterday is "today": no drop.
    const back = t('23:50:00', d1);
    await send(s, ev('pdd', `${d1}-b10`, 'human', t('09:10:30', d1)), back);
    await send(s, ev('pdd', `${d1}-late`, 'buyer', t('23:49:00', d1)), back);
    const kept = (await db.meta.where(':id').startsWith(PAST_STATS_PREFIX).primaryKeys()) as string[];
    // The clock reaches today again: the page reads the summary built before the write.
    const p = await page(t('00:30:00', DAY), 7);
    expect({ kept, past: p.raw.past !== undefined, figures: p.figures }).toEqual({
      kept: [],
      past: false,
      figures: p.units,
    });
  },
);
