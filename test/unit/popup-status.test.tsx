// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BackgroundStatus } from '../../components/popup/BackgroundStatus';
import type { TabRow } from '../../lib/model';
import { catalogTranslate } from '../../lib/i18n';

const NOW = 1_790_000_000_000;
const t = catalogTranslate('zh_CN');
const tab = (extra: Partial<TabRow>): TabRow => ({
  tabId: 7,
  platform: 'pdd',
  account: '演示旗舰店',
  url: 'https://mms.pinduoduo.com/',
  health: 'watching',
  lastSeen: NOW,
  ...extra,
});

beforeEach(() => fakeBrowser.reset());
afterEach(() => cleanup());

describe('the popup says when the background is degraded', () => {
  it('shows a failed start and settings that were reset', async () => {
    const send = vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue({
      ok: true,
      startError: 'QuotaExceededError',
      settingsReset: [{ key: 'ruleOverrides', error: 'pdd.manual3min.window: window must be an object' }],
    } as never);
    render(<BackgroundStatus tabs={[]} now={NOW} t={t} />);
    expect((await screen.findByText(/后台出错/)).textContent).toContain('QuotaExceededError');
    expect((await screen.findByText(/已恢复默认/)).textContent).toContain('ruleOverrides');
    expect(send).toHaveBeenCalledWith({ type: 'status' });
  });

  it('shows nothing when all is well, and names a tab whose messages were refused for sending too much', async () => {
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue({
      ok: true,
      startError: null,
      settingsReset: [],
    } as never);
    const { rerender } = render(<BackgroundStatus tabs={[tab({})]} now={NOW} t={t} />);
    await Promise.resolve();
    expect(screen.queryAllByRole('alert')).toHaveLength(0);
    rerender(
      <BackgroundStatus
        tabs={[tab({ dropped: { messages: 3, events: 4000, at: NOW - 1000 } }), tab({ tabId: 8 })]}
        now={NOW}
        t={t}
      />,
    );
    const alerts = screen.getAllByRole('alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.textContent).toContain('演示旗舰店');
    expect(alerts[0]!.textContent).toContain('已忽略 3 条消息（含 4000 条聊天记录）');
    // An old refusal is not shown forever.
    rerender(
      <BackgroundStatus
        tabs={[tab({ dropped: { messages: 3, events: 4000, at: NOW - 3_600_000 } })]}
        now={NOW}
        t={t}
      />,
    );
    expect(screen.queryAllByRole('alert')).toHaveLength(0);
  });
});
