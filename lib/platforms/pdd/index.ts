/**
 * Pinduoduo 商家后台 客服聊天 (mms.pinduoduo.com/chat-merchant). Vue 2, no iframe.
 * DOM facts: ../shared/docs/workbench-dom.md § Pinduoduo. Selectors are data; extract() is pure.
 */
import { isDemoPage } from '../define';
import type { Author } from '../../model';
import {
  counterReading,
  hash,
  matchesAny,
  messageIndexOf,
  parseChinaStamp,
  pick,
  pickAll,
  pickAllIn,
  pickAllWith,
  text,
  under,
} from '../dom';
import { extractPage } from '../page';
import { parseDurationSec } from '../stamps';
import {
  sameMessage,
  type Adapter,
  type ExtractMemo,
  type ExtractedConversation,
  type ExtractedMessage,
  type Extraction,
  type MessageChange,
  type Replaced,
  type SelectorMap,
} from '../types';

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
  /**
   * The textarea today; workbenches change editors, so a contenteditable in the reply box too (scoped to
   * `.reply-box`: message bubbles are never the input; `contenteditable="false"` never matches).
   */
  input: [
    'textarea#replyTextarea',
    '.reply-box textarea',
    'textarea.custom-scroll',
    '.reply-box [contenteditable]:not([contenteditable="false"])',
  ],
  account: ['.mall-name', '.header-mall-name', '[class*="mallName"]', '.user-info .name'],
} as const satisfies SelectorMap;

/** The robot's nickname on its `cs-item` (`callback`) replies, as the WHOLE nickname (not 机器人玩具店小王). */
export const PDD_ROBOT_NICK = '机器人';
const isRobotNick = (nick: string) => nick === PDD_ROBOT_NICK;

const S = PDD_SELECTORS;
const ID_TIME = /^middlePanel_list_(\d{12,14})$/;

/**
 * Structure only: buyer-item → buyer; cs-item → robot by its nickname (机器人), else human: the cards the shop sends
 * (seed 004 ①–⑧, ⑥ 免拼卡 and ⑦ 小额收款 included) are the agent's; neither → system (e.g. `div.system-msg-31`). Words
 * in a message (转接, 收货地址修改成功, the doc's notice texts, 免拼卡) never classify it.
 */
function classify(li: Element): Author {
  const nick = text(pick(li, S.shopSideNick));
  if (pick(li, S.robotSide) && isRobotNick(nick)) return 'robot';
  if (pick(li, S.buyerSide)) return 'buyer';
  if (pick(li, S.shopSide)) return isRobotNick(nick) ? 'robot' : 'human';
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

/**
 * Reads message elements in page order; `fold` carries the last time stamp from one call to the next. `afters`: the
 * stamp after each message is pushed there (a live re-read starts from the one before its message).
 */
function readMessages(
  items: readonly Element[],
  fold: { lastStamp: number | null },
  memo?: ExtractMemo,
  afters?: (number | null)[],
): ExtractedMessage[] {
  const out: ExtractedMessage[] = [];
  for (const li of items) {
    out.push(readMessage(li, fold, memo));
    afters?.push(fold.lastStamp);
  }
  return out;
}

/** One message element, read after the stamp `fold` holds (which it moves on). */
function readMessage(li: Element, fold: { lastStamp: number | null }, memo?: ExtractMemo): ExtractedMessage {
  const hit = memo?.get(li) as MessageMemo | undefined;
  if (hit && 'msg' in hit && hit.before === fold.lastStamp) {
    fold.lastStamp = hit.after;
    return hit.msg;
  }
  const before = fold.lastStamp;
  const body = messageBody(li);
  const author = classify(li);
  const idMatch = ID_TIME.exec(li.id);
  const stampEl = pick(li, S.messageTime);
  const stamp = stampEl ? parseChinaStamp(text(stampEl)) : null;
  if (stamp !== null) fold.lastStamp = stamp;
  let at: number | null = null;
  let timeSource: ExtractedMessage['timeSource'] = null;
  if (idMatch) {
    at = Number(idMatch[1]);
    timeSource = 'id';
  } else if (stamp !== null) {
    at = stamp;
    timeSource = 'stamp';
  }
  const id = li.id || `h${hash(`${author}|${fold.lastStamp ?? ''}|${body}`)}`;
  const msg: ExtractedMessage = { id, author, at, timeSource, text: body.slice(0, 500) };
  memo?.set(li, { before, after: fold.lastStamp, msg } satisfies MessageMemo);
  return msg;
}

interface ThreadMemo {
  messages: ExtractedMessage[];
  /** The message selector that matched, and the stamp after the last message (to continue the read). */
  sel: string | null;
  lastStamp: number | null;
  /**
   * The message elements (one message each, in order) and the stamp after each, for the live part, which grows
   * and rewrites them (and `messages`, through the caller) once a change inside the list has dropped this entry
   * from the memo; `index`: element → index, built on the first re-read.
   */
  els: Element[];
  afters: (number | null)[];
  index?: Map<Element, number>;
}

/** The whole list's messages, reused as one array while nothing inside the list changed. */
function threadMessages(list: Element, memo?: ExtractMemo): ThreadMemo {
  const hit = memo?.get(list) as ThreadMemo | undefined;
  if (hit?.messages) return hit;
  const { els, sel } = pickAllWith(list, S.message);
  const fold = { lastStamp: null as number | null };
  const afters: (number | null)[] = [];
  const messages = readMessages(els, fold, memo, afters);
  const read: ThreadMemo = { messages, sel, lastStamp: fold.lastStamp, els, afters };
  memo?.set(list, read);
  return read;
}

/** Whitespace or a comment between the list's items (frameworks add them): neither a message nor a change. */
const blank = (n: Node) => n.nodeType === 8 || (n.nodeType === 3 && !n.textContent?.trim());

/**
 * Messages the page re-rendered as new elements in their places (Vue/React: the old element removed, a new one
 * inserted where it stood): each inserted element takes the place (index) of the removed message whose neighbours it
 * now sits between, one for one, when it is one message by the chosen selector. Returns the indices taken over, or
 * null: anything else (an item inserted where none was removed — history loaded above —, a message taken out,
 * neighbours that were re-rendered too, anything between them that is no message) is read whole.
 */
function rerendered(
  read: ThreadMemo,
  list: Element,
  { removed, inserted }: Replaced,
  index: Map<Element, number>,
): number[] | null {
  const olds = removed.filter((n) => !blank(n));
  const news = inserted.filter((n) => !blank(n));
  if (olds.length !== news.length) return null;
  const gone = new Map<Element, number>();
  for (const n of olds) {
    const i = index.get(n as Element);
    if (i === undefined || n.parentNode) return null;
    gone.set(n as Element, i);
  }
  const out: number[] = [];
  for (const n of news) {
    if (n.parentNode !== list || n.nodeType !== 1) return null;
    const el = n as Element;
    const before = el.previousElementSibling;
    const after = el.nextElementSibling;
    const i = before ? index.get(before)! + 1 : 0;
    // Its place: right after the message read before the one it replaces, right before the one read after it.
    if ((before && !index.has(before)) || read.els[i + 1] !== (after ?? undefined)) return null;
    const old = read.els[i];
    if (!old || gone.get(old) !== i || pickAllIn([el], S.message, read.sel)?.length !== 1) return null;
    gone.delete(old);
    read.els[i] = el;
    index.delete(old);
    index.set(el, i);
    out.push(i);
  }
  return out;
}

/**
 * The live thread's re-read (Live `thread.reread`) over the read the live part continues (see ThreadMemo `els`).
 * `fold`: the append's stamp, moved when a re-read reaches the last message. `buyerStays`: is the thread still the
 * buyer's (`uidInside`: a changed message holds a uid).
 */
function rereadMessages(
  read: ThreadMemo,
  list: Element,
  fold: { lastStamp: number | null },
  changed: readonly Node[],
  replaced: Replaced | undefined,
  buyerStays: (uidInside: boolean) => boolean,
  memo?: ExtractMemo,
): MessageChange[] | null {
  if (!read.sel) return null;
  const index = (read.index ??= new Map(read.els.map((el, i) => [el, i])));
  const at = new Set<number>();
  let uidInside = false;
  if (replaced) {
    const put = rerendered(read, list, replaced, index);
    if (!put) return null;
    for (const i of put) {
      at.add(i);
      if (pick(read.els[i]!, S.buyerUid)) uidInside = true;
    }
  }
  for (const n of changed) {
    const i = messageIndexOf(n, list, S.message, read.sel, index);
    if (i === undefined) return null;
    at.add(i);
    // A message holding a buyer uid (PDD puts `currentuid` in buyer messages): whose thread it is may change.
    if (!uidInside && pick(read.els[i]!, S.buyerUid)) uidInside = true;
  }
  if (!buyerStays(uidInside)) return null;
  const out: MessageChange[] = [];
  let done = -1;
  for (const i of [...at].sort((a, b) => a - b)) {
    if (i <= done) continue;
    const f = { lastStamp: i ? read.afters[i - 1]! : null };
    // This message, and the next ones while the stamp they follow is not the one they were read after.
    for (let k = i; k < read.els.length; k++) {
      const m = readMessage(read.els[k]!, f, memo);
      if (!sameMessage(read.messages[k], m)) out.push({ index: k, message: m });
      done = k;
      const moved = f.lastStamp !== read.afters[k];
      read.afters[k] = f.lastStamp;
      if (!moved) break;
      if (k === read.els.length - 1) fold.lastStamp = f.lastStamp;
    }
  }
  return out;
}

function rowBuyer(row: Element): string | null {
  const box = pick(row, S.rowBox) ?? (matchesAny(row, S.rowBox) ? row : null);
  const random = box?.getAttribute('data-random');
  if (!random) return null;
  return random.split('-')[0] || null;
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
  const w = waitingText ? parseDurationSec(waitingText) : undefined;
  if (w !== undefined) c.waitingSec = w;
  return c;
}

/** Elements in the list and the thread that are no rows or messages (guesses: the doc names no class for them). */
export const PDD_PART_CHROME = {
  list: ['[class*="group-title"]', '[class*="groupTitle"]', '[class*="list-title"]', '[class*="empty"]'],
  thread: ['[class*="load-more"]', '[class*="loadMore"]', '[class*="empty"]'],
} as const satisfies SelectorMap;

export function extractPdd(root: ParentNode, memo?: ExtractMemo): Extraction {
  const readRow = (row: Element): ExtractedConversation | null => {
    const hit = memo?.get(row) as { conv: ExtractedConversation | null } | undefined;
    if (hit && 'conv' in hit) return hit.conv;
    const c = extractRow(row);
    memo?.set(row, { conv: c });
    return c;
  };
  return extractPage({
    account: () => text(pick(root, S.account)) || null,
    loggedOut: () => !!pick(root, S.loginForm),
    list() {
      const listEl = pick(root, S.conversationList);
      const { els: rows, sel: rowSel } = pickAllWith(listEl ?? root, S.conversationRow);
      return {
        listEl,
        rowSel,
        rows,
        read: readRow,
        waitingCounter: (el, row, known) => counterReading(el, row, S.rowWaiting, parseDurationSec, known),
        chrome: PDD_PART_CHROME.list,
      };
    },
    input: () => pick(root, S.input),
    thread({ conversations }) {
      const msgList = pick(root, S.messageList);
      const uidEl = msgList && pick(msgList, S.buyerUid);
      const uid = uidEl?.getAttribute('currentuid') ?? conversations.find((c) => c.active)?.buyer ?? null;
      const header = text(pick(root, S.threadHeaderName));
      return {
        container: msgList,
        // A conversation is open when a row is selected or the thread's header names someone.
        open: conversations.some((c) => c.active) || !!header,
        buyer: uid,
        nick: header || conversations.find((c) => c.buyer === uid)?.nick,
        buyerMissing: 'buyerUid',
        chrome: PDD_PART_CHROME.thread,
        items: () => (msgList ? pickAll(msgList, S.message).length : 0),
        read() {
          const read = threadMessages(msgList!, memo);
          const sel = read.sel ?? S.message[0];
          const fold = { lastStamp: read.lastStamp };
          // Whose thread it is, read as a whole read would now: the first uid in the list (found where the old one
          // stands or above), else the selected row's buyer. Looked up only when it could have changed.
          const active = conversations.find((c) => c.active)?.buyer ?? null;
          const buyerStays = (uidInside: boolean): boolean => {
            if (!uidEl && !uidInside) return true;
            const first = pick(msgList!, S.buyerUid);
            return (first ? first.getAttribute('currentuid') : active) === uid;
          };
          return {
            messages: read.messages,
            append(added) {
              const items = added.flatMap((n) => under(n, sel));
              // The buyer came from the selected row: a message naming the buyer could change who the thread is with.
              if (!uidEl && items.some((li) => pick(li, S.buyerUid))) return null;
              // Another fallback would now match first: a fresh read would read differently.
              if (!read.sel && items.length) return null;
              const got = readMessages(items, fold, memo, read.afters);
              for (const li of items) {
                const i = read.els.push(li) - 1;
                read.index?.set(li, i);
              }
              return got;
            },
            reread: (changed, _now, replaced) =>
              rereadMessages(read, msgList!, fold, changed, replaced, buyerStays, memo),
          };
        },
      };
    },
  });
}

export const pddAdapter: Adapter = {
  platform: 'pdd',
  // workbench-dom.md § PDD: the row's buyer uid (`data-random`), the thread's (`currentuid`). The shop's read
  // receipt (`isread`) is a class there; message ids are `id`s. The contenteditable input variant's attribute.
  attributes: ['data-random', 'currentuid', 'contenteditable'],
  selectors: PDD_SELECTORS,
  matches: (url) =>
    (url.hostname === 'mms.pinduoduo.com' && url.pathname.startsWith('/chat-merchant')) || isDemoPage(url, 'pdd'),
  extract: extractPdd,
};
