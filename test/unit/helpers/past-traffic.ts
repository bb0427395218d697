/**
 * The past-days summaries' tests' traffic (past-stats-worker, -metrics, -clock-back): buyers sent through the
 * Sentinel's real ingest from two watched tabs (PDD and JD), the host's clock moved with them; and what the analytics
 * page's first read makes of the stored rows (past-stats-worker, -clock-back, -rekey).
 */
import { analyticsFromRaw } from '../../../components/analytics/first-read';
import { readAnalyticsRaw } from '../../../components/analytics/first-raw';
import { rangeScope, responseTrends, responseTrendsFromStats } from '../../../lib/analytics';
import { responseTrendsFromPast } from '../../../lib/analytics/past-stats';
import type { Sentinel } from '../../../lib/background/sentinel';
import type { SentinelDB } from '../../../lib/db/schema';
import type { ChatEvent } from '../../../lib/model';
import { effectiveRules } from '../../../lib/rules';
import { ev, t } from './events';
import type { FakeHost } from './host';

export function pastTraffic(hostOf: () => FakeHost) {
  const watching = (s: Sentinel, platform: 'pdd' | 'jd') =>
    s.health(
      {
        type: 'health',
        platform,
        account: 'shop-main',
        health: 'watching',
        parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
        url: `https://example.test/${platform}`,
      },
      platform === 'pdd' ? 7 : 8,
    );
  /** One event, the host's clock at `clock` or just after the event. */
  async function send(s: Sentinel, e: ChatEvent, clock?: number) {
    const host = hostOf();
    host.clock = clock ?? Math.max(host.clock, e.at + 1000);
    await watching(s, e.platform as 'pdd' | 'jd');
    await s.ingest({ type: 'events', platform: e.platform, account: e.account, events: [e] });
  }
  /** `buyers` buyers of day `d` from 09:00, a minute apart (two in three PDD's), four in five answered; none after `until`. */
  async function day(s: Sentinel, d: string, buyers: number, until = '23:00:00') {
    for (let i = 0; i < buyers; i++) {
      const platform = i % 3 ? 'pdd' : 'jd';
      const at = t(`09:${String(i).padStart(2, '0')}:00`, d);
      if (at > t(until, d)) break;
      const buyer = `${d}-b${i}`;
      await send(s, ev(platform, buyer, 'buyer', at));
      if (i % 5) await send(s, ev(platform, buyer, 'human', at + 1000 * (3 + ((i * 37) % 400)) + (i % 7)));
    }
  }
  return { watching, send, day };
}

/** What the page's first read gives at `now` for `range` days, its figures, and those of the raw units (the reference). */
export async function firstPage(db: SentinelDB, now: number, range: number) {
  const rules = effectiveRules(undefined);
  const raw = await readAnalyticsRaw(now, range);
  const first = analyticsFromRaw(raw);
  const scope = rangeScope(first.today, range);
  const figures = first.past
    ? responseTrendsFromPast(rules, first.past, first.todayStats, scope)
    : responseTrendsFromStats(rules, [...first.pastStats!, ...first.todayStats], scope);
  return { raw, figures, units: responseTrends(rules, await db.units.toArray(), scope) };
}
