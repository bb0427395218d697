// @vitest-environment jsdom
/**
 * A relative divider (今天 / 昨天) read before China midnight keeps its day after it (the page did not re-render it):
 * whole reads after midnight date what is under it as the first read did, as its re-reads do; never in the future.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ali1688Adapter } from '../../lib/platforms/ali';
import { parseDividerStamp, parseThreadStamp, type StampContext } from '../../lib/platforms/douyin';
import { jdAdapter } from '../../lib/platforms/jd';
import { PageReader } from '../../lib/content/page-reader';
import { ThreadClock } from '../../lib/platforms/stamps';

const china = (s: string) => Date.parse(`${s.replace(' ', 'T')}+08:00`);
const iso = (t: number | null | undefined) =>
  t == null ? null : new Date(t + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
const pad = (i: number) => String(i).padStart(2, '0');
const row = (side: string, stamp: string, text: string, id: string) =>
  `<div class="message"><div class="${side}" id="${id}"><span class="message__time_str">${stamp}</span><div class="message__content"><div class="message__text">${text}</div></div></div></div>`;
const jdPage = (div: string) =>
  `<div id="t-alluser-wrap"><div class="alluser-item alluser-item_check" id="u_buyerAimcustomer1"><div class="alluser-item-name" title="buyerA">买家A</div></div></div><div class="chat-head-name"><span>买家A</span></div><div id="t-chat-scroll"><div class="message__date">${div}</div>${row('message_right', '23:30:00', '您好', 'm1')}${row('message_left', '23:40:00', '还有货吗', 'm2')}</div>`;

it.each([
  ['今天', '2026-12-05'],
  ['昨天', '2026-12-04'],
])('JD: a thread under %s read whole at 23:50, then whole again at 00:10: the same times', (div, day) => {
  document.body.innerHTML = jdPage(div);
  const reader = new PageReader(jdAdapter, document);
  reader.readWhole(china('2026-12-05 23:50:00'));
  const before = reader.page!.thread!.messages.map((m) => iso(m.at));
  expect(before).toEqual([`${day} 23:30:00`, `${day} 23:40:00`]);
  reader.readWhole(china('2026-12-06 00:10:00'));
  expect(reader.page!.thread!.messages.map((m) => iso(m.at))).toEqual(before);
});

it('JD: under 今天, an edit re-read at 00:10 and a whole read at 00:10 of the same page agree', () => {
  document.body.innerHTML = jdPage('今天');
  const reader = new PageReader(jdAdapter, document);
  reader.readWhole(china('2026-12-05 23:50:00'));
  const obs = new MutationObserver(() => {});
  obs.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
  document.querySelector('#m2 .message__text')!.textContent = '还有货吗？';
  const t = china('2026-12-06 00:10:00');
  const got = reader.readIncremental(reader.forget(obs.takeRecords()), t, reader.page!.thread!.buyer);
  obs.disconnect();
  expect(got, 're-read').not.toBeNull();
  const reread = reader.page!.thread!.messages.map((m) => iso(m.at));
  expect(reread).toEqual(['2026-12-05 23:30:00', '2026-12-05 23:40:00']);
  reader.readWhole(t);
  expect(reader.page!.thread!.messages.map((m) => iso(m.at))).toEqual(reread);
});

it('JD: a stale 今天 first read after midnight (tab opened at 00:10) never dates 23:30 in the future', () => {
  document.body.innerHTML = jdPage('今天');
  const ms = jdAdapter.extract(document, new WeakMap(), china('2026-12-06 00:10:00')).thread!.messages;
  expect(ms.map((m) => iso(m.at))).toEqual([null, null]);
});

it('JD: the divider re-rendered for another buyer resolves afresh (its day is kept per buyer)', () => {
  document.body.innerHTML = jdPage('今天');
  const memo = new WeakMap();
  jdAdapter.extract(document, memo, china('2026-12-05 23:50:00'));
  document.querySelector('.alluser-item')!.id = 'u_buyerBimcustomer1';
  document.querySelector('.alluser-item-name')!.setAttribute('title', 'buyerB');
  const ms = jdAdapter.extract(document, memo, china('2026-12-06 00:10:00')).thread!.messages;
  expect(ms.map((m) => iso(m.at))).toEqual([null, null]);
});

it('ThreadClock (JD, Kuaishou): a pinned 今天 dates what follows on its first day', () => {
  const clock = new ThreadClock(china('2026-12-06 00:10:00'));
  const kept = { y: 2026, m: 12, d: 5 };
  clock.separator('今天', () => kept);
  expect(iso(clock.read('23:30:00'))).toBe('2026-12-05 23:30:00');
});

it('ThreadClock: a bare time under a relative day later than now + the slack is null', () => {
  const clock = new ThreadClock(china('2026-12-06 00:10:00'));
  clock.separator('今天');
  expect(clock.read('23:30:00')).toBeNull();
  expect(iso(clock.read('00:09:00'))).toBe('2026-12-06 00:09:00');
});

it('1688: bare times under a stale 今天 first read after midnight are never dated in the future', () => {
  document.body.innerHTML = readFileSync(join(process.cwd(), 'test/fixtures/ali/thread.html'), 'utf8');
  const list = document.querySelector('.ww_message .rc-scrollbars-view')!;
  for (const d of list.querySelectorAll('.time-divider')) d.remove();
  const stamps = [...list.querySelectorAll('.message-item .time')];
  stamps.forEach((s, i) => (s.textContent = i === 0 ? '00:05:00' : `23:${pad(30 + i)}:00`));
  list.insertAdjacentHTML('afterbegin', '<div class="time-divider">今天</div>');
  const ms = ali1688Adapter.extract(document, undefined, china('2026-12-06 00:10:00')).thread!.messages;
  expect(ms.map((m) => iso(m.at))).toEqual(ms.map((_, i) => (i === 0 ? '2026-12-06 00:05:00' : null)));
});

it('Douyin: bare times under a stale 今天 first read after midnight are never dated in the future', () => {
  const ctx: StampContext = { last: null, now: china('2026-12-06 00:10:00') };
  parseDividerStamp('今天', ctx);
  expect(parseThreadStamp('23:30:00', ctx)).toBeNull();
  expect(iso(parseThreadStamp('00:05:00', ctx))).toBe('2026-12-06 00:05:00');
});
