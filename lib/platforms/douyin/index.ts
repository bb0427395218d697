/**
 * Douyin 抖店 飞鸽 (im.jinritemai.com/pc_seller_v2/main/workspace). React-like, hashed CSS-module classes: the
 * `data-qa-id` hooks and a few semantic classes (.messageNotMe / .messageIsMe) are the stable handles.
 * DOM facts: ../shared/docs/workbench-dom.md § Douyin. Selectors are data; extract() is pure (reads, never writes).
 *
 * Buyer id: the page shows no buyer uid in the DOM (rows carry only tracking attributes: `data-btm-id` ends in
 * .current/.recent/.systemConv, and the inner `data-btm` changes with every message), so the buyer id is the
 * customer's display name: the open customer's name in `#topbar-left-info` for the thread, the row's
 * `[class*="nameLine"][title]` for list rows (the same string, so a row and its open thread match).
 */
import { isDemoPage } from '../define';
import type { Author, Marker } from '../../model';
import { hasLabel, matchesWhole, systemMarker, whole, type WholeText } from '../classify';
import {
  hash,
  matches,
  matchesAny,
  messageIndexOf,
  parseChinaStamp,
  pick,
  pickAll,
  pickAllIn,
  pickAllWith,
  shownName,
  SHOWN_NAME_ATTRS,
  text,
} from '../dom';
import { extractPage, type PageList } from '../page';
import {
  BACKWARDS_SLACK_MS,
  FUTURE_SLACK_MS,
  BareRun,
  type BareTime,
  latestAt,
  parseDurationSec,
  stampedMessage,
} from '../stamps';
import {
  sameMessage,
  type Adapter,
  type ExtractedConversation,
  type ExtractedMessage,
  type Extraction,
  type MessageChange,
  type Replaced,
  type SelectorMap,
} from '../types';

export const DOUYIN_SELECTORS = {
  /** Guessed: the login lives on fxg.jinritemai.com; an expired session may show an in-page login form. */
  loginForm: [
    'form[class*="login"]',
    '[class*="loginContainer"]',
    '[class*="login-container"]',
    'input[type="password"]',
  ],
  /** The list's scroll root (present even with zero conversations); rows alone also count as a list. */
  conversationList: ['#chantListScrollArea', '.list_items', '[class*="list_items"]'],
  conversationRow: ['[data-qa-id="qa-conversation-chat-item"]'],
  rowName: ['[class*="nameLine"][title]', '[class*="NameContent"]', '[class*="nameLine"]'],
  rowPreview: ['[class*="msgContent"]'],
  /** Relative wait ("45秒", "2分12秒") or an absolute time; only read inside a pending group. */
  rowTimer: ['[class*="timerParticular"]', '[class*="waitTime"]', '[class*="timer"]'],
  /** Group markers (a container of rows, or a header followed by its rows). */
  rowGroup: ['[data-btm^="message_group_name_"]'],
  pendingGroup: ['[data-btm="message_group_name_waitReply"]', '[data-btm="message_group_name_overtime"]'],
  activeRow: [
    '[aria-selected="true"]',
    '[class~="active"]',
    '[class~="selected"]',
    '[class^="active"]',
    '[class*=" active"]',
    '[class*="Active"]',
    '[class*="Selected"]',
  ],
  openCustomer: ['#topbar-left-info'],
  /** Guessed containers; used only when they hold message wrappers, else the whole page is read. */
  messageList: ['[class*="messageList"]', '[class*="message-list"]', '#workspace-chat'],
  /** The typo `warpper` is the real page's. */
  message: ['[data-qa-id="qa-message-warpper"]', '[data-qa-id="qa-message-wrapper"]'],
  messageId: [':scope > div[data-id]', ':scope > [data-id]', '[data-id]'],
  buyerBubble: ['.messageNotMe', '[class*="messageNotMe"]'],
  shopBubble: ['.messageIsMe', '[class*="messageIsMe"]'],
  bubbleText: ['pre'],
  messageTime: ['.O4UWWFoQxgMq4AWHMq25', '[class*="messageTime"]', '[class*="msgTime"]'],
  timeDivider: ['.rcHPT4n3TlQD0Nu4sSiv', '[class*="timeDivider"]', '[class*="timeLine"]'],
  card: ['[class*="chatd-card"]', '[class*="goodsCard"]', '[class*="productCard"]'],
  cardTitle: ['[class*="title"]', '[class*="Title"]'],
  image: ['img:not([alt="头像"])'],
  input: [
    'textarea[data-qa-id="qa-send-message-textarea"]',
    '[data-qa-id="qa-send-message-textarea"]',
    'textarea[placeholder*="发送给"]',
  ],
  /**
   * Guessed: the doc does not say where the logged-in shop name is. Then the header's shop name under other class
   * names, and the shop logo's title / alt. (Not the agent's name: two shops can have agents of one name.)
   */
  account: [
    '[data-qa-id="qa-account-name"]',
    'header [class*="shopName"]',
    '[class*="accountName"]',
    'header [class*="ShopName"]',
    '[data-qa-id*="shop-name"]',
    'header [class*="shopLogo"]',
    'header img[class*="shop"]',
  ],
} as const satisfies SelectorMap;

/** Pseudo-conversations in the list that are not buyers. */
export const DOUYIN_PSEUDO_CONVERSATIONS = ['智能客服', '系统通知'];
/** Punctuation and spaces a greeting may carry anywhere. */
const G = String.raw`[\s，,。.!！？?~～、]*`;
/**
 * Full-auto robot greetings (the doc's 亲亲，在哒 / 很高兴为您服务，请问有什么可以帮您 / 现在是人工客服为您服务), as WHOLE
 * messages: the page gives a robot reply no class, id or label (only the main world's IM object knows its sender), so
 * a shop-side message that is exactly one of these is the robot's; a reply that merely contains one is the agent's.
 */
export const DOUYIN_ROBOT_TEXTS: readonly WholeText[] = [
  whole(new RegExp(`^亲亲${G}在哒${G}$`), '亲亲，在哒', '亲亲，在哒~'),
  whole(
    new RegExp(`^(?:(?:亲亲${G}在哒|您好|亲)${G})?很高兴为您服务${G}请问有什么可以帮(?:您|到您)${G}$`),
    '亲亲，在哒~很高兴为您服务，请问有什么可以帮您？',
    '很高兴为您服务，请问有什么可以帮您',
    '您好，很高兴为您服务，请问有什么可以帮您？',
  ),
  whole(
    new RegExp(`^(?:您好${G})?现在是人工客服为您服务${G}(?:请您?稍等片刻${G})?$`),
    '现在是人工客服为您服务',
    '您好，现在是人工客服为您服务，请您稍等片刻～',
  ),
];
/** The label under a robot suggestion sent by a human (assist: a valid reply on Douyin), stripped from bubble text. */
export const DOUYIN_ASSIST_LABEL = /此消息由机器人(?:自动回复|推荐)?(?:\/推荐)?/g;
/** The same label as an element of its own next to the bubble: what makes a shop-side message `assist`. */
export const DOUYIN_ASSIST_LABELS: readonly WholeText[] = [
  whole(
    /^此消息由机器人(?:自动回复|推荐)?(?:\/推荐)?$/,
    '此消息由机器人推荐',
    '此消息由机器人自动回复',
    '此消息由机器人自动回复/推荐',
  ),
];
/** The preview of a row where we left an unsent draft. */
export const DOUYIN_DRAFT_PREFIX = '[草稿]';

const S = DOUYIN_SELECTORS;
const URL_PATH = /^\/pc_seller_v\d+\/main\/workspace/;
const MINUTE = 60_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------- small pure helpers

function isPseudo(name: string): boolean {
  return DOUYIN_PSEUDO_CONVERSATIONS.includes(name.trim());
}

/** The first non-empty text node under `el` that is not one of `skip` (e.g. the 添加备注 button). */
function firstText(el: Element | null, skip: readonly string[]): string {
  if (!el) return '';
  const stack: Node[] = [el];
  while (stack.length) {
    const n = stack.shift()!;
    if (n.nodeType === 3) {
      const t = (n.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (t && !skip.includes(t)) return t;
      continue;
    }
    stack.unshift(...Array.from(n.childNodes));
  }
  return '';
}

/** Text of `el` without the descendants matching `drop` (read from a detached clone). */
function textWithout(el: Element, drop: readonly (readonly string[])[]): string {
  const clone = el.cloneNode(true) as Element;
  for (const sels of drop)
    for (const s of sels) {
      try {
        clone.querySelectorAll(s).forEach((x) => x.remove());
      } catch {
        /* bad selector in data */
      }
    }
  return text(clone);
}

function chinaParts(ms: number): { y: number; mo: number; d: number } {
  const d = new Date(ms + 8 * 3600_000);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

function chinaTime(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  return Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3600_000;
}

/** Time stamps seen so far in the thread: the date they give to later stamps that print no date. */
export interface StampContext {
  /** The last full time (its date is the date of later bare times). */
  last: number | null;
  /** Set for messages that arrive live: their dateless stamps are read against this time (see parseThreadStamp). */
  arrived?: number;
  /**
   * The caller's clock at a whole read (the tab opens): bare times with no full stamp above them join `run` (each
   * null when read), and are dated together backwards from the last when the run ends (`settleRun`).
   */
  now?: number;
  run?: BareRun;
  /**
   * A divider named a day that cannot be told (星期三, or 昨天 with no clock): dateless stamps after it give null
   * (never today's, never an older date's) until a date or a live arrival.
   */
  undated?: boolean;
  /**
   * The date came from a 昨天 / 前天 divider: a time-only divider after it does not tell its day (today's, or the same
   * day's later?): what follows is undated (`parseDividerStamp`).
   */
  relativeDay?: boolean;
  /**
   * `last` came from the clock (a 今天/昨天/前天 divider, a month-day divider resolved against it), not from a stamp's
   * own date: the times read from it move with the clock (the same page read before and after midnight), so they do
   * not go into content-hash ids (the reader's `nearest`).
   */
  clockLast?: boolean;
}

/** The bare times a wrapper added to the tab-open run, as a key (`WrapperRead.runTimes`). */
function runKey(...added: (BareTime | undefined)[]): string {
  return added
    .filter((b) => b !== undefined)
    .map((b) => `${b.h}:${b.mi}:${b.s}`)
    .join(',');
}

/**
 * Dates the open run (`StampContext.run`) backwards from its last stamp (`datedBackwards`): its last is not after
 * `bound` (the full stamp that ends it, + BACKWARDS_SLACK_MS) nor after the clock + FUTURE_SLACK_MS. The run's
 * stamps keep giving null to the thread's state (`last`, the ids' nearest stamp): only the messages' times change.
 */
export function settleRun(ctx: StampContext, bound = Infinity): void {
  if (ctx.run?.length && ctx.now !== undefined) ctx.run.settle(Math.min(ctx.now + FUTURE_SLACK_MS, bound));
}

const MONTH_DAY = /(?:^|\D)(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])/;
const BARE_TIME = /(?:^|[^\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])/;

const TIME_ONLY =
  /^(?:(?:\d{4}\s*[年\-/.]\s*)?\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?\s*|昨天\s*|前天\s*|今天\s*|星期.\s*|周.\s*)?\d{1,2}:\d{2}(?::\d{2})?$/;

/**
 * Parses a stamp as the thread prints it. Full dates via parseChinaStamp. `MM-DD HH:MM` and bare `HH:MM(:SS)` only
 * when an earlier stamp of the thread gave the date, or, at a read with the caller's clock (`ctx.now`), a bare time
 * with no full stamp above it: it joins the tab-open run (null here, dated by settleRun), or, for messages that
 * arrived live (`ctx.arrived`), against their arrival time: the latest date at which
 * the time is not after it (+ FUTURE_SLACK_MS), never the date the thread had reached (a tab left open overnight).
 * Relative words (昨天, 星期三) give null.
 */
export function parseThreadStamp(s: string, ctx: StampContext): number | null {
  const full = parseChinaStamp(s);
  if (full !== null) {
    settleRun(ctx, full + BACKWARDS_SLACK_MS);
    ctx.last = full;
    ctx.clockLast = false;
    ctx.undated = false;
    ctx.relativeDay = false;
    return full;
  }
  if (/昨天|前天|星期|周/.test(s)) return null;
  if (ctx.arrived !== undefined) {
    const t = arrivedStamp(s, ctx.arrived);
    if (t !== null) {
      ctx.last = t;
      ctx.clockLast = false;
    }
    return t;
  }
  if (ctx.undated) return null;
  if (ctx.last === null) {
    // Read when the tab opens, no full stamp above: a bare time joins the run, dated when it ends (settleRun).
    const hm = ctx.run && ctx.now !== undefined && !MONTH_DAY.test(s) ? BARE_TIME.exec(s) : null;
    if (hm && +hm[1]! < 24 && +hm[2]! < 60 && (!hm[3] || +hm[3] < 60))
      ctx.run!.add(+hm[1]!, +hm[2]!, hm[3] ? +hm[3] : 0);
    return null;
  }
  const ref = chinaParts(ctx.last);
  let t: number | null = null;
  const md = MONTH_DAY.exec(s);
  if (md) {
    const [, mo, d, h, mi, se] = md;
    if (+mo! >= 1 && +mo! <= 12 && +d! >= 1 && +d! <= 31 && +h! < 24 && +mi! < 60) {
      t = chinaTime(ref.y, +mo!, +d!, +h!, +mi!, se ? +se : 0);
      if (t < ctx.last - 5 * MINUTE) t = chinaTime(ref.y + 1, +mo!, +d!, +h!, +mi!, se ? +se : 0);
    }
  } else {
    const hm = BARE_TIME.exec(s);
    if (hm) {
      const [, h, mi, se] = hm;
      if (+h! < 24 && +mi! < 60 && (!se || +se < 60)) {
        t = chinaTime(ref.y, ref.mo, ref.d, +h!, +mi!, se ? +se : 0);
        // Threads run forward: a time well before the last one is on the next day (midnight passed).
        if (t < ctx.last - 5 * MINUTE) t += DAY;
      }
    }
  }
  // Under a day read off the clock (今天 / 昨天 / 前天, a month-day divider), never after the clock (+ FUTURE_SLACK_MS): a
  // 今天 not re-rendered after China midnight does not date 23:30 as today's, ≈23 h ahead.
  if (t !== null && ctx.clockLast && ctx.now !== undefined && t > ctx.now + FUTURE_SLACK_MS) return null;
  if (t !== null) ctx.last = t;
  return t;
}

/**
 * A time divider's text (as `ThreadClock.separator`): 今天 / 昨天 / 前天 (+ a time) are dated with the clock (the
 * arrival time of live messages, else the caller's): the run above is not after that time + BACKWARDS_SLACK_MS (a
 * date alone: before that day), and what follows is dated from it. A weekday (星期三) ends the run, its times null
 * (older than a day that cannot be told), and leaves what follows undated. A month-day with no date above is resolved against the clock (a month-day later than today's is
 * last year's). Anything else as a message stamp (`parseThreadStamp`). The divider's time, or null.
 */
export function parseDividerStamp(s: string, ctx: StampContext): number | null {
  const t = s.replace(/\s+/g, ' ').trim();
  const clock = ctx.arrived ?? ctx.now;
  const rel = /^(今天|昨天|前天)/.exec(t);
  if (rel && clock !== undefined) {
    const day = chinaParts(clock - (rel[1] === '今天' ? 0 : rel[1] === '昨天' ? 1 : 2) * DAY);
    const hm = BARE_TIME.exec(t);
    const valid = hm && +hm[1]! < 24 && +hm[2]! < 60 && (!hm[3] || +hm[3] < 60);
    const at = valid ? chinaTime(day.y, day.mo, day.d, +hm[1]!, +hm[2]!, hm[3] ? +hm[3] : 0) : null;
    const start = chinaTime(day.y, day.mo, day.d, 0, 0, 0);
    settleRun(ctx, at === null ? start : at + BACKWARDS_SLACK_MS);
    ctx.last = at ?? start;
    ctx.clockLast = true;
    ctx.undated = false;
    ctx.relativeDay = rel[1] !== '今天';
    return at;
  }
  if (rel || /星期|周[一二三四五六日天]/.test(t)) {
    // The run above is older than a day that cannot be told: no date (not today's times for last week's messages).
    ctx.run?.drop();
    ctx.last = null;
    ctx.clockLast = false;
    ctx.undated = true;
    ctx.relativeDay = false;
    return null;
  }
  if (ctx.relativeDay && /^\d{1,2}:\d{2}(?::\d{2})?$/.test(t)) {
    // A time-only divider after 昨天 / 前天: its day is not shown (the docs do not say which scheme the page uses):
    // no time for what follows, never a guessed day, until a date.
    ctx.last = null;
    ctx.clockLast = false;
    ctx.undated = true;
    ctx.relativeDay = false;
    return null;
  }
  const md = ctx.last === null && ctx.arrived === undefined && ctx.now !== undefined ? MONTH_DAY.exec(t) : null;
  if (md && ctx.now !== undefined) {
    const [, mo, d, h, mi, se] = md;
    if (!(+mo! >= 1 && +mo! <= 12 && +d! >= 1 && +d! <= 31 && +h! < 24 && +mi! < 60 && (!se || +se < 60))) return null;
    const today = chinaParts(ctx.now);
    const y = +mo! > today.mo || (+mo! === today.mo && +d! > today.d) ? today.y - 1 : today.y;
    const at = chinaTime(y, +mo!, +d!, +h!, +mi!, se ? +se : 0);
    settleRun(ctx, at + BACKWARDS_SLACK_MS);
    ctx.last = at;
    ctx.clockLast = true;
    ctx.undated = false;
    ctx.relativeDay = false;
    return at;
  }
  return parseThreadStamp(s, ctx);
}

/** A dateless stamp of a message that arrived at `now`: a month-day in the last year, a bare time not after now. */
function arrivedStamp(s: string, now: number): number | null {
  const md = MONTH_DAY.exec(s);
  if (md) {
    const [, mo, d, h, mi, se] = md;
    if (!(+mo! >= 1 && +mo! <= 12 && +d! >= 1 && +d! <= 31 && +h! < 24 && +mi! < 60)) return null;
    const { y } = chinaParts(now);
    const t = chinaTime(y, +mo!, +d!, +h!, +mi!, se ? +se : 0);
    return t > now + FUTURE_SLACK_MS ? chinaTime(y - 1, +mo!, +d!, +h!, +mi!, se ? +se : 0) : t;
  }
  const hm = BARE_TIME.exec(s);
  if (!hm) return null;
  const [, h, mi, se] = hm;
  return +h! < 24 && +mi! < 60 && (!se || +se < 60) ? latestAt(+h!, +mi!, se ? +se : 0, now) : null;
}

function firstSelector(sels: readonly string[]): string {
  return sels[0] ?? ':not(*)';
}

// ---------------------------------------------------------------- list

/**
 * For each row, the group it belongs to. The doc names the group markers but not their shape, so both are read:
 * if any marker contains rows, markers are containers (a row outside every container is in no group); otherwise
 * they are headers, and a row belongs to the nearest header before it.
 */
function rowGroups(root: ParentNode, rows: readonly Element[]): Map<Element, Element | null> {
  const out = new Map<Element, Element | null>();
  const markers = pickAll(root, S.rowGroup);
  const containers = markers.some((m) => pick(m, S.conversationRow));
  let ordered: Element[] = [];
  try {
    ordered = [...root.querySelectorAll(`${firstSelector(S.rowGroup)}, ${firstSelector(S.conversationRow)}`)];
  } catch {
    /* bad selector in data */
  }
  const rowSet = new Set(rows);
  let header: Element | null = null;
  for (const el of ordered) {
    if (rowSet.has(el)) {
      out.set(el, containers ? (markers.filter((m) => m !== el && m.contains(el)).pop() ?? null) : header);
    } else if (!containers && matchesAny(el, S.rowGroup)) header = el;
  }
  for (const r of rows) if (!out.has(r)) out.set(r, null);
  return out;
}

function rowName(row: Element): string {
  const el = pick(row, S.rowName);
  return (el?.getAttribute('title') ?? '').trim() || text(el);
}

function isActiveRow(row: Element): boolean {
  return matchesAny(row, S.activeRow);
}

/**
 * One row's group as rowGroups finds it, for a row read alone on a live page (`containers`: how the whole read found
 * the markers, containers of rows or headers before them; `regroups` sends every change that could alter that, or put
 * a marker inside a row, to a whole read). Containers: the innermost marker holding the row. Headers: the nearest
 * marker before the row in document order, looked for backwards from the row up to the list (every marker is in the
 * list, none in a row: the rows passed on the way are skipped unread; one `matches` each).
 */
function groupOf(
  row: Element,
  listEl: Element,
  containers: boolean,
  rowSel: string,
  markerSel: string,
): Element | null {
  if (containers) return row.parentElement?.closest(markerSel) ?? null;
  for (let n: Element = row; n !== listEl;) {
    for (let p = n.previousElementSibling; p; p = p.previousElementSibling) {
      if (matches(p, rowSel)) continue;
      const inner = p.querySelectorAll(markerSel);
      if (inner.length) return inner[inner.length - 1]!;
      if (matches(p, markerSel)) return p;
    }
    const up = n.parentElement;
    if (!up) return null;
    if (up !== listEl && matches(up, markerSel)) return up;
    n = up;
  }
  return null;
}

/** Attribute names a selector tests (`[data-btm^="…"]` → data-btm). */
function attributesOf(sel: string): Set<string> {
  return new Set([...sel.matchAll(/\[\s*([\w-]+)/g)].map((m) => m[1]!.toLowerCase()));
}

function rowList(root: ParentNode, openName: string): PageList {
  const listEl = pick(root, S.conversationList);
  const { els: rows, sel: rowSel } = pickAllWith(root, S.conversationRow);
  const groups = rowGroups(root, rows);
  const readRow = (row: Element, group: Element | null): ExtractedConversation | null => {
    const nick = rowName(row);
    if (!nick || isPseudo(nick)) return null;
    if ((row.getAttribute('data-btm-id') ?? '').endsWith('.systemConv')) return null;
    const c: ExtractedConversation = { buyer: nick, nick, row, active: nick === openName || isActiveRow(row) };
    const preview = text(pick(row, S.rowPreview));
    // "[草稿]…" is our own unsent draft, not what the buyer wrote.
    if (preview && !preview.startsWith(DOUYIN_DRAFT_PREFIX)) c.preview = preview;
    if (group && matchesAny(group, S.pendingGroup)) {
      const w = parseDurationSec(text(pick(row, S.rowTimer)));
      if (w !== undefined) c.waitingSec = w;
    }
    return c;
  };
  // The whole read's groups serve the whole read only: a row read alone later finds its own (`liveRead`: the page
  // has changed since).
  const read = (row: Element): ExtractedConversation | null => readRow(row, groups.get(row) ?? null);
  const list: PageList = {
    listEl,
    rowSel: null,
    rows,
    read,
    firstPerBuyer: true,
    // Pseudo-conversations (智能客服 / 系统通知) and system rows are no buyers.
    skip: rows.filter((r) => isPseudo(rowName(r)) || (r.getAttribute('data-btm-id') ?? '').endsWith('.systemConv')),
    chrome: DOUYIN_PART_CHROME.list,
  };
  const live = listEl && rowSel ? liveRows(root, listEl, rows, rowSel) : null;
  if (!live) return list;
  return {
    ...list,
    rowSel,
    liveRead: (row) => readRow(row, groupOf(row, listEl!, live.containers, rowSel!, live.markerSel)),
    // Every row at once (the watcher's row map after a whole read): the groups in one pass over the list, as the
    // whole read finds them (every marker and row is in the list while the live rows stand).
    readAll: (all) => {
      const now = rowGroups(listEl!, all);
      return all.map((row) => readRow(row, now.get(row) ?? null));
    },
    regroups: live.regroups,
    // A row reads its own subtree and its group marker's attributes, no text outside it (a group title's count).
    inertText: true,
  };
}

/**
 * Live rows (a row read alone, its group found by `groupOf`) when the page is one where that is sure: one selector
 * each for rows and markers, every row and marker in the list, no marker or row inside a row, no marker that is a
 * row. Else null: the page is read whole at every change, as before.
 */
function liveRows(
  root: ParentNode,
  listEl: Element,
  rows: readonly Element[],
  rowSel: string,
): { containers: boolean; markerSel: string; regroups(r: MutationRecord): boolean } | null {
  if (S.rowGroup.length !== 1 || S.conversationRow.length !== 1) return null;
  const markerSel = firstSelector(S.rowGroup);
  let markers: Element[];
  try {
    markers = [...root.querySelectorAll(markerSel)];
    if (rows.some((r) => r.matches(markerSel) || r.querySelector(markerSel) || r.querySelector(rowSel))) return null;
  } catch {
    return null;
  }
  if (markers.some((m) => !listEl.contains(m) || m === listEl) || rows.some((r) => !listEl.contains(r))) return null;
  const containers = markers.some((m) => pick(m, S.conversationRow));
  const markerAttrs = attributesOf(markerSel);
  const nested = `${rowSel} ${rowSel}`;
  const isEl = (n: Node): n is Element => n.nodeType === 1;
  /** Do the markers still read as they did (containers: some holds a row; headers: none does)? */
  const sameMode = (): boolean => {
    const now = [...listEl.querySelectorAll(markerSel)].some((m) => m.querySelector(rowSel));
    return now === containers;
  };
  return {
    containers,
    markerSel,
    regroups(r) {
      const t = r.target;
      if (r.type === 'attributes') {
        if (!isEl(t)) return false;
        // Removed from the list since: it may have been a marker (its old value is not kept).
        if (!t.isConnected) return markerAttrs.has((r.attributeName ?? '').toLowerCase());
        // A marker made (inside a row: the list's own are read whole anyway), or a row made inside a row.
        // A marker attribute changed on a row or inside one (it may have been a marker — a header a virtualised list
        // recycles into a row — and its old value is not kept), or a row made inside a header (the markers would
        // read as containers): read whole (outsider review of the live rows: a wait never reported, waits kept that
        // the page no longer showed). Rows' own elements carry data-btm ids too: those changes are read whole as well.
        if (markerAttrs.has((r.attributeName ?? '').toLowerCase()) && t.closest(rowSel)) return true;
        if (!containers && matches(t, rowSel) && t.closest(markerSel)) return true;
        return matches(t, markerSel) || (matches(t, rowSel) && !!t.parentElement?.closest(rowSel));
      }
      if (r.type !== 'childList') return false;
      let checked = false;
      for (const list of [r.addedNodes, r.removedNodes])
        for (const n of list) {
          if (!isEl(n)) continue;
          // A marker added, removed or moved (a header change re-groups every row below it).
          if (matches(n, markerSel) || n.querySelector(markerSel)) return true;
          if (!(matches(n, rowSel) || n.querySelector(rowSel))) continue;
          if (!isEl(t)) return true;
          // A row inside a row.
          if (t.closest(rowSel) || (matches(n, rowSel) && n.querySelector(rowSel)) || n.querySelector(nested))
            return true;
          // Headers: a row put inside a marker (the markers would read as containers).
          if (!containers && t.closest(markerSel)) return true;
          // Containers: a row taken out of one that holds no row any more (the markers may read as headers now).
          if (containers && !checked && list === r.removedNodes) {
            const from = t.closest(markerSel);
            if (!(from && from.querySelector(rowSel))) {
              if (!sameMode()) return true;
              checked = true;
            }
          }
        }
      return false;
    },
  };
}

// ---------------------------------------------------------------- thread

type IdKind = 'assign' | 'welcome' | 'close' | 'llm' | null;

function idKind(id: string): IdKind {
  if (id.startsWith('cs_close_conversation')) return 'close';
  if (id.startsWith('llm_process_')) return 'llm';
  if (id.includes('_CsAssign_')) return 'assign';
  if (id.includes('_Welcome_')) return 'welcome';
  return null;
}

function bubbleBody(bubble: Element): string {
  const card = pick(bubble, S.card);
  if (card) return `[商品卡片] ${text(pick(card, S.cardTitle)) || text(card)}`.trim();
  const textEl = pick(bubble, S.bubbleText) ?? bubble;
  const t = textWithout(textEl, [S.messageTime]).replace(DOUYIN_ASSIST_LABEL, '').trim();
  if (t) return t;
  if (pick(bubble, S.image)) return '[图片]';
  return '';
}

/** The message container (the first that holds message wrappers), or null: then the whole page is read. */
function messageContainer(root: ParentNode): Element | null {
  return pickAll(root, S.messageList).find((c) => pick(c, S.message)) ?? null;
}

/** The innermost message wrappers (an extra wrapper with the same hook must not double a message). */
function innermost(all: readonly Element[]): Element[] {
  return all.filter((w) => !pick(w, S.message));
}

/** The reader's running state between two wrappers (what the next one reads with, besides the ids so far). */
interface ReaderState {
  last: number | null;
  nearest: number | null;
  divider: number | null;
  /** `divider` came from the clock (see `StampContext.clockLast`); so did the context's `last`. */
  dividerClock: boolean;
  clockLast: boolean;
  /**
   * The arrival time the wrapper's dateless stamps were read against (`StampContext.arrived`; undefined: the first
   * read's). The wrapper's own, not carried from the one before: a re-read restores it per wrapper, and it is not
   * compared (`sameState`).
   */
  arrived: number | undefined;
  /** A bare divider's time in the tab-open run, for the next message (not compared either). */
  dividerRun?: BareTime | undefined;
  /** A weekday divider above left dateless stamps undated (`StampContext.undated`). */
  undated: boolean;
  /** The date came from a 昨天 / 前天 divider (`StampContext.relativeDay`). */
  relativeDay: boolean;
}

const sameState = (a: ReaderState, b: ReaderState) =>
  a.last === b.last &&
  a.nearest === b.nearest &&
  a.divider === b.divider &&
  a.undated === b.undated &&
  a.relativeDay === b.relativeDay &&
  a.dividerClock === b.dividerClock &&
  a.clockLast === b.clockLast;

/**
 * What the read of one wrapper started from and gave: the message's index (-1: none), its page id ('': none), and
 * whether it counted a content hash (a content-hash id numbers identical messages above it).
 */
interface WrapperRead {
  before: ReaderState;
  index: number;
  dataId: string;
  counted: boolean;
  /** Its message's time came from the tab-open run (`settleRun`): a re-read keeps it while `runTimes` stay. */
  settled?: boolean;
  /** The bare times it added to the tab-open run (`h:mi:s`, joined by commas; '' none). */
  runTimes?: string;
}

/** A thread read in page order, continued by append (stamps, dividers and content-hash ids carry over). */
function threadReader(scope: ParentNode, account: string | null, now: number | undefined) {
  // With the caller's clock, bare times with no full stamp above them are dated backwards from the last (settleRun).
  const ctx: StampContext = now === undefined ? { last: null } : { last: null, now, run: new BareRun() };
  /** The latest stamp seen (own or divider), for content-hash ids. */
  let nearest: number | null = null;
  /** A time divider's time, given to the next message only (a divider prints the time of what follows). */
  let divider: number | null = null;
  let dividerClock = false;
  /** The same for a divider's bare time in the tab-open run (dated when the run is). */
  let dividerRun: BareTime | undefined;
  const occurrences = new Map<string, number>();
  const ids = new Set<string>();
  /** Every wrapper read (the first read's and appended ones), in order, and what its read started from and gave. */
  const all: Element[] = [];
  const reads: WrapperRead[] = [];
  /** How many messages were read so far (the index of the next one in the thread's messages). */
  let count = 0;
  const state = (): ReaderState => ({
    last: ctx.last,
    nearest,
    divider,
    dividerClock,
    clockLast: !!ctx.clockLast,
    arrived: ctx.arrived,
    dividerRun,
    undated: !!ctx.undated,
    relativeDay: !!ctx.relativeDay,
  });

  /** `record`: where what each wrapper's read started from and gave goes (`reads` for the thread's own reads). */
  function read(wrappers: readonly Element[], record: WrapperRead[] = reads): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    for (const w of wrappers) {
      const idEl = pick(w, S.messageId) ?? (w.hasAttribute('data-id') ? w : null);
      const dataId = (idEl?.getAttribute('data-id') ?? '').trim();
      const wr: WrapperRead = { before: state(), index: -1, dataId, counted: false };
      record.push(wr);
      if (record === reads) all.push(w);
      // A message shown again (its page id read already: re-rendered or delivered again at the end) changes nothing,
      // neither the stamps nor the divider the next message takes (outsider review 12: appended, its older time moved
      // the next untimed message's content-hash key; read whole it did not, and that message was reported twice).
      if (dataId && ids.has(dataId)) continue;
      const kind = idKind(dataId);
      const buyerB = pick(w, S.buyerBubble);
      const shopB = pick(w, S.shopBubble);
      const bubble = buyerB && shopB ? null : (buyerB ?? shopB);

      const timeEl = pick(w, S.messageTime);
      /** The bare time the last parse added to the tab-open run, if it did. */
      const joined = (before: number) => (ctx.run && ctx.run.length > before ? ctx.run.last : undefined);
      let runAt = ctx.run?.length ?? 0;
      let own: number | null = timeEl ? parseThreadStamp(text(timeEl), ctx) : null;
      /** `own` moves with the clock (read from a date the clock gave): not for content-hash ids. */
      let ownClock = own !== null && !!ctx.clockLast;
      const ownJoined = joined(runAt);
      let ownRun = ownJoined;
      let dividerJoined: BareTime | undefined;

      let body: string;
      wr.runTimes = runKey(ownJoined);
      if (bubble) body = bubbleBody(bubble);
      else {
        const dividerEl = pick(w, S.timeDivider);
        const whole = text(w);
        const dividerText = text(dividerEl) || (TIME_ONLY.test(whole) ? whole : '');
        if (dividerText) {
          runAt = ctx.run?.length ?? 0;
          const t = parseDividerStamp(dividerText, ctx);
          dividerJoined = joined(runAt);
          if (t !== null && own === null) {
            own = t;
            ownClock = !!ctx.clockLast;
          } else if (own === null) ownRun ??= dividerJoined;
        }
        body = TIME_ONLY.test(whole) ? '' : textWithout(w, [S.timeDivider, S.messageTime]);
        wr.runTimes = runKey(ownJoined, dividerJoined);
        if (!body && !kind) {
          // A pure time divider (or an empty row): it dates the next message, it is not one.
          if (own !== null) {
            divider = own;
            dividerClock = ownClock;
            if (!ownClock) nearest = own;
          } else if (ownRun) dividerRun = ownRun;
          continue;
        }
      }

      // Structure first: the page's id, then the bubble's side; text only refines a system row (whole notices) or,
      // lacking any robot mark on the page, names a shop-side message that IS a robot greeting.
      let author: Author;
      let marker: Marker | undefined;
      if (kind === 'close') {
        author = 'system';
        marker = 'sessionEnd';
      } else if (kind === 'assign') {
        // An assignment row: the conversation reached a human (客服 小美 接入, a transfer to this account), unless it
        // shows a transfer to someone else.
        author = 'system';
        marker = systemMarker(body, account) === 'transfer' ? 'transfer' : 'assigned';
      } else if (kind === 'llm') author = 'system';
      else if (kind === 'welcome') author = shopB && !buyerB ? 'auto' : 'system';
      else if (!bubble) {
        author = 'system';
        marker = systemMarker(body, account);
      } else if (bubble === buyerB) author = 'buyer';
      else if (matchesWhole(body, DOUYIN_ROBOT_TEXTS)) author = 'robot';
      else if (hasLabel(w, DOUYIN_ASSIST_LABELS, [pick(bubble, S.bubbleText) ?? bubble])) author = 'assist';
      else author = 'human';

      // A bubble with nothing readable and no page id is still rendering: wait for the next scan.
      if (!body && !dataId) continue;
      if (!body) body = author === 'system' ? '' : '[消息]';

      let at = own;
      if (at === null && divider !== null) at = divider;
      const run = at === null ? (ownRun ?? dividerRun) : undefined;
      // Content-hash ids key on the nearest stamp not read from the clock (as when such stamps were read as null).
      const ownKey = ownClock ? null : own;
      const dividerKey = dividerClock ? null : divider;
      divider = null;
      dividerClock = false;
      dividerRun = undefined;
      if (ownKey !== null) nearest = ownKey;
      else if (dividerKey !== null) nearest = dividerKey;

      let id = dataId;
      if (!id) {
        const key = `${author}|${nearest ?? ''}|${body}`;
        const n = occurrences.get(key) ?? 0;
        occurrences.set(key, n + 1);
        wr.counted = true;
        id = `h${hash(`${key}|${n}`)}`;
      }
      if (ids.has(id)) continue;
      ids.add(id);
      // Only the thread's own reads number its messages (a re-read reads one again in its place).
      if (record === reads) wr.index = count++;
      const m = stampedMessage(id, author, at, body, marker);
      if (run) {
        wr.settled = true;
        run.set = (t) => {
          m.at = t;
          m.timeSource = t === null ? null : 'stamp';
        };
      }
      out.push(m);
    }
    return out;
  }

  /**
   * Live `thread.reread`: each wrapper a change falls in, read again from the state it was read with, and the
   * wrappers after it while the state it leaves (stamps, a divider's time) differs from the one they were read with.
   * Only wrappers whose messages keep their own page id, or that stay no message: a content-hash id numbers the
   * identical messages above it, so reading one again could renumber others. Anything else → null, the page read
   * whole.
   */
  function reread(changed: readonly Node[], container: Element): MessageChange[] | null {
    if (!sel) return null;
    const index = (indexOf ??= new Map(all.map((w, i) => [w, i])));
    const at = new Set<number>();
    for (const n of changed) {
      const i = messageIndexOf(n, container, S.message, sel, index);
      // The innermost wrapper still (a wrapper nested in it now would be the message instead).
      if (i === undefined || pick(all[i]!, S.message)) return null;
      at.add(i);
    }
    let end = state();
    const arrivedNow = ctx.arrived;
    const out: MessageChange[] = [];
    let done = -1;
    for (const i of [...at].sort((a, b) => a - b)) {
      if (i <= done) continue;
      ({
        last: ctx.last,
        nearest,
        divider,
        dividerClock,
        clockLast: ctx.clockLast,
        arrived: ctx.arrived,
        dividerRun,
        undated: ctx.undated,
        relativeDay: ctx.relativeDay,
      } = reads[i]!.before);
      for (let k = i; k < all.length; k++) {
        const wr = reads[k]!;
        if (wr.counted) return null;
        // Read with its own arrival time (a live arrival's stamps against when it arrived).
        ctx.arrived = wr.before.arrived;
        wr.before = state();
        if (wr.index >= 0) ids.delete(wr.dataId);
        const again: WrapperRead[] = [];
        // A bare time read again in the tab-open run joins a scratch run: never dated here (see below).
        if (ctx.now !== undefined) ctx.run = new BareRun();
        const got = read([all[k]!], again);
        delete ctx.run;
        if (again[0]!.counted) return null;
        // The run was dated from all its bare times together: the same ones here keep the dates they gave (the
        // message's own, below); another one (a stamp edited, added or removed) could move them all: read whole.
        if ((again[0]!.runTimes ?? '') !== (wr.runTimes ?? '') || !!again[0]!.settled !== !!wr.settled) return null;
        if (wr.index >= 0) {
          if (got.length !== 1 || got[0]!.id !== wr.dataId) return null;
          const was = messages[wr.index];
          if (wr.settled && was) {
            got[0]!.at = was.at;
            got[0]!.timeSource = was.timeSource;
          }
          if (!sameMessage(messages[wr.index], got[0]!)) out.push({ index: wr.index, message: got[0]! });
        } else if (got.length) return null;
        done = k;
        const next = reads[k + 1]?.before;
        if (!next) end = state();
        if (!next || sameState(state(), next)) break;
      }
    }
    ({
      last: ctx.last,
      nearest,
      divider,
      dividerClock,
      clockLast: ctx.clockLast,
      dividerRun,
      undated: ctx.undated,
      relativeDay: ctx.relativeDay,
    } = end);
    ctx.arrived = arrivedNow;
    return out;
  }

  const { els, sel } = pickAllWith(scope, S.message);
  const wrappers = innermost(els);
  let indexOf: Map<Element, number> | undefined;
  const messages = read(wrappers);
  // The tab-open run ends with the first read: dated now; appended messages are dated by their arrival.
  settleRun(ctx);
  delete ctx.run;
  return {
    wrappers,
    messages,
    append(added: readonly Node[], now?: number): ExtractedMessage[] | null {
      // Arrived now: dateless stamps resolve against the arrival time, not the date the thread had reached.
      if (now !== undefined) ctx.arrived = now;
      const found = pickAllIn(added, S.message, sel);
      if (!found) return null;
      const from = all.length;
      const got = read(innermost(found));
      for (let i = from; i < all.length; i++) indexOf?.set(all[i]!, i);
      return got;
    },
    reread,
  };
}

// ---------------------------------------------------------------- health per part

/** Elements in the list and the thread that are no rows or messages (group titles; dividers are in the selectors). */
export const DOUYIN_PART_CHROME = {
  list: ['[class*="groupTitle"]', '[class*="GroupTitle"]', '[class*="groupName"]', '[class*="empty"]'],
  thread: [...S.timeDivider, ...S.messageTime, '[class*="empty"]', '[class*="loadMore"]'],
} as const satisfies SelectorMap;

// ---------------------------------------------------------------- extract

/**
 * The list: rows that name a buyer, or a list holding nothing but pseudo-conversations, group titles and notes. The
 * thread: open when the top bar names a customer (a pseudo-conversation is no thread: none), a row is selected or
 * messages show; its list is the message container, else the first guessed container that is not the whole chat pane
 * (the one holding the top bar or the input).
 */
export function extractDouyin(root: ParentNode, _memo?: unknown, now?: number): Extraction {
  const rawOpen = firstText(pick(root, S.openCustomer), ['添加备注']);
  const input = pick(root, S.input);
  return extractPage({
    account: () => shownName(root, S.account) || null,
    loggedOut: () => !!pick(root, S.loginForm),
    list: () => rowList(root, isPseudo(rawOpen) ? '' : rawOpen),
    input: () => input,
    thread({ conversations, account }) {
      const container = messageContainer(root);
      const reader = threadReader(container ?? root, account, now);
      const { wrappers, messages } = reader;
      const top = pick(root, S.openCustomer);
      const buyer = rawOpen || (wrappers.length ? (conversations.find((c) => c.active)?.buyer ?? '') : '');
      return {
        container,
        found: wrappers.length > 0 || !!rawOpen,
        // The open customer; a pseudo-conversation (智能客服 / 系统通知) is no buyer thread.
        none: isPseudo(rawOpen),
        open: !!rawOpen || conversations.some((c) => c.active) || messages.length > 0,
        buyer,
        nick: buyer,
        buyerMissing: 'openCustomer',
        // Appended messages continue the read when the thread has its own container and the header names the buyer.
        live: !!rawOpen,
        partContainer:
          container ??
          pickAll(root, S.messageList).find((c) => !(top && c.contains(top)) && !(input && c.contains(input))) ??
          null,
        chrome: DOUYIN_PART_CHROME.thread,
        items: () => messages.length,
        read: () => ({
          messages: reader.messages,
          append: reader.append,
          // Re-rendered wrappers are not paired with the old ones here: read whole.
          ...(container && {
            reread: (changed: readonly Node[], _now?: number, replaced?: Replaced) =>
              replaced ? null : reader.reread(changed, container),
          }),
        }),
      };
    },
  });
}

export const douyinAdapter: Adapter = {
  platform: 'douyin',
  // workbench-dom.md § Douyin: the hooks rows and messages are found by (`data-qa-id`), the message id that also
  // tells system rows (`data-id`), pseudo rows (`data-btm-id` …systemConv), pending groups (`data-btm`), the row's
  // name (`title`); the selectors' own: an avatar told from an image by its `alt`, the input by its `placeholder`,
  // a selected row's `aria-selected`, the login form's password `type`.
  attributes: [
    'data-qa-id',
    'data-id',
    'data-btm-id',
    'data-btm',
    'title',
    'alt',
    'placeholder',
    'aria-selected',
    'type',
    // The account is read through shownName: its title / alt / aria-label (a logo whose tooltip loads late).
    ...SHOWN_NAME_ATTRS,
  ],
  // Left of the unread count in the row's bottom-right corner (room for "99+").
  badgeSlot: { right: 40 },
  selectors: DOUYIN_SELECTORS,
  matches: (url) =>
    (url.protocol === 'https:' && url.hostname === 'im.jinritemai.com' && URL_PATH.test(url.pathname)) ||
    isDemoPage(url, 'douyin'),
  extract: extractDouyin,
};
