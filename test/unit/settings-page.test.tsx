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
