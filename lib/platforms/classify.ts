/**
 * Message classification helpers shared by the adapters. The precedence (docs/ARCHITECTURE.md § Message
 * classification): who wrote a message comes from the page's STRUCTURE (row classes, author blocks, sender names,
 * side markers, label elements, ids); TEXT only refines a row that structure already made a system or robot/auto
 * row, and only through whole-message patterns (anchored, matched against the whole normalized text). They read,
 * never write, and never throw.
 */
import type { Marker } from '../model';
import { matchesAny } from './dom';

/** A whole-message pattern: anchored (^…$) and matched against the whole normalized text, never a substring. */
export interface WholeText {
  readonly re: RegExp;
  /** Texts it matches whole (checked by the tests; the adversarial corpus embeds each inside longer messages). */
  readonly examples: readonly string[];
}

/** A whole-message pattern with its examples. */
export function whole(re: RegExp, ...examples: string[]): WholeText {
  return { re, examples };
}

/** Whitespace folded to one space, trimmed. */
export function normalized(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Is the whole (normalized) text one of the patterns? */
export function matchesWhole(t: string, patterns: readonly WholeText[]): boolean {
  const n = normalized(t);
  return patterns.some((p) => {
    p.re.lastIndex = 0;
    return p.re.test(n);
  });
}

/**
 * Does `row` show one of `labels` as an element of its own: an element outside the message text (`textEls`, e.g.
 * the bubble's text element) whose whole text is the label (a robot badge, an 自动回复 tag, 此消息由机器人推荐
 * under a bubble)? Words inside the message text never count; without a known text element, nothing does.
 */
export function hasLabel(row: Element, labels: readonly WholeText[], textEls: readonly (Element | null)[]): boolean {
  return labelsIn(row, [labels], textEls)[0]!;
}

/**
 * hasLabel for several label lists in ONE walk of the row (an auto tag, then a robot badge: each element's text read
 * once): `[hasLabel(row, lists[0], textEls), hasLabel(row, lists[1], textEls), …]`.
 */
export function labelsIn(
  row: Element,
  lists: readonly (readonly WholeText[])[],
  textEls: readonly (Element | null)[],
): boolean[] {
  const found = lists.map(() => false);
  const inner = new Set(textEls.filter((e): e is Element => !!e));
  if (!inner.size) return found;
  // Each element of the row is checked as `inner.some((t) => t.contains(el) || el.contains(t))` would, without a
  // `contains` per pair (≈ 12 calls a message on a JD / Kuaishou thread, read whole): the text elements' ancestors
  // are collected once, the subtrees of the text elements are not walked, and a row inside a text element has none.
  const around = new Set<Node>();
  for (const t of inner) for (let p: Node | null = t; p && !around.has(p); p = p.parentNode) around.add(p);
  for (let p: Node | null = row; p; p = p.parentNode) if (inner.has(p as Element)) return found;
  let left = lists.length;
  const walk = (parent: Element): boolean => {
    for (let el = parent.firstElementChild; el; el = el.nextElementSibling) {
      if (inner.has(el)) continue;
      if (!around.has(el)) {
        const t = el.textContent ?? '';
        for (let i = 0; i < lists.length; i++)
          if (!found[i] && matchesWhole(t, lists[i]!)) {
            found[i] = true;
            if (--left === 0) return true;
          }
      }
      if (walk(el)) return true;
    }
    return false;
  };
  walk(row);
  return found;
}

/**
 * The nearest side marker of a message element: on the element or inside it first (`own` before `other`), else on
 * its ancestors up to, not including, `stop` (the thread's container). 'own' | 'other' | null.
 */
export function sideMarker(
  el: Element,
  own: readonly string[],
  other: readonly string[],
  stop: ParentNode | null,
): 'own' | 'other' | null {
  const inside = (sels: readonly string[]) => matchesAny(el, sels) || sels.some((s) => safeQuery(el, s));
  if (inside(own)) return 'own';
  if (inside(other)) return 'other';
  for (let cur = el.parentElement; cur && cur !== stop; cur = cur.parentElement) {
    if (matchesAny(cur, own)) return 'own';
    if (matchesAny(cur, other)) return 'other';
  }
  return null;
}

function safeQuery(el: Element, sel: string): boolean {
  try {
    return !!el.querySelector(sel);
  } catch {
    return false;
  }
}

const P = String.raw`[。.!！]?`;

/** System rows that end a session (客服超时未回复，会话关闭 / 会话已结束 / 系统关闭会话 …): whole messages. */
export const SESSION_END_NOTICES: readonly WholeText[] = [
  whole(
    new RegExp(
      String.raw`^(?:(?:客服|买家|用户|顾客)超时未回复[，,]?\s*)?(?:系统)?(?:(?:当前|本次)?(?:会话|咨询)(?:已经|已)?(?:关闭|结束)了?|(?:关闭|结束)了?(?:会话|咨询))${P}$`,
    ),
    '会话已结束',
    '会话结束',
    '咨询已结束',
    '结束了会话',
    '会话关闭',
    '会话已关闭',
    '当前会话已结束',
    '客服超时未回复，会话关闭',
    '买家超时未回复，会话关闭',
    '用户超时未回复，系统关闭会话',
  ),
];

/** System rows that hand the conversation to another agent (会话已转接给 客服02 / 会话已由 小美 转接给 阿强 …). */
export const TRANSFER_NOTICES: readonly WholeText[] = [
  whole(
    new RegExp(
      String.raw`^(?:(?:当前|该)?会话)?(?:已由\s*[^，,。\s]{1,20}\s*|已将会话\s*|[^，,。\s]{1,20}\s*(?:已将会话|将会话|已)?\s*|已)?(?:转接|转交|转移)(?:(?:给|至|到)\s*[^，,。]{1,20})?${P}$`,
    ),
    '会话已转接',
    '会话已转接给 客服02',
    '会话已由 小美 转接给 阿强',
    '已将会话转接至 客服02',
    '小美将会话转交给阿强',
  ),
];

/**
 * System rows that show a human taking the conversation (the human stage starts: engine/stage.ts): Douyin's
 * `_CsAssign_` / no-bubble row 客服 小美 接入 (客服小美已接入, 人工客服 阿强 已接入).
 */
export const ASSIGN_NOTICES: readonly WholeText[] = [
  whole(new RegExp(String.raw`^(?:人工)?客服\s*\S{0,20}?\s*已?接入${P}$`), '客服 小美 接入'),
];

/**
 * The marker of a row structure already made a system row, by its WHOLE text: a session end; a human taking the
 * conversation, or a transfer to this page's own account (`assigned`: the receiver's clock starts there); a
 * transfer to someone else (`transfer`: the holder's open round ends, failed).
 */
export function systemMarker(body: string, account: string | null | undefined): Marker | undefined {
  if (matchesWhole(body, SESSION_END_NOTICES)) return 'sessionEnd';
  if (matchesWhole(body, ASSIGN_NOTICES)) return 'assigned';
  if (matchesWhole(body, TRANSFER_NOTICES)) {
    // The receiver it names (…转接给 阿强 → 阿强); accounts are read normalized.
    const to = /转[接交移][给至到]\s*([^，,。]{1,20}?)\s*[。.!！]?$/.exec(normalized(body));
    return account && to?.[1] === account ? 'assigned' : 'transfer';
  }
  return undefined;
}

/**
 * The label Qianniu / Wangwang, JD and Kuaishou write at the START of an auto-reply (【自动回复】… / [自动回复] … /
 * 自动回复：… / [系统自动回复消息] …). The one text rule for a shop-side row without a structural signal: the whole
 * message is label + reply. The words anywhere else in a reply (an agent quoting them) never count.
 */
export const AUTO_REPLY_LEADING: readonly WholeText[] = [
  whole(
    /^(?:[【[［(（]\s*(?:系统)?自动回复(?:消息)?\s*[】\]］)）]|自动回复\s*[:：]).*$/,
    '【自动回复】您好，欢迎光临本店',
    '[自动回复] 欢迎光临本店',
    '自动回复：亲，客服暂时离开，稍后回复您',
    '[系统自动回复消息] 您好，欢迎光临',
  ),
];
