// @vitest-environment jsdom
/**
 * Douyin: the page appends again a message already shown (same data-id, its own older time: a re-render or
 * re-delivery at the end), then the buyer writes a message with no data-id: that message is reported once, when it
 * comes and after the next whole read. Pins the fix (a message shown again changes nothing in the thread's read, not
 * even its stamps): appended, the repeated message's time moved the content-hash key of the next untimed message, read
 * whole it did not, so the buyer's message got another id and was reported twice. From outsider review 12's generic
 * fuzz (douyin seed 2; now outsider-12/watcher-fuzz-all-platforms), probe `douyin-dup-id`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { douyinAdapter } from '../../../lib/platforms/douyin';
import type { Watcher } from '../../../lib/content/watcher';
import type { ToBackground } from '../../../lib/messages';
import { recordingWatcher, settle } from '../helpers/watcher';

const NOW = 1_788_861_600_000;
const html = readFileSync(join(process.cwd(), 'test/fixtures/douyin/workspace.html'), 'utf8');
let w: Watcher | undefined;
afterEach(() => {
  w?.stop();
  w = undefined;
});

it('douyin: a message shown again at the end, then an untimed buyer message: reported once, after a whole read too', async () => {
  document.body.innerHTML = html;
  let sent: ToBackground[];
  ({ w, sent } = recordingWatcher(douyinAdapter, NOW));
  await settle(w);
  const original = document.querySelector('[data-id="6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b77"]')!.closest('.wrap-uR51')!;
  const box = original.parentElement!;
  const again = original.cloneNode(true) as Element;
  again.querySelector('[data-reply-sentinel-badge]')?.remove();
  box.appendChild(again);
  await settle(w);
  box.insertAdjacentHTML(
    'beforeend',
    '<div data-qa-id="qa-message-warpper" class="wrap-uR51"><div class="tC9ap6QtAyeCD0jfuMns" style="display: flex; flex-direction: row;"><div class="col-9Kd"><div class="iD7SHBvMhm4OhfCsBGr1 leaveMessage messageNotMe"><pre><span>什么时候发货</span></pre></div></div></div></div>',
  );
  await settle(w);
  const before = sent.flatMap((m) => (m.type === 'events' ? m.events : [])).filter((e) => e.text === '什么时候发货');
  w.scan();
  const all = sent.flatMap((m) => (m.type === 'events' ? m.events : [])).filter((e) => e.text === '什么时候发货');
  expect(before.length, 'reported when it came').toBe(1);
  expect(
    all.map((e) => `${e.messageId} ${e.author} historical=${!!e.historical}`),
    'after a whole read',
  ).toHaveLength(1);
});
