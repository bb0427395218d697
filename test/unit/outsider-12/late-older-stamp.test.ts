// @vitest-environment jsdom
/**
 * A message appended at the end with a stamp well before the last one (a late delivery, a card printed with its own
 * older time), then an untimed message (JD, Kuaishou): each buyer message is reported once, after the next whole read
 * too. Appended, the older stamp is taken (read against its arrival); read whole, it runs backwards and is dropped; the
 * readings differ (time, and the content-hash ids keyed on it), and a whole read must not find "new" messages. Passed
 * when the review wrote it (kept as a guard). From outsider review 12's probe (`backwards-stamp`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { jdAdapter } from '../../../lib/platforms/jd';
import { kuaishouAdapter } from '../../../lib/platforms/kuaishou';
import type { Adapter } from '../../../lib/platforms/types';
import type { Watcher } from '../../../lib/content/watcher';
import type { ToBackground } from '../../../lib/messages';
import { recordingWatcher, settle } from '../helpers/watcher';

const NOW = 1_788_861_600_000;
const fx = (p: string) => readFileSync(join(process.cwd(), 'test/fixtures', p), 'utf8');
let w: Watcher | undefined;
afterEach(() => {
  w?.stop();
  w = undefined;
});

const CASES: [string, Adapter, string, string, (stamp: string, body: string) => string][] = [
  [
    'jd',
    jdAdapter,
    'jd/thread.html',
    '#t-chat-scroll',
    (t, b) =>
      `<div class="message"><div class="message_left">${t ? `<span class="message__time_str">${t}</span>` : ''}<div class="message__content"><div class="message__text">${b}</div></div></div></div>`,
  ],
  [
    'kuaishou',
    kuaishouAdapter,
    'kuaishou/thread.html',
    '.ChatMessageList-ContentWrap',
    (t, b) =>
      `<div class="ChatMessageList-item"><div class="kwaishop-cs-LayoutDefaultWrapper_msgMain"><div class="kwaishop-cs-LayoutDefaultWrapper_lrWrapper kwaishop-cs-LayoutDefaultWrapper__notMe"><div class="kwaishop-cs-LayoutDefaultWrapper_content"><div class="kwaishop-cs-LayoutDefaultWrapper_beforeMsgBody"><span>快乐小番茄</span>${t ? `<span>09-08 ${t}</span>` : ''}</div><div class="kwaishop-cs-LayoutDefaultWrapper_msgBody"><div class="kwaishop-cs-TextMessage">${b}</div></div></div></div></div></div>`,
  ],
];

for (const [name, adapter, file, box, msg] of CASES)
  it(`${name}: a late message with an older stamp, then an untimed one: each buyer message reported once, after a whole read too`, async () => {
    document.body.innerHTML = fx(file);
    let sent: ToBackground[];
    ({ w, sent } = recordingWatcher(adapter, NOW));
    await settle(w);
    const el = document.querySelector(box)!;
    el.insertAdjacentHTML('beforeend', msg('17:50:00', '第一问'));
    await settle(w);
    el.insertAdjacentHTML('beforeend', msg('17:30:00', '迟到的一条'));
    await settle(w);
    el.insertAdjacentHTML('beforeend', msg('', '第二问'));
    await settle(w);
    w.scan();
    const buyer = sent
      .flatMap((m) => (m.type === 'events' ? m.events : []))
      .filter((e) => e.author === 'buyer' && ['第一问', '迟到的一条', '第二问'].includes(e.text ?? ''));
    const counts: Record<string, number> = {};
    for (const e of buyer) counts[e.text!] = (counts[e.text!] ?? 0) + 1;
    expect(counts, JSON.stringify(buyer.map((e) => [e.text, e.messageId, e.at]))).toEqual({
      第一问: 1,
      迟到的一条: 1,
      第二问: 1,
    });
  });
