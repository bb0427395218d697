/**
 * Pinduoduo 商家后台 客服聊天 (mms.pinduoduo.com/chat-merchant). Vue 2, no iframe.
 * DOM facts: ../shared/docs/workbench-dom.md § Pinduoduo. Selectors are data; extract() is pure.
 */
import { isDemoPage } from '../../hosts';
import type { Author } from '../../model';
import { hash, matchesAny, parseChinaStamp, pick, pickAll, text } from '../dom';
import type { Adapter, ExtractMemo, ExtractedConversation, ExtractedMessage, Extraction, SelectorMap } from '../types';

export const PDD_SELECTORS = {
  loginForm: ['.login-content', 'form[class*="login"]', '#usernameId'],
  conversationList: ['.chat-list', 'ul.chat-list', '.conversation-list', '[class*="chat-list"]'],
  conversationRow: ['li.chat-item', '.chat-item'],
  rowBox: ['div.chat-item-box', '[data-random]'],
  rowNick: ['.nickname-span', '.nickname'],
  rowPreview: ['p.chat-message-content', '.chat-message-content'],
  rowWaiting: ['.chat-unreply-time', '.chat-unreply-over-time'],
  threadHeaderName: ['.chatWindowHeader .base-info .name', '.chatWindowHeader .name'],
  messageList: ['#msgListContainer ul.msg-list', '#msgListContainer .msg-list', 'ul.msg-list'],
  message: ['li.onemsg', 'li[id^="middlePanel_list_"]'],
  messageTime: ['p.message-time', '.message-time'],
  buyerSide: ['div.buyer-item', '.buyer-item'],
  shopSide: ['div.cs-item', '.cs-item'],
  robotSide: ['div.cs-item.callback', '.cs-item.callback'],
  shopSideNick: ['p.nickname > span', '.nickname span', 'p.nickname'],
  messageText: [
    '.quote-new-msg',
    '.msg-content p.msg-content-box',
    '.msg-content-box',
    '.msg-content',
    '[class*="system-msg"]',
  ],
  goodsCard: ['.msg-content.good-card', '.good-card'],
  buyerUid: ['[currentuid]'],
  input: ['textarea#replyTextarea', '.reply-box textarea', 'textarea.custom-scroll'],
  account: ['.mall-name', '.header-mall-name', '[class*="mallName"]', '.user-info .name'],
} as const satisfies SelectorMap;

/** Texts that mark a row as a system notice even when it renders on a buyer or shop side. */
export const PDD_SYSTEM_TEXTS = [
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
];

const S = PDD_SELECTORS;
const ID_TIME = /^middlePanel_list_(\d{12,14})$/;

function isSystemText(t: string): boolean {
  return PDD_SYSTEM_TEXTS.some((x) => t.includes(x));
}

function classify(li: Element, body: string): Author {
  if (pick(li, S.robotSide) && text(pick(li, S.shopSideNick)).includes('机器人')) return 'robot';
  if (pick(li, S.buyerSide)) return isSystemText(body) ? 'system' : 'buyer';
  if (pick(li, S.shopSide)) {
    if (isSystemText(body)) return 'system';
    return text(pick(li, S.shopSideNick)) === '机器人' ? 'robot' : 'human';
  }
  return 'system';
}

function messageBody(li: Element): string {
  const card = pick(li, S.goodsCard);
  if (card) return `[商品卡片] ${text(card)}`.trim();
  const el = pick(li, S.messageText);
  if (el) {
    const clone = el.cloneNode(true) as Element;
    clone.querySelectorAll('[class*="be-quote"]').forEach((q) => q.remove());
    const t = text(clone);
    if (t) return t;
  }
  if (li.querySelector('img')) return '[图片]';
  return text(li);
}

/** A message element's result, valid while the element is untouched and follows the same time stamp. */
interface MessageMemo {
  before: number | null;
  after: number | null;
  msg: ExtractedMessage;
}

function extractMessages(list: Element, memo?: ExtractMemo): ExtractedMessage[] {
  const out: ExtractedMessage[] = [];
  let lastStamp: number | null = null;
  for (const li of pickAll(list, S.message)) {
    const hit = memo?.get(li) as MessageMemo | undefined;
    if (hit && 'msg' in hit && hit.before === lastStamp) {
      out.push(hit.msg);
      lastStamp = hit.after;
      continue;
    }
    const before = lastStamp;
    const body = messageBody(li);
    const author = classify(li, body);
    const idMatch = ID_TIME.exec(li.id);
    const stampEl = pick(li, S.messageTime);
    const stamp = stampEl ? parseChinaStamp(text(stampEl)) : null;
    if (stamp !== null) lastStamp = stamp;
    let at: number | null = null;
    let timeSource: ExtractedMessage['timeSource'] = null;
    if (idMatch) {
      at = Number(idMatch[1]);
      timeSource = 'id';
    } else if (stamp !== null) {
      at = stamp;
      timeSource = 'stamp';
    }
    const id = li.id || `h${hash(`${author}|${lastStamp ?? ''}|${body}`)}`;
    const msg: ExtractedMessage = { id, author, at, timeSource, text: body.slice(0, 500) };
    memo?.set(li, { before, after: lastStamp, msg } satisfies MessageMemo);
    out.push(msg);
  }
  return out;
}

/** The whole list's messages, reused as one array while nothing inside the list changed. */
function threadMessages(list: Element, memo?: ExtractMemo): ExtractedMessage[] {
  const hit = memo?.get(list) as { messages?: ExtractedMessage[] } | undefined;
  if (hit?.messages) return hit.messages;
  const messages = extractMessages(list, memo);
  memo?.set(list, { messages });
  return messages;
}

function rowBuyer(row: Element): string | null {
  const box = pick(row, S.rowBox) ?? (matchesAny(row, S.rowBox) ? row : null);
  const random = box?.getAttribute('data-random');
  if (!random) return null;
  return random.split('-')[0] || null;
}

function parseWaiting(s: string): number | undefined {
  const m = /(\d+)\s*秒/.exec(s);
  if (m) return Number(m[1]);
  const mm = /(\d+)\s*分/.exec(s);
  if (mm) return Number(mm[1]) * 60;
  const hh = /(\d+)\s*小时/.exec(s);
  if (hh) return Number(hh[1]) * 3600;
  return undefined;
}

function extractRow(row: Element): ExtractedConversation | null {
  const buyer = rowBuyer(row);
  if (!buyer) return null;
  const box = pick(row, S.rowBox);
  const waitingText = text(pick(row, S.rowWaiting));
  const c: ExtractedConversation = {
    buyer,
    row: box ?? row,
    active: !!box?.classList.contains('active') || row.classList.contains('active'),
  };
  const nick = text(pick(row, S.rowNick));
  if (nick) c.nick = nick;
  const preview = text(pick(row, S.rowPreview));
  if (preview) c.preview = preview;
  const w = waitingText ? parseWaiting(waitingText) : undefined;
  if (w !== undefined) c.waitingSec = w;
  return c;
}

export function extractPdd(root: ParentNode, memo?: ExtractMemo): Extraction {
  const missing: string[] = [];
  const account = text(pick(root, S.account)) || null;
  if (!account) missing.push('account');
  if (pick(root, S.loginForm)) {
    return { health: 'loggedOut', account, conversations: [], thread: null, input: null, missing };
  }
  const listEl = pick(root, S.conversationList);
  const rows = listEl ? pickAll(listEl, S.conversationRow) : pickAll(root, S.conversationRow);
  const conversations: ExtractedConversation[] = [];
  for (const row of rows) {
    const hit = memo?.get(row) as { conv: ExtractedConversation | null } | undefined;
    const c = hit && 'conv' in hit ? hit.conv : extractRow(row);
    if (!hit) memo?.set(row, { conv: c });
    if (c) conversations.push(c);
  }
  if (!listEl && !rows.length) missing.push('conversationList');

  const msgList = pick(root, S.messageList);
  const input = pick(root, S.input);
  let thread: Extraction['thread'] = null;
  if (msgList) {
    const uid =
      pick(msgList, S.buyerUid)?.getAttribute('currentuid') ?? conversations.find((c) => c.active)?.buyer ?? null;
    if (uid) {
      const nick = text(pick(root, S.threadHeaderName)) || conversations.find((c) => c.buyer === uid)?.nick;
      thread = { buyer: uid, ...(nick ? { nick } : {}), messages: threadMessages(msgList, memo) };
    } else missing.push('buyerUid');
  } else missing.push('messageList');
  if (!input && thread) missing.push('input');

  const health: Extraction['health'] = !listEl && !rows.length ? 'noList' : thread && !input ? 'noInput' : 'watching';
  return { health, account, conversations, thread, input, missing };
}

export const pddAdapter: Adapter = {
  platform: 'pdd',
  selectors: PDD_SELECTORS,
  matches: (url) =>
    (url.hostname === 'mms.pinduoduo.com' && url.pathname.startsWith('/chat-merchant')) || isDemoPage(url, 'pdd'),
  extract: extractPdd,
};
