/**
 * The background's one entry for messages: validates a request against the protocol map (`lib/protocol.ts`),
 * enforces who may send it and the per-tab traffic limits, then dispatches to its handler. Free of chrome.*: the
 * entrypoint classifies the sender (`classifySender`) and passes the raw message.
 */
import {
  isMessageType,
  parseMessage,
  sendersOf,
  type MessageType,
  type Reply,
  type ReplyOf,
  type Request,
  type SenderKind,
} from '../protocol';
import type { TrafficLimiter } from './traffic';

export interface SenderInfo {
  kind: SenderKind;
  /** The workbench tab (workbench senders only). */
  tabId?: number;
}

/** What chrome.runtime says of a sender (the fields we read). */
export interface RawSender {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number };
}

/**
 * Who sent a message: our own extension pages (by URL: they may be open in a tab too), our content script in an
 * http(s) tab, or nobody we accept (another extension, a page without a tab, an unknown URL).
 */
export function classifySender(sender: RawSender, ext: { id: string; origin: string }): SenderInfo | null {
  if (sender.id !== ext.id) return null;
  const url = sender.url ?? '';
  const base = ext.origin.endsWith('/') ? ext.origin : `${ext.origin}/`;
  if (url.startsWith(base)) return { kind: 'page' };
  const tabId = sender.tab?.id;
  if (tabId !== undefined && tabId >= 0 && /^https?:\/\//.test(url)) return { kind: 'workbench', tabId };
  return null;
}

export type Handlers = {
  [K in MessageType]: (req: Request<K>, from: SenderInfo) => Promise<ReplyOf<K>> | ReplyOf<K>;
};

const SENDER_NAMES: Record<SenderKind, string> = { workbench: 'a workbench tab', page: 'the extension’s own pages' };

export class Router {
  constructor(
    private readonly handlers: Handlers,
    private readonly limiter: TrafficLimiter,
    private readonly now: () => number,
  ) {}

  async handle(raw: unknown, from: SenderInfo | null): Promise<Reply> {
    if (!from) return { ok: false, error: 'messages are accepted from this extension’s pages and workbench tabs only' };
    try {
      return await this.dispatch(raw, from);
    } catch (err) {
      // Nothing a page sends can leave the sender without an answer or the worker with an unhandled rejection.
      return { ok: false, error: String((err as Error)?.message ?? err) };
    }
  }

  private async dispatch(raw: unknown, from: SenderInfo): Promise<Reply> {
    // The sender rule first: a request from the wrong side is refused before its body is even read.
    const type = (raw as { type?: unknown } | null)?.type;
    if (isMessageType(type)) {
      const allowed = sendersOf(type);
      if (!allowed.includes(from.kind))
        return { ok: false, error: `${type} must come from ${allowed.map((k) => SENDER_NAMES[k]).join(' or ')}` };
    }
    const parsed = parseMessage(raw);
    if (!parsed.ok) return parsed;
    const msg = parsed.value;
    const tabId = from.kind === 'workbench' ? from.tabId : undefined;
    // Events are charged up front (a burst of messages cannot all pass before the first is stored), and what was
    // not stored (already known) is given back after the write.
    const events = msg.type === 'events' ? msg.events.length : 0;
    if (tabId !== undefined && !this.limiter.admit(tabId, this.now(), events))
      return { ok: false, error: `${msg.type}: this tab sends too much; the message was dropped` };
    let stored = 0;
    try {
      const handler = this.handlers[msg.type] as (req: typeof msg, from: SenderInfo) => Promise<Reply> | Reply;
      const reply = await handler(msg, from);
      if (reply.ok) stored = (reply as { stored?: number }).stored ?? 0;
      return reply;
    } finally {
      if (tabId !== undefined && events > 0) this.limiter.refund(tabId, this.now(), events - stored);
    }
  }
}
