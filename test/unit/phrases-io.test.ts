import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PhraseStore } from '../../lib/background/phrases';
import { SentinelDB } from '../../lib/db/schema';
import type { PhraseRow } from '../../lib/model';
import { exportPhrases } from '../../lib/phrases/export';
import { catalogTranslate } from '../../lib/i18n';
import { IMPORT_LIMITS, parseImport as parseIn, type ImportPreview, type PhraseDraft } from '../../lib/phrases/formats';
import { planImport as planIn } from '../../lib/phrases/plan';
import { STARTER_PHRASES } from '../../lib/phrases/starter';
import { shortcutKey, validateDraft } from '../../lib/phrases/validate';

// Messages in Chinese here (the English ones: see 'says its messages in the caller's language').
const zh = catalogTranslate('zh_CN');
const parseImport = (file: Parameters<typeof parseIn>[0], t = zh) => parseIn(file, t);
const planImport = (p: ImportPreview, existing: Parameters<typeof planIn>[1], mode: 'merge' | 'replace', t = zh) =>
  planIn(p, existing, mode, t);

const FIXTURES = new URL('../fixtures/phrases/', import.meta.url);
const fixture = (name: string) => ({ name, bytes: new Uint8Array(readFileSync(new URL(name, FIXTURES))) });
const utf8 = (s: string) => new TextEncoder().encode(s);

function utf16(s: string, endian: 'le' | 'be', bom = true): Uint8Array {
  const out: number[] = bom ? (endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (endian === 'le') out.push(c & 0xff, c >> 8);
    else out.push(c >> 8, c & 0xff);
  }
  return new Uint8Array(out);
}

/** A GBK encoder built from the platform's own decoder (Node has no GBK encoder). */
let gbkMap: Map<string, number[]> | undefined;
function gbk(s: string): Uint8Array {
  if (!gbkMap) {
    gbkMap = new Map();
    const dec = new TextDecoder('gbk');
    for (let a = 0x81; a <= 0xfe; a++)
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([a, b]));
        if (ch !== '\ufffd' && [...ch].length === 1 && !gbkMap.has(ch)) gbkMap.set(ch, [a, b]);
      }
  }
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else {
      const m = gbkMap.get(ch);
      if (!m) throw new Error(`not encodable in GBK: ${ch}`);
      out.push(...m);
    }
  }
  return new Uint8Array(out);
}

const drafts = (p: ImportPreview) => p.rows.filter((r) => r.draft).map((r) => r.draft!);
const byLine = (p: ImportPreview, line: number) => p.rows.find((r) => r.line === line);

/** Every draft parseImport hands out must be accepted by the background's validation unchanged. */
function expectValid(p: ImportPreview) {
  for (const d of drafts(p)) expect(validateDraft(d)).toEqual({ ok: true, draft: d });
  expect(p.ok).toBe(p.rows.filter((r) => r.draft).length);
  expect(p.errors).toBe(p.rows.filter((r) => r.error).length);
  for (const r of p.rows) expect(Boolean(r.draft) && Boolean(r.error)).toBe(false);
}

describe('parseImport: CSV', () => {
  it('reads an Excel CSV saved in GBK (quotes, escaped quotes, newline in a cell, CRLF, Chinese header)', () => {
    const f = fixture('excel-gbk.csv');
    // The fixture really is GBK, not UTF-8 (so this test cannot pass by accident).
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(f.bytes)).toThrow();
    const p = parseImport(f);
    expectValid(p);
    expect(p).toMatchObject({ format: 'csv', encoding: 'gb18030', ok: 4, errors: 1, warnings: 0 });
    expect(drafts(p)).toEqual([
      {
        text: '亲，付款后 48 小时内发货，发货后物流单号会同步到订单里。',
        group: '发货',
        tags: ['物流', '时效'],
        shortcut: '/fh',
        platforms: ['pdd'],
      },
      {
        text: '亲，默认发中通/圆通，"指定快递"请备注',
        group: '发货',
        tags: ['物流', '快递'],
        shortcut: '/kd',
        platforms: ['pdd', 'douyin'],
      },
      { text: '第一行\n第二行：售后请走订单页', group: '售后', tags: ['退换', '退款'], shortcut: '/th' },
      { text: '亲，现在有满减活动哦～', group: '价格', tags: ['优惠'], shortcut: '/yh', platforms: ['jd', 'kuaishou'] },
    ]);
    // Row numbers are Excel's: the header is row 1, the blank ",,,," row 5 is skipped silently.
    expect(p.rows.map((r) => r.line)).toEqual([2, 3, 4, 6, 7]);
    expect(byLine(p, 6)!.error).toBe('第 6 行：内容为空');
  });

  it('reads a UTF-8 BOM CSV with an English header in any order and reports every bad row', () => {
    const p = parseImport(fixture('utf8-bom.csv'));
    expectValid(p);
    expect(p).toMatchObject({ format: 'csv', encoding: 'utf-8', ok: 3, errors: 3, warnings: 1 });
    expect(byLine(p, 2)!.draft).toEqual({
      text: 'Hi, how can I help?',
      group: 'Greeting',
      tags: ['open', 'hello'],
      shortcut: '/zai', // the missing slash is added
      platforms: ['pdd', 'jd'],
    });
    expect(byLine(p, 3)!.draft).toEqual({
      text: 'He said "wait", then left',
      group: 'Greeting',
      tags: [],
      shortcut: '/wait',
    });
    expect(byLine(p, 4)).toEqual({
      line: 4,
      error: '第 4 行：快捷键 /zai 与第 2 行重复',
    });
    expect(byLine(p, 5)).toEqual({
      line: 5,
      warning: '第 5 行：与第 2 行内容相同，已跳过',
    });
    expect(byLine(p, 6)!.error).toMatch(/^第 6 行：快捷键「\/bad shortcut」格式不对：[^a-z]*$/);
    expect(byLine(p, 7)!.error).toBe('第 7 行：未知平台「ebay」');
    // HTML is text: kept byte for byte.
    expect(byLine(p, 8)!.draft!.text).toBe('<b>bold</b> & <script>alert("x")</script>');
    expect(p.notes.join()).toContain('Note');
  });

  it('parses RFC 4180 edge cases: empty quoted cells, quotes at the end, CR-only lines, sep=, a missing last newline', () => {
    const p = parseImport({
      name: 'x.csv',
      bytes: utf8('sep=,\r内容,分组\r"""引号开头",""\r"a,b\r\nc",组\r普通,"组 2"'),
    });
    expect(drafts(p)).toEqual([
      { text: '"引号开头', group: '未分组', tags: [] },
      { text: 'a,b\nc', group: '组', tags: [] },
      { text: '普通', group: '组 2', tags: [] },
    ]);
  });

  it('reads a file whose lines end in CRLF, LF and CR mixed (hand-edited), and blanks after a closing quote', () => {
    const p = parseImport({ name: 'x.csv', bytes: utf8('内容,分组\r\n一,a\n"二\r\n行",b\r三,"d"  \r\n') });
    expect(drafts(p)).toEqual([
      { text: '一', group: 'a', tags: [] },
      { text: '二\n行', group: 'b', tags: [] },
      { text: '三', group: 'd', tags: [] },
    ]);
    expect(p.rows.map((r) => r.line)).toEqual([2, 3, 4]);
  });

  it('reads a headerless one-column CSV and positional columns', () => {
    const p = parseImport({ name: 'list.csv', bytes: utf8('亲，在的\n"亲，稍等",等待,"a,b",/dd,pdd\n') });
    expect(drafts(p)).toEqual([
      { text: '亲，在的', group: '未分组', tags: [] },
      { text: '亲，稍等', group: '等待', tags: ['a', 'b'], shortcut: '/dd', platforms: ['pdd'] },
    ]);
  });

  it('splits tags on , ， ; 、 | and platforms by Chinese name or key; 全部 means every platform', () => {
    const p = parseImport({
      name: 'x.csv',
      bytes: utf8('内容,标签,平台\n一,"a，b;c、d|e,a",淘宝/天猫 京东\n二,,全部\n三,,"抖店（飞鸽）, XHS"\n'),
    });
    expect(drafts(p)).toEqual([
      { text: '一', group: '未分组', tags: ['a', 'b', 'c', 'd', 'e'], platforms: ['taobao', 'jd'] },
      { text: '二', group: '未分组', tags: [] },
      { text: '三', group: '未分组', tags: [], platforms: ['douyin', 'xhs'] },
    ]);
  });

  it('enforces the limits with one clear message per row', () => {
    const long = 'x'.repeat(2001);
    const rows = [
      `${long},g`,
      `ok,${'组'.repeat(41)}`,
      `ok2,g,"${Array.from({ length: 11 }, (_, i) => `t${i}`).join(',')}"`,
      `ok3,g,${'标'.repeat(21)}`,
      `ok4,g,,/${'a'.repeat(21)}`,
      `,g,,/x,火星`,
    ];
    const p = parseImport({ name: 'x.csv', bytes: utf8(`内容,分组,标签,快捷键,平台\n${rows.join('\n')}`) });
    expect(p.ok).toBe(0);
    expect(p.rows.map((r) => r.error)).toEqual([
      '第 2 行：内容超过 2000 字（2001 字）',
      '第 3 行：分组名超过 40 字（41 字）',
      '第 4 行：标签最多 10 个（有 11 个）',
      `第 5 行：标签「${'标'.repeat(20)}…」超过 20 字`,
      expect.stringMatching(/^第 6 行：快捷键「\/a+」格式不对/),
      '第 7 行：内容为空；未知平台「火星」',
    ]);
    // Exactly at the limits is fine.
    const edge = parseImport({
      name: 'x.csv',
      bytes: utf8(`内容,分组,快捷键\n${'字'.repeat(2000)},${'组'.repeat(40)},/${'键'.repeat(20)}\n`),
    });
    expect(edge.ok).toBe(1);
  });

  it('refuses a CSV whose quote never closes, and a header without a text column', () => {
    const p = parseImport({ name: 'x.csv', bytes: utf8('内容,分组\n好的,a\n"没闭合,b\n下一行,c\n') });
    expect(p).toMatchObject({ ok: 0, errors: 1, rows: [{ line: 0 }] });
    expect(p.fatal).toMatch(/^第 3 行：引号没有闭合（[^a-z]*$/);
    const q = parseImport({ name: 'x.csv', bytes: utf8('分组,标签\na,b\n') });
    expect(q.fatal).toMatch(/没有“内容”列/);
  });

  it('strips the formula guard apostrophe only before = + - @ TAB CR', () => {
    const p = parseImport({ name: 'x.csv', bytes: utf8("内容\n'=1+1\n'-5元\n'普通\n\"'\t=2\"\n") });
    expect(drafts(p).map((d) => d.text)).toEqual(['=1+1', '-5元', "'普通", '=2']);
  });
});

describe('parseImport: TXT', () => {
  it('reads one phrase per line with # / 【】 / [] group headers, \\n escapes, blank lines ignored', () => {
    const p = parseImport(fixture('groups.txt'));
    expectValid(p);
    expect(p).toMatchObject({ format: 'txt', encoding: 'utf-8', errors: 0 });
    expect(p.rows.map((r) => [r.line, r.draft!.group, r.draft!.text])).toEqual([
      [1, '未分组', '亲，在的哦，请问有什么可以帮您？'],
      [4, '发货', '亲，付款后 48 小时内发货。'],
      [5, '发货', '亲，已帮您催促仓库～'],
      [7, '售后', '亲，退货流程：\n1. 订单页申请\n2. 寄回商品'],
      [9, '价格', '亲，价格已经是活动价了。'],
      [10, '价格', '#1 号链接已补货'], // escaped: not a header
      [11, '价格', '[限时] 全场满 100 减 10'], // brackets that are not the whole line: text
    ]);
  });

  it('decodes GB18030 (4-byte characters and emoji) when the bytes are not UTF-8', () => {
    const p = parseImport(fixture('gb18030.txt'));
    expect(p.encoding).toBe('gb18030');
    expect(drafts(p)).toEqual([{ text: '亲～收到啦 😀，请放心 𠮷', group: '表情', tags: [] }]);
  });

  it('decodes UTF-16 LE and BE with a BOM, and reads Excel "Unicode text" (UTF-16 tab-separated .txt) as a table', () => {
    const plain = '# 问候\r\n亲，在的～\r\n';
    for (const e of ['le', 'be'] as const) {
      const p = parseImport({ name: 'a.txt', bytes: utf16(plain, e) });
      expect(p.encoding).toBe(`utf-16${e}`);
      expect(drafts(p)).toEqual([{ text: '亲，在的～', group: '问候', tags: [] }]);
    }
    const excel = parseImport({
      name: '短语.txt',
      bytes: utf16('内容\t分组\t快捷键\r\n"亲,\t在的"\t问候\tzai\r\n', 'le'),
    });
    expect(excel.format).toBe('csv');
    expect(drafts(excel)).toEqual([{ text: '亲,\t在的', group: '问候', tags: [], shortcut: '/zai' }]);
    // Without a BOM, mostly-ASCII UTF-16 is still recognized.
    expect(drafts(parseImport({ name: 'a.txt', bytes: utf16('hello there\nsecond', 'le', false) }))).toHaveLength(2);
  });

  it('prefers UTF-8 when the bytes are valid UTF-8 without a BOM', () => {
    const p = parseImport({ name: 'a.txt', bytes: utf8('亲，在的') });
    expect(p.encoding).toBe('utf-8');
    expect(drafts(p)[0]!.text).toBe('亲，在的');
  });
});

describe('parseImport: JSON', () => {
  it('reads { phrases: [...] } with Chinese or English keys, strings as texts, and reports bad items', () => {
    const p = parseImport(fixture('phrases.json'));
    expectValid(p);
    expect(p).toMatchObject({ format: 'json', ok: 5, errors: 3 });
    expect(drafts(p)).toEqual([
      { text: '亲，在的哦～', group: '问候', tags: ['开场', '在线'], shortcut: '/zai', platforms: ['pdd', 'douyin'] },
      {
        text: 'Parcel leaves within 48 h.',
        group: 'Shipping',
        tags: ['logistics', 'time'],
        shortcut: '/ship',
        platforms: ['pdd', 'jd'],
      },
      { text: '亲，稍等一下，我马上帮您查询～', group: '未分组', tags: [] },
      { text: 'Number tags', group: '未分组', tags: ['1', '2'] },
      { text: '适用于所有平台', group: '未分组', tags: [] },
    ]);
    expect(byLine(p, 4)!.error).toBe('第 4 条：内容为空');
    expect(byLine(p, 6)!.error).toBe('第 6 条：「标签」应为文本');
    expect(byLine(p, 7)!.error).toBe('第 7 条：不是短语对象');
    expect(p.notes).toEqual(['已忽略的字段：color']); // id / usage are known, not noted
  });

  it('reads a bare array', () => {
    const p = parseImport({ name: 'a.json', bytes: utf8('[{"内容":"一","快捷键":"一"}, "二"]') });
    expect(drafts(p)).toEqual([
      { text: '一', group: '未分组', tags: [], shortcut: '/一' },
      { text: '二', group: '未分组', tags: [] },
    ]);
  });

  it('refuses broken JSON with the position and line, and the wrong shape', () => {
    const p = parseImport(fixture('broken.json'));
    expect(p).toMatchObject({ format: 'json', ok: 0, errors: 1 });
    expect(p.fatal).toMatch(/^JSON 格式错误：.*line 3/);
    expect(p.rows).toEqual([{ line: 0, error: p.fatal }]);
    expect(parseImport({ name: 'a.json', bytes: utf8('{"items": []}') }).fatal).toMatch(/JSON 结构不对/);
    expect(parseImport({ name: 'a.json', bytes: utf8('"just a string"') }).fatal).toMatch(/JSON 结构不对/);
  });

  it('keeps __proto__ / constructor keys away from every object, and HTML byte-identical', () => {
    const f = fixture('hostile.json');
    const p = parseImport(f);
    expectValid(p);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
    for (const d of drafts(p)) {
      expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
      expect(Object.keys(d).every((k) => ['text', 'group', 'tags', 'shortcut', 'platforms'].includes(k))).toBe(true);
      expect(Object.getPrototypeOf(d.tags)).toBe(Array.prototype);
    }
    expect(drafts(p).map((d) => d.text)).toEqual([
      '真正的内容',
      'constructor 键',
      `<img src=x onerror="alert(1)"><script>document.title='x'</script>`,
      'prototype',
    ]);
    // Byte-identical to what the file holds (read here with a plain JSON.parse): nothing escaped or stripped.
    const html = drafts(p)[2]!;
    const source = JSON.parse(new TextDecoder().decode(f.bytes)) as { text: string; group: string }[];
    expect(utf8(html.text)).toEqual(utf8(source[2]!.text));
    expect(html.group).toBe(source[2]!.group);
    expect(html.group).toBe('<b>组</b>');
  });

  it('refuses deep nesting without recursing into it', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const p = parseImport({ name: 'deep.json', bytes: utf8(deep) });
    expect(p.fatal).toMatch(/嵌套超过 32 层/);
  });
});

describe('parseImport: hostile and odd files', () => {
  it('refuses a file over 2 MB before decoding it', () => {
    const big = new Uint8Array(IMPORT_LIMITS.bytes + 1).fill(0x61);
    const p = parseImport({ name: 'big.csv', bytes: big });
    expect(p).toMatchObject({ format: 'csv', encoding: '', ok: 0, errors: 1, rows: [{ line: 0 }] });
    expect(p.fatal).toBe('文件过大（2.0 MB），上限 2 MB');
  });

  it('accepts 5000 phrases and refuses 5001 as a whole (nothing truncated)', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `短语 ${i},组${i % 7},,/k${i}`).join('\n');
    const ok = parseImport({ name: 'x.csv', bytes: utf8(`内容,分组,标签,快捷键\n${lines(5000)}`) });
    expect(ok).toMatchObject({ ok: 5000, errors: 0 });
    const tooMany = parseImport({ name: 'x.csv', bytes: utf8(`内容,分组,标签,快捷键\n${lines(5001)}`) });
    expect(tooMany).toMatchObject({ ok: 0, errors: 1, rows: [{ line: 0 }] });
    expect(tooMany.fatal).toMatch(/^短语过多（5001 条），一次最多导入 5000 条/);
    const json = parseImport({ name: 'x.json', bytes: utf8(JSON.stringify(Array.from({ length: 5001 }, () => 'x'))) });
    expect(json.fatal).toMatch(/短语过多（5001 条）/);
    const txt = parseImport({
      name: 'x.txt',
      bytes: utf8(Array.from({ length: 5001 }, (_, i) => `行 ${i}`).join('\n')),
    });
    expect(txt.fatal).toMatch(/短语过多（5001 条）/);
  });

  it('survives a cell that splits into a million tags or platforms (one short error, no throw)', () => {
    const sep = ','.repeat(1_000_000);
    const p = parseImport({
      name: 'x.csv',
      bytes: utf8(`内容,标签,平台\n一,"a${sep}b",pdd\n二,,"${'火星 '.repeat(100_000)}"\n`),
    });
    expect(p.rows.map((r) => r.error)).toEqual([undefined, '第 3 行：未知平台「火星」']);
    expect(p.rows[0]!.draft!.tags).toEqual(['a', 'b']);
    const many = parseImport({
      name: 'x.json',
      bytes: utf8(
        JSON.stringify([
          {
            text: 't',
            tags: Array.from({ length: 100_000 }, (_, i) => `标${i}`),
          },
        ]),
      ),
    });
    expect(many.rows[0]!.error).toBe('第 1 条：标签最多 10 个（有 100000 个）');
  });

  it('refuses empty files, Excel workbooks and binary data with a clear message', () => {
    expect(parseImport({ name: 'a.txt', bytes: new Uint8Array() }).fatal).toBe('文件是空的');
    expect(parseImport({ name: 'a.csv', bytes: utf8('内容,分组\n,,\n') }).fatal).toMatch(/没有找到短语/);
    expect(parseImport({ name: 'a.xlsx', bytes: utf8('whatever') }).fatal).toMatch(/另存为 → CSV/);
    expect(parseImport({ name: 'a.csv', bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2]) }).fatal).toMatch(
      /Excel 工作簿/,
    );
    expect(parseImport({ name: 'a.txt', bytes: new Uint8Array([0x41, 0, 0, 0x42, 0x43, 0]) }).fatal).toMatch(
      /不是文本文件/,
    );
  });

  it('tells the format from the content when the name has no known extension', () => {
    expect(parseImport({ name: 'phrases', bytes: utf8('[{"text":"a"}]') }).format).toBe('json');
    expect(parseImport({ name: 'phrases', bytes: utf8('内容,分组\na,b') }).format).toBe('csv');
    const txt = parseImport({ name: 'phrases', bytes: utf8('[发货]\n亲，已发货') });
    expect(txt.format).toBe('txt');
    expect(drafts(txt)).toEqual([{ text: '亲，已发货', group: '发货', tags: [] }]);
  });
});

// ─── export and round trips ───────────────────────────────────────────────────────────────────────────────

const TRICKY: PhraseDraft[] = [
  {
    text: '亲，付款后 48 小时内发货, "顺丰"包邮',
    group: '发货',
    tags: ['物流', '时效'],
    shortcut: '/fh',
    platforms: ['pdd'],
  },
  { text: '第一行\n第二行\n\n第四行（空行之后）', group: '售后', tags: [], shortcut: '/多行' },
  { text: '收到啦 😀👍🏻 谢谢亲 𠮷', group: '问候', tags: ['表情'], platforms: ['douyin', 'xhs'] },
  { text: '<script>alert("x")</script><img src=x onerror=alert(1)> &amp; &lt;', group: '<b>HTML</b>', tags: ['<i>'] },
  { text: '=HYPERLINK("http://evil","点我")', group: '=组', tags: ['-5元'], shortcut: '/f_1-x' },
  { text: "'=已带撇号", group: '未分组', tags: [] },
  { text: '# 不是标题', group: '发货', tags: [] },
  { text: '[不是标题]', group: '发货', tags: [] },
  { text: '【也不是】', group: '问候', tags: [] },
  { text: 'C:\\new\\folder 与字面的 \\n 和 \\\\', group: '路径', tags: [] },
  { text: '制表\t符, 分号; 竖线|', group: '未分组', tags: ['a b'] },
  { text: 'Ünïcödé ＡＢＣ full-width', group: 'Latin', tags: [], platforms: PLATFORMS_ALL() },
];
function PLATFORMS_ALL(): PhraseDraft['platforms'] {
  return ['pdd', 'taobao', 'ali1688', 'douyin', 'jd', 'kuaishou', 'xhs'];
}
const asRows = (ds: PhraseDraft[]): PhraseRow[] =>
  ds.map((d, i) => ({ ...d, id: i + 1, usage: i, updatedAt: 1000 + i }));

describe('exportPhrases', () => {
  it('CSV: UTF-8 BOM, Chinese header, CRLF, quoted where needed, formula cells guarded', () => {
    const out = exportPhrases(asRows(TRICKY.slice(0, 5)), 'csv');
    expect(out.name).toBe('快捷短语.csv');
    expect(out.mime).toBe('text/csv;charset=utf-8');
    expect(out.text.startsWith('\uFEFF内容,分组,标签,快捷键,平台\r\n')).toBe(true);
    const lines = out.text.split('\r\n');
    expect(lines[1]).toBe('"亲，付款后 48 小时内发货, ""顺丰""包邮",发货,物流、时效,/fh,拼多多');
    expect(lines[5]).toBe(`"'=HYPERLINK(""http://evil"",""点我"")",'=组,'-5元,/f_1-x,`);
    expect(exportPhrases([], 'csv', { now: Date.UTC(2026, 0, 31, 20) }).name).toBe('快捷短语-2026-02-01.csv'); // China date
  });

  it('CSV: cells beginning with TAB or CR are guarded like = + - @; bidi and zero-width controls are removed', () => {
    const out = exportPhrases(
      [
        { text: '\t=1+1', group: '\r=组', tags: ['\u202E=标签'], shortcut: '/a' },
        { text: 'evil\u202Egnp.exe\u200B', group: '\u2066分组\u2069', tags: [] },
      ],
      'csv',
    );
    const lines = out.text.split('\r\n');
    expect(lines[1]).toBe(`"'\t=1+1","'\r=组",'=标签,/a,`);
    expect(lines[2]).toBe('evilgnp.exe,分组,,,');
    expect(out.text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B]/);
  });

  it('TXT: group headers and one phrase per line', () => {
    const out = exportPhrases(asRows(TRICKY.slice(0, 2)), 'txt');
    expect(out.text).toBe(
      '# 发货\r\n亲，付款后 48 小时内发货, "顺丰"包邮\r\n\r\n# 售后\r\n第一行\\n第二行\\n\\n第四行（空行之后）\r\n',
    );
  });

  it('JSON: pretty, only the phrase fields', () => {
    const out = exportPhrases(asRows(TRICKY.slice(1, 2)), 'json');
    expect(out.mime).toBe('application/json');
    expect(JSON.parse(out.text)).toEqual({
      format: 'reply-sentinel-phrases',
      version: 1,
      phrases: [{ text: '第一行\n第二行\n\n第四行（空行之后）', group: '售后', tags: [], shortcut: '/多行' }],
    });
    expect(out.text).toContain('\n  "phrases": [\n');
  });
});

describe('round trip: export → parseImport gives the same drafts', () => {
  const rows = asRows(TRICKY);
  const reimport = (format: 'csv' | 'txt' | 'json') => {
    const out = exportPhrases(rows, format);
    const p = parseImport({ name: out.name, bytes: utf8(out.text) });
    expectValid(p);
    expect(p.errors).toBe(0);
    expect(p.format).toBe(format);
    return drafts(p);
  };

  it('CSV', () => expect(reimport('csv')).toEqual(TRICKY));
  it('JSON', () => expect(reimport('json')).toEqual(TRICKY));
  it('TXT (text and group: what TXT carries), grouped in first-seen order', () => {
    const back = reimport('txt');
    const order = [...new Set(TRICKY.map((d) => d.group))];
    const expected = order.flatMap((g) =>
      TRICKY.filter((d) => d.group === g).map((d) => ({ text: d.text, group: d.group, tags: [] })),
    );
    expect(back).toEqual(expected);
  });

  it('CSV re-saved by Excel in GBK (no BOM) still reads back the same', () => {
    const gbkSafe = TRICKY.filter((d) => d !== TRICKY[2] && d !== TRICKY[11]); // emoji / 𠮷 / Ü are not in GBK
    const out = exportPhrases(asRows(gbkSafe), 'csv');
    const bytes = gbk(out.text.replace(/^\uFEFF/, ''));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const p = parseImport({ name: out.name, bytes });
    expect(p.encoding).toBe('gb18030');
    expect(drafts(p)).toEqual(gbkSafe);
  });

  it('the starter pack survives every format', () => {
    const starter = STARTER_PHRASES.map((p) => ({ ...p, tags: [...p.tags], usage: 0, updatedAt: 0 }));
    for (const f of ['csv', 'json'] as const) {
      const back = drafts(parseImport({ name: `s.${f}`, bytes: utf8(exportPhrases(starter, f).text) }));
      expect(back).toEqual(starter.map(({ usage: _u, updatedAt: _t, ...d }) => d));
    }
  });
});

// ─── planImport ───────────────────────────────────────────────────────────────────────────────────────────

const EXISTING: PhraseRow[] = [
  { id: 1, text: '亲，在的', group: '问候', tags: ['开场'], shortcut: '/zai', usage: 9, updatedAt: 1 },
  { id: 2, text: '亲，稍等', group: '问候', tags: [], usage: 3, updatedAt: 2 },
  {
    id: 3,
    text: '亲，已发货',
    group: '发货',
    tags: ['物流'],
    shortcut: '/fh',
    platforms: ['pdd'],
    usage: 1,
    updatedAt: 3,
  },
];

function csv(body: string): ImportPreview {
  return parseImport({ name: 'in.csv', bytes: utf8(`内容,分组,标签,快捷键,平台\n${body}`) });
}

describe("says its messages in the caller's language", () => {
  const en = catalogTranslate('en');
  const cjk = /[\u4e00-\u9fff]/;
  it('row errors, warnings, notes and refusals in English only (page text quoted as is)', () => {
    const p = parseImport(
      { name: 'a.csv', bytes: utf8('text,shortcut,color,platforms\nhi,/a,red,\n,/b,,\nhi,/c,,\nho,/a,,\nhu,,,mars\n') },
      en,
    );
    expect(p.rows.map((r) => r.error ?? r.warning ?? null)).toEqual([
      null,
      'line 3: empty text',
      'line 4: same text as line 2, skipped',
      'line 5: shortcut /a already used on line 2',
      'line 6: unknown platform "mars"',
    ]);
    expect(p.notes).toEqual(['ignored columns: color']);
    expect(
      parseImport({ name: 'a.json', bytes: utf8('[{"text": "x", "tags": [{"a": 1}]}, 5]') }, en).rows.map(
        (r) => r.error,
      ),
    ).toEqual(['item 1: "tags" must be text', 'item 2: not a phrase object']);
    for (const bytes of [new Uint8Array(), utf8('{"a": 1}'), new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0])])
      expect(parseImport({ name: 'a.json', bytes }, en).fatal).toMatch(/^[^\u4e00-\u9fff]+$/);
    const plan = planImport(
      parseImport({ name: 'a.txt', bytes: utf8('hi\n') }, en),
      [{ id: 1, text: 'hi', group: 'g', tags: [], usage: 0, updatedAt: 1 }],
      'merge',
      en,
    );
    expect(plan.skip).toEqual([{ line: 1, reason: 'line 1: already in the library' }]);
    expect(cjk.test(JSON.stringify(plan))).toBe(false);
  });
});

describe('planImport', () => {
  const preview = csv(
    [
      '亲，在的,问候,开场,/zai,', // identical → skip
      '亲，稍等,等待,慢,/wait,', // same text: new group, tag added, shortcut set → update
      '全新的短语,新组,,/new,', // → add
      '抢快捷键的短语,,,/FH,', // /fh belongs to phrase 3 → conflict
      ',,,,x', // error row → skip
      '亲，在的,,,,', // repeated text in the file → skip (warning)
      '亲，已发货,,新标签,,', // same text, default group: keeps 发货, keeps /fh and platforms, adds the tag
    ].join('\n'),
  );

  it('merge: skips identical phrases, updates same-text phrases with what the file adds, reports shortcut conflicts', () => {
    const plan = planImport(preview, EXISTING, 'merge');
    expect(plan.add).toEqual([{ text: '全新的短语', group: '新组', tags: [], shortcut: '/new' }]);
    expect(plan.update).toEqual([
      { id: 2, draft: { text: '亲，稍等', group: '等待', tags: ['慢'], shortcut: '/wait' } },
      {
        id: 3,
        draft: { text: '亲，已发货', group: '发货', tags: ['物流', '新标签'], shortcut: '/fh', platforms: ['pdd'] },
      },
    ]);
    expect(plan.conflicts).toHaveLength(1);
    expect(plan.conflicts[0]).toMatchObject({ line: 5, existing: { id: 3, shortcut: '/fh' } });
    expect(plan.conflicts[0]!.reason).toBe('第 5 行：快捷键 /FH 已属于短语「亲，已发货」');
    expect(plan.skip.map((s) => s.line)).toEqual([2, 6, 7]);
    expect(plan.skip[0]!.reason).toMatch(/短语库里已有相同内容/);
    expect(plan.removed).toBe(0);
    // Every row is accounted for exactly once.
    expect(plan.add.length + plan.update.length + plan.skip.length + plan.conflicts.length).toBe(preview.rows.length);
    for (const d of [...plan.add, ...plan.update.map((u) => u.draft)]) expect(validateDraft(d).ok).toBe(true);
  });

  it('replace: adds every importable row, updates nothing, counts what goes', () => {
    const plan = planImport(preview, EXISTING, 'replace');
    expect(plan.add.map((d) => d.text)).toEqual(['亲，在的', '亲，稍等', '全新的短语', '抢快捷键的短语', '亲，已发货']);
    expect(plan.update).toEqual([]);
    expect(plan.conflicts).toEqual([]);
    expect(plan.removed).toBe(3);
  });

  it('a refused or empty file plans nothing in either mode (replace cannot empty the library)', () => {
    for (const bad of [parseImport(fixture('broken.json')), csv(',,,,\n,x,,,')]) {
      for (const mode of ['merge', 'replace'] as const) {
        const plan = planImport(bad, EXISTING, mode);
        expect(plan).toMatchObject({ add: [], update: [], conflicts: [], removed: 0 });
        expect(plan.skip).toHaveLength(bad.rows.length);
      }
    }
  });

  it('the background accepts the plan and writes it in one transaction', async () => {
    const db = new SentinelDB('phrases-io-plan');
    const store = new PhraseStore(db, () => 5000);
    await db.phrases.bulkAdd(EXISTING.map((p) => ({ ...p })));
    const plan = planImport(preview, await db.phrases.toArray(), 'merge');
    expect(await store.applyImport({ add: plan.add, update: plan.update })).toEqual({ ok: true, added: 1, updated: 2 });
    const after = await db.phrases.toArray();
    expect(after).toHaveLength(4);
    expect(after.find((p) => p.id === 2)).toMatchObject({ group: '等待', shortcut: '/wait', usage: 3 }); // usage kept
    expect(after.find((p) => p.id === 3)).toMatchObject({ tags: ['物流', '新标签'], shortcut: '/fh' });

    const replace = planImport(csv('只剩这一条,,,,'), after, 'replace');
    expect(await store.applyImport({ add: replace.add, update: replace.update, replaceAll: true })).toMatchObject({
      ok: true,
    });
    expect((await db.phrases.toArray()).map((p) => p.text)).toEqual(['只剩这一条']);
    db.close();
  });

  it('shortcuts compare ignoring case: two rows of a file are one conflict, and /Case in the library owns /case', () => {
    const both = csv('一,,,/Case,\n二,,,/case,');
    expect(both.ok).toBe(1);
    expect(both.errors).toBe(1);
    expect(byLine(both, 3)!.error).toMatch(/快捷键 \/case 与第 2 行重复/);
    const library: PhraseRow[] = [
      { id: 7, text: '大写', group: '未分组', tags: [], shortcut: '/Case', usage: 0, updatedAt: 1 },
    ];
    const plan = planImport(csv('小写,,,/case,'), library, 'merge');
    expect(plan.add).toEqual([]);
    expect(plan.conflicts.map((c) => [c.line, c.existing.shortcut])).toEqual([[2, '/Case']]);
    // The same phrase may change the case of its own shortcut.
    expect(planImport(csv('大写,,,/CASE,'), library, 'merge').update).toEqual([
      { id: 7, draft: { text: '大写', group: '未分组', tags: [], shortcut: '/CASE' } },
    ]);
    expect(shortcutKey('/Case')).toBe(shortcutKey('/cASE'));
    expect(shortcutKey('/Case')).not.toBe(shortcutKey('/Cases'));
  });
});
