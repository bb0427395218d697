// @vitest-environment jsdom
/**
 * The watcher's live path on every workbench adapter: a page change applied piecewise (a row read alone, appended
 * messages read continuing the adapter's read) must leave the watcher with exactly what a fresh read of the page
 * gives, and must not read the page whole.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labAdapter } from '../../lib/platforms/lab';
import { ADAPTERS } from '../../lib/platforms/adapters';
import { fixtureDir } from '../../lib/platforms/registry';
import { liveOf, type Adapter } from '../../lib/platforms/types';
import { Watcher } from '../../lib/content/watcher';
import type { EventsMessage, ToBackground } from '../../lib/messages';
import { recordingWatcher, pastWholeRead } from './helpers/watcher';

const NOW = 1_788_340_500_000;
/** Past the whole read a change made the watcher schedule (see pastWholeRead). */
const tick = () => pastWholeRead();

function fixture(a: Adapter): string {
  const dir = join(process.cwd(), fixtureDir(a.platform)!);
  const f = readdirSync(dir).find((n) => n.endsWith('.html'))!;
  return readFileSync(join(dir, f), 'utf8');
}

/** A copy of a message element (whose body reads `body`) with its own ids (`n`-th copy) and a new text. */
function newMessageLike(el: Element, body: string, n: number, text: string): Element {
  const copy = el.cloneNode(true) as Element;
  for (const e of [copy, ...copy.querySelectorAll('[id], [data-id]')]) {
    if (e.id) e.id = /^\D+_\d+$/.test(e.id) ? e.id.replace(/\d+$/, (d) => String(Number(d) + n)) : `${e.id}-${n}`;
    const d = e.getAttribute('data-id');
    if (d) e.setAttribute('data-id', `${d}-${n}`);
  }
  // The longest text node that is part of the message's body (not a nickname or a time).
  const walker = copy.ownerDocument.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
  let longest: Text | null = null;
  for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
    const d = t.data.trim();
    if (d && body.includes(d) && (!longest || d.length > longest.data.trim().length)) longest = t;
  }
  if (longest) longest.data = text;
  return copy;
}

let watcher: Watcher | null = null;
afterEach(() => watcher?.stop());

const WORKBENCH_ADAPTERS = ADAPTERS.filter((a) => a !== labAdapter);

describe.each(WORKBENCH_ADAPTERS.map((a) => [a.platform, a] as const))('live path, %s', (_p, adapter) => {
  function start(): { sent: ToBackground[]; w: Watcher } {
    document.body.innerHTML = fixture(adapter);
    const { w, sent } = recordingWatcher(adapter, NOW);
    watcher = w;
    return { sent, w };
  }

  it('messages appended to the thread are read alone, as a fresh read reads them', async () => {
    const { sent, w } = start();
    const thread = liveOf(w.last)?.thread;
    expect(thread, 'the fixture thread takes appended messages').toBeDefined();
    const last = thread!.in.lastElementChild!;
    const body = w.last!.thread!.messages.at(-1)!.text;
    thread!.in.append(newMessageLike(last, body, 1, '追加的第一条'), newMessageLike(last, body, 2, '追加的第二条'));
    await tick();
    expect(w.stats.scans).toBe(1);
    expect(w.stats.incremental).toBe(1);
    expect(w.last).toEqual(adapter.extract(document, undefined, NOW));
    const texts = sent
      .filter((m): m is EventsMessage => m.type === 'events')
      .flatMap((m) => m.events)
      .map((e) => e.text ?? '');
    expect(texts.filter((t) => t.includes('追加的'))).toHaveLength(2);
  });

  it('a change inside a row, and a row moved to the top of the list, leave what a fresh read gives', async () => {
    const { w } = start();
    const x = w.last!;
    const row = x.conversations.at(-1)!.row!;
    const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
    const texts: Text[] = [];
    for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) texts.push(n);
    texts.at(-1)!.data = `${texts.at(-1)!.data}…`;
    await tick();
    expect(w.last).toEqual(adapter.extract(document, undefined, NOW));
    const rows = liveOf(w.last)?.rows;
    if (rows) {
      const all = rows.all();
      all[0]!.before(all.at(-1)!);
      await tick();
      expect(w.last).toEqual(adapter.extract(document, undefined, NOW));
      expect(w.stats.scans).toBe(1);
    }
  });
});
