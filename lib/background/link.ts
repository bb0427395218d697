/**
 * The worker's end of a workbench tab's link port (`LINK_PORT`; the tab's end is lib/content/link.ts). The tab sends
 * its requests over it (`LinkRequest`: events, health, input focus), cheaper than one `runtime.sendMessage` channel
 * each; every one goes through the same router as a sent message (protocol schemas, sender rules, per-tab limits),
 * with the sender the port was opened by, and is acknowledged (`LinkAck`) once handled. The other way, the tab's
 * clock lists go over it too (`TabLinks`). Free of chrome.*: the entrypoint classifies the port's sender.
 */
import { LINK_PORT, type ClocksMessage } from '../messages';
import { parseLinkRequest, type LinkAck, type Reply } from '../protocol';
import { classifySender, type RawSender, type SenderInfo } from './router';

/** Where a tab's clock lists are posted (a served link's port: Chrome's ports take any JSON message). */
export interface ClockPort {
  postMessage(msg: ClocksMessage): void;
}

/** What the worker uses of a `runtime.Port`. */
export interface ServedPort {
  name: string;
  sender?: RawSender;
  onMessage: { addListener(cb: (raw: unknown) => void): void };
  /** Absent (a test's port): the port is never counted among its tab's links (`TabLinks`). */
  onDisconnect?: { addListener(cb: () => void): void };
  /** Acknowledgements (and, for a tab's link, its clock lists: `TabLinks`). */
  postMessage(msg: LinkAck): void;
  disconnect(): void;
}

/**
 * The served links by workbench tab. A clock list (`ClocksMessage`, pushed after most messages) goes to a tab over its
 * link when it has one: one message on a port the tab holds anyway, instead of a `tabs.sendMessage` channel that
 * the tab's page opens, dispatches and closes for each list (issue 21, the round trip of a buyer message,
 * bench-results/2026-12-06g-msg.md). A list over the port has no reply: a tab that cannot apply one re-sends its
 * health with the list it holds (`clocksSeq`), and the worker sends it the whole list (`ClockPush.tabShows`).
 */
export class TabLinks {
  private readonly byTab = new Map<number, Set<ClockPort>>();

  add(tabId: number, port: ClockPort): void {
    let ports = this.byTab.get(tabId);
    if (!ports) this.byTab.set(tabId, (ports = new Set()));
    ports.add(port);
  }

  remove(tabId: number, port: ClockPort): void {
    const ports = this.byTab.get(tabId);
    if (ports?.delete(port) && !ports.size) this.byTab.delete(tabId);
  }

  /** Posts `msg` over the tab's links (every frame's that holds one); false when none took it. */
  post(tabId: number, msg: ClocksMessage): boolean {
    let posted = false;
    for (const port of this.byTab.get(tabId) ?? []) {
      try {
        port.postMessage(msg);
        posted = true;
      } catch {
        // broken before Chrome told us (its onDisconnect follows)
        this.remove(tabId, port);
      }
    }
    return posted;
  }

  /** `send` (a tab message by `tabs.sendMessage`), except clock lists to a tab with a link: over it, no reply. */
  sender<M extends { type: string }>(
    send: (tabId: number, msg: M) => Promise<unknown>,
  ): (tabId: number, msg: M) => Promise<unknown> {
    return (tabId, msg) =>
      msg.type === 'clocks' && this.post(tabId, msg as unknown as ClocksMessage)
        ? Promise.resolve(undefined)
        : send(tabId, msg);
  }
}

/**
 * A port connecting: a link (`LINK_PORT`) from a sender the router accepts (`classifySender`, as for a sent message)
 * is served; any other is closed unheard. True when served.
 */
export function acceptLink(
  port: ServedPort,
  ext: { id: string; origin: string },
  handle: (raw: unknown, from: SenderInfo) => Promise<Reply>,
  /** A workbench tab's served link is counted here until it disconnects (its clock lists go over it). */
  links?: TabLinks,
): boolean {
  const from = port.name === LINK_PORT ? classifySender(port.sender ?? {}, ext) : null;
  if (!from) {
    port.disconnect();
    return false;
  }
  serveLink(port, from, handle);
  const tabId = from.kind === 'workbench' ? from.tabId : undefined;
  if (links && tabId !== undefined && port.onDisconnect) {
    const clocks = port as unknown as ClockPort;
    links.add(tabId, clocks);
    port.onDisconnect.addListener(() => links.remove(tabId, clocks));
  }
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
