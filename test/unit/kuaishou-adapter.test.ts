// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseChinaStamp, pick } from '../../lib/platforms/dom';
import { liveOf } from '../../lib/platforms/types';
import { EventLedger } from '../../lib/content/ledger';
import { evaluate } from '../../lib/engine';
import { DEFAULT_RULES } from '../../lib/rules';
import {
  KUAISHOU_SELECTORS,
  extractKuaishou,
  kuaishouAdapter,
  normalizeNick,
  parseKuaishouWaiting,
} from '../../lib/platforms/kuaishou';
import { loadDemo, useDemoTimers } from './helpers/demo';

function load(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}
const fixture = readFileSync(join(process.cwd(), 'test/fixtures/kuaishou/thread.html'), 'utf8');
const at = (s: string) => parseChinaStamp(s)!;
const DIVIDER = '<div class="ChatMessageList-time">2026-09-08 17:10</div>';

describe('Kuaishou adapter', () => {
  it('matches the real workbench and the demo page only', () => {
    const m = (u: string) => kuaishouAdapter.matches(new URL(u));
    expect(m('https://im.kwaixiaodian.com/workbench')).toBe(true);
    expect(m('https://im.kwaixiaodian.com/workbench?tab=1#/chat')).toBe(true);
    expect(m('http://127.0.0.1:5173/kuaishou/index.html')).toBe(true);
    expect(m('http://localhost/kuaishou/index.html?auto=0')).toBe(true);
    expect(m('https://login.kwaixiaodian.com/')).toBe(false);
    expect(m('https://s.kwaixiaodian.com/workbench')).toBe(false);
    expect(m('https://im.kwaixiaodian.com.example.com/workbench')).toBe(false);
    expect(m('https://example.com/kuaishou/index.html')).toBe(false);
    expect(m('http://127.0.0.1:5173/jd/index.html')).toBe(false);
  });

  it('finds every purpose with its first selector in the fixture (the doc’s selectors come first)', () => {
    const doc = load(fixture);
    for (const purpose of [
      'conversationList',
      'group',
      'groupName',
      'conversationRow',
      'rowName',
      'rowTime',
      'rowPreview',
      'rowActive',
      'threadHeaderName',
      'messageList',
      'message',
      'middleBody',
      'ownSide',
      'otherSide',
      'beforeBody',
      'messageBody',
      'buyerFromCard',
      'timeDivider',
      'input',
      'sendButton',
      'account',
    ] as const) {
      expect(pick(doc, [KUAISHOU_SELECTORS[purpose][0]]), purpose).not.toBeNull();
    }
    expect(pick(doc, KUAISHOU_SELECTORS.loginForm)).toBeNull();
  });

  it('reads the open thread: authors, ids, times, texts, markers', () => {
    const x = extractKuaishou(load(fixture));
    expect(x.health).toBe('watching');
    expect(x.missing).toEqual([]);
    expect(x.account).toBe('测试快手小店');
    expect(x.thread?.buyer).toBe('快乐小番茄');
    expect(x.thread?.nick).toBe('快乐小番茄');
    const msgs = x.thread!.messages;
    expect(msgs.map((m) => [m.author, m.text])).toEqual([
      ['system', '买家正在查看商品 纯棉短袖T恤'],
      ['buyer', '这个什么时候发货'],
      ['robot', '亲，48小时内发货哦'],
      ['auto', '[系统自动回复消息] 您好，欢迎光临'],
      ['buyer', '[图片]'],
      ['human', '今天下午发出 <b>'],
      ['system', '[系统消息] 买家已修改收货地址'],
      ['buyer', '还有别的颜色吗'],
      ['system', '客服超时未回复，会话关闭'],
    ]);
    expect(msgs[0]).toMatchObject({ id: '0_2290417731_501', at: null, timeSource: null });
    // `09-08 17:12:14` has no year: it takes the year of the dated separator before it.
    expect(msgs[1]).toMatchObject({ id: '0_2290417731_502', at: at('2026-09-08 17:12:14'), timeSource: 'stamp' });
    expect(msgs[5]).toMatchObject({ id: '0_2290417731_506', at: at('2026-09-08 17:14:40') });
    expect(msgs[7]!.id).toMatch(/^h[0-9a-f]{8}$/);
    expect(msgs[7]!.at).toBe(at('2026-09-08 17:20:05'));
    expect(msgs[8]).toMatchObject({ id: '0_2290417731_509', marker: 'sessionEnd' });
    expect(x.input?.classList.contains('ql-editor')).toBe(true);
  });

  it('classifies by side marker (on the message or a wrapper above it), sender and label elements, never by words', () => {
    const P = 'kwaishop-cs-LayoutDefaultWrapper';
    let n = 600;
    const msg = (
      mark: 'isMine' | 'notMe' | '',
      where: 'lr' | 'above' | 'item',
      sender: string,
      t: string,
      extra = '',
    ) => {
      const m = mark ? `${P}__${mark}` : '';
      const inner = `<div class="${P}_msgMain"><div class="${P}_lrWrapper${where === 'lr' && m ? ` ${m}` : ''}"><div class="${P}_content"><div class="${P}_beforeMsgBody"><span>${sender}</span>${extra}<span>09-08 17:${String(n % 60).padStart(2, '0')}:00</span></div><div class="${P}_msgBody"><div class="kwaishop-cs-TextMessage">${t}</div></div></div></div></div>`;
      const id = `0_2290417731_${n++}`;
      if (where === 'above')
        return `<div id="${id}" class="ChatMessageList-item"><div class="${m} row-enter">${inner}</div></div>`;
      return `<div id="${id}" class="ChatMessageList-item${where === 'item' && m ? ` ${m}` : ''}">${inner}</div>`;
    };
    const middle = (t: string) =>
      `<div id="0_2290417731_${n++}" class="ChatMessageList-item"><div class="kwaishop-cs-LayoutMiddleWrapper_msgBody">${t}</div></div>`;
    const html = fixture.replace(
      /(<div class="ChatMessageList-ContentWrap">)[\s\S]*?(<\/div><\/div>\n {4}<div class="SendBox">)/,
      `$1${DIVIDER}${[
        msg('notMe', 'lr', '快乐小番茄', '[系统消息]说我的订单已发货，可物流一直没更新'),
        msg('notMe', 'lr', '快乐小番茄', '【防诈贴士】说不要加微信，那我怎么联系你们？'),
        msg('notMe', 'lr', '快乐小番茄', '客服超时未回复，会话关闭 这是什么情况？'),
        msg('', 'lr', '快乐小番茄', '[系统消息]是什么'),
        msg('isMine', 'above', '客服-小美', '亲，已经为您改好了，今天下午发出'),
        msg('isMine', 'item', '客服-小美', '亲，稍等'),
        msg('isMine', 'lr', '客服-小美', '您看到的[系统自动回复消息]是平台发的，我是人工客服'),
        msg('isMine', 'lr', '客服-小美', '不是机器人自动回复，会话已结束的提示请忽略'),
        msg('isMine', 'lr', '客服-小美', '[系统消息] 这条是我手动发的'),
        msg('isMine', 'lr', '客服-小美', '亲，48小时内发货', '<span class="tag">机器人自动回复</span>'),
        msg('isMine', 'lr', '智能客服', '亲，在的'),
        msg('isMine', 'lr', '客服-小美', '[系统自动回复消息] 您好，欢迎光临'),
        msg('notMe', 'above', '快乐小番茄', '好的'),
        middle('客服超时未回复，会话关闭'),
        middle('会话已转接给 客服02'),
        middle('[系统消息] 买家已修改收货地址'),
        middle('已为您转接人工客服'),
        middle('人工客服 小美 已接入'),
        middle('会话已转接给 测试快手小店'),
        msg('notMe', 'lr', '快乐小番茄', '已为您转接人工客服'),
      ].join('')}$2`,
    );
    expect(extractKuaishou(load(html)).thread?.messages.map((m) => [m.author, m.marker])).toEqual([
      ['buyer', undefined],
      ['buyer', undefined],
      ['buyer', undefined],
      ['buyer', undefined],
      ['human', undefined],
      ['human', undefined],
      ['human', undefined],
      ['human', undefined],
      ['human', undefined],
      ['robot', undefined],
      ['robot', undefined],
      ['auto', undefined],
      ['buyer', undefined],
      ['system', 'sessionEnd'],
      ['system', 'transfer'],
      ['system', undefined],
      // The human stage starts (a transfer to this page's own account too); the same words from the buyer are hers.
      ['system', undefined], // a guess the platform's robot may write before a human is there: no marker
      ['system', 'assigned'],
      ['system', 'assigned'],
      ['buyer', undefined],
    ]);
  });

  it('a robot is its WHOLE sender name: an agent whose name holds 机器人 / 智能客服 is a human', () => {
    const P = 'kwaishop-cs-LayoutDefaultWrapper';
    const msg = (sender: string, t: string, i: number) =>
      `<div id="0_2290417731_${700 + i}" class="ChatMessageList-item"><div class="${P}_msgMain"><div class="${P}_lrWrapper ${P}__isMine"><div class="${P}_content"><div class="${P}_beforeMsgBody"><span>${sender}</span><span>09-08 17:30:${String(i).padStart(2, '0')}</span></div><div class="${P}_msgBody"><div class="kwaishop-cs-TextMessage">${t}</div></div></div></div></div></div>`;
    const cases: [string, 'human' | 'robot'][] = [
      ['机器人玩具店-小美', 'human'],
      ['智能客服部-阿强', 'human'],
      ['AI客服培训组-小李', 'human'],
      ['小美(智能助手组)', 'human'],
      ['智能客服', 'robot'],
      ['机器人', 'robot'],
      ['AI客服', 'robot'],
    ];
    const html = fixture.replace(
      /(<div class="ChatMessageList-ContentWrap">)[\s\S]*?(<\/div><\/div>\n {4}<div class="SendBox">)/,
      `$1${DIVIDER}${cases.map(([sender], i) => msg(sender, `今天下午发出 ${i}`, i)).join('')}$2`,
    );
    expect(extractKuaishou(load(html)).thread?.messages.map((m) => m.author)).toEqual(cases.map(([, a]) => a));
    const renamed = extractKuaishou(
      load(fixture.replaceAll('<span>客服-小美</span>', '<span>机器人玩具店-小美</span>')),
    );
    expect(renamed.thread!.messages.find((m) => m.text.startsWith('今天下午发出'))?.author).toBe('human');
  });

  it('without a dated separator, month-day stamps give no time (the watcher uses observation time)', () => {
    const x = extractKuaishou(load(fixture.replace(DIVIDER, '')));
    expect(x.thread!.messages.every((m) => m.at === null && m.timeSource === null)).toBe(true);
    expect(x.thread!.messages.map((m) => m.id)).toEqual(
      extractKuaishou(load(fixture)).thread!.messages.map((m, i) => (i === 7 ? x.thread!.messages[7]!.id : m.id)),
    );
  });

  it('reads the session list: groups, countdowns, nick decorations', () => {
    const x = extractKuaishou(load(fixture));
    expect(x.conversations.map(({ row: _, ...c }) => c)).toEqual([
      { buyer: '快乐小番茄', nick: '快乐小番茄', preview: '这个什么时候发货', active: true, waitingSec: 30 },
      { buyer: '用户7731', nick: '用户7731', preview: '在吗', active: false, waitingSec: 105 },
      { buyer: '阿狸', nick: '阿狸', preview: '[图片]', active: false, waitingSec: 180 },
      { buyer: '老王', nick: '老王', preview: '好的', active: false },
    ]);
  });

  it('without an active class, the card named in the thread header is the active one', () => {
    const x = extractKuaishou(load(fixture.replace(' SessionBaseCard-active', '')));
    expect(x.conversations.filter((c) => c.active).map((c) => c.buyer)).toEqual(['快乐小番茄']);
    expect(x.thread?.buyer).toBe('快乐小番茄');
  });

  it('survives extra wrappers and a renamed class prefix', () => {
    const wrapped = fixture
      .replace(
        /^( +<div (?:id="[^"]*" )?class="ChatMessageList-item">)(.*)(<\/div>)$/gm,
        '$1<div class="x-anim" data-testid="msg">$2</div>$3',
      )
      .replace(
        /^( +<div class="SessionStarCard">)(.*)(<\/div>)$/gm,
        '$1<div class="virtual-item" style="height:64px">$2</div>$3',
      )
      .replaceAll('kwaishop-cs-', 'kwaishop-cs-v3-');
    const doc = load(wrapped);
    expect(pick(doc, [KUAISHOU_SELECTORS.message[0]])).toBeNull();
    const x = extractKuaishou(doc);
    expect(x.thread?.messages.map((m) => m.author)).toEqual([
      'system',
      'buyer',
      'robot',
      'auto',
      'buyer',
      'human',
      'system',
      'buyer',
      'system',
    ]);
    expect(x.conversations.map((c) => c.buyer)).toEqual(['快乐小番茄', '用户7731', '阿狸', '老王']);
  });

  it('fails loudly: nothing → noList, no editor → noInput, login prompt → loggedOut', () => {
    expect(extractKuaishou(load('<main id="main_root"><p>加载中…</p></main>')).health).toBe('noList');
    const noInput = extractKuaishou(load(fixture.replace(/<div class="SendBox-Editor">.*<\/div>\n/, '')));
    expect(noInput.health).toBe('noInput');
    expect(noInput.missing).toContain('input');
    expect(
      extractKuaishou(
        load('<div class="goLogin"><div class="container"><div class="btn"><a>去登录</a></div></div></div>'),
      ).health,
    ).toBe('loggedOut');
    expect(extractKuaishou(load('<div class="ant-result">登录信息已经失效，请重新登录</div>')).health).toBe(
      'loggedOut',
    );
  });

  it('never invents a buyer message from garbage', () => {
    const allowed = [at('2026-09-08 17:12:14'), at('2026-09-08 17:13:02'), at('2026-09-08 17:20:05')];
    for (const html of [
      '',
      '<div class="kwaishop-cs-LayoutDefaultWrapper_msgMain"></div>',
      '<div class="ChatMessageList-ContentWrap"><div class="kwaishop-cs-LayoutDefaultWrapper_msgMain"><div class="kwaishop-cs-LayoutDefaultWrapper__notMe"><div class="kwaishop-cs-LayoutDefaultWrapper_avatar"><img src="x"></div></div></div></div>',
      fixture.slice(0, fixture.length / 2),
      fixture.slice(0, fixture.length * 0.75),
      fixture.replaceAll('</div>', ''),
    ]) {
      const x = extractKuaishou(load(html));
      for (const b of x.thread?.messages.filter((m) => m.author === 'buyer') ?? []) {
        expect(fixture).toContain(b.text === '[图片]' ? 'kwaishop-cs-ImageMessage' : b.text);
        if (b.at !== null) expect(allowed).toContain(b.at);
      }
    }
  });
  it('an empty bubble (avatar only) is not a message', () => {
    for (const html of [
      '<div class="ChatMessageList-ContentWrap"><div class="kwaishop-cs-LayoutDefaultWrapper_msgMain"><div class="kwaishop-cs-LayoutDefaultWrapper__notMe"><div class="kwaishop-cs-LayoutDefaultWrapper_avatar">快</div><div class="kwaishop-cs-LayoutDefaultWrapper_msgBody"></div></div></div></div>',
      '<div class="ChatMessageList-ContentWrap"><div class="kwaishop-cs-LayoutDefaultWrapper_msgMain"><div class="kwaishop-cs-LayoutDefaultWrapper__notMe"><div class="kwaishop-cs-LayoutDefaultWrapper_avatar">快</div></div></div></div>',
    ]) {
      const head = '<div class="TargetUserHeader"><span class="LoginUserInfo-mainTitle-text">快乐小番茄</span></div>';
      expect(extractKuaishou(load(head + html)).thread?.messages ?? []).toEqual([]);
    }
  });
});

describe('Kuaishou: an unknown message container, stamps without a year', () => {
  /** The research's page: the message container's classes are none we know; its stamps print no year. */
  const UNKNOWN_LIST = fixture.replaceAll('ChatMessageList', 'x-list-8f2a');
  const AUTHORS = ['system', 'buyer', 'robot', 'auto', 'buyer', 'human', 'system', 'buyer', 'system'];

  it('finds the message container by structure (the element holding the message items), not by class', () => {
    const doc = load(UNKNOWN_LIST);
    expect(pick(doc, KUAISHOU_SELECTORS.messageList)).toBeNull();
    const x = extractKuaishou(doc);
    expect(x.thread?.messages.map((m) => m.author)).toEqual(AUTHORS);
    expect(liveOf(x)?.thread?.in).toBe(doc.querySelector('.x-list-8f2a-ContentWrap'));
    expect(x.parts.thread).toBe('ok');
    expect(x.health).toBe('watching');
    // A buyer message appended to it is read alone, as on the known container.
    const box = doc.querySelector('.x-list-8f2a-ContentWrap')!;
    const item = box.querySelectorAll('.x-list-8f2a-item')[7]!.cloneNode(true) as Element;
    item.querySelector('.kwaishop-cs-TextMessage')!.textContent = '能便宜点吗';
    box.append(item);
    expect(
      liveOf(x)!
        .thread!.append([item])
        ?.map((m) => [m.author, m.text]),
    ).toEqual([['buyer', '能便宜点吗']]);
  });

  it('one message alone: its container is still found (a wrapper with one child is no container)', () => {
    const one = UNKNOWN_LIST.replace(
      /^ +<div (?:id="0_2290417731_50[13-9]" )?class="x-list-8f2a-(?:item|time)">.*\n/gm,
      '',
    );
    const doc = load(one);
    const x = extractKuaishou(doc);
    expect(x.thread?.messages.map((m) => m.text)).toEqual(['这个什么时候发货']);
    expect(liveOf(x)?.thread?.in).toBe(doc.querySelector('.x-list-8f2a-ContentWrap, .x-list-8f2a'));
    expect(x.health).toBe('watching');
  });

  it('resolves month-day and bare-time stamps against today in China (the caller’s now)', () => {
    const html = UNKNOWN_LIST.replace('09-08 17:12:14', '12-4 02:55:24')
      .replace('09-08 17:12:16', '12-4 02:55:26')
      .replace('09-08 17:12:17', '12-4 02:55:27')
      .replace('09-08 17:13:02', '12-04 02:56')
      .replace('09-08 17:14:40', '02:57:00')
      .replace('09-08 17:20:05', '12-04 02:58:05');
    const x = kuaishouAdapter.extract(load(html), undefined, at('2026-12-04 03:00:00'));
    const buyer = x.thread!.messages.find((m) => m.author === 'buyer')!;
    expect(buyer.at).toBe(at('2026-12-04 02:55:24'));
    expect(buyer.timeSource).toBe('stamp');
    expect(x.thread!.messages.map((m) => m.at)).toEqual([
      null,
      at('2026-12-04 02:55:24'),
      at('2026-12-04 02:55:26'),
      at('2026-12-04 02:55:27'),
      at('2026-12-04 02:56:00'),
      at('2026-12-04 02:57:00'),
      null,
      at('2026-12-04 02:58:05'),
      null,
    ]);
    // Without a clock nothing changes: no date, no time (the watcher's observation time).
    expect(extractKuaishou(load(html)).thread!.messages.every((m) => m.at === null)).toBe(true);
  });

  it('a message appended later resolves its stamp against the time it arrives, not the last full read', () => {
    // One message, dated only relatively (no date to continue from): the page's stamps resolve against the clock.
    const one = UNKNOWN_LIST.replace(
      /^ +<div (?:id="0_2290417731_50[13-9]" )?class="x-list-8f2a-(?:item|time)">.*\n/gm,
      '',
    ).replace('09-08 17:12:14', '昨天 23:50:00');
    for (const [readAt, stamp, arrives] of [
      ['2026-12-04 02:55:00', '02:56:30', '2026-12-04 02:56:31'],
      ['2026-12-03 23:59:50', '00:00:20', '2026-12-04 00:00:21'],
      ['2026-12-31 23:59:50', '1-1 00:00:20', '2027-01-01 00:00:21'],
    ] as const) {
      const doc = load(one);
      const x = extractKuaishou(doc, undefined, at(readAt));
      expect(x.thread?.messages.map((m) => m.text)).toEqual(['这个什么时候发货']);
      const box = liveOf(x)!.thread!.in;
      const item = box.querySelector('.x-list-8f2a-item')!.cloneNode(true) as Element;
      item.querySelector('.kwaishop-cs-TextMessage')!.textContent = '在吗';
      item.querySelector('[class*="beforeMsgBody"] span:last-child')!.textContent = stamp;
      item.id = '0_2290417731_510';
      box.append(item);
      const got = liveOf(x)!.thread!.append([item], at(arrives));
      expect(
        got?.map((m) => [m.author, m.at]),
        stamp,
      ).toEqual([['buyer', at(arrives) - 1000]]);
      // The same as a full read at that time.
      expect(extractKuaishou(doc, undefined, at(arrives)).thread!.messages.at(-1)!.at).toBe(at(arrives) - 1000);
    }
  });

  it('a tab left open overnight dates the next day’s bare-stamped message to that day, not the thread’s', () => {
    const one = UNKNOWN_LIST.replace(
      /^ +<div (?:id="0_2290417731_50[13-9]" )?class="x-list-8f2a-(?:item|time)">.*\n/gm,
      '',
    ).replace('09-08 17:12:14', '10:00:00');
    for (const [stamp, arrives, want] of [
      ['10:30:00', '2026-12-04 10:30:01', '2026-12-04 10:30:00'],
      ['09:59:00', '2026-12-04 10:00:00', '2026-12-04 09:59:00'], // earlier in the day than the thread's last
      ['10:32:00', '2026-12-04 10:30:01', '2026-12-04 10:32:00'], // the page's clock 2 min ahead of ours
      ['12-04 10:30:00', '2026-12-05 08:00:00', '2026-12-04 10:30:00'],
    ] as const) {
      const doc = load(one);
      const x = extractKuaishou(doc, undefined, at('2026-12-03 10:05:00'));
      expect(x.thread!.messages.at(-1)!.at).toBe(at('2026-12-03 10:00:00'));
      const box = liveOf(x)!.thread!.in;
      const item = box.querySelector('.x-list-8f2a-item')!.cloneNode(true) as Element;
      item.querySelector('.kwaishop-cs-TextMessage')!.textContent = '在吗';
      item.querySelector('[class*="beforeMsgBody"] span:last-child')!.textContent = stamp;
      item.id = '0_2290417731_510';
      box.append(item);
      const got = liveOf(x)!.thread!.append([item], at(arrives));
      expect(
        got?.map((m) => [m.author, m.at]),
        stamp,
      ).toEqual([['buyer', at(want)]]);
    }
  });

  it('end to end: answered yesterday, the buyer’s next-morning question is pending, not yesterday’s breach', () => {
    const one = UNKNOWN_LIST.replace(
      /^ +<div (?:id="0_2290417731_50[13-9]" )?class="x-list-8f2a-(?:item|time)">.*\n/gm,
      '',
    ).replace('09-08 17:12:14', '10:00:00');
    const t0 = at('2026-12-03 10:05:00');
    const x = extractKuaishou(load(one), undefined, t0);
    const ledger = new EventLedger('kuaishou');
    const events = ledger.events({ kind: 'whole', page: x }, 'shop', t0).filter((e) => e.timeSource !== 'counter');
    const q = events.find((e) => e.timeSource === 'stamp')!;
    events.push({ ...q, messageId: 'reply', author: 'human', at: at('2026-12-03 10:01:00'), historical: undefined });
    const box = liveOf(x)!.thread!.in;
    const item = box.querySelector('.x-list-8f2a-item')!.cloneNode(true) as Element;
    item.querySelector('.kwaishop-cs-TextMessage')!.textContent = '在吗';
    item.querySelector('[class*="beforeMsgBody"] span:last-child')!.textContent = '10:30:00';
    item.id = '0_2290417731_510';
    box.append(item);
    const now = at('2026-12-04 10:30:01');
    const appended = liveOf(x)!.thread!.append([item], now)!;
    x.thread!.messages.push(...appended);
    events.push(...ledger.events({ kind: 'rows+appended', page: x, rows: [], appended }, 'shop', now));
    const out = evaluate({
      events,
      coverage: [{ platform: 'kuaishou', account: 'shop', from: t0, to: now }],
      rules: DEFAULT_RULES,
      now,
      alertLeadSec: 60,
    });
    expect(out.clocks.find((k) => k.buyer === q.buyer)).toMatchObject({
      status: 'pending',
      startedAt: at('2026-12-04 10:30:00'),
    });
  });

  it('at tab-open, bare times with no divider are dated backwards from the last: yesterday’s 23:00 still waits', () => {
    const stamps = [
      ['09-08 17:12:14', '09:00'],
      ['09-08 17:12:16', '09:00'],
      ['09-08 17:12:17', '09:01'],
      ['09-08 17:13:02', '09:05'],
      ['09-08 17:14:40', '09:06'],
      ['09-08 17:20:05', '23:00'],
    ] as const;
    let html = fixture.replace(/<div class="ChatMessageList-time">[^<]*<\/div>/, '');
    for (const [from, to] of stamps) html = html.replace(from, to);
    const x = extractKuaishou(load(html), undefined, at('2026-12-06 10:00:00'));
    expect(x.thread!.messages.filter((m) => m.at !== null).map((m) => [m.author, m.at])).toEqual([
      ['buyer', at('2026-12-05 09:00:00')],
      ['robot', at('2026-12-05 09:00:00')],
      ['auto', at('2026-12-05 09:01:00')],
      ['buyer', at('2026-12-05 09:05:00')],
      ['human', at('2026-12-05 09:06:00')],
      ['buyer', at('2026-12-05 23:00:00')],
    ]);
  });

  it('at tab-open, messages under a 昨天 divider stay yesterday’s; under a weekday they get no date', () => {
    const html = (divider: string) =>
      fixture
        .replace(/<div class="ChatMessageList-time">[^<]*<\/div>/, `<div class="ChatMessageList-time">${divider}</div>`)
        .replace('09-08 17:12:14', '09:00:00')
        .replace('09-08 17:12:16', '09:00:02');
    const read = (divider: string) =>
      extractKuaishou(load(html(divider)), undefined, at('2026-12-04 10:00:00'))
        .thread!.messages.filter((m) => m.text === '这个什么时候发货' || m.text === '亲，48小时内发货哦')
        .map((m) => m.at);
    expect(read('昨天')).toEqual([at('2026-12-03 09:00:00'), at('2026-12-03 09:00:02')]);
    expect(read('昨天 08:50')).toEqual([at('2026-12-03 09:00:00'), at('2026-12-03 09:00:02')]);
    expect(read('前天')).toEqual([at('2026-12-02 09:00:00'), at('2026-12-02 09:00:02')]);
    expect(read('今天')).toEqual([at('2026-12-04 09:00:00'), at('2026-12-04 09:00:02')]);
    expect(read('星期三')).toEqual([null, null]);
  });

  it('a month-day later than today is last year; a bare time later than now is yesterday', () => {
    const html = UNKNOWN_LIST.replace('09-08 17:12:14', '12-31 23:59:00');
    const x = extractKuaishou(load(html), undefined, at('2027-01-01 00:01:00'));
    expect(x.thread!.messages[1]!.at).toBe(at('2026-12-31 23:59:00'));
    // (The stamps below it: just after midnight, so that they do not bound it to an earlier day.)
    const bare = UNKNOWN_LIST.replace('09-08 17:12:14', '23:59:00').replace(/09-08 17:\d\d:(\d\d)/g, '01-01 00:00:$1');
    const y = extractKuaishou(load(bare), undefined, at('2027-01-01 00:01:00'));
    expect(y.thread!.messages[1]!.at).toBe(at('2026-12-31 23:59:00'));
    expect(y.thread!.messages[2]!.at).toBe(at('2027-01-01 00:00:16'));
  });

  it('an open thread whose container cannot be told is missing, never watching', () => {
    // Message rows scattered across the page: their common container holds the conversation list too.
    const stray = UNKNOWN_LIST.replace(
      '<div class="tabs">',
      '<div class="kwaishop-cs-LayoutDefaultWrapper_msgMain"><div class="kwaishop-cs-LayoutDefaultWrapper__notMe"><div class="kwaishop-cs-LayoutDefaultWrapper_msgBody">hi</div></div></div><div class="tabs">',
    );
    const x = extractKuaishou(load(stray));
    expect(x.parts.thread).toBe('missing');
    expect(x.health).toBe('noThread');
    // Not trusted, so not reported.
    expect(x.thread).toBeNull();
    // Message-like content (a side marker, text) that no message selector finds: missing too.
    const unread = UNKNOWN_LIST.replaceAll('LayoutDefaultWrapper_msgMain', 'Row').replaceAll(
      'LayoutMiddleWrapper_msgBody',
      'Mid',
    );
    const y = extractKuaishou(load(unread));
    expect(y.parts.thread).toBe('missing');
    expect(y.health).not.toBe('watching');
    expect(y.thread).toBeNull();
  });
});

describe('Kuaishou card texts', () => {
  it('turn countdowns, overruns and groups into waiting seconds', () => {
    expect(parseKuaishouWaiting('2分30秒后超时', '请在3分钟内回复')).toBe(30);
    expect(parseKuaishouWaiting('45秒后超时', '')).toBe(135);
    expect(parseKuaishouWaiting('已超时1分5秒', '已超时')).toBe(245);
    expect(parseKuaishouWaiting('已超时', '')).toBe(180);
    expect(parseKuaishouWaiting('', '已超时')).toBe(180);
    expect(parseKuaishouWaiting('等待 45秒', '')).toBe(45);
    expect(parseKuaishouWaiting('16:58', '其他会话')).toBeUndefined();
    expect(parseKuaishouWaiting('', '请在3分钟内回复')).toBeUndefined();
    expect(normalizeNick('快乐小番茄\u200b 下单数(2)')).toBe('快乐小番茄');
  });
});

describe('the simulated Kuaishou workbench agrees with the adapter', () => {
  useDemoTimers();

  it('renders messages and cards the adapter reads back, and a typed reply sends on Enter', () => {
    const demo = loadDemo('kuaishou', 'kuaishou.js', at('2026-09-08 17:12:14'));
    expect(kuaishouAdapter.matches(new URL(location.href))).toBe(true);

    const [a, b] = demo.buyers;
    const id1 = demo.buyerSays(a!.uid, '这个什么时候发货');
    vi.advanceTimersByTime(2000);
    demo.robotSays(a!.uid);
    demo.systemSays(a!.uid);
    demo.systemSays(a!.uid, '[系统自动回复消息] 您好');
    demo.buyerSays(b!.uid, '在吗');
    vi.advanceTimersByTime(5000);

    let x = extractKuaishou(document);
    expect(x.health).toBe('watching');
    expect(x.account).toBeTruthy();
    expect(x.thread?.buyer).toBe(a!.nick);
    expect(x.thread?.messages.map((m) => m.author)).toEqual(['buyer', 'robot', 'system', 'system']);
    expect(x.thread?.messages[0]).toMatchObject({ id: id1, text: '这个什么时候发货', at: null });
    expect(x.conversations.find((c) => c.buyer === b!.nick)).toMatchObject({
      active: false,
      waitingSec: 5,
      preview: '在吗',
    });
    expect(x.conversations.find((c) => c.buyer === a!.nick)).toMatchObject({ active: true, waitingSec: 7 });

    // Typing: the model follows `input` events; Enter sends, Shift+Enter does not.
    const editor = x.input as HTMLElement;
    editor.querySelector('p')!.textContent = '亲，今天发货';
    editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(extractKuaishou(document).thread?.messages).toHaveLength(4);
    editor.dispatchEvent(new Event('input', { bubbles: true }));
    expect(editor.classList.contains('ql-blank')).toBe(false);
    editor.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true, cancelable: true }),
    );
    expect(extractKuaishou(document).thread?.messages).toHaveLength(4);
    editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    x = extractKuaishou(document);
    expect(x.thread?.messages.at(-1)).toMatchObject({ author: 'human', text: '亲，今天发货' });
    expect(editor.innerHTML).toBe('<p><br></p>');
    expect(editor.classList.contains('ql-blank')).toBe(true);
    expect(x.conversations.find((c) => c.buyer === a!.nick)?.waitingSec).toBeUndefined();

    // B's card crosses three minutes and moves to 已超时.
    vi.advanceTimersByTime(180_000);
    x = extractKuaishou(document);
    expect(x.conversations.find((c) => c.buyer === b!.nick)?.waitingSec).toBe(185);

    demo.open(b!.uid);
    x = extractKuaishou(document);
    expect(x.thread?.buyer).toBe(b!.nick);
    expect(x.conversations.find((c) => c.active)?.buyer).toBe(b!.nick);
  });
});
