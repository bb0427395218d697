/**
 * A summary of today built by another version whose primary metrics differ (a platform added, or its primary changed
 * by an update, mid-day): well formed, yet neither the worker ('current') nor the page may take it (from an outsider
 * review's probe: both did, and the page's first frame had no JD card).
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { analyticsFromRaw } from '../../components/analytics/first-read';
import { readAnalyticsRaw } from '../../components/analytics/first-raw';
import { RANGES, rangeScope, responseTrends, responseTrendsFromStats } from '../../lib/analytics';
import { buildPastStats, responseTrendsFromPast } from '../../lib/analytics/past-stats';
import { PAST_STATS_METRICS } from '../../lib/background/past-stats';
import { Sentinel } from '../../lib/background/sentinel';
import { addDays } from '../../lib/compliance';
import { pastStatsKey } from '../../lib/db/meta';
import { readDayStats } from '../../lib/db/daystats-read';
import type { SentinelDB } from '../../lib/db/schema';
import { effectiveRules } from '../../lib/rules';
import { DAY, t } from './helpers/events';
import { freshSentinelDb } from './helpers/fresh-db';
import { FakeHost } from './helpers/host';
import { pastTraffic } from './helpers/past-traffic';

const rules = effectiveRules(undefined);
let db: SentinelDB;
let host: FakeHost;
freshSentinelDb((fresh) => {
  db = fresh;
  host = new FakeHost();
});
const { day } = pastTraffic(() => host);

it(
  'a summary built for another set of primary metrics is not used, and the worker builds it again',
  { timeout: 60_000 },
  async () => {
    const s = new Sentinel(db, host);
    for (const d of [3, 2, 1]) await day(s, addDays(DAY, -d), 30);
    host.clock = t('15:00:00', DAY);
    // The previous version's worker, earlier today: its primaries lacked JD's (or named another metric for it).
    const older = PAST_STATS_METRICS.filter((m) => !m.startsWith('jd.'));
    const past = await readDayStats(db, PAST_STATS_METRICS, rangeScope(DAY, 90).from, addDays(DAY, -1));
    await db.meta.bulkPut(
      RANGES.map((r) => ({ key: pastStatsKey(r, DAY), value: buildPastStats(past, older, r, DAY) })),
    );
    const worker = await s.refreshPastStats();
    const first = analyticsFromRaw(await readAnalyticsRaw(host.clock, 7));
    const scope = rangeScope(first.today, 7);
    const figures = first.past
      ? responseTrendsFromPast(rules, first.past, first.todayStats, scope)
      : responseTrendsFromStats(rules, [...first.pastStats!, ...first.todayStats], scope);
    const jd = (f: typeof figures) => f!.find((x) => x.metric.startsWith('jd.'))?.total;
    expect({ worker, jd: jd(figures) }).toEqual({
      worker: 'built',
      jd: jd(responseTrends(rules, await db.units.toArray(), scope)),
    });
  },
);
