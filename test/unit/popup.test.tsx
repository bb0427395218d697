// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { readPopupData } from '../../components/popup/data';
import { Popup } from '../../components/popup/Popup';
import type { ClockRow, RollupRow, TabRow, UnitRow } from '../../lib/model';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import { uiDb } from '../../lib/ui/db';
import { freshUiPage, uiClock } from './helpers/ui-page';
import { rollupRow } from './helpers/rollups';

/**
 * The popup reads its own clock (Date.now) for countdowns and for "today": every test pins it to NOW, a fixed
 * morning in China, so what a test seeds and what the popup shows are about the same instant and the same China
 * day at any hour the suite runs (a run across China midnight included).
 */
const NOW = chinaTime('2026-11-27', 10, 30);
const TODAY = chinaDay(NOW);

const clock = (buyer: string, extra: Partial<ClockRow>) => uiClock(NOW, buyer, extra);

const rollup = (day: string, counts: Partial<RollupRow>) =>
  rollupRow('pdd.manual3min', day, { updatedAt: NOW, ...counts });

freshUiPage(NOW, () => uiDb.settings.put({ key: 'language', value: 'zh_CN' }));

describe('Popup', () => {
  it('lists waiting buyers by urgency with their countdowns, breached first', async () => {
    await uiDb.clocks.bulkPut([
      clock('calm', { buyerNick: '慢慢', dueAt: NOW + 150_000 }),
      clock('late', { buyerNick: '超时了', status: 'breached', dueAt: NOW - 65_000 }),
      clock('soon', {
        buyerNick: '很急',
        dueAt: NOW + 20_000,
        waitingMessages: 3,
        lastText: '<img src=x onerror=alert(1)>在吗',
      }),
      clock('done', { buyerNick: '已回复', status: 'answered', dueAt: null }),
      clock('ancient', { buyerNick: '昨天的', status: 'breached', dueAt: NOW - 13 * 3600_000 }),
      clock('night', { buyerNick: '夜里问的', status: 'notAssessed', dueAt: null, startedAt: NOW - 60_000 }),
      clock('oldnight', { buyerNick: '前天夜里', status: 'notAssessed', dueAt: null, startedAt: NOW - 13 * 3600_000 }),
    ]);
    render(<Popup />);
    const items = await screen.findAllByRole('button', { name: /慢慢|超时了|很急/ });
    expect(items.map((b) => b.querySelector('.who')?.textContent)).toEqual(['超时了', '很急', '慢慢']);
    expect(within(items[0]!).getByRole('timer').textContent).toMatch(/^超时 1 分( \d 秒)?$/);
    expect(within(items[1]!).getByRole('timer').textContent).toMatch(/^剩 [12]\d 秒$/);
    expect(items[1]!.textContent).toContain('3 条未回复');
    // Page text is rendered as text, never as HTML.
    expect(items[1]!.querySelector('img')).toBeNull();
    expect(items[1]!.textContent).toContain('<img src=x onerror=alert(1)>在吗');
    expect(screen.queryByText('已回复')).toBeNull();
    expect(screen.queryByText('昨天的')).toBeNull(); // a breach more than 12 hours old has left the queue
    expect(screen.queryByText('前天夜里')).toBeNull();
    expect(within(screen.getByRole('button', { name: /夜里问的/ })).getByRole('timer').textContent).toBe(
      '不在考核时段',
    );
    expect(screen.getByRole('tab', { name: '等待队列 (4)' }).getAttribute('aria-selected')).toBe('true');
  });

  it('page text (nick, shop, preview, account) is isolated in <bdi> without its bidi and zero-width controls', async () => {
    const RLO = '\u202E';
    await uiDb.clocks.bulkPut([
      clock('evil', { buyerNick: `evil${RLO}gnp.exe`, shop: `店${RLO}铺\u200B`, lastText: `\u2067在吗${RLO}?` }),
      clock('gone', { buyerNick: `late${RLO}r`, status: 'breached', dueAt: NOW - 65_000 }),
    ]);
    await uiDb.tabs.put({
      tabId: 3,
      platform: 'pdd',
      account: `shop${RLO}main`,
      url: 'https://mms.pinduoduo.com/chat-merchant/',
      health: 'noList',
      lastSeen: Date.now(),
    });
    render(<Popup />);
    const item = await screen.findByRole('button', { name: /evilgnp\.exe/ });
    const who = item.querySelector('.who bdi')!;
    expect(who.textContent).toBe('evilgnp.exe');
    expect(who.getAttribute('dir')).toBe('auto');
    expect([...item.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual(['evilgnp.exe', '店铺', '在吗?']);
    expect((await screen.findByRole('alert')).querySelector('bdi')!.textContent).toBe('shopmain');
    expect(document.body.textContent).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B]/);

    // Today's failed buyers (the compliance tab) too.
    await uiDb.units.put({
      id: `pdd.manual3min|pdd|shop|x|${TODAY}`,
      metric: 'pdd.manual3min',
      platform: 'pdd',
      account: 'shop',
      buyer: 'x',
      buyerNick: `fail${RLO}ed`,
      conv: 'pdd|shop|x',
      day: TODAY,
      startAt: NOW - 600_000,
      dueAt: NOW - 420_000,
      replyAt: null,
      responseSec: null,
      cappedSec: null,
      result: 'fail',
      rulesVersion: 'test',
    });
    await uiDb.rollups.put(rollup(TODAY, { fail: 1 }));
    fireEvent.click(screen.getByRole('tab', { name: '今日达标' }));
    const failed = await screen.findByText('failed', { selector: '.rs-failed bdi' });
    expect(failed.closest('li')!.textContent).not.toContain(RLO);
  });

  it('marks waits that started before watching and breaches seen late; a shop the page did not show is “未识别店铺”', async () => {
    const tabShop = '?tab3.abc';
    await uiDb.clocks.bulkPut([
      clock('backlog', {
        buyerNick: '积压的',
        status: 'breached',
        dueAt: NOW - 23_000,
        startedBeforeWatching: true,
        seenLate: true,
      }),
      clock('early', {
        buyerNick: '先问的',
        startedBeforeWatching: true,
        account: tabShop,
        key: `pdd|${tabShop}|early`,
      }),
      clock('live', { buyerNick: '刚问的' }),
    ]);
    await uiDb.tabs.put({
      tabId: 3,
      platform: 'pdd',
      account: tabShop,
      url: 'https://mms.pinduoduo.com/chat-merchant/',
      health: 'watching',
      lastSeen: Date.now(),
    });
    render(<Popup />);
    const items = await screen.findAllByRole('button', { name: /积压的|先问的|刚问的/ });
    expect(items.map((b) => b.querySelector('.who')?.textContent)).toEqual(['积压的', '先问的', '刚问的']);
    expect(items[0]!.textContent).toContain('开始于打开页面之前');
    expect(items[0]!.textContent).toContain('发现时已超时');
    expect(within(items[0]!).getByRole('timer').textContent).toMatch(/^超时 2\d 秒$/);
    expect(items[1]!.textContent).toContain('开始于打开页面之前');
    expect(items[1]!.textContent).toContain('未识别店铺');
    expect(items[1]!.textContent).not.toContain(tabShop);
    expect(items[2]!.textContent).not.toContain('开始于打开页面之前');
    expect(items[2]!.textContent).not.toContain('发现时已超时');
    expect(screen.getByLabelText('工作台标签页').textContent).toContain('拼多多 · 未识别店铺 · ');
    cleanup();
    await uiDb.settings.put({ key: 'language', value: 'en' });
    render(<Popup />);
    const [first] = await screen.findAllByRole('button', { name: /积压的/ });
    expect(first!.textContent).toContain('started before watching');
    expect(first!.textContent).toContain('seen late');
    expect((await screen.findByLabelText('Workbench tabs')).textContent).toContain('Unrecognised shop');
  });

  it('opens with the data read before the first render, then follows the database live', async () => {
    await uiDb.clocks.put(clock('first', { buyerNick: '先到的' }));
    const initial = await readPopupData(NOW);
    render(<Popup initial={initial} />);
    // On the very first render, before any query has run.
    expect(screen.getByRole('button', { name: /先到的/ })).toBeTruthy();
    await uiDb.clocks.put(clock('second', { buyerNick: '后到的', dueAt: NOW + 60_000 }));
    expect(await screen.findByRole('button', { name: /后到的/ })).toBeTruthy();
    expect(screen.getByRole('tab', { name: '等待队列 (2)' })).toBeTruthy();
  });

  it('a first read still running at the first render is waited for, then shown, then the database followed', async () => {
    await uiDb.clocks.put(clock('first', { buyerNick: '先到的' }));
    const initial = await readPopupData(NOW);
    let arrive!: (d: typeof initial | undefined) => void;
    render(<Popup later={new Promise((r) => (arrive = r))} />);
    // Meanwhile no deferred query runs: what the database holds does not show before the read is in.
    await uiDb.clocks.put(clock('second', { buyerNick: '后到的', dueAt: NOW + 60_000 }));
    await new Promise((r) => setTimeout(r, 300));
    expect(screen.queryByRole('button', { name: /先到的|后到的/ })).toBeNull();
    // It says it is reading, not that no workbench is open (nor a queue of 0).
    expect(screen.getByText('正在读取数据…')).toBeTruthy();
    expect(screen.queryByText(/还没有|没有打开/)).toBeNull();
    expect(screen.getByRole('tab', { name: '等待队列' })).toBeTruthy();
    arrive(initial);
    expect(await screen.findByRole('button', { name: /先到的/ })).toBeTruthy();
    expect(screen.getByRole('tab', { name: '等待队列 (1)' })).toBeTruthy();
    // Then the deferred query follows the database.
    expect(await screen.findByRole('button', { name: /后到的/ })).toBeTruthy();
    expect(screen.getByRole('tab', { name: '等待队列 (2)' })).toBeTruthy();
    cleanup();
    // A read that failed: the deferred query reads it all.
    render(<Popup later={Promise.resolve(undefined)} />);
    expect(await screen.findByRole('button', { name: /后到的/ })).toBeTruthy();
    expect(screen.getByRole('tab', { name: '等待队列 (2)' })).toBeTruthy();
  });

  it('clicking a queued buyer asks the background to focus that workbench', async () => {
    await uiDb.clocks.put(clock('b1', { buyerNick: '小张' }));
    const send = vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(undefined as never);
    render(<Popup />);
    fireEvent.click(await screen.findByRole('button', { name: /小张/ }));
    expect(send).toHaveBeenCalledWith({ type: 'focus', conv: 'pdd|shop|b1' });
  });

  it('says when no workbench is open, and shows a blind tab loudly', async () => {
    const { unmount } = render(<Popup />);
    expect(await screen.findByText(/还没有打开任何客服工作台/)).toBeTruthy();
    unmount();
    await uiDb.tabs.put({
      tabId: 3,
      platform: 'pdd',
      account: 'shop',
      url: 'https://mms.pinduoduo.com/chat-merchant/',
      health: 'noList',
      lastSeen: NOW,
    });
    render(<Popup />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('看不到聊天列表');
  });

  it('says which part each blind tab is missing, Chinese first and English', async () => {
    const tab = (tabId: number, platform: TabRow['platform'], health: TabRow['health'], parts?: TabRow['parts']) =>
      ({
        tabId,
        platform,
        account: `shop${tabId}`,
        url: 'https://example.com/',
        health,
        ...(parts && { parts }),
        lastSeen: Date.now(),
      }) satisfies TabRow;
    const ok = { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' } as const;
    await uiDb.tabs.bulkPut([
      tab(1, 'pdd', 'watching', ok),
      tab(2, 'pdd', 'noThread', { ...ok, thread: 'missing' }),
      tab(3, 'douyin', 'noList', { ...ok, list: 'missing', input: 'missing' }),
      tab(4, 'jd', 'noAccount', { ...ok, account: 'missing' }),
      tab(5, 'kuaishou', 'loggedOut', { list: 'missing', thread: 'none', input: 'none', account: 'ok' }),
      tab(6, 'taobao', 'noInput'), // stored before parts existed
    ]);
    const { unmount } = render(<Popup />);
    await vi.waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(5));
    const line = (id: number) => screen.getByText(`shop${id}`).closest('li')!.textContent;
    expect(line(1)).toContain('正在监测');
    expect(line(2)).toContain('看不到聊天记录');
    expect(line(3)).toContain('看不到会话列表、看不到输入框');
    expect(line(4)).toContain('认不出登录账号');
    expect(line(5)).toContain('未登录');
    expect(line(6)).toContain('看不到输入框');
    unmount();
    await uiDb.settings.put({ key: 'language', value: 'en' });
    render(<Popup />);
    await vi.waitFor(() => expect(line(2)).toContain("can't see the chat history"));
    expect(line(3)).toContain("can't see the conversation list, can't see the input box");
    expect(line(4)).toContain("can't recognise the logged-in account");
  });

  it('shows today’s live estimate and the previous day, with the counts behind the rates', async () => {
    const yesterday = chinaDay(NOW - 86_400_000);
    await uiDb.rollups.bulkPut([
      rollup(TODAY, { pass: 3, fail: 1, pending: 2 }),
      rollup(yesterday, { pass: 2, fail: 3 }),
    ]);
    await uiDb.units.put({
      id: 'u1',
      metric: 'pdd.manual3min',
      platform: 'pdd',
      account: 'shop',
      buyer: 'b9',
      conv: 'pdd|shop|b9',
      buyerNick: '老王',
      day: TODAY,
      startAt: NOW - 3600_000,
      dueAt: NOW - 3600_000 + 180_000,
      replyAt: NOW - 3600_000 + 250_000,
      responseSec: 250,
      cappedSec: null,
      result: 'fail',
      rulesVersion: 'x',
    } satisfies UnitRow);
    render(<Popup />);
    fireEvent.click(screen.getByRole('tab', { name: '今日达标' }));
    const metric = await screen.findByText('3分钟人工回复率');
    const box = metric.closest('[data-metric]') as HTMLElement;
    await vi.waitFor(() => expect(box.textContent).toContain('75.0%'));
    expect(box.textContent).toContain('达标 3 · 未达标 1');
    expect(box.textContent).toContain('待定 2 · 未知 0');
    expect(box.textContent).toMatch(/前一日：40\.0%/);
    expect(box.querySelector('.warn')?.textContent).toContain('40.0%');
    const failed = (await screen.findByText('今日未达标')).closest('article')!;
    expect(failed.textContent).toMatch(/老王 · 拼多多 · \d\d:\d\d · 晚了 1 分 10 秒/);
  });

  it('ticks the countdown locally every second', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, now: NOW });
    try {
      await uiDb.clocks.put(clock('b1', { buyerNick: '小张', dueAt: NOW + 100_000 }));
      render(<Popup />);
      const timer = await screen.findByRole('timer');
      const before = timer.textContent;
      await act(async () => {
        await vi.advanceTimersByTimeAsync(3000);
      });
      expect(timer.textContent).not.toBe(before);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Popup: outside assessed hours', () => {
  it('says which watched platform is outside its hours (from the rules), in both languages, and nothing inside them', async () => {
    const night = chinaTime('2026-11-27', 23, 30);
    vi.setSystemTime(night);
    await uiDb.tabs.put({
      tabId: 3,
      platform: 'pdd',
      account: 'shop',
      url: 'https://mms.pinduoduo.com/chat-merchant/',
      health: 'watching',
      lastSeen: night,
    });
    const { unmount } = render(<Popup />);
    expect((await screen.findByRole('note')).textContent).toBe('不在考核时段（拼多多 08:00–23:00）');
    unmount();
    await uiDb.settings.put({ key: 'language', value: 'en' });
    const second = render(<Popup />);
    expect((await screen.findByRole('note')).textContent).toBe('Outside assessed hours (Pinduoduo 08:00–23:00)');
    second.unmount();
    vi.setSystemTime(NOW);
    await uiDb.tabs.put({
      tabId: 3,
      platform: 'pdd',
      account: 'shop',
      url: 'https://mms.pinduoduo.com/chat-merchant/',
      health: 'watching',
      lastSeen: NOW,
    });
    render(<Popup />);
    await screen.findByLabelText(/^(工作台标签页|Workbench tabs)$/);
    expect(screen.queryByRole('note')).toBeNull();
  });
});
