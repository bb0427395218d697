// @vitest-environment jsdom
/**
 * Issue 21, the whole read of a long JD / Kuaishou thread: the per-message DOM work cut without changing a reading.
 * - textWithout walks the element and skips the dropped subtrees instead of cloning it: the clone's answer, always;
 * - labelsIn finds the auto tag and the robot badge in one walk: hasLabel's (pairwise form's) answers, always;
 * - JD asks a row's sides once (classify and pageId share them) and picks its text element once, Kuaishou its bubble
 *   once: each adapter reads random threads (hostile ones: labels inside / around / beside the text, nested side
 *   wrappers, emoji and images, keywords in the text) as the old functions, kept here, read them;
 * The count of DOM calls a whole read makes: whole-read-counts.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AUTO_REPLY_LEADING,
  labelsIn,
  matchesWhole,
  sideMarker,
  systemMarker,
  whole,
  type WholeText,
} from '../../lib/platforms/classify';
import { has, outermost, pick, pickAll, text, textOfClone, textWithout } from '../../lib/platforms/dom';
import { JD_AUTO_LABELS, JD_ROBOT_LABELS, JD_ROBOT_NICKS, JD_SELECTORS as J, jdAdapter } from '../../lib/platforms/jd';
import {
  KUAISHOU_AUTO_LABELS,
  KUAISHOU_ROBOT_LABELS,
  KUAISHOU_ROBOT_TEXTS,
  KUAISHOU_SELECTORS as K,
  kuaishouAdapter,
  normalizeNick,
} from '../../lib/platforms/kuaishou';
import { STAMP_TAIL, isStampOnly } from '../../lib/platforms/stamps';
import type { Adapter } from '../../lib/platforms/types';
import { pairwiseHasLabel as pairwise } from './helpers/has-label-pairwise';
import { mulberry32 } from './helpers/random';

afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

const WORDS = [
  '您好',
  '机器人',
  '[自动回复]',
  '【自动回复】欢迎光临',
  '此消息由机器人',
  '会话已结束',
  '👍🏻',
  '  有 现货\n吗  ',
  '17:12:14',
  '',
];
const CLASSES = [
  'message__quote',
  'message__time_str',
  'message__nickname',
  'message__avatar',
  'reply-quote',
  'QuoteBox',
  'kwaishop-cs-LayoutDefaultWrapper_beforeMsgBody',
  'userAvatar',
  'plain',
  'message__text',
  '',
];

/** A seeded random subtree: elements of random classes, text (emoji, blanks, keywords), images and comments. */
function randomTree(rand: () => number, size: number): Element {
  const pickOf = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const top = document.createElement('div');
  const all: Element[] = [top];
  for (let i = 0; i < size; i++) {
    const parent = pickOf(all);
    const r = rand();
    if (r < 0.3) parent.append(pickOf(WORDS));
    else if (r < 0.35) parent.append(document.createComment('注释'));
    else if (r < 0.42) parent.append(Object.assign(document.createElement('img'), { alt: '图' }));
    else {
      const el = document.createElement(rand() < 0.6 ? 'div' : 'span');
      const cls = [pickOf(CLASSES), rand() < 0.3 ? pickOf(CLASSES) : ''].filter(Boolean).join(' ');
      if (cls) el.className = cls;
      parent.append(el);
      all.push(el);
    }
  }
  document.body.append(top);
  return top;
}

describe('textWithout (a walk, no clone)', () => {
  const DROPS: readonly (readonly string[])[] = [
    J.quote,
    [...J.messageTime, ...J.messageNick, ...J.avatar],
    J.messageTime,
    K.quote,
    [...K.beforeBody, '[class*="avatar"]', '[class*="Avatar"]'],
    ['div.plain', 'span'],
    ['.plain .message__text', '[bad'], // a combinator, a bad selector: the clone answers
    [],
  ];

  it("answers as the clone on random trees, for every element and the adapters' drop lists", () => {
    const rand = mulberry32(2106);
    let differs = 0;
    for (let seed = 0; seed < 300; seed++) {
      const top = randomTree(rand, 3 + Math.floor(rand() * 40));
      for (const el of [top, ...top.querySelectorAll('*')]) {
        for (const drop of DROPS) {
          const want = textOfClone(el, drop);
          expect(textWithout(el, drop), `seed ${seed}, drop ${drop.join(',')}`).toBe(want);
          if (want !== text(el)) differs++;
        }
      }
      document.body.replaceChildren();
    }
    // Something was dropped often (not only the plain-text path).
    expect(differs).toBeGreaterThan(1_000);
  });

  it('keeps the text around a dropped quote, emoji and blanks as the clone did', () => {
    document.body.innerHTML =
      '<div id="t"><div class="message__quote">这款有现货吗</div>有的 👍🏻<!-- x --><b> 亲 </b></div>';
    const el = document.getElementById('t')!;
    expect(textWithout(el, J.quote)).toBe('有的 👍🏻 亲');
    expect(textWithout(el, J.quote)).toBe(textOfClone(el, J.quote));
  });
});

describe('labelsIn (auto and robot labels in one walk)', () => {
  const AUTO: readonly WholeText[] = [whole(/^(?:自动回复|\[自动回复\])$/, '自动回复')];
  const ROBOT: readonly WholeText[] = [whole(/^(?:机器人|此消息由机器人)$/, '机器人')];

  it('answers as hasLabel for each list (the pairwise form) on random rows and text elements', () => {
    const rand = mulberry32(2107);
    const pickOf = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const seen = new Set<string>();
    for (let seed = 0; seed < 400; seed++) {
      const top = randomTree(rand, 4 + Math.floor(rand() * 30));
      const other = randomTree(rand, 3);
      const all = [top, ...top.querySelectorAll('*')];
      for (let k = 0; k < 10; k++) {
        const row = pickOf(all);
        const textEls: (Element | null)[] = [];
        for (let i = Math.floor(rand() * 3); i > 0; i--) {
          const r = rand();
          textEls.push(r < 0.1 ? null : r < 0.2 ? other : r < 0.3 ? row : pickOf(all));
        }
        const lists = rand() < 0.2 ? [AUTO] : [AUTO, ROBOT];
        const want = lists.map((l) => pairwise(row, l, textEls));
        expect(labelsIn(row, lists, textEls), `seed ${seed}, row ${k}`).toEqual(want);
        seen.add(want.join());
      }
      document.body.replaceChildren();
    }
    expect([...seen].sort()).toEqual(['false', 'false,false', 'false,true', 'true', 'true,false', 'true,true']);
  });
});

// ---- The adapters against their old functions, on random threads ----

const oldJdClassify = (row: Element, body: string) => {
  if (has(row, J.systemSide)) return { author: 'system', marker: systemMarker(body, null) };
  if (has(row, J.buyerSide)) return { author: 'buyer' };
  if (has(row, J.shopSide)) {
    const nick = text(pick(row, J.messageNick));
    const textEl = [pick(row, J.messageText)];
    if (matchesWhole(body, AUTO_REPLY_LEADING) || pairwise(row, JD_AUTO_LABELS, textEl)) return { author: 'auto' };
    if (matchesWhole(nick, JD_ROBOT_NICKS) || pairwise(row, JD_ROBOT_LABELS, textEl)) return { author: 'robot' };
    return { author: 'human' };
  }
  return { author: 'system' };
};

const oldJdBody = (row: Element): string => {
  const card = pick(row, J.card);
  if (card) return `[商品卡片] ${textOfClone(card, J.messageTime)}`.trim();
  const el = pick(row, J.messageText);
  const t = el ? textOfClone(el, J.quote) || text(el) : '';
  if (t) return t;
  if (pick(row, J.image)) return '[图片]';
  if (el) return '';
  return textOfClone(row, [...J.messageTime, ...J.messageNick, ...J.avatar]);
};

const oldJdPageId = (row: Element): string | null => {
  const side = pick(row, [...J.buyerSide, ...J.shopSide, ...J.systemSide]);
  for (const el of [row, side]) {
    if (!el) continue;
    if (el.id) return el.id;
    for (const a of ['data-id', 'data-mid', 'data-msgid', 'data-msg-id', 'data-message-id']) {
      const v = el.getAttribute(a);
      if (v) return v;
    }
  }
  return null;
};

const oldKsBody = (row: Element): string => {
  const body = pick(row, K.messageBody);
  if (body) {
    const t = textOfClone(body, K.quote) || text(body);
    if (t) return t;
    return pick(body, K.image) ? '[图片]' : '';
  }
  return textOfClone(row, [...K.beforeBody, '[class*="avatar"]', '[class*="Avatar"]']);
};

const oldKsClassify = (row: Element, list: Element, body: string, sender: string, buyerNick: string) => {
  if (has(row, K.buyerFromCard)) return { author: 'system' };
  const side = sideMarker(row, K.ownSide, K.otherSide, list);
  if (side === 'own') {
    const textEl = [pick(row, K.messageBody)];
    if (matchesWhole(body, AUTO_REPLY_LEADING) || pairwise(row, KUAISHOU_AUTO_LABELS, textEl))
      return { author: 'auto' };
    const robot = matchesWhole(sender, KUAISHOU_ROBOT_TEXTS) || pairwise(row, KUAISHOU_ROBOT_LABELS, textEl);
    return { author: robot ? 'robot' : 'human' };
  }
  if (side === 'other') return { author: 'buyer' };
  if (sender && normalizeNick(sender) === buyerNick) return { author: 'buyer' };
  return { author: 'system', marker: systemMarker(body, null) };
};

/** Random bits of a message row: its words, labels placed inside / around / beside the text, wrappers. */
function rowMaker(rand: () => number) {
  const pickOf = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const words = ['您好', '这款有现货吗 机器人', '【自动回复】欢迎光临', '[自动回复] 在的', '会话已结束', '👍🏻 好的', ''];
  const labels = ['机器人', '[自动回复]', '自动回复', '此消息由机器人', '智能客服托管', '机器人自动回复', '机器人玩具'];
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  /** Text (maybe an image, maybe a label) in a text element, maybe in wrappers, a label beside or around. */
  const content = (textCls: string, quoteCls: string) => {
    let inner = esc(pickOf(words));
    if (rand() < 0.2) inner += '<img src="data:," alt="">';
    if (rand() < 0.2) inner = `<span class="${quoteCls}">${esc(pickOf(words))}</span>${inner}`;
    if (rand() < 0.15) inner += `<i>${esc(pickOf(labels))}</i>`; // a label inside the text
    let t = `<div class="${textCls}">${inner}</div>`;
    if (rand() < 0.3) t = `<div class="wrap">${t}</div>`;
    if (rand() < 0.25) t += `<span class="tag">${esc(pickOf(labels))}</span>`; // beside
    if (rand() < 0.1) t = `<div class="tag-around"><em>${esc(pickOf(labels))}</em>${t}</div>`; // around
    return t;
  };
  return { pickOf, content, esc };
}

function jdRow(rand: () => number, i: number): string {
  const { pickOf, content, esc } = rowMaker(rand);
  const sides = ['message_left', 'message_right', 'message_center', 'message__system', 'x-message_right-y', 'none'];
  const side = pickOf(sides);
  let inner = '';
  if (rand() < 0.6)
    inner += `<span class="message__nickname">${esc(pickOf(['客服01', '京小智', '机器人', '优必选机器人旗舰店-小王']))}</span>`;
  if (rand() < 0.5) inner += '<span class="message__time_str">17:12:14</span>';
  if (rand() < 0.2) inner += '<img class="message__avatar" src="data:," alt="">';
  const r = rand();
  if (r < 0.1) inner += `<div class="CardWrapper">商品 ¥59<span class="message__time_str">17:00</span></div>`;
  else if (r < 0.2) inner += `<div class="message__image-wrap"><img src="data:," alt=""></div>`;
  else if (r < 0.3) inner += esc(pickOf(['顾客从商品详情页进入咨询', '会话已转接给 客服02', '']));
  else inner += content(pickOf(['message__content', 'message__text']), 'message__quote');
  const id = rand() < 0.5 ? ` id="m-${i}"` : rand() < 0.3 ? ` data-msgid="d-${i}"` : '';
  // A second side inside (hostile: a quoted row's side), or wrappers between the row and its side.
  if (rand() < 0.1) inner += `<div class="${pickOf(sides)}">引用</div>`;
  let body = side === 'none' ? inner : `<div class="${side}"${id}>${inner}</div>`;
  if (rand() < 0.2) body = `<div class="bubble-wrap">${body}</div>`;
  return `<div class="message"${rand() < 0.1 ? ` id="row-${i}"` : ''}>${body}</div>`;
}

function ksRow(rand: () => number, i: number): string {
  const { pickOf, content, esc } = rowMaker(rand);
  const side = pickOf(['__isMine', '__notMe', '']);
  const before =
    rand() < 0.7
      ? `<div class="kwaishop-cs-LayoutDefaultWrapper_beforeMsgBody">${esc(pickOf(['快乐小番茄', '机器人', '智能客服', '客服小美', '']))} ${rand() < 0.6 ? '17:12:14' : ''}</div>`
      : '';
  const bodyHtml =
    rand() < 0.1
      ? `<div class="x">${esc(pickOf(['会话已结束', '客服 小美 接入', '您好']))}</div>`
      : rand() < 0.1
        ? '<div class="kwaishop-cs-bizBuyerFromCard">来自商品</div>'
        : content('kwaishop-cs-LayoutDefaultWrapper_msgBody', 'QuoteBox');
  const mark = side && rand() < 0.7 ? ` kwaishop-cs-LayoutDefaultWrapper_msgMain${side}` : '';
  const inside = side && !mark && rand() < 0.5 ? `<div class="bubble${side}"></div>` : '';
  const avatar = rand() < 0.3 ? '<img class="userAvatar" src="data:," alt="">' : '';
  const row = `<div class="kwaishop-cs-LayoutDefaultWrapper_msgMain${mark}">${avatar}${before}${inside}${bodyHtml}</div>`;
  // A side marker on a wrapper above the row, sometimes; wrapper ids like the page's (`1_123_<seq>`).
  return side && !mark && !inside
    ? `<div class="wrap${side}" id="1_99_${i}">${row}</div>`
    : `<div id="1_99_${i}">${row}</div>`;
}

function load(file: string, list: string, rows: string): Element {
  document.documentElement.innerHTML = readFileSync(join(process.cwd(), file), 'utf8');
  const box = document.querySelector(list)!;
  box.innerHTML = rows;
  return box;
}

const read = (adapter: Adapter) =>
  (adapter.extract(document, undefined, Date.UTC(2026, 8, 8, 12)).thread?.messages ?? []).map((m) => ({
    author: m.author,
    text: m.text,
    ...(m.marker && { marker: m.marker }),
  }));

describe('JD and Kuaishou read random threads as their old functions did', () => {
  it('JD: sides asked once, the text element picked once, labels in one walk', () => {
    const rand = mulberry32(2108);
    const authors = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const box = load(
        'test/fixtures/jd/thread.html',
        '#t-chat-scroll',
        Array.from({ length: 25 }, (_, i) => jdRow(rand, i)).join(''),
      );
      const want: { author: string; text: string; marker?: string }[] = [];
      const ids: (string | null)[] = [];
      for (const row of outermost(pickAll(box, J.message))) {
        const body = oldJdBody(row);
        const { author, marker } = oldJdClassify(row, body);
        const stamp = text(pick(row, J.messageTime));
        if (author === 'system' && isStampOnly(stamp ? `${body} ${stamp}` : body)) continue;
        if (!body) continue;
        want.push({ author, text: body, ...(marker && { marker }) });
        ids.push(oldJdPageId(row));
        authors.add(author);
      }
      const got = jdAdapter.extract(document, undefined, Date.UTC(2026, 8, 8, 12)).thread?.messages ?? [];
      expect(read(jdAdapter), `seed ${seed}`).toEqual(want);
      // The page's id where the old pageId found one (ids are unique here).
      got.forEach((m, i) => {
        if (ids[i]) expect(m.id, `seed ${seed}, message ${i}`).toContain(ids[i]);
      });
    }
    expect([...authors].sort()).toEqual(['auto', 'buyer', 'human', 'robot', 'system']);
  });

  it('Kuaishou: the bubble picked once, labels in one walk', () => {
    const rand = mulberry32(2109);
    const authors = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const box = load(
        'test/fixtures/kuaishou/thread.html',
        '.ChatMessageList-ContentWrap',
        Array.from({ length: 25 }, (_, i) => ksRow(rand, i)).join(''),
      );
      const want: { author: string; text: string; marker?: string }[] = [];
      for (const row of outermost(pickAll(box, K.message))) {
        const before = text(pick(row, K.beforeBody));
        const stamp = STAMP_TAIL.exec(before)?.[0].trim() ?? '';
        const sender = stamp ? before.slice(0, before.length - stamp.length).trim() : before;
        const body = oldKsBody(row);
        if (!body) continue;
        const { author, marker } = oldKsClassify(row, box, body, sender, '快乐小番茄');
        if (author === 'system' && !stamp && isStampOnly(body)) continue;
        want.push({ author, text: body, ...(marker && { marker }) });
        authors.add(author);
      }
      expect(read(kuaishouAdapter), `seed ${seed}`).toEqual(want);
    }
    expect([...authors].sort()).toEqual(['auto', 'buyer', 'human', 'robot', 'system']);
  });
});
