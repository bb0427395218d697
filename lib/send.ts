/**
 * The typed way to talk to the background (content scripts and extension pages): `send(transport, request)` is
 * checked against the protocol map (`lib/protocol.ts`) and returns that message's reply type. Types only from the
 * protocol: the schemas stay out of the content script's and the popup's bundles.
 */
import type { MessageType, ReplyOf, RequestIn } from './protocol';

/** How a message reaches the background (`browser.runtime.sendMessage` in the extension; a fake in tests). */
export type Transport = (msg: unknown) => Promise<unknown>;

const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * Sends a typed request and returns its typed reply. A missing or malformed answer (the worker died mid-reply, an
 * old worker) is an error reply, never a thrown exception or an `undefined` the caller must guess about.
 */
export async function send<K extends MessageType>(
  transport: Transport,
  msg: RequestIn<K> & { type: K },
): Promise<ReplyOf<K>> {
  try {
    const reply = await transport(msg);
    if (isObj(reply) && (reply.ok === true || (reply.ok === false && typeof reply.error === 'string')))
      return reply as ReplyOf<K>;
    return { ok: false, error: 'no answer from the background' } as ReplyOf<K>;
  } catch (err) {
    return { ok: false, error: String((err as Error)?.message ?? err) } as ReplyOf<K>;
  }
}
