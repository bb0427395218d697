// @vitest-environment jsdom
/**
 * The PC's clock error (lib/skew.ts): the tab's estimate from messages seen arriving, its trip in the tab's health, and
 * the worker's use of it (engine now, alarms, badge, the tabs' clock lists, kept across a worker restart).
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  SKEW_APPLY_MS,
  SKEW_MAX_MS,
  SKEW_MIN_SAMPLES,
  SKEW_WINDOW_MS,
  SkewEstimator,
  combineOffsets,
  isSkewSample,
  readPcOffset,
  toPlatformClock,
} from '../../lib/skew';
import { Sentinel } from '../../lib/background/sentinel';
import { SentinelDB } from '../../lib/db/schema';
import { PC_OFFSET_KEY } from '../../lib/db/meta';
import { Watcher } from '../../lib/content/watcher';
import { pddAdapter } from '../../lib/platforms/pdd';
import { setContentLang } from '../../lib/i18n/content';
import { parseMessage } from '../../lib/protocol';
import type { EventsMessage, HealthMessage, ToBackground } from '../../lib/messages';
import type { ChatEvent } from '../../lib/model';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';

const MIN = 60_000;

describe('SkewEstimator (a tab)', () => {
  /** `n` messages, each `delays[i]` ms on its way, with the platform's clock `skew` ahead of the PC's. */
  function fed(skew: number, delays: number[], pc0 = t('10:00:00')): SkewEstimator {
    const e = new SkewEstimator();
    delays.forEach((d, i) => {
      const platformAt = pc0 + i * 7_000 + skew; // sent at this platform time...
      e.add(platformAt, pc0 + i * 7_000 + d); // ...seen `d` later by the PC's clock
    });
    return e;
  }
  const now = t('10:10:00');

  it('a PC 2 minutes slow: the platform is 2 minutes ahead (the largest sample: the quickest delivery)', () => {
    expect(fed(2 * MIN, [300, 900, 150, 2_000]).estimate(now)).toBe(2 * MIN - 150);
  });

  it('a PC 2 minutes fast: the platform is 2 minutes behind', () => {
    expect(fed(-2 * MIN, [400, 120, 800]).estimate(now)).toBe(-2 * MIN - 120);
  });

  it('delayed deliveries only lower samples: one quick message among slow ones gives the offset', () => {
    expect(fed(90_000, [20_000, 15_000, 200, 25_000, 18_000]).estimate(now)).toBe(90_000 - 200);
  });

  it('too few samples: no estimate (no correction)', () => {
    const e = fed(2 * MIN, Array(SKEW_MIN_SAMPLES - 1).fill(100));
    expect(e.estimate(now)).toBeNull();
    e.add(t('10:05:00') + 2 * MIN, t('10:05:00'));
    expect(e.estimate(now)).toBe(2 * MIN);
  });

  it('a hostile stamp far in the future is an outlier, never the estimate; beyond ±12 h it is not even a sample', () => {
    const e = fed(2 * MIN, [100, 200, 300]);
    e.add(t('10:06:00') + 3 * 3_600_000, t('10:06:00')); // 3 h ahead
    expect(e.estimate(now)).toBe(2 * MIN - 100);
    e.add(t('10:06:00') + SKEW_MAX_MS + 1, t('10:06:00'));
    e.add(Number.NaN, t('10:06:00'));
    expect(e.estimate(now)).toBe(2 * MIN - 100);
    // Alone with too few honest samples: nothing, rather than the hostile one.
    const few = fed(2 * MIN, [100, 200]);
    few.add(t('10:06:00') + 3 * 3_600_000, t('10:06:00'));
    expect(few.estimate(now)).toBeNull();
  });

  it('old samples leave the window: a clock set right is followed', () => {
    const e = fed(2 * MIN, [100, 100, 100]);
    const later = t('10:00:00') + SKEW_WINDOW_MS + 60_000;
    for (let i = 0; i < 3; i++) e.add(later + i * 1000 + 500, later + i * 1000 + 600);
    expect(e.estimate(later + 5_000)).toBe(-100);
  });

  it('samples: live buyer messages with an exact platform time only (id in ms, a stamp with seconds)', () => {
    const at = t('10:00:17');
    expect(isSkewSample(ev('pdd', 'b', 'buyer', at))).toBe(true);
    expect(isSkewSample(ev('jd', 'b', 'buyer', at, { timeSource: 'stamp' }))).toBe(true);
    // A minute-only stamp (`10:00`), a counter, a message seen without a time, history, a time span: no sample.
    expect(isSkewSample(ev('jd', 'b', 'buyer', t('10:00:00'), { timeSource: 'stamp' }))).toBe(false);
    expect(isSkewSample(ev('pdd', 'b', 'buyer', at, { timeSource: 'counter' }))).toBe(false);
    expect(isSkewSample(ev('pdd', 'b', 'buyer', at, { timeSource: 'observed' }))).toBe(false);
    expect(isSkewSample(ev('pdd', 'b', 'buyer', at, { historical: true }))).toBe(false);
    expect(isSkewSample(ev('pdd', 'b', 'buyer', at, { atLatest: at + 1000 }))).toBe(false);
    // What the shop sends from this PC may carry the PC's own time: only the buyer's messages count.
    expect(isSkewSample(ev('pdd', 'b', 'human', at))).toBe(false);
    expect(isSkewSample(ev('pdd', 'b', 'robot', at))).toBe(false);
  });
});

describe('combineOffsets (the worker)', () => {
  it('the median of the tabs’ estimates, 0 below the threshold (delivery noise), null with none', () => {
    expect(combineOffsets([120_000, 119_000, 3_000])).toBe(119_000);
    expect(combineOffsets([120_000, 118_000])).toBe(119_000);
    expect(combineOffsets([SKEW_APPLY_MS - 1])).toBe(0);
    expect(combineOffsets([-SKEW_APPLY_MS])).toBe(-SKEW_APPLY_MS);
    expect(combineOffsets([])).toBeNull();
    expect(combineOffsets([SKEW_MAX_MS * 2, Number.NaN])).toBeNull();
  });

  it('PC-clock times of an event move to the platform’s clock; the page’s own times stay', () => {
    const id = ev('pdd', 'b', 'buyer', t('10:00:00'), { observedAt: t('09:58:00') });
    expect(toPlatformClock(id, 2 * MIN)).toEqual({ ...id, observedAt: t('10:00:00') });
    const seen = ev('pdd', 'b', 'buyer', t('09:58:00'), { timeSource: 'observed', observedAt: t('09:58:00') });
    expect(toPlatformClock(seen, 2 * MIN)).toMatchObject({ at: t('10:00:00'), observedAt: t('10:00:00') });
    const counter = ev('pdd', 'b', 'buyer', t('09:57:00'), { timeSource: 'counter', observedAt: t('09:58:00') });
    expect(toPlatformClock(counter, 2 * MIN)).toMatchObject({ at: t('09:59:00') });
  });
});

describe('protocol: the skew travels with the health', () => {
  const health = {
    type: 'health',
    platform: 'pdd',
    account: 'shop-main',
    health: 'watching',
    parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
    url: 'http://127.0.0.1/demo/pdd/',
  };
  it('a sane estimate is kept; beyond ±12 h or no number is dropped, never refusing the health', () => {
    const skewOf = (skewMs: unknown) => {
      const r = parseMessage({ ...health, skewMs });
      expect(r.ok).toBe(true);
      return r.ok ? (r.value as HealthMessage).skewMs : 'refused';
    };
    expect(skewOf(120_000.4)).toBe(120_000);
    expect(skewOf(-SKEW_MAX_MS)).toBe(-SKEW_MAX_MS);
    expect(skewOf(SKEW_MAX_MS + 1)).toBeUndefined();
    expect(skewOf(1e300)).toBeUndefined();
    expect(skewOf('120000')).toBeUndefined();
    expect(skewOf(undefined)).toBeUndefined();
  });
});

describe('Watcher: the estimate from live messages only', () => {
  const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
  const PC = 1_788_340_500_000;
  const tick = () => new Promise((r) => setTimeout(r, 5));
  const li = (id: number, text: string) =>
    `<li class="onemsg" id="middlePanel_list_${id}"><div class="merchantMessage"><div class="buyer-item"><div currentuid="802114"></div><div class="msg-content"><p class="msg-content-box">${text}</p></div></div></div></li>`;
  let sent: ToBackground[];
  let pcNow: number;
  let watcher: Watcher;
  setContentLang('zh_CN');
  beforeEach(() => {
    document.body.innerHTML = fixture;
    sent = [];
    pcNow = PC;
    watcher = new Watcher({
      adapter: pddAdapter,
      root: document,
      now: () => pcNow,
      url: () => 'http://127.0.0.1/demo/pdd/',
      send: async (m) => void sent.push(m),
    });
  });
  afterEach(() => watcher.stop());
  const lastSkew = () => sent.filter((m): m is HealthMessage => m.type === 'health').at(-1)?.skewMs;

  it('history on screen and loaded above is no sample; messages arriving are, and the estimate goes out at once', async () => {
    watcher.start();
    const list = document.querySelector('ul.msg-list')!;
    // History loaded above: far from the PC's time, but no sample.
    list.insertAdjacentHTML('afterbegin', li(PC - 3_600_000 + 2 * MIN, '早先的'));
    list.insertAdjacentHTML('afterbegin', li(PC - 3_700_000 + 2 * MIN, '更早的'));
    await tick();
    watcher.reportNow();
    expect(sent.filter((m) => m.type === 'events').length).toBeGreaterThan(0);
    expect(lastSkew()).toBeUndefined();
    // Three live messages, the platform's clock 2 minutes ahead of the PC's, each a little on its way.
    for (const [i, delay] of [400, 150, 900].entries()) {
      pcNow = PC + (i + 1) * 10_000 + delay;
      list.insertAdjacentHTML('beforeend', li(PC + (i + 1) * 10_000 + 2 * MIN, `还在吗${i}`));
      await tick();
      if (i < 2) expect(lastSkew()).toBeUndefined();
    }
    expect(lastSkew()).toBe(2 * MIN - 150);
    // The estimate comes before the events it corrects (the worker judges them by the platform's clock).
    const lastHealth = sent.findLastIndex((m) => m.type === 'health');
    const lastEvents = sent.findLastIndex((m) => m.type === 'events');
    expect(lastHealth).toBeLessThan(lastEvents);
    // The heartbeat carries it on.
    watcher.reportNow();
    expect(lastSkew()).toBe(2 * MIN - 150);
  });

  it('the in-page badges count down by the platform’s clock the worker sends', async () => {
    watcher.start();
    const due = PC + 150_000;
    watcher.receive({
      type: 'clocks',
      platform: 'pdd',
      account: '测试旗舰店',
      seq: 1,
      clocks: [{ buyer: '733519', status: 'pending', dueAt: due }],
      offset: 2 * MIN,
    });
    // Clocks go on at the page's next change, in its next frame.
    const note = document.querySelector('.item-note')!;
    note.textContent = `${note.textContent}.`;
    await tick();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    // The PC reads PC: the platform 2 minutes later, 30 s left (not 2 min 30 s).
    expect(watcher.badges.shown().get('733519')).toBe('剩 30 秒');
  });
});

describe('Sentinel: the worker’s clock follows the platform’s', () => {
  let db: SentinelDB;
  let host: FakeHost;
  let n = 0;
  beforeEach(() => {
    db = new SentinelDB(`skew-${++n}`);
    host = new FakeHost();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    db.close();
  });
  const watching = (skewMs?: number): HealthMessage => ({
    type: 'health',
    platform: 'pdd',
    account: 'shop-main',
    health: 'watching',
    parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
    url: 'http://127.0.0.1/demo/pdd/',
    ...(skewMs !== undefined && { skewMs }),
  });
  const msg = (events: ChatEvent[]): EventsMessage => ({
    type: 'events',
    platform: 'pdd',
    account: 'shop-main',
    events,
  });

  it('a PDD wait with the PC 2 min slow breaches at the platform’s 3 min: badge, alarm, clock row, tab list', async () => {
    const s = new Sentinel(db, host);
    // The PC reads 09:58:00 while the platform reads 10:00:00.
    host.clock = t('09:58:00');
    await s.health(watching(2 * MIN), 7);
    expect(s.clockOffset).toBe(2 * MIN);
    await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'), { observedAt: t('09:58:00') })]));
    expect((await db.clocks.get('pdd|shop-main|buyerA'))?.dueAt).toBe(t('10:03:00'));
    // 3:00 left by the platform's clock (the PC's would say 5:00).
    expect(host.badge.text).toBe('3:00');
    // The tab's badges get the same offset with their list.
    expect(host.tabMessages.at(-1)?.msg.offset).toBe(2 * MIN);
    // PC 10:00:50 = platform 10:02:50: the next wake is the deadline, at the PC time it corresponds to.
    host.clock = t('10:00:50');
    await s.health(watching(2 * MIN), 7); // the tab's heartbeat
    await s.tick();
    expect(host.badge.text).toBe('0:10');
    expect(host.alarm).toBe(t('10:01:00'));
    // The alarm fires at PC 10:01:00: breached (by the PC's clock only 3 of the 5 minutes had run).
    host.clock = t('10:01:00');
    await s.tick();
    const clock = await db.clocks.get('pdd|shop-main|buyerA');
    expect(clock?.status).toBe('breached');
    expect(host.notices.some((x) => x.id.includes('breach'))).toBe(true);
  });

  it('a PC 2 min fast: no early alert or breach; the wait breaches at the platform’s 3 min', async () => {
    const s = new Sentinel(db, host);
    // The PC reads 10:02:00 while the platform reads 10:00:00.
    host.clock = t('10:02:00');
    await s.health(watching(-2 * MIN), 7);
    await s.ingest(msg([ev('pdd', 'buyerA', 'buyer', t('10:00:00'), { observedAt: t('10:02:00') })]));
    expect(host.badge.text).toBe('3:00');
    // PC 10:04:30 = platform 10:02:30: by the PC's clock it would have breached 1:30 ago.
    host.clock = t('10:04:30');
    await s.health(watching(-2 * MIN), 7);
    await s.tick();
    expect((await db.clocks.get('pdd|shop-main|buyerA'))?.status).toBe('pending');
    expect(host.badge.text).toBe('0:30');
    expect(host.notices.some((x) => x.id.includes('breach'))).toBe(false);
    // The deadline (platform 10:03:00) is PC 10:05:00.
    expect(host.alarm).toBe(t('10:05:00'));
  });

  it('a restarted worker keeps the offset; a damaged stored offset is none and never stops it', async () => {
    host.clock = t('09:58:00');
    const s = new Sentinel(db, host);
    await s.health(watching(2 * MIN), 7);
    expect(readPcOffset((await db.meta.get(PC_OFFSET_KEY))?.value)).toBe(2 * MIN);
    const again = new Sentinel(db, host);
    await again.start();
    expect(again.clockOffset).toBe(2 * MIN);
    expect(again.now()).toBe(t('10:00:00'));
    await db.meta.put({ key: PC_OFFSET_KEY, value: { offset: '1e12' } });
    const damaged = new Sentinel(db, host);
    await damaged.start();
    expect(damaged.clockOffset).toBe(0);
    await db.meta.put({ key: PC_OFFSET_KEY, value: { offset: SKEW_MAX_MS * 10 } });
    const hostile = new Sentinel(db, host);
    await hostile.start();
    expect(hostile.clockOffset).toBe(0);
  });

  it('an offset that cannot be stored (a full disk) is still applied, and never fails the tab’s health', async () => {
    const s = new Sentinel(db, host);
    await s.start();
    vi.spyOn(db.meta, 'put').mockRejectedValue(new Error('QuotaExceededError'));
    await expect(s.health(watching(2 * MIN), 7)).resolves.toBe('shop-main');
    expect(s.clockOffset).toBe(2 * MIN);
  });

  it('below the threshold nothing moves; the tabs’ median is the offset', async () => {
    const s = new Sentinel(db, host);
    await s.health(watching(SKEW_APPLY_MS - 1_000), 7);
    expect(s.clockOffset).toBe(0);
    expect(s.now()).toBe(host.clock);
    await s.health(watching(-2 * MIN), 8);
    await s.health(watching(-2 * MIN - 2_000), 9);
    // Three tabs: 14 s, −2:00, −2:02 → the median, −2:00.
    expect(s.clockOffset).toBe(-2 * MIN);
  });
});
