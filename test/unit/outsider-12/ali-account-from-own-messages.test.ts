// @vitest-environment jsdom
/**
 * 1688 with no account panel found (its selectors renamed) reads the account off our own messages; rows and appended
 * messages are read with the account of the last whole read. A thread with no own message yet, then our reply
 * appended, then a colleague's (义乌优品工厂店:小张, not .self) message appended: the colleague's message is sent as a
 * whole read sends it (`internal`, our shop), not as the buyer's (a buyer's clock started by a colleague). Pins the
 * fix (1688 with no account yet reads our own appended message whole). From outsider review 12's probe
 * (`ali-account-from-messages`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ali1688Adapter } from '../../../lib/platforms/ali';
import { EventLedger } from '../../../lib/content/ledger';
import { Watcher } from '../../../lib/content/watcher';
import type { ChatEvent } from '../../../lib/model';
import type { ToBackground } from '../../../lib/messages';
import { settle } from '../helpers/watcher';

const NOW = 1_788_861_600_000;
const html = readFileSync(join(process.cwd(), 'test/fixtures/ali/thread.html'), 'utf8');
let w: Watcher | undefined;
afterEach(() => {
  w?.stop();
  w = undefined;
});
const key = (e: ChatEvent) => `${e.account} ${e.buyer} ${e.author} ${e.text ?? ''}`;
const msg = (nick: string, self: boolean, t: string, body: string, i: number) =>
  `<div data-index="${i}"><div class="message-item${self ? ' self' : ''}"><div class="message-main"><div class="message-header"><span class="nick">${nick}</span><span class="time">${t}</span></div><div class="content"><div class="text-message"><div class="biz-expression-editor read-only">${body}</div></div></div></div></div></div>`;

it('1688 without an account panel: a colleague after our first reply is read as a whole read reads it', async () => {
  document.body.innerHTML = html;
  document.querySelector('.ww_user_panel')!.remove();
  for (const s of [...document.querySelectorAll('.message-item.self')]) s.parentElement!.remove();
  const sent: ToBackground[] = [];
  w = new Watcher({
    adapter: ali1688Adapter,
    root: document,
    now: () => NOW,
    url: () => '',
    send: async (m) => void sent.push(m),
    accountGraceMs: 0,
  });
  w.start();
  await settle(w);
  const ledger = new EventLedger('ali1688');
  const ref: string[] = [];
  const refRead = () => {
    const x = ali1688Adapter.extract(document, undefined, NOW);
    ref.push(...ledger.events({ kind: 'whole', page: x }, ledger.accountOf(x.account), NOW).map(key));
    return x;
  };
  refRead();
  const got = () => sent.flatMap((m) => (m.type === 'events' ? m.events : [])).map(key);
  const view = document.querySelector('.rc-scrollbars-view')!;
  const box = view.querySelector('[data-index]')!.parentElement!;
  box.insertAdjacentHTML('beforeend', msg('义乌优品工厂店:小王', true, '17:40:00', '您好，在的', 20));
  await settle(w);
  refRead();
  // Our reply names the shop: the watcher's account is the one a fresh read finds.
  expect(w.last?.account).toBe(ali1688Adapter.extract(document, undefined, NOW).account);
  box.insertAdjacentHTML('beforeend', msg('义乌优品工厂店:小张', false, '17:41:00', '这个客户我来跟', 21));
  await settle(w);
  refRead();
  const colleague = (xs: string[]) => xs.filter((k) => k.includes('这个客户我来跟'));
  expect(colleague(ref).length, 'the colleague’s message reported').toBeGreaterThan(0);
  expect(colleague(got())).toEqual(colleague(ref));
});
