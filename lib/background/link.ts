/**
 * The worker's end of a workbench tab's link port (`LINK_PORT`; the tab's end is lib/content/link.ts). The tab sends
 * its requests over it (`LinkRequest`: events, health, input focus), cheaper than one `runtime.sendMessage` channel
 * each; every one goes through the same router as a sent message (protocol schemas, sender rules, per-tab limits),
 * with the sender the port was opened by, and is acknowledged (`LinkAck`) once handled. Free of chrome.*: the
 * entrypoint classifies the port's sender.
 */
import { LINK_PORT } from '../messages';
import { parseLinkRequest, type LinkAck, type Reply } from '../protocol';
import { classifySender, type RawSender, type SenderInfo } from './router';

/** What the worker uses of a `runtime.Port`. */
export interface ServedPort {
  name: string;
  sender?: RawSender;
  onMessage: { addListener(cb: (raw: unknown) => void): void };
  postMessage(msg: LinkAck): void;
  disconnect(): void;
}

/**
 * A port connecting: a link (`LINK_PORT`) from a sender the router accepts (`classifySender`, as for a sent message)
 * is served; any other is closed unheard. True when served.
 */
export function acceptLink(
  port: ServedPort,
  ext: { id: string; origin: string },
  handle: (raw: unknown, from: SenderInfo) => Promise<Reply>,
): boolean {
  const from = port.name === LINK_PORT ? classifySender(port.sender ?? {}, ext) : null;
  if (!from) {
    port.disconnect();
    return false;
  }
  serveLink(port, from, handle);
  return true;
}

/**
 * Serves one port: each request is handled as `handle(msg, from)` would a sent one (in the order they came; the
 * background's own queue orders their writes) and acknowledged after. A malformed envelope is dropped unanswered
 * (nothing to acknowledge); an acknowledgement to a port that broke meanwhile is dropped (the tab sends again).
 */
export function serveLink(
  port: Pick<ServedPort, 'onMessage' | 'postMessage'>,
  from: SenderInfo,
  handle: (raw: unknown, from: SenderInfo) => Promise<Reply>,
): void {
  port.onMessage.addListener((raw) => {
    const req = parseLinkRequest(raw);
    if (!req.ok) return;
    void handle(req.msg, from).then(
      (reply) => ack(port, { ack: req.n, ok: reply.ok }),
      () => ack(port, { ack: req.n, ok: false }),
    );
  });
}

function ack(port: Pick<ServedPort, 'postMessage'>, msg: LinkAck): void {
  try {
    port.postMessage(msg);
  } catch {
    // the port broke (the tab went, or reloaded): it sends again what it had not seen acknowledged
  }
}
