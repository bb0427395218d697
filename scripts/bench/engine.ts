/**
 * Engine throughput and memory at the scale (90 days × 5 000 inquiries a day), in node:
 * 1. the pure engine, `evaluate()` per conversation as the background runs it, over all 90 days;
 * 2. the heap that 90 days of events take when held at once;
 * 3. the stored path: `Sentinel.ingest` (Dexie on fake-indexeddb) fed one day live, message by message.
 * Run alone: `node --expose-gc node_modules/jiti/lib/jiti-cli.mjs scripts/bench/engine.ts [--quick]`; prints JSON.
 */
import 'fake-indexeddb/auto';
import type { BadgeView } from '../../lib/badge';
import { Sentinel, type SentinelEnv } from '../../lib/background/sentinel';
import { SentinelDB } from '../../lib/db/schema';
import { evaluate } from '../../lib/engine';
import { chinaDay, chinaDayStart } from '../../lib/engine/time';
import type { ChatEvent, CoverageSpan } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';
import { flag } from './args';
import { round, summarize } from './stats';
import { ACCOUNT, PLATFORM_MIX, dayConversations } from './synth';

const gc = (globalThis as { gc?: () => void }).gc;
const MB = 1024 * 1024;

function heapNow(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function addDays(day: string, n: number): string {
  return chinaDay(chinaDayStart(day) + n * 86_400_000 + 12 * 3600_000);
}

export interface EngineOptions {
  days: number;
  perDay: number;
  /** Inquiries fed through Sentinel.ingest (one day's worth by default). */
  storedInquiries: number;
}

export async function runEngineBench(o: EngineOptions) {
  const rules = effectiveRules(undefined);
  const lastDay = chinaDay(Date.now() - 86_400_000);
  const firstDay = addDays(lastDay, -(o.days - 1));
  const now = chinaDayStart(lastDay) + 86_400_000;
  const coverage = (day: string): CoverageSpan[] =>
    PLATFORM_MIX.map(([platform]) => ({
      platform,
      account: ACCOUNT,
      from: chinaDayStart(day),
      to: chinaDayStart(day) + 86_400_000,
    }));

  // 1. Pure engine, per conversation, every day.
  let events = 0;
  let conversations = 0;
  let units = 0;
  let evalMs = 0;
  const perDayEventsPerSec: number[] = [];
  let peakRss = process.memoryUsage().rss;
  for (let d = 0; d < o.days; d++) {
    const day = addDays(firstDay, d);
    const convs = dayConversations({ day, inquiries: o.perDay, seed: 1000 + d });
    const cov = coverage(day);
    let dayEvents = 0;
    const t0 = performance.now();
    for (const thread of convs) {
      const out = evaluate({ events: thread, coverage: cov, rules, now, alertLeadSec: 60 });
      units += out.units.length;
      dayEvents += thread.length;
    }
    const ms = performance.now() - t0;
    evalMs += ms;
    events += dayEvents;
    conversations += convs.length;
    perDayEventsPerSec.push(dayEvents / (ms / 1000));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }

  // One call over a whole day's events (the engine groups by conversation itself).
  const oneDay = dayConversations({ day: lastDay, inquiries: o.perDay, seed: 7 }).flat();
  const batchMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    evaluate({ events: oneDay, coverage: coverage(lastDay), rules, now, alertLeadSec: 60 });
    batchMs.push(performance.now() - t0);
  }

  // 2. Heap held by 90 days of events (as the engine's input objects).
  const before = heapNow();
  const held: ChatEvent[][][] = [];
  for (let d = 0; d < o.days; d++)
    held.push(dayConversations({ day: addDays(firstDay, d), inquiries: o.perDay, seed: 1000 + d }));
  const heldEvents = held.reduce((a, day) => a + day.reduce((b, c) => b + c.length, 0), 0);
  const after = heapNow();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  held.length = 0;

  // 3. Stored path: one day, live, every message its own `events` message (as a content script sends them).
  const stored = await storedPath(o.storedInquiries, lastDay);

  return round({
    scale: { days: o.days, inquiriesPerDay: o.perDay, conversations, events, units },
    evaluate: {
      eventsPerSec: events / (evalMs / 1000),
      totalMs: evalMs,
      perDayEventsPerSec: summarize(perDayEventsPerSec),
      oneCallForADay: { events: oneDay.length, ms: summarize(batchMs) },
    },
    memory: {
      heldEvents,
      heapMB: (after - before) / MB,
      bytesPerEvent: (after - before) / heldEvents,
      peakRssMB: peakRss / MB,
      gcExposed: !!gc,
    },
    stored,
  });
}

async function storedPath(inquiries: number, day: string) {
  const convs = dayConversations({ day, inquiries, seed: 99 });
  const all = convs.flat().sort((a, b) => a.at - b.at);
  let clock = chinaDayStart(day);
  const host: SentinelEnv = {
    now: () => clock,
    t: Object.assign((k: string) => k, { lang: 'zh_CN' as const }),
    setBadge: async (_v: BadgeView) => undefined,
    setAlarm: async () => undefined,
    notify: async () => undefined,
    clearNotice: async () => undefined,
    playSound: async () => undefined,
    sendToTab: async () => undefined,
    existingTabIds: async () => [],
  };
  const db = new SentinelDB(`bench-${Date.now()}`);
  const s = new Sentinel(db, host);
  await s.updateSettings({ notifications: false });
  heapNow(); // collect what the earlier steps left, so the growth below is this step's
  const rssBefore = process.memoryUsage().rss;
  const perIngest: number[] = [];
  const t0 = performance.now();
  let lastHealth = -Infinity;
  for (const e of all) {
    clock = e.at + 1000;
    // The workbench tabs report every 30 s (coverage), as the content scripts do.
    if (clock - lastHealth >= 30_000) {
      for (const [platform] of PLATFORM_MIX)
        await s.health(
          {
            type: 'health',
            platform,
            account: ACCOUNT,
            health: 'watching',
            parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
            url: 'https://example.invalid/',
          },
          PLATFORM_MIX.findIndex(([p]) => p === platform) + 1,
        );
      lastHealth = clock;
    }
    const t = performance.now();
    await s.ingest({ type: 'events', platform: e.platform, account: e.account, events: [e] });
    perIngest.push(performance.now() - t);
  }
  const totalMs = performance.now() - t0;
  const q = Math.max(1, Math.floor(perIngest.length / 5));
  const counts = { events: await db.events.count(), units: await db.units.count(), clocks: await db.clocks.count() };
  db.close();
  return {
    inquiries,
    messages: all.length,
    /** Messages per second of ingest() time alone. */
    eventsPerSec: all.length / (perIngest.reduce((a, b) => a + b, 0) / 1000),
    /** Including the tabs' 30 s heartbeats (health → coverage → open clocks recomputed). */
    wallEventsPerSec: all.length / (totalMs / 1000),
    ingestMs: summarize(perIngest),
    firstFifthMs: summarize(perIngest.slice(0, q)),
    lastFifthMs: summarize(perIngest.slice(-q)),
    stored: counts,
    rssGrowthMB: (process.memoryUsage().rss - rssBefore) / MB,
    note: 'fake-indexeddb in node: slower than Chromium IndexedDB; compare runs with each other, not with the browser',
  };
}

const isMain = process.argv[1]?.endsWith('engine.ts');
if (isMain) {
  const quick = flag('quick');
  runEngineBench(
    quick ? { days: 5, perDay: 1000, storedInquiries: 300 } : { days: 90, perDay: 5000, storedInquiries: 5000 },
  )
    .then((r) => process.stdout.write(JSON.stringify(r) + '\n'))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
