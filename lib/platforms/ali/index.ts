/**
 * Alibaba web Wangwang (one web-IM component family, React / Alibaba ICE + Fusion):
 * - 1688 旺旺网页版: air.1688.com/app/ocms-fusion-components-1688/def_cbu_web_im/index.html is a shell; the chat
 *   itself lives in a same-origin iframe `def_cbu_web_im_core` (…/def_cbu_web_im_core/…). acceptsFrame() picks it.
 * - Taobao's web Wangwang (air.taobao.com, web.wangwang.taobao.com): the same DOM, usually without the shell.
 * DOM facts: ../shared/docs/workbench-dom.md § 1688. Selectors are data; extract() is pure and never throws.
 *
 * The page has no documented ids: a buyer is identified by the nick (Taobao/1688 member names are unique
 * account names, and it is the one value the row, the thread and the messages all show). Messages get a content
 * hash id. Their `.time` shows `YYYY-MM-DD HH:MM:SS`; a bare `HH:MM(:SS)` gets its date from a divider above it, else
 * from the caller's clock (today's, or yesterday's when later than now).
 */
import { isDemoPage } from '../define';
import type { Author } from '../../model';
import { AUTO_REPLY_LEADING, hasLabel, matchesWhole, whole, type WholeText } from '../classify';
import {
  ancestorsOf,
  closestIn,
  hash,
  inDocumentOrder,
  matches,
  matchesAny,
  namesUnder,
  outside,
  parseChinaStamp,
  pick,
  pickAll,
  pickAllIn,
  pickAllNamed,
  pickAllWith,
  pickNamed,
  shownName,
  SHOWN_NAME_ATTRS,
  text,
  textWithoutNamed,
} from '../dom';
import { extractPage, type PageList } from '../page';
import { BACKWARDS_SLACK_MS, BareRun, FUTURE_SLACK_MS, chinaDay, latestAt, stampPrecisionMs } from '../stamps';
import { ItemThread, RunReach, keepTime, rekeyed, type ItemMessage, type ThreadItem } from '../reread';
import type { Adapter, ExtractedConversation, ExtractedMessage, Extraction, Replaced, SelectorMap } from '../types';

export const ALI_SELECTORS = {
  loginForm: [
    '#fm-login-id',
    '#login-form',
    '.login-box',
    'iframe[src*="login.1688.com"]',
    'iframe[src*="login.taobao.com"]',
    'iframe[src*="passport.1688.com"]',
  ],
  /** The logged-in account (main or `main:sub`). Evidence: a public userscript reads the own nick at
   * `div.ww_conversation > div.ww_user_panel > div > div:nth-child(2)`; the others are guesses. */
  account: [
    '.ww_user_panel > div > div:nth-child(2)',
    '.ww_user_panel .nick',
    '.ww_user_panel [class*="name"]',
    '.ww_user_panel [class*="nick"]',
    '.ww_user_panel [title]',
  ],
  conversationList: ['.ww_conversation .conversation-list', '.conversation-list', '[class*="conversation-list"]'],
  conversationRow: ['.conversation-item'],
  rowActive: ['.active', '.selected', '.current', '.conversation-item-active', '[aria-selected="true"]'],
  rowName: ['.name'],
  rowTime: ['.time'],
  rowPreview: ['.desc'],
  rowUnread: ['.unread-badge'],
  /** Guesses: the doc names no header; the active row is the first source of the open buyer. */
  threadHeaderName: ['.ww_header .name', '.ww_header .nick', '.ww_body .chat-header .name'],
  messageList: ['.ww_message .rc-scrollbars-view', '.ww_message', '.message-list', '[class*="message-list"]'],
  message: ['.message-item'],
  ownMessage: ['.self'],
  messageNick: ['.nick'],
  messageTime: ['.time'],
  /** Date dividers between messages, when the thread shows them (guesses). */
  dateSeparator: ['.message-time-divider', '.time-divider', '.date-divider', '[class*="time-line"]'],
  messageContent: ['.content'],
  messageText: ['pre'],
  card: ['[class*="card"]'],
  quote: ['[class*="quote"]', '[class*="reference"]'],
  /** A tag next to the bubble saying 自动回复 (guess; the text prefix 【自动回复】 is the documented sign). */
  autoTag: ['[class*="auto-reply"]', '[class*="autoReply"]', '[class*="auto_reply"]'],
  /** Scoped to .ww_input: the same editor class renders the read-only bubbles. */
  input: [
    '.ww_input pre.edit[contenteditable="true"]',
    '.ww_input .biz-expression-editor [contenteditable="true"]',
    '.ww_input [contenteditable="true"]',
  ],
  sendButton: ['.ww_input button.send-btn', 'button.send-btn'],
} as const satisfies SelectorMap;

/** Page attributes that would carry a message id, if a build adds one (none documented). */
export const ALI_MESSAGE_ID_ATTRS = ['data-msg-id', 'data-msgid', 'data-message-id', 'data-id'] as const;

/**
 * Previews (a row's last message) that are the platform's notice posted into a buyer's conversation (the page gives
 * it no class there): an unread row whose WHOLE preview is one of these shows no buyer's wait. A buyer's question
 * that quotes them ("订单还未付款怎么办？") is a wait; opened, the thread classifies each message by its sender.
 */
export const ALI_NOTICE_PREVIEWS: readonly WholeText[] = [
  whole(
    /^(?:买家已拍下，)?订单还未付款，请及时(?:联系买家|跟进)$/,
    '订单还未付款，请及时联系买家',
    '买家已拍下，订单还未付款，请及时跟进',
  ),
];

/** Nothing selected: the chat pane shows this instead of a thread. */
export const ALI_NO_CONTACT_TEXT = '您尚未选择联系人';

/**
 * The page gives notices no class: the sender is the mark. A message whose nick is WHOLLY one of these is the
 * platform's (平台提醒 …); the same words in a buyer's or an agent's message are theirs.
 */
export const ALI_SYSTEM_SENDERS: readonly WholeText[] = [
  whole(
    /^(?:平台提醒|系统消息|系统通知|官方提醒|阿里巴巴官方|1688官方|淘宝官方)(?:客服)?(?:通知|小助手|助手)?$/,
    '平台提醒',
    '系统消息',
    '官方提醒',
    '阿里巴巴官方',
    '1688官方',
    '淘宝官方',
  ),
];
/** Cards on the shop side that are a platform flow, not a reply: by a card element's whole text (its title). */
export const ALI_SYSTEM_CARDS: readonly WholeText[] = [whole(/^客服评价邀请$/, '客服评价邀请')];
/** The 自动回复 tag next to a bubble, an element of its own (the text prefix is AUTO_REPLY_LEADING). */
export const ALI_AUTO_LABELS: readonly WholeText[] = [
  whole(/^[【[［(（]?自动回复[】\]］)）]?$/, '自动回复', '【自动回复】', '[自动回复]'),
];
/**
 * Shop-side senders that are the smart robots (店小蜜 / 智能客服 / the 7x24H smart-response service), by nick: the
 * robot answers as `main:店小蜜` (a guess: the doc names no robot class). Their replies are `robot`: valid on Taobao
 * and 1688 by default (seed 001), switchable in the rules; Qianniu/Wangwang auto-replies are `auto`, never valid.
 * The sub-account part (after `:`), or a nick without one, must WHOLLY be the robot's name: 乐高机器人旗舰店:小王 is a
 * human agent of a robot-toy shop.
 */
export const ALI_ROBOT_NAMES: readonly WholeText[] = [
  whole(
    /^(?:店小蜜|智能客服|智能助手|机器人|7[xX×]24[hH]?(?:小时)?(?:智能)?响应服务)$/,
    '店小蜜',
    '智能客服',
    '7x24H响应服务',
    '7×24小时响应服务',
  ),
];

/** Is the nick the robot's: `main:店小蜜` (the part after the first `:` / `：`), or a bare 店小蜜? */
function isRobotNick(nick: string): boolean {
  const colon = nick.search(/[:：]/);
  return matchesWhole(colon < 0 ? nick : nick.slice(colon + 1), ALI_ROBOT_NAMES);
}
const CORE_FRAME = 'def_cbu_web_im_core';

const S = ALI_SELECTORS;

/** A notice pseudo-conversation: the row's peer is wholly a platform sender (平台提醒 …), as its messages' nick. */
const isNoticeRow = (nick: string) => matchesWhole(nick, ALI_SYSTEM_SENDERS);

/** First non-empty text among the fallbacks. */
function firstText(root: ParentNode, sels: readonly string[]): string {
  for (const s of sels) {
    try {
      for (const el of root.querySelectorAll(s)) {
        const t = text(el);
        if (t) return t;
      }
    } catch {
      /* skip a bad selector */
    }
  }
  return '';
}

/** Is `nick` the shop's own main account or one of its `main:sub` sub-accounts (given our account name)? */
function isOwnShop(nick: string, account: string | null): boolean {
  if (!account || !nick) return false;
  const main = account.split(/[:：]/)[0]!.trim();
  return !!main && (nick === main || nick.startsWith(`${main}:`) || nick.startsWith(`${main}：`));
}

// ---- time ----

interface Day {
  y: number;
  mo: number;
  d: number;
}
const DATE_RE = /(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})/;
const TIME_RE = /(?:^|[^\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])/;
const RELATIVE_DAY = /昨天|今天|前天|刚刚|现在|星期|周[一二三四五六日天]|分钟前|小时前/;

function parseDay(s: string): Day | null {
  const m = DATE_RE.exec(s);
  return m ? { y: +m[1]!, mo: +m[2]!, d: +m[3]! } : null;
}

/** A divider's month-day without a year (`12-01 10:00`, `12月01日`). */
const MONTH_DAY_RE = /^(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/;

/**
 * The day of a month-day divider: under a date, that date's year (the next one for a month-day earlier in the year,
 * 12-31 then 01-01, unless that day is after the clock); else, with the clock, the latest such date not after today; else null (no year to tell).
 */
function monthDay(s: string, ctx: DayContext): Day | null {
  const m = MONTH_DAY_RE.exec(s.trim());
  if (!m) return null;
  const [mo, d] = [+m[1]!, +m[2]!];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  if (ctx.day) {
    const earlier = mo < ctx.day.mo || (mo === ctx.day.mo && d < ctx.day.d);
    const next = Date.UTC(ctx.day.y + 1, mo - 1, d) - 8 * 3600_000;
    return { y: ctx.day.y + (earlier && (ctx.now === undefined || next <= ctx.now) ? 1 : 0), mo, d };
  }
  if (ctx.now === undefined) return null;
  const today = chinaDay(ctx.now);
  return { y: mo > today.m || (mo === today.m && d > today.d) ? today.y - 1 : today.y, mo, d };
}

/** A message stamp with a month-day and a time but no year (`12-01 10:00:00`, `12月01日 10:00`). */
const isMonthDayStamp = (s: string): boolean => MONTH_DAY_RE.test(s.trim()) && TIME_RE.test(s);

function atOf(day: Day, s: string): number | null {
  const t = TIME_RE.exec(s);
  if (!t) return null;
  const sec = t[3] ?? '00';
  return parseChinaStamp(`${day.y}-${day.mo}-${day.d} ${t[1]}:${t[2]}:${sec}`);
}

/** The running date of a thread read in page order, and the caller's clock. */
interface DayContext {
  /** The date a divider above gave. */
  day: Day | null;
  /** A divider above named a day that cannot be told (星期三, or 昨天 without a clock): bare times give null. */
  undated: boolean;
  /** The caller's clock (epoch ms), or the arrival time of messages appended live. */
  now?: number;
  /**
   * The date came from a 昨天 / 前天 divider: a time-only divider after it does not tell its day (today's, or that
   * day's later?): what follows is undated (`readDivider`).
   */
  relative?: boolean;
  /**
   * The date came from a relative divider (今天 / 昨天 / 前天): a bare time under it later than now + FUTURE_SLACK_MS is
   * null, never in the future (a 今天 not yet re-rendered after China midnight).
   */
  relDay?: boolean;
}

/**
 * A date divider between messages sets the running date (a month-day one without a year: `monthDay`); a relative one
 * (今天 / 昨天 / 前天) is dated with the caller's clock, else (星期三, or no clock) later bare times stay undated. Only a divider dates later bare times: a
 * full stamp on an older message says nothing about the next ones.
 */
function readDivider(s: string, ctx: DayContext): void {
  const day = parseDay(s) ?? monthDay(s, ctx);
  const rel = /^(今天|昨天|前天)/.exec(s.trim());
  if (day) {
    ctx.day = day;
    ctx.undated = false;
    ctx.relative = false;
    ctx.relDay = false;
  } else if (rel && ctx.now !== undefined) {
    const c = chinaDay(ctx.now - (rel[1] === '今天' ? 0 : rel[1] === '昨天' ? 1 : 2) * 86_400_000);
    ctx.day = { y: c.y, mo: c.m, d: c.d };
    ctx.undated = false;
    ctx.relative = rel[1] !== '今天';
    ctx.relDay = true;
  } else if (ctx.relative && /^\d{1,2}:\d{2}(?::\d{2})?$/.test(s.trim())) {
    // A time-only divider after 昨天 / 前天: its day is not shown (the docs do not say which scheme the page uses):
    // no time for what follows, never a guessed day, until a date.
    ctx.day = null;
    ctx.undated = true;
    ctx.relative = false;
    ctx.relDay = false;
  } else if (RELATIVE_DAY.test(s) || MONTH_DAY_RE.test(s.trim())) {
    // A month-day with no year to tell (no date above, no clock): what follows is undated too.
    ctx.day = null;
    ctx.undated = true;
    ctx.relative = false;
    ctx.relDay = false;
  }
}

/**
 * A message's own stamp: a full date and time, or a bare time under a dated divider, or, with no divider above, a
 * bare time read against the caller's clock (the latest date at which it is not after now: a buyer waiting since
 * 10:00:00 when the tab opens; a message that arrives live); else null.
 */
function readStamp(s: string, ctx: DayContext): number | null {
  if (!s) return null;
  const full = parseChinaStamp(s);
  if (full !== null) return full;
  if (parseDay(s) || RELATIVE_DAY.test(s)) return null;
  // A month-day and a time with no year (12-01 10:00:00): that day (`monthDay`: the date above's year, else the latest
  // such date not after today), never today's.
  if (isMonthDayStamp(s)) {
    const day = monthDay(s, ctx);
    return day ? atOf(day, s) : null;
  }
  if (ctx.day) {
    const at = atOf(ctx.day, s);
    return ctx.relDay && at !== null && ctx.now !== undefined && at > ctx.now + FUTURE_SLACK_MS ? null : at;
  }
  if (ctx.undated || ctx.now === undefined) return null;
  const t = TIME_RE.exec(s);
  return t ? latestAt(+t[1]!, +t[2]!, +(t[3] ?? 0), ctx.now) : null;
}

// ---- messages ----

/**
 * The message's text: its `.content`'s `pre`s (else all its text) without the quotes of another message inside it
 * (a quote is left in when it is the whole content), a card's title, '[图片]'; without `.content`, the item's text
 * without its nick and time. What a clone with those parts removed would say, read without the clone: `names` are the
 * item's (namesUnder), so the fallbacks no element of it can match are not asked. (Not a clone: cloning a page's custom
 * element runs its constructor again, which may add text the page does not show — the clone read that too.)
 */
export function messageBody(item: Element, names = namesUnder(item)): string {
  const content = pickNamed(item, S.messageContent, names);
  if (content) {
    const card = pickNamed(content, S.card, names);
    // Each quote in turn leaves unless it is all the content still has (the clone's text read again after each).
    const gone = new Set<Element>();
    let all: string | undefined; // the content's text without the quotes gone, read when first needed
    for (const q of pickAllNamed(content, S.quote, names)) {
      if (insideAny(q, gone, content) || (all ??= text(content)) === text(q)) continue;
      gone.add(q);
      all = textOutside(content, gone);
    }
    // A pre holding a quote that left reads without it (outsider review 10: a reply quoting an auto-reply inside its
    // pre read as the auto-reply).
    const pres = firstAllOutside(content, S.messageText, gone, names)
      .map((p) => (gone.size ? textOutside(p, gone) : text(p)))
      .filter(Boolean);
    const t = pres.length ? pres.join(' ') : (all ?? text(content));
    if (card && !pres.length) return `[卡片] ${text(card)}`.trim();
    if (t) return t;
    if (pickNamed(content, ['img'], names)) return '[图片]';
    return '';
  }
  // No .content: the item's text without its header (one selector each: all of its matches go, as pickAll's).
  const t = textWithoutNamed(item, [...S.messageNick, ...S.messageTime], names);
  if (t) return t;
  return pickNamed(item, ['img'], names) ? '[图片]' : '';
}

/** Is `el` one of `els` or inside one (not looking above `stop`)? */
function insideAny(el: Element, els: ReadonlySet<Element>, stop: Element): boolean {
  if (!els.size) return false;
  for (let p: Element | null = el; p && p !== stop; p = p.parentElement) if (els.has(p)) return true;
  return false;
}

/** text(el) without the subtrees of `gone` (elements inside `el`): the text of a clone they were removed from. */
function textOutside(el: Element, gone: ReadonlySet<Element>): string {
  const parts: string[] = [];
  const collect = (parent: Node) => {
    for (let n = parent.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 || n.nodeType === 4) parts.push((n as CharacterData).data);
      else if (n.nodeType === 1 && !gone.has(n as Element)) collect(n);
    }
  };
  collect(el);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** pickAll(el, sels) in a clone of `el` without the subtrees of `gone`: the first fallback matching outside them. */
function firstAllOutside(el: Element, sels: readonly string[], gone: ReadonlySet<Element>, names: string): Element[] {
  for (const s of sels) {
    const found = pickAllNamed(el, [s], names).filter((e) => !insideAny(e, gone, el));
    if (found.length) return found;
  }
  return [];
}

/** Qianniu / Wangwang auto-replies (keyword, offline, welcome): the leading label, an auto-reply class or tag. */
function isAutoReply(item: Element, body: string, names: string): boolean {
  if (matchesWhole(body, AUTO_REPLY_LEADING)) return true;
  if (pickNamed(item, S.autoTag, names)) return true;
  return hasLabel(item, ALI_AUTO_LABELS, [pickNamed(item, S.messageContent, names)]);
}

/** A card (no typed text) whose title is a platform flow's (客服评价邀请). */
function isSystemCard(item: Element, names: string): boolean {
  const content = pickNamed(item, S.messageContent, names);
  const card = content ? pickNamed(content, S.card, names) : null;
  if (!content || !card || pickAllNamed(content, S.messageText, names).some((p) => text(p))) return false;
  return [card, ...card.querySelectorAll('*')].some((el) => matchesWhole(el.textContent ?? '', ALI_SYSTEM_CARDS));
}

/**
 * Structure first: a platform sender (whole nick) → system; own messages (`.self` on the item or a wrapper above it
 * in the thread) → auto (label, class or tag: Qianniu/Wangwang 自动回复, even from the robot's nick), robot (店小蜜 /
 * 7x24H nick), system (a platform card), else human; others → internal (our
 * own shop's nick) or buyer. Words in the message never make it a notice.
 */
function classify(
  item: Element,
  nick: string,
  body: string,
  account: string | null,
  list: ParentNode,
  names = namesUnder(item),
): Author {
  if (matchesWhole(nick, ALI_SYSTEM_SENDERS)) return 'system';
  if (closestIn(item, S.ownMessage, list)) {
    if (isAutoReply(item, body, names)) return 'auto';
    if (isRobotNick(nick)) return 'robot';
    if (isSystemCard(item, names)) return 'system';
    return 'human';
  }
  return isOwnShop(nick, account) ? 'internal' : 'buyer';
}

function messageId(item: Element): string | null {
  for (const a of ALI_MESSAGE_ID_ATTRS) {
    const v = item.getAttribute(a);
    if (v && v.length <= 120) return v;
  }
  return null;
}

/** Messages and date dividers, in document order (dividers inside or around a message do not count). */
function timeline(msgs: readonly Element[], sepEls: readonly Element[]): { el: Element; sep: boolean }[] {
  const holders = ancestorsOf(msgs);
  const seps = outside(sepEls, msgs).filter((s) => !holders.has(s));
  const all = [...msgs.map((el) => ({ el, sep: false })), ...seps.map((el) => ({ el, sep: true }))];
  if (seps.length) {
    const order = new Map(inDocumentOrder(all.map((x) => x.el)).map((el, i) => [el, i]));
    all.sort((a, b) => order.get(a.el)! - order.get(b.el)!);
  }
  return all;
}

interface RawMessage {
  item: Element;
  nick: string;
  author: Author;
  body: string;
}

/** What the reading carries from one item to the next: the running date, the clock, the last stamp's text. */
interface AliState {
  day: Day | null;
  undated: boolean;
  relative: boolean;
  relDay: boolean;
  now: number | undefined;
  stamp: string;
  /** Messages arrive live: each bare time is read against its arrival alone (no tab-open run). */
  live: boolean;
}

const sameDay = (a: Day | null, b: Day | null) =>
  a === b || (!!a && !!b && a.y === b.y && a.mo === b.mo && a.d === b.d);

/**
 * A thread read in page order, continued by append (the running date and content-hash ids carry over), whose
 * messages changed inside are read again where they stand (ItemThread). `rereads`: may they be (not when the account
 * was read off our own messages, which a change inside one could change for every message).
 */
function threadReader(list: ParentNode, account: string | null, now: number | undefined, rereads: boolean) {
  const ctx: DayContext = { day: null, undated: false, ...(now !== undefined && { now }) };
  /** How many messages (page id or not) hold each `author|stamp|body` key; a hash id is numbered among them. */
  const occurrences = new Map<string, number>();
  let lastStampText = '';
  /**
   * The tab-open run: messages whose bare time was read against the clock with no divider above (each its own latest
   * date so far), dated together backwards from the last when the run ends (`settle`): yesterday's 09:00 and 09:05,
   * then a buyer's 23:00 still waiting, read at 10:00, are all yesterday's (not 09:00 today after 23:00 yesterday).
   * A divider that shows a time only is one more bare time of the run (no message).
   */
  const run = new BareRun();
  /** Messages arrive live (`append` with a time): each bare time is read against its arrival alone. */
  let live = false;

  /**
   * Dates the run: its last is not after `bound` (a divider's time + the slack, or its day's start for a date-only
   * one; a full stamp's time + the slack) nor now + 5 min.
   */
  function settle(bound = Infinity): void {
    if (run.length && ctx.now !== undefined) run.settle(Math.min(ctx.now + FUTURE_SLACK_MS, bound));
  }

  /** The run ends at a divider whose day cannot be told: its times are null, not dated (as `ThreadClock.drop`). */
  function drop(): void {
    run.drop();
  }

  /** A run message's time once the run ends (null: no time, nor how finely one was shown). */
  function settled(m: ExtractedMessage, at: number | null): void {
    m.at = at;
    if (at === null) {
      m.timeSource = null;
      delete m.atPrecisionMs;
    }
  }

  const raw: RawMessage[] = [];
  let first = true;
  const msgs = pickAllWith(list, S.message);
  const seps = pickAllWith(list, S.dateSeparator);

  /** The stamp or divider text the last item read ('' none; null: it read none, an empty message). */
  let read: string | null = null;

  /** A message's parts, or null (a divider, an empty item); a divider's time-only text joins the run here. */
  function readOne({ el, sep }: ThreadItem) {
    read = null;
    if (sep) {
      const t = text(el);
      read = t;
      if (t) {
        const hm = TIME_RE.exec(t);
        const dated = parseDay(t) || MONTH_DAY_RE.test(t) || RELATIVE_DAY.test(t);
        if (!live && ctx.day === null && !ctx.undated && hm && !dated) {
          // A divider with a time only (09:00) is one more bare time of the run, not an end of it.
          if (ctx.now !== undefined) run.add(+hm[1]!, +hm[2]!, +(hm[3] ?? 0));
        } else {
          readDivider(t, ctx);
          // A divider whose day cannot be told (星期三): the run above is older still, no date for it (null), not
          // dated from now.
          if (ctx.undated) drop();
          // What is above a divider with a time is not after that time (+ the slack, as ThreadClock.separator);
          // what is above a date-only divider is on an earlier day.
          const at = ctx.day && hm ? atOf(ctx.day, t) : null;
          settle(
            at !== null
              ? at + BACKWARDS_SLACK_MS
              : ctx.day
                ? Date.UTC(ctx.day.y, ctx.day.mo - 1, ctx.day.d) - 8 * 3600_000
                : undefined,
          );
        }
        lastStampText = t;
      }
      return null;
    }
    // What the item's elements are called, read once for its queries (pickNamed).
    const names = namesUnder(el);
    const body = messageBody(el, names).slice(0, 500);
    if (!body) return null;
    const nick = text(pickNamed(el, S.messageNick, names));
    const author = classify(el, nick, body, account, list, names);
    const stampText = text(pickNamed(el, S.messageTime, names));
    read = stampText;
    const at = readStamp(stampText, ctx);
    // A dated stamp (a full one, or a month-day one) ends the run above: its times are not after it.
    const full = at === null ? null : isMonthDayStamp(stampText) ? at : parseChinaStamp(stampText);
    if (full !== null) settle(full + BACKWARDS_SLACK_MS);
    const bare = TIME_RE.exec(stampText);
    const inRun = !live && at !== null && full === null && ctx.day === null && bare !== null;
    if (stampText) lastStampText = stampText;
    return {
      nick,
      author,
      body,
      at,
      // A stamp with minutes only: the engine's 0-second rule cannot judge it (isValidReply).
      precision: at === null ? undefined : stampPrecisionMs(stampText),
      runTime: inRun ? { h: +bare[1]!, mi: +bare[2]!, s: +(bare[3] ?? 0) } : undefined,
      key: `${author}|${lastStampText}|${body}`,
      pageId: messageId(el),
    };
  }

  type Parts = NonNullable<ReturnType<typeof readOne>>;
  const message = (p: Parts, id: string, key: string): ItemMessage => {
    const m: ExtractedMessage = {
      id,
      author: p.author,
      at: p.at,
      timeSource: p.at === null ? null : 'stamp',
      text: p.body,
    };
    if (p.precision !== undefined) m.atPrecisionMs = p.precision;
    return { message: m, pageId: p.pageId, id, key };
  };
  const hashId = (key: string, n: number) => `h${hash(`${key}|${n}`)}`;

  const save = (): AliState => ({
    day: ctx.day,
    undated: ctx.undated,
    relative: !!ctx.relative,
    relDay: !!ctx.relDay,
    now: ctx.now,
    stamp: lastStampText,
    live,
  });
  /** A restored reading has no open run of its own (the run it was in was dated when it ended; see RunReach). */
  const restore = (s: AliState): void => {
    Object.assign(ctx, { day: s.day, undated: s.undated, relative: s.relative, relDay: s.relDay, now: s.now });
    lastStampText = s.stamp;
    live = s.live;
    run.clear();
  };
  const reach = new RunReach<AliState>();
  /** Reads an item, and how it touched the tab-open run (RunReach): joined it, read while it was open, its stamp. */
  const readIn = (item: ThreadItem) => {
    const open = run.length;
    const p = readOne(item);
    const joined = run.length > open || !!p?.runTime;
    return { p, joined, touched: joined || open > 0, key: `${joined ? 'joined' : 'read'}|${read ?? ''}` };
  };

  const reader = new ItemThread<AliState>(
    {
      save,
      restore,
      same: (a, b) =>
        sameDay(a.day, b.day) &&
        a.undated === b.undated &&
        a.relative === b.relative &&
        a.relDay === b.relDay &&
        a.now === b.now &&
        a.stamp === b.stamp &&
        a.live === b.live,
      // Arrived now: bare times resolve against the arrival time, not against a divider of an earlier day.
      arrive(at) {
        settle();
        live = true;
        Object.assign(ctx, { day: null, undated: false, relative: false, relDay: false, now: at });
      },
      end: () => settle(),
      read(item) {
        const { p, touched, key } = readIn(item);
        let got: ItemMessage | null = null;
        if (p) {
          const n = occurrences.get(p.key) ?? 0;
          occurrences.set(p.key, n + 1);
          if (first) raw.push({ item: item.el, nick: p.nick, author: p.author, body: p.body });
          got = message(p, p.pageId ?? hashId(p.key, n), p.key);
          const m = got.message;
          if (p.runTime) run.add(p.runTime.h, p.runTime.mi, p.runTime.s, (at) => settled(m, at));
        }
        if (touched) reach.read(item, key, save(), got?.message ?? null);
        return got;
      },
      again(item, was, fresh) {
        const { p, joined, key } = readIn(item);
        const kept = reach.again(item, key, joined, fresh);
        if (kept === false) return undefined;
        if (kept) restore(kept.after);
        if (!p) return null;
        if (p.pageId !== was.pageId) return undefined;
        const r = rekeyed(occurrences, was, p.key, hashId);
        const got = r && message(p, p.pageId ?? r.id, r.key);
        if (got && kept?.message) keepTime(got.message, kept.message);
        return got;
      },
    },
    timeline(msgs.els, seps.els),
  );
  first = false;
  const messages = reader.messages;

  /**
   * A changed message is still the one message it was, as a fresh read finds it: it matches the chosen selector,
   * holds no other message, and no earlier divider fallback (nor a first divider) shows in it.
   */
  const stillItem = (el: Element): boolean =>
    !!msgs.sel &&
    matches(el, msgs.sel) &&
    pickAllIn([el], S.message, msgs.sel)?.length === 1 &&
    !!pickAllIn([el], S.dateSeparator, seps.sel);

  return {
    messages,
    raw,
    append(added: readonly Node[], at?: number): ExtractedMessage[] | null {
      const m = pickAllIn(added, S.message, msgs.sel);
      const d = pickAllIn(added, S.dateSeparator, seps.sel);
      // No account shown or read yet: our own message may tell it (readAccount), and with it who is our shop (a
      // colleague's message internal, not a buyer's; rows of our shop no waits): read whole (outsider review 12).
      if (!account && m?.some((el) => closestIn(el, S.ownMessage, list))) return null;
      return m && d ? reader.append(timeline(m, d), at) : null;
    },
    reread: (changed: readonly Node[], _now?: number, replaced?: Replaced) =>
      rereads && list.nodeType === 1 ? reader.reread(changed, replaced, list as Element, stillItem) : null,
  };
}

// ---- list rows ----

function rowNick(row: Element): string {
  const el = pick(row, S.rowName);
  return text(el) || el?.getAttribute('title')?.trim() || '';
}

/** Seconds since the row's last message, from relative stamps (现在 / N分钟前 / N小时前); else undefined. */
export function parseRelativeAge(s: string): number | undefined {
  const t = s.trim();
  if (/^(现在|刚刚)$/.test(t)) return 0;
  const m = /^(\d+)\s*(秒|分钟|小时)前$/.exec(t);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === '秒' ? 1 : m[2] === '分钟' ? 60 : 3600);
}

function unreadCount(row: Element): number {
  const t = text(pick(row, S.rowUnread));
  const m = /^(\d+)\+?$/.exec(t);
  return m ? Number(m[1]) : 0;
}

function rowList(root: ParentNode, account: string | null): PageList {
  const listEl = pick(root, S.conversationList);
  const inList = listEl ? pickAllWith(listEl, S.conversationRow) : { els: [], sel: null };
  const rows = inList.els.length ? inList.els : pickAll(root, S.conversationRow);
  return {
    listEl,
    rowSel: inList.sel,
    rows,
    read: (row) => readRow(row, account),
    firstPerBuyer: true,
    // Platform notice rows (平台提醒 / 系统消息 …) are no conversations.
    skip: rows.filter((r) => isNoticeRow(rowNick(r))),
    chrome: ALI_PART_CHROME.list,
  };
}

function readRow(row: Element, account: string | null): ExtractedConversation | null {
  const nick = rowNick(row);
  // Platform notice pseudo-conversations (a peer named wholly 平台提醒 / 系统消息 …) are no buyers.
  if (!nick || isNoticeRow(nick)) return null;
  const c: ExtractedConversation = { buyer: nick, nick, row, active: matchesAny(row, S.rowActive) };
  const preview = text(pick(row, S.rowPreview));
  if (preview) c.preview = preview;
  // The row shows no wait as such: an unread row whose last message is N minutes old has waited at least
  // that long (the first unanswered message may be older: a lower bound). A preview that is wholly a platform
  // notice is no wait. The open conversation's row too: its wait is evidence as any (platform-rules §3.7).
  if (unreadCount(row) > 0 && !matchesWhole(preview, ALI_NOTICE_PREVIEWS) && !isOwnShop(nick, account)) {
    const age = parseRelativeAge(text(pick(row, S.rowTime)));
    if (age !== undefined) c.waitingSec = age;
  }
  return c;
}

function rootText(root: ParentNode): string {
  const body = (root as Document).body;
  return (body ?? (root as Element)).textContent ?? '';
}

/** Elements in the list and the thread that are no rows or messages (guesses, besides the date dividers). */
export const ALI_PART_CHROME = {
  list: ['[class*="empty"]', '[class*="loading"]'],
  thread: [...S.dateSeparator, '[class*="empty"]', '[class*="loading"]', '[class*="load-more"]'],
} as const satisfies SelectorMap;

/**
 * Our own account: the IM's user panel (its text, or a tooltip), else the sender of our own messages in the thread
 * (`main:sub`; not the robot's, which answers as `main:店小蜜`). Null when the page shows neither.
 */
function readAccount(root: ParentNode): string | null {
  const shown = shownName(root, S.account);
  if (shown) return shown;
  for (const item of pickAll(root, S.message)) {
    if (!matchesAny(item, S.ownMessage)) continue;
    const nick = text(pick(item, S.messageNick));
    if (nick && !isRobotNick(nick) && !matchesWhole(nick, ALI_SYSTEM_SENDERS)) return nick;
  }
  return null;
}

export function extractAli(root: ParentNode, _memo?: unknown, now?: number): Extraction {
  const account = readAccount(root);
  return extractPage({
    account: () => account,
    loggedOut: () => !!pick(root, S.loginForm),
    list: () => rowList(root, account),
    input: () => pick(root, S.input),
    thread({ conversations }) {
      const msgList = pick(root, S.messageList);
      const msgItems = msgList ? pickAll(msgList, S.message) : pickAll(root, S.message);
      const activeRow = conversations.find((c) => c.active);
      // 您尚未选择联系人 only counts when no row is selected and no message shows (a hidden leftover must not hide a
      // thread): no conversation open then.
      const none = !msgItems.length && !activeRow && rootText(root).includes(ALI_NO_CONTACT_TEXT);
      const found = !none && (!!msgList || msgItems.length > 0);
      // Without a known list container, read the whole frame (each item sits in its own wrappers).
      const reader = found ? threadReader(msgList ?? root, account, now, !!shownName(root, S.account)) : null;
      const named = activeRow?.buyer || firstText(root, S.threadHeaderName);
      const buyer =
        named || reader?.raw.find((r) => (r.author === 'buyer' || r.author === 'internal') && r.nick)?.nick || '';
      return {
        container: msgList,
        found,
        none,
        // One is open when a row is selected, the header names someone or messages show.
        open: !!activeRow || !!firstText(root, S.threadHeaderName) || msgItems.length > 0,
        buyer,
        nick: buyer,
        buyerMissing: 'threadBuyer',
        // Appended messages continue the read when the thread has its own container and a buyer not taken from them.
        live: !!named,
        chrome: ALI_PART_CHROME.thread,
        items: () => msgItems.length,
        read: () => reader!,
      };
    },
  });
}

// ---- frames and URLs ----

function looksLikeCore(doc: Document): boolean {
  return (
    !!pick(doc, [...S.conversationRow, ...S.message, '.ww_input', '.ww_conversation', '.ww_container']) ||
    (doc.body?.textContent ?? '').includes(ALI_NO_CONTACT_TEXT)
  );
}

/**
 * Only the frame that holds the chat is watched (one watcher per tab: two would overwrite each other's health).
 * - Top frame: not when it hosts the core iframe, nor on the 1688 shell page (…/def_cbu_web_im/…), whose iframe
 *   may be inserted after document_idle; yes otherwise (Taobao's web Wangwang, or the core opened directly).
 * - Inner frame: yes when it is the core frame by name/id or path (known before React renders), or when its DOM
 *   already looks like the IM core; other same-host frames (proxies, helpers) are left alone.
 */
export function aliAcceptsFrame(doc: Document, isTop: boolean): boolean {
  try {
    const path = doc.location?.pathname ?? '';
    if (isTop) {
      if (doc.querySelector(`iframe#${CORE_FRAME}, iframe[name="${CORE_FRAME}"], iframe[src*="${CORE_FRAME}"]`))
        return false;
      if (looksLikeCore(doc)) return true;
      return !/\/def_cbu_web_im\//.test(path);
    }
    const view = doc.defaultView;
    if (view?.name === CORE_FRAME) return true;
    const frame = view?.frameElement;
    if (frame && (frame.id === CORE_FRAME || frame.getAttribute('name') === CORE_FRAME)) return true;
    if (path.includes(CORE_FRAME)) return true;
    return looksLikeCore(doc);
  } catch {
    return isTop;
  }
}

/**
 * workbench-dom.md § 1688: classes only (own messages `.self`), the input's `contenteditable`; guessed: the account
 * panel's `title`, a selected row's `aria-selected`, the message id attributes the adapter falls back on.
 */
/** The account is read through shownName: its title / alt / aria-label too (a logo whose tooltip loads late). */
const ALI_ATTRIBUTES = ['contenteditable', 'title', 'aria-selected', ...ALI_MESSAGE_ID_ATTRS, ...SHOWN_NAME_ATTRS];

export const ali1688Adapter: Adapter = {
  platform: 'ali1688',
  attributes: ALI_ATTRIBUTES,
  // Left of the unread count in the row's bottom-right corner (room for "99+").
  badgeSlot: { right: 44 },
  selectors: ALI_SELECTORS,
  matches: (url) =>
    (url.hostname === 'air.1688.com' && url.pathname.includes('/def_cbu_web_im')) || isDemoPage(url, 'ali1688'),
  acceptsFrame: aliAcceptsFrame,
  extract: extractAli,
};

export const taobaoAdapter: Adapter = {
  platform: 'taobao',
  attributes: ALI_ATTRIBUTES,
  // Left of the unread count in the row's bottom-right corner (room for "99+").
  badgeSlot: { right: 44 },
  selectors: ALI_SELECTORS,
  matches: (url) =>
    url.hostname === 'web.wangwang.taobao.com' ||
    (url.hostname === 'air.taobao.com' && /web_im|wangwang/i.test(url.pathname)) ||
    isDemoPage(url, 'taobao'),
  acceptsFrame: aliAcceptsFrame,
  extract: extractAli,
};
