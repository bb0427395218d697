/** Extension pages' typed request to the background (see `lib/protocol.ts` for the messages and their replies). */
import type { MessageType, ReplyOf, RequestIn } from '../protocol';
import { send } from '../send';

export function ask<K extends MessageType>(msg: RequestIn<K> & { type: K }): Promise<ReplyOf<K>> {
  return send<K>((m) => browser.runtime.sendMessage(m), msg);
}
