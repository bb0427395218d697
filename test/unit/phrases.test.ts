// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { t } from './helpers/events';
import { fillPhrase, greeting, isMaskedNick } from '../../lib/phrases/fill';
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

  it("fills {客服名} and {店铺名} from the settings; the page's shop when no shop name is set", () => {
    const now = t('15:00:00');
    const text = '我是{客服名}，欢迎光临{店铺名}（{店铺}）';
    expect(fillPhrase(text, { now, agentName: '小美', shopName: '演示旗舰店', shop: '页面店' })).toBe(
      '我是小美，欢迎光临演示旗舰店（演示旗舰店）',
    );
    expect(fillPhrase(text, { now, agentName: '', shopName: '', shop: '页面店' })).toBe(
      '我是客服，欢迎光临页面店（页面店）',
    );
    // Nothing known: generic words, never a literal {店铺名} sent to a buyer.
    expect(fillPhrase(text, { now })).toBe('我是客服，欢迎光临本店（本店）');
  });

  it('a masked nickname (S*******n, 王***, ＊) falls back to the chosen word instead of the mask', () => {
    for (const nick of ['S*******n', '王***', '王*', 't**1', '李＊＊', '＊＊＊', '  '])
      expect(fillPhrase('{买家昵称}，您好', { now: 0, buyerNick: nick, nickFallback: '亲爱的' }), nick).toBe(
        '亲爱的，您好',
      );
    expect(fillPhrase('{买家昵称}，您好', { now: 0, buyerNick: '王**' })).toBe('亲，您好');
    expect(fillPhrase('{买家昵称}，您好', { now: 0, nickFallback: '' })).toBe('，您好');
    // Real nicknames stay, even with one star somewhere inside a longer name.
    for (const nick of ['小张', 'Sam', '☆星星☆', 'abc*defgh'])
      expect(fillPhrase('{买家昵称}', { now: 0, buyerNick: nick, nickFallback: '亲' })).toBe(nick);
    expect(['S*******n', '王***', '王*'].every(isMaskedNick)).toBe(true);
    expect(isMaskedNick('小张')).toBe(false);
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
