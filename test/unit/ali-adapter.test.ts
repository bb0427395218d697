// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ALI_NOTICE_PREVIEWS,
  ALI_SELECTORS,
  ALI_SYSTEM_SENDERS,
  aliAcceptsFrame,
  ali1688Adapter,
  extractAli,
  parseRelativeAge,
  taobaoAdapter,
} from '../../lib/platforms/ali';
import { pick } from '../../lib/platforms/dom';
import { liveOf } from '../../lib/platforms/types';
import { EventLedger } from '../../lib/content/ledger';
import { evaluate } from '../../lib/engine';
import { DEFAULT_RULES } from '../../lib/rules';

/** jsdom itself (untyped here: no @types/jsdom), to load the demo pages with their scripts and iframe. */
interface JsdomLike {
  window: Window & { close(): void };
}
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: { fromFile(path: string, options: Record<string, unknown>): Promise<JsdomLike> };
};

function load(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}
const fixture = readFileSync(join(process.cwd(), 'test/fixtures/ali/thread.html'), 'utf8');
/** China local time → epoch ms. */
const cn = (mo: number, d: number, h: number, mi: number, s: number) => Date.UTC(2026, mo - 1, d, h - 8, mi, s);

describe('1688 / Taobao web Wangwang adapter', () => {
  it('matches the real pages and the demo pages only', () => {
    const yes1688 = [
      'https://air.1688.com/app/ocms-fusion-components-1688/def_cbu_web_im/index.html?touid=cnalichn%E6%B0%B8&siteid=cnalichn#/',
      'https://air.1688.com/app/ocms-fusion-components-1688/def_cbu_web_im_core/index.html?touid=x#/',
      'http://127.0.0.1:5173/ali1688/index.html',
      'http://localhost:8080/ali1688/core.html',
    ];
    for (const u of yes1688) expect(ali1688Adapter.matches(new URL(u)), u).toBe(true);
    for (const u of yes1688) expect(taobaoAdapter.matches(new URL(u)), u).toBe(false);
    const yesTaobao = [
      'https://web.wangwang.taobao.com/',
      'https://air.taobao.com/app/ocms-fusion-components-1688/def_cbu_web_im/index.html',
      'http://127.0.0.1:5173/taobao/index.html',
    ];
    for (const u of yesTaobao) expect(taobaoAdapter.matches(new URL(u)), u).toBe(true);
    for (const u of yesTaobao) expect(ali1688Adapter.matches(new URL(u)), u).toBe(false);
    const no = [
      'https://air.1688.com/app/channel-fe/search/index.html',
      'https://air.taobao.com/app/some-campaign/index.html',
      'https://detail.1688.com/offer/858532417224.html',
      'https://example.com/def_cbu_web_im/index.html',
      'https://example.com/ali1688/index.html',
      'http://127.0.0.1:5173/pdd/index.html',
    ];
    for (const u of no) {
      expect(ali1688Adapter.matches(new URL(u)), u).toBe(false);
      expect(taobaoAdapter.matches(new URL(u)), u).toBe(false);
    }
  });

  it('reads the open thread: authors, ids, times, texts', () => {
    const x = extractAli(load(fixture));
    expect(x.health).toBe('watching');
    expect(x.account).toBe('义乌优品工厂店:小王');
    expect(x.thread?.buyer).toBe('采购商小李');
    expect(x.thread?.nick).toBe('采购商小李');
    const msgs = x.thread!.messages;
    expect(msgs.map((m) => [m.author, m.text])).toEqual([
      ['system', '买家已拍下，订单还未付款，请及时跟进'],
      ['buyer', '这款有现货吗'],
      ['buyer', '[卡片] 【厂家直销】加厚保温杯 500ml¥12.80'],
      ['auto', '【自动回复】您好，欢迎光临义乌优品工厂店，客服稍后为您服务'],
      ['buyer', '[图片]'],
      ['human', '有现货的亲，今天下单今天发 <b>'],
      ['buyer', '好的'],
      ['buyer', '好的'],
      ['auto', '亲，客服暂时离开，稍后回复您'],
      ['robot', '亲亲，保温杯支持定制logo哦'],
      ['internal', '这个客户我来跟'],
      ['system', '[卡片] 客服评价邀请请对本次服务做出评价'],
    ]);
    expect(msgs[1]).toMatchObject({ at: cn(9, 8, 17, 12, 14), timeSource: 'stamp' });
    expect(msgs[5]).toMatchObject({ at: cn(9, 8, 17, 13, 30), timeSource: 'stamp' });
    // Content-hash ids: stable across scans, distinct for identical messages in the same second.
    for (const m of msgs) expect(m.id).toMatch(/^h[0-9a-f]{8}$/);
    expect(new Set(msgs.map((m) => m.id)).size).toBe(msgs.length);
    expect(extractAli(load(fixture)).thread!.messages.map((m) => m.id)).toEqual(msgs.map((m) => m.id));
    // The input is the editable editor in .ww_input, not a read-only bubble of the same editor class.
    expect(x.input?.getAttribute('contenteditable')).toBe('true');
    expect(x.input?.closest('.ww_input')).not.toBeNull();
  });

  it('classifies by sender and side, never by words in the message', () => {
    const item = (nick: string, t: string, self = false, around = (x: string) => x, content = '') =>
      `<div data-index="0">${around(
        `<div class="message-item${self ? ' self' : ''}"><div class="message-main"><div class="message-header"><span class="nick">${nick}</span><span class="time">2026-09-08 17:12:14</span></div><div class="content">${content || `<div class="text-message"><pre class="edit">${t}</pre></div>`}</div></div></div>`,
      )}</div>`;
    const shop = '义乌优品工厂店:小王';
    const buyer = '采购商小李';
    const html = fixture.replace(
      /(<div class="rc-scrollbars-view">)[\s\S]*?(<\/div><\/div><\/div>\s*<\/div>\s*<div class="ww_input">)/,
      `$1${[
        item(buyer, '系统消息说我的订单还未付款，可我已经付了'),
        item(buyer, '平台提醒'),
        item(buyer, '【自动回复】是什么意思？'),
        item(shop, '亲，平台提醒“订单还未付款”是系统发的，您付款后就好了', true),
        item(shop, '刚才那条【自动回复】是系统发的，我是人工客服', true),
        item(shop, '客服评价邀请', true),
        item(shop, '亲，已改好', false, (x) => `<div class="self row-right">${x}</div>`),
        item('淘宝官方旗舰店粉丝', '你们是官方店吗'),
        item('平台提醒', '买家已拍下，订单还未付款，请及时跟进'),
        item(shop, '【自动回复】您好，欢迎光临', true),
        item(shop, '', true, (x) => x, '<div class="evaluate-card"><div class="card-title">客服评价邀请</div></div>'),
      ].join('')}$2`,
    );
    expect(extractAli(load(html)).thread?.messages.map((m) => m.author)).toEqual([
      'buyer',
      'buyer',
      'buyer',
      'human',
      'human',
      'human',
      'human',
      'buyer',
      'system',
      'auto',
      'system',
    ]);
  });

  it('the robot is its WHOLE name (the sub-account after the colon): a robot-toy shop’s agent is a human', () => {
    const item = (nick: string, t: string) =>
      `<div data-index="0"><div class="message-item self"><div class="message-main"><div class="message-header"><span class="nick">${nick}</span><span class="time">2026-09-08 17:12:40</span></div><div class="content"><div class="text-message"><pre class="edit">${t}</pre></div></div></div></div></div>`;
    const cases: [string, 'human' | 'robot'][] = [
      ['乐高机器人旗舰店:小王', 'human'],
      ['店小蜜专营店:阿强', 'human'],
      ['7x24小时便利店：小美', 'human'],
      ['义乌优品工厂店:智能客服组小李', 'human'],
      ['义乌优品工厂店:小王机器人', 'human'],
      ['义乌优品工厂店:店小蜜', 'robot'],
      ['义乌优品工厂店：店小蜜', 'robot'],
      ['义乌优品工厂店:7x24H响应服务', 'robot'],
      ['乐高机器人旗舰店:智能客服', 'robot'],
      ['店小蜜', 'robot'],
    ];
    const html = (rows: string) =>
      fixture.replace(
        /(<div class="rc-scrollbars-view">)[\s\S]*?(<\/div><\/div><\/div>\s*<\/div>\s*<div class="ww_input">)/,
        `$1${rows}$2`,
      );
    const x = extractAli(load(html(cases.map(([nick], i) => item(nick, `有的亲 ${i}`)).join(''))));
    expect(x.thread?.messages.map((m) => m.author)).toEqual(cases.map(([, a]) => a));
    // Without a user panel, the account is our own human sender, never the robot's (main:店小蜜).
    const noPanel = (h: string) => h.replace(/<div class="ww_user_panel">[\s\S]*?<\/div><\/div><\/div>/, '');
    const own = extractAli(
      load(noPanel(html([item('乐高机器人旗舰店:店小蜜', 'a'), item('乐高机器人旗舰店:小王', 'b')].join('')))),
    );
    expect(own.account).toBe('乐高机器人旗舰店:小王');
  });

  it('keeps ids when history loads above and when new messages arrive below', () => {
    const before = extractAli(load(fixture)).thread!.messages;
    const older =
      '<div data-index="-1"><div class="message-item"><div class="message-header"><span class="nick">采购商小李</span><span class="time">2026-09-07 09:00:00</span></div><div class="content"><pre>你好</pre></div></div></div>';
    const newer =
      '<div data-index="12"><div class="message-item"><div class="message-header"><span class="nick">采购商小李</span><span class="time">2026-09-08 17:40:00</span></div><div class="content"><pre>好的</pre></div></div></div>';
    const html = fixture
      .replace('<div class="rc-scrollbars-view">', `<div class="rc-scrollbars-view">${older}`)
      .replace(
        '</div></div></div>\n            </div>\n            <div class="ww_input">',
        `${newer}</div></div></div>\n            </div>\n            <div class="ww_input">`,
      );
    const after = extractAli(load(html)).thread!.messages;
    expect(after).toHaveLength(before.length + 2);
    expect(after.slice(1, -1).map((m) => m.id)).toEqual(before.map((m) => m.id));
    expect(after.at(-1)).toMatchObject({ author: 'buyer', text: '好的', at: cn(9, 8, 17, 40, 0) });
  });

  it('dates bare times only from a date above them', () => {
    const bare = fixture.replaceAll('<span class="time">2026-09-08 ', '<span class="time">');
    expect(extractAli(load(bare)).thread!.messages.every((m) => m.at === null && m.timeSource === null)).toBe(true);
    const divided = bare.replace(
      '<div class="rc-scrollbars-view">',
      '<div class="rc-scrollbars-view"><div class="message-time-divider">2026年9月8日</div>',
    );
    const x = extractAli(load(divided)).thread!.messages;
    expect(x[1]).toMatchObject({ at: cn(9, 8, 17, 12, 14), timeSource: 'stamp' });
    const yesterday = bare.replace(
      '<div class="rc-scrollbars-view">',
      '<div class="rc-scrollbars-view"><div class="message-time-divider">2026-09-07</div><div class="message-time-divider">昨天</div>',
    );
    expect(extractAli(load(yesterday)).thread!.messages.every((m) => m.at === null)).toBe(true);
    // A full stamp on an older message does not date the bare times after it (they may be today's).
    const olderFull = bare.replace('<span class="time">17:10:02', '<span class="time">2026-09-07 17:10:02');
    const y = extractAli(load(olderFull)).thread!.messages;
    expect(y[0]!.at).toBe(cn(9, 7, 17, 10, 2));
    expect(y.slice(1).every((m) => m.at === null)).toBe(true);
  });

  it('with the caller’s clock, bare times with no divider above are dated: a buyer waiting when the tab opens', () => {
    const page = `<div class="ww_conversation"><div class="ww_user_panel"><div><div></div><div>优品店:小王</div></div></div>
  <div class="conversation-list"><div class="conversation-item active"><div class="name">采购商小李</div><div class="time">10:00</div><div class="desc">有现货吗</div></div></div></div>
  <div class="ww_message"><div class="message-item"><span class="nick">采购商小李</span><span class="time">10:00:00</span><div class="content"><pre>有现货吗</pre></div></div></div>
  <div class="ww_input"><pre class="edit" contenteditable="true"></pre></div>`;
    expect(extractAli(load(page)).thread!.messages[0]!.at).toBeNull(); // no clock: no date
    const doc = load(page);
    const x = extractAli(doc, undefined, cn(12, 3, 10, 1, 0));
    expect(x.health).toBe('watching');
    expect(x.thread!.messages).toMatchObject([{ author: 'buyer', at: cn(12, 3, 10, 0, 0), timeSource: 'stamp' }]);
    // Later than now: yesterday's (a stamp up to 5 minutes ahead is the page's clock running ahead: today's).
    const late = (t: string, now: number) =>
      extractAli(load(page.replace('>10:00:00<', `>${t}<`)), undefined, now).thread!.messages[0]!.at;
    expect(late('10:04:00', cn(12, 3, 10, 1, 0))).toBe(cn(12, 3, 10, 4, 0));
    expect(late('23:59:00', cn(12, 3, 10, 1, 0))).toBe(cn(12, 2, 23, 59, 0));
    // The tab stays open overnight: a message that arrives the next morning is the next morning's.
    const box = liveOf(x)!.thread!.in;
    box.insertAdjacentHTML(
      'beforeend',
      '<div class="message-item"><span class="nick">采购商小李</span><span class="time">09:30:00</span><div class="content"><pre>在吗</pre></div></div>',
    );
    expect(liveOf(x)!.thread!.append([box.lastElementChild!], cn(12, 4, 9, 30, 1))).toMatchObject([
      { author: 'buyer', at: cn(12, 4, 9, 30, 0) },
    ]);
    // Under a 昨天 divider, read at tab-open: yesterday's; under a weekday: no date (not today's).
    const under = (divider: string) =>
      extractAli(
        load(
          page.replace(
            '<div class="message-item">',
            `<div class="message-time-divider">${divider}</div><div class="message-item">`,
          ),
        ),
        undefined,
        cn(12, 4, 11, 0, 0),
      ).thread!.messages[0]!.at;
    expect(under('昨天')).toBe(cn(12, 3, 10, 0, 0));
    expect(under('今天')).toBe(cn(12, 4, 10, 0, 0));
    expect(under('星期三')).toBeNull();
    expect(under('2026-12-01')).toBe(cn(12, 1, 10, 0, 0));
  });

  it('bare times with no divider above are dated backwards from the last: yesterday’s buyer at 23:00 still waits', () => {
    const item = (nick: string, time: string, body: string, self = false) =>
      `<div class="message-item${self ? ' self' : ''}"><span class="nick">${nick}</span><span class="time">${time}</span><div class="content"><pre>${body}</pre></div></div>`;
    const page = (
      ...items: string[]
    ) => `<div class="ww_conversation"><div class="ww_user_panel"><div><div></div><div>优品店:小王</div></div></div>
  <div class="conversation-list"><div class="conversation-item active"><div class="name">采购商小李</div><div class="time">23:00</div><div class="desc">发货了吗</div></div></div></div>
  <div class="ww_message">${items.join('')}</div>
  <div class="ww_input"><pre class="edit" contenteditable="true"></pre></div>`;
    const now = cn(12, 6, 10, 0, 0);
    const times = (html: string) => extractAli(load(html), undefined, now).thread!.messages.map((m) => m.at);
    for (const [a, b, c] of [
      ['09:00:00', '09:05:00', '23:00:00'],
      ['09:00', '09:05', '23:00'],
    ] as const) {
      expect(
        times(
          page(item('采购商小李', a, '在吗'), item('优品店:小王', b, '在的', true), item('采购商小李', c, '发货了吗')),
        ),
        a,
      ).toEqual([cn(12, 5, 9, 0, 0), cn(12, 5, 9, 5, 0), cn(12, 5, 23, 0, 0)]);
    }
    // A divider ends the run (what is above it is on an earlier day) and dates what follows; a full stamp bounds it.
    expect(
      times(
        page(
          item('采购商小李', '23:00:00', '在吗'),
          '<div class="message-time-divider">今天</div>',
          item('采购商小李', '09:00:00', '发货了吗'),
        ),
      ),
    ).toEqual([cn(12, 5, 23, 0, 0), cn(12, 6, 9, 0, 0)]);
    expect(
      times(page(item('采购商小李', '23:00:00', '在吗'), item('采购商小李', '2026-12-05 23:10:00', '发货了吗'))),
    ).toEqual([cn(12, 5, 23, 0, 0), cn(12, 5, 23, 10, 0)]);
  });

  describe('dividers and rows out of order in the tab-open run (outsider review A1, F2)', () => {
    const item = (nick: string, time: string, body: string, self = false) =>
      `<div class="message-item${self ? ' self' : ''}"><span class="nick">${nick}</span><span class="time">${time}</span><div class="content"><pre>${body}</pre></div></div>`;
    const div = (t: string) => `<div class="message-time-divider">${t}</div>`;
    const page = (
      ...items: string[]
    ) => `<div class="ww_conversation"><div class="ww_user_panel"><div><div></div><div>优品店:小王</div></div></div>
  <div class="conversation-list"><div class="conversation-item active"><div class="name">采购商小李</div><div class="time">09:00</div><div class="desc">x</div></div></div></div>
  <div class="ww_message">${items.join('')}</div>
  <div class="ww_input"><pre class="edit" contenteditable="true"></pre></div>`;
    /** The thread's message times, read at `now`. */
    const times = (html: string, now: number) =>
      extractAli(load(html), undefined, now).thread!.messages.map((m) => m.at);
    const failsOf = (html: string, now: number) => {
      const x = extractAli(load(html), undefined, now);
      const events = new EventLedger('taobao').events({ kind: 'whole', page: x }, 'shop', now);
      const out = evaluate({
        events,
        coverage: [{ platform: 'taobao', account: 'shop', from: cn(12, 5, 0, 0, 0), to: now }],
        rules: DEFAULT_RULES,
        now,
        alertLeadSec: 60,
      });
      return out.units.filter((u) => u.result === 'fail').map((u) => [u.metric, u.day, u.responseSec]);
    };

    it('a buyer back the next day at about the same time: yesterday stays yesterday (second outsider review AP1)', () => {
      // Yesterday's 14:00 question and 14:02 reply above today's unanswered 13:30, read at 14:30: an hour's
      // out-of-order tolerance dated them today, so the 13:30 question was "answered" at 14:02 (its clock stopped).
      const now = cn(12, 6, 14, 30, 0);
      const html = page(
        item('采购商小李', '14:00:00', '在吗'),
        item('优品店:小王', '14:02:00', '在的', true),
        item('采购商小李', '13:30:00', '退款怎么还没到'),
      );
      expect(times(html, now)).toEqual([cn(12, 5, 14, 0, 0), cn(12, 5, 14, 2, 0), cn(12, 6, 13, 30, 0)]);
      // Today's question is still waiting (and past its 3 minutes): a fail with no reply, not a 1 920 s answer.
      expect(failsOf(html, now)).toEqual([
        ['taobao.ww3min', '2026-12-06', null],
        ['taobao.avgResp', '2026-12-06', null],
      ]);
    });

    it('a divider with a time caps the run above it at that time, not at the start of its day', () => {
      const now = cn(12, 6, 9, 30, 0);
      for (const d of ['今天 09:00', '2026-12-06 09:00', '2026年12月06日 09:00', '今天 09:00:30']) {
        const html = page(
          item('采购商小李', '08:59:00', '在吗'),
          div(d),
          item('优品店:小王', '09:00:10', '在的', true),
        );
        expect(times(html, now), d).toEqual([cn(12, 6, 8, 59, 0), cn(12, 6, 9, 0, 10)]);
        // It was dated yesterday: a 24 h reply booked as a fail.
        expect(failsOf(html, now), d).toEqual([]);
      }
      // A date-only divider still puts what is above it on an earlier day; a row above a timed divider that is later
      // than it (+ slack) too.
      for (const d of ['今天', '2026-12-06', '今天 08:00']) {
        expect(
          times(
            page(item('采购商小李', '08:59:00', '在吗'), div(d), item('优品店:小王', '09:00:10', '在的', true)),
            now,
          ),
          d,
        ).toEqual([cn(12, 5, 8, 59, 0), cn(12, 6, 9, 0, 10)]);
      }
      // 昨天 with a time: the run above is not after yesterday's 22:00 (+ slack).
      expect(
        times(
          page(
            item('采购商小李', '21:59:00', '在吗'),
            div('昨天 22:00'),
            item('优品店:小王', '22:00:10', '在的', true),
          ),
          now,
        ),
      ).toEqual([cn(12, 5, 21, 59, 0), cn(12, 5, 22, 0, 10)]);
    });

    it('a divider with a time only is one more bare time of the run, not an end of it', () => {
      // Yesterday's 23:00, a 09:00 divider, this morning's 09:01: the run is dated backwards through the divider.
      const now = cn(12, 6, 9, 30, 0);
      expect(
        times(
          page(item('采购商小李', '23:00:00', '在吗'), div('09:00'), item('采购商小李', '09:01:00', '发货了吗')),
          now,
        ),
      ).toEqual([cn(12, 5, 23, 0, 0), cn(12, 6, 9, 1, 0)]);
      // The divider's own time counts: 08:30 above a 09:00 divider above 08:50 is not today's (09:00 is later).
      expect(
        times(
          page(item('采购商小李', '08:30:00', '在吗'), div('23:00'), item('采购商小李', '08:50:00', '发货了吗')),
          now,
        ),
      ).toEqual([cn(12, 5, 8, 30, 0), cn(12, 6, 8, 50, 0)]);
    });

    it('a run ended by a weekday divider is not dated from now: null (outsider review F3)', () => {
      const now = cn(12, 5, 10, 0, 0); // a Saturday
      expect(
        extractAli(
          load(page(item('采购商小李', '09:00:00', '在吗'), div('星期三'), item('采购商小李', '09:30:00', '发货了吗'))),
          undefined,
          now,
        ).thread!.messages.map((m) => [m.at, m.timeSource]),
      ).toEqual([
        [null, null],
        [null, null],
      ]);
    });

    it('one row minutes out of order does not move the morning above it to yesterday (no 24 h reply)', () => {
      const now = cn(12, 6, 10, 10, 0);
      const html = page(
        item('采购商小李', '09:00:00', '在吗'),
        item('优品店:小王', '09:01:00', '在的', true),
        item('采购商小李', '10:05:00', '发货了吗'),
        item('优品店:小王', '10:03:00', '已发', true),
      );
      expect(times(html, now)).toEqual([
        cn(12, 6, 9, 0, 0),
        cn(12, 6, 9, 1, 0),
        cn(12, 6, 10, 5, 0),
        cn(12, 6, 10, 3, 0),
      ]);
      // Nothing booked on yesterday (the 10:05 question, unanswered at 10:10, is today's fail).
      expect(failsOf(html, now).filter((u) => u[1] !== '2026-12-06')).toEqual([]);
    });
  });

  it('end to end: that buyer, unanswered since 10:00:00 when the tab opens at 10:01, is breached at 10:05', () => {
    const page = `<div class="ww_conversation"><div class="ww_user_panel"><div><div></div><div>优品店:小王</div></div></div>
  <div class="conversation-list"><div class="conversation-item active"><div class="name">采购商小李</div><div class="time">10:00</div><div class="desc">有现货吗</div></div></div></div>
  <div class="ww_message"><div class="message-item"><span class="nick">采购商小李</span><span class="time">10:00:00</span><div class="content"><pre>有现货吗</pre></div></div></div>
  <div class="ww_input"><pre class="edit" contenteditable="true"></pre></div>`;
    const opened = cn(12, 3, 10, 1, 0);
    const now = cn(12, 3, 10, 5, 0);
    const x = extractAli(load(page), undefined, opened);
    const events = new EventLedger('taobao').events({ kind: 'whole', page: x }, 'shop', opened);
    const out = evaluate({
      events,
      coverage: [{ platform: 'taobao', account: 'shop', from: opened, to: now }],
      rules: DEFAULT_RULES,
      now,
      alertLeadSec: 60,
    });
    expect(out.clocks).toMatchObject([{ buyer: '采购商小李', status: 'breached', startedAt: cn(12, 3, 10, 0, 0) }]);
  });

  it('minute-only stamps: a reply shown in the same minute as the question is no 0-second reply (no false breach)', () => {
    const page = (
      q: string,
      r: string,
    ) => `<div class="ww_conversation"><div class="ww_user_panel"><div><div></div><div>优品店:小王</div></div></div>
  <div class="conversation-list"><div class="conversation-item active"><div class="name">采购商小李</div><div class="time">10:00</div><div class="desc">有现货吗</div></div></div></div>
  <div class="ww_message"><div class="message-item"><span class="nick">采购商小李</span><span class="time">${q}</span><div class="content"><pre>有现货吗</pre></div></div><div class="message-item self"><span class="nick">优品店:小王</span><span class="time">${r}</span><div class="content"><pre>有的亲</pre></div></div></div>
  <div class="ww_input"><pre class="edit" contenteditable="true"></pre></div>`;
    const opened = cn(12, 3, 10, 1, 0);
    const now = cn(12, 3, 10, 5, 0);
    const read = (q: string, r: string) => extractAli(load(page(q, r)), undefined, opened);
    expect(read('10:00', '10:00').thread!.messages).toMatchObject([
      { author: 'buyer', at: cn(12, 3, 10, 0, 0), atPrecisionMs: 60_000 },
      { author: 'human', at: cn(12, 3, 10, 0, 0), atPrecisionMs: 60_000 },
    ]);
    expect(read('2026-12-03 10:00', '10:00:05').thread!.messages.map((m) => m.atPrecisionMs)).toEqual([
      60_000,
      undefined,
    ]);
    const status = (q: string, r: string) => {
      const events = new EventLedger('taobao').events({ kind: 'whole', page: read(q, r) }, 'shop', opened);
      const out = evaluate({
        events,
        coverage: [{ platform: 'taobao', account: 'shop', from: opened, to: now }],
        rules: DEFAULT_RULES,
        now,
        alertLeadSec: 60,
      });
      return out.clocks.find((c) => c.buyer === '采购商小李')?.status;
    };
    // Answered within the minute: the clock stopped (it was voided as a 0-second reply: breached at 10:05).
    expect(status('10:00', '10:00')).not.toBe('breached');
    expect(status('10:00:00', '10:00')).not.toBe('breached');
    // Both to the second and the same second: still an automatic answer, the clock runs on.
    expect(status('10:00:00', '10:00:00')).toBe('breached');
  });

  it('the open conversation’s row shows its wait too (an unread row with a relative time)', () => {
    const doc = load(
      fixture.replace(
        /(<div class="conversation-item active"[^\n]*?<div class="time">)17:13(<\/div>[^\n]*?)(<\/div><\/div>\n)/,
        '$12分钟前$2<span class="unread-badge">1</span>$3',
      ),
    );
    const row = extractAli(doc).conversations.find((c) => c.active)!;
    expect(row).toMatchObject({ buyer: '采购商小李', waitingSec: 120 });
  });

  it('reads the conversation list: nick as buyer id, unread rows with a relative time as waiting', () => {
    const x = extractAli(load(fixture));
    expect(x.conversations.map(({ row: _, ...c }) => c)).toEqual([
      { buyer: '采购商小李', nick: '采购商小李', preview: '有现货的亲，今天下单今天发', active: true },
      { buyer: 'jinhuo2026', nick: 'jinhuo2026', preview: '能开发票吗', active: false, waitingSec: 180 },
      { buyer: 'wholesale_amy', nick: 'wholesale_amy', preview: '[图片]', active: false },
      { buyer: '义乌优品工厂店:小张', nick: '义乌优品工厂店:小张', preview: '这个客户我转给你了', active: false },
      { buyer: 'tb_88231', nick: 'tb_88231', preview: '订单还未付款，请及时联系买家', active: false },
    ]);
    expect([parseRelativeAge('现在'), parseRelativeAge('12分钟前'), parseRelativeAge('2小时前')]).toEqual([
      0, 720, 7200,
    ]);
    expect([parseRelativeAge('17:13'), parseRelativeAge('昨天'), parseRelativeAge('星期三')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('the list hides no row by words: notice rows by their whole sender, notice previews only whole', () => {
    // Every platform word the list was once matched on, and the examples of today's whole patterns.
    const words = [
      ...[
        '平台提醒',
        '系统消息',
        '官方提醒',
        '订单还未付款',
        '发现有一笔订单',
        '客服评价邀请',
        '阿里巴巴官方',
        '1688官方',
        '淘宝官方',
      ],
      ...ALI_SYSTEM_SENDERS.flatMap((p) => p.examples),
      ...ALI_NOTICE_PREVIEWS.flatMap((p) => p.examples),
    ];
    const row = (name: string, desc: string, time = '3分钟前') =>
      `<div class="conversation-item"><div class="avatar"></div><div class="info"><div class="top"><div class="name">${name}</div><div class="time">${time}</div></div><div class="desc">${desc}</div></div><span class="unread-badge">1</span></div>`;
    const questions = words.flatMap((w, i) => [
      { buyer: `buyer_q${i}`, desc: `${w}是什么意思？我还没付款怎么办` },
      { buyer: `buyer_r${i}`, desc: `你好，页面上一直显示“${w}”，能帮我看看吗？` },
    ]);
    const named = words.map((w, i) => ({ buyer: `${w}的粉丝${i}`, desc: '有现货吗' }));
    const notices = ALI_SYSTEM_SENDERS.flatMap((p) => p.examples).map((n) => ({
      name: n,
      desc: '您有一条新的官方通知',
    }));
    const noticePreviews = ALI_NOTICE_PREVIEWS.flatMap((p) => p.examples).map((d, i) => ({
      buyer: `tb_${i}`,
      desc: d,
    }));
    const list = [
      ...questions.map((q) => row(q.buyer, q.desc)),
      ...named.map((q) => row(q.buyer, q.desc)),
      ...notices.map((n) => row(n.name, n.desc)),
      ...noticePreviews.map((q) => row(q.buyer, q.desc)),
    ].join('');
    const page = fixture.replace(
      /(<div class="conversation-list[^>]*>)[\s\S]*?(<\/div>\s*<\/div>\s*<div class="ww_container">)/,
      `$1${list}$2`,
    );
    expect(page).not.toBe(fixture);
    const x = extractAli(load(page));
    const byBuyer = new Map(x.conversations.map((c) => [c.buyer, c]));
    // A buyer's question quoting the words is a wait (3 minutes, a lower bound), whoever it names.
    for (const q of [...questions, ...named]) expect(byBuyer.get(q.buyer)?.waitingSec, q.desc).toBe(180);
    // A notice pseudo-conversation is no buyer; a preview that IS the platform's notice is no wait.
    for (const n of notices) expect(byBuyer.has(n.name), n.name).toBe(false);
    for (const q of noticePreviews) {
      expect(byBuyer.has(q.buyer)).toBe(true);
      expect(byBuyer.get(q.buyer)!.waitingSec, q.desc).toBeUndefined();
    }
    expect(x.conversations).toHaveLength(questions.length + named.length + noticePreviews.length);
    // The notice rows are known chrome of the list, not unreadable rows.
    expect(x.parts.list).toBe('ok');
  });

  it('survives extra wrappers around rows and messages', () => {
    const wrapped = fixture
      .replaceAll('<div class="message-item', '<section class="x-wrap"><div class="message-item')
      .replaceAll('<div class="conversation-item', '<div class="row-wrap" data-v-1a2b=""><div class="conversation-item')
      .replace('<div class="conversation-list next-menu"', '<div class="next-menu"');
    const x = extractAli(load(wrapped));
    expect(x.thread?.messages.filter((m) => m.author === 'buyer')).toHaveLength(5);
    expect(x.thread?.messages).toHaveLength(12);
    expect(x.conversations).toHaveLength(5);
    expect(x.thread?.buyer).toBe('采购商小李');
    expect(x.health).toBe('watching');
  });

  it('finds the open buyer without an active row: header, then the buyer messages', () => {
    const noActive = fixture
      .replace('conversation-item active', 'conversation-item')
      .replace(' aria-selected="true"', '');
    expect(extractAli(load(noActive)).thread?.buyer).toBe('采购商小李');
    const noHeader = noActive.replace(
      '<div class="ww_header"><div class="name">采购商小李</div>',
      '<div class="ww_header">',
    );
    expect(extractAli(load(noHeader)).thread?.buyer).toBe('采购商小李');
  });

  it('nothing selected: watching, no thread', () => {
    // The chat pane without a thread: no messages, only the placeholder (the input area stays).
    const start = fixture.indexOf('<div class="ww_message">');
    const end = fixture.indexOf('<div class="ww_input">');
    const none =
      fixture
        .slice(0, start)
        .replace('conversation-item active', 'conversation-item')
        .replace(' aria-selected="true"', '') +
      '<div class="ww_empty"><p>您尚未选择联系人</p></div>' +
      fixture.slice(end);
    const x = extractAli(load(none));
    expect(x.health).toBe('watching');
    expect(x.thread).toBeNull();
    expect(x.conversations.length).toBe(5);
    expect(x.conversations.some((c) => c.active)).toBe(false);
    expect(x.parts).toEqual({ list: 'ok', thread: 'none', input: 'ok', account: 'ok' });
    // The placeholder without a conversation list: nothing shows a new question.
    expect(extractAli(load('<div class="ww_container"><p>您尚未选择联系人</p></div>'))).toMatchObject({
      health: 'noList',
      parts: { list: 'missing', thread: 'none' },
    });
  });

  it('fails loudly: nothing → noList, no input → noInput, login page → loggedOut', () => {
    expect(extractAli(load('<div id="ice-container"><p>加载中…</p></div>')).health).toBe('noList');
    const noInput = fixture.replace('<pre class="edit" contenteditable="true"></pre>', '');
    expect(extractAli(load(noInput)).health).toBe('noInput');
    expect(extractAli(load(noInput)).missing).toContain('input');
    expect(extractAli(load('<form id="login-form"><input id="fm-login-id"></form>')).health).toBe('loggedOut');
    expect(extractAli(load('<div><iframe src="https://login.1688.com/member/signin.htm"></iframe></div>')).health).toBe(
      'loggedOut',
    );
  });

  it('never invents a buyer question from garbage', () => {
    const inputTexts = new Set(
      [...load(fixture).querySelectorAll('.message-item pre, .message-item .content')].map((e) =>
        (e.textContent ?? '').replace(/\s+/g, ' ').trim(),
      ),
    );
    for (const html of [
      '',
      '<div class="message-item"></div>',
      '<div class="message-item"><span class="nick">x</span><span class="time">2026-09-08 10:00:00</span></div>',
      '<div class="message-item self"><div class="content"></div></div>',
      fixture.slice(0, fixture.length / 2),
      fixture.slice(0, fixture.length / 3),
      '<div class="ww_message"><div class="message-item"><div class="content"><pre>',
    ]) {
      const x = extractAli(load(html));
      for (const b of x.thread?.messages.filter((m) => m.author === 'buyer') ?? []) {
        expect([...inputTexts].some((t) => t.includes(b.text.replace(/^\[(图片|卡片)\] ?/, '')))).toBe(true);
        if (b.at !== null) expect(fixture).toContain(new Date(b.at + 8 * 3600_000).toISOString().slice(11, 19));
      }
    }
  });

  it('selectors: each purpose has its evidence in the fixture', () => {
    const doc = load(fixture);
    for (const purpose of [
      'account',
      'conversationList',
      'conversationRow',
      'rowActive',
      'rowName',
      'rowTime',
      'rowPreview',
      'rowUnread',
      'threadHeaderName',
      'messageList',
      'message',
      'ownMessage',
      'messageNick',
      'messageTime',
      'messageContent',
      'messageText',
      'card',
      'quote',
      'input',
      'sendButton',
    ] as const)
      expect(pick(doc, ALI_SELECTORS[purpose]), purpose).not.toBeNull();
    expect(pick(doc, ALI_SELECTORS.loginForm)).toBeNull();
    // The first account selector is the structural path public scripts use.
    expect(doc.querySelector(ALI_SELECTORS.account[0])?.textContent).toBe('义乌优品工厂店:小王');
  });
});

describe('frame choice (the 1688 chat lives in the def_cbu_web_im_core iframe)', () => {
  it('top frame: not the shell that hosts the core iframe; yes for a page that is the IM itself', () => {
    const shell = load(
      '<div class="header">下载插件 唤起客户端</div><iframe id="def_cbu_web_im_core" name="def_cbu_web_im_core" src="core.html"></iframe>',
    );
    expect(aliAcceptsFrame(shell, true)).toBe(false);
    expect(aliAcceptsFrame(load(fixture), true)).toBe(true);
    expect(aliAcceptsFrame(load('<div>…</div>'), true)).toBe(true);
  });

  it('inner frame: yes for the core (by frame name, before React renders, or by its DOM), no for helper frames', () => {
    document.body.innerHTML =
      '<iframe id="def_cbu_web_im_core" name="def_cbu_web_im_core"></iframe><iframe id="proxy"></iframe>';
    const [core, proxy] = [...document.querySelectorAll('iframe')].map((f) => f.contentDocument!);
    expect(aliAcceptsFrame(core!, false)).toBe(true);
    expect(aliAcceptsFrame(proxy!, false)).toBe(false);
    proxy!.body.innerHTML = fixture;
    expect(aliAcceptsFrame(proxy!, false)).toBe(true);
    document.body.innerHTML = '';
  });
});

describe('the simulated pages agree with the adapter', () => {
  type DemoApi = {
    buyers: { uid: string; nick: string }[];
    open(uid: string | null): void;
    buyerSays(uid: string, text?: string): string;
    robotSays(uid: string, text?: string): string;
    agentSays(uid: string, text?: string): string;
    systemSays(uid: string, text?: string): string;
  };
  async function openDemo(rel: string): Promise<JsdomLike> {
    const file = join(process.cwd(), rel);
    const dom = await JSDOM.fromFile(file, {
      url: `${pathToFileURL(file).href}?auto=0`,
      runScripts: 'dangerously',
      resources: 'usable',
    });
    await new Promise((r) => dom.window.addEventListener('load', r));
    return dom;
  }
  /** jsdom has no innerText; the demo editor reads it (as the real one reads the element's text). */
  function polyfillInnerText(w: typeof globalThis): void {
    const proto = w.HTMLElement.prototype;
    Object.defineProperty(proto, 'innerText', {
      get: function (this: HTMLElement) {
        return this.textContent;
      },
      configurable: true,
    });
  }

  it('1688: window.demo on the top page drives the core iframe, which alone is watched', async () => {
    const dom = await openDemo('demo/ali1688/index.html');
    try {
      const top = dom.window.document;
      const frame = top.getElementById('def_cbu_web_im_core') as HTMLIFrameElement;
      const core = frame.contentDocument!;
      const fw = frame.contentWindow as unknown as typeof globalThis;
      polyfillInnerText(fw);
      expect(aliAcceptsFrame(top, true)).toBe(false);
      expect(aliAcceptsFrame(core, false)).toBe(true);
      const demo = (dom.window as unknown as { demo: DemoApi }).demo;
      const [a, b] = demo.buyers.map((x) => x.uid);
      // The page stamps each message with the system clock, to the second: between these two readings of it.
      const from = Math.floor(Date.now() / 1000) * 1000;
      demo.buyerSays(a!, '请问今天能发货吗？');
      demo.robotSays(a!);
      demo.systemSays(a!);
      demo.buyerSays(b!, '还有货吗');
      // Typing: the editor sends what `input` events put in its model; text set without one is not sent.
      const ed = core.querySelector<HTMLElement>(ALI_SELECTORS.input[0])!;
      const enter = () => ed.dispatchEvent(new fw.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      ed.textContent = '没有 input 事件';
      enter();
      ed.textContent = '亲，今天下午就发货';
      ed.dispatchEvent(new fw.Event('input', { bubbles: true }));
      enter();
      const to = Date.now();
      const x = extractAli(core);
      expect(x.health).toBe('watching');
      expect(x.account).toBe('义乌优品工厂店:小王');
      expect(x.thread?.buyer).toBe(a);
      expect(x.thread?.messages.map((m) => [m.author, m.text])).toEqual([
        ['buyer', '请问今天能发货吗？'],
        ['auto', '【自动回复】您好，欢迎光临本店，客服稍后为您服务'],
        ['system', '买家已拍下，订单还未付款，请及时跟进'],
        ['human', '亲，今天下午就发货'],
      ]);
      expect(x.thread?.messages.every((m) => m.timeSource === 'stamp' && m.at! >= from && m.at! <= to)).toBe(true);
      expect(x.conversations.find((c) => c.buyer === b)).toMatchObject({ waitingSec: 0, preview: '还有货吗' });
      expect(x.input).toBe(ed);
      demo.open(null);
      expect(extractAli(core)).toMatchObject({ health: 'watching', thread: null });
    } finally {
      dom.window.close();
    }
  });

  it('Taobao: the same core, top frame, its own account', async () => {
    const dom = await openDemo('demo/taobao/index.html');
    try {
      const doc = dom.window.document;
      expect(aliAcceptsFrame(doc, true)).toBe(true);
      const demo = (dom.window as unknown as { demo: DemoApi }).demo;
      demo.buyerSays(demo.buyers[0]!.uid, '在吗');
      const x = extractAli(doc);
      expect(x).toMatchObject({ health: 'watching', account: '演示旗舰店:客服1' });
      expect(x.thread?.messages.map((m) => m.author)).toEqual(['buyer']);
    } finally {
      dom.window.close();
    }
  });
});
