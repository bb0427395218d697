import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backgroundHandlers, type TabOps } from '../../lib/background/handlers';
import { PhraseStore } from '../../lib/background/phrases';
import { Router, classifySender, type SenderInfo } from '../../lib/background/router';
import { Sentinel } from '../../lib/background/sentinel';
import { TRAFFIC, TrafficLimiter, type Limits } from '../../lib/background/traffic';
import { SentinelDB } from '../../lib/db/schema';
import { isUnrecognisedAccount, UNRECOGNISED_ACCOUNT, type ChatEvent } from '../../lib/model';
import { PROTOCOL, parseMessage, type MessageType } from '../../lib/protocol';
import { send } from '../../lib/send';
import { ev, t } from './helpers/events';
import { FakeHost } from './helpers/host';

const EXT = { id: 'abcdefghijklmnopabcdefghijklmnop', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/' };
const PAGE: SenderInfo = { kind: 'page' };
const TAB = (tabId = 7): SenderInfo => ({ kind: 'workbench', tabId });

let n = 0;
let db: SentinelDB;
let host: FakeHost;
let sentinel: Sentinel;
let phrases: PhraseStore;
let limiter: TrafficLimiter;
let router: Router;
let focused: number[];
let sentToTab: { tabId: number; msg: unknown }[];

function build(limits: Limits = TRAFFIC) {
  limiter = new TrafficLimiter(limits);
  const tabs: TabOps = {
    async focusTab(tabId) {
      focused.push(tabId);
      return true;
    },
    async sendToTab(tabId, msg) {
      sentToTab.push({ tabId, msg });
      return { ok: true };
    },
  };
  router = new Router(
    backgroundHandlers({ sentinel, phrases, limiter, tabs, now: () => host.clock, t: host.t, onPrune: () => {} }),
    limiter,
    () => host.clock,
  );
}

beforeEach(() => {
  db = new SentinelDB(`protocol-${++n}`);
  host = new FakeHost();
  sentinel = new Sentinel(db, host);
  phrases = new PhraseStore(db, () => host.clock);
  focused = [];
  sentToTab = [];
  build();
});
afterEach(() => db.close());

const events = (list: ChatEvent[]) => ({ type: 'events', platform: 'pdd', account: 'shop-main', events: list });

/** One valid request of every type, as its sender would write it. */
const SAMPLES: Record<MessageType, Record<string, unknown>> = {
  events: events([ev('pdd', 'b1', 'buyer', t('10:00:00'))]),
  health: {
    type: 'health',
    platform: 'pdd',
    account: 'shop-main',
    health: 'watching',
    parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' },
    url: 'https://mms.pinduoduo.com/',
  },
  inputFocus: { type: 'inputFocus', platform: 'pdd', account: 'shop-main' },
  phrases: { type: 'phrases', platform: 'pdd' },
  phraseUsed: { type: 'phraseUsed', id: 1 },
  phraseSave: { type: 'phraseSave', draft: { text: '亲，在的', shortcut: '/zai' } },
  phraseDelete: { type: 'phraseDelete', id: 1 },
  phraseImport: { type: 'phraseImport', add: [{ text: '新短语' }], update: [] },
  insertPhrase: { type: 'insertPhrase', phraseId: 1 },
  settings: { type: 'settings', patch: { alertLeadSec: 30 } },
  focus: { type: 'focus', conv: 'pdd|shop-main|b1' },
  refresh: { type: 'refresh' },
  status: { type: 'status' },
  purgeAll: { type: 'purgeAll' },
  teamImport: { type: 'teamImport', bundle: {} },
  teamRemove: { type: 'teamRemove', source: 'agent-0001' },
  agentId: { type: 'agentId' },
  syncStatus: { type: 'syncStatus' },
  syncSet: {
    type: 'syncSet',
    config: {
      enabled: false,
      url: 'https://couch.example.com:6984/shop',
      user: 'agent1',
      password: 'pw',
      label: '小王',
    },
  },
  syncConnect: { type: 'syncConnect' },
};

describe('the protocol map', () => {
  it('has a schema, a sender rule and a sample for every message type', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(PROTOCOL).sort());
    for (const [type, spec] of Object.entries(PROTOCOL)) {
      expect(spec.from.length, type).toBeGreaterThan(0);
      // The samples are well formed, except the team bundle, whose content `parseExport` checks.
      if (type !== 'teamImport') expect(parseMessage(SAMPLES[type as MessageType]).ok, type).toBe(true);
    }
  });

  it('an event keeps how finely its time was shown (atPrecisionMs): a whole number from 1 ms to a day', () => {
    const minute = { ...ev('pdd', 'b1', 'buyer', t('10:00:00')), atPrecisionMs: 60_000 };
    const got = parseMessage(events([minute]));
    expect(got.ok && got.value.type === 'events' && got.value.events[0]!.atPrecisionMs).toBe(60_000);
    for (const bad of [0, 1.5, -60_000, 86_400_001, '60000'])
      expect(parseMessage(events([{ ...minute, atPrecisionMs: bad } as unknown as ChatEvent])).ok, String(bad)).toBe(
        false,
      );
  });

  it('configuration writes, imports, purge and team import come only from extension pages', () => {
    for (const type of [
      'settings',
      'phraseSave',
      'phraseDelete',
      'phraseImport',
      'purgeAll',
      'teamImport',
      'teamRemove',
      'insertPhrase',
      'focus',
      'syncStatus',
      'syncSet',
      'syncConnect',
    ] as const)
      expect(PROTOCOL[type].from, type).toEqual(['page']);
    for (const type of ['events', 'health', 'inputFocus'] as const)
      expect(PROTOCOL[type].from, type).toEqual(['workbench']);
  });

  it.each(Object.keys(PROTOCOL) as MessageType[])(
    '%s from the wrong sender is refused before it runs',
    async (type) => {
      const wrong: SenderInfo[] = [];
      if (!PROTOCOL[type].from.includes('page')) wrong.push(PAGE);
      if (!PROTOCOL[type].from.includes('workbench')) wrong.push(TAB());
      for (const from of wrong) {
        const r = await router.handle(SAMPLES[type], from);
        expect(r).toEqual({ ok: false, error: expect.stringContaining(`${type} must come from`) });
      }
      expect(await db.settings.count()).toBe(0);
      expect(await db.events.count()).toBe(0);
      expect(await db.phrases.count()).toBe(0);
    },
  );

  it('refuses an unknown sender, an unknown type and a malformed request, saying why', async () => {
    expect((await router.handle(SAMPLES.status, null)).ok).toBe(false);
    expect(await router.handle({ type: 'hasOwnProperty' }, PAGE)).toEqual({
      ok: false,
      error: 'unknown message type: hasOwnProperty',
    });
    expect(await router.handle({ type: 'focus', conv: 3 }, PAGE)).toEqual({
      ok: false,
      error: 'focus: conv: must be a conversation key',
    });
    expect(await router.handle('events', TAB())).toEqual({ ok: false, error: 'message must be an object' });
  });

  it('takes a health naming its clock list by number and epoch, or by number only (older tabs); refuses a bad epoch', async () => {
    const health = (extra: Record<string, unknown>) => router.handle({ ...SAMPLES.health, ...extra }, TAB());
    expect((await health({ clocksSeq: 5, clocksEpoch: 2 ** 32 - 1 })).ok).toBe(true);
    expect((await health({ clocksSeq: 5 })).ok).toBe(true);
    for (const clocksEpoch of [-1, 1.5, '7', null, 2 ** 53, Number.NaN, {}])
      expect(await health({ clocksSeq: 5, clocksEpoch }), String(clocksEpoch)).toEqual({
        ok: false,
        error: expect.stringContaining('clocksEpoch'),
      });
  });

  it('answers a handler that throws with an error, not a dead channel', async () => {
    const r = await router.handle({ type: 'phraseImport', add: [], update: [{ id: 999, draft: { text: 'x' } }] }, PAGE);
    expect(r.ok).toBe(false);
  });
});

describe('focus', () => {
  it('a conversation key (with its "|" separators) reaches the workbench tab that shows it', async () => {
    await router.handle(SAMPLES.health, TAB(7));
    await router.handle(SAMPLES.events, TAB(7));
    expect(await router.handle({ type: 'focus', conv: 'pdd|shop-main|b1' }, PAGE)).toEqual({ ok: true });
    expect(focused).toEqual([7]);
    expect((await router.handle({ type: 'focus', conv: 'pdd|shop-main|nobody' }, PAGE)).ok).toBe(false);
  });

  it('quick phrases go to the input focused last by the tabs’ own times, not by when their messages arrived', async () => {
    await router.handle(SAMPLES.health, TAB(7));
    await router.handle(SAMPLES.health, TAB(8));
    const focus = (tabId: number, at?: unknown) =>
      router.handle(
        { type: 'inputFocus', platform: 'pdd', account: 'shop-main', ...(at !== undefined && { at }) },
        TAB(tabId),
      );
    // Tab 8's focus (5 s ago) arrives after tab 7's (1 s ago): sent again after its link to the worker broke.
    await focus(7, host.clock - 1000);
    host.clock += 10;
    await focus(8, host.clock - 5000);
    expect((await sentinel.lastInputTab())?.tabId).toBe(7);
    // A time ahead of the worker's clock counts as now.
    await focus(8, host.clock + 60_000);
    expect((await db.tabs.get(8))?.inputAt).toBe(host.clock);
    expect((await sentinel.lastInputTab())?.tabId).toBe(8);
    // An older content script's focus (no time) counts when it arrives.
    host.clock += 10;
    await focus(7);
    expect((await db.tabs.get(7))?.inputAt).toBe(host.clock);
    expect((await sentinel.lastInputTab())?.tabId).toBe(7);
    // Not a time: refused, nothing stored.
    expect((await focus(8, 'x')).ok).toBe(false);
    expect((await db.tabs.get(8))?.inputAt).toBe(host.clock - 10);
  });
});

describe('who sent it', () => {
  it.each([
    [{ id: EXT.id, url: `${EXT.origin}popup.html` }, { kind: 'page' }],
    [{ id: EXT.id, url: `${EXT.origin}options.html`, tab: { id: 3 } }, { kind: 'page' }],
    [
      { id: EXT.id, url: 'https://mms.pinduoduo.com/chat-merchant/', tab: { id: 3 } },
      { kind: 'workbench', tabId: 3 },
    ],
    [
      { id: EXT.id, url: 'http://127.0.0.1:8080/demo/pdd/', tab: { id: 4 } },
      { kind: 'workbench', tabId: 4 },
    ],
    [{ id: 'another-extension', url: 'https://mms.pinduoduo.com/', tab: { id: 3 } }, null],
    [{ id: EXT.id, url: 'chrome-extension://another/popup.html', tab: { id: 3 } }, null],
    [{ id: EXT.id, url: 'https://mms.pinduoduo.com/' }, null],
    [{ id: EXT.id, url: 'file:///tmp/x.html', tab: { id: 3 } }, null],
    [{ id: EXT.id, url: 'https://mms.pinduoduo.com/', tab: { id: -1 } }, null],
  ])('%j → %j', (sender, kind) => {
    expect(classifySender(sender, EXT)).toEqual(kind);
  });
});

describe('the phrase library cannot be wiped by accident', () => {
  beforeEach(async () => {
    await phrases.seedIfEmpty();
  });

  it('a workbench tab cannot import, save or delete phrases', async () => {
    const before = await db.phrases.count();
    expect(before).toBeGreaterThan(10);
    for (const msg of [
      { type: 'phraseImport', add: [], update: [], replaceAll: true },
      { type: 'phraseImport', add: [], update: [], replaceAll: true, confirmDeleteAll: true },
      { type: 'phraseDelete', id: 1 },
      { type: 'phraseSave', draft: { text: 'x' } },
    ])
      expect((await router.handle(msg, TAB())).ok).toBe(false);
    expect(await db.phrases.count()).toBe(before);
  });

  it('a replace-all with nothing in it is refused unless confirmed as "delete all phrases"', async () => {
    const before = await db.phrases.count();
    const r = await router.handle({ type: 'phraseImport', add: [], update: [], replaceAll: true }, PAGE);
    expect(r).toEqual({ ok: false, error: expect.stringContaining('delete all phrases') });
    expect(await db.phrases.count()).toBe(before);
    const ok = await router.handle(
      { type: 'phraseImport', add: [], update: [], replaceAll: true, confirmDeleteAll: true },
      PAGE,
    );
    expect(ok.ok).toBe(true);
    expect(await db.phrases.count()).toBe(0);
  });

  it('a replace-all with phrases in it replaces the library', async () => {
    const r = await router.handle(
      { type: 'phraseImport', add: [{ text: '唯一' }], update: [], replaceAll: true },
      PAGE,
    );
    expect(r).toEqual({ ok: true, added: 1, updated: 0 });
    expect((await db.phrases.toArray()).map((p) => p.text)).toEqual(['唯一']);
  });
});

describe('phrases are filled with the settings', () => {
  const NAMES = { agentName: '小美', shopName: '演示旗舰店', nickFallback: '亲爱的' };

  it('the phrases reply carries the names the palette fills with', async () => {
    expect(await router.handle({ type: 'phrases', platform: 'pdd' }, TAB())).toMatchObject({
      ok: true,
      fill: { agentName: '', shopName: '', nickFallback: '亲' },
    });
    expect(await router.handle({ type: 'settings', patch: NAMES }, PAGE)).toEqual({ ok: true });
    expect(await router.handle({ type: 'phrases', platform: 'pdd' }, TAB())).toMatchObject({ ok: true, fill: NAMES });
  });

  it("the palette's request may carry the buyer's question; the reply carries its pinyin key", async () => {
    expect(await router.handle({ type: 'phrases', platform: 'pdd', question: '什么时候发或？' }, TAB())).toMatchObject({
      ok: true,
      questionPinyin: 'shen me shi hou fa huo ',
    });
    const long = await router.handle({ type: 'phrases', question: '问'.repeat(5000) }, TAB());
    expect((long as { questionPinyin?: string }).questionPinyin?.split(' ')).toHaveLength(200); // cut to 200
    expect(await router.handle({ type: 'phrases', question: 5 }, TAB())).toMatchObject({ ok: false });
  });

  it('with a question, the reply ranks the phrases for it (the content script only shows them)', async () => {
    await phrases.seedIfEmpty();
    const r = await router.handle({ type: 'phrases', platform: 'pdd', question: '什么时候发货呀' }, TAB());
    expect(r.ok).toBe(true);
    const { phrases: rows, suggested } = r as unknown as {
      phrases: { id: number; text: string }[];
      suggested: { id: number; score: number }[];
    };
    expect(suggested.length).toBeGreaterThan(0);
    const first = rows.find((p) => p.id === suggested[0]!.id)!;
    expect(first.text).toMatch(/发货|发出/);
    expect(suggested.map((s) => s.score)).toEqual([...suggested.map((s) => s.score)].sort((a, b) => b - a));
    expect((await router.handle({ type: 'phrases', platform: 'pdd' }, TAB())) as object).not.toHaveProperty(
      'suggested',
    );
  });

  it('sends the phrases again only when the revision the palette holds is not the current one', async () => {
    await phrases.seedIfEmpty();
    const first = (await router.handle({ type: 'phrases', platform: 'pdd' }, TAB())) as unknown as {
      rev: string;
      phrases?: unknown[];
    };
    expect(first.phrases!.length).toBeGreaterThan(10);
    expect(first.rev).toEqual(expect.any(String));
    // Current: no rows (the palette keeps its own), the suggestions and the settings as always.
    const again = await router.handle({ type: 'phrases', platform: 'pdd', rev: first.rev, question: '发货' }, TAB());
    expect(again).toMatchObject({ ok: true, rev: first.rev, fill: expect.any(Object) });
    expect(again).not.toHaveProperty('phrases');
    expect((again as { suggested?: unknown[] }).suggested!.length).toBeGreaterThan(0);
    // An edit (or a use) makes it another revision: the rows come again.
    expect((await router.handle({ type: 'phraseSave', draft: { text: '新的一条' } }, PAGE)).ok).toBe(true);
    const edited = (await router.handle({ type: 'phrases', platform: 'pdd', rev: first.rev }, TAB())) as unknown as {
      rev: string;
      phrases?: { text: string }[];
    };
    expect(edited.rev).not.toBe(first.rev);
    expect(edited.phrases!.map((p) => p.text)).toContain('新的一条');
    await router.handle({ type: 'phraseUsed', id: 1 }, TAB());
    expect(await router.handle({ type: 'phrases', platform: 'pdd', rev: edited.rev }, TAB())).toHaveProperty('phrases');
  });

  it("the popup's insert fills {客服名} {店铺名} from the settings and never inserts a masked nickname", async () => {
    await router.handle({ type: 'settings', patch: NAMES }, PAGE);
    await sentinel.ingest(
      events([ev('pdd', 'b1', 'buyer', host.clock - 1000, { buyerNick: 'S*******n', shop: '页面店' })]) as never,
    );
    await db.tabs.put({
      tabId: 7,
      platform: 'pdd',
      account: 'shop-main',
      url: 'https://mms.pinduoduo.com/',
      health: 'watching',
      lastSeen: host.clock,
      activeBuyer: 'b1',
      inputAt: host.clock,
    });
    const saved = await phrases.save({ text: '{买家昵称}您好，我是{客服名}，欢迎光临{店铺名}{cursor}' });
    const id = (saved as { id: number }).id;
    expect(await router.handle({ type: 'insertPhrase', phraseId: id }, PAGE)).toEqual({ ok: true });
    expect(sentToTab).toEqual([
      { tabId: 7, msg: { type: 'insert', text: '亲爱的您好，我是小美，欢迎光临演示旗舰店' } },
    ]);
  });
});

describe('settings only from extension pages, and only valid ones', () => {
  it('a workbench tab cannot change settings; a page can, and a bad patch stores nothing', async () => {
    expect((await router.handle({ type: 'settings', patch: { alertLeadSec: 5 } }, TAB())).ok).toBe(false);
    expect(
      await router.handle({ type: 'settings', patch: { ruleOverrides: { 'pdd.manual3min': { window: null } } } }, PAGE),
    ).toEqual({ ok: false, error: expect.stringContaining('pdd.manual3min.window') });
    expect(await db.settings.count()).toBe(0);
    expect(await router.handle({ type: 'settings', patch: { alertLeadSec: 5 } }, PAGE)).toEqual({ ok: true });
    expect(await db.settings.get('alertLeadSec')).toEqual({ key: 'alertLeadSec', value: 5 });
    expect(await router.handle({ type: 'status' }, PAGE)).toEqual({ ok: true, startError: null, settingsReset: [] });
  });
});

describe('per-tab traffic limits', () => {
  const small = { messagesBurst: 5, messagesPerSec: 1, eventsBurst: 10, eventsPerSec: 1 };

  it('a tab that sends too many messages is refused, counted, and let through again once refilled', async () => {
    build(small);
    const health = SAMPLES.health;
    for (let i = 0; i < 5; i++) expect((await router.handle(health, TAB())).ok).toBe(true);
    const r = await router.handle(health, TAB());
    expect(r).toEqual({ ok: false, error: expect.stringContaining('sends too much') });
    expect(limiter.dropped(7)).toEqual({ messages: 1, events: 0, at: host.clock });
    // Another tab is not affected.
    expect((await router.handle(health, TAB(8))).ok).toBe(true);
    host.clock += 2_000;
    expect((await router.handle(health, TAB())).ok).toBe(true);
    // The drop is shown on the tab (the popup reads the tab rows).
    expect((await db.tabs.get(7))?.dropped).toEqual({ messages: 1, events: 0, at: host.clock - 2_000 });
  });

  it('stored events are charged, duplicates are free, and a tab in debt cannot fill the disk', async () => {
    build(small);
    const batch = (from: number, count: number) =>
      events(
        Array.from({ length: count }, (_, i) =>
          ev('pdd', `b${from + i}`, 'buyer', t('10:00:00'), { messageId: `x${from + i}` }),
        ),
      );
    expect(await router.handle(batch(0, 12), TAB())).toEqual({ ok: true, stored: 12, conversations: 12 });
    // The same messages again (a reload) store nothing and cost nothing... but the tab is in debt (10 − 12).
    const again = await router.handle(batch(0, 12), TAB());
    expect(again).toEqual({ ok: false, error: expect.stringContaining('sends too much') });
    expect(limiter.dropped(7)?.events).toBe(12);
    host.clock += 3_000; // +3 tokens: out of debt
    expect(await router.handle(batch(0, 12), TAB())).toEqual({ ok: true, stored: 0, conversations: 0 });
    expect(await router.handle(batch(100, 1), TAB())).toEqual({ ok: true, stored: 1, conversations: 1 });
    expect(await db.events.count()).toBe(13);
  });

  it('a burst of messages sent at once cannot overshoot the limit before the first is stored', async () => {
    build(small);
    const batch = (from: number) =>
      events(
        Array.from({ length: 10 }, (_, i) =>
          ev('pdd', `c${from + i}`, 'buyer', t('10:00:00'), { messageId: `y${from + i}` }),
        ),
      );
    const replies = await Promise.all([0, 10, 20, 30, 40].map((from) => router.handle(batch(from), TAB())));
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(await db.events.count()).toBe(10);
    // The debt is one message at most: ten seconds later (10 tokens) the tab is let through again.
    host.clock += 10_000;
    expect((await router.handle(batch(50), TAB())).ok).toBe(true);
  });

  it('a hostile message cannot take another tab’s private account or forge a key with "|"', async () => {
    expect(await router.handle({ type: 'events', platform: 'pdd', account: '?tab8.1', events: [] }, TAB())).toEqual({
      ok: false,
      error: expect.stringContaining('account'),
    });
    const r = await router.handle(events([ev('pdd', 'a|b', 'buyer', t('10:00:00'), { messageId: 'm|1' })]), TAB());
    expect(r.ok).toBe(true);
    expect((await db.events.toArray()).map((e) => [e.buyer, e.messageId])).toEqual([['a¦b', 'm¦1']]);
    expect(await router.handle({ type: { toString: 1 } }, PAGE)).toEqual({
      ok: false,
      error: 'unknown message type: object',
    });
  });

  it('the documented defaults let a first scan of a 10 000-message thread through, twice', () => {
    const l = new TrafficLimiter();
    for (let i = 0; i < 5; i++) {
      expect(l.admit(1, 0, 2000)).toBe(true);
    }
    expect(l.admit(1, 0, 2000)).toBe(true);
    expect(l.dropped(1)).toBeUndefined();
  });
});

describe('send()', () => {
  it('returns the reply, or an error reply when the transport fails or answers nothing', async () => {
    expect(await send(async () => ({ ok: true, agentId: 'a' }), { type: 'agentId' })).toEqual({
      ok: true,
      agentId: 'a',
    });
    expect(await send(async () => undefined, { type: 'agentId' })).toEqual({
      ok: false,
      error: 'no answer from the background',
    });
    expect(
      await send(
        async () => {
          throw new Error('Extension context invalidated.');
        },
        { type: 'agentId' },
      ),
    ).toEqual({ ok: false, error: 'Extension context invalidated.' });
  });
});

describe('a workbench tab whose page shows no shop', () => {
  it('gets its own account from the tab it sends from: two such tabs are two shops, each answered with its own clocks', async () => {
    const unrecognised = (tabId: number, buyerAuthor: ChatEvent['author'], at: number) =>
      router.handle(
        {
          type: 'events',
          platform: 'douyin',
          account: UNRECOGNISED_ACCOUNT,
          events: [{ ...ev('douyin', '小明', buyerAuthor, at), account: UNRECOGNISED_ACCOUNT }],
        },
        TAB(tabId),
      );
    const health = (tabId: number) =>
      router.handle(
        {
          type: 'health',
          platform: 'douyin',
          account: UNRECOGNISED_ACCOUNT,
          health: 'watching',
          parts: { list: 'ok', thread: 'ok', input: 'ok', account: 'none' },
          url: 'https://im.jinritemai.com/pc_seller_v2/main/workspace',
        },
        TAB(tabId),
      );
    await health(7);
    await health(8);
    expect(await unrecognised(7, 'buyer', t('10:00:00'))).toMatchObject({ ok: true, stored: 1 });
    host.clock = t('10:00:30');
    await unrecognised(8, 'buyer', t('10:00:30'));
    host.clock = t('10:01:00');
    await unrecognised(8, 'human', t('10:01:00'));
    const accounts = (await db.tabs.toArray()).sort((a, b) => a.tabId - b.tabId).map((x) => x.account);
    expect(new Set(accounts).size).toBe(2);
    expect(accounts.every(isUnrecognisedAccount)).toBe(true);
    expect(await health(7)).toEqual({ ok: true, clocks: [{ buyer: '小明', status: 'pending', dueAt: t('10:03:00') }] });
    expect(await health(8)).toEqual({ ok: true, clocks: [] });
  });
});
