/**
 * Commands from the background to a watched page: insert a quick phrase into the chat input, open a conversation
 * (and, from the keyboard command, put the caret in the input). The clock lists for the badges are not commands:
 * the watcher takes them (`Watcher.receive`).
 */
import type { Extraction } from '../platforms/types';
import type { Reply } from '../messages';
import { keyId } from '../model';
import { insertTextConfirmed } from './insert';
import type { Timers } from './timers';

export interface CommandTarget {
  /** The page as last read. */
  page(): Extraction | null;
  doc: Document;
  timers: Timers;
}

/** Runs the command `raw` on the page; its reply (or its promise), undefined for a message that is no command. */
export function runCommand(raw: unknown, target: CommandTarget): Reply | Promise<Reply> | undefined {
  const msg = raw as { type?: unknown; text?: unknown; buyer?: unknown; focusInput?: unknown } | null;
  if (msg?.type === 'insert' && typeof msg.text === 'string') {
    const input = target.page()?.input;
    if (!input) return { ok: false, error: 'this page has no chat input in view' };
    return insertTextConfirmed(input, msg.text.slice(0, 5000), { timers: target.timers }).then((r) =>
      r.ok ? { ok: true, strategy: r.strategy } : r,
    );
  }
  if (msg?.type === 'openConversation' && typeof msg.buyer === 'string') {
    // The background names buyers as stored (keyId).
    const row = target.page()?.conversations.find((c) => keyId(c.buyer) === msg.buyer)?.row;
    if (!row) return { ok: false, error: 'that conversation is not in the list' };
    // Best effort: some pages ignore scripted clicks (PDD is reported to), then the person clicks.
    for (const type of ['mousedown', 'mouseup', 'click']) row.dispatchEvent(mouseEvent(type, target.doc.defaultView));
    // The keyboard command: the caret goes to the chat input, ready to answer.
    if (msg.focusInput === true) (target.page()?.input as HTMLElement | null | undefined)?.focus?.();
    return { ok: true };
  }
  return undefined;
}

/** A bubbling mouse event of the page's window (a test DOM may refuse `view`: then without it). */
function mouseEvent(type: string, view: Window | null): MouseEvent {
  try {
    return new MouseEvent(type, { bubbles: true, cancelable: true, view });
  } catch {
    return new MouseEvent(type, { bubbles: true, cancelable: true });
  }
}
