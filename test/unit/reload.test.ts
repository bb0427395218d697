// @vitest-environment jsdom
/**
 * The PDD workbench fixture read by the content script's Watcher and stored by the background's Sentinel
 * (fake-indexeddb): one unanswered message is one wait however many sources show it (the thread, its own row's
 * counter), and reloading the tab — the counters rounding differently — changes nothing in the store.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { Sentinel } from '../../lib/background/sentinel';
import { Watcher } from '../../lib/content/watcher';
import { SentinelDB } from '../../lib/db/schema';
import type { ToBackground } from '../../lib/messages';
import { FakeHost } from './helpers/host';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
/** 2026-09-08 17:15:00 China time (the fixture's day). */
const NOW = 1_788_340_500_000;
/** The open conversation's buyer writes again, unanswered, at 17:14:18.500. */
const QUESTION_AT = NOW - 41_500;
const OPEN = '802114';
const OTHER = '733519';

let n = 0;
let db: SentinelDB;
let host: FakeHost;
let sentinel: Sentinel;

beforeEach(() => {
  db = new SentinelDB(`reload-${++n}`);
  host = new FakeHost();
  host.clock = NOW;
  sentinel = new Sentinel(db, host);
});
afterEach(() => db.close());

/** The page as loaded: the open row and another row show the page's own waited-seconds counters. */
function page(openCounter: string, otherCounter: string): void {
  document.body.innerHTML = fixture;
  document
    .querySelector('ul.msg-list')!
    .insertAdjacentHTML(
      'beforeend',
      `<li class="onemsg" id="middlePanel_list_${QUESTION_AT}"><div class="merchantMessage"><div class="buyer-item"><div currentuid="${OPEN}"></div><div class="msg-content"><p class="msg-content-box">还有别的颜色吗</p></div></div></div></li>`,
    );
  document
    .querySelector(`[data-random^="${OPEN}"]`)!
    .insertAdjacentHTML('beforeend', `<span class="chat-unreply-time">${openCounter}</span>`);
  document.querySelector(`[data-random^="${OTHER}"] .chat-unreply-time`)!.textContent = otherCounter;
}

/** A tab load: a fresh Watcher reads the page once; everything it sends reaches the background. */
async function load(): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const w = new Watcher({
    adapter: pddAdapter,
    root: document,
    now: () => host.clock,
    url: () => 'https://mms.pinduoduo.com/chat-merchant/index.html#/',
    send: (m: ToBackground) => {
      const p =
        m.type === 'health' ? sentinel.health(m, 7) : m.type === 'events' ? sentinel.ingest(m) : Promise.resolve();
      pending.push(p);
      return p;
    },
  });
  w.start();
  w.stop();
  await Promise.all(pending);
}

async function wholeStore(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of db.tables) out[table.name] = await table.toArray();
  return out;
}

describe('reload (Watcher → Sentinel)', () => {
  it('one unanswered message is one wait, timed by the message; a reload with counters rounded differently changes nothing', async () => {
    page('41秒', '42秒');
    await load();
    const key = (buyer: string) => `pdd|测试旗舰店|${buyer}`;
    const open = await db.clocks.get(key(OPEN));
    expect(open).toMatchObject({ status: 'pending', waitingMessages: 1, startedAt: QUESTION_AT });
    expect(open!.dueAt).toBe(QUESTION_AT + 180_000);
    expect(
      await db.events
        .where('conv')
        .equals(key(OPEN))
        .filter((e) => e.timeSource === 'counter')
        .count(),
    ).toBe(0);
    const other = await db.clocks.get(key(OTHER));
    expect(other).toMatchObject({ status: 'pending', waitingMessages: 1, startedAt: NOW - 42_000 });
    expect(other!.startedBeforeWatching).toBe(true);

    const before = await wholeStore();
    // Reloaded twice; the page's counters now read one second more (the open row's now says 17:14:18, half a second
    // before the message).
    page('42秒', '43秒');
    await load();
    await load();
    expect(await wholeStore()).toEqual(before);
  });
});
