/**
 * Kuaishou 快手小店 客服工作台 (im.kwaixiaodian.com/workbench). React + antd, Quill editor. Medium-confidence DOM.
 * DOM facts: ../shared/docs/workbench-dom.md § Kuaishou. Selectors are data with generous fallbacks (the
 * `kwaishop-cs-` prefixed classes are matched by substring too); extract() is pure.
 */
import { isDemoPage } from '../../hosts';
import type { Author, Marker } from '../../model';
import { matches, pick, pickAll, pickAllIn, pickAllWith, shownName, text, under } from '../dom';
import {
  MessageIds,
  STAMP_TAIL,
  ThreadClock,
  closestIn,
  has,
  inDocumentOrder,
  isStampOnly,
  outermost,
  parseDurationSec,
  textWithout,
} from '../jd/helpers';
import {
  withLive,
  type Adapter,
  type ExtractedConversation,
  type ExtractedMessage,
  type Extraction,
  type Live,
  type SelectorMap,
} from '../types';

export const KUAISHOU_SELECTORS = {
  loginForm: ['.goLogin', '[class*="loginWrapper"]', '.password-form-wrapper'],
  conversationList: [
    '.SessionListGroup',
    '.SessionListGroup-FolderSessions',
    '.AllSessionList-Sessions',
    '[class*="SessionListGroup"]',
  ],
  group: ['.SessionListGroupItem'],
  groupName: ['.SessionListGroupItem-groupName', '.SessionListGroupItem-title', '[class*="groupName"]'],
  conversationRow: ['.SessionBaseCard', '.SessionBaseCard-Static', '.SessionStarCard'],
  rowName: ['.SessionBaseCard-topHeadName', '[class*="topHeadName"]'],
  rowTime: ['.SessionBaseCard-topHeadTime', '[class*="topHeadTime"]'],
  rowPreview: ['.SessionBaseCard-lastMessage', '[class*="lastMessage"]'],
  /** Not in the doc (guessed): the selected card. Fallback: the card whose name is the open thread's header. */
  rowActive: [
    '.SessionBaseCard-active',
    '.SessionBaseCard-selected',
    '[class*="SessionBaseCard-active"]',
    '[class*="SessionBaseCard-selected"]',
    '[aria-selected="true"]',
  ],
  threadHeaderName: [
    '.TargetUserHeader .LoginUserInfo-mainTitle-text',
    '.LoginUserInfo-mainTitle-text',
    '.TargetUserHeader [class*="mainTitle"]',
  ],
  messageList: ['.ChatMessageList-ContentWrap', '.ChatMessageList', '[class*="ChatMessageList"]'],
  message: [
    '.kwaishop-cs-LayoutDefaultWrapper_msgMain',
    '[class*="LayoutDefaultWrapper_msgMain"]',
    '[class*="_msgMain"]',
  ],
  /** Centred rows (system notices, cards) that may sit outside any msgMain row. */
  middleBody: ['.kwaishop-cs-LayoutMiddleWrapper_msgBody', '[class*="LayoutMiddleWrapper_msgBody"]'],
  ownSide: ['[class*="__isMine"]', '[class*="isMine"]'],
  otherSide: ['[class*="__notMe"]', '[class*="notMe"]'],
  beforeBody: ['.kwaishop-cs-LayoutDefaultWrapper_beforeMsgBody', '[class*="_beforeMsgBody"]'],
  messageBody: [
    '.kwaishop-cs-LayoutDefaultWrapper_msgBody',
    '[class*="LayoutDefaultWrapper_msgBody"]',
    '.kwaishop-cs-LayoutMiddleWrapper_msgBody',
    '[class*="LayoutMiddleWrapper_msgBody"]',
  ],
  buyerFromCard: ['.kwaishop-cs-bizBuyerFromCard', '[class*="bizBuyerFromCard"]', '[class*="BuyerFromCard"]'],
  image: ['img'],
  /** Not in the doc (guessed): a quoted earlier message inside a reply. */
  quote: ['[class*="Quote"]', '[class*="quote"]'],
  /** Not in the doc (guessed): time separators outside message rows. */
  timeDivider: ['.ChatMessageList-time', '[class*="TimeDivider"]', '[class*="timeDivider"]', '[class*="TimeLine"]'],
  input: [
    '.SendBox-Editor .ql-editor',
    'div.ql-editor[contenteditable="true"]',
    'div.ql-editor',
    '.SendBox [contenteditable="true"]',
  ],
  sendButton: ['.SendBox-buttonRight .ant-btn-primary', 'button.ant-btn-primary'],
  /** Not in the doc (guessed): the shop / agent name in the workbench header. */
  account: [
    '.WorkbenchHeader-shopName',
    '.CsUserInfo-nickName',
    'header [class*="shopName"]',
    '[class*="WorkbenchHeader"] [class*="shopName"]',
    '[class*="CsUserInfo"] [class*="nickName"]',
  ],
} as const satisfies SelectorMap;

/** The page's own reply window, used to turn a card's "X分Y秒后超时" countdown into a waiting time. */
export const KUAISHOU_CARD_WINDOW_SEC = 180;

/** Texts that make a row a session end (system). */
export const KUAISHOU_SESSION_END_TEXTS = [
  '客服超时未回复，会话关闭',
  '买家超时未回复，会话关闭',
  '会话已关闭',
  '会话已结束',
];
/** Bracketed platform labels: a system notice wherever it renders. */
export const KUAISHOU_SYSTEM_TEXTS = ['[系统消息]', '【防诈贴士】', '【系统消息】'];
/** The platform's auto-reply label: `auto` on the shop side, `system` elsewhere. */
export const KUAISHOU_AUTO_TEXTS = ['[系统自动回复消息]', '[自动回复]', '【自动回复】'];
/** Shop-side sender names / labels of the robot. */
export const KUAISHOU_ROBOT_TEXTS = ['机器人', '智能客服', '智能助手', 'AI客服'];
/** Shop-side bubble labels of a robot reply (whole phrases: a human may well mention a robot). */
export const KUAISHOU_ROBOT_LABELS = ['机器人自动回复', '此消息由机器人', '智能客服托管'];
/** Centred notices that are entry cards or transfers. */
const ENTRY_TEXTS = ['当前用户来自', '买家正在查看', '来自商品详情', '来自订单'];
const TRANSFER_TEXTS = ['转接', '转交'];

const S = KUAISHOU_SELECTORS;
/** Message wrapper ids seen on the real page: `<targetType>_<buyerId>_<seq>`. */
const MESSAGE_ID = /^\d+_\d+_[\w-]+$/;
const MESSAGE_ID_ATTRS = ['data-id', 'data-msg-id', 'data-message-id', 'data-msgid'];
const AVATAR = ['[class*="avatar"]', '[class*="Avatar"]'];
const ROW_ID_ATTRS = ['data-user-id', 'data-uid', 'data-buyer-id', 'data-target-id'];

function includesAny(t: string, list: readonly string[]): boolean {
  return list.some((x) => t.includes(x));
}

/** Drops decorations the card adds after the name (e.g. `下单数(3)`), zero-width spaces, extra blanks. */
export function normalizeNick(s: string): string {
  return s
    .replace(/\u200b/g, '')
    .replace(/\s*下单数\s*[(（]\d+[)）]\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function classify(row: Element, full: string, sender: string, buyerNick: string | undefined) {
  const r = (author: Author, marker?: Marker) => (marker ? { author, marker } : { author });
  const mine = has(row, S.ownSide);
  const theirs = !mine && has(row, S.otherSide);
  if (includesAny(full, KUAISHOU_SESSION_END_TEXTS)) return r('system', 'sessionEnd');
  if (includesAny(full, KUAISHOU_AUTO_TEXTS)) return r(mine ? 'auto' : 'system');
  if (includesAny(full, KUAISHOU_SYSTEM_TEXTS)) return r('system');
  if (has(row, S.buyerFromCard)) return r('system');
  if (mine) {
    const robot = includesAny(sender, KUAISHOU_ROBOT_TEXTS) || includesAny(full, KUAISHOU_ROBOT_LABELS);
    return r(robot ? 'robot' : 'human');
  }
  if (theirs) return r('buyer');
  // No side class: the sender label may still name the buyer (as public bots read it); else a centred notice.
  if (sender && buyerNick && normalizeNick(sender) === buyerNick) return r('buyer');
  if (includesAny(full, ENTRY_TEXTS)) return r('system');
  if (includesAny(full, TRANSFER_TEXTS)) return r('system', 'transfer');
  return r('system');
}

function messageBody(row: Element): string {
  const body = pick(row, S.messageBody);
  if (body) {
    const t = textWithout(body, S.quote) || text(body);
    if (t) return t;
    return pick(body, S.image) ? '[图片]' : '';
  }
  // No body element: the row's own text, without the sender line and the avatar (never an avatar image).
  return textWithout(row, [...S.beforeBody, ...AVATAR]);
}

function pageId(row: Element, list: ParentNode): string | null {
  for (let el: Element | null = row; el && el !== list; el = el.parentElement) {
    if (MESSAGE_ID.test(el.id)) return el.id;
  }
  for (const el of row.querySelectorAll('[id]')) if (MESSAGE_ID.test(el.id)) return el.id;
  for (const a of MESSAGE_ID_ATTRS) {
    const v = row.getAttribute(a);
    if (v) return v;
  }
  return null;
}

/** A thread read in page order, continued by append (stamps and content-hash ids carry over). */
function threadReader(list: ParentNode, buyerNick: string | undefined) {
  const clock = new ThreadClock();
  const ids = new MessageIds();
  let lastStamp = '';

  function read(mainEls: readonly Element[], middleEls: readonly Element[], dividerEls: readonly Element[]) {
    const mains = outermost(mainEls);
    const middles = outermost(middleEls).filter((m) => !mains.some((r) => r.contains(m)));
    const rows = [...mains, ...middles];
    const rowSet = new Set(rows);
    const dividers = dividerEls.filter((d) => !rows.some((r) => r.contains(d)));
    const out: ExtractedMessage[] = [];
    for (const el of inDocumentOrder([...rows, ...dividers])) {
      if (!rowSet.has(el)) {
        const s = text(el);
        if (s) {
          clock.read(s);
          lastStamp = s;
        }
        continue;
      }
      const before = text(pick(el, S.beforeBody));
      const stamp = STAMP_TAIL.exec(before)?.[0].trim() ?? '';
      const sender = stamp ? before.slice(0, before.length - stamp.length).trim() : before;
      const body = messageBody(el);
      if (!body) continue;
      const { author, marker } = classify(el, `${before} ${body}`, sender, buyerNick);
      if (author === 'system' && !stamp && isStampOnly(body)) {
        clock.read(body);
        lastStamp = body;
        continue;
      }
      let at: number | null = null;
      if (stamp) {
        at = clock.read(stamp);
        lastStamp = stamp;
      }
      const m: ExtractedMessage = {
        id: ids.id(pageId(el, list), author, lastStamp, body),
        author,
        at,
        timeSource: at === null ? null : 'stamp',
        text: body.slice(0, 500),
      };
      if (marker) m.marker = marker;
      out.push(m);
    }
    return out;
  }

  const mains = pickAllWith(list, S.message);
  const middles = pickAllWith(list, S.middleBody);
  const dividers = pickAllWith(list, S.timeDivider);
  const messages = read(mains.els, middles.els, dividers.els);
  return {
    messages,
    append(added: readonly Node[]): ExtractedMessage[] | null {
      const m = pickAllIn(added, S.message, mains.sel);
      const mid = pickAllIn(added, S.middleBody, middles.sel);
      const d = pickAllIn(added, S.timeDivider, dividers.sel);
      return m && mid && d ? read(m, mid, d) : null;
    },
  };
}

/** Seconds waited, from the card's countdown (`2分30秒后超时`), overrun (`已超时1分5秒`) or its group (已超时). */
export function parseKuaishouWaiting(cardTime: string, group: string): number | undefined {
  const after = /(.*?)后超时/.exec(cardTime);
  if (after) {
    const left = parseDurationSec(after[1] ?? '');
    if (left !== undefined) return Math.max(0, KUAISHOU_CARD_WINDOW_SEC - left);
  } else if (/超时/.test(cardTime)) {
    return KUAISHOU_CARD_WINDOW_SEC + (parseDurationSec(cardTime.replace(/.*超时/, '')) ?? 0);
  }
  const waited = /等待(.*)/.exec(cardTime);
  if (waited) {
    const w = parseDurationSec(waited[1] ?? '');
    if (w !== undefined) return w;
  }
  if (group.includes('已超时')) return KUAISHOU_CARD_WINDOW_SEC;
  return undefined;
}

function rowBuyer(row: Element, nick: string): string | null {
  for (const a of ROW_ID_ATTRS) {
    const v = row.getAttribute(a)?.trim();
    if (v) return v;
  }
  return nick || null;
}

function hasLoginText(root: ParentNode): boolean {
  const body = (root as Document).body ?? (root as Element);
  return (body?.textContent ?? '').includes('登录信息已经失效');
}

export function extractKuaishou(root: ParentNode): Extraction {
  const missing: string[] = [];
  const account = shownName(root, S.account) || null;
  if (!account) missing.push('account');
  const loggedOut = (): Extraction => ({
    health: 'loggedOut',
    account,
    conversations: [],
    thread: null,
    input: null,
    missing,
  });
  if (pick(root, S.loginForm)) return loggedOut();

  const header = pick(root, S.threadHeaderName);
  const headerNick = normalizeNick(text(header)) || undefined;
  const listEl = pick(root, S.conversationList);
  const { els, sel: rowSel } = pickAllWith(listEl ?? root, S.conversationRow);
  const rows = outermost(els);
  // A row reads its group's name too (an ancestor: a change there is outside the row, read whole).
  const readRow = (row: Element): ExtractedConversation | null => {
    const nick = normalizeNick(text(pick(row, S.rowName)));
    const buyer = rowBuyer(row, nick);
    if (!buyer) return null;
    const active = has(row, S.rowActive) || (!!headerNick && nick === headerNick);
    const c: ExtractedConversation = { buyer, row, active };
    if (nick) c.nick = nick;
    const preview = text(pick(row, S.rowPreview));
    if (preview) c.preview = preview;
    const groupEl = closestIn(row, S.group, listEl ?? null);
    const group = groupEl ? text(pick(groupEl, S.groupName)) : '';
    const w = parseKuaishouWaiting(text(pick(row, S.rowTime)), group);
    if (w !== undefined) c.waitingSec = w;
    return c;
  };
  const conversations: ExtractedConversation[] = [];
  for (const row of rows) {
    const c = readRow(row);
    if (c) conversations.push(c);
  }
  if (!listEl && !rows.length) missing.push('conversationList');
  const live: Live = {};
  if (listEl && rowSel)
    live.rows = {
      in: listEl,
      isRow: (el) => matches(el, rowSel),
      under: (node) => outermost(under(node, rowSel)),
      read: readRow,
      all: () => outermost(pickAll(listEl, [rowSel])),
    };

  const msgList: ParentNode | null = pick(root, S.messageList) ?? (pick(root, S.message) ? root : null);
  if (!listEl && !rows.length && !msgList && hasLoginText(root)) return loggedOut();
  const input = pick(root, S.input);
  let thread: Extraction['thread'] = null;
  if (msgList) {
    const active = conversations.find((c) => c.active);
    const buyer = active?.buyer ?? headerNick ?? null;
    if (buyer) {
      const nick = headerNick ?? active?.nick;
      const reader = threadReader(msgList, nick);
      thread = { buyer, ...(nick ? { nick } : {}), messages: reader.messages };
      // Only a real list container (not the whole page) takes appended messages.
      if (msgList !== root) live.thread = { in: msgList as Element, append: reader.append };
    } else missing.push('buyer');
  } else missing.push('messageList');
  if (!input && thread) missing.push('input');

  const health: Extraction['health'] =
    !listEl && !rows.length && !msgList ? 'noList' : thread && !input ? 'noInput' : 'watching';
  return withLive({ health, account, conversations, thread, input, missing }, live);
}

export const kuaishouAdapter: Adapter = {
  platform: 'kuaishou',
  selectors: KUAISHOU_SELECTORS,
  matches: (url) =>
    (url.protocol === 'https:' && url.hostname === 'im.kwaixiaodian.com' && url.pathname.startsWith('/workbench')) ||
    isDemoPage(url, 'kuaishou'),
  extract: extractKuaishou,
};
