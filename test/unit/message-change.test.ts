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
import { liveOf, withLive, type Adapter } from '../../lib/platforms/types';
import { Watcher } from '../../lib/content/watcher';
import { PageReader } from '../../lib/content/page-reader';
import type { EventsMessage, ToBackground } from '../../lib/messages';

const NOW = 1_788_340_500_000;
const tick = () => new Promise((r) => setTimeout(r, 5));
/** Polls for a state (generous bound: a loaded machine runs two watchers slowly). */
const until = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

const FIXTURES = {
  pdd: 'test/fixtures/pdd/thread.html',
  douyin: 'test/fixtures/douyin/workspace.html',
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
  const sent: ToBackground[] = [];
  const w = new Watcher({
    adapter,
    root: document,
    now: () => NOW,
    url: () => '',
    send: async (m) => void sent.push(m),
  });
  watchers.push(w);
  w.start();
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

/** A small seeded generator (mulberry32): each failure names its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
] as const)('random edits inside earlier messages, %s', (platform, adapter) => {
  it.each([1, 2, 3, 4, 5])(
    'seed %i: the watcher holds and sends what whole reads give',
    { timeout: 60_000 },
    async (seed) => {
      const r = random(seed * 7919 + (platform === 'pdd' ? 0 : 1));
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
          const last = msgs.at(-1)!;
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
