// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractPdd, pddAdapter } from '../../lib/platforms/pdd';
import { adapterFor } from '../../lib/platforms/adapters';
import { liveOf } from '../../lib/platforms/types';

function load(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}
const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');

describe('PDD adapter', () => {
  it('matches the real workbench and the demo page only', () => {
    expect(adapterFor(new URL('https://mms.pinduoduo.com/chat-merchant/index.html#/'))).toBe(pddAdapter);
    expect(adapterFor(new URL('http://127.0.0.1:5173/pdd/index.html'))).toBe(pddAdapter);
    expect(adapterFor(new URL('https://mms.pinduoduo.com/orders/list'))).toBeUndefined();
    expect(adapterFor(new URL('https://example.com/chat-merchant/'))).toBeUndefined();
    expect(adapterFor(new URL('https://example.com/pdd/index.html'))).toBeUndefined();
  });

  it('reads the open thread: authors, ids, times, texts', () => {
    const x = extractPdd(load(fixture));
    expect(x.health).toBe('watching');
    expect(x.account).toBe('测试旗舰店');
    expect(x.thread?.buyer).toBe('802114');
    expect(x.thread?.nick).toBe('S*******n');
    expect(x.thread?.messages.map((m) => [m.author, m.text])).toEqual([
      ['system', '当前用户来自 商品详情页'],
      ['buyer', '请问什么时候发货'],
      ['buyer', '[商品卡片] 【现货】纯棉短袖T恤 ¥39.9'],
      ['robot', '亲，在的哦'],
      ['buyer', '[图片]'],
      ['human', '今天下午发出 <b>'],
      // A sub-account's cs-item is that agent's reply, whatever it says (a notice is the row that is neither side).
      ['human', '机器人已暂停接待'],
    ]);
    const first = x.thread!.messages[1]!;
    expect(first).toMatchObject({ id: 'middlePanel_list_1788340335000', at: 1788340335000, timeSource: 'id' });
    expect(x.input?.id).toBe('replyTextarea');
  });

  it('classifies by structure only: a notice is the row that is neither side, never words in a message', () => {
    const li = (inner: string) => `<li class="onemsg"><div class="merchantMessage">${inner}</div></li>`;
    const cs = (nick: string, t: string, cls = 'cs-item isread') =>
      li(
        `<div class="${cls}"><p class="nickname"><span>${nick}</span></p><div class="msg-content"><p class="msg-content-box">${t}</p></div></div>`,
      );
    const buyer = (t: string) =>
      li(
        `<div class="buyer-item"><div currentuid="802114"></div><div class="msg-content"><p class="msg-content-box">${t}</p></div></div>`,
      );
    const html = fixture.replace(
      /(<ul class="msg-list"[^>]*>)[\s\S]*?(<\/ul>)/,
      `$1${[
        buyer('能帮我转接人工客服吗？'),
        buyer('机器人已暂停接待'),
        cs('客服小美', '机器人已暂停接待'),
        cs('主账号', '好的亲，这就为您转接售后同事处理'),
        cs('主账号', '收货地址修改成功'),
        cs('机器人', '亲，在的哦', 'cs-item isread callback'),
        cs('机器人', '亲亲，一般48小时内发货哦'),
        // The robot is the WHOLE nickname: an agent of a robot-toy shop is a human, in a callback row too.
        cs('机器人玩具旗舰店:小王', '亲，在的', 'cs-item isread callback'),
        cs('优必选机器人店-小美', '亲，在的'),
        li('<div class="system-msg-31">收货地址修改成功</div>'),
      ].join('')}$2`,
    );
    expect(extractPdd(load(html)).thread?.messages.map((m) => m.author)).toEqual([
      'buyer',
      'buyer',
      'human',
      'human',
      'human',
      'robot',
      'robot',
      'human',
      'human',
      'system',
    ]);
  });

  it('reads the conversation list with waiting times', () => {
    const x = extractPdd(load(fixture));
    expect(x.conversations.map((c) => c.row?.getAttribute('data-random'))).toEqual([
      '802114-0-unTimeout',
      '733519-0-unTimeout',
      '915002-0-reply',
    ]);
    expect(x.conversations.map(({ row: _, ...c }) => c)).toEqual([
      { buyer: '802114', nick: 'S*******n', preview: '请问什么时候发货', active: true },
      { buyer: '733519', nick: '小***子', preview: '在吗', active: false, waitingSec: 42 },
      { buyer: '915002', nick: 'j***y', preview: '好的谢谢', active: false },
    ]);
  });

  it.each([
    ['42秒', 42],
    ['1分30秒', 90],
    ['2分05秒', 125],
    ['3分钟', 180],
    ['已等待1小时', 3600],
    ['已等待1小时20分', 4800],
    ['1小时2分3秒', 3723],
  ])('reads a row’s wait counter %s as %i s, the live counter too', (shown, sec) => {
    const doc = load(fixture.replace('>42秒<', `>${shown}<`));
    const x = extractPdd(doc);
    expect(x.conversations.find((c) => c.buyer === '733519')?.waitingSec).toBe(sec);
    const rows = liveOf(x)!.rows!;
    const counter = doc.querySelector('.chat-unreply-time')!;
    const row = rows.all().find((r) => r.contains(counter))!;
    expect(rows.waitingCounter!(counter, row)).toEqual({ waitingSec: sec });
  });

  it('survives extra wrappers around rows and messages', () => {
    const wrapped = fixture
      .replaceAll('<li class="onemsg"', '<div class="v-wrap"><li class="onemsg"')
      .replaceAll('<div class="chat-item-box', '<section class="x"><div class="chat-item-box');
    const x = extractPdd(load(wrapped));
    expect(x.thread?.messages.filter((m) => m.author === 'buyer')).toHaveLength(3);
    expect(x.conversations).toHaveLength(3);
  });

  it('accepts a contenteditable reply editor as the input, never a bubble or a read-only editable', () => {
    const ce = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread-contenteditable.html'), 'utf8');
    const x = extractPdd(load(ce));
    expect(x.health).toBe('watching');
    expect(x.input?.id).toBe('replyEditor');
    expect(x.thread?.messages).toHaveLength(7);
    // A contenteditable outside the reply box (a message bubble) is not the input; nor a read-only one inside.
    const bubbleOnly = ce
      .replace('contenteditable="true" role="textbox"', 'contenteditable="false" role="textbox"')
      .replace(
        '<p class="msg-content-box">请问什么时候发货',
        '<p class="msg-content-box" contenteditable="true">请问什么时候发货',
      );
    const y = extractPdd(load(bubbleOnly));
    expect(y.input).toBeNull();
    expect(y.health).toBe('noInput');
  });

  it('fails loudly: no message list → noList, no input → noInput, login page → loggedOut', () => {
    expect(extractPdd(load('<div id="app"><p>加载中…</p></div>')).health).toBe('noList');
    expect(extractPdd(load(fixture.replace(/<textarea[^>]*><\/textarea>/, ''))).health).toBe('noInput');
    expect(extractPdd(load('<div class="login-content"><input id="usernameId"></div>')).health).toBe('loggedOut');
  });

  it('never invents a buyer question from garbage', () => {
    for (const html of [
      '',
      '<li class="onemsg"></li>',
      fixture.slice(0, fixture.length / 2),
      '<ul class="msg-list"><li class="onemsg" id="middlePanel_list_x"><div class="buyer-item"></div></li></ul>',
    ]) {
      const x = extractPdd(load(html));
      const buyers = x.thread?.messages.filter((m) => m.author === 'buyer' && m.at !== null) ?? [];
      for (const b of buyers) expect(fixture).toContain(String(b.at));
    }
  });
});
