// @vitest-environment jsdom
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
const waitOf = (x: { conversations: { buyer: string; waitingSec?: number }[] } | null) =>
  x?.conversations.map((c) => `${c.buyer}:${c.waitingSec}`);

it('jd: counter text set as a child (textContent), first change', async () => {
  document.body.innerHTML = html;
  ({ w } = recordingWatcher(jdAdapter, NOW));
  await settle(w);
  wait().textContent = '已等待5分05秒';
  await settle(w);
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
  console.log('stats', JSON.stringify(w.stats));
  wait().textContent = '已等待5分05秒';
  await settle(w);
  console.log('stats', JSON.stringify(w.stats));
  expect(waitOf(w.last)).toEqual(waitOf(jdAdapter.extract(document, undefined, NOW)));
});
