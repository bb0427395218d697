/**
 * The page skeleton every workbench adapter shares: `extractPage(root, spec)` reads the login state, the account, the
 * conversation list (through readList), the open thread and the input in one order, judges the parts (parts.ts) and
 * hands out the live parts bound to the same readers (types.ts `Live`): the rows' `read` is the full read's, and the
 * thread's `append` continues the reader that read the thread. An adapter gives only what is its own: selectors,
 * row and message readers, and how its page tells the open buyer.
 */
import type { PartState } from '../health';
import { readList, type ListSpec } from './list';
import { judged, listPart, loggedOutParts, pageParts, threadPart } from './parts';
import { withLive, type ExtractedConversation, type ExtractedMessage, type Extraction, type Live } from './types';

/** The conversation list as readList takes it, with what the list's health skips and ignores. */
export interface PageList extends ListSpec {
  /** Rows known to be no conversation (platform notices). */
  skip?: readonly Element[];
  /** Selectors of the list's own chrome (group titles, tabs, empty notes). */
  chrome?: readonly string[];
}

/** What the open thread's reader gives: the messages and, when the page appends at the end, how to continue. */
export interface ThreadRead {
  messages: ExtractedMessage[];
  append?: NonNullable<Live['thread']>['append'];
  /** How to read again messages that changed inside (see Live `thread.reread`); only with `append`. */
  reread?: NonNullable<Live['thread']>['reread'];
}

export interface PageThread {
  /** The message container (null: none found; its `missing` key is `messageList`). */
  container: Element | null;
  /** The page says a conversation is open (a selected row, a header naming someone, messages showing). */
  open: boolean;
  /** Who the thread is with (null or '': not told, `buyerMissing` is reported when the thread shows). */
  buyer: string | null;
  nick?: string;
  /** The `missing` key when the buyer is not told (default `buyer`). */
  buyerMissing?: string;
  /** Is there a thread to read at all (default: a container was found). */
  found?: boolean;
  /** Reads the thread; called once, only when a buyer is told. */
  read(): ThreadRead;
  /** May appended messages continue the read (default: when a container was found)? */
  live?: boolean;
  /** How many message items show, for the part's health when no thread was read. */
  items(): number;
  /** The container the part's health judges (default `container`). */
  partContainer?: Element | null;
  /** Messages read count for nothing in the part's health (Kuaishou: read with no container told). */
  uncounted?: boolean;
  /** Selectors of the thread's own chrome (dividers, load-more notes). */
  chrome?: readonly string[];
  /** The page says no conversation is open, whatever else shows (1688's 您尚未选择联系人). */
  none?: boolean;
  /** A thread whose part is missing is not reported (the watcher then reads the page whole). */
  dropWhenMissing?: boolean;
}

export interface PageSpec {
  /** The account the page shows (also read on a login page). */
  account(): string | null;
  /** Is this a login page (nothing else is read)? */
  loggedOut(): boolean;
  list(): PageList;
  /** When the page shows no account: one told by what the list read (JD: the shop in the rows' ids). */
  accountOf?(list: PageList): string | null;
  /** A logged-out page told only once the list is read (Kuaishou's expired-session text with no list). */
  loggedOutAfter?(list: PageList, conversations: readonly ExtractedConversation[]): boolean;
  input(): Element | null;
  thread(ctx: { conversations: readonly ExtractedConversation[]; account: string | null; list: PageList }): PageThread;
}

function loggedOutPage(account: string | null, missing: string[]): Extraction {
  return {
    ...judged(loggedOutParts(account), { loggedOut: true }),
    account,
    conversations: [],
    thread: null,
    input: null,
    missing,
  };
}

/** One extraction of a workbench page, with its live parts (see the module comment). */
export function extractPage(spec: PageSpec): Extraction {
  const missing: string[] = [];
  const shown = spec.account();
  if (spec.loggedOut()) {
    if (!shown) missing.push('account');
    return loggedOutPage(shown, missing);
  }
  const list = spec.list();
  const account = shown ?? spec.accountOf?.(list) ?? null;
  if (!account) missing.push('account');
  const { conversations, live: liveRows } = readList(list);
  if (!list.listEl && !list.rows.length) missing.push('conversationList');
  if (spec.loggedOutAfter?.(list, conversations)) return loggedOutPage(account, missing);
  const live: Live = liveRows ? { rows: liveRows } : {};

  const input = spec.input();
  const t = spec.thread({ conversations, account, list });
  let thread: Extraction['thread'] = null;
  if (t.none) {
    // No conversation open: nothing to read, nothing missing.
  } else if (t.found ?? !!t.container) {
    if (t.buyer) {
      const read = t.read();
      thread = { buyer: t.buyer, ...(t.nick ? { nick: t.nick } : {}), messages: read.messages };
      if (read.append && t.container && (t.live ?? true))
        live.thread = { in: t.container, append: read.append, ...(read.reread && { reread: read.reread }) };
    } else missing.push(t.buyerMissing ?? 'buyer');
  } else missing.push('messageList');
  if (!input && thread) missing.push('input');

  const listState = listPart({
    container: list.listEl,
    rows: list.rows,
    read: conversations.length,
    ...(list.skip && { skip: list.skip }),
    ...(list.chrome && { chrome: list.chrome }),
  });
  const box = t.partContainer === undefined ? t.container : t.partContainer;
  const threadState: PartState = t.none
    ? 'none'
    : threadPart({
        open: t.open,
        container: box,
        read: t.uncounted ? 0 : (thread?.messages.length ?? t.items()),
        buyer: !!thread,
        ...(t.chrome && { chrome: t.chrome }),
      });
  if (threadState === 'missing' && t.dropWhenMissing) {
    thread = null;
    delete live.thread;
  }
  const parts = pageParts(listState, threadState, input, account);
  return withLive({ ...judged(parts), account, conversations, thread, input, missing }, live);
}
