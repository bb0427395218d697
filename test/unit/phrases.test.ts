// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { insertText } from '../../lib/content/insert';
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

describe('insertText (fallback strategies; execCommand is exercised in Chromium e2e)', () => {
  it('textarea: inserts at the caret, keeps the typed text, fires input for the framework, never Enter', () => {
    document.body.innerHTML = '<textarea id="t"></textarea>';
    const ta = document.getElementById('t') as HTMLTextAreaElement;
    const seen: string[] = [];
    ta.addEventListener('input', () => seen.push(ta.value));
    ta.addEventListener('keydown', () => seen.push('KEYDOWN'));
    ta.value = '您好，';
    ta.focus();
    ta.setSelectionRange(3, 3);
    const r = insertText(ta, '第一行\n第二行');
    expect(r).toEqual({ ok: true, strategy: 'nativeSetter' });
    expect(ta.value).toBe('您好，第一行\n第二行');
    expect(seen).toEqual(['您好，第一行\n第二行']);
    expect(ta.selectionStart).toBe(ta.value.length);
  });

  it('contenteditable: falls back to a paste event the editor handles', () => {
    document.body.innerHTML = '<div class="ql-editor" contenteditable="true"><p>已有</p></div>';
    const ed = document.querySelector('.ql-editor') as HTMLElement;
    ed.addEventListener('paste', (e) => {
      e.preventDefault();
      ed.lastElementChild!.append((e as ClipboardEvent).clipboardData!.getData('text/plain'));
    });
    expect(insertText(ed.parentElement!, '新增')).toEqual({ ok: true, strategy: 'paste' });
    expect(ed.textContent).toBe('已有新增');
  });

  it('says so when nothing editable is there or the editor ignores the text', () => {
    document.body.innerHTML = '<div id="x">只读</div><div id="y" contenteditable="true"></div>';
    expect(insertText(document.getElementById('x')!, 'a')).toEqual({ ok: false, error: 'no editable input' });
    expect(insertText(document.getElementById('y')!, 'a')).toEqual({
      ok: false,
      error: 'the editor did not take the text',
    });
  });
});
