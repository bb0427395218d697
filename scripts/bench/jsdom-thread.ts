/**
 * A large JD / Kuaishou / 1688 thread in jsdom for the reader A/Bs (reread-jsdom-ab.ts, whole-read-ab.ts): the
 * fixture's thread grown to `thread` items (copies of its items, ids made unique, each text numbered), with a date
 * divider after every 10th copy where `divider` is given (a fixture's own dividers are copied with its items).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** jsdom (the unit tests' environment; it ships no types of its own here). */
export type Dom = { window: Window & typeof globalThis };
const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: new (html: string) => Dom };

export interface ThreadPage {
  /** The fixture file. */
  file: string;
  /** The thread's list and its items (an item selector relative to the list's children). */
  list: string;
  item: string;
  /** A message's text, numbered in each copy so that no two read the same. */
  text: string;
  /** Markup of a date divider to add every 10 copies, or '' for none. */
  divider?: string;
}

export function grownThread(p: ThreadPage, thread: number): Dom {
  const dom = new JSDOM(readFileSync(p.file, 'utf8'));
  const list = dom.window.document.querySelector(p.list)!;
  const items = [...list.querySelectorAll(`:scope > ${p.item}`)];
  for (let i = 0; list.children.length < thread; i++) {
    const copy = items[i % items.length]!.cloneNode(true) as Element;
    for (const e of [copy, ...copy.querySelectorAll('[id], [data-id]')]) if (e.id) e.id = `${e.id}x${i}`;
    const t = copy.querySelector(p.text);
    if (t) t.textContent = `${t.textContent} #${i}`;
    list.append(copy);
    if (p.divider && i % 10 === 9) list.insertAdjacentHTML('beforeend', p.divider);
  }
  return dom;
}
