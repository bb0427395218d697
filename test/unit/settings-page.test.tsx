// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SettingsPage } from '../../components/SettingsPage';
import { uiDb } from '../../lib/ui/db';

afterEach(() => cleanup());

describe('the settings page: names used in phrases', () => {
  it('shows the agent name, shop name and nickname word, and saves them with the rest', async () => {
    fakeBrowser.reset();
    await uiDb.settings.clear();
    await uiDb.settings.put({ key: 'shopName', value: '演示旗舰店' });
    const sent: unknown[] = [];
    fakeBrowser.runtime.onMessage.addListener((msg) => {
      sent.push(msg);
      return Promise.resolve({ ok: true });
    });
    render(<SettingsPage />);
    const agent = await screen.findByLabelText(/客服名/);
    const shop = screen.getByLabelText(/店铺名/);
    const nick = screen.getByLabelText(/昵称被隐藏/);
    await waitFor(() => expect((shop as HTMLInputElement).value).toBe('演示旗舰店'));
    expect((nick as HTMLInputElement).value).toBe('亲');
    expect(agent.getAttribute('maxlength')).toBe('20');
    fireEvent.change(agent, { target: { value: '小美' } });
    fireEvent.change(nick, { target: { value: '亲爱的' } });
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({
      type: 'settings',
      patch: { agentName: '小美', shopName: '演示旗舰店', nickFallback: '亲爱的' },
    });
  });
});

describe('the settings page: the rule table', () => {
  for (const [language, want] of [
    [
      'zh_CN',
      {
        first: ['首条响应率（3分钟，新灯塔）', '买家当天首条询盘消息', '09:00–21:00'],
        per: ['平均每条响应率（3分钟，新灯塔）', '每条询盘消息', '3 分钟'],
        retired: '3分钟旺旺响应率（按轮次，旧口径）',
      },
    ],
    [
      'en',
      {
        first: ['First-message response rate (3 min, Lighthouse)', "buyer's first inquiry message of the day"],
        per: ['Per-message response rate (3 min, Lighthouse)', 'inquiry message', '09:00–21:00', '3 min'],
        retired: '3-min Wangwang response rate (by round, former definition)',
      },
    ],
  ] as const) {
    it(`shows 1688's two message rates, counted per message, and names the retired round metric (${language})`, async () => {
      fakeBrowser.reset();
      await uiDb.settings.clear();
      await uiDb.settings.put({ key: 'language', value: language });
      const { container } = render(<SettingsPage />);
      await waitFor(() => expect(container.querySelector('#rs-rules-retired')?.textContent).toContain(want.retired));
      const rows = [...container.querySelectorAll('table.rs-table tbody tr')].map((r) => r.textContent ?? '');
      const row = (label: string) => rows.filter((r) => r.includes(label));
      expect(row(want.first[0])).toHaveLength(1);
      for (const s of want.first) expect(row(want.first[0])[0]).toContain(s);
      expect(row(want.per[0])).toHaveLength(1);
      for (const s of want.per) expect(row(want.per[0])[0]).toContain(s);
      // The retired metric is not a rule in force: not in the table.
      expect(row(want.retired)).toEqual([]);
      expect(container.querySelectorAll('td[data-unit="round"]').length).toBeGreaterThan(0); // Taobao still rounds
      // Limits in minutes where whole, never "180 s"; sources in plain words, not research shorthand.
      expect(rows.join('')).not.toMatch(/单一来源|据称|未见官方原文|one source/);
      const limits = [...container.querySelectorAll('.rs-rule-limit [data-effective]')].map((e) => e.textContent);
      expect(limits.filter((l) => /\d{3} (s|秒)$/.test(l ?? ''))).toEqual([]);
    });
  }
});

describe('the settings page: the rule editor', () => {
  async function open(rows: { key: string; value: unknown }[] = []) {
    fakeBrowser.reset();
    await uiDb.settings.clear();
    for (const r of rows) await uiDb.settings.put(r);
    const sent: { type: string; patch?: Record<string, unknown>; rules?: unknown }[] = [];
    fakeBrowser.runtime.onMessage.addListener((msg) => {
      sent.push(msg as (typeof sent)[number]);
      return Promise.resolve({ ok: true });
    });
    const view = render(<SettingsPage />);
    const row = async (key: string) => {
      await waitFor(() => expect(view.container.querySelector(`tr[data-metric="${key}"]`)).not.toBeNull());
      return view.container.querySelector(`tr[data-metric="${key}"]`)!;
    };
    const input = (r: Element, name: string) => r.querySelector(`[name="${name}"]`) as HTMLInputElement;
    return { sent, row, input, view };
  }

  it('shows the rules in force: an override’s values, marked, with the default beside them', async () => {
    const { row } = await open([
      {
        key: 'ruleOverrides',
        value: { 'pdd.manual3min': { thresholdSec: 120, window: { startMin: 0, endMin: 1440 } } },
      },
    ]);
    const pdd = await row('pdd.manual3min');
    await waitFor(() => expect(pdd.querySelector('.rs-rule-limit [data-effective]')!.textContent).toBe('2 分钟'));
    expect(pdd.querySelector('.rs-rule-limit')!.textContent).toContain('已改 · 默认 3 分钟');
    expect(pdd.querySelector('.rs-rule-window [data-effective]')!.textContent).toBe('全天');
    expect(pdd.querySelector('.rs-rule-window')!.textContent).toContain('默认 08:00–23:00');
    // Not overridden: the default, unmarked; a limit under a minute in seconds.
    const jd = await row('jd.dd30s');
    expect(jd.querySelector('.rs-rule-limit [data-effective]')!.textContent).toBe('30 秒');
    expect(jd.textContent).not.toContain('已改');
  });

  it('editing a window saves that override, and only it', async () => {
    const { sent, row, input } = await open();
    const pdd = await row('pdd.manual3min');
    fireEvent.change(input(pdd, 'start-pdd.manual3min'), { target: { value: '09:30' } });
    fireEvent.change(input(pdd, 'end-pdd.manual3min'), { target: { value: '00:00' } });
    fireEvent.click(screen.getByRole('button', { name: '保存规则' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      type: 'settings',
      patch: {},
      rules: { 'pdd.manual3min': { thresholdSec: null, window: { startMin: 570, endMin: 1440 } } },
    });
  });

  it('a threshold in minutes or seconds saves as seconds; the same as the default saves nothing for it', async () => {
    const { sent, row, input } = await open();
    const tb = await row('taobao.ww3min');
    fireEvent.change(input(tb, 'limit-taobao.ww3min'), { target: { value: '2.5' } });
    const pdd = await row('pdd.manual3min');
    fireEvent.change(input(pdd, 'unit-pdd.manual3min'), { target: { value: 's' } });
    fireEvent.change(input(pdd, 'limit-pdd.manual3min'), { target: { value: '180' } });
    fireEvent.click(screen.getByRole('button', { name: '保存规则' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    // Only the touched metrics are sent; a value equal to the default drops the field (null).
    expect(sent[0]!.patch).toEqual({});
    expect(sent[0]!.rules).toEqual({
      'taobao.ww3min': { thresholdSec: 150, window: null },
      'pdd.manual3min': { thresholdSec: null, window: null },
    });
  });

  it('invalid input shows what is wrong, and nothing is sent', async () => {
    const { sent, row, input } = await open();
    const pdd = await row('pdd.manual3min');
    fireEvent.change(input(pdd, 'start-pdd.manual3min'), { target: { value: '23:00' } });
    expect(pdd.querySelector('[role="alert"]')!.textContent).toBe('开始和结束不能是同一时间');
    fireEvent.change(input(pdd, 'limit-pdd.manual3min'), { target: { value: '90' } });
    expect(pdd.querySelector('[role="alert"]')!.textContent).toContain('时限须在 1 秒到 60 分钟之间');
    expect(input(pdd, 'limit-pdd.manual3min').getAttribute('aria-invalid')).toBe('true');
    const jd = await row('jd.dd30s');
    fireEvent.change(input(jd, 'start-jd.dd30s'), { target: { value: '' } });
    expect(jd.querySelector('[role="alert"]')!.textContent).toBe('请按“时:分”填写，如 08:00');
    fireEvent.click(screen.getByRole('button', { name: '保存规则' }));
    await waitFor(() => expect(screen.getByText('未保存：请先改正标红的项。')).toBeTruthy());
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toEqual([]);
  });

  it('恢复默认 removes the override (other fields of it stay)', async () => {
    const { sent, row } = await open([
      {
        key: 'ruleOverrides',
        value: {
          'pdd.manual3min': { thresholdSec: 120 },
          'taobao.ww3min': { window: { startMin: 0, endMin: 1440 }, validReply: ['human', 'assist'] },
        },
      },
    ]);
    const pdd = await row('pdd.manual3min');
    await waitFor(() => expect(pdd.textContent).toContain('已改'));
    fireEvent.click(pdd.querySelector('button[data-reset="pdd.manual3min"]')!);
    const tb = await row('taobao.ww3min');
    fireEvent.click(tb.querySelector('button[data-reset="taobao.ww3min"]')!);
    fireEvent.click(screen.getByRole('button', { name: '保存规则' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    // Both reset: their limit and window fields dropped; the background keeps the other fields (validReply).
    expect(sent[0]!.rules).toEqual({
      'pdd.manual3min': { thresholdSec: null, window: null },
      'taobao.ww3min': { thresholdSec: null, window: null },
    });
  });
});

describe('the settings page: sounds and notifications', () => {
  it('shows the sound and notification options, plays a sample at the form volume, and saves them', async () => {
    fakeBrowser.reset();
    await uiDb.settings.clear();
    const sent: unknown[] = [];
    fakeBrowser.runtime.onMessage.addListener((msg) => {
      sent.push(msg);
      return Promise.resolve({ ok: true });
    });
    const played: { src: string; volume: number }[] = [];
    const realPlay = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      played.push({ src: this.src, volume: this.volume });
      return Promise.resolve();
    };
    try {
      render(<SettingsPage />);
      const newQ = (await screen.findByLabelText(/新问题/)) as HTMLInputElement;
      expect(newQ.checked).toBe(false); // off by default
      expect((screen.getByLabelText('即将超时') as HTMLInputElement).checked).toBe(true);
      expect((screen.getByLabelText(/每位买家单独通知/) as HTMLInputElement).checked).toBe(false);
      expect((screen.getByLabelText(/保留在屏幕上/) as HTMLInputElement).checked).toBe(true);
      const tabTitle = screen.getByLabelText(/标签页标题显示等待人数/) as HTMLInputElement;
      expect(tabTitle.checked).toBe(true); // on by default
      fireEvent.click(tabTitle);
      const from = screen.getByLabelText('开始') as HTMLInputElement;
      expect(from.disabled).toBe(true);
      fireEvent.change(screen.getByLabelText(/^音量/), { target: { value: '40' } });
      fireEvent.click(newQ);
      fireEvent.click(screen.getByLabelText(/免打扰时段/));
      fireEvent.change(from, { target: { value: '22:30' } });
      fireEvent.click(screen.getAllByRole('button', { name: '试听' })[2]!);
      expect(played).toEqual([{ src: expect.stringMatching(/\/sounds\/breach\.wav$/), volume: 0.4 }]);
      fireEvent.click(screen.getByRole('button', { name: '保存' }));
      await waitFor(() => expect(sent).toHaveLength(1));
      expect(sent[0]).toMatchObject({
        type: 'settings',
        patch: {
          soundVolume: 40,
          soundNew: true,
          soundSoon: true,
          soundBreach: true,
          perBuyerNotices: false,
          breachStays: true,
          tabTitle: false,
          quietHours: { on: true, startMin: 22 * 60 + 30, endMin: 8 * 60 },
        },
      });
    } finally {
      HTMLMediaElement.prototype.play = realPlay;
    }
  });
});

describe('the settings page: the alert lead in the rule editor', () => {
  async function open(rows: { key: string; value: unknown }[] = []) {
    fakeBrowser.reset();
    await uiDb.settings.clear();
    for (const r of rows) await uiDb.settings.put(r);
    const sent: { type: string; patch?: Record<string, unknown>; rules?: unknown }[] = [];
    fakeBrowser.runtime.onMessage.addListener((msg) => {
      sent.push(msg as (typeof sent)[number]);
      return Promise.resolve({ ok: true });
    });
    const view = render(<SettingsPage />);
    const lead = () => view.container.querySelector('input[name="alertLead"]') as HTMLInputElement;
    const unit = () => view.container.querySelector('select[name="alertLeadUnit"]') as HTMLSelectElement;
    return { sent, lead, unit, view };
  }

  it('shows the lead in minutes when whole, in seconds otherwise, and saves it in seconds', async () => {
    const { sent, lead, unit } = await open([{ key: 'alertLeadSec', value: 45 }]);
    await waitFor(() => expect(lead().value).toBe('45'));
    expect(unit().value).toBe('s');
    fireEvent.change(unit(), { target: { value: 'min' } });
    fireEvent.change(lead(), { target: { value: '1.5' } });
    fireEvent.click(screen.getByRole('button', { name: '保存规则' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ type: 'settings', patch: { alertLeadSec: 90 }, rules: {} });
  });

  it('the default 60 s shows as 1 minute; an invalid lead shows an error beside it and nothing is sent', async () => {
    const { sent, lead, unit, view } = await open();
    await waitFor(() => expect(lead().value).toBe('1'));
    expect(unit().value).toBe('min');
    for (const bad of ['11', '-1', '', '0.01']) {
      fireEvent.change(lead(), { target: { value: bad } });
      expect(lead().getAttribute('aria-invalid')).toBe('true');
      expect(view.container.querySelector('#rs-lead-err')!.textContent).toBe(
        '提前提醒须在 0 到 10 分钟之间（秒数须为整数）',
      );
    }
    fireEvent.click(screen.getByRole('button', { name: '保存规则' }));
    await waitFor(() => expect(screen.getByText('未保存：请先改正标红的项。')).toBeTruthy());
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toEqual([]);
    // 0 is valid: no early alert.
    fireEvent.change(lead(), { target: { value: '0' } });
    expect(view.container.querySelector('#rs-lead-err')).toBeNull();
  });
});
