// @vitest-environment jsdom
/**
 * JD (Vue: text set as a child) rows with 已等待 counters ticking every batch, recycled, moved, duplicated,
 * re-rendered, counters added / removed, plus messages, replies quoting an auto-reply and a thread switch in the same
 * batch, seeded: after every step the watcher's events, its page (`Watcher.last`, as it stands: a known counter's
 * tick shows in it, outsider review 12's jd-counter finding) and its badge rows = whole reads'.
 *
 * From outsider review 12's probe (`jd-random`). The suite runs a few seeds; deep runs: RS_FUZZ_SEEDS=40,
 * RS_FUZZ_DEBUG=<seed> (each step's rows and stats printed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { jdAdapter } from '../../../lib/platforms/jd';
import type { Watcher } from '../../../lib/content/watcher';
import type { ChatEvent } from '../../../lib/model';
import type { ToBackground } from '../../../lib/messages';
import { recordingWatcher, settle } from '../helpers/watcher';
import { expectRowsAndEventsAsWhole, wholeReads } from '../helpers/whole-reads';
import { mulberry32 } from '../helpers/random';

const NOW = 1_788_861_600_000;
const html = readFileSync(join(process.cwd(), 'test/fixtures/jd/thread.html'), 'utf8');
let w: Watcher | undefined;
afterEach(() => {
  w?.stop();
  w = undefined;
});
const key = (e: ChatEvent) => `${e.account}|${e.buyer}|${e.messageId}|${e.author}|${e.at}|${e.atLatest ?? ''}`;
const SEEDS = Number(process.env.RS_FUZZ_SEEDS ?? 6);
const list = () => document.querySelector('.list-compatible')!;
const rowHtml = (pin: string, wait: string | null) =>
  `<div class="alluser-item t-item-h alluser-item__normal" id="u_${pin}imcustomer10086"><div class="alluser-item-name">${pin}</div><div class="alluser-item-date-w">17:10</div><div class="alluser-item-breifdesc">在吗</div>${wait ? `<span class="alluser-item-wait">${wait}</span>` : ''}</div>`;
const fmt = (s: number) => `已等待${Math.floor(s / 60)}分${String(s % 60).padStart(2, '0')}秒`;

async function run(seed: number) {
  document.body.innerHTML = html;
  for (const p of ['p1', 'p2', 'p3', 'p4']) list().insertAdjacentHTML('beforeend', rowHtml(p, fmt(10)));
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  let sent: ToBackground[];
  ({ w, sent } = recordingWatcher(jdAdapter, NOW));
  await settle(w);
  const ref = wholeReads(jdAdapter, NOW, key);
  const refRead = ref.read;
  refRead();
  let sec = 20;
  // message stamps: increasing, all before NOW (18:00 China time)
  let clock = 17 * 3600 + 30 * 60;
  const stamp = () => {
    clock += 1 + Math.floor(rand() * 8);
    const h = Math.floor(clock / 3600);
    const m = Math.floor((clock % 3600) / 60);
    const s2 = clock % 60;
    return `${h}:${String(m).padStart(2, '0')}:${String(s2).padStart(2, '0')}`;
  };
  let fresh = 100;
  const log: string[] = [];
  for (let step = 0; step < 30; step++) {
    const ops: string[] = [];
    const n = rand() < 0.5 ? 1 : 2 + Math.floor(rand() * 2);
    for (let k = 0; k < n; k++) {
      const rows = [...document.querySelectorAll('.alluser-item')];
      const row = pick(rows);
      const r = rand();
      if (r < 0.3) {
        sec += rand() < 0.1 ? -Math.floor(rand() * 15) : 1;
        sec = Math.max(0, sec);
        const viaText = rand() < 0.7;
        ops.push(`tick ${sec} ${viaText ? 'textContent' : 'nodeValue'}`);
        for (const c of document.querySelectorAll('.alluser-item-wait'))
          if (rand() < 0.8) {
            if (viaText || !c.firstChild) c.textContent = fmt(sec);
            else c.firstChild.nodeValue = fmt(sec);
          }
      } else if (r < 0.4) {
        const to = rand() < 0.3 ? pick(rows).id.replace(/^u_|imcustomer.*$/g, '') : `q${fresh++}`;
        ops.push(`recycle ${row.id}→${to}`);
        row.id = `u_${to}imcustomer10086`;
        row.querySelector('.alluser-item-name')!.textContent = to;
        const c = row.querySelector('.alluser-item-wait');
        if (rand() < 0.6) {
          if (c) c.textContent = fmt(Math.floor(rand() * 30));
          else row.insertAdjacentHTML('beforeend', `<span class="alluser-item-wait">${fmt(1)}</span>`);
        } else c?.remove();
      } else if (r < 0.48) {
        ops.push(`move ${row.id}`);
        list().insertBefore(row, pick([...list().children, null]));
      } else if (r < 0.55) {
        ops.push(`dup ${row.id}`);
        const c = row.cloneNode(true) as Element;
        c.querySelector('[data-reply-sentinel-badge]')?.remove();
        row.after(c);
      } else if (r < 0.6 && rows.length > 2) {
        ops.push(`remove ${row.id}`);
        row.remove();
      } else if (r < 0.67) {
        ops.push(`rerender ${row.id}`);
        const c = row.cloneNode(true) as Element;
        c.querySelector('[data-reply-sentinel-badge]')?.remove();
        row.replaceWith(c);
      } else if (r < 0.75) {
        const c = row.querySelector('.alluser-item-wait');
        ops.push(`counter ${c ? 'removed' : 'added'} ${row.id}`);
        if (c) c.remove();
        else row.insertAdjacentHTML('beforeend', `<span class="alluser-item-wait">${fmt(sec)}</span>`);
      } else if (r < 0.82) {
        ops.push(`message`);
        document
          .querySelector('#t-chat-scroll')!
          .insertAdjacentHTML(
            'beforeend',
            `<div class="message"><div class="message_left"><span class="message__time_str">${stamp()}</span><div class="message__content"><div class="message__text">${pick(['还在吗', '系统', '[自动回复]你好', '已读'])} ${step}</div></div></div></div>`,
          );
      } else if (r < 0.88) {
        ops.push(`reply`);
        document
          .querySelector('#t-chat-scroll')!
          .insertAdjacentHTML(
            'beforeend',
            `<div class="message"><div class="message_right"><span class="message__nickname">客服01</span><span class="message__time_str">${stamp()}</span><div class="message__content"><div class="message__quote">[自动回复] 您好</div><div class="message__text">好的 ${step}</div></div></div></div>`,
          );
      } else if (r < 0.94) {
        // thread switch: the active row moves, the header and thread change
        const to = pick(rows);
        ops.push(`switch → ${to.id}`);
        for (const a of document.querySelectorAll('.alluser-item_check')) a.classList.remove('alluser-item_check');
        to.classList.add('alluser-item_check');
        const name = to.querySelector('.alluser-item-name')!.textContent!;
        document.querySelector('.chat-head-name span')!.textContent = name;
        document.querySelector('#t-chat-scroll')!.innerHTML =
          `<div class="message"><div class="message_left"><span class="message__time_str">${stamp()}</span><div class="message__content"><div class="message__text">你好 ${name}</div></div></div></div>`;
      } else {
        ops.push('counter text other');
        const c = row.querySelector('.alluser-item-wait');
        if (c) c.textContent = pick(['', '已回复', '17:10', '已等待']);
      }
    }
    log.push(`${step}: ${ops.join(' + ')}`);
    const dbg = process.env.RS_FUZZ_DEBUG === `${seed}`;
    const rowsDesc = () =>
      [...document.querySelectorAll('.alluser-item')]
        .map(
          (r) =>
            `${r.id}${r.classList.contains('alluser-item_check') ? '*' : ''}[${r.querySelector('.alluser-item-wait')?.textContent ?? '-'}]`,
        )
        .join(' ');
    const st0 = JSON.stringify(w.stats);
    await settle(w);
    if (dbg)
      console.log(
        step,
        ops.join(' + '),
        '\n  ',
        rowsDesc(),
        '\n  ',
        st0,
        '→',
        JSON.stringify(w.stats),
        'thread',
        w.last?.thread?.buyer,
      );
    const x = refRead();
    const label = `jd seed ${seed} step ${step}\n${log.slice(-5).join('\n')}`;
    expect(w.last, `${label}: page`).toEqual(x);
    expectRowsAndEventsAsWhole(w, sent, { adapter: jdAdapter, now: NOW, key, events: ref.events }, label);
  }
}

it(
  `jd: seeded counters, recycles and messages: incremental = whole reads (${SEEDS} seeds)`,
  { timeout: 600_000 },
  async () => {
    for (let s = 1; s <= SEEDS; s++) await run(s);
  },
);
