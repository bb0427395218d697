// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { readPopupData } from '../../components/popup/data';
import { Popup } from '../../components/popup/Popup';
import { usePopupStore } from '../../components/popup/store';
import type { ClockRow, RollupRow, UnitRow } from '../../lib/db/schema';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import { uiDb } from '../../lib/ui/db';

/**
 * The popup reads its own clock (Date.now) for countdowns and for "today": every test pins it to NOW, a fixed
 * morning in China, so what a test seeds and what the popup shows are about the same instant and the same China
 * day at any hour the suite runs (a run across China midnight included).
 */
const NOW = chinaTime('2026-11-27', 10, 30);
const TODAY = chinaDay(NOW);

function clock(buyer: string, extra: Partial<ClockRow>): ClockRow {
  return {
    key: `pdd|shop|${buyer}`,
    platform: 'pdd',
    account: 'shop',
    buyer,
    metric: 'pdd.manual3min',
    status: 'pending',
    startedAt: NOW - 30_000,
    dueAt: NOW + 150_000,
    alertAt: NOW + 90_000,
    waitingMessages: 1,
    lastMessageAt: NOW - 30_000,
    ...extra,
  };
}

function rollup(day: string, counts: Partial<RollupRow>): RollupRow {
  return {
    id: `pdd.manual3min|${day}|pdd|shop`,
    metric: 'pdd.manual3min',
    day,
    platform: 'pdd',
    account: 'shop',
    pass: 0,
    fail: 0,
    pending: 0,
    unknown: 0,
    notAssessed: 0,
    cappedSum: 0,
    cappedCount: 0,
    updatedAt: NOW,
    ...counts,
  };
}

beforeEach(async () => {
  vi.setSystemTime(NOW);
  fakeBrowser.reset();
  usePopupStore.setState({ section: 'queue' });
  await uiDb.open();
  await Promise.all(uiDb.tables.map((tb) => tb.clear()));
  await uiDb.settings.put({ key: 'language', value: 'zh_CN' });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

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
    expect(within(items[0]!).getByRole('timer').textContent).toMatch(/^超时 1:0\d$/);
    expect(within(items[1]!).getByRole('timer').textContent).toMatch(/^剩 0:[12]\d$/);
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
    expect(failed.textContent).toMatch(/老王 · 拼多多 · \d\d:\d\d · 晚了 1:10/);
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
