// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseChinaStamp, pick } from '../../lib/platforms/dom';
import { JD_SELECTORS, extractJd, jdAdapter } from '../../lib/platforms/jd';
import { liveOf } from '../../lib/platforms/types';
import { ThreadClock, datedBackwards, isStampOnly, parseDurationSec } from '../../lib/platforms/stamps';
import { loadDemo, useDemoTimers } from './helpers/demo';

function load(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}
const fixture = readFileSync(join(process.cwd(), 'test/fixtures/jd/thread.html'), 'utf8');
const at = (s: string) => parseChinaStamp(s)!;
const t = (h: number, mi: number, s = 0) => ({ h, mi, s });

describe('JD adapter', () => {
  it('matches the real workbench and the demo page only', () => {
    const m = (u: string) => jdAdapter.matches(new URL(u));
    expect(m('https://dongdong.jd.com/')).toBe(true);
    expect(m('https://dongdong.jd.com/index.html?from=jm#/chat')).toBe(true);
    expect(m('http://127.0.0.1:5173/jd/index.html')).toBe(true);
    expect(m('http://localhost/jd/index.html?auto=0')).toBe(true);
    expect(m('https://www.jd.com/')).toBe(false);
    expect(m('https://dongdong.jd.com.example.com/')).toBe(false);
    expect(m('http://dongdong.jd.com/')).toBe(false);
    expect(m('https://example.com/jd/index.html')).toBe(false);
    expect(m('http://127.0.0.1:5173/pdd/index.html')).toBe(false);
  });

  it('finds every purpose with its first selector in the fixture (the doc’s selectors come first)', () => {
    const doc = load(fixture);
    for (const purpose of [
      'conversationList',
      'conversationRow',
      'rowName',
      'rowPreview',
      'rowActive',
      'threadHeaderName',
      'messageList',
      'message',
      'buyerSide',
      'shopSide',
      'systemSide',
      'messageText',
      'messageTime',
      'messageNick',
      'image',
      'card',
      'input',
      'sendButton',
      'account',
    ] as const) {
      expect(pick(doc, [JD_SELECTORS[purpose][0]]), purpose).not.toBeNull();
    }
    expect(pick(doc, JD_SELECTORS.loginForm)).toBeNull();
  });

  it('reads the open thread: authors, ids, times, texts, markers', () => {
    const x = extractJd(load(fixture));
    expect(x.health).toBe('watching');
    expect(x.missing).toEqual([]);
    expect(x.account).toBe('测试京东自营店-客服01');
    expect(x.thread?.buyer).toBe('jd_4a8f2c1');
    expect(x.thread?.nick).toBe('小鱼儿');
    const msgs = x.thread!.messages;
    expect(msgs.map((m) => [m.author, m.text])).toEqual([
      ['system', '顾客从商品详情页进入咨询'],
      ['buyer', '这款有现货吗'],
      ['buyer', '[商品卡片] 【京东自营】纯棉T恤 ¥59.00'],
      ['robot', '您好，京小智为您服务'],
      ['auto', '[自动回复] 欢迎光临本店'],
      ['buyer', '[图片]'],
      ['human', '有的亲，今天下单明天到 <b>'],
      ['system', '会话已转接给 客服02'],
      ['buyer', '还在吗'],
      ['buyer', '在吗'],
      ['buyer', '在吗'],
      ['system', '会话已结束'],
    ]);
    // The bare 17:12:14 resolves against the date separator before it; the full stamp stands alone.
    expect(msgs[1]).toMatchObject({ id: 'm-001', at: at('2026-09-08 17:12:14'), timeSource: 'stamp' });
    expect(msgs[2]).toMatchObject({ id: 'm-002', at: at('2026-09-08 17:12:20'), timeSource: 'stamp' });
    expect(msgs[6]).toMatchObject({ id: 'm-006', at: at('2026-09-08 17:14:05') });
    expect(msgs[0]).toMatchObject({ at: null, timeSource: null });
    expect(msgs[7]?.marker).toBe('transfer');
    expect(msgs[11]?.marker).toBe('sessionEnd');
    // No page id: content hashes, distinct for identical texts, stable across scans.
    expect(msgs[8]).toMatchObject({ at: at('2026-09-08 17:20:00') });
    expect(msgs[8]!.id).toMatch(/^h[0-9a-f]{8}$/);
    expect(msgs[9]!.id).not.toBe(msgs[10]!.id);
    expect(msgs[9]!.at).toBeNull();
    expect(extractJd(load(fixture)).thread!.messages.map((m) => m.id)).toEqual(msgs.map((m) => m.id));
    expect(x.input?.classList.contains('EditorContent')).toBe(true);
  });

  it('classifies by side, nickname and label elements, never by words in the message', () => {
    const msg = (side: 'left' | 'right' | 'center', t: string, nick = '', extra = '') =>
      side === 'center'
        ? `<div class="message"><div class="message_center"><div class="message__system">${t}</div></div></div>`
        : `<div class="message"><div class="message_${side}">${nick ? `<span class="message__nickname">${nick}</span>` : ''}${extra}<div class="message__content"><div class="message__text">${t}</div></div></div></div>`;
    const html = fixture.replace(
      /(<div id="t-chat-scroll"[^>]*>)[\s\S]*?(\n {2}<\/div>\n {2}<div class="chat-editor")/,
      `$1${[
        msg('left', '[系统消息]说我的退款已经到账了，可我没收到'),
        msg('left', '会话已结束了吗？我还有问题'),
        msg('right', '不是机器人自动回复哦，是我本人在为您处理退款', '客服01'),
        msg('right', '页面提示会话已结束也没关系，我还在，您继续说', '客服01'),
        msg('right', '刚才那条[自动回复]请忽略，我来为您解答', '客服01'),
        msg('right', '会话已转接给售后了，您稍等', '客服01'),
        msg('right', '您好，京小智为您服务', '京小智'),
        msg('right', '亲，这款有现货', '客服01', '<span class="message__tag">机器人自动回复</span>'),
        msg('right', '亲，客服暂时离开', '客服01', '<span class="message__tag">自动回复</span>'),
        msg('right', '[自动回复] 欢迎光临本店', '客服01'),
        msg('center', '会话已结束'),
        msg('center', '会话已转接给 客服02'),
        msg('center', '请勿在会话结束后催促顾客'),
        msg('center', '会话已由 客服02 转接给 测试京东自营店-客服01'),
        msg('center', '客服 客服01 已接入'),
      ].join('')}$2`,
    );
    expect(extractJd(load(html)).thread?.messages.map((m) => [m.author, m.marker])).toEqual([
      ['buyer', undefined],
      ['buyer', undefined],
      ['human', undefined],
      ['human', undefined],
      ['human', undefined],
      ['human', undefined],
      ['robot', undefined],
      ['robot', undefined],
      ['auto', undefined],
      ['auto', undefined],
      ['system', 'sessionEnd'],
      ['system', 'transfer'],
      ['system', undefined],
      // A transfer to this page's account, or an agent taking it: the receiver's clock starts there.
      ['system', 'assigned'],
      ['system', 'assigned'],
    ]);
  });

  it('a robot is its WHOLE sender name: a waiter whose name holds 机器人 / 智能客服 / 京小智 is a human', () => {
    const msg = (nick: string, t: string) =>
      `<div class="message"><div class="message_right"><span class="message__nickname">${nick}</span><span class="message__time_str">17:12:30</span><div class="message__content"><div class="message__text">${t}</div></div></div></div>`;
    const cases: [string, 'human' | 'robot'][] = [
      ['优必选机器人旗舰店-小王', 'human'],
      ['机器人玩具店-小美', 'human'],
      ['智能客服部-小李', 'human'],
      ['京小智粉丝-阿强', 'human'],
      ['小王(机器人组)', 'human'],
      ['京小智', 'robot'],
      ['京小智（机器人）', 'robot'],
      ['智能客服', 'robot'],
      ['机器人', 'robot'],
    ];
    const html = fixture.replace(
      /(<div id="t-chat-scroll"[^>]*>)[\s\S]*?(\n {2}<\/div>\n {2}<div class="chat-editor")/,
      `$1${cases.map(([nick], i) => msg(nick, `有的亲 ${i}`)).join('')}$2`,
    );
    expect(extractJd(load(html)).thread?.messages.map((m) => m.author)).toEqual(cases.map(([, a]) => a));
    // The fixture's own waiter, renamed to a robot-toy shop's.
    const renamed = extractJd(load(fixture.replaceAll('>客服01<', '>优必选机器人旗舰店-小王<')));
    expect(renamed.thread!.messages.find((m) => m.text.startsWith('有的亲'))?.author).toBe('human');
  });

  it('reads the conversation list: pin from the title, then from the row id, else the name', () => {
    const x = extractJd(load(fixture));
    expect(x.conversations.map(({ row: _, ...c }) => c)).toEqual([
      { buyer: 'jd_4a8f2c1', nick: '小鱼儿', preview: '这款有现货吗', active: true },
      { buyer: 'zhang_san', nick: '张**', preview: '在吗', active: false, waitingSec: 65 },
      { buyer: '王先生', nick: '王先生', preview: '好的谢谢', active: false },
    ]);
  });

  it('reads a waiting row’s counter alone for the live path, and only the counter the row is read from', () => {
    const doc = load(fixture);
    const rows = liveOf(extractJd(doc))!.rows!;
    const counter = pick(doc, JD_SELECTORS.rowWaiting)!;
    const row = rows.all().find((r) => r.contains(counter))!;
    expect(rows.waitingCounter!(counter, row)).toEqual({ waitingSec: 65 });
    counter.textContent = '已等待2分';
    expect(rows.waitingCounter!(counter, row)).toEqual({ waitingSec: rows.read(row)!.waitingSec });
    expect(rows.waitingCounter!(counter, row)).toEqual({ waitingSec: 120 });
    counter.textContent = '';
    expect(rows.waitingCounter!(counter, row)).toEqual({ waitingSec: undefined });
    // Not the counter: another element of the row, or a second counter after the one read() takes.
    expect(rows.waitingCounter!(pick(row, JD_SELECTORS.rowPreview)!, row)).toBeNull();
    const second = counter.cloneNode(true) as Element;
    counter.after(second);
    expect(rows.waitingCounter!(second, row)).toBeNull();
  });

  it('without a selected row, the thread is keyed by the header', () => {
    const x = extractJd(load(fixture.replace(' alluser-item_check', '')));
    expect(x.thread?.buyer).toBe('小鱼儿');
    expect(x.conversations.every((c) => !c.active)).toBe(true);
  });

  it('survives extra wrappers and attributes around rows and messages', () => {
    const wrapped = fixture
      .replace(
        /^( {4})(<div class="message" .*<\/div>)$/gm,
        '$1<div class="v-wrap" data-v-1=""><div class="anim">$2</div></div>',
      )
      .replace(
        /^( {10})(<div class="alluser-item .*<\/div>)$/gm,
        '$1<section class="virtual-row" role="listitem">$2</section>',
      )
      .replaceAll('class="message_left"', 'class="message_left is-new" data-v-9="" tabindex="-1"');
    const x = extractJd(load(wrapped));
    expect(x.thread?.messages.filter((m) => m.author === 'buyer').map((m) => m.text)).toEqual([
      '这款有现货吗',
      '[商品卡片] 【京东自营】纯棉T恤 ¥59.00',
      '[图片]',
      '还在吗',
      '在吗',
      '在吗',
    ]);
    expect(x.conversations.map((c) => c.buyer)).toEqual(['jd_4a8f2c1', 'zhang_san', '王先生']);
  });

  it('falls back when the message wrapper class is gone (side elements as rows)', () => {
    const x = extractJd(load(fixture.replaceAll('<div class="message" ', '<div class="msg-row" ')));
    expect(x.thread?.messages.map((m) => m.author)).toEqual([
      'system',
      'buyer',
      'buyer',
      'robot',
      'auto',
      'buyer',
      'human',
      'system',
      'buyer',
      'buyer',
      'buyer',
      'system',
    ]);
  });

  it('fails loudly: nothing → noList, no input → noInput, login form → loggedOut', () => {
    expect(extractJd(load('<div id="app"><p>加载中…</p></div>')).health).toBe('noList');
    const noInput = extractJd(load(fixture.replace('<div class="EditorContent" contenteditable="true"></div>', '')));
    expect(noInput.health).toBe('noInput');
    expect(noInput.missing).toContain('input');
    expect(extractJd(load('<form id="formlogin"><input id="loginname"></form>')).health).toBe('loggedOut');
    // A selected conversation without its message list: the thread is missing, not watching.
    const noThread = fixture.replace(/<div id="t-chat-scroll"[\s\S]*?\n {2}<\/div>\n/, '');
    expect(extractJd(load(noThread))).toMatchObject({ health: 'noThread', parts: { thread: 'missing' }, thread: null });
    // A list without an open conversation is fine.
    const listOnly = extractJd(
      load(noThread.replace(' alluser-item_check', '').replace(/<div class="chat-head"[^\n]*\n/, '')),
    );
    expect(listOnly).toMatchObject({ health: 'watching', parts: { thread: 'none', input: 'ok' }, thread: null });
  });

  it('never invents a buyer message from garbage', () => {
    for (const html of [
      '',
      '<div class="message"></div>',
      '<div id="t-chat-scroll"><div class="message"><div class="message_left"><img class="message__avatar" src="x"></div></div></div>',
      '<div id="t-chat-scroll"><div class="message"><div class="message_left"><span class="message__time_str">2026-13-45 99:99</span></div></div></div>',
      fixture.slice(0, fixture.length / 2),
      fixture.slice(0, fixture.length * 0.8),
      fixture.replaceAll('</div>', ''),
    ]) {
      const x = extractJd(load(html));
      for (const b of x.thread?.messages.filter((m) => m.author === 'buyer') ?? []) {
        expect(fixture).toContain(b.text.replace('[商品卡片] ', '').replace('[图片]', 'message__image-wrap'));
        if (b.at !== null)
          expect([
            at('2026-09-08 17:12:14'),
            at('2026-09-08 17:12:20'),
            at('2026-09-08 17:13:00'),
            at('2026-09-08 17:20:00'),
          ]).toContain(b.at);
      }
    }
  });
  it('with the caller’s clock, dateless stamps of the open thread are dated: a buyer already waiting, live ones', () => {
    // No date divider, bare stamps only: the buyer has waited since 17:12:14 when the tab opens at 18:00.
    const undated = fixture
      .replace(/<[^\n]*message__time_str">2026-09-08<[^\n]*\n/, '')
      .replace('2026-09-08 17:12:20', '17:12:20');
    const stamped = (x: ReturnType<typeof extractJd>) =>
      x.thread!.messages.filter((m) => m.author === 'buyer' && m.text !== '在吗').map((m) => m.at);
    expect(stamped(extractJd(load(undated))).every((t) => t === null)).toBe(true); // no clock: no date
    const doc = load(undated);
    const x = extractJd(doc, undefined, at('2026-12-03 18:00:00'));
    expect(x.health).toBe('watching');
    expect(stamped(x)).toEqual([
      at('2026-12-03 17:12:14'),
      at('2026-12-03 17:12:20'),
      at('2026-12-03 17:13:00'),
      at('2026-12-03 17:20:00'),
    ]);
    // The tab stays open overnight: the next morning's message is the next morning's.
    const box = liveOf(x)!.thread!.in;
    box.insertAdjacentHTML(
      'beforeend',
      '<div class="message"><div class="message_left" id="m-100"><span class="message__time_str">09:00:05</span><div class="message__content"><div class="message__text">发货了吗</div></div></div></div>',
    );
    const got = liveOf(x)!.thread!.append([box.lastElementChild!], at('2026-12-04 09:00:06'));
    expect(got).toMatchObject([{ id: 'm-100', author: 'buyer', at: at('2026-12-04 09:00:05') }]);
    // Read at tab-open under a 昨天 separator (alone or with a time), yesterday's messages stay yesterday's.
    for (const sep of ['昨天', '昨天 17:10']) {
      const y = undated.replace(
        '<div class="message" data-v-7e0b9d21=""><div class="message_center"><div class="message__system">顾客',
        `<div class="message"><div class="message_center"><span class="message__time_str">${sep}</span></div></div><div class="message" data-v-7e0b9d21=""><div class="message_center"><div class="message__system">顾客`,
      );
      const z = extractJd(load(y), undefined, at('2026-12-04 18:00:00'));
      expect(stamped(z), sep).toEqual([
        at('2026-12-03 17:12:14'),
        at('2026-12-03 17:12:20'),
        at('2026-12-03 17:13:00'),
        at('2026-12-03 17:20:00'),
      ]);
      expect(z.thread!.messages.map((m) => m.text)).not.toContain(sep);
    }
  });

  it('a tab-open thread of bare times only is dated backwards from its last: yesterday’s buyer at 23:00 still waits', () => {
    const msg = (side: string, id: string, stamp: string, body: string) =>
      `<div class="message"><div class="message_${side}" id="${id}"><span class="message__time_str">${stamp}</span><div class="message__content"><div class="message__text">${body}</div></div></div></div>`;
    const divider = (s: string) =>
      `<div class="message"><div class="message_center"><span class="message__time_str">${s}</span></div></div>`;
    const page = (...rows: string[]) =>
      load(`<div class="chat-head-name"><span>小鱼儿</span></div><div id="t-chat-scroll">${rows.join('')}</div>`);
    const times = (doc: Document, now: number) =>
      extractJd(doc, undefined, now).thread!.messages.map((m) => [m.id, m.at, m.timeSource]);
    const now = at('2026-12-06 10:00:00');
    for (const [a, b, c] of [
      ['09:00:00', '09:05:00', '23:00:00'],
      ['09:00', '09:05', '23:00'], // minutes only
    ] as const) {
      const doc = page(
        msg('left', 'm-1', a, '在吗'),
        msg('right', 'm-2', b, '在的'),
        msg('left', 'm-3', c, '发货了吗'),
      );
      expect(times(doc, now), a).toEqual([
        ['m-1', at('2026-12-05 09:00:00'), 'stamp'],
        ['m-2', at('2026-12-05 09:05:00'), 'stamp'],
        ['m-3', at('2026-12-05 23:00:00'), 'stamp'],
      ]);
    }
    // A stamp-only row in the run counts as one of its stamps; a 今天 divider dates what follows as today.
    const doc = page(
      divider('09:00'),
      msg('left', 'm-1', '09:00:10', '在吗'),
      msg('left', 'm-3', '23:00:00', '发货了吗'),
      divider('今天'),
      msg('left', 'm-4', '08:00:00', '还在吗'),
    );
    expect(times(doc, now)).toEqual([
      ['m-1', at('2026-12-05 09:00:10'), 'stamp'],
      ['m-3', at('2026-12-05 23:00:00'), 'stamp'],
      ['m-4', at('2026-12-06 08:00:00'), 'stamp'],
    ]);
    // Live: a message appended later is dated against its arrival, after the run was dated.
    const x = extractJd(
      page(msg('left', 'm-1', '09:00:00', '在吗'), msg('left', 'm-3', '23:00:00', '发货了吗')),
      undefined,
      now,
    );
    const box = liveOf(x)!.thread!.in;
    box.insertAdjacentHTML('beforeend', msg('left', 'm-5', '10:00:30', '人呢'));
    expect(liveOf(x)!.thread!.append([box.lastElementChild!], at('2026-12-06 10:00:31'))).toMatchObject([
      { id: 'm-5', at: at('2026-12-06 10:00:30') },
    ]);
    expect(x.thread!.messages.map((m) => m.at)).toEqual([at('2026-12-05 09:00:00'), at('2026-12-05 23:00:00')]);
  });

  it('an empty bubble (avatar only) is not a message', () => {
    for (const html of [
      '<div id="t-chat-scroll"><div class="message"><div class="message_left"><div class="message__avatar">小</div><div class="message__content"></div></div></div></div>',
      '<div id="t-chat-scroll"><div class="message"><div class="message_left"><div class="message__avatar">小</div></div></div></div>',
    ]) {
      expect(extractJd(load(`<div class="chat-head-name"><span>小鱼儿</span></div>${html}`)).thread?.messages).toEqual(
        [],
      );
    }
  });
});

describe('thread time stamps', () => {
  it('resolve partial stamps only against a date seen before them', () => {
    const c = new ThreadClock();
    expect(c.read('17:12:14')).toBeNull();
    expect(c.read('09-08 17:12:14')).toBeNull();
    expect(c.read('2026年09月08日')).toBeNull();
    expect(c.read('17:12:14')).toBe(at('2026-09-08 17:12:14'));
    expect(c.read('09-09 08:00:01')).toBe(at('2026-09-09 08:00:01'));
    expect(c.read('08:00:05')).toBe(at('2026-09-09 08:00:05'));
    // Running backwards (a day rolled over without a separator): not trusted.
    expect(c.read('07:00:00')).toBeNull();
    expect(c.read('昨天 17:00')).toBeNull();
    expect(c.read('2026-09-10 09:30:00')).toBe(at('2026-09-10 09:30:00'));
  });

  it('a dateless time is the latest date not after the clock (+ 5 min for a page clock ahead of ours)', () => {
    const now = at('2026-12-03 10:00:00');
    expect(new ThreadClock(now).read('09:59:00')).toBe(at('2026-12-03 09:59:00'));
    expect(new ThreadClock(now).read('10:03:00')).toBe(at('2026-12-03 10:03:00')); // the PC runs 3 min slow
    expect(new ThreadClock(now).read('10:06:00')).toBe(at('2026-12-02 10:06:00'));
    expect(new ThreadClock(at('2027-01-01 00:01:00')).read('23:59:00')).toBe(at('2026-12-31 23:59:00'));
  });

  /** Reads the stamps in order with `c`, then settles its run: each stamp's final time (settled, or as read). */
  const readAll = (c: ThreadClock, stamps: readonly string[]) => {
    const got = stamps.map((s) => {
      const slot: { at: number | null } = { at: null };
      slot.at = c.read(s, (settled) => (slot.at = settled));
      return slot;
    });
    c.settle();
    return got.map((g) => g.at);
  };

  it('a run of bare times with no date above it is dated backwards from its last stamp, not after the clock', () => {
    const now = at('2026-12-06 10:00:00');
    // Yesterday afternoon, then this morning, no divider; the tab opens at 10:00 (outsider review probe).
    expect(readAll(new ThreadClock(now), ['15:00:00', '15:01:00', '09:00:00'])).toEqual([
      at('2026-12-05 15:00:00'),
      at('2026-12-05 15:01:00'),
      at('2026-12-06 09:00:00'),
    ]);
    // Across midnight, the tab opened at 00:03.
    expect(readAll(new ThreadClock(at('2026-12-06 00:03:00')), ['23:50:00', '23:52:00', '00:01:00'])).toEqual([
      at('2026-12-05 23:50:00'),
      at('2026-12-05 23:52:00'),
      at('2026-12-06 00:01:00'),
    ]);
    // Yesterday's 09:00 and 09:05, then the buyer's 23:00 still waiting: all yesterday's (it was null: no clock).
    expect(readAll(new ThreadClock(now), ['09:00:00', '09:05:00', '23:00:00'])).toEqual([
      at('2026-12-05 09:00:00'),
      at('2026-12-05 09:05:00'),
      at('2026-12-05 23:00:00'),
    ]);
    // The same with minutes only, and over two midnights (each step up that goes later is a day earlier).
    expect(readAll(new ThreadClock(now), ['09:00', '23:00', '08:00', '22:00'])).toEqual([
      at('2026-12-04 09:00:00'),
      at('2026-12-04 23:00:00'),
      at('2026-12-05 08:00:00'),
      at('2026-12-05 22:00:00'),
    ]);
    // The last is the latest not after now + 5 min; a few seconds out of order is the same day.
    expect(readAll(new ThreadClock(now), ['10:03:05', '10:03:00'])).toEqual([
      at('2026-12-06 10:03:05'),
      at('2026-12-06 10:03:00'),
    ]);
    expect(readAll(new ThreadClock(now), ['10:06:00'])).toEqual([at('2026-12-05 10:06:00')]);
    // An impossible time dates nothing and does not break the run.
    expect(readAll(new ThreadClock(now), ['23:00:00', '25:00:00', '09:00:00'])).toEqual([
      at('2026-12-05 23:00:00'),
      null,
      at('2026-12-06 09:00:00'),
    ]);
    // A message's own dated stamp of an earlier day does not pin a bare time that would run backwards under it: the
    // next day's, not after the clock (review p2); a date row (a separator) does pin: running backwards under it is
    // not trusted.
    expect(readAll(new ThreadClock(now), ['2026-12-05 15:00:00', '09:00:00'])).toEqual([
      at('2026-12-05 15:00:00'),
      at('2026-12-06 09:00:00'),
    ]);
    const rows = new ThreadClock(now);
    rows.separator('2026-12-05');
    expect(readAll(rows, ['15:00:00', '09:00:00'])).toEqual([at('2026-12-05 15:00:00'), null]);
  });

  it('a row shown out of order in a run stays on its day; only a large step up is a day earlier', () => {
    // Read at 10:10: the buyer's 10:05 is shown above the shop's 10:03 (2 min out of order, outsider review F2):
    // the morning above stays today's (it all went to yesterday: a 24 h "reply" booked).
    const now = at('2026-12-06 10:10:00');
    expect(readAll(new ThreadClock(now), ['09:00:00', '09:02:00', '10:05:00', '10:03:00'])).toEqual([
      at('2026-12-06 09:00:00'),
      at('2026-12-06 09:02:00'),
      at('2026-12-06 10:05:00'),
      at('2026-12-06 10:03:00'),
    ]);
    // Up to 5 minutes out of order is the same day; more is the day before.
    expect(datedBackwards([t(9, 0), t(9, 4), t(9, 0)], now)).toEqual([
      at('2026-12-06 09:00:00'),
      at('2026-12-06 09:04:00'),
      at('2026-12-06 09:00:00'),
    ]);
    expect(datedBackwards([t(9, 0), t(9, 50), t(9, 0)], now)).toEqual([
      at('2026-12-05 09:00:00'),
      at('2026-12-05 09:50:00'),
      at('2026-12-06 09:00:00'),
    ]);
    expect(datedBackwards([t(10, 1), t(9, 0)], now)).toEqual([at('2026-12-05 10:01:00'), at('2026-12-06 09:00:00')]);
    // A buyer back the next day at about the same time of day (second outsider review P1): yesterday's 14:00 question
    // and 14:05 reply above today's unanswered 13:30, read at 14:30, stay yesterday's (an hour's tolerance moved them
    // onto today: the 13:30 question "answered" at 14:05). Nor does a row moved as out of order carry the rows above
    // it: yesterday's 13:40 and 13:36 above a 13:33 shown 3 min late above today's 13:30.
    const later = at('2026-12-06 14:30:00');
    expect(datedBackwards([t(14, 0), t(14, 5), t(13, 30)], later)).toEqual([
      at('2026-12-05 14:00:00'),
      at('2026-12-05 14:05:00'),
      at('2026-12-06 13:30:00'),
    ]);
    expect(datedBackwards([t(13, 40), t(13, 36), t(13, 33), t(13, 30)], later)).toEqual([
      at('2026-12-05 13:40:00'),
      at('2026-12-05 13:36:00'),
      at('2026-12-06 13:33:00'),
      at('2026-12-06 13:30:00'),
    ]);
    // Never after the limit (now + 5 min): the row above the last one stays yesterday's if today's is later.
    expect(datedBackwards([t(10, 20), t(10, 0)], now)).toEqual([at('2026-12-05 10:20:00'), at('2026-12-06 10:00:00')]);
  });

  it('a run ended by a weekday divider (星期三) is not dated from now: its times are null (outsider review F3)', () => {
    // Sat 2026-12-05 10:00: the rows above 星期三 are older than Wednesday; they were dated today 09:00.
    const c = new ThreadClock(at('2026-12-05 10:00:00'));
    const got: (number | null)[] = [];
    got[0] = c.read('09:00:00', (s) => (got[0] = s));
    got[1] = c.read('23:00:00', (s) => (got[1] = s));
    c.separator('星期三');
    got[2] = c.read('09:30:00', (s) => (got[2] = s));
    c.settle();
    expect(got).toEqual([null, null, null]);
    // A dated divider after it dates what follows again.
    c.separator('昨天');
    expect(c.read('09:30:00')).toBe(at('2026-12-04 09:30:00'));
  });

  it('the slack of a run across midnight is added before the day is taken', () => {
    // Across midnight: 23:59:50 shown below 00:00:10 (20 s out of order, within the slack) is the evening before,
    // and the 23:58 above is not moved two days back (outsider review F1).
    expect(
      readAll(new ThreadClock(at('2026-12-06 00:05:00')), ['23:58:00', '00:00:10', '23:59:50', '00:03:00']),
    ).toEqual([
      at('2026-12-05 23:58:00'),
      at('2026-12-06 00:00:10'),
      at('2026-12-05 23:59:50'),
      at('2026-12-06 00:03:00'),
    ]);
    expect(datedBackwards([t(0, 0, 30), t(23, 59, 50)], at('2026-12-06 00:05:00'))).toEqual([
      at('2026-12-06 00:00:30'),
      at('2026-12-05 23:59:50'),
    ]);
  });

  it('a dated divider or stamp ends the run: the run is not after it, what follows is dated by it', () => {
    const now = at('2026-12-06 10:00:00');
    const run = (divider: string, ...rest: string[]) => {
      const c = new ThreadClock(now);
      const got = [c.read('23:00:00', (s) => (got[0] = s)), c.read('23:30:00', (s) => (got[1] = s))];
      c.separator(divider);
      got.push(...readAll(c, rest));
      return got;
    };
    for (const divider of ['今天', '2026-12-06', '2026年12月06日']) {
      expect(run(divider, '09:00:00'), divider).toEqual([
        at('2026-12-05 23:00:00'),
        at('2026-12-05 23:30:00'),
        at('2026-12-06 09:00:00'),
      ]);
    }
    expect(run('今天 08:59', '09:00:00')).toEqual([
      at('2026-12-05 23:00:00'),
      at('2026-12-05 23:30:00'),
      at('2026-12-06 09:00:00'),
    ]);
    // Above 昨天's divider: the day before yesterday at the latest.
    expect(run('昨天', '09:00:00')).toEqual([
      at('2026-12-04 23:00:00'),
      at('2026-12-04 23:30:00'),
      at('2026-12-05 09:00:00'),
    ]);
    // A full stamp on a message ends it too.
    const c = new ThreadClock(now);
    const got = readAll(c, ['23:00:00', '2026-12-06 09:00:00', '09:30:00']);
    expect(got).toEqual([at('2026-12-05 23:00:00'), at('2026-12-06 09:00:00'), at('2026-12-06 09:30:00')]);
  });

  it('without a clock a bare run stays undated; a live arrival settles the run read before it', () => {
    expect(readAll(new ThreadClock(), ['09:00:00', '23:00:00'])).toEqual([null, null]);
    const c = new ThreadClock(at('2026-12-06 10:00:00'));
    const got: (number | null)[] = [];
    got.push(
      c.read('09:00:00', (s) => (got[0] = s)),
      c.read('23:00:00', (s) => (got[1] = s)),
    );
    c.arrive(at('2026-12-06 10:01:00'));
    got.push(c.read('10:00:50'));
    expect(got).toEqual([at('2026-12-05 09:00:00'), at('2026-12-05 23:00:00'), at('2026-12-06 10:00:50')]);
  });

  it('messages that arrive live are read against their arrival time, not the date the thread had reached', () => {
    const c = new ThreadClock(at('2026-12-03 10:05:00'));
    expect(c.read('10:00:00')).toBe(at('2026-12-03 10:00:00'));
    // The tab stays open overnight.
    c.arrive(at('2026-12-04 10:30:01'));
    expect(c.read('10:30:00')).toBe(at('2026-12-04 10:30:00'));
    expect(c.read('10:31:00')).toBe(at('2026-12-04 10:31:00'));
    // Under a dated divider, read before (whole thread) or live: the divider's day.
    const d = new ThreadClock(at('2026-12-04 10:30:00'));
    d.separator('2026-09-08');
    expect(d.read('17:12:14')).toBe(at('2026-09-08 17:12:14'));
    d.arrive(at('2026-12-04 10:31:00'));
    d.separator('2026-12-04');
    expect(d.read('10:30:30')).toBe(at('2026-12-04 10:30:30'));
    // Just after midnight, a message stamped just before it stays on the day before.
    const m = new ThreadClock(at('2026-12-03 23:50:00'));
    m.read('23:50:00');
    m.arrive(at('2026-12-04 00:00:30'));
    expect(m.read('23:59:50')).toBe(at('2026-12-03 23:59:50'));
    expect(m.read('00:00:20')).toBe(at('2026-12-04 00:00:20'));
  });

  it('a divider that names its day relatively dates what follows with the clock; an unknown day dates nothing', () => {
    const now = at('2026-12-04 09:00:00');
    const read = (divider: string, stamp: string, clock: number | null = now) => {
      const c = new ThreadClock(clock ?? undefined);
      c.separator('2026-11-30');
      c.separator(divider);
      return c.read(stamp);
    };
    // Yesterday's 08:00 read at 09:00 today stays yesterday's (not today's, as a bare time alone would be).
    expect(read('昨天', '08:00:00')).toBe(at('2026-12-03 08:00:00'));
    expect(read('昨天 17:30', '17:31:00')).toBe(at('2026-12-03 17:31:00'));
    expect(read('前天', '08:00:00')).toBe(at('2026-12-02 08:00:00'));
    expect(read('今天', '08:00:00')).toBe(at('2026-12-04 08:00:00'));
    // A weekday, or 昨天 without a clock: neither today's nor the older divider's date.
    expect(read('星期三', '08:00:00')).toBeNull();
    expect(read('昨天', '08:00:00', null)).toBeNull();
    expect(read('昨天', '12-03 08:00:00', null)).toBeNull();
    const c = new ThreadClock(now);
    c.separator('星期三');
    expect(c.read('08:00:00')).toBeNull();
    c.separator('2026-12-04');
    expect(c.read('08:00:00')).toBe(at('2026-12-04 08:00:00'));
  });

  it('knows separators and durations', () => {
    expect(isStampOnly('2026-09-08')).toBe(true);
    expect(isStampOnly('昨天 17:12')).toBe(true);
    expect(isStampOnly('昨天')).toBe(true);
    expect(isStampOnly('星期三')).toBe(true);
    expect(isStampOnly('今天有货吗')).toBe(false);
    expect(isStampOnly('17:12 在吗')).toBe(false);
    expect(isStampOnly('会话已结束')).toBe(false);
    expect(parseDurationSec('已等待1分05秒')).toBe(65);
    expect(parseDurationSec('1小时')).toBe(3600);
    expect(parseDurationSec('刚刚')).toBeUndefined();
  });
});

describe('the simulated JD workbench agrees with the adapter', () => {
  useDemoTimers();

  it('renders messages and rows the adapter reads back, and a typed reply sends on Enter', () => {
    const demo = loadDemo('jd', 'jd.js', at('2026-09-08 17:12:14'));
    expect(jdAdapter.matches(new URL(location.href))).toBe(true);

    const [a, b] = demo.buyers;
    const id1 = demo.buyerSays(a!.uid, '请问有现货吗');
    vi.advanceTimersByTime(2000);
    demo.robotSays(a!.uid);
    demo.systemSays(a!.uid);
    demo.buyerSays(b!.uid, '在吗');
    vi.advanceTimersByTime(5000);

    let x = extractJd(document);
    expect(x.health).toBe('watching');
    expect(x.account).toBeTruthy();
    expect(x.thread?.buyer).toBe(a!.uid);
    expect(x.thread?.nick).toBe(a!.nick);
    expect(x.thread?.messages.map((m) => m.author)).toEqual(['buyer', 'robot', 'system']);
    expect(x.thread?.messages[0]).toMatchObject({ id: id1, text: '请问有现货吗', at: at('2026-09-08 17:12:14') });
    const rowB = x.conversations.find((c) => c.buyer === b!.uid);
    expect(rowB).toMatchObject({ nick: b!.nick, preview: '在吗', active: false, waitingSec: 5 });

    // Typing: the model follows `input` events; Enter sends, Shift+Enter does not.
    const editor = x.input as HTMLElement;
    editor.textContent = '亲，有现货的';
    editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(extractJd(document).thread?.messages).toHaveLength(3); // no input event yet: nothing to send
    editor.dispatchEvent(new Event('input', { bubbles: true }));
    editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true }));
    expect(extractJd(document).thread?.messages).toHaveLength(3);
    editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    x = extractJd(document);
    expect(x.thread?.messages.at(-1)).toMatchObject({ author: 'human', text: '亲，有现货的' });
    expect((x.input?.textContent ?? '').trim()).toBe('');
    expect(x.conversations.find((c) => c.buyer === a!.uid)?.waitingSec).toBeUndefined();

    demo.open(b!.uid);
    x = extractJd(document);
    expect(x.thread?.buyer).toBe(b!.uid);
    expect(x.conversations.find((c) => c.active)?.buyer).toBe(b!.uid);
  });
});
