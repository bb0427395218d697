/**
 * Health per part, as every adapter decides it (see lib/health.ts). Pure: reads the DOM, never writes it.
 *
 * Found-but-unreadable is told from legitimately empty by structure: a list (or thread) container that holds page
 * content of its own outside what the adapter read — text that is not a group title, a count, a time stamp, an
 * empty-state or loading note — has rows (messages) none of which parsed: missing. A container with nothing of the
 * kind is empty: fine.
 */
import { healthOf, type Health, type HealthParts, type PartState } from '../health';
import { matchesAny } from './dom';

/**
 * Text a list or thread shows besides its rows and messages: counts, time stamps, group and tab titles, empty-state,
 * loading and history notes. Anything else is content (a row's name, a message).
 */
export const CHROME_TEXT = new RegExp(
  '^(?:' +
    [
      // counts, dates and times: "(2)", "99+", "17:20", "2026-09-08 17:10", "2026年09月08日"
      '[\\d\\s()（）+\\-/:：.年月日]*',
      // relative days with an optional time: "昨天 17:20", "星期三"
      '(?:昨天|今天|前天|星期.|周[一二三四五六日天])[\\d\\s:：]*',
      // group and tab titles with an optional count: "待回复 2", "请在3分钟内回复 (2)", "最近联系人 (3)"
      '(?:待回复|已回复|未回复|已超时|超时|最近联系人?|正在咨询|历史咨询|排队中|当前会话|全部会话|全部|未读|星标|已被自动回复|非工作时间留言|请在\\d+分钟内回复)[\\s\\d()（）]*',
      // empty-state, loading and history notes
      '(?:暂无|没有更多|加载中|正在加载|加载更多|查看更多|以上是|点击加载).*',
      '.*历史消息.*',
    ].join('|') +
    ')$',
);

/** Never page content: our own badge hosts, scripts, styles. */
const NOT_CONTENT = ['[data-reply-sentinel-badge]', 'script', 'style', 'template', 'noscript'];

/**
 * Does any of `scopes` hold page content no reader took: a text node that is not CHROME_TEXT, outside the `skip`
 * elements (what the adapter read, or knows to be no row) and the elements matching `chrome` (selectors of the
 * platform's group titles, dividers and the like)?
 */
export function hasUnreadContent(
  scopes: readonly Element[],
  opts: { skip?: readonly Element[]; chrome?: readonly string[] } = {},
): boolean {
  const skip = new Set(opts.skip ?? []);
  const chrome = [...NOT_CONTENT, ...(opts.chrome ?? [])];
  const walk = (el: Element): boolean => {
    if (skip.has(el) || matchesAny(el, chrome)) return false;
    for (const n of el.childNodes) {
      if (n.nodeType === 3) {
        const t = (n.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (t && !CHROME_TEXT.test(t)) return true;
      } else if (n.nodeType === 1 && walk(n as Element)) return true;
    }
    return false;
  };
  return scopes.some(walk);
}

/**
 * The conversation list: `ok` when some row was read, or when the list is there and legitimately empty; `missing`
 * when neither the list nor any row is found, or when what is there holds content none of which was read.
 * `container`: the list element (null when not found); `rows`: the row elements matched; `read`: how many rows gave a
 * conversation; `skip`: rows known to be no conversation (platform notices, pseudo-conversations).
 */
export function listPart(p: {
  container: Element | null;
  rows: readonly Element[];
  read: number;
  skip?: readonly Element[];
  chrome?: readonly string[];
}): PartState {
  if (p.read > 0) return 'ok';
  if (!p.container && !p.rows.length) return 'missing';
  return hasUnreadContent(p.container ? [p.container] : p.rows, p) ? 'missing' : 'ok';
}

/**
 * The open thread: `ok` when messages were read for a known buyer, or when the open conversation's message list is
 * there and legitimately empty; `none` when no conversation is open; `missing` when a conversation is open (`open`:
 * the page says so — a selected row, the thread's header) but its message list is not found, when the list holds
 * content none of which was read, or when messages were read for no known buyer.
 */
export function threadPart(p: {
  open: boolean;
  container: Element | null;
  read: number;
  buyer: boolean;
  skip?: readonly Element[];
  chrome?: readonly string[];
}): PartState {
  if (p.read > 0) return p.buyer ? 'ok' : 'missing';
  if (p.container && hasUnreadContent([p.container], p)) return 'missing';
  if (!p.open) return 'none';
  return p.container ? 'ok' : 'missing';
}

/** The chat input: needed while a conversation is open (`thread` not `none`). */
export function inputPart(thread: PartState, input: Element | null): PartState {
  return input ? 'ok' : thread === 'none' ? 'none' : 'missing';
}

/** A page's parts from its list and thread states and what it found of the input and the account. */
export function pageParts(
  list: PartState,
  thread: PartState,
  input: Element | null,
  account: string | null,
): HealthParts {
  return { list, thread, input: inputPart(thread, input), account: accountPart(account) };
}

/** The logged-in account: always needed (coverage and events are per account). */
export function accountPart(account: string | null): PartState {
  // A page that shows no shop is still watched: the background gives the tab its own account ("未识别店铺"), so two
  // shops never merge; only the attribution is unknown, not whether a buyer waits.
  return account ? 'ok' : 'none';
}

/** The parts of a login page: nothing readable, whatever the account element says. */
export function loggedOutParts(account: string | null): HealthParts {
  return { list: 'missing', thread: 'none', input: 'none', account: accountPart(account) };
}

/** An extraction's `health` and `parts`, the state derived from the parts by the one rule (healthOf). */
export function judged(parts: HealthParts, page: { loggedOut?: boolean } = {}): { health: Health; parts: HealthParts } {
  return { health: healthOf(parts, page), parts };
}
