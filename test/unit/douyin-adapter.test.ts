// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseChinaStamp } from '../../lib/platforms/dom';
import { liveOf } from '../../lib/platforms/types';
import { DOUYIN_SELECTORS, douyinAdapter, extractDouyin, parseThreadStamp } from '../../lib/platforms/douyin';
import { EventLedger } from '../../lib/content/ledger';
import { evaluate } from '../../lib/engine';
import { DEFAULT_RULES } from '../../lib/rules';

function load(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}
const fixture = readFileSync(join(process.cwd(), 'test/fixtures/douyin/workspace.html'), 'utf8');

/**
 * China time → epoch ms; a message wrapper (`data-id` '' for none) and a time divider as the fixture draws them; the
 * fixture with its messages replaced by `rows`.
 */
const at = (t: string) => parseChinaStamp(t)!;
const bubble = (id: string, side: 'NotMe' | 'IsMe', stamp: string, body: string) =>
  `<div data-qa-id="qa-message-warpper" class="wrap-uR51"><div data-id="${id}" style="display: flex; flex-direction: ${side === 'NotMe' ? 'row' : 'row-reverse'};"><div class="col-9Kd"><div class="O4UWWFoQxgMq4AWHMq25">${stamp}</div><div class="iD7SHBvMhm4OhfCsBGr1 leaveMessage message${side}"><pre><span>${body}</span></pre></div></div></div></div>`;
const divider = (s: string) =>
  `<div data-qa-id="qa-message-warpper" class="wrap-uR51"><div class="BqNO6cexAGBsZgUmEzIE"><span class="rcHPT4n3TlQD0Nu4sSiv">${s}</span></div></div>`;
const lines = fixture.split('\n');
const first = lines.findIndex((l) => l.includes('data-qa-id="qa-message-warpper"'));
const page = (...rows: string[]) =>
  load(
    [
      ...lines.slice(0, first),
      rows.join(''),
      ...lines.slice(first).filter((l) => !l.includes('data-qa-id="qa-message-warpper"')),
    ].join('\n'),
  );
const cn = (s: string) => parseChinaStamp(`2026-09-08 ${s}`)!;

describe('Douyin adapter', () => {
  it('matches the real workbench and the demo page only', () => {
    const m = (u: string) => douyinAdapter.matches(new URL(u));
    expect(m('https://im.jinritemai.com/pc_seller_v2/main/workspace')).toBe(true);
    expect(m('https://im.jinritemai.com/pc_seller_v2/main/workspace?selfId=1#x')).toBe(true);
    expect(m('http://localhost:5173/douyin/index.html')).toBe(true);
    expect(m('http://127.0.0.1:4000/douyin/index.html?auto=0')).toBe(true);
    expect(m('https://fxg.jinritemai.com/login/common')).toBe(false);
    expect(m('https://im.jinritemai.com/pc_seller_v2/main/setting')).toBe(false);
    expect(m('https://example.com/pc_seller_v2/main/workspace')).toBe(false);
    expect(m('https://example.com/douyin/index.html')).toBe(false);
    expect(m('http://localhost:5173/pdd/index.html')).toBe(false);
    expect(douyinAdapter.platform).toBe('douyin');
  });

  it('reads the open thread: authors, ids, times, texts, markers', () => {
    const x = extractDouyin(load(fixture));
    expect(x.health).toBe('watching');
    expect(x.account).toBe('演示抖店旗舰店');
    expect(x.thread?.buyer).toBe('小鹿同学');
    expect(x.thread?.nick).toBe('小鹿同学');
    const msgs = x.thread!.messages;
    expect(msgs.map((m) => [m.author, m.text])).toEqual([
      ['buyer', '请问这款有现货吗'],
      ['auto', '欢迎光临演示抖店旗舰店～'],
      ['robot', '亲亲，在哒~很高兴为您服务，请问有什么可以帮您？'],
      ['buyer', '[图片]'],
      ['system', '智能助手正在分析用户问题…'],
      ['system', '客服 小美 接入'],
      ['robot', '您好，现在是人工客服为您服务，请您稍等片刻～'],
      ['human', '有现货的，今天下单今天发 <b>'],
      ['buyer', '[商品卡片] 男童短袖球服套装 速干透气'],
      ['assist', '这款是纯棉的哦，不起球'],
      ['buyer', '好的'],
      ['buyer', '还在吗'],
      ['system', '会话已由 小美 转接给 阿强'],
      ['system', '用户撤回了一条消息'],
      ['system', '会话已关闭'],
    ]);
    expect(msgs[0]).toEqual({
      id: '6f0c2a4e-31b7-4d8a-9a55-0d3f1e0b7c11',
      author: 'buyer',
      at: cn('17:10:02'),
      timeSource: 'stamp',
      text: '请问这款有现货吗',
    });
    expect(msgs[1]!.id).toBe('7412339901_Welcome_1788340203000');
    expect(msgs.map((m) => m.at)).toEqual([
      cn('17:10:02'),
      cn('17:10:03'),
      cn('17:10:05'),
      cn('17:10:30'),
      null,
      null,
      cn('17:11:31'),
      cn('17:12:40'),
      cn('17:13:01'),
      cn('17:13:20'),
      null, // no stamp of its own, no divider right before it
      cn('17:20:00'), // the bare 17:20 divider, dated by the 2026-09-08 divider above
      null,
      null,
      null,
    ]);
    // No page id: a content hash, stable across scans.
    expect(msgs[10]!.id).toMatch(/^h[0-9a-f]{8}$/);
    expect(extractDouyin(load(fixture)).thread!.messages[10]!.id).toBe(msgs[10]!.id);
    expect(msgs.filter((m) => m.marker).map((m) => [m.text, m.marker])).toEqual([
      ['客服 小美 接入', 'assigned'],
      ['会话已由 小美 转接给 阿强', 'transfer'],
      ['会话已关闭', 'sessionEnd'],
    ]);
    expect(x.input?.getAttribute('data-qa-id')).toBe('qa-send-message-textarea');
    expect(x.missing).toEqual([]);
  });

  it('reads the conversation list: names as ids, waits only in pending groups, no pseudo rows, no drafts', () => {
    const x = extractDouyin(load(fixture));
    expect(x.conversations.map(({ row: _, ...c }) => c)).toEqual([
      { buyer: '小鹿同学', nick: '小鹿同学', preview: '还在吗', active: true, waitingSec: 65 },
      { buyer: 'lily_0612', nick: 'lily_0612', preview: '在吗', active: false, waitingSec: 45 },
      { buyer: '阿杰', nick: '阿杰', active: false, waitingSec: 312 },
      { buyer: '晴天', nick: '晴天', preview: '好的谢谢', active: false },
    ]);
  });

  it('reads group headers followed by rows (not containers) too', () => {
    const flat = fixture
      .replace(
        /<div class="group-7sJd2a" data-btm="(message_group_name_\w+)">\s*<div class="groupTitle-2LkP">/g,
        (_, b) => `<div class="group-7sJd2a"><div class="groupTitle-2LkP" data-btm="${b}">`,
      )
      .replace(
        '<div class="group-7sJd2a">\n            <div class="groupTitle-2LkP">最近联系',
        '<div class="group-7sJd2a"><div class="groupTitle-2LkP" data-btm="message_group_name_recent">最近联系',
      );
    expect(flat.match(/data-btm="message_group_name_/g)).toHaveLength(3);
    const x = extractDouyin(load(flat));
    expect(x.conversations.map((c) => [c.buyer, c.waitingSec])).toEqual([
      ['小鹿同学', 65],
      ['lily_0612', 45],
      ['阿杰', 312],
      ['晴天', undefined],
    ]);
  });

  it('survives extra wrappers, nested hooks and reordered attributes', () => {
    const wrapped = fixture
      .replaceAll(
        '<div data-qa-id="qa-message-warpper" class="wrap-uR51">',
        '<section class="x"><div class="r-1"><div data-qa-id="qa-message-warpper" class="wrap-uR51" data-v="1">',
      )
      .replaceAll(
        '<div data-qa-id="qa-conversation-chat-item"',
        '<div class="virtual-row"><div data-qa-id="qa-conversation-chat-item"',
      )
      .replace(
        '<div class="messageList-Hs8dK2">',
        '<div class="messageList-Hs8dK2"><div data-qa-id="qa-message-warpper" class="outer">',
      );
    const x = extractDouyin(load(wrapped));
    const base = extractDouyin(load(fixture));
    expect(x.thread?.messages.map((m) => [m.id, m.author, m.at])).toEqual(
      base.thread?.messages.map((m) => [m.id, m.author, m.at]),
    );
    expect(x.conversations.map(({ row: _, ...c }) => c)).toEqual(base.conversations.map(({ row: _, ...c }) => c));
  });

  it('takes the open customer from the row when the top bar is missing, and the first top-bar text otherwise', () => {
    const noTopbar = fixture.replace(/<div id="topbar-left-info">.*?<\/div><\/div>/s, '</div>');
    const x = extractDouyin(load(noTopbar));
    expect(x.thread?.buyer).toBe('小鹿同学');
    const named = fixture.replace('<span class="remarkBtn-3Ld0"><i class="icon-edit"></i>添加备注</span>', '');
    expect(extractDouyin(load(named)).thread?.buyer).toBe('小鹿同学');
    // The robot's own pseudo-conversation is not a buyer thread.
    const pseudo = fixture.replace(
      '<span class="name-a1Kx">小鹿同学</span>',
      '<span class="name-a1Kx">智能客服</span>',
    );
    const p = extractDouyin(load(pseudo));
    expect(p.thread).toBeNull();
    expect(p.conversations.find((c) => c.active)?.buyer).toBe('小鹿同学'); // still aria-selected
  });

  it('classifies bubbles by side: robot only for a whole greeting, assist only by its label element, never by words', () => {
    let n = 0;
    const row = (side: 'NotMe' | 'IsMe', t: string, extra = '') =>
      `<div data-qa-id="qa-message-warpper"><div data-id="id-${n++}"><div class="message${side}"><pre><span>${t}</span></pre></div>${extra}</div></div>`;
    const sys = (id: string, t: string) => `<div data-qa-id="qa-message-warpper"><div data-id="${id}">${t}</div></div>`;
    const html = `<div id="topbar-left-info"><span>阿杰</span></div>
      ${row('IsMe', '您好，很高兴为您服务，请问有什么可以帮您？这款尺码偏大半码，建议拍小一码')}
      ${row('IsMe', '您好，很高兴为您服务，请问有什么可以帮您？')}
      ${row('IsMe', '亲亲，在哒~')}
      ${row('IsMe', '现在是人工客服为您服务，您的问题我来处理：今天就发货')}
      ${row('IsMe', '您刚才撤回了一条消息吗？系统关闭会话前我都在')}
      ${row('IsMe', '此消息由机器人推荐的尺码不准，我帮您重新看')}
      ${row('IsMe', '这款是纯棉的哦', '<div class="robotTip-2sLq">此消息由机器人推荐</div>')}
      ${row('NotMe', '撤回了一条消息')}
      ${row('NotMe', '亲亲，在哒')}
      ${row('NotMe', '当前会话已长时间未回复，平台可能主动介入吗？')}
      ${sys('x_CsAssign_1', '客服 小美 接入')}
      ${sys('x_CsAssign_2', '会话已由 小美 转接给 阿强')}
      ${sys('', '请在会话结束前确认订单信息')}
      ${sys('', '用户超时未回复，系统关闭会话')}
      <textarea data-qa-id="qa-send-message-textarea"></textarea>`;
    expect(extractDouyin(load(html)).thread?.messages.map((m) => [m.author, m.marker])).toEqual([
      ['human', undefined],
      ['robot', undefined],
      ['robot', undefined],
      ['human', undefined],
      ['human', undefined],
      ['human', undefined],
      ['assist', undefined],
      ['buyer', undefined],
      ['buyer', undefined],
      ['buyer', undefined],
      ['system', 'assigned'],
      ['system', 'transfer'],
      ['system', undefined],
      ['system', 'sessionEnd'],
    ]);
  });

  it('an assignment row is the human stage: 客服…接入 and a transfer to this account are `assigned`, one away is `transfer`', () => {
    const sys = (id: string, t: string) =>
      `<div data-qa-id="qa-message-warpper"><div data-id="${id}" class="e0Bi5IauHWvUG8773oi9">${t}</div></div>`;
    const page = (account: string) => `<div id="topbar-left-info"><span>阿杰</span></div>
      <div class="header"><span data-qa-id="qa-account-name">${account}</span></div>
      <div data-qa-id="qa-message-warpper"><div data-id="m1"><div class="messageNotMe"><pre>在吗</pre></div></div></div>
      ${sys('x_CsAssign_1', '会话已由 小美 转接给 阿强')}
      ${sys('x_CsAssign_2', '客服阿强已接入')}
      ${sys('', '已为您转接人工客服')}
      ${sys('', '会话已转接给 小美')}
      ${sys('', '客服阿强说接入前先看订单')}
      <textarea data-qa-id="qa-send-message-textarea"></textarea>`;
    const markers = (account: string) => {
      const x = extractDouyin(load(page(account)));
      return x.thread!.messages.map((m) => [m.author, m.marker]);
    };
    expect(markers('阿强')).toEqual([
      ['buyer', undefined],
      ['system', 'assigned'],
      ['system', 'assigned'],
      ['system', undefined],
      ['system', 'transfer'],
      ['system', undefined],
    ]);
    expect(markers('小美').slice(1, 5)).toEqual([
      ['system', 'transfer'],
      ['system', 'assigned'],
      ['system', undefined],
      ['system', 'assigned'],
    ]);
  });

  it('classifies by id before side: welcome on the buyer side or without bubble is system, close ends the session', () => {
    const html = `<div id="topbar-left-info"><span>阿杰</span></div>
      <div data-qa-id="qa-message-warpper"><div data-id="x_Welcome_1"><div class="messageNotMe"><pre>欢迎</pre></div></div></div>
      <div data-qa-id="qa-message-warpper"><div data-id="x_Welcome_2">欢迎光临</div></div>
      <div data-qa-id="qa-message-warpper"><div data-id="cs_close_conversation_9"></div></div>
      <div data-qa-id="qa-message-warpper"><div data-id="llm_process_1"><div class="messageIsMe"><pre>思考中</pre></div></div></div>
      <div data-qa-id="qa-message-warpper"><div data-id="a1"><div class="messageIsMe"><pre>好的亲</pre></div><span>此消息由机器人自动回复</span></div></div>
      <div data-qa-id="qa-message-warpper"><div data-id="a2"><div class="messageIsMe"><pre>亲亲,在哒</pre></div><span>此消息由机器人自动回复</span></div></div>
      <div data-qa-id="qa-message-warpper"><div>客服超时未回复，会话关闭</div></div>
      <textarea data-qa-id="qa-send-message-textarea"></textarea>`;
    const x = extractDouyin(load(html));
    expect(x.thread?.messages.map((m) => [m.author, m.text, m.marker])).toEqual([
      ['system', '欢迎', undefined],
      ['system', '欢迎光临', undefined],
      ['system', '', 'sessionEnd'],
      ['system', '思考中', undefined],
      ['assist', '好的亲', undefined],
      ['robot', '亲亲,在哒', undefined],
      ['system', '客服超时未回复，会话关闭', 'sessionEnd'],
    ]);
    // The thread is read, but without a conversation list a new question elsewhere would go unseen: not watching.
    expect(x).toMatchObject({ health: 'noList', parts: { list: 'missing', thread: 'ok', input: 'ok' } });
  });

  it('dates bare times only from an earlier dated stamp, rolling over midnight', () => {
    const ctx = { last: null as number | null };
    expect(parseThreadStamp('17:20', ctx)).toBeNull();
    expect(parseThreadStamp('昨天 17:20', ctx)).toBeNull();
    expect(parseThreadStamp('2026年09月08日 23:58:10', ctx)).toBe(cn('23:58:10'));
    expect(parseThreadStamp('23:59', ctx)).toBe(cn('23:59:00'));
    expect(parseThreadStamp('00:01:02', ctx)).toBe(parseChinaStamp('2026-09-09 00:01:02'));
    expect(parseThreadStamp('09-10 08:00', ctx)).toBe(parseChinaStamp('2026-09-10 08:00'));
    expect(parseThreadStamp('星期三 08:00', ctx)).toBeNull();
    expect(parseThreadStamp('25:99', ctx)).toBeNull();
  });

  it('a message that arrives live is dated against its arrival time, not the day the thread had reached', () => {
    const at = (t: string) => parseChinaStamp(t)!;
    // The open thread as the fixture (2026-09-08, last messages 17:13–17:20); the tab stays open.
    for (const [stamp, arrives, want] of [
      ['17:30:05', '2026-09-09 17:30:06', '2026-09-09 17:30:05'], // next day, later in the day than the thread
      ['08:00:00', '2026-09-09 08:00:01', '2026-09-09 08:00:00'], // next morning
      ['17:30:05', '2026-09-08 17:30:06', '2026-09-08 17:30:05'], // the same evening
      ['17:32:00', '2026-09-08 17:30:06', '2026-09-08 17:32:00'], // the page's clock 2 min ahead of ours
      ['09-09 08:00', '2026-09-10 08:00:00', '2026-09-09 08:00:00'],
    ] as const) {
      const doc = new DOMParser().parseFromString(
        fixture.replace(/<div data-qa-id="qa-message-warpper"[^\n]*(转接给|撤回|cs_close)[^\n]*\n/g, ''),
        'text/html',
      );
      const x = extractDouyin(doc);
      const box = liveOf(x)!.thread!.in;
      const w = doc.createElement('div');
      w.setAttribute('data-qa-id', 'qa-message-warpper');
      w.innerHTML = `<div data-id="new-1" style="display:flex;flex-direction:row"><div class="col-9Kd"><div class="O4UWWFoQxgMq4AWHMq25">${stamp}</div><div class="leaveMessage messageNotMe"><pre><span>到底发货没有</span></pre></div></div></div>`;
      box.append(w);
      const got = liveOf(x)!.thread!.append([w], at(arrives));
      expect(
        got?.map((m) => [m.author, m.at]),
        `${stamp} at ${arrives}`,
      ).toEqual([['buyer', at(want)]]);
    }
  });

  it('at tab-open, bare times with no full stamp above are dated backwards from the last, not after the clock', () => {
    const times = (doc: Document, now?: number) =>
      extractDouyin(doc, undefined, now).thread!.messages.map((m) => [m.id, m.at, m.timeSource]);
    const now = at('2026-12-06 10:00:00');
    // Yesterday's 09:00 and 09:05, then the buyer's 23:00 still waiting; seconds or minutes only.
    for (const [a, b, c] of [
      ['09:00:00', '09:05:00', '23:00:00'],
      ['09:00', '09:05', '23:00'],
    ] as const) {
      const doc = () =>
        page(bubble('b1', 'NotMe', a, '在吗'), bubble('s1', 'IsMe', b, '在的'), bubble('b2', 'NotMe', c, '发货了吗'));
      expect(times(doc(), now), a).toEqual([
        ['b1', at('2026-12-05 09:00:00'), 'stamp'],
        ['s1', at('2026-12-05 09:05:00'), 'stamp'],
        ['b2', at('2026-12-05 23:00:00'), 'stamp'],
      ]);
      // No clock: no date, as before.
      expect(times(doc()).map(([, t]) => t)).toEqual([null, null, null]);
    }
    // The last is the latest not after now + 5 min; a bare divider dates the message below it; a full stamp below
    // the run bounds it and dates what follows it.
    expect(
      times(
        page(
          divider('23:00'),
          bubble('b1', 'NotMe', '', '在吗'),
          bubble('b2', 'NotMe', '10:04:00', '人呢'),
          divider('2026-12-06 10:04:30'),
          bubble('b3', 'NotMe', '10:04:40', '还在吗'),
        ),
        now,
      ),
    ).toEqual([
      ['b1', at('2026-12-05 23:00:00'), 'stamp'],
      ['b2', at('2026-12-06 10:04:00'), 'stamp'],
      ['b3', at('2026-12-06 10:04:40'), 'stamp'],
    ]);
    expect(times(page(bubble('b1', 'NotMe', '10:06:00', '在吗')), now)).toEqual([
      ['b1', at('2026-12-05 10:06:00'), 'stamp'],
    ]);
    // A message appended later is dated by its arrival; the run read before keeps its dates.
    const doc = page(bubble('b1', 'NotMe', '09:00:00', '在吗'), bubble('b2', 'NotMe', '23:00:00', '发货了吗'));
    const x = extractDouyin(doc, undefined, now);
    const box = liveOf(x)!.thread!.in;
    box.insertAdjacentHTML('beforeend', bubble('b3', 'NotMe', '10:00:30', '人呢'));
    expect(liveOf(x)!.thread!.append([box.lastElementChild!], at('2026-12-06 10:00:31'))).toMatchObject([
      { id: 'b3', at: at('2026-12-06 10:00:30') },
    ]);
    expect(x.thread!.messages.map((m) => m.at)).toEqual([at('2026-12-05 09:00:00'), at('2026-12-05 23:00:00')]);
    // A change inside a message dated by the run that keeps its stamp: re-read, it keeps its date (not undated).
    const stamp = [...doc.querySelectorAll('div')].find((d) => d.textContent === '23:00:00')!;
    stamp.classList.add('seen');
    expect(liveOf(x)!.thread!.reread!([stamp], at('2026-12-06 10:01:00'))).toEqual([]);
    // Its stamp edited: the run's dates could all move: read whole.
    stamp.textContent = '22:00:00';
    expect(liveOf(x)!.thread!.reread!([stamp], at('2026-12-06 10:01:00'))).toBeNull();
  });

  it('at tab-open, relative and month-day dividers date what follows and bound the run above (outsider review D1)', () => {
    const now = at('2026-12-05 10:30:00'); // a Saturday
    const times = (...rows: string[]) => extractDouyin(page(...rows), undefined, now).thread!.messages.map((m) => m.at);
    const q = bubble('b1', 'NotMe', '10:00:05', '在吗');
    // Under 昨天 / 前天 / a month-day (+ time): that day's, not today's (it was 12-05 10:00:05: a false breach).
    expect(times(divider('昨天 10:00'), q)).toEqual([at('2026-12-04 10:00:05')]);
    expect(times(divider('前天 10:00'), q)).toEqual([at('2026-12-03 10:00:05')]);
    expect(times(divider('昨天'), q)).toEqual([at('2026-12-04 10:00:05')]);
    expect(times(divider('12-01 10:00'), q)).toEqual([at('2026-12-01 10:00:05')]);
    expect(times(divider('12月01日 10:00'), q)).toEqual([at('2026-12-01 10:00:05')]);
    expect(times(divider('12-20 10:00'), q)).toEqual([at('2025-12-20 10:00:05')]); // later than today: last year's
    // Under a weekday: no date (not today's, not an older one), until a full stamp.
    expect(times(divider('星期三 10:00'), q)).toEqual([null]);
    expect(times(divider('星期三'), q, bubble('b2', 'IsMe', '2026-12-05 10:01:00', '在的'))).toEqual([
      null,
      at('2026-12-05 10:01:00'),
    ]);
    // The run above a weekday divider is older than that day: null, not dated from now (outsider review F3).
    expect(times(bubble('b0', 'NotMe', '09:00:00', '早'), divider('星期三'), q)).toEqual([null, null]);
    // The run above a divider with a time is not after it (+ slack); above a date alone, before that day.
    expect(times(bubble('b0', 'NotMe', '10:20:00', '早'), divider('今天 10:00'), q)).toEqual([
      at('2026-12-04 10:20:00'),
      at('2026-12-05 10:00:05'),
    ]);
    expect(times(bubble('b0', 'NotMe', '09:59:30', '早'), divider('今天 10:00'), q)).toEqual([
      at('2026-12-05 09:59:30'),
      at('2026-12-05 10:00:05'),
    ]);
    expect(times(bubble('b0', 'NotMe', '09:00:00', '早'), divider('昨天'), q)).toEqual([
      at('2026-12-03 09:00:00'),
      at('2026-12-04 10:00:05'),
    ]);
    // End to end: yesterday's question (under 昨天 10:00) opens no clock started today.
    const x = extractDouyin(page(divider('昨天 10:00'), q), undefined, now);
    const events = new EventLedger('douyin').events({ kind: 'whole', page: x }, 'shop', now);
    const out = evaluate({
      events,
      coverage: [{ platform: 'douyin', account: 'shop', from: now, to: now }],
      rules: DEFAULT_RULES,
      now,
      alertLeadSec: 60,
    });
    expect(out.clocks.filter((c) => c.startedAt === at('2026-12-05 10:00:05'))).toEqual([]);
    // Messages with no page id keep their content-hash ids when the page is read whole again after midnight (the
    // same 昨天 divider, now a clock's day later; second outsider review DYX-ID): times the clock gave do not go into
    // the ids, or the ledger takes them for new messages.
    const noIds = () =>
      page(
        divider('昨天 10:00'),
        bubble('', 'NotMe', '10:00:05', '在吗'),
        bubble('', 'IsMe', '10:01:00', '在的'),
        divider('12-04 11:00'),
        bubble('', 'NotMe', '11:00:05', '还在吗'),
      );
    const idsAt = (t: string) => extractDouyin(noIds(), undefined, at(t)).thread!.messages.map((m) => m.id);
    const before = idsAt('2026-12-05 23:59:00');
    expect(new Set(before).size).toBe(3);
    expect(idsAt('2026-12-06 00:01:00')).toEqual(before);
  });

  it('an earlier message read again after a live arrival keeps the date it was read with', () => {
    const at = (t: string) => parseChinaStamp(t)!;
    const doc = new DOMParser().parseFromString(fixture, 'text/html');
    const x = extractDouyin(doc);
    const thread = liveOf(x)!.thread!;
    const before = x.thread!.messages.map((m) => [m.id, m.at]);
    // The next day a buyer message arrives live: dateless stamps of live arrivals read against that day.
    const w = doc.createElement('div');
    w.setAttribute('data-qa-id', 'qa-message-warpper');
    w.innerHTML = `<div data-id="new-1" style="display:flex;flex-direction:row"><div class="col-9Kd"><div class="O4UWWFoQxgMq4AWHMq25">17:30:05</div><div class="leaveMessage messageNotMe"><pre><span>到底发货没有</span></pre></div></div></div>`;
    thread.in.append(w);
    expect(thread.append([w], at('2026-09-09 17:30:06'))?.map((m) => m.at)).toEqual([at('2026-09-09 17:30:05')]);
    // Then a change inside yesterday's 17:13:01 message (a class the page toggles): read again, it is the same
    // message of 2026-09-08, not one of 2026-09-09 (the reader's arrival clock is part of the state it restores).
    const stamp = [...doc.querySelectorAll('div')].find((d) => d.textContent === '17:13:01')!;
    stamp.classList.add('seen');
    expect(thread.reread!([stamp], at('2026-09-09 17:31:00'))).toEqual([]);
    expect(before.some(([, t]) => t === at('2026-09-08 17:13:01'))).toBe(true);
  });

  it('fails loudly: nothing found → noList, no input → noInput, login form → loggedOut', () => {
    expect(extractDouyin(load('<div id="root"><p>加载中…</p></div>')).health).toBe('noList');
    const noInput = extractDouyin(load(fixture.replace(/<textarea[^>]*><\/textarea>/, '')));
    expect(noInput.health).toBe('noInput');
    expect(noInput.missing).toContain('input');
    expect(extractDouyin(load('<form class="loginForm-x"><input type="password"></form>')).health).toBe('loggedOut');
    // A selected conversation whose chat pane is gone: the thread is missing, not watching.
    const listOnly = fixture.replace(/<main id="workspace-chat".*<\/main>/s, '');
    const l = extractDouyin(load(listOnly));
    expect(l).toMatchObject({ health: 'noThread', parts: { list: 'ok', thread: 'missing' }, thread: null });
    expect(l.conversations).toHaveLength(4);
    expect(l.conversations.every((c) => !c.active)).toBe(false); // aria-selected row stays active
    // A list with no conversation open is watched (no thread, no input needed).
    const idle = extractDouyin(load(listOnly.replace(' aria-selected="true"', '').replace(' activeCard-kP20aQ', '')));
    expect(idle).toMatchObject({ health: 'watching', parts: { list: 'ok', thread: 'none', input: 'none' } });
    expect(idle.conversations.some((c) => c.active)).toBe(false);
  });

  it('never invents a buyer question from garbage or truncated HTML', () => {
    const inputs = [
      '',
      '<div data-qa-id="qa-message-warpper"></div>',
      '<div data-qa-id="qa-message-warpper"><div class="messageNotMe"></div></div>',
      '<div id="topbar-left-info"></div><div data-qa-id="qa-message-warpper"><div data-id="">17:20</div></div>',
      '<div data-qa-id="qa-message-warpper"><div class="messageNotMe"><pre>a</pre></div><div class="messageIsMe"><pre>b</pre></div></div>',
      '<div data-qa-id="qa-conversation-chat-item"><div class="timerParticular">99秒</div></div>',
      '<div data-btm="message_group_name_waitReply"></div><div data-qa-id="qa-conversation-chat-item"><div class="nameLine-x" title="甲"></div><div class="timerParticular">17:00</div></div>',
      fixture.slice(0, fixture.length / 2),
      fixture.slice(0, fixture.length * 0.7),
      fixture.slice(fixture.length / 3),
    ];
    for (const html of inputs) {
      const x = extractDouyin(load(html));
      for (const b of x.thread?.messages.filter((m) => m.author === 'buyer') ?? []) {
        expect(html).toContain(b.text.replace(/^\[(图片|商品卡片|消息)\]\s*/, ''));
        if (!/^h[0-9a-f]{8}$/.test(b.id)) expect(html).toContain(`data-id="${b.id}"`);
      }
      for (const c of x.conversations) {
        expect(html).toContain(c.buyer);
        if (c.waitingSec !== undefined) expect(html).toMatch(/message_group_name_(waitReply|overtime)/);
      }
    }
    const ambiguous = extractDouyin(load(inputs[4]!));
    expect(ambiguous.thread).toBeNull(); // no open customer, no active row: nobody to attribute it to
    expect(extractDouyin(load(inputs[6]!)).conversations.map(({ row: _, ...c }) => c)).toEqual([
      { buyer: '甲', nick: '甲', active: false },
    ]);
  });

  it('keeps every selector purpose as a non-empty list of valid selectors', () => {
    const doc = load('<div></div>');
    for (const [purpose, sels] of Object.entries(DOUYIN_SELECTORS)) {
      expect(sels.length, purpose).toBeGreaterThan(0);
      for (const s of sels)
        expect(() => doc.querySelector(s.replace(':scope > ', '')), `${purpose}: ${s}`).not.toThrow();
    }
    const x = extractDouyin(load(fixture));
    const root = load(fixture);
    // Which fallback the fixture exercises, per purpose.
    const firstHit = (sels: readonly string[]) =>
      sels.findIndex((s) => root.querySelector(s.replace(':scope > ', '')) !== null);
    expect(firstHit(DOUYIN_SELECTORS.account)).toBe(1);
    expect(firstHit(DOUYIN_SELECTORS.message)).toBe(0);
    expect(firstHit(DOUYIN_SELECTORS.input)).toBe(0);
    expect(firstHit(DOUYIN_SELECTORS.conversationList)).toBe(0);
    expect(firstHit(DOUYIN_SELECTORS.loginForm)).toBe(-1);
    expect(x.thread?.messages.length).toBe(15);
  });

  it('agrees with the simulated workbench (demo/douyin), whose input behaves like a React-controlled textarea', () => {
    const page = readFileSync(join(process.cwd(), 'demo/douyin/index.html'), 'utf8');
    const body = /<body>([\s\S]*)<\/body>/.exec(page)![1]!.replace(/<script[^>]*><\/script>/, '');
    vi.useFakeTimers({ now: cn('10:00:00') });
    window.history.replaceState(null, '', '/douyin/index.html?auto=0');
    document.body.innerHTML = body;
    try {
      const w = window as unknown as Window & { demo: Record<string, (...a: string[]) => string> };
      // The page's plain script, run as the browser would (global scope).
      new Function(readFileSync(join(process.cwd(), 'demo/douyin/douyin.js'), 'utf8'))();
      const doc = document;
      const demo = w.demo;
      const idle = extractDouyin(doc);
      expect([idle.health, idle.account, idle.thread?.buyer, idle.missing]).toEqual([
        'watching',
        '演示抖店旗舰店',
        '小鹿同学',
        [],
      ]);
      const ids = [
        demo.buyerSays!('小鹿同学', '你好，在吗？'),
        demo.welcome!('小鹿同学'),
        demo.robotSays!('小鹿同学'),
        demo.systemSays!('小鹿同学'),
        demo.buyerSays!('小鹿同学', '[商品卡片]'),
        demo.assistSays!('小鹿同学'),
        demo.agentSays!('小鹿同学', '好的 <b>x</b>'),
        demo.closeSession!('小鹿同学'),
      ];
      demo.buyerSays!('lily_0612', '在吗');
      const x = extractDouyin(doc);
      expect(x.thread!.messages.map((m) => [m.id, m.author, m.marker])).toEqual([
        [ids[0], 'buyer', undefined],
        [ids[1], 'auto', undefined],
        [ids[2], 'robot', undefined],
        [ids[3], 'system', 'assigned'],
        [ids[4], 'buyer', undefined],
        [ids[5], 'assist', undefined],
        [ids[6], 'human', undefined],
        [ids[7], 'system', 'sessionEnd'],
      ]);
      expect(x.thread!.messages[6]!.text).toBe('好的 <b>x</b>');
      for (const m of x.thread!.messages.filter((m) => m.author !== 'system'))
        expect(Math.abs(m.at! - Date.now())).toBeLessThan(5000);
      expect(x.conversations.find((c) => c.buyer === 'lily_0612')).toMatchObject({ active: false, waitingSec: 0 });
      expect(x.conversations.map((c) => c.buyer)).not.toContain('智能客服');

      // The send action reads the model: `.value = …` is lost, the native setter + input event is kept; Enter sends.
      const ta = doc.querySelector('textarea')!;
      const count = () => extractDouyin(doc).thread!.messages.length;
      ta.value = '直接赋值';
      ta.dispatchEvent(new Event('input', { bubbles: true }));
      ta.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      expect(count()).toBe(8);
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
      setter.call(ta, '亲，马上发');
      ta.dispatchEvent(new Event('input', { bubbles: true }));
      ta.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true }));
      expect(count()).toBe(8);
      ta.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      expect(extractDouyin(doc).thread!.messages.at(-1)).toMatchObject({ author: 'human', text: '亲，马上发' });

      // A draft left behind shows as "[草稿]…" in the row: not a buyer preview.
      setter.call(ta, '草稿内容');
      ta.dispatchEvent(new Event('input', { bubbles: true }));
      demo.open!('阿杰');
      const y = extractDouyin(doc);
      expect(y.thread!.buyer).toBe('阿杰');
      expect(y.conversations.find((c) => c.buyer === '小鹿同学')).toMatchObject({ active: false });
      expect(y.conversations.find((c) => c.buyer === '小鹿同学')!.preview).toBeUndefined();
      demo.open!('小鹿同学');
      expect(ta.value).toBe('草稿内容');
    } finally {
      vi.clearAllTimers();
      vi.useRealTimers();
      document.body.innerHTML = '';
    }
  });
});
