/**
 * Kuaishou 快手小店 客服工作台 (im.kwaixiaodian.com/workbench). React + antd, Quill editor. Medium-confidence DOM.
 * DOM facts: ../shared/docs/workbench-dom.md § Kuaishou. Selectors are data with generous fallbacks (the
 * `kwaishop-cs-` prefixed classes are matched by substring too); extract() is pure.
 */
import { isDemoPage } from '../define';
import type { Author, Marker } from '../../model';
import {
  AUTO_REPLY_LEADING,
  systemMarker,
  labelsIn,
  matchesWhole,
  sideMarker,
  whole,
  type WholeText,
} from '../classify';
import {
  closestIn,
  has,
  inDocumentOrder,
  matches,
  outermost,
  outside,
  pick,
  pickAll,
  pickAllIn,
  pickAllWith,
  shownName,
  SHOWN_NAME_ATTRS,
  text,
  textWithout,
} from '../dom';
import { extractPage } from '../page';
import type { ThreadItem } from '../reread';
import {
  STAMP_TAIL,
  dayPin,
  stampedReader,
  isStampOnly,
  parseDurationSec,
  type ItemParts,
  type StampedThread,
} from '../stamps';
import type {
  Adapter,
  ExtractMemo,
  ExtractedConversation,
  ExtractedMessage,
  Extraction,
  Replaced,
  SelectorMap,
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
  /**
   * Not in the doc (guessed): a quoted earlier message inside a reply, in its bubble or beside it; left out of the
   * message's text, and of its auto / robot label look-up (a quoted auto-reply's tag is not the reply's).
   */
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

/**
 * The robot by the WHOLE sender name on the line above the bubble (never the message; an agent named 机器人玩具店-小美
 * is a human).
 */
export const KUAISHOU_ROBOT_TEXTS: readonly WholeText[] = [
  whole(/^(?:机器人|智能客服|智能助手|AI客服)$/i, '机器人', '智能客服', '智能助手', 'AI客服'),
];
/** Robot labels next to a shop-side bubble, as elements of their own (a human may well mention a robot). */
export const KUAISHOU_ROBOT_LABELS: readonly WholeText[] = [
  whole(
    /^(?:机器人自动回复|此消息由机器人(?:自动回复|推荐)?|智能客服托管中?)$/,
    '机器人自动回复',
    '此消息由机器人',
    '智能客服托管',
  ),
];
/** Auto-reply tags next to a shop-side bubble, as elements of their own (the text prefix: AUTO_REPLY_LEADING). */
export const KUAISHOU_AUTO_LABELS: readonly WholeText[] = [
  whole(/^[[【]?(?:系统)?自动回复(?:消息)?[\]】]?$/, '[系统自动回复消息]', '[自动回复]', '【自动回复】', '自动回复'),
];

const S = KUAISHOU_SELECTORS;
/** Message wrapper ids seen on the real page: `<targetType>_<buyerId>_<seq>`. */
const MESSAGE_ID = /^\d+_\d+_[\w-]+$/;
const MESSAGE_ID_ATTRS = ['data-id', 'data-msg-id', 'data-message-id', 'data-msgid'];
const AVATAR = ['[class*="avatar"]', '[class*="Avatar"]'];
const ROW_ID_ATTRS = ['data-user-id', 'data-uid', 'data-buyer-id', 'data-target-id'];

/** Drops decorations the card adds after the name (e.g. `下单数(3)`), zero-width spaces, extra blanks. */
export function normalizeNick(s: string): string {
  return s
    .replace(/\u200b/g, '')
    .replace(/\s*下单数\s*[(（]\d+[)）]\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Structure first: a buyer-from card → system; the side marker (`__isMine` / `__notMe` on the message, inside it, or
 * on a wrapper above it within the thread): own → robot (whole sender name or robot label element), auto (the leading
 * [系统自动回复消息] label or an auto tag element, outside a quoted message), else human; other → buyer; no side: the sender line naming the
 * buyer → buyer, else a centred notice (system; text only picks its marker, whole notices only). `bodyEl`:
 * the row's bubble (pick of S.messageBody), as messageBody read it.
 */
function classify(
  row: Element,
  list: ParentNode,
  body: string,
  sender: string,
  buyerNick: string | undefined,
  account: string | null,
  bodyEl: Element | null,
) {
  const r = (author: Author, marker?: Marker) => (marker ? { author, marker } : { author });
  if (has(row, S.buyerFromCard)) return r('system');
  const side = sideMarker(row, S.ownSide, S.otherSide, list);
  if (side === 'own') {
    if (matchesWhole(body, AUTO_REPLY_LEADING)) return r('auto');
    // The auto tag and the robot label in one walk of the row (the label not looked for when the name says robot).
    const robotName = matchesWhole(sender, KUAISHOU_ROBOT_TEXTS);
    const labels = robotName ? [KUAISHOU_AUTO_LABELS] : [KUAISHOU_AUTO_LABELS, KUAISHOU_ROBOT_LABELS];
    let [auto, robotLabel] = labelsIn(row, labels, [bodyEl]);
    // A label found may be a quoted message's (a reply quoting an auto-reply, the quote beside the bubble with its
    // tag as an element of its own: outsider review 12): looked for again outside the quotes (S.quote, guessed, as
    // the fixture's quote is), only then (a walk more only for labelled rows) — a quote holding the bubble is no quote
    // of another message, nor one with no text or a label's alone (a quote icon in the tag, a "quoteable" wrapper of
    // the tag: the tag is the message's own, outsider review 14).
    if (auto || robotLabel)
      [auto, robotLabel] = labelsIn(row, labels, [
        bodyEl,
        ...pickAll(row, S.quote).filter((q) => {
          const t = text(q);
          return !q.contains(bodyEl) && !!t && !labels.some((l) => matchesWhole(t, l));
        }),
      ]);
    if (auto) return r('auto');
    return r(robotName || robotLabel ? 'robot' : 'human');
  }
  if (side === 'other') return r('buyer');
  // No side class: the sender label may still name the buyer (as public bots read it); else a centred notice.
  if (sender && buyerNick && normalizeNick(sender) === buyerNick) return r('buyer');
  return r('system', systemMarker(body, account));
}

/** The row's message text; `body`: its bubble (pick of S.messageBody). */
function messageBody(row: Element, body: Element | null): string {
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

/**
 * A thread read in page order, continued by append (stamps and content-hash ids carry over), whose messages changed
 * inside are read again where they stand (StampedReader).
 */
function threadReader(
  list: ParentNode,
  buyerNick: string | undefined,
  now: number | undefined,
  account: string | null,
  pinned?: { memo: ExtractMemo | undefined; buyer: string | null },
) {
  /** A relative divider keeps the day it was first read as, per element and buyer (dayPin). */
  const pin = (el: Element, s: string) => dayPin(pinned?.memo, el, `${pinned?.buyer ?? ''}|${s}`);
  function readOne({ el, sep }: ThreadItem, thread: StampedThread): ItemParts | null {
    if (sep) {
      const s = text(el);
      thread.separator(s, pin(el, s));
      return null;
    }
    const before = text(pick(el, S.beforeBody));
    const stamp = STAMP_TAIL.exec(before)?.[0].trim() ?? '';
    const sender = stamp ? before.slice(0, before.length - stamp.length).trim() : before;
    const bodyEl = pick(el, S.messageBody);
    const body = messageBody(el, bodyEl);
    if (!body) return null;
    const { author, marker } = classify(el, list, body, sender, buyerNick, account, bodyEl);
    if (author === 'system' && !stamp && isStampOnly(body)) {
      thread.separator(body, pin(el, body));
      return null;
    }
    const at = thread.stamp(stamp);
    return { pageId: pageId(el, list), author, at, body, ...(marker && { marker }) };
  }

  /** Main rows, middle rows outside them and dividers outside both, in document order. */
  function items(mainEls: readonly Element[], middleEls: readonly Element[], dividerEls: readonly Element[]) {
    const mains = outermost(mainEls);
    const middles = outside(outermost(middleEls), mains);
    const rows = [...mains, ...middles];
    const kinds = new Map<Element, string>([
      ...mains.map((m) => [m, 'main'] as const),
      ...middles.map((m) => [m, 'middle'] as const),
    ]);
    const dividers = outside(dividerEls, rows);
    return inDocumentOrder([...rows, ...dividers]).map((el): ThreadItem => {
      const kind = kinds.get(el);
      return kind ? { el, sep: false, kind } : { el, sep: true };
    });
  }

  const mains = pickAllWith(list, S.message);
  const middles = pickAllWith(list, S.middleBody);
  const dividers = pickAllWith(list, S.timeDivider);

  /**
   * A changed (or re-rendered) row is still the row it was read as, as a fresh read finds it: a main row matches the
   * chosen main selector; a middle one the chosen middle selector, and neither matches nor holds a main row; no
   * earlier fallback (nor a first match) of the rows, middles or dividers shows in it (rows nested in a row, and
   * dividers inside one, are left out of the read).
   */
  const stillItem = (el: Element, was: ThreadItem): boolean => {
    const main = !!mains.sel && matches(el, mains.sel);
    const ok =
      was.kind === 'main'
        ? main
        : !!middles.sel && matches(el, middles.sel) && !main && !pick(el, [mains.sel ?? ''].filter(Boolean));
    return (
      ok &&
      !!pickAllIn([el], S.message, mains.sel) &&
      !!pickAllIn([el], S.middleBody, middles.sel) &&
      !!pickAllIn([el], S.timeDivider, dividers.sel)
    );
  };

  const reader = stampedReader(now, readOne, items(mains.els, middles.els, dividers.els));
  return {
    messages: reader.messages,
    append(added: readonly Node[], at?: number): ExtractedMessage[] | null {
      const m = pickAllIn(added, S.message, mains.sel);
      const mid = pickAllIn(added, S.middleBody, middles.sel);
      const d = pickAllIn(added, S.timeDivider, dividers.sel);
      // Arrived now, not at the full read: year-less and bare stamps resolve against the arrival time (a thread
      // left open overnight does not date the next day's messages to the day it was read).
      return m && mid && d ? reader.append(items(m, mid, d), at) : null;
    },
    reread: (changed: readonly Node[], _now?: number, replaced?: Replaced) =>
      list.nodeType === 1 ? reader.reread(changed, replaced, list as Element, stillItem) : null,
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

/** Elements in the list and the thread that are no rows or messages: group titles and counts, dividers. */
export const KUAISHOU_PART_CHROME = {
  list: [...S.groupName, '.SessionListGroupItem-title', '[class*="GroupItem-title"]', '[class*="empty"]'],
  thread: [...S.timeDivider, '[class*="empty"]', '[class*="loadMore"]', '[class*="LoadMore"]'],
} as const satisfies SelectorMap;

/**
 * The message container found by structure, when no known selector finds it: the nearest element holding every
 * message row (one row alone: above the wrappers that hold nothing else). Never an element that also holds the
 * conversation list, the thread header or the editor (that is the page, not the thread): null then.
 */
export function messageContainer(rows: readonly Element[], avoid: readonly (Element | null)[]): Element | null {
  const not = avoid.filter((a): a is Element => !!a);
  const clean = (el: Element) => !not.some((a) => el.contains(a));
  const first = rows[0];
  if (!first) return null;
  let box: Element | null;
  if (rows.length === 1) {
    let cur = first;
    for (let p = cur.parentElement; p?.childElementCount === 1 && p.parentElement && clean(p.parentElement);) {
      cur = p;
      p = cur.parentElement;
    }
    box = cur.parentElement;
  } else {
    box = first.parentElement;
    while (box && !rows.every((r) => box!.contains(r))) box = box.parentElement;
  }
  return box && clean(box) ? box : null;
}

/**
 * Live rows' regroups (see Live): a row reads its group's name (pick of S.groupName in its group), outside the row. A
 * change of that name's text or class sends the page to a whole read already (a list change that is no childList);
 * children put in or taken out of the name (its text set as a child) or a name element put in or taken out of a group
 * are a childList record the rows under its nodes (none) would not read: whole read (outsider review 12: a group
 * renamed 已超时 so was missed). A group's count, or a card moved between groups, is not.
 */
function groupNameChanged(r: MutationRecord, listEl: Element | null): boolean {
  if (r.type !== 'childList') return false;
  const group = closestIn(r.target as Element, S.group, listEl);
  if (!group) return false;
  const name = pick(group, S.groupName);
  if (name?.contains(r.target)) return true;
  for (const n of r.addedNodes) if (n.nodeType === 1 && has(n as Element, S.groupName)) return true;
  for (const n of r.removedNodes) if (n.nodeType === 1 && has(n as Element, S.groupName)) return true;
  return false;
}

export function extractKuaishou(root: ParentNode, memo?: ExtractMemo, now?: number): Extraction {
  const header = pick(root, S.threadHeaderName);
  const headerNick = normalizeNick(text(header)) || undefined;
  const listEl = pick(root, S.conversationList);
  /** Rows the page marks selected (S.rowActive), not only named as the header: the open thread is theirs first. */
  const selected = new WeakSet<Element>();
  // A row reads its group's name too (an ancestor: a change there is outside the row, read whole).
  const readRow = (row: Element): ExtractedConversation | null => {
    const nick = normalizeNick(text(pick(row, S.rowName)));
    const buyer = rowBuyer(row, nick);
    if (!buyer) return null;
    const chosen = has(row, S.rowActive);
    if (chosen) selected.add(row);
    const active = chosen || (!!headerNick && nick === headerNick);
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
  const input = pick(root, S.input);
  // The known container, else the one that holds the message rows (or, with none, the side-marked bubbles) found
  // outside the conversation list; else the page itself when rows are there but no container can be told.
  const messageList = (): ParentNode | null => {
    const known = pick(root, S.messageList);
    if (known) return known;
    const outside = (els: Element[]) => els.filter((el) => !listEl?.contains(el));
    let found = outermost(outside([...pickAll(root, S.message), ...pickAll(root, S.middleBody)]));
    if (!found.length) found = outermost(outside([...pickAll(root, S.ownSide), ...pickAll(root, S.otherSide)]));
    return messageContainer(found, [listEl, header, input]) ?? (pick(root, S.message) ? root : null);
  };
  let msgList: ParentNode | null = null;
  return extractPage({
    account: () => shownName(root, S.account) || null,
    loggedOut: () => !!pick(root, S.loginForm),
    list() {
      const { els, sel: rowSel } = pickAllWith(listEl ?? root, S.conversationRow);
      return {
        listEl,
        rowSel,
        rows: outermost(els),
        read: readRow,
        nested: true,
        chrome: KUAISHOU_PART_CHROME.list,
        regroups: (r) => groupNameChanged(r, listEl),
      };
    },
    loggedOutAfter(list) {
      msgList = messageList();
      return !listEl && !list.rows.length && !msgList && hasLoginText(root);
    },
    input: () => input,
    thread({ conversations, account }) {
      // The selected card's buyer, else the first card named as the header (two buyers may share a name: outsider
      // review 12, the thread went to whichever card came first).
      const active = conversations.find((c) => c.row && selected.has(c.row)) ?? conversations.find((c) => c.active);
      const nick = headerNick ?? active?.nick;
      const buyer = active?.buyer ?? headerNick ?? null;
      // Only a real list container (not the whole page) takes appended messages, and only it is judged: messages
      // read with no container told count for nothing (an open thread is missing then, never watching).
      const box = msgList && msgList !== root ? (msgList as Element) : null;
      return {
        container: box,
        found: !!msgList,
        uncounted: !box,
        // A conversation is open when a card is selected or the chat header names someone.
        open: conversations.some((c) => c.active) || !!headerNick,
        buyer,
        ...(nick && { nick }),
        chrome: KUAISHOU_PART_CHROME.thread,
        items: () => (box ? pickAll(box, S.message).length : 0),
        read: () => threadReader(msgList!, nick, now, account, { memo, buyer }),
        // A thread whose part is missing is not reported at all (the watcher reads such a page whole, never live).
        dropWhenMissing: true,
      };
    },
  });
}

export const kuaishouAdapter: Adapter = {
  platform: 'kuaishou',
  // workbench-dom.md § Kuaishou reads classes (and wrapper `id`s) only; guessed (not in the doc): the buyer and
  // message id attributes the adapter falls back on, the Quill input's `contenteditable`, a selected card's
  // `aria-selected`.
  // The account is read through shownName: its title / alt / aria-label (a logo whose tooltip loads late).
  attributes: ['contenteditable', 'aria-selected', ...ROW_ID_ATTRS, ...MESSAGE_ID_ATTRS, ...SHOWN_NAME_ATTRS],
  selectors: KUAISHOU_SELECTORS,
  matches: (url) =>
    (url.protocol === 'https:' && url.hostname === 'im.kwaixiaodian.com' && url.pathname.startsWith('/workbench')) ||
    isDemoPage(url, 'kuaishou'),
  extract: extractKuaishou,
};
