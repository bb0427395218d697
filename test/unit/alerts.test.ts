import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Alerts,
  STALE_BREACH_MS,
  inQuietHours,
  mergedNotice,
  soundFor,
  type DueMark,
} from '../../lib/background/alerts';
import { offscreenPlayer } from '../../lib/background/offscreen';
import { Sentinel } from '../../lib/background/sentinel';
import { SentinelDB } from '../../lib/db/schema';
import { catalogTranslate } from '../../lib/i18n';
import type { EventsMessage, HealthMessage } from '../../lib/messages';
import type { ChatEvent } from '../../lib/model';
import { DEFAULT_SETTINGS, validateSettingsPatch } from '../../lib/settings';
import { parsePlay, type PlayMessage } from '../../lib/sounds';
import type { ClockRow } from '../../lib/model';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';

let n = 0;
let db: SentinelDB;
let host: FakeHost;
beforeEach(() => {
  db = new SentinelDB(`alerts-${++n}`);
  host = new FakeHost();
});
afterEach(() => db.close());

const msg = (events: ChatEvent[]): EventsMessage => ({ type: 'events', platform: 'pdd', account: 'shop-main', events });
const watching = (): HealthMessage => ({
  type: 'health',
  platform: 'pdd',
  account: 'shop-main',
  health: 'watching',
  parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
  url: 'http://127.0.0.1/demo/pdd/',
});

/** Runs the worker the way the browser does: wake at each alarm (heartbeats keep the tab covered). */
async function untilAlarm(s: Sentinel) {
  host.clock = host.alarm!;
  await s.health(watching(), 7);
  await s.tick();
}

describe('sounds (through the offscreen document)', () => {
  it('plays the warning exactly at the lead-time moment and the breach at the deadline, in that order', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'A', 'buyer', t('10:00:00'))]));
    // PDD: 180 s; lead 60 s. A new question makes no sound by default.
    expect(host.sounds).toEqual([]);
    // The worker wakes at least every REFRESH_MS, and exactly at the lead-time moment.
    while (host.alarm !== null && host.alarm < t('10:02:00')) await untilAlarm(s);
    expect(host.sounds).toEqual([]);
    expect(host.alarm).toBe(t('10:02:00'));
    await untilAlarm(s);
    expect(host.sounds).toEqual([{ sound: 'soon', volume: 0.7, at: t('10:02:00') }]);
    while (host.alarm !== null && host.alarm < t('10:03:00')) await untilAlarm(s);
    expect(host.alarm).toBe(t('10:03:00'));
    await untilAlarm(s);
    expect(host.sounds.map((x) => [x.sound, x.at])).toEqual([
      ['soon', t('10:02:00')],
      ['breach', t('10:03:00')],
    ]);
    // Once each, and the offscreen document was created once.
    await untilAlarm(s).catch(() => undefined);
    expect(host.sounds).toHaveLength(2);
    expect(host.offscreenCreated).toBe(1);
  });

  it('a new question sounds only when switched on, and never at a worker start', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'A', 'buyer', t('10:00:00'))]));
    expect((await s.updateSettings({ soundNew: true })).ok).toBe(true);
    host.clock = t('10:00:05');
    await s.ingest(msg([ev('pdd', 'B', 'buyer', t('10:00:05'))]));
    expect(host.sounds.map((x) => x.sound)).toEqual(['new']);
    // The same waits again (another message of B's) and a restarted worker: no sound.
    await s.ingest(msg([ev('pdd', 'B', 'buyer', t('10:00:06'))]));
    const s2 = new Sentinel(db, host);
    await s2.start();
    await s2.health(watching(), 7);
    expect(host.sounds.map((x) => x.sound)).toEqual(['new']);
  });

  it('is silent when switched off, at volume 0, and in quiet hours (notifications still come)', async () => {
    for (const patch of [
      { soundSoon: false, soundBreach: false },
      { soundVolume: 0 },
      { quietHours: { on: true, startMin: 9 * 60, endMin: 11 * 60 } },
      { quietHours: { on: true, startMin: 9 * 60 + 30, endMin: 10 * 60 + 30 } },
    ]) {
      host = new FakeHost();
      await db.delete();
      await db.open();
      const s = new Sentinel(db, host);
      expect((await s.updateSettings(patch)).ok).toBe(true);
      await s.health(watching(), 7);
      await s.ingest(msg([ev('pdd', 'A', 'buyer', t('10:00:00'))]));
      while (host.alarm !== null) await untilAlarm(s);
      expect(host.sounds, JSON.stringify(patch)).toEqual([]);
      expect(host.offscreenCreated).toBe(0);
      expect(host.notices.map((x) => x.title)).toEqual(['1 位买家即将超时', '1 位买家已超时']);
    }
  });

  it('outside quiet hours the same settings play', async () => {
    const s = new Sentinel(db, host);
    expect((await s.updateSettings({ quietHours: { on: true, startMin: 23 * 60, endMin: 8 * 60 } })).ok).toBe(true);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'A', 'buyer', t('10:00:00'))]));
    while (host.alarm !== null) await untilAlarm(s);
    expect(host.sounds.map((x) => x.sound)).toEqual(['soon', 'breach']);
  });

  it('quiet hours: China time, wrapping past midnight, the end excluded', () => {
    const q = { on: true, startMin: 23 * 60, endMin: 8 * 60 };
    expect(inQuietHours(t('23:00:00'), q)).toBe(true);
    expect(inQuietHours(t('03:00:00'), q)).toBe(true);
    expect(inQuietHours(t('07:59:59'), q)).toBe(true);
    expect(inQuietHours(t('08:00:00'), q)).toBe(false);
    expect(inQuietHours(t('22:59:59'), q)).toBe(false);
    expect(inQuietHours(t('03:00:00'), { ...q, on: false })).toBe(false);
    const day = { on: true, startMin: 12 * 60, endMin: 13 * 60 };
    expect(inQuietHours(t('12:30:00'), day)).toBe(true);
    expect(inQuietHours(t('13:00:00'), day)).toBe(false);
  });

  it('the most serious sound of one change wins', () => {
    const all = { newQuestion: true, soon: true, breach: true };
    const s = { ...DEFAULT_SETTINGS, soundNew: true };
    expect(soundFor(all, s, t('10:00:00'))).toBe('breach');
    expect(soundFor({ ...all, breach: false }, s, t('10:00:00'))).toBe('soon');
    expect(soundFor({ newQuestion: true, soon: false, breach: false }, s, t('10:00:00'))).toBe('new');
    expect(soundFor({ newQuestion: true, soon: false, breach: false }, DEFAULT_SETTINGS, t('10:00:00'))).toBeNull();
  });

  it('settings refuse bad volumes and quiet hours', () => {
    expect(validateSettingsPatch({ soundVolume: 101 }).ok).toBe(false);
    expect(validateSettingsPatch({ soundVolume: 0.5 }).ok).toBe(false);
    expect(validateSettingsPatch({ quietHours: { on: true, startMin: 60, endMin: 60 } }).ok).toBe(false);
    expect(validateSettingsPatch({ quietHours: { on: true, startMin: -1, endMin: 60 } }).ok).toBe(false);
    expect(validateSettingsPatch({ quietHours: { on: true, startMin: 0, endMin: 1440 } }).ok).toBe(false);
    expect(validateSettingsPatch({ quietHours: { on: true, startMin: 0, endMin: 60, x: 1 } }).ok).toBe(false);
    expect(validateSettingsPatch({ quietHours: { on: 'yes', startMin: 0, endMin: 60 } }).ok).toBe(false);
    expect(validateSettingsPatch({ quietHours: { on: true, startMin: 0, endMin: 60 }, soundVolume: 30 }).ok).toBe(true);
  });

  it('the offscreen document is created once, even for sounds asked at the same time, and failures stay quiet', async () => {
    let exists = false;
    let created = 0;
    const sent: PlayMessage[] = [];
    const play = offscreenPlayer({
      hasDocument: async () => exists,
      createDocument: async (url) => {
        expect(url).toBe('offscreen.html');
        await new Promise((r) => setTimeout(r, 5));
        created++;
        exists = true;
      },
      send: async (m) => void sent.push(m),
    });
    await Promise.all([play('soon', 0.5), play('breach', 1)]);
    expect(created).toBe(1);
    expect(sent.map((m) => m.sound).sort()).toEqual(['breach', 'soon']);
    const broken = offscreenPlayer({
      hasDocument: async () => false,
      createDocument: async () => {
        throw new Error('no offscreen');
      },
      send: async () => undefined,
    });
    await expect(broken('soon', 1)).resolves.toBeUndefined();
  });

  it('the offscreen page plays only well-formed play messages', () => {
    expect(parsePlay({ target: 'offscreen', type: 'play', sound: 'soon', volume: 0.5 })).toEqual({
      target: 'offscreen',
      type: 'play',
      sound: 'soon',
      volume: 0.5,
    });
    expect(parsePlay({ target: 'offscreen', type: 'play', sound: '../x', volume: 0.5 })).toBeNull();
    expect(parsePlay({ target: 'offscreen', type: 'play', sound: 'soon', volume: 2 })).toBeNull();
    expect(parsePlay({ type: 'settings', patch: {} })).toBeNull();
    expect(parsePlay(null)).toBeNull();
  });
});

describe('merged notifications', () => {
  it('one per level, most urgent first, updated in place, cleared when nothing is urgent', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(), 7);
    await s.ingest(
      msg([
        ev('pdd', 'A', 'buyer', t('10:00:10'), { buyerNick: '王***' }),
        ev('pdd', 'B', 'buyer', t('10:00:00'), { buyerNick: '李**' }),
        ev('pdd', 'C', 'buyer', t('10:00:20'), { buyerNick: '张*' }),
      ]),
    );
    host.clock = t('10:02:25');
    await s.health(watching(), 7);
    await s.tick();
    const soon = host.notices.filter((x) => x.id === 'merged|soon');
    expect(soon.at(-1)).toMatchObject({
      title: '3 位买家即将超时',
      message: '\u2068李**\u2069（剩 35 秒）、\u2068王***\u2069（剩 45 秒）、\u2068张*\u2069（剩 55 秒）',
    });
    expect(soon.at(-1)!.requireInteraction).toBeUndefined();
    expect(s.alerts.targetOf('merged|soon')).toBe('pdd|shop-main|B');
    // B answered: the same notification, fewer names, shown in place without popping up again.
    const before = host.notices.length;
    await s.ingest(msg([ev('pdd', 'B', 'human', t('10:02:26'))]));
    expect(host.notices.slice(before)).toEqual([
      expect.objectContaining({ id: 'merged|soon', title: '2 位买家即将超时', silent: true }),
    ]);
    expect(s.alerts.targetOf('merged|soon')).toBe('pdd|shop-main|A');
    // All answered: taken away.
    await s.ingest(msg([ev('pdd', 'A', 'human', t('10:02:27')), ev('pdd', 'C', 'human', t('10:02:27'))]));
    expect(host.cleared).toContain('merged|soon');
    expect(s.alerts.targetOf('merged|soon')).toBeUndefined();
    // No per-buyer notifications unless asked for.
    expect(host.notices.every((x) => x.id.startsWith('merged|'))).toBe(true);
  });

  it('names five buyers, then "…"; breaches say how late; breach notifications stay only when set', () => {
    const tr = catalogTranslate('zh_CN');
    const now = t('10:05:00');
    const rows = Array.from(
      { length: 7 },
      (_, i) =>
        ({ key: `pdd|s|b${i}`, buyer: `b${i}`, status: 'breached', dueAt: now - 63_000 + i * 1000 }) as ClockRow,
    );
    const n = mergedNotice('breach', rows, now, tr, true);
    expect(n.title).toBe('7 位买家已超时');
    expect(n.message.startsWith('\u2068b0\u2069（超 1 分 3 秒）、')).toBe(true);
    expect(n.message.endsWith('、…')).toBe(true);
    expect(n.message.split('、')).toHaveLength(6);
    expect(n.requireInteraction).toBe(true);
    expect(mergedNotice('breach', rows, now, tr, false).requireInteraction).toBeUndefined();
    expect(mergedNotice('breach', rows.slice(0, 1), now, catalogTranslate('en'), false)).toMatchObject({
      title: '1 buyer timed out',
      message: '\u2068b0\u2069 (1 min 3 s over)',
    });
    const late = (ms: number) => mergedNotice('breach', [{ ...rows[0]!, dueAt: now - ms }], now, tr, false).message;
    expect([late(12_001), late(3_725_000), late(38_460_000)]).toEqual([
      '\u2068b0\u2069（超 13 秒）',
      '\u2068b0\u2069（超 1 小时 2 分）',
      '\u2068b0\u2069（超 10 小时 41 分）',
    ]);
  });

  it('notifications off: no notifications at all, sounds still play', async () => {
    const s = new Sentinel(db, host);
    expect((await s.updateSettings({ notifications: false })).ok).toBe(true);
    await s.health(watching(), 7);
    await s.ingest(msg([ev('pdd', 'A', 'buyer', t('10:00:00'))]));
    while (host.alarm !== null) await untilAlarm(s);
    expect(host.notices).toEqual([]);
    expect(host.sounds.map((x) => x.sound)).toEqual(['soon', 'breach']);
  });
});

describe('what became due (Alerts.due)', () => {
  const clock = (buyer: string, status: 'pending' | 'breached', dueAt: number, alertAt: number | null = null) =>
    ({ key: `pdd|s|${buyer}`, buyer, platform: 'pdd', status, dueAt, alertAt }) as ClockRow;

  it('marks each warning and fresh breach once per deadline, stores the mark first, and tells each buyer only when set', async () => {
    const now = t('10:02:00');
    const open = [
      clock('a', 'pending', t('10:03:00'), t('10:02:00')),
      clock('b', 'pending', t('10:04:00'), t('10:03:00')),
      clock('c', 'breached', t('10:01:00')),
      clock('d', 'breached', now - STALE_BREACH_MS - 1),
    ];
    const stored: [string, DueMark][] = [];
    const store = async (key: string, mark: DueMark) => {
      // The clock is not marked before its write went through.
      const c = open.find((x) => x.key === key)!;
      expect([c.alertedFor, c.breachedFor]).toEqual([undefined, undefined]);
      stored.push([key, mark]);
    };
    const alerts = new Alerts(host);
    const settings = { ...DEFAULT_SETTINGS, perBuyerNotices: true };
    const due = await alerts.due(open, now, settings, store);
    expect(due.soon.map((c) => c.buyer)).toEqual(['a']);
    // d's breach is too old: marked, not announced.
    expect(due.breached.map((c) => c.buyer)).toEqual(['c']);
    expect(stored).toEqual([
      ['pdd|s|a', { alertedFor: t('10:03:00') }],
      ['pdd|s|c', { breachedFor: t('10:01:00') }],
      ['pdd|s|d', { breachedFor: now - STALE_BREACH_MS - 1 }],
    ]);
    expect(host.notices.map((x) => [x.id, x.title, x.requireInteraction])).toEqual([
      [`alert|pdd|s|a|${t('10:03:00')}`, '还剩 1 分 就超时', undefined],
      [`breach|pdd|s|c|${t('10:01:00')}`, host.t('notifyBreachTitle'), true],
    ]);
    expect(host.notices[0]!.message).toContain('\u2068a\u2069');
    // The same deadlines again: nothing new.
    const again = await alerts.due(open, now, settings, store);
    expect([again.soon, again.breached, stored.length, host.notices.length]).toEqual([[], [], 3, 2]);
    // A new deadline for a (a new round): warned again. Per-buyer notices off: marked, not shown.
    open[0] = clock('a', 'pending', t('10:05:00'), t('10:02:00'));
    const next = await alerts.due(open, now, DEFAULT_SETTINGS, store);
    expect(next.soon.map((c) => c.alertedFor)).toEqual([t('10:05:00')]);
    expect(host.notices).toHaveLength(2);
  });

  it('a mark that cannot be stored announces nothing and leaves the clock unmarked', async () => {
    const open = [clock('a', 'breached', t('10:01:00'))];
    const alerts = new Alerts(host);
    const settings = { ...DEFAULT_SETTINGS, perBuyerNotices: true };
    await expect(
      alerts.due(open, t('10:02:00'), settings, () => Promise.reject(new Error('QuotaExceededError'))),
    ).rejects.toThrow('QuotaExceededError');
    expect(open[0]!.breachedFor).toBeUndefined();
    expect(host.notices).toEqual([]);
    // The next change tries again.
    const due = await alerts.due(open, t('10:02:00'), settings, async () => undefined);
    expect(due.breached.map((c) => c.breachedFor)).toEqual([t('10:01:00')]);
  });
});

describe('outside assessed hours', () => {
  it('the toolbar title says which watched platform is outside its hours, from the rules, in both languages', async () => {
    const s = new Sentinel(db, host);
    host.clock = t('23:30:00');
    await s.health(watching(), 7);
    expect(host.badge.title).toBe('不在考核时段（拼多多 08:00–23:00）');
    // A question then is not assessed: no countdown, and the title says why.
    await s.ingest(msg([ev('pdd', 'A', 'buyer', t('23:30:05'))]));
    expect(host.badge.text).toBe('');
    expect(host.badge.title).toBe('不在考核时段（拼多多 08:00–23:00）');
    // In the window: nothing to say.
    host.clock = t('10:00:00');
    await s.health(watching(), 7);
    expect(host.badge.title).toBe(host.t('badgeAllClear'));
    // The user's window override is what counts.
    expect(
      (await s.updateSettings({ ruleOverrides: { 'pdd.manual3min': { window: { startMin: 600, endMin: 1200 } } } })).ok,
    ).toBe(true);
    host.clock = t('09:59:00');
    await s.health(watching(), 7);
    expect(host.badge.title).toBe('不在考核时段（拼多多 10:00–20:00）');
  });

  it('notes per platform, each once, in English too', async () => {
    const { outsideHoursNotes } = await import('../../lib/assessed');
    const { effectiveRules } = await import('../../lib/rules');
    const rules = effectiveRules(undefined);
    expect(outsideHoursNotes(['pdd', 'pdd'], rules, t('03:00:00'), catalogTranslate('en'))).toEqual([
      'Outside assessed hours (Pinduoduo 08:00–23:00)',
    ]);
    expect(outsideHoursNotes(['pdd'], rules, t('12:00:00'), catalogTranslate('en'))).toEqual([]);
  });
});

describe('the demo pages say it too', () => {
  it('demo/shared/hours.js has the shipped rules’ windows for every demo platform', async () => {
    const { readFileSync } = await import('node:fs');
    const { effectiveRules, primaryMetric } = await import('../../lib/rules');
    const rules = effectiveRules(undefined);
    const src = readFileSync(new URL('../../demo/shared/hours.js', import.meta.url), 'utf8');
    const found = [...src.matchAll(/(\w+): \['[^']+', '[^']+', (\d+), (\d+)\]/g)].map((m) => [m[1], +m[2]!, +m[3]!]);
    expect(found.map((f) => f[0])).toEqual(['pdd', 'douyin', 'ali1688', 'taobao', 'jd', 'kuaishou']);
    for (const [p, start, end] of found) {
      const w = primaryMetric(rules, p as 'pdd').window;
      expect([p, start, end]).toEqual([p, w.startMin, w.endMin]);
    }
  });
});
