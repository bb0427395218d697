import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sentinel } from '../../lib/background/sentinel';
import { SentinelDB } from '../../lib/db/schema';
import type { EventsMessage } from '../../lib/messages';
import { effectiveRules, findMetric } from '../../lib/rules';
import {
  DEFAULT_SETTINGS,
  SETTINGS_RESET_KEY,
  settingsFromRows,
  storedSetting,
  validateSettingsPatch,
} from '../../lib/settings';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';

let n = 0;
let db: SentinelDB;
let host: FakeHost;
beforeEach(() => {
  db = new SentinelDB(`settings-${++n}`);
  host = new FakeHost();
});
afterEach(() => db.close());

const question = (buyer = 'b1', at = t('10:00:00')): EventsMessage => ({
  type: 'events',
  platform: 'pdd',
  account: 'shop-main',
  events: [ev('pdd', buyer, 'buyer', at)],
});

/** The worker still works: a buyer question starts a clock and the badge counts down. */
async function stillWorks(s: Sentinel, buyer = 'b1') {
  const r = await s.ingest(question(buyer, host.clock));
  expect(r.stored).toBe(1);
  expect((await db.clocks.get(`pdd|shop-main|${buyer}`))?.status).toBe('pending');
  expect(host.badge.text).toBe('3:00');
}

describe('settings schema', () => {
  it.each([
    [{ ruleOverrides: { 'pdd.manual3min': { window: null } } }, 'pdd.manual3min.window'],
    [{ ruleOverrides: { 'pdd.manual3min': { validReply: 'human' } } }, 'pdd.manual3min.validReply'],
    [{ ruleOverrides: { 'pdd.manual3min': { validReply: ['buyer'] } } }, 'pdd.manual3min.validReply[0]'],
    [{ ruleOverrides: { 'pdd.manual3min': { window: { startMin: 60, endMin: 60 } } } }, 'two different times'],
    [{ ruleOverrides: { 'pdd.manual3min': { window: { startMin: 1440, endMin: 0 } } } }, 'start before 24:00'],
    [{ ruleOverrides: { 'pdd.manual3min': { thresholdSec: Number.NaN } } }, 'thresholdSec'],
    [{ ruleOverrides: { 'pdd.manual3min': { thresholdSec: 60, extra: 1 } } }, 'extra: unknown field'],
    [{ ruleOverrides: { 'jd.dd30s': { sessionGapSec: 5 } } }, 'at least the threshold'],
    [{ ruleOverrides: { hasOwnProperty: {} } }, 'hasOwnProperty: no such metric'],
    [{ ruleOverrides: [] }, 'ruleOverrides must be an object'],
    [{ hasOwnProperty: 1 }, 'hasOwnProperty: unknown setting'],
    [{ isPrototypeOf: true }, 'isPrototypeOf: unknown setting'],
    [{ constructor: 1 }, 'constructor: unknown setting'],
    [JSON.parse('{"__proto__": {"alertLeadSec": 5}}') as unknown, '__proto__: unknown setting'],
    [{ alertLeadSec: 1.5 }, 'alertLeadSec: must be a whole number of seconds'],
    [{ retentionDays: '90' }, 'retentionDays'],
    [{ language: 'fr' }, 'language: must be one of auto, zh_CN, en'],
    [{ agentName: 'x'.repeat(21) }, 'agentName: must be text of at most 20 characters'],
    [{ agentName: 3 }, 'agentName'],
    [{ agentName: '小\n美' }, 'agentName: must be one line without { }'],
    [{ shopName: '店'.repeat(41) }, 'shopName: must be text of at most 40 characters'],
    [{ shopName: '{店铺名}' }, 'shopName: must be one line without { }'],
    [{ nickFallback: '亲'.repeat(11) }, 'nickFallback: must be text of at most 10 characters'],
    [[], 'settings patch must be an object'],
    [null, 'settings patch must be an object'],
  ])('refuses %j with a message that names the field', (patch, message) => {
    const r = validateSettingsPatch(patch);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toContain(message);
  });

  it("has the agent's and the shop's names (empty until set) and the word for a masked nickname (亲)", () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ agentName: '', shopName: '', nickFallback: '亲' });
    expect(validateSettingsPatch({ agentName: ' 小美 ', shopName: '演示旗舰店', nickFallback: '' })).toEqual({
      ok: true,
      patch: { agentName: '小美', shopName: '演示旗舰店', nickFallback: '' },
    });
    expect(validateSettingsPatch({ agentName: '字'.repeat(20), shopName: '店'.repeat(40) }).ok).toBe(true);
  });

  it('accepts a valid patch and keeps only what it names', () => {
    const r = validateSettingsPatch({
      alertLeadSec: 30,
      ruleOverrides: { 'pdd.manual3min': { window: { startMin: 0, endMin: 1440 } } },
    });
    expect(r).toEqual({
      ok: true,
      patch: { alertLeadSec: 30, ruleOverrides: { 'pdd.manual3min': { window: { startMin: 0, endMin: 1440 } } } },
    });
  });

  it('reads stored rows through the schema: invalid or unknown ones are reported and replaced by defaults', () => {
    const { settings, rejected } = settingsFromRows([
      { key: 'alertLeadSec', value: 30 },
      { key: 'ruleOverrides', value: { 'pdd.manual3min': { window: null } } },
      { key: 'language', value: 'fr' },
      { key: 'hasOwnProperty', value: 1 },
    ]);
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, alertLeadSec: 30 });
    expect(rejected.map((r) => r.key)).toEqual(['ruleOverrides', 'language', 'hasOwnProperty']);
    expect(storedSetting('language', 'fr')).toBe('auto');
    expect(storedSetting('language', 'en')).toBe('en');
  });
});

describe('a malformed setting never stops the worker', () => {
  it.each<unknown>([
    { ruleOverrides: { 'pdd.manual3min': { window: null } } },
    { ruleOverrides: { 'pdd.manual3min': { validReply: 'human' } } },
    { ruleOverrides: { 'pdd.manual3min': { window: { startMin: 'x', endMin: 3 } } } },
    { hasOwnProperty: 5 },
  ])('%j is refused, nothing is stored, and the worker keeps working', async (patch) => {
    const s = new Sentinel(db, host);
    const r = await s.updateSettings(patch);
    expect(r.ok).toBe(false);
    expect(await db.settings.toArray()).toEqual([]);
    await stillWorks(s);
    // A repair and delete-all still work.
    expect(await s.updateSettings({ ruleOverrides: {} })).toEqual({ ok: true });
    expect(await s.purgeAll()).toBeGreaterThan(0);
  });

  it('a valid override is stored and in force', async () => {
    const s = new Sentinel(db, host);
    const r = await s.updateSettings({ ruleOverrides: { 'pdd.manual3min': { thresholdSec: 120 } } });
    expect(r).toEqual({ ok: true });
    await s.ingest(question());
    expect(host.badge.text).toBe('2:00');
  });

  it('a stored value that fails the schema (older version, damaged profile) is reset at start, with a notice', async () => {
    await db.settings.bulkPut([
      { key: 'ruleOverrides', value: { 'pdd.manual3min': { window: null, validReply: 'human' } } },
      { key: 'alertLeadSec', value: 'soon' },
      { key: 'notifications', value: false },
      { key: 'isPrototypeOf', value: 1 },
    ]);
    const s = new Sentinel(db, host);
    await s.start();
    expect((await s.status()).startError).toBeNull();
    expect((await s.status()).settingsReset.map((r) => r.key).sort()).toEqual([
      'alertLeadSec',
      'isPrototypeOf',
      'ruleOverrides',
    ]);
    // The bad rows are gone, the good one stays, and the reset is recorded for the settings page.
    expect(await db.settings.toArray()).toEqual([{ key: 'notifications', value: false }]);
    const notice = (await db.meta.get(SETTINGS_RESET_KEY))?.value as { rejected: { key: string }[] };
    expect(notice.rejected).toHaveLength(3);
    expect(host.notices.map((x) => x.title)).toContain(host.t('settingsResetTitle'));
    expect(s.getSettings()).toEqual({ ...DEFAULT_SETTINGS, notifications: false });
    await stillWorks(s);
    // A later worker (nothing left to reject) still tells the popup, for a day, until the settings are saved again.
    const later = new Sentinel(db, host);
    await later.start();
    expect((await later.status()).settingsReset).toHaveLength(3);
    await later.updateSettings({ alertLeadSec: 30 });
    expect((await later.status()).settingsReset).toEqual([]);
  });

  it('a start that fails is not kept: the status says so and the next message starts again', async () => {
    let fail = true;
    const existingTabIds = host.existingTabIds.bind(host);
    host.existingTabIds = async () => {
      if (fail) throw new Error('tabs unavailable');
      return existingTabIds();
    };
    const s = new Sentinel(db, host);
    await expect(s.start()).rejects.toThrow('tabs unavailable');
    expect((await s.status()).startError).toContain('tabs unavailable');
    fail = false;
    await stillWorks(s);
    expect((await s.status()).startError).toBeNull();
  });

  it('a full-day window override makes a night question count (windows are data, not assumptions)', async () => {
    host.clock = t('02:00:00');
    const s = new Sentinel(db, host);
    await s.ingest(question('night', host.clock));
    expect((await db.clocks.get('pdd|shop-main|night'))?.status).toBe('notAssessed');
    await s.updateSettings({ ruleOverrides: { 'pdd.manual3min': { window: { startMin: 0, endMin: 1440 } } } });
    await s.ingest(question('night2', host.clock));
    expect((await db.clocks.get('pdd|shop-main|night2'))?.status).toBe('pending');
    expect(findMetric(s['rules'], 'pdd.manual3min')?.window).toEqual({ startMin: 0, endMin: 1440 });
  });
});

describe('rule edits: partial updates of the rule overrides', () => {
  it('two saves of different fields, even at once, never overwrite each other', async () => {
    const s = new Sentinel(db, host);
    await s.start();
    // The rule editor (a limit) and the smart-reply switch (validReply) of the same metric, sent together.
    const [a, b] = await Promise.all([
      s.updateSettings({}, { 'taobao.ww3min': { thresholdSec: 120, window: null } }),
      s.updateSettings({ notifications: false }, { 'taobao.ww3min': { validReply: ['human', 'assist'] } }),
    ]);
    expect([a, b]).toEqual([{ ok: true }, { ok: true }]);
    const want = { 'taobao.ww3min': { thresholdSec: 120, validReply: ['human', 'assist'] } };
    expect(s.getSettings().ruleOverrides).toEqual(want);
    expect(await db.settings.get('ruleOverrides')).toEqual({ key: 'ruleOverrides', value: want });
    expect(findMetric(effectiveRules(s.getSettings().ruleOverrides), 'taobao.ww3min')!.thresholdSec).toBe(120);
    // null drops a field; a metric with nothing left loses its entry.
    expect(await s.updateSettings({}, { 'taobao.ww3min': { thresholdSec: null, validReply: null } })).toEqual({
      ok: true,
    });
    expect(s.getSettings().ruleOverrides).toEqual({});
  });

  it('bad edits are refused with a clear error and store nothing', async () => {
    const s = new Sentinel(db, host);
    await s.start();
    await s.updateSettings({}, { 'pdd.manual3min': { thresholdSec: 120 } });
    for (const [rules, error] of [
      ['x', 'rules must be an object'],
      [{ 'pdd.manual3min': 5 }, 'pdd.manual3min: must be an object'],
      [{ 'pdd.manual3min': { colour: 'red' } }, 'pdd.manual3min.colour: unknown field'],
      [{ 'pdd.nope': { thresholdSec: 60 } }, 'no such metric'],
      [JSON.parse('{"__proto__": {"thresholdSec": 60}}') as unknown, 'no such metric'],
      [{ 'pdd.manual3min': { thresholdSec: 0 } }, 'must be 1–3600 seconds'],
      [{ 'pdd.manual3min': { window: { startMin: 60, endMin: 60 } } }, 'two different times of day'],
    ] as const) {
      const r = await s.updateSettings({ notifications: false }, rules);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.error).toContain(error);
    }
    // Nothing of it stored: neither the bad edits nor the patch sent with them.
    expect(s.getSettings().ruleOverrides).toEqual({ 'pdd.manual3min': { thresholdSec: 120 } });
    expect(s.getSettings().notifications).toBe(true);
    expect((await s.updateSettings({ ruleOverrides: {} }, {})).ok).toBe(false);
  });
});
