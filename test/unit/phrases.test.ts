// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { t } from './helpers/events';
import { fillPhrase, greeting } from '../../lib/phrases/fill';
import { STARTER_PHRASES } from '../../lib/phrases/starter';

describe('fillPhrase', () => {
  it('fills the buyer, agent, shop, greeting and date; leaves unknown variables alone', () => {
    const out = fillPhrase('{问候}，{买家昵称}！我是{客服名}（{店铺}），今天是{日期}。{未知}', {
      buyerNick: '小张',
      agentName: '阿美',
      shop: '演示店',
      now: t('09:30:00'),
    });
    expect(out).toBe('早上好，小张！我是阿美（演示店），今天是11月20日。{未知}');
    expect(fillPhrase('{买家昵称}好', { now: t('20:00:00') })).toBe('亲好');
  });

  it('greets by China local time', () => {
    expect([t('06:00:00'), t('12:00:00'), t('15:00:00'), t('22:00:00'), t('02:00:00')].map(greeting)).toEqual([
      '早上好',
      '中午好',
      '下午好',
      '晚上好',
      '晚上好',
    ]);
  });

  it('the starter pack has unique shortcuts and no empty phrase', () => {
    const shortcuts = STARTER_PHRASES.map((p) => p.shortcut).filter(Boolean);
    expect(new Set(shortcuts).size).toBe(shortcuts.length);
    for (const p of STARTER_PHRASES) expect(p.text.trim().length).toBeGreaterThan(4);
  });
});
