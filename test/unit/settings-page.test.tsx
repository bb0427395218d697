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
        per: ['平均每条响应率（3分钟，新灯塔）', '每条询盘消息', '180 s'],
        retired: '3分钟旺旺响应率（按轮次，旧口径）',
      },
    ],
    [
      'en',
      {
        first: ['First-message response rate (3 min, Lighthouse)', "buyer's first inquiry message of the day"],
        per: ['Per-message response rate (3 min, Lighthouse)', 'inquiry message', '09:00–21:00'],
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
    });
  }
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
