// @vitest-environment jsdom
/**
 * Adversarial classification corpus (docs/ARCHITECTURE.md § Message classification): realistic buyer questions and
 * agent replies that contain every keyword and pattern the adapters' classifiers match text against, wrapped into
 * each platform's buyer row and shop row (as the fixtures and ../shared/docs/workbench-dom.md show them, and with
 * wrappers, classes and attributes the fixtures do not have). Each must be classified by who wrote it: a buyer's
 * message is `buyer`, an agent's reply is `human`, whatever words it contains.
 *
 * The keywords are collected, not listed: every string, string list, RegExp and whole-message pattern (its
 * `examples`) an adapter module exports, every run of Chinese text in the adapters' sources (string and regex
 * literals alike), and the phrases the classifiers matched on before they went structural (RETIRED). A keyword
 * added to an adapter is in the corpus without touching this file.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAli } from '../../lib/platforms/ali';
import { matchesWhole, type WholeText } from '../../lib/platforms/classify';
import { extractDouyin } from '../../lib/platforms/douyin';
import { extractJd } from '../../lib/platforms/jd';
import { extractKuaishou } from '../../lib/platforms/kuaishou';
import { extractPdd } from '../../lib/platforms/pdd';
import type { Extraction } from '../../lib/platforms/types';
import type { Author } from '../../lib/model';

const ROOT = process.cwd();
const ADAPTER_DIR = join(ROOT, 'lib/platforms');
/** A platform folder's declaration files hold names, hosts and rules, no words the adapters test text against. */
const NOT_ADAPTER = /(?:^|\/)(?:site|platform|rules|registry|define)\.ts$/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') && !NOT_ADAPTER.test(p) ? [p] : [];
  });
}

/** Phrases the adapters tested text against (as substrings) before classification went structural. */
const RETIRED = [
  // PDD system texts
  '您接待过此消费者',
  '机器人已暂停接待',
  '立即恢复接待',
  '为避免插嘴',
  '为避免抢答',
  '机器人未找到对应的回复',
  '严禁与消费者交换手机号',
  '当前用户来自',
  '转接',
  '收货地址修改成功',
  '撤回了一条消息',
  // Douyin robot and system texts
  '亲亲，在哒',
  '很高兴为您服务，请问有什么可以帮您',
  '现在是人工客服为您服务',
  '系统关闭会话',
  '当前会话已长时间未回复',
  '平台可能主动介入',
  '此消息由机器人自动回复',
  '此消息由机器人推荐',
  // Ali
  '平台提醒',
  '系统消息',
  '官方提醒',
  '订单还未付款',
  '发现有一笔订单',
  '客服评价邀请',
  '阿里巴巴官方',
  '1688官方',
  '淘宝官方',
  '【自动回复】',
  '自动回复：',
  '店小蜜',
  // JD
  '机器人自动回复',
  '此消息由机器人',
  '由智能客服回复',
  '[机器人]',
  '【机器人】',
  '[自动回复]',
  '（自动回复）',
  '(自动回复)',
  '自动回复:',
  '[系统消息]',
  '【系统消息】',
  '会话已结束',
  '咨询已结束',
  '会话已转接',
  '已将会话转接',
  '客户已离开',
  '会话结束',
  '结束了会话',
  '会话关闭',
  '转交',
  // Kuaishou
  '客服超时未回复，会话关闭',
  '买家超时未回复，会话关闭',
  '会话已关闭',
  '【防诈贴士】',
  '[系统自动回复消息]',
  '智能客服托管',
  '买家正在查看',
  '来自商品详情',
  '来自订单',
  '京小智',
  '智能客服',
  '智能助手',
  'AI客服',
  '机器人',
];

const HAN = /[\u4e00-\u9fff]/;
/** Runs of Chinese text in source code, with the brackets or colon around them (【自动回复】, 自动回复：). */
const HAN_RUN = /[【[［(（]?[\u4e00-\u9fff]+(?:[，、～~][\u4e00-\u9fff]+)*[】\]］)）:：]?/g;

function runsOf(s: string): string[] {
  return (s.match(HAN_RUN) ?? []).filter((r) => (r.match(/[\u4e00-\u9fff]/g) ?? []).length >= 2);
}

/** Keywords from a module's exports: strings, string lists, RegExps, whole-message patterns and their examples. */
function exportedKeywords(mod: Record<string, unknown>): string[] {
  const out: string[] = [];
  const take = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (v instanceof RegExp) out.push(...runsOf(v.source));
    else if (Array.isArray(v)) v.forEach(take);
    else if (v && typeof v === 'object' && 'examples' in v) {
      take((v as { examples: unknown }).examples);
      take((v as { re?: unknown }).re);
    }
  };
  for (const [name, v] of Object.entries(mod)) if (!/SELECTORS$/.test(name)) take(v);
  return out;
}

const files = tsFiles(ADAPTER_DIR);
const modules = await Promise.all(files.map((f) => import(f) as Promise<Record<string, unknown>>));
const KEYWORDS = [
  ...new Set(
    [...RETIRED, ...modules.flatMap(exportedKeywords), ...files.flatMap((f) => runsOf(readFileSync(f, 'utf8')))]
      .map((k) => k.replace(/\s+/g, ' ').trim())
      .filter((k) => HAN.test(k) && k.length <= 60),
  ),
].sort();

/** Buyer questions around a keyword (the keyword alone, leading, inside, trailing). */
const BUYER: readonly ((k: string) => string)[] = [
  (k) => k,
  (k) => `${k}是什么意思？我的订单还能正常发货吗`,
  (k) => `你好，页面上一直显示“${k}”，能帮我看看吗？`,
  (k) => `能帮我处理一下吗，${k}`,
];
/**
 * Agent replies around a keyword. Never the keyword alone or first: a shop-side message that IS a platform text
 * (Douyin's robot greetings, a leading 【自动回复】 label) is robot/auto by design, as the adapter tests pin.
 */
const AGENT: readonly ((k: string) => string)[] = [
  (k) => `好的亲，${k}这个情况我这边帮您查一下，请稍等`,
  (k) => `亲，您看到的“${k}”是平台的提示，不用担心，我是人工客服，马上为您处理`,
  (k) => `已经为您登记好了，备注：${k}`,
];

/** The defect report's own examples. */
const REPORTED: { platform: Platform; side: Side; text: string }[] = [
  { platform: 'pdd', side: 'shop', text: '好的亲，这就为您转接售后同事处理' },
  { platform: 'pdd', side: 'shop', text: '亲，您的收货地址修改成功了，今天就能发出' },
  { platform: 'pdd', side: 'shop', text: '收货地址修改成功' },
  { platform: 'pdd', side: 'buyer', text: '能帮我转接人工客服吗？' },
  {
    platform: 'douyin',
    side: 'shop',
    text: '您好，很高兴为您服务，请问有什么可以帮您？这款尺码偏大半码，建议您拍小一码',
  },
  { platform: 'jd', side: 'shop', text: '不是机器人自动回复哦，是我本人在为您处理退款' },
  { platform: 'jd', side: 'shop', text: '页面提示会话已结束也没关系，我还在，您继续说' },
  { platform: 'jd', side: 'shop', text: '刚才那条[自动回复]请忽略，我来为您解答' },
  { platform: 'jd', side: 'buyer', text: '[系统消息]说我的退款已经到账了，可我没收到' },
  { platform: 'kuaishou', side: 'buyer', text: '[系统消息]说我的订单已发货，可物流一直没更新' },
  { platform: 'kuaishou', side: 'buyer', text: '【防诈贴士】说不要加微信，那我怎么联系你们？' },
  { platform: 'kuaishou', side: 'buyer', text: '客服超时未回复，会话关闭 这是什么情况？' },
  { platform: 'kuaishou', side: 'shop', text: '亲，已经为您改好了，今天下午发出' },
];

type Platform = 'pdd' | 'douyin' | 'ali' | 'jd' | 'kuaishou';
type Side = 'buyer' | 'shop';
interface Row {
  side: Side;
  text: string;
  /** Which of the platform's row shapes (0: as the fixture; others: extra wrappers, classes, attributes). */
  variant: number;
}
interface Builder {
  variants: number;
  page(rows: readonly Row[]): string;
  extract(doc: Document): Extraction;
}

const fixture = (dir: string, file: string) => readFileSync(join(ROOT, 'test/fixtures', dir, file), 'utf8');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Replaces what lies between `open` (kept) and `close` (kept) in `html` with `inner`. */
function between(html: string, open: string, close: string, inner: string): string {
  const a = html.indexOf(open);
  const b = html.indexOf(close, a + open.length);
  if (a < 0 || b < 0) throw new Error(`fixture changed: ${open} … ${close}`);
  return html.slice(0, a + open.length) + inner + html.slice(b);
}

const BUILDERS: Record<Platform, Builder> = {
  pdd: {
    variants: 3,
    extract: (d) => extractPdd(d),
    page(rows) {
      const li = (r: Row, i: number): string => {
        const t = esc(r.text);
        const id = `middlePanel_list_${1788340334000 + i * 1000}`;
        if (r.side === 'buyer') {
          if (r.variant === 0)
            return `<li class="onemsg" id="${id}"><div class="merchantMessage"><div class="buyer-item"><div currentuid="802114"></div><div class="msg-content"><p class="msg-content-box">${t}</p></div></div></div></li>`;
          if (r.variant === 1)
            return `<li class="onemsg msg-item--new" id="${id}" data-v-7e0b9d21=""><div class="merchantMessage" data-v-2b7d0e11=""><div class="buyer-item buyer-item--left is-unread" data-v-2b7d0e11=""><div currentuid="802114"></div><div class="msg-wrap"><div class="msg-content text-msg"><p class="msg-content-box" data-v-1a2b="">${t}</p></div></div></div></div></li>`;
          return `<li class="onemsg" id="${id}"><div class="x-transition"><div class="merchantMessage"><p class="message-time">2026年09月08日 17:12:14</p><div class="buyer-item"><div class="avatar"><img src="data:," alt=""></div><div currentuid="802114"></div><div class="msg-content"><p class="msg-content-box">${t}</p></div></div></div></div></li>`;
        }
        if (r.variant === 0)
          return `<li class="onemsg" id="${id}"><div class="merchantMessage"><div class="cs-item isread"><p class="nickname"><span>主账号</span></p><div class="msg-content"><p class="msg-content-box">${t}</p></div></div></div></li>`;
        if (r.variant === 1)
          return `<li class="onemsg msg-item--new" id="${id}" data-v-7e0b9d21=""><div class="merchantMessage"><div class="cs-item isread cs-item--right" data-v-2b7d0e11=""><p class="nickname"><span>客服小美</span></p><div class="msg-wrap"><div class="msg-content text-msg"><p class="msg-content-box">${t}</p></div></div><span class="read-status">已读</span></div></div></li>`;
        return `<li class="onemsg" id="${id}"><div class="x-transition"><div class="merchantMessage"><div class="cs-item isread"><p class="nickname"><span>主账号</span></p><div class="msg-content"><div class="be-quote-wrap">请问什么时候发货</div><div class="quote-new-msg">${t}</div></div></div></div></div></li>`;
      };
      return between(
        fixture('pdd', 'thread.html'),
        '<ul class="msg-list" messagelist="[object Object]">',
        '</ul>',
        rows.map(li).join('\n'),
      );
    },
  },

  douyin: {
    variants: 3,
    extract: (d) => extractDouyin(d),
    page(rows) {
      const wrap = (r: Row, i: number): string => {
        const t = esc(r.text);
        const buyer = r.side === 'buyer';
        const dir = buyer ? 'row' : 'row-reverse';
        const side = buyer ? 'messageNotMe' : 'messageIsMe';
        const avatar = buyer ? '<img alt="头像" src="data:,">' : '';
        const id = `${buyer ? 'b' : 's'}${i}-6f0c2a4e-31b7-4d8a-9a55`;
        if (r.variant === 0)
          return `<div data-qa-id="qa-message-warpper" class="wrap-uR51"><div data-id="${id}" class="tC9ap6QtAyeCD0jfuMns" style="display: flex; flex-direction: ${dir};">${avatar}<div class="col-9Kd"><div class="O4UWWFoQxgMq4AWHMq25">17:10:02</div><div class="iD7SHBvMhm4OhfCsBGr1 leaveMessage ${side}"><pre><span>${t}</span></pre></div></div></div></div>`;
        if (r.variant === 1)
          return `<div data-qa-id="qa-message-warpper" class="wrap-uR51 msgEnter-2kq" data-index="${i}"><div data-id="${id}" class="tC9ap6QtAyeCD0jfuMns row-8Jq" style="display: flex; flex-direction: ${dir};">${avatar}<div class="col-9Kd"><div class="bubbleWrap-Xk2"><div class="iD7SHBvMhm4OhfCsBGr1 leaveMessage ${side}-3Kd textBubble-Q1"><div class="textInner-7Yh"><pre class="pre-0Lp"><span>${t}</span></pre></div></div></div><span class="readState-9Hs">已读</span></div></div></div>`;
        return `<div data-qa-id="qa-message-warpper" class="wrap-uR51"><div class="anim-x"><div data-id="${id}" class="tC9ap6QtAyeCD0jfuMns" style="display: flex; flex-direction: ${dir};">${avatar}<div class="col-9Kd"><div class="O4UWWFoQxgMq4AWHMq25">17:10:02</div><div class="iD7SHBvMhm4OhfCsBGr1 ${side}"><pre><span>${t}</span></pre></div></div></div></div></div>`;
      };
      return between(
        fixture('douyin', 'workspace.html'),
        '<div class="messageList-Hs8dK2">',
        '<div class="inputArea-Rm28">',
        `${rows.map(wrap).join('\n')}</div>`,
      );
    },
  },

  ali: {
    variants: 4,
    extract: (d) => extractAli(d),
    page(rows) {
      const item = (r: Row, i: number): string => {
        const t = esc(r.text);
        const shop = r.side === 'shop';
        const nick = shop ? '义乌优品工厂店:小王' : '采购商小李';
        const self = shop ? ' self' : '';
        const pre = `<pre class="edit" contenteditable="false">${t}</pre>`;
        if (r.variant === 0)
          return `<div data-index="${i}"><div class="message-item${self}"><div class="message-main"><div class="message-header"><span class="nick">${nick}</span><span class="time">2026-09-08 17:12:14</span></div><div class="content"><div class="text-message"><div class="biz-expression-editor read-only"><div class="editBox">${pre}</div></div></div></div></div></div></div>`;
        if (r.variant === 1)
          return `<div data-index="${i}" class="virtual-row"><div class="row-inner"><div class="message-item${self} message-item--text" data-spm-anchor-id="m.${i}"><div class="avatar"><img src="data:," alt=""></div><div class="message-main"><div class="message-header"><span class="nick">${nick}</span><span class="time">17:12:14</span>${shop ? '<span class="read-tag">已读</span>' : ''}</div><div class="content"><div class="bubble-wrap"><div class="text-message"><div class="biz-expression-editor read-only"><div class="editBox">${pre}</div></div></div></div></div></div></div></div></div>`;
        // The own-side class on a wrapper above the message item.
        if (r.variant === 3)
          return `<div data-index="${i}" class="msg-row${self}"><div class="message-item"><div class="message-main"><div class="message-header"><span class="nick">${nick}</span><span class="time">2026-09-08 17:12:14</span></div><div class="content"><div class="text-message"><div class="biz-expression-editor read-only"><div class="editBox">${pre}</div></div></div></div></div></div></div>`;
        return `<div data-index="${i}"><div class="message-item${self}"><div class="message-main"><div class="message-header"><span class="nick">${nick}</span><span class="time">2026-09-08 17:12:14</span></div><div class="content"><div class="text-message"><div class="quote-block">这款有现货吗</div><div class="biz-expression-editor read-only"><div class="editBox">${pre}</div></div></div></div></div></div></div>`;
      };
      return between(
        fixture('ali', 'thread.html'),
        '<div class="rc-scrollbars-view">',
        '</div></div></div>\n            </div>\n            <div class="ww_input">',
        rows.map(item).join('\n'),
      );
    },
  },

  jd: {
    variants: 3,
    extract: (d) => extractJd(d),
    page(rows) {
      const msg = (r: Row, i: number): string => {
        const t = esc(r.text);
        const buyer = r.side === 'buyer';
        const side = buyer ? 'message_left' : 'message_right';
        const nick = buyer ? '小鱼儿' : '客服01';
        const avatar = buyer ? '<img class="message__avatar" src="data:," alt="">' : '';
        if (r.variant === 0)
          return `<div class="message" data-v-7e0b9d21=""><div class="${side}" id="m-${i}">${avatar}<div class="message__main"><span class="message__nickname">${nick}</span><span class="message__time_str">17:12:14</span></div><div class="message__content"><div class="message__text">${t}</div></div></div></div>`;
        if (r.variant === 1)
          return `<div class="message message--text" data-v-7e0b9d21="" data-mid="x${i}"><div class="message__row"><div class="${side} ${side}--text" id="m-${i}">${avatar}<span class="message__nickname">${nick}</span><span class="message__time_str">2026-09-08 17:12:14</span><div class="message__content"><div class="message__bubble"><div class="message__text">${t}</div></div></div>${buyer ? '' : '<span class="message__status">已读</span>'}</div></div></div>`;
        return `<div class="message" data-v-7e0b9d21=""><div class="${side}" id="m-${i}">${avatar}<div class="message__content"><div class="message__quote">这款有现货吗</div><div class="message__text">${t}</div></div></div></div>`;
      };
      return between(
        fixture('jd', 'thread.html'),
        '<div id="t-chat-scroll" class="chat-scroll-wrap" data-v-7e0b9d21="">',
        '\n  </div>\n  <div class="chat-editor"',
        rows.map(msg).join('\n'),
      );
    },
  },

  kuaishou: {
    variants: 4,
    extract: (d) => extractKuaishou(d),
    page(rows) {
      const P = 'kwaishop-cs-LayoutDefaultWrapper';
      const item = (r: Row, i: number): string => {
        const t = esc(r.text);
        const buyer = r.side === 'buyer';
        const mark = `${P}__${buyer ? 'notMe' : 'isMine'}`;
        const sender = buyer ? '快乐小番茄' : '客服-小美';
        const avatar = buyer ? `<div class="${P}_avatar"><img src="data:," alt=""></div>` : '';
        const content = `<div class="${P}_content"><div class="${P}_beforeMsgBody"><span>${sender}</span><span>09-08 17:12:14</span></div><div class="${P}_msgBody"><div class="kwaishop-cs-TextMessage">${t}</div></div></div>`;
        const id = `0_2290417731_${1000 + i}`;
        if (r.variant === 0)
          return `<div id="${id}" class="ChatMessageList-item"><div class="${P}_msgMain"><div class="${P}_lrWrapper ${mark}">${avatar}${content}</div></div></div>`;
        // The side marker on a wrapper above the message element (inside the list item).
        if (r.variant === 1)
          return `<div id="${id}" class="ChatMessageList-item"><div class="${mark} row-enter"><div class="${P}_msgMain"><div class="${P}_lrWrapper">${avatar}${content}</div></div></div></div>`;
        // The side marker on the list item itself, an extra wrapper inside.
        if (r.variant === 2)
          return `<div id="${id}" class="ChatMessageList-item ${mark}"><div class="x-anim" data-testid="msg"><div class="${P}_msgMain"><div class="${P}_lrWrapper">${avatar}${content}</div></div></div></div>`;
        // A renamed class prefix, extra classes.
        return `<div id="${id}" class="ChatMessageList-item is-new"><div class="${P}_msgMain msg-main--text"><div class="${P}_lrWrapper ${mark} lr--v3">${avatar}${content}</div></div></div>`.replaceAll(
          'kwaishop-cs-',
          'kwaishop-cs-v3-',
        );
      };
      return between(
        fixture('kuaishou', 'thread.html'),
        '<div class="ChatMessageList-ContentWrap">',
        '</div></div>\n    <div class="SendBox">',
        `\n      <div class="ChatMessageList-time">2026-09-08 17:10</div>\n${rows.map(item).join('\n')}\n    `,
      );
    },
  },
};

/** Each row's author as the platform's adapter reads it (null: the message was not read at all). */
function classify(platform: Platform, rows: readonly Row[]): (Author | null)[] {
  const b = BUILDERS[platform];
  const out: (Author | null)[] = rows.map(() => null);
  // One page per row shape: a page names its classes one way (an adapter keeps to the fallback that matched).
  for (let v = 0; v < b.variants; v++) {
    const idx = rows.flatMap((r, i) => (r.variant === v ? [i] : []));
    if (!idx.length) continue;
    const mine = idx.map((i) => rows[i]!);
    const doc = new DOMParser().parseFromString(b.page(mine), 'text/html');
    const messages = [...(b.extract(doc).thread?.messages ?? [])];
    if (messages.length === mine.length) idx.forEach((i, j) => (out[i] = messages[j]!.author));
    else
      // Match by text to say which one went missing.
      idx.forEach((i) => {
        const head = rows[i]!.text.replace(/\s+/g, ' ').trim().slice(0, 20);
        const k = messages.findIndex((m) => m.text.includes(head));
        out[i] = k < 0 ? null : messages.splice(k, 1)[0]!.author;
      });
  }
  return out;
}

function corpus(variants: number): Row[] {
  const rows: Row[] = [];
  let n = 0;
  for (const k of KEYWORDS) {
    for (const f of BUYER) rows.push({ side: 'buyer', text: f(k), variant: n++ % variants });
    for (const f of AGENT) rows.push({ side: 'shop', text: f(k), variant: n++ % variants });
  }
  return rows;
}

const expected = (s: Side): Author => (s === 'buyer' ? 'buyer' : 'human');
const PLATFORMS: Platform[] = ['pdd', 'douyin', 'ali', 'jd', 'kuaishou'];

describe('the adversarial corpus', () => {
  it('collects the keywords from the adapters themselves', () => {
    expect(files.map((f) => relative(ADAPTER_DIR, f))).toContain('pdd/index.ts');
    expect(KEYWORDS.length).toBeGreaterThan(100);
    for (const k of [
      '转接',
      '收货地址修改成功',
      '机器人自动回复',
      '[自动回复]',
      '[系统消息]',
      '【防诈贴士】',
      '会话已结束',
    ])
      expect(KEYWORDS).toContain(k);
  });

  it('every whole-message pattern the adapters export is anchored and matches its examples whole, not inside text', () => {
    const isWhole = (v: unknown): v is WholeText =>
      !!v && typeof v === 'object' && (v as WholeText).re instanceof RegExp && Array.isArray((v as WholeText).examples);
    const patterns = modules
      .flatMap((m) => Object.values(m))
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .filter(isWhole);
    expect(patterns.length).toBeGreaterThanOrEqual(12);
    for (const p of patterns) {
      expect(p.re.source, String(p.re)).toMatch(/^\^[\s\S]*\$$/);
      expect(p.re.flags).not.toMatch(/[gy]/);
      expect(p.examples.length, String(p.re)).toBeGreaterThan(0);
      for (const e of p.examples) {
        expect(matchesWhole(e, [p]), `${p.re} ~ ${e}`).toBe(true);
        expect(matchesWhole(`好的亲，${e}`, [p]), `${p.re} inside: ${e}`).toBe(false);
      }
    }
  });

  describe.each(PLATFORMS)('%s', (platform) => {
    it('classifies every buyer question as buyer and every agent reply as human, in every row shape', () => {
      const b = BUILDERS[platform];
      const rows = corpus(b.variants);
      const authors = classify(platform, rows);
      const wrong = rows
        .map((r, i) => ({ ...r, got: authors[i] }))
        .filter((r) => r.got !== expected(r.side))
        .map((r) => `${r.side}/v${r.variant} → ${r.got}: ${r.text}`);
      expect(wrong.slice(0, 30), `${wrong.length} of ${rows.length} misclassified`).toEqual([]);
    }, 60_000);

    it('classifies the reported messages by their author', () => {
      const b = BUILDERS[platform];
      const rows = REPORTED.filter((r) => r.platform === platform).flatMap((r) =>
        Array.from({ length: b.variants }, (_, variant) => ({ side: r.side, text: r.text, variant })),
      );
      if (!rows.length) return;
      expect(classify(platform, rows)).toEqual(rows.map((r) => expected(r.side)));
    });
  });
});
