import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import zhChrome from '../../public/_locales/zh_CN/messages.json';
import enChrome from '../../public/_locales/en/messages.json';
import { spokenDuration } from '../../lib/duration';
import { CONTENT_CATALOGS, contentTranslate } from '../../lib/i18n/content';
import {
  CATALOGS,
  LANGS,
  LOCALE_TAG,
  NAMESPACES,
  PLURAL_FORMS,
  catalogTranslate,
  liveTranslator,
  pick,
  resolveLang,
  type Lang,
} from '../../lib/i18n';
const ROOT = join(__dirname, '..', '..');

const PLURAL = new RegExp(`_(${PLURAL_FORMS.join('|')})$`);
const base = (k: string) => k.replace(PLURAL, '');
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)].map((m) => m[1]!).sort();

describe('catalogs', () => {
  it('every key is in every language, with every plural form the language needs', () => {
    for (const ns of ['content', 'palette', 'ui'] as const) {
      const keys = (l: Lang) => new Set(Object.keys(NAMESPACES[l][ns]).map(base));
      const [zh, en] = [keys('zh_CN'), keys('en')];
      expect(
        [...zh].filter((k) => !en.has(k)),
        `${ns}: only in Chinese`,
      ).toEqual([]);
      expect(
        [...en].filter((k) => !zh.has(k)),
        `${ns}: only in English`,
      ).toEqual([]);
      for (const lang of LANGS) {
        const cat: Record<string, string> = NAMESPACES[lang][ns];
        const needed = new Intl.PluralRules(LOCALE_TAG[lang]).resolvedOptions().pluralCategories;
        for (const k of new Set(
          Object.keys(cat)
            .filter((x) => PLURAL.test(x))
            .map(base),
        )) {
          for (const form of needed) expect(cat[`${k}_${form}`], `${lang} ${k}_${form}`).toBeTypeOf('string');
          expect(cat[k], `${lang} ${k}: plural and plain at once`).toBeUndefined();
        }
      }
    }
  });

  it('a key is in one namespace only, no message is empty, and both languages have the same placeholders', () => {
    for (const lang of LANGS) {
      const names = (ns: keyof (typeof NAMESPACES)[Lang]) => Object.keys(NAMESPACES[lang][ns]).map(base);
      const [content, palette, ui] = [names('content'), names('palette'), names('ui')];
      expect(content.filter((k) => ui.includes(k) || palette.includes(k))).toEqual([]);
      expect(palette.filter((k) => ui.includes(k))).toEqual([]);
      for (const [k, v] of Object.entries(CATALOGS[lang])) expect(v.trim(), `${lang} ${k}`).not.toBe('');
    }
    const byBase = (lang: Lang) => {
      const out = new Map<string, Set<string>>();
      for (const [k, v] of Object.entries(CATALOGS[lang]))
        for (const p of placeholders(v)) out.set(base(k), (out.get(base(k)) ?? new Set()).add(p));
      return out;
    };
    const [zh, en] = [byBase('zh_CN'), byBase('en')];
    for (const [k, ps] of zh) expect([...(en.get(k) ?? [])].sort(), k).toEqual([...ps].sort());
    for (const [k] of en) expect(zh.has(k), k).toBe(true);
  });

  it("keeps Chrome's own locale files to what Chrome reads (manifest and commands), in both languages", () => {
    const sources = ['wxt.config.ts', 'lib/commands.ts'].map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
    const used = [...new Set([...sources.matchAll(/__MSG_(\w+)__/g)].map((m) => m[1]!))];
    expect(used.length).toBeGreaterThan(0);
    for (const chrome of [zhChrome, enChrome] as Record<string, { message: string }>[]) {
      for (const k of used) expect(chrome[k]?.message, k).toBeTruthy();
      expect(Object.keys(chrome).sort()).toEqual([...used].sort());
    }
  });
});

describe('translator', () => {
  it('fills placeholders by position or by name, picks plurals per language, never mixes languages', () => {
    const en = catalogTranslate('en');
    const zh = catalogTranslate('zh_CN');
    expect(en('badgeWaiting', { count: 1 })).toBe('1 buyer waiting');
    expect(en('badgeWaiting', { count: 2 })).toBe('2 buyers waiting');
    expect(en('badgeWaiting', { count: 0 })).toBe('0 buyers waiting');
    expect(zh('badgeWaiting', { count: 1 })).toBe('1 位买家等待中');
    expect(en('optError', ['disk full'])).toBe('Not saved: disk full');
    expect(zh('optError', ['disk full'])).toBe('没有保存：disk full');
    expect(en('anaPeak', { 1: 'Mon', 2: '09', count: 1 })).toBe('busiest: Mon 09:00, 1 agent');
    expect(en('anaPeak', { 1: 'Mon', 2: '09', count: 3 })).toBe('busiest: Mon 09:00, 3 agents');
    // A missing value is empty, never the placeholder; an unknown key (bad data) shows as itself.
    expect(en('optError')).toBe('Not saved: ');
    expect(en('noSuchKey' as 'optError')).toBe('noSuchKey');
    expect(en.lang).toBe('en');
    expect(zh.lang).toBe('zh_CN');
    expect(pick({ zh: '首次响应', en: 'First response' }, en.lang)).toBe('First response');
    expect(pick({ zh: '首次响应', en: 'First response' }, zh.lang)).toBe('首次响应');
  });

  it('gives the same text as i18next for every key in both languages', async () => {
    const inst = i18next.createInstance();
    await inst.init({
      resources: {
        'zh-CN': { translation: CATALOGS.zh_CN },
        en: { translation: CATALOGS.en },
      },
      lng: 'en',
      fallbackLng: 'zh-CN',
      interpolation: { escapeValue: false },
      keySeparator: false,
      nsSeparator: false,
      returnNull: false,
    });
    let compared = 0;
    for (const lang of LANGS) {
      const ours = catalogTranslate(lang);
      const theirs = inst.getFixedT(LOCALE_TAG[lang]);
      for (const key of new Set(Object.keys(CATALOGS[lang]).map(base))) {
        for (const count of [0, 1, 2, 21]) {
          const args = { 1: 'A<b>', 2: 'B', 3: 7, 4: 'D', 5: 'E', count };
          // Words where a nested message takes a count break its options in both (shown differently): counts only.
          const nests = Object.entries(CATALOGS[lang]).some(([k, v]) => base(k) === key && v.includes('$t('));
          if (!nests) expect(ours(key as 'optError', args), `${lang} ${key} ${count}`).toBe(theirs(key, args));
          // Counts in every place (a nested plural per count: `$t(key, {"count": {{2}} })`).
          const counts = { 1: count, 2: (count + 1) % 3, 3: 1, 4: 21, 5: 30, count };
          expect(ours(key as 'optError', counts), `${lang} ${key} ${count} counts`).toBe(theirs(key, counts));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
    // Every key, count and language twice over: seconds on a loaded machine.
  }, 30_000);

  it('a message with several counts gives each its own plural (nested keys, as i18next nests them)', () => {
    const en = catalogTranslate('en');
    const zh = catalogTranslate('zh_CN');
    expect(en('popupThrottled', [1, 1])).toBe(
      'This tab sent too much: 1 message was ignored (1 chat record among them); buyers may be missed',
    );
    expect(en('popupThrottled', [5, 1])).toBe(
      'This tab sent too much: 5 messages were ignored (1 chat record among them); buyers may be missed',
    );
    expect(en('popupThrottled', [1, 0])).toBe(
      'This tab sent too much: 1 message was ignored (0 chat records among them); buyers may be missed',
    );
    expect(zh('popupThrottled', [5, 1])).toBe('此标签页发送过多，已忽略 5 条消息（含 1 条聊天记录），可能漏看买家');
    expect(en('phrImported', [1, 2])).toBe('Imported: 1 phrase added, 2 updated');
    expect(en('phrImported', [3, 1])).toBe('Imported: 3 phrases added, 1 updated');
    expect(zh('phrImported', [3, 1])).toBe('已导入：新增 3 条，更新 1 条');
    expect(en('anaAhtEstimate', [95, 1, 1, 1, 30])).toBe(
      'Estimated handling time per inquiry: 95 s (1 day with messages in the last 30 days, 1 reply, 1 inquiry)',
    );
    expect(en('anaAhtEstimate', [95, 3, 40, 12, 7])).toBe(
      'Estimated handling time per inquiry: 95 s (3 days with messages in the last 7 days, 40 replies, 12 inquiries)',
    );
    expect(zh('anaAhtEstimate', [95, 3, 40, 12, 7])).toBe(
      '估算每个咨询的处理时长：95 秒（近 7 天中有消息记录的 3 天，40 条回复，12 个咨询）',
    );
    expect(en('anaSlotDetail', ['0.5', '0.01', '99.0%', 1])).toBe(
      '0.5 inquiries an hour on average, load 0.01 Erlangs, expected 99.0% (1 chat place)',
    );
    expect(en('anaSlotDetail', ['3.0', '1.50', '80.0%', 4])).toContain('(4 chat places)');
    expect(zh('anaSlotDetail', ['3.0', '1.50', '80.0%', 4])).toBe(
      '平均每小时 3.0 个咨询，负荷 1.50 Erlang，预计达成 80.0%（4 个会话位）',
    );
    // The message's own values reach the nested key; a count of the message itself does not override the nested one.
    expect(en('popupThrottled', { 1: 1, 2: 2, count: 7 })).toContain('1 message was ignored (2 chat records');
  });

  it('a value that reads "$t(…)" (a buyer\'s nickname, page text) stays text: nesting is the catalog\'s only', () => {
    for (const lang of ['zh_CN', 'en'] as const) {
      const t = catalogTranslate(lang);
      // A nickname naming the very message it goes into must not expand itself (that overflowed the stack before).
      expect(t('notifyMergedItem', ['$t(notifyMergedItem)', 'x'])).toContain('$t(notifyMergedItem)');
      expect(t('notifySoonBody', ['$t(popupThrottled, {"count": 2})', 'x'])).toContain(
        '$t(popupThrottled, {"count": 2})',
      );
      // The catalog's own nesting still works.
      expect(t('popupThrottled', [5, 1])).not.toContain('$t(');
    }
  });

  it('durations with a plural day, in both languages', () => {
    const en = contentTranslate('en');
    const zh = contentTranslate('zh_CN');
    expect(spokenDuration(86_400, en)).toBe('1 day');
    expect(spokenDuration(2 * 86_400 + 3_600, en)).toBe('2 days 1 h');
    expect(spokenDuration(2 * 86_400, zh)).toBe('2 天');
    expect(spokenDuration(125, en, true)).toBe('2 min 5 s');
  });

  it('the content catalog is part of the UI one, and the content translator knows nothing else', () => {
    for (const lang of LANGS)
      for (const [k, v] of Object.entries(CONTENT_CATALOGS[lang])) expect(CATALOGS[lang][k]).toBe(v);
    expect(contentTranslate('en')('optError' as 'badgeLeft')).toBe('optError');
  });
});

describe('language', () => {
  it('is the setting when forced, else English only for English browsers', () => {
    expect(resolveLang('en', 'zh-CN')).toBe('en');
    expect(resolveLang('zh_CN', 'en-US')).toBe('zh_CN');
    expect(resolveLang('auto', 'en-GB')).toBe('en');
    expect(resolveLang('auto', 'zh-TW')).toBe('zh_CN');
    expect(resolveLang('auto', 'ja')).toBe('zh_CN');
    expect(resolveLang(undefined, 'EN')).toBe('en');
  });

  it('a live translator follows its language from call to call', () => {
    let lang: Lang = 'zh_CN';
    const t = liveTranslator(() => catalogTranslate(lang));
    expect(t('optError', ['x'])).toBe('没有保存：x');
    expect(t.lang).toBe('zh_CN');
    lang = 'en';
    expect(t('optError', ['x'])).toBe('Not saved: x');
    expect(t.lang).toBe('en');
  });
});
