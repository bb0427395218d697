// @vitest-environment jsdom
/**
 * JD's waiting counter (已等待…, Vue: its text set as a child or as the node) ticking on a row already known: the
 * watcher's page (`Watcher.last` → PageReader `page`) shows the new wait, as a fresh read does. The fast path
 * (PageReader `knownTicked`) updates the row's reading, which for JD (no per-element memo) was a second object beside
 * the whole read's `conversations` (65 s kept instead of 305 s): the row map now holds the whole read's own objects.
 * Events and badges were right before too. From outsider review 12's probe (`jd-counter`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { jdAdapter } from '../../../lib/platforms/jd';
import type { Watcher } from '../../../lib/content/watcher';
import { recordingWatcher, settle } from '../helpers/watcher';

const NOW = 1_788_340_500_000;
const html = readFileSync(join(process.cwd(), 'test/fixtures/jd/thread.html'), 'utf8');
let w: Watcher | undefined;
afterEach(() => {
  w?.stop();
  w = undefined;
});
const wait = () => document.querySelector('.alluser-item-wait')!;
/** The buyer whose row shows the counter, as a fresh read names them. */
const buyer = () =>
  jdAdapter.extract(document, undefined, NOW).conversations.find((c) => c.row?.contains(wait()))!.buyer;
const waitOf = (x: { conversations: { buyer: string; waitingSec?: number }[] } | null) =>
  x?.conversations.map((c) => `${c.buyer}:${c.waitingSec}`);

it('jd: counter text set as a child (textContent), first change', async () => {
  document.body.innerHTML = html;
  ({ w } = recordingWatcher(jdAdapter, NOW));
  await settle(w);
  wait().textContent = '已等待5分05秒';
  await settle(w);
  expect(w.stats).toMatchObject({ scans: 1, rowReads: 0 });
  expect(waitOf(w.last)).toContain(`${buyer()}:305`);
  expect(waitOf(w.last)).toEqual(waitOf(jdAdapter.extract(document, undefined, NOW)));
  wait().firstChild!.nodeValue = '已等待6分05秒';
  await settle(w);
  expect(waitOf(w.last)).toEqual(waitOf(jdAdapter.extract(document, undefined, NOW)));
  wait().textContent = '已等待7分05秒';
  await settle(w);
  expect(waitOf(w.last)).toEqual(waitOf(jdAdapter.extract(document, undefined, NOW)));
});

it('jd: a message appended, then the counter ticks', async () => {
  document.body.innerHTML = html;
  ({ w } = recordingWatcher(jdAdapter, NOW));
  await settle(w);
  const box = document.querySelector('#t-chat-scroll')!;
  box.insertAdjacentHTML(
    'beforeend',
    '<div class="message"><div class="message_left"><span class="message__time_str">17:21:00</span><div class="message__content"><div class="message__text">还有吗</div></div></div></div>',
  );
  await settle(w);
  expect(w.stats.appended).toBe(1);
  wait().textContent = '已等待5分05秒';
  await settle(w);
  // The tick took the counter's fast path (no row read, no whole read).
  expect(w.stats).toMatchObject({ scans: 1, rowReads: 0, counterReads: 1 });
  expect(waitOf(w.last)).toContain(`${buyer()}:305`);
  expect(waitOf(w.last)).toEqual(waitOf(jdAdapter.extract(document, undefined, NOW)));
});
