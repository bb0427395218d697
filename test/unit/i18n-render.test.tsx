// @vitest-environment jsdom
/**
 * Key UI rendered in each language shows nothing of the other one: the popup, the settings page and the in-page
 * palette (with its fill-in form). English pages carry no Chinese character at all (the seeded page text is ASCII);
 * Chinese pages none of the English catalog's phrases.
 */
import 'fake-indexeddb/auto';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SettingsPage } from '../../components/SettingsPage';
import { Popup } from '../../components/popup/Popup';
import { Palette } from '../../lib/content/palette';
import { createPaletteView } from '../../lib/content/palette-view';
import { chinaTime } from '../../lib/engine/time';
import { CATALOGS, LANGS, type Lang } from '../../lib/i18n';
import { setContentLang } from '../../lib/i18n/content';
import type { ClockRow } from '../../lib/model';
import { uiDb } from '../../lib/ui/db';
import { freshUiPage, uiClock } from './helpers/ui-page';

const NOW = chinaTime('2026-11-27', 10, 30);
const CJK = /[\u3400-\u9fff]/;
/**
 * Chinese allowed in English pages, quoted as the person sees it elsewhere: a language's own name in the language
 * picker, the phrase variables' names ({客服名}: the phrases' syntax), default words quoted as they are inserted
 * (“客服”), a masked nickname as platforms show it (王***), and a platform feature's own name on the seller's
 * screen (店小蜜).
 */
const QUOTED = [/简体中文/g, /\{[^{}]*\}/g, /“[^“”]*”/g, /王\*+/g, /店小蜜/g];

/** Everything a person can read or hear: text, and the attributes read out or shown. */
function readable(root: ParentNode): string {
  const parts: string[] = [];
  const walk = (n: Node) => {
    if (n.nodeType === Node.TEXT_NODE && n.parentElement?.tagName !== 'STYLE') parts.push(n.textContent ?? '');
    if (n instanceof Element) {
      for (const a of ['title', 'placeholder', 'aria-label', 'alt']) {
        const v = n.getAttribute(a);
        if (v) parts.push(v);
      }
      if (n.shadowRoot) walk(n.shadowRoot);
    }
    n.childNodes.forEach(walk);
  };
  walk(root as Node);
  return parts.join('\n');
}

/** The English catalog's literal phrases long enough to be unmistakable, not also in the Chinese catalog. */
const englishPhrases = (() => {
  const zh = Object.values(CATALOGS.zh_CN).join('\n');
  const out = new Set<string>();
  for (const v of Object.values(CATALOGS.en))
    for (const part of v.split(/\{\{[^}]*\}\}/)) {
      const p = part.trim();
      if (p.length >= 8 && /[a-z]{3}/.test(p) && !zh.includes(p)) out.add(p);
    }
  return [...out];
})();

function otherLanguageIn(text: string, lang: Lang): string[] {
  if (lang === 'en') {
    let rest = text;
    for (const q of QUOTED) rest = rest.replace(q, '');
    return rest.split('\n').filter((l) => CJK.test(l));
  }
  return englishPhrases.filter((p) => text.includes(p));
}

const clock = (buyer: string, extra: Partial<ClockRow>) => uiClock(NOW, buyer, { waitingMessages: 2, ...extra });

freshUiPage(NOW);

describe.each(LANGS)('everything in one language: %s', (lang) => {
  const seed = async () => {
    await uiDb.settings.put({ key: 'language', value: lang });
    await uiDb.clocks.bulkPut([
      clock('calm', { buyerNick: 'calm-buyer', dueAt: NOW + 150_000 }),
      clock('late', { buyerNick: 'late-buyer', status: 'breached', dueAt: NOW - 65_000 }),
      clock('night', { buyerNick: 'night-buyer', status: 'notAssessed', dueAt: null }),
    ]);
    await uiDb.tabs.put({
      tabId: 3,
      platform: 'pdd',
      account: 'shop',
      url: 'https://mms.pinduoduo.com/chat-merchant/',
      health: 'noList',
      lastSeen: Date.now(),
    });
  };

  it('the popup (queue, tab health, every section)', async () => {
    await seed();
    render(<Popup />);
    await screen.findAllByRole('button', { name: /calm-buyer/ }, { timeout: 5000 });
    const seen = [readable(document.body)];
    for (const tab of screen.getAllByRole('tab')) {
      tab.click();
      await new Promise((r) => setTimeout(r, 50));
      seen.push(readable(document.body));
    }
    const text = seen.join('\n');
    expect(text.length).toBeGreaterThan(50);
    expect(otherLanguageIn(text, lang)).toEqual([]);
    // …and it is in the chosen one.
    expect(CJK.test(text)).toBe(lang === 'zh_CN');
  });

  it('the settings page', async () => {
    await seed();
    render(<SettingsPage />);
    // The language arrives with the page's deferred query: wait for the chosen one (a busy machine takes a while).
    await screen.findByRole('button', { name: CATALOGS[lang].optSave }, { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    const text = readable(document.body);
    expect(otherLanguageIn(text, lang)).toEqual([]);
    expect(text).toContain(CATALOGS[lang].optSave);
  });

  it('the in-page palette and its fill-in form', async () => {
    setContentLang(lang);
    const input = document.createElement('textarea');
    document.body.append(input);
    const phrases = [
      { id: 1, text: 'order {?order-no} ok', group: 'g', tags: [], shortcut: '/o', usage: 0, updatedAt: 1 },
    ];
    const p = new Palette({
      doc: document,
      platform: 'pdd',
      input: () => input,
      send: async (msg) => ((msg as { type: string }).type === 'phrases' ? { ok: true, phrases } : { ok: true }),
      context: () => ({ question: 'where is it' }),
      now: () => NOW,
      loadView: () => createPaletteView,
    });
    try {
      p.start();
      input.focus();
      await p.open();
      const list = readable(document.body);
      expect(list).toContain(CATALOGS[lang].palKeys);
      expect(otherLanguageIn(list, lang)).toEqual([]);
      await p.open(phrases[0]);
      const form = readable(document.body);
      expect(form).toContain(CATALOGS[lang].palFillKeys);
      expect(otherLanguageIn(form, lang)).toEqual([]);
    } finally {
      p.stop();
    }
  });
});
