/**
 * JD 咚咚 (dongdong.jd.com), the web workbench of JD customer service. Medium-confidence DOM.
 * DOM facts: ../shared/docs/workbench-dom.md § JD 咚咚. Selectors are data with generous fallbacks; extract() is pure.
 */
import { isDemoPage } from '../define';
import type { Author, Marker } from '../../model';
import { AUTO_REPLY_LEADING, systemMarker, labelsIn, matchesWhole, whole, type WholeText } from '../classify';
import {
  counterReading,
  has,
  inDocumentOrder,
  matches,
  matchesAny,
  outermost,
  outside,
  pick,
  pickAll,
  pickAllIn,
  pickAllWith,
  text,
  textWithout,
} from '../dom';
import { extractPage } from '../page';
import type { ThreadItem } from '../reread';
import type {
  Adapter,
  ExtractMemo,
  ExtractedConversation,
  ExtractedMessage,
  Extraction,
  Replaced,
  SelectorMap,
} from '../types';
import { dayPin, stampedReader, isStampOnly, parseDurationSec, type ItemParts, type StampedThread } from '../stamps';

export const JD_SELECTORS = {
  loginForm: ['#loginname', '#formlogin', '.login-form', 'iframe[src*="passport.jd.com"]'],
  conversationList: ['#t-alluser-wrap', '.list-compatible', '[id*="alluser-wrap"]'],
  conversationRow: ['.alluser-item', '[id^="u_"][class*="item"]'],
  rowName: ['.alluser-item-name[title]', '.alluser-item-name', '[class*="alluser-item-name"]'],
  rowPreview: [
    '.alluser-item-breifdesc',
    '.alluser-item-briefdesc',
    '[class*="breifdesc"]',
    '[class*="briefdesc"]',
    '.alluser-item-desc',
  ],
  /** Not in the doc (guessed): a "waited NN秒" marker on a row. */
  rowWaiting: ['.alluser-item-wait', '[class*="alluser-item-wait"]', '[class*="waitTime"]', '[class*="wait-time"]'],
  rowActive: ['.alluser-item_check', '.t-item-ck', '[aria-selected="true"]'],
  threadHeaderName: ['.chat-head-name > span', '.chat-head-name', '.chat-head-title'],
  messageList: ['#t-chat-scroll', '.chat-scroll-wrap', '[id*="chat-scroll"]'],
  message: ['.message', '.message_left, .message_right, .message_center, .message__system'],
  buyerSide: ['.message_left', '[class*="message_left"]'],
  shopSide: ['.message_right', '[class*="message_right"]'],
  systemSide: ['.message_center', '.message__system', '[class*="message_center"]', '[class*="message__system"]'],
  messageText: ['.message__content', '.message__text', '[class*="message__content"]', '[class*="message__text"]'],
  messageTime: ['.message__time_str', '[class*="time_str"]', '.message__time'],
  messageNick: ['.message__nickname', '[class*="message__nickname"]'],
  avatar: ['.message__avatar', '[class*="avatar"]'],
  image: ['.message__image-wrap img', '.message__image img', '.message__image', '.message__image-wrap'],
  card: ['.CardWrapper', '[class*="CardWrapper"]', '[class*="ProductCard"]'],
  /** Not in the doc (guessed): a quoted earlier message inside a reply bubble. */
  quote: ['.message__quote', '[class*="quote"]', '[class*="Quote"]'],
  /** Not in the doc (guessed): time separators outside message rows. */
  timeDivider: ['.message__date', '[class*="time-divider"]', '[class*="timeDivider"]'],
  input: [
    '.EditorContent[contenteditable="true"]',
    '.EditorContent[contenteditable]',
    '[class*="EditorContent"][contenteditable="true"]',
  ],
  sendButton: ['.SendButtonGroup > .send-button', '.send-button'],
  /** Not in the doc (guessed): the logged-in waiter / shop name. */
  account: ['.t-user-name', '.header-user-name', '[class*="waiterName"]', '[class*="waiter-name"]'],
} as const satisfies SelectorMap;

/**
 * JD's robot (京小智 / 智能客服) by the WHOLE text of the message's sender name element: a waiter whose name merely
 * contains the words (优必选机器人旗舰店-小王, a robot-toy shop's agent) is a human.
 */
export const JD_ROBOT_NICKS: readonly WholeText[] = [
  whole(
    /^(?:京小智|智能客服|智能助手|机器人)(?:\s*[(（](?:机器人|智能客服|智能助手)[)）])?$/,
    '京小智',
    '京小智（机器人）',
    '智能客服',
    '智能助手',
    '机器人',
  ),
];
/** Robot badges next to a shop-side bubble, as elements of their own (never words inside the reply). */
export const JD_ROBOT_LABELS: readonly WholeText[] = [
  whole(
    /^[[【(（]?(?:机器人(?:自动)?回复|机器人|由?智能客服回复|此消息由机器人(?:自动回复|推荐)?)[\]】)）]?$/,
    '机器人自动回复',
    '此消息由机器人',
    '由智能客服回复',
    '[机器人]',
    '【机器人】',
  ),
];
/** Auto-reply tags next to a shop-side bubble, as elements of their own (the text prefix: AUTO_REPLY_LEADING). */
export const JD_AUTO_LABELS: readonly WholeText[] = [
  whole(
    /^[[【(（]?自动回复[\]】)）]?[:：]?$/,
    '[自动回复]',
    '【自动回复】',
    '（自动回复）',
    '(自动回复)',
    '自动回复：',
  ),
];

/** Attributes a row may carry its buyer in (never seen in the doc; tried after the name's title and the row id). */
const ROW_ID_ATTRS = ['data-pin', 'data-user-id', 'data-uid', 'data-userid', 'data-customer-id'];
const ROW_ID = /^u_(.+?)(?:imcustomer|imwaiter)/i;
/** The shop a row belongs to: the venderId after `imcustomer` in the row id (`u_<pin>imcustomer<venderId>`). */
const ROW_VENDER = /^u_.+?(?:imcustomer|imwaiter)(\d+)$/i;
const MESSAGE_ID_ATTRS = ['data-id', 'data-mid', 'data-msgid', 'data-msg-id', 'data-message-id'];

const S = JD_SELECTORS;

/**
 * Structure first: the centred/system side → system (text only picks its marker); the left side → buyer; the right
 * side → auto (the leading 【自动回复】 label or an auto tag element), robot (the sender's whole nickname or a robot
 * badge element), else human. Words in a message never make it a notice, a robot or an auto-reply.
 */
function classify(
  row: Element,
  parts: RowParts,
  body: string,
  account: string | null,
): { author: Author; marker?: Marker } {
  if (matchesAny(row, S.systemSide) || parts.side('system')) {
    const marker = systemMarker(body, account);
    return marker ? { author: 'system', marker } : { author: 'system' };
  }
  if (matchesAny(row, S.buyerSide) || parts.side('buyer')) return { author: 'buyer' };
  if (matchesAny(row, S.shopSide) || parts.side('shop')) {
    if (matchesWhole(body, AUTO_REPLY_LEADING)) return { author: 'auto' };
    // The auto tag and the robot badge in one walk of the row (the badge not looked for when the name says robot).
    const robotNick = matchesWhole(text(pick(row, S.messageNick)), JD_ROBOT_NICKS);
    const labels = robotNick ? [JD_AUTO_LABELS] : [JD_AUTO_LABELS, JD_ROBOT_LABELS];
    const [auto, robotLabel] = labelsIn(row, labels, [parts.textEl]);
    if (auto) return { author: 'auto' };
    if (robotNick || robotLabel) return { author: 'robot' };
    return { author: 'human' };
  }
  return { author: 'system' };
}

/**
 * What a message row's read asks more than once, asked once: its text element (pick of S.messageText), and the
 * first element inside it of each side's fallbacks (`side(k)` = pick(row, S.<k>Side), looked up when first needed).
 */
interface RowParts {
  readonly textEl: Element | null;
  side(kind: 'buyer' | 'shop' | 'system'): Element | null;
}

const SIDES = { buyer: S.buyerSide, shop: S.shopSide, system: S.systemSide } as const;

function rowParts(row: Element): RowParts {
  const sides: Partial<Record<keyof typeof SIDES, Element | null>> = {};
  return {
    textEl: pick(row, S.messageText),
    side: (kind) => (sides[kind] !== undefined ? sides[kind] : (sides[kind] = pick(row, SIDES[kind]))),
  };
}

function messageBody(row: Element, parts: RowParts): string {
  const card = pick(row, S.card);
  if (card) return `[商品卡片] ${textWithout(card, S.messageTime)}`.trim();
  const el = parts.textEl;
  const t = el ? textWithout(el, S.quote) || text(el) : '';
  if (t) return t;
  if (pick(row, S.image)) return '[图片]';
  if (el) return '';
  // No content element (e.g. a centred notice): the row's text without time, nickname and avatar.
  return textWithout(row, [...S.messageTime, ...S.messageNick, ...S.avatar]);
}

/** The row's id, else its side element's: the first buyer, shop or system side inside it (pick of all three). */
function pageId(row: Element, parts: RowParts): string | null {
  const side = parts.side('buyer') ?? parts.side('shop') ?? parts.side('system');
  for (const el of [row, side]) {
    if (!el) continue;
    if (el.id) return el.id;
    for (const a of MESSAGE_ID_ATTRS) {
      const v = el.getAttribute(a);
      if (v) return v;
    }
  }
  return null;
}

/**
 * A thread read in page order, continued by append (stamps and content-hash ids carry over), whose messages changed
 * inside are read again where they stand (StampedReader).
 */
function threadReader(
  list: Element,
  account: string | null,
  now: number | undefined,
  pinned?: { memo: ExtractMemo | undefined; buyer: string | null },
) {
  /** A relative divider keeps the day it was first read as, per element and buyer (dayPin). */
  const pin = (el: Element, s: string) => dayPin(pinned?.memo, el, `${pinned?.buyer ?? ''}|${s}`);
  const { els, sel: msgSel } = pickAllWith(list, S.message);
  const { els: divs, sel: divSel } = pickAllWith(list, S.timeDivider);

  function readOne({ el, sep }: ThreadItem, thread: StampedThread): ItemParts | null {
    if (sep) {
      const s = text(el);
      thread.separator(s, pin(el, s));
      return null;
    }
    const parts = rowParts(el);
    const body = messageBody(el, parts);
    const { author, marker } = classify(el, parts, body, account);
    const stampText = text(pick(el, S.messageTime));
    if (author === 'system' && isStampOnly(stampText ? `${body} ${stampText}` : body)) {
      // A time separator row: context for the messages after it, not a message.
      thread.separator(stampText || body, pin(el, stampText || body));
      return null;
    }
    const at = thread.stamp(stampText);
    if (!body) return null;
    return { pageId: pageId(el, parts), author, at, body, ...(marker && { marker }) };
  }

  /** Rows and the dividers outside them, in document order. */
  const items = (rows: readonly Element[], dividers: readonly Element[]): ThreadItem[] => {
    const rowSet = new Set(rows);
    return inDocumentOrder([...rows, ...outside(dividers, rows)]).map((el) => ({
      el,
      sep: !rowSet.has(el),
    }));
  };

  /**
   * A changed (or re-rendered) row is still one row, as a fresh read finds it: it matches the message selector the read
   * chose, and no earlier fallback of the messages or the dividers (nor a first divider) shows in it (rows nested in
   * it, and dividers of the chosen fallback, are left out of the read).
   */
  const stillItem = (el: Element): boolean =>
    !!msgSel && matches(el, msgSel) && !!pickAllIn([el], S.message, msgSel) && !!pickAllIn([el], S.timeDivider, divSel);

  // With the caller's clock, times without a date (a buyer waiting since 10:00:00 when the tab opens) are today's.
  const reader = stampedReader(now, readOne, items(outermost(els), divs));
  return {
    messages: reader.messages,
    append(added: readonly Node[], at?: number): ExtractedMessage[] | null {
      const rows = pickAllIn(added, S.message, msgSel);
      const dividers = pickAllIn(added, S.timeDivider, divSel);
      if (!rows || !dividers) return null;
      // Arrived now: dateless stamps resolve against the arrival time, not the date the thread had reached.
      return reader.append(items(outermost(rows), dividers), at);
    },
    reread: (changed: readonly Node[], _now?: number, replaced?: Replaced) =>
      reader.reread(changed, replaced, list, stillItem),
  };
}

function rowIdentity(row: Element): { buyer: string | null; nick?: string } {
  const nameEl = pick(row, S.rowName);
  const nick = text(nameEl);
  const title = nameEl?.getAttribute('title')?.trim();
  const fromId = ROW_ID.exec(row.id)?.[1];
  let fromAttr: string | undefined;
  for (const a of ROW_ID_ATTRS) {
    const v = row.getAttribute(a)?.trim();
    if (v) {
      fromAttr = v;
      break;
    }
  }
  const buyer = title || fromId || fromAttr || nick || null;
  return nick ? { buyer, nick } : { buyer };
}

function readRow(row: Element): ExtractedConversation | null {
  const { buyer, nick } = rowIdentity(row);
  if (!buyer) return null;
  const c: ExtractedConversation = { buyer, row, active: has(row, S.rowActive) };
  if (nick) c.nick = nick;
  const preview = text(pick(row, S.rowPreview));
  if (preview) c.preview = preview;
  const waiting = text(pick(row, S.rowWaiting));
  const w = waiting ? parseDurationSec(waiting) : undefined;
  if (w !== undefined) c.waitingSec = w;
  return c;
}

/** Elements in the list and the thread that are no rows or messages: the list's tabs and heading (guesses). */
export const JD_PART_CHROME = {
  list: ['.c_tabs-nav-container', '.c_cas-head', '[class*="tabs-nav"]', '[class*="cas-head"]', '[class*="empty"]'],
  thread: [...S.timeDivider, '[class*="empty"]', '[class*="load-more"]', '[class*="loadMore"]'],
} as const satisfies SelectorMap;

/** The shop the rows belong to (`venderId:<id>`, from the first row id that carries one), or null. */
function venderAccount(rows: readonly Element[]): string | null {
  for (const row of rows) {
    const m = ROW_VENDER.exec(row.id);
    if (m) return `venderId:${m[1]}`;
  }
  return null;
}

export function extractJd(root: ParentNode, memo?: ExtractMemo, now?: number): Extraction {
  return extractPage({
    account: () => text(pick(root, S.account)) || null,
    loggedOut: () => !!pick(root, S.loginForm),
    list() {
      const listEl = pick(root, S.conversationList);
      const { els, sel: rowSel } = pickAllWith(listEl ?? root, S.conversationRow);
      return {
        listEl,
        rowSel,
        rows: outermost(els),
        read: readRow,
        nested: true,
        waitingCounter: (el, row, known) => counterReading(el, row, S.rowWaiting, parseDurationSec, known),
        chrome: JD_PART_CHROME.list,
      };
    },
    // The waiter's name when the page shows it, else the shop the rows' ids carry (two shops' tabs never merge).
    accountOf: (list) => venderAccount(list.rows),
    input: () => pick(root, S.input),
    thread({ conversations, account }) {
      const msgList = pick(root, S.messageList);
      const active = conversations.find((c) => c.active);
      const header = pick(root, S.threadHeaderName);
      const headerName = text(header);
      const titled = header?.getAttribute('title')?.trim();
      const nick = headerName || active?.nick;
      const buyer = active?.buyer ?? (titled || headerName || null);
      return {
        container: msgList,
        // A conversation is open when a row is selected or the chat header names someone.
        open: conversations.some((c) => c.active) || !!(headerName || titled),
        buyer,
        ...(nick && { nick }),
        chrome: JD_PART_CHROME.thread,
        items: () => (msgList ? pickAll(msgList, S.message).length : 0),
        read: () => threadReader(msgList!, account, now, { memo, buyer }),
      };
    },
  });
}

export const jdAdapter: Adapter = {
  platform: 'jd',
  // workbench-dom.md § JD: the buyer in the row name's `title`, the input's `contenteditable`; guessed (not in the
  // doc): the buyer and message id attributes the adapter falls back on, a selected row's `aria-selected`.
  attributes: ['title', 'contenteditable', 'aria-selected', ...ROW_ID_ATTRS, ...MESSAGE_ID_ATTRS],
  // Left of the unread count in the row's bottom-right corner (room for "99+").
  badgeSlot: { right: 44 },
  selectors: JD_SELECTORS,
  matches: (url) => (url.protocol === 'https:' && url.hostname === 'dongdong.jd.com') || isDemoPage(url, 'jd'),
  extract: extractJd,
};
