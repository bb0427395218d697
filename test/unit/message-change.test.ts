// @vitest-environment jsdom
/**
 * A change inside an earlier message of the open thread (a read receipt, an image loading, a class the page toggles,
 * an edit, a recall, an author re-rendered, a stamp appearing) is applied by re-reading that message where it stands
 * (Live `thread.reread`), not by a whole read of the page: what the watcher then holds and sends must be exactly
 * what a whole read gives. The reference is a second watcher on the same page whose adapter has no re-read (each
 * such change is a whole read there, as before).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { douyinAdapter } from '../../lib/platforms/douyin';
import { jdAdapter } from '../../lib/platforms/jd';
import { kuaishouAdapter } from '../../lib/platforms/kuaishou';
import { ali1688Adapter } from '../../lib/platforms/ali';
import { liveOf, withLive, type Adapter } from '../../lib/platforms/types';
import { Watcher } from '../../lib/content/watcher';
import { PageReader } from '../../lib/content/page-reader';
import type { EventsMessage, ToBackground } from '../../lib/messages';
import { mulberry32 as random } from './helpers/random';
import { recordingWatcher, settle } from './helpers/watcher';

const NOW = 1_788_340_500_000;
/** 5 ms, then past the whole read any watcher scheduled (see settle: a tick alone races a slow observer). */
const tick = async () => {
  await new Promise((r) => setTimeout(r, 5));
  for (const w of watchers) await settle(w, 0);
};
/** Polls for a state (generous bound: a loaded machine runs two watchers slowly). */
const until = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

const FIXTURES = {
  pdd: 'test/fixtures/pdd/thread.html',
  douyin: 'test/fixtures/douyin/workspace.html',
  jd: 'test/fixtures/jd/thread.html',
  kuaishou: 'test/fixtures/kuaishou/thread.html',
  ali1688: 'test/fixtures/ali/thread.html',
} as const;

/** The adapter as it was before the re-read: every change inside an earlier message is a whole read. */
function withoutReread(a: Adapter): Adapter {
  return {
    ...a,
    extract(root, memo, now) {
      const x = a.extract(root, memo, now);
      const live = liveOf(x);
      if (live?.thread) {
        const { reread: _, ...thread } = live.thread;
        withLive(x, { ...live, thread });
      }
      return x;
    },
  };
}

const watchers: Watcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.stop();
});

interface Watched {
  w: Watcher;
  sent: ToBackground[];
  events(): EventsMessage['events'];
}

function watch(adapter: Adapter): Watched {
  const { w, sent } = recordingWatcher(adapter, NOW);
  watchers.push(w);
  return {
    w,
    sent,
    events: () => sent.filter((m): m is EventsMessage => m.type === 'events').flatMap((m) => m.events),
  };
}

/** The page, watched by the watcher under test (`live`) and by the reference (`ref`, whole reads). */
function start(platform: keyof typeof FIXTURES, adapter: Adapter): { live: Watched; ref: Watched } {
  document.body.innerHTML = readFileSync(join(process.cwd(), FIXTURES[platform]), 'utf8');
  return { live: watch(adapter), ref: watch(withoutReread(adapter)) };
}

/** Waits for the reference's whole read of the change, then: the same page read, the same events sent. */
async function sameAsWholeRead(adapter: Adapter, live: Watched, ref: Watched, refScans: number, what: unknown) {
  await until(() => expect(ref.w.stats.scans).toBeGreaterThan(refScans));
  // A whole read with the watchers' clock (Douyin dates a thread's leading bare times with it).
  await until(() => expect({ what, x: live.w.last }).toEqual({ what, x: adapter.extract(document, undefined, NOW) }));
  expect({ what, events: live.events() }).toEqual({ what, events: ref.events() });
}

const untimed = (side: 'buyer' | 'cs', text: string) =>
  `<li class="onemsg"><div class="merchantMessage">${
    side === 'buyer'
      ? '<div class="buyer-item"><div currentuid="802114"></div>'
      : '<div class="cs-item"><p class="nickname"><span>主账号</span></p>'
  }<div class="msg-content"><p class="msg-content-box">${text}</p></div></div></div></li>`;

describe('a change inside an earlier message (PDD)', { timeout: 60_000 }, () => {
  it('that does not change what it reads as (a read receipt, an image loading, a class): nothing sent, no whole read', async () => {
    const { live } = start('pdd', pddAdapter);
    const before = live.events().length;
    const list = document.querySelector('ul.msg-list')!;
    // The buyer read the shop's replies: `isread` on their bubbles (a class on this fixture's page).
    for (const cs of list.querySelectorAll('.cs-item')) cs.classList.remove('isread');
    await tick();
    for (const cs of list.querySelectorAll('.cs-item')) cs.classList.add('isread');
    await tick();
    // An image loading into a text message, the page marking a message it hovers.
    list.querySelector('li:nth-child(2) .msg-content')!.append(document.createElement('img'));
    list.querySelector('li:nth-child(4)')!.classList.add('hover');
    await tick();
    expect(live.w.stats).toMatchObject({ scans: 1, changed: 0 });
    expect(live.w.stats.messageRereads).toBeGreaterThanOrEqual(3);
    expect(live.events()).toHaveLength(before);
    expect(live.w.last).toEqual(pddAdapter.extract(document, undefined, NOW));
  });

  it('that changes it (an edit, a recall, the author re-rendered, a stamp above): the events a whole read sends', async () => {
    const { live, ref } = start('pdd', pddAdapter);
    const list = document.querySelector('ul.msg-list')!;
    // Messages without page ids (their ids hash author, stamp and text), then a reply.
    list.insertAdjacentHTML(
      'beforeend',
      untimed('buyer', '在吗') + untimed('buyer', '发什么快递') + untimed('cs', '好的'),
    );
    await until(() => expect([live.w.stats.appended, ref.w.stats.appended]).toEqual([3, 3]));
    const li = (n: number) => list.querySelector(`li:nth-child(${n})`)!;
    const steps: [string, () => void][] = [
      ['edit', () => (li(9).querySelector('.msg-content-box')!.textContent = '发顺丰吗')],
      [
        'recall',
        () => (li(8).querySelector('.merchantMessage')!.innerHTML = '<div class="system-msg-31">撤回了一条消息</div>'),
      ],
      ['robot', () => li(10).querySelector('.nickname span')!.replaceChildren('机器人')],
      [
        'stamp',
        () =>
          li(8)
            .querySelector('.merchantMessage')!
            .insertAdjacentHTML('afterbegin', '<p class="message-time">2026年09月08日 17:20:00</p>'),
      ],
    ];
    for (const [what, step] of steps) {
      const scans = live.w.stats.scans;
      const refScans = ref.w.stats.scans;
      step();
      await sameAsWholeRead(pddAdapter, live, ref, refScans, what);
      expect({ what, scans: live.w.stats.scans }).toEqual({ what, scans });
    }
    const news = live.events().filter((e) => !e.historical);
    expect(news.find((e) => e.text === '发顺丰吗')).toMatchObject({ author: 'buyer', at: NOW });
    // The recall sits above messages already reported: history (bounded by the one below it), as a whole read has it.
    expect(live.events().find((e) => e.text === '撤回了一条消息')).toMatchObject({
      author: 'system',
      historical: true,
    });
    expect(news.find((e) => e.text === '好的' && e.author === 'robot')).toBeDefined();
    expect(live.w.stats.changed).toBeGreaterThanOrEqual(4);
  });

  it('a message re-rendered as a new element in its place is read there alone (one record, or insert + remove)', async () => {
    const { live, ref } = start('pdd', pddAdapter);
    const list = document.querySelector('ul.msg-list')!;
    list.insertAdjacentHTML('beforeend', untimed('buyer', '在吗') + untimed('cs', '好的'));
    await until(() => expect([live.w.stats.appended, ref.w.stats.appended]).toEqual([2, 2]));
    const steps: [string, () => void][] = [
      // React's replaceWith: one record; the same message (page id), nothing to send.
      ['same', () => list.children[5]!.replaceWith(list.children[5]!.cloneNode(true))],
      // Vue: the new element inserted before the old one, then the old one removed (two records); a recall.
      [
        'recalled',
        () => {
          const old = list.children[7]!;
          const neu = old.cloneNode(true) as Element;
          neu.querySelector('.merchantMessage')!.innerHTML = '<div class="system-msg-31">撤回了一条消息</div>';
          list.insertBefore(neu, old);
          old.remove();
        },
      ],
      // The last message, re-rendered with another text (no page id: a new id, a new event).
      [
        'last',
        () => {
          const neu = list.lastElementChild!.cloneNode(true) as Element;
          neu.querySelector('.msg-content-box')!.textContent = '好的，马上';
          list.lastElementChild!.replaceWith(neu);
        },
      ],
      // The first buyer message (the uid whose thread it is) re-rendered: the same uid.
      ['uid', () => list.children[1]!.replaceWith(list.children[1]!.cloneNode(true))],
    ];
    for (const [what, step] of steps) {
      const scans = live.w.stats.scans;
      const refScans = ref.w.stats.scans;
      step();
      await sameAsWholeRead(pddAdapter, live, ref, refScans, what);
      expect({ what, scans: live.w.stats.scans }).toEqual({ what, scans });
    }
    const news = live.events().filter((e) => !e.historical);
    // The recall sits above messages already reported: history (bounded by the one below it), as a whole read has it.
    expect(live.events().find((e) => e.text === '撤回了一条消息')).toMatchObject({
      author: 'system',
      historical: true,
    });
    expect(news.find((e) => e.text === '好的，马上')).toMatchObject({ author: 'human' });
  });

  it('what it cannot place on one message it read is read whole, as before', async () => {
    const { live, ref } = start('pdd', pddAdapter);
    const list = document.querySelector('ul.msg-list')!;
    const cases: [string, () => void][] = [
      // Inserted before the end (history loaded above), taken out of the thread.
      ['history', () => list.prepend(list.children[1]!.cloneNode(true))],
      ['removed', () => list.children[4]!.remove()],
      // Two neighbours re-rendered at once: not paired with the old ones.
      [
        'neighbours',
        () => {
          const [a, b] = [list.children[3]!, list.children[4]!];
          a.replaceWith(a.cloneNode(true));
          b.replaceWith(b.cloneNode(true));
        },
      ],
      // No longer a message by the selector the read chose.
      ['unclassed', () => list.children[3]!.classList.remove('onemsg')],
      // A message nested in a message.
      ['nested', () => list.querySelector('.msg-content')!.insertAdjacentHTML('beforeend', untimed('buyer', '嵌套'))],
      // The first buyer uid (whose thread it is) taken out.
      ['uid', () => list.querySelector('[currentuid]')!.remove()],
    ];
    for (const [what, step] of cases) {
      const scans = live.w.stats.scans;
      const refScans = ref.w.stats.scans;
      step();
      await until(() => expect({ what, scans: live.w.stats.scans }).toEqual({ what, scans: scans + 1 }));
      await sameAsWholeRead(pddAdapter, live, ref, refScans, what);
    }
  });
});

/** Random edits inside a message element, some of which change what it reads as, most of which do not. */
function edits(platform: keyof typeof FIXTURES): ((msg: Element, r: () => number) => void)[] {
  const any = <T>(xs: readonly T[], r: () => number): T | undefined => xs[Math.floor(r() * xs.length)];
  const textNodes = (el: Element) => {
    const out: Text[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) out.push(n);
    return out.filter((t) => t.data.trim());
  };
  const common = [
    // A class toggled anywhere in it (a read receipt, hover, a re-render's classes).
    (m: Element, r: () => number) =>
      any([m, ...m.querySelectorAll('*')], r)!.classList.toggle(any(['isread', 'hover', 'x-1'], r)!),
    // An image loading into it.
    (m: Element, r: () => number) => any([...m.querySelectorAll('*')], r)?.append(document.createElement('img')),
    // Its text edited, or recalled.
    (m: Element, r: () => number) => {
      const t = any(textNodes(m), r);
      if (t) t.data = r() < 0.5 ? `${t.data}改` : '撤回了一条消息';
    },
    // A part of it removed (a bubble, a nickname, a time, an id holder…).
    (m: Element, r: () => number) => any([...m.querySelectorAll('*')], r)?.remove(),
    // Re-rendered as a new element in its place (Douyin declines it: a whole read).
    (m: Element) => m.isConnected && m.replaceWith(m.cloneNode(true)),
  ];
  if (platform === 'pdd')
    return [
      ...common,
      (m) => m.querySelector('.cs-item, .buyer-item')?.classList.toggle('callback'),
      (m) => {
        const side = m.querySelector('.cs-item, .buyer-item');
        if (side) side.className = side.classList.contains('cs-item') ? 'buyer-item' : 'cs-item';
      },
      (m, r) =>
        m
          .querySelector('.merchantMessage')
          ?.insertAdjacentHTML(
            'afterbegin',
            `<p class="message-time">2026年09月08日 17:${10 + Math.floor(r() * 40)}:00</p>`,
          ),
    ];
  if (platform === 'jd')
    return [
      ...common,
      // The side re-rendered (a buyer message shown as the shop's, a notice), a read receipt's class on the side.
      (m, r) => {
        const side = m.querySelector('.message_left, .message_right, .message_center');
        if (side) side.className = any(['message_left', 'message_right', 'message_center'], r)!;
      },
      (m) => m.querySelector('.message_left, .message_right')?.classList.toggle('message--read'),
      // A stamp changed or shown (bare times read against the clock; a date on one dates those after it).
      (m, r) => {
        const t = m.querySelector('.message__time_str');
        const stamp =
          r() < 0.3
            ? `2026-09-0${7 + Math.floor(r() * 2)} 17:${10 + Math.floor(r() * 40)}:00`
            : `17:${10 + Math.floor(r() * 40)}:00`;
        if (t) t.textContent = stamp;
        else m.firstElementChild?.insertAdjacentHTML('afterbegin', `<span class="message__time_str">${stamp}</span>`);
      },
      // A recall: the bubble becomes a notice.
      (m) => {
        const side = m.firstElementChild;
        if (side)
          side.outerHTML = '<div class="message_center"><div class="message__system">对方撤回了一条消息</div></div>';
      },
    ];
  if (platform === 'ali1688')
    return [
      ...common,
      // Our own message shown as the buyer's (or back), a robot's nick, an auto-reply tag, a read receipt.
      (m) => m.classList.toggle('self'),
      (m, r) => {
        const nick = m.querySelector('.nick');
        if (nick)
          nick.textContent = any(['义乌优品工厂店:店小蜜', '义乌优品工厂店:小王', '采购商小李', '平台提醒'], r)!;
      },
      (m) =>
        m.querySelector('.message-header')?.insertAdjacentHTML('beforeend', '<span class="msg-tag">自动回复</span>'),
      (m) => m.querySelector('.content')?.classList.toggle('read'),
      // The stamp changed (a full one, or a bare time: read against the clock).
      (m, r) => {
        const t = m.querySelector('.time');
        if (t)
          t.textContent =
            r() < 0.5 ? `2026-09-08 17:${10 + Math.floor(r() * 40)}:00` : `17:${10 + Math.floor(r() * 40)}:00`;
      },
      // A recall: the text says so.
      (m) => m.querySelector('.content')?.replaceChildren('对方撤回了一条消息'),
    ];
  if (platform === 'kuaishou')
    return [
      ...common,
      // The side flipped (a buyer message shown as the shop's), a read receipt's class on the side.
      (m) => {
        const b = m.querySelector('[class*="__notMe"], [class*="__isMine"]');
        if (b)
          b.className = b.className.includes('__notMe')
            ? b.className.replace('__notMe', '__isMine')
            : b.className.replace('__isMine', '__notMe');
      },
      (m) => m.querySelector('[class*="lrWrapper"]')?.classList.toggle('kwaishop-cs-read'),
      // The sender's stamp changed (month-day without a year, or a bare time: read against the clock).
      (m, r) => {
        const t = m.querySelector('[class*="beforeMsgBody"] span:last-child');
        if (t)
          t.textContent =
            r() < 0.5
              ? `09-0${7 + Math.floor(r() * 2)} 17:${10 + Math.floor(r() * 40)}:00`
              : `17:${10 + Math.floor(r() * 40)}:00`;
      },
      // A recall: the body says so.
      (m) => m.querySelector('[class*="_msgBody"]')?.replaceChildren('对方撤回了一条消息'),
    ];
  return [
    ...common,
    (m) => {
      const b = m.querySelector('.messageNotMe, .messageIsMe');
      if (b)
        b.className = b.className.includes('messageNotMe')
          ? b.className.replace('messageNotMe', 'messageIsMe')
          : b.className.replace('messageIsMe', 'messageNotMe');
    },
    (m, r) => {
      const t = m.querySelector('.O4UWWFoQxgMq4AWHMq25');
      if (t) t.textContent = `17:${10 + Math.floor(r() * 40)}:0${Math.floor(r() * 10)}`;
    },
  ];
}

describe.each([
  ['pdd', pddAdapter],
  ['douyin', douyinAdapter],
  ['jd', jdAdapter],
  ['kuaishou', kuaishouAdapter],
  ['ali1688', ali1688Adapter],
] as const)('random edits inside earlier messages, %s', (platform, adapter) => {
  it.each([1, 2, 3, 4, 5])(
    'seed %i: the watcher holds and sends what whole reads give',
    { timeout: 60_000 },
    async (seed) => {
      const r = random(seed * 7919 + Object.keys(FIXTURES).indexOf(platform));
      const { live, ref } = start(platform, adapter);
      const sel = adapter.selectors.message![0]!;
      const ops = edits(platform);
      let appended = 0;
      for (let step = 0; step < 25; step++) {
        const msgs = [...document.querySelectorAll(sel)];
        const refScans = ref.w.stats.scans;
        // One or two edits in one batch, sometimes with a new message appended at the end.
        const n = r() < 0.25 ? 2 : 1;
        for (let i = 0; i < n; i++) ops[Math.floor(r() * ops.length)]!(msgs[Math.floor(r() * msgs.length)]!, r);
        if (r() < 0.15) {
          // A whole item of the list (Kuaishou's rows sit in wrappers that carry their ids).
          const wrapper = { kuaishou: '.ChatMessageList-item', ali1688: '[data-index]' } as Record<string, string>;
          const last = (wrapper[platform] && msgs.at(-1)!.closest(wrapper[platform])) || msgs.at(-1)!;
          const copy = last.cloneNode(true) as Element;
          for (const e of [copy, ...copy.querySelectorAll('[id], [data-id]')]) {
            if (e.id) e.id = `${e.id}9${appended}`;
            if (e.getAttribute('data-id')) e.setAttribute('data-id', `added-${appended}`);
          }
          appended++;
          last.after(copy);
        }
        const what = { seed, step };
        // Edits that change nothing the page reports (e.g. a class toggled twice) make no record: nothing to wait for.
        await tick();
        if (ref.w.stats.scans === refScans) {
          await tick();
          if (ref.w.stats.scans === refScans) continue;
        }
        await sameAsWholeRead(adapter, live, ref, refScans, what);
      }
      // Batches applied by re-reading messages, not by whole reads: most on PDD; on Douyin many (it declines
      // re-rendered wrappers, changed stamps reaching content-hash ids, dividers that become messages).
      if (platform === 'pdd') expect(live.w.stats.messageRereads).toBeGreaterThan(live.w.stats.scans);
      else expect(live.w.stats.messageRereads).toBeGreaterThanOrEqual(5);
    },
  );
});

describe('a change inside an earlier message (Douyin): re-reads and later appends', () => {
  it('re-reads do not move where messages appended afterwards are written (outsider review probe)', () => {
    document.body.innerHTML = readFileSync(join(process.cwd(), FIXTURES.douyin), 'utf8');
    const list = document.querySelector('[data-qa-id="qa-message-warpper"]')!.parentElement!;
    const reader = new PageReader(douyinAdapter, document);
    reader.readWhole(NOW);
    const obs = new MutationObserver(() => {});
    obs.observe(document, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['class', 'data-random', 'id'],
    });
    const apply = (t: number) => {
      const got = reader.readIncremental(reader.forget(obs.takeRecords()), t, reader.page!.thread!.buyer);
      expect(got, 'read on the incremental path').not.toBeNull();
    };
    const wrapper = (id: string, text: string) =>
      `<div data-qa-id="qa-message-warpper"><div data-id="${id}" style="display: flex; flex-direction: row;"><div class="col-9Kd"><div class="leaveMessage messageNotMe"><pre><span>${text}</span></pre></div></div></div></div>`;
    // The buyer reads three of the shop's replies (a batch each), then two new buyer messages arrive and the second
    // one's bubble changes: each re-read must leave the numbering of the thread's messages alone.
    for (const bubble of [...list.querySelectorAll('.messageIsMe')].slice(0, 3)) {
      bubble.classList.add('isRead');
      apply(NOW);
    }
    list.insertAdjacentHTML('beforeend', wrapper('new-a', '这个能便宜点吗'));
    apply(NOW + 1000);
    list.insertAdjacentHTML('beforeend', wrapper('new-b', '包邮吗'));
    apply(NOW + 2000);
    list.querySelector('[data-id="new-b"] .messageNotMe')!.classList.add('isRead');
    apply(NOW + 3000);
    obs.disconnect();
    const whole = douyinAdapter.extract(document, undefined, NOW + 3000).thread!.messages;
    const live = reader.page!.thread!.messages;
    expect(live.length).toBe(whole.length);
    expect(live.map((m) => m?.id)).toEqual(whole.map((m) => m.id));
  });
});

/** China time as epoch ms. */
const china = (s: string) => Date.parse(`${s.replace(' ', 'T')}+08:00`);

describe.each([
  [
    'jd',
    jdAdapter,
    '#t-chat-scroll',
    '<div class="message"><div class="message_left" id="m-100"><span class="message__time_str">00:00:20</span><div class="message__content"><div class="message__text">还有货吗</div></div></div></div>',
    (list: Element) =>
      list.lastElementChild!.previousElementSibling!.firstElementChild!.insertAdjacentHTML(
        'afterbegin',
        '<span class="message__time_str">17:30:00</span>',
      ),
  ],
  [
    'kuaishou',
    kuaishouAdapter,
    '.ChatMessageList-ContentWrap',
    '<div id="0_2290417731_600" class="ChatMessageList-item"><div class="kwaishop-cs-LayoutDefaultWrapper_msgMain"><div class="kwaishop-cs-LayoutDefaultWrapper_lrWrapper kwaishop-cs-LayoutDefaultWrapper__notMe"><div class="kwaishop-cs-LayoutDefaultWrapper_content"><div class="kwaishop-cs-LayoutDefaultWrapper_beforeMsgBody"><span>快乐小番茄</span><span>00:00:20</span></div><div class="kwaishop-cs-LayoutDefaultWrapper_msgBody">还有货吗</div></div></div></div></div>',
    (list: Element) => {
      // The last stamp above the arrival (the buyer's 17:20:05).
      const stamps = [...list.querySelectorAll('[class*="beforeMsgBody"] span:last-child')];
      stamps.at(-2)!.textContent = '09-08 17:21:05';
    },
  ],
  [
    'ali1688',
    ali1688Adapter,
    '.ww_message .rc-scrollbars-view',
    '<div data-index="12"><div class="message-item"><div class="message-main"><div class="message-header"><span class="nick">采购商小李</span><span class="time">00:00:20</span></div><div class="content"><div class="text-message"><pre>还有货吗</pre></div></div></div></div></div>',
    (list: Element) => {
      // The last stamp above the arrival.
      [...list.querySelectorAll('.message-item .time')].at(-2)!.textContent = '2026-09-08 17:31:00';
    },
  ],
] as const)('re-reads and live arrivals, %s', (platform, adapter, listSel, arriving, restamp) => {
  it('a message appended after midnight keeps the arrival it was read with when a re-read reaches it; re-reads number nothing', () => {
    document.body.innerHTML = readFileSync(join(process.cwd(), FIXTURES[platform]), 'utf8');
    const list = document.querySelector(listSel)!;
    const t0 = china('2026-12-05 23:59:00');
    const t1 = china('2026-12-06 00:00:30');
    const reader = new PageReader(adapter, document);
    reader.readWhole(t0);
    const obs = new MutationObserver(() => {});
    obs.observe(document, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['class', 'data-random', 'id'],
    });
    const apply = (t: number) => {
      const got = reader.readIncremental(reader.forget(obs.takeRecords()), t, reader.page!.thread!.buyer);
      expect(got, 'read on the incremental path').not.toBeNull();
      return got!;
    };
    const messages = () => reader.page!.thread!.messages;
    const count = messages().length;
    // Read receipts on three messages (a batch each), then a message arrives after China midnight (a bare time).
    for (const el of [...list.querySelectorAll(adapter.selectors.message![0]!)].slice(0, 3)) {
      el.classList.add('isRead');
      expect(apply(t0).changed).toEqual([]);
    }
    list.insertAdjacentHTML('beforeend', arriving);
    expect(apply(t1).appended).toMatchObject([{ text: '还有货吗', at: china('2026-12-06 00:00:20') }]);
    expect(messages()).toHaveLength(count + 1);
    // A stamp shown on the last message before it: the re-read reaches the arrival, read with its own arrival time.
    restamp(list);
    const got = apply(t1 + 60_000);
    expect(got.changed?.length).toBeGreaterThan(0);
    expect(messages()).toHaveLength(count + 1);
    expect(messages().at(-1)).toMatchObject({ text: '还有货吗', at: china('2026-12-06 00:00:20') });
    obs.disconnect();
    expect(messages().map((m) => m.id)).toEqual(
      adapter.extract(document, undefined, t1).thread!.messages.map((m) => m.id),
    );
  });
});

describe.each([
  ['jd', jdAdapter, '#t-chat-scroll', '.message__time_str', '.message__date', '.message__text'],
  [
    'kuaishou',
    kuaishouAdapter,
    '.ChatMessageList-ContentWrap',
    '[class*="beforeMsgBody"] span:last-child',
    '.ChatMessageList-time',
    '.kwaishop-cs-TextMessage',
  ],
  ['ali1688', ali1688Adapter, '.ww_message .rc-scrollbars-view', '.message-item .time', '.time-divider', 'pre'],
] as const)(
  'a change inside a message of the tab-open run, %s',
  (platform, adapter, listSel, stampSel, dividerSel, textSel) => {
    it('keeps the time the run was dated with (backwards from its last), as a whole read gives it', () => {
      document.body.innerHTML = readFileSync(join(process.cwd(), FIXTURES[platform]), 'utf8');
      const list = document.querySelector(listSel)!;
      for (const d of list.querySelectorAll(dividerSel)) d.remove();
      // Bare times only, no date above: yesterday's 09:00, 09:01 … and a buyer's 23:00 still waiting, read at 10:00.
      const stamps = [...list.querySelectorAll(stampSel)];
      expect(stamps.length).toBeGreaterThan(2);
      stamps.forEach(
        (st, i) => (st.textContent = i === stamps.length - 1 ? '23:00:00' : `09:${String(i).padStart(2, '0')}:00`),
      );
      const t0 = china('2026-12-06 10:00:00');
      const reader = new PageReader(adapter, document);
      reader.readWhole(t0);
      const obs = new MutationObserver(() => {});
      obs.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
      const messages = () => reader.page!.thread!.messages;
      const row = (el: Element) => el.closest(adapter.selectors.message![0]!)!;
      // The first message with a stamp and a text: its 09:0x is yesterday's (the run's last is yesterday's 23:00).
      const target = stamps.map(row).find((r) => r.querySelector(textSel))!;
      const stamp = [...target.querySelectorAll(stampSel)].at(-1)!.textContent!;
      const yesterday = china(`2026-12-05 ${stamp}`);
      const index = messages().findIndex((m) => m.at === yesterday);
      expect(index, `a message at yesterday's ${stamp}`).toBeGreaterThanOrEqual(0);
      const whole = () =>
        adapter
          .extract(document, undefined, t0)
          .thread!.messages.map(({ id, at, text, timeSource }) => ({ id, at, text, timeSource }));
      const held = () => messages().map(({ id, at, text, timeSource }) => ({ id, at, text, timeSource }));
      expect(held()).toEqual(whole());
      // A read receipt, then an edit of its text: each re-read alone (no whole read), its time kept.
      for (const change of [
        () => target.classList.add('isRead'),
        () => (target.querySelector(textSel)!.textContent += '改'),
      ]) {
        change();
        const got = reader.readIncremental(reader.forget(obs.takeRecords()), t0, reader.page!.thread!.buyer);
        expect(got, 'read on the incremental path').not.toBeNull();
        expect(messages()[index]!.at).toBe(yesterday);
        expect(held()).toEqual(whole());
      }
      expect(messages()[index]!.text).toMatch(/改$/);
      obs.disconnect();
    });
  },
);

describe('a change inside an earlier message (1688/Taobao)', { timeout: 60_000 }, () => {
  it('with the account read off our own messages (no user panel), a change of our nick is read whole', async () => {
    document.body.innerHTML = readFileSync(join(process.cwd(), FIXTURES.ali1688), 'utf8');
    document.querySelector('.ww_user_panel')!.remove();
    const live = watch(ali1688Adapter);
    const ref = watch(withoutReread(ali1688Adapter));
    await until(() => expect(live.w.last?.account).toBe('义乌优品工厂店:小王'));
    const scans = live.w.stats.scans;
    const refScans = ref.w.stats.scans;
    // Every message of 小王 renamed, one batch: the account (and so which messages are our own shop's) changes.
    for (const nick of document.querySelectorAll('.message-item.self .nick'))
      if (nick.textContent === '义乌优品工厂店:小王') nick.textContent = '义乌优品工厂店:小李';
    await sameAsWholeRead(ali1688Adapter, live, ref, refScans, 'nick');
    expect(live.w.last?.account).toBe('义乌优品工厂店:小李');
    expect(live.w.stats.scans).toBe(scans + 1);
  });
});

describe(
  'attribute changes inside earlier messages (each platform watches its own attributes)',
  { timeout: 60_000 },
  () => {
    it('Douyin: a message id that now tells a closed session (data-id) is seen, as a whole read gives it', async () => {
      const { live, ref } = start('douyin', douyinAdapter);
      const scans = live.w.stats.scans;
      const refScans = ref.w.stats.scans;
      const idEl = [...document.querySelectorAll('[data-qa-id="qa-message-warpper"] > [data-id]')].at(-1)!;
      idEl.setAttribute('data-id', 'cs_close_conversation_1');
      await sameAsWholeRead(douyinAdapter, live, ref, refScans, 'data-id');
      expect(live.w.last!.thread!.messages.some((m) => m.id === 'cs_close_conversation_1')).toBe(true);
      // Read whole: the id a re-read cannot keep.
      expect(live.w.stats.scans).toBe(scans + 1);
    });

    it('Douyin: attributes nothing reads (an image src, a receipt attribute, PDD’s data-random) cost nothing', async () => {
      const { live } = start('douyin', douyinAdapter);
      const { scans, messageRereads } = live.w.stats;
      const wrappers = [...document.querySelectorAll('[data-qa-id="qa-message-warpper"]')];
      const img = document.createElement('img');
      wrappers[1]!.querySelector('[data-id]')!.append(img);
      await until(() => expect(live.w.stats.messageRereads).toBe(messageRereads + 1));
      img.setAttribute('src', 'data:,x');
      wrappers[2]!.setAttribute('data-random', '1');
      wrappers[3]!.setAttribute('data-isread', '1');
      await tick();
      // A change it does see and applies, after them: the only re-read besides the image's insertion.
      const changed = live.w.stats.changed;
      const bubble = wrappers
        .slice(4)
        .find((w) => w.querySelector('pre'))!
        .querySelector('pre')!;
      bubble.textContent = `${bubble.textContent}改`;
      await until(() => expect(live.w.stats.changed).toBeGreaterThan(changed));
      expect(live.w.stats.messageRereads).toBe(messageRereads + 2);
      expect(live.w.stats.scans).toBe(scans);
    });
  },
);
