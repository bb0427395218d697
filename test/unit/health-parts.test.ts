// @vitest-environment jsdom
/**
 * Silent blindness, per platform: every part a new question is seen through (conversation list, open thread,
 * chat input, account), taken away from the saved fixture one at a time (removed, renamed, its rows' or messages'
 * classes stripped), must be reported missing, and the page must not be reported as watching, by the adapter nor
 * by the watcher running it. Legitimately absent parts (an empty list, no conversation open) are not missing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ali1688Adapter } from '../../lib/platforms/ali';
import { douyinAdapter } from '../../lib/platforms/douyin';
import { jdAdapter } from '../../lib/platforms/jd';
import { kuaishouAdapter } from '../../lib/platforms/kuaishou';
import { pddAdapter } from '../../lib/platforms/pdd';
import type { Adapter } from '../../lib/platforms/types';
import { Watcher } from '../../lib/content/watcher';
import type { HealthParts } from '../../lib/health';
import type { ToBackground } from '../../lib/messages';
import { loadDemo, useDemoTimers } from './helpers/demo';
import { recordingWatcher } from './helpers/watcher';

type Change = (doc: Document) => void;

const all = (doc: Document, sel: string) => [...doc.querySelectorAll(sel)];
const remove =
  (sel: string): Change =>
  (doc) =>
    all(doc, sel).forEach((el) => el.remove());
/** Every class (and the listed attributes) taken off the matched elements and everything inside them. */
const strip =
  (sel: string, attrs: string[] = []): Change =>
  (doc) => {
    for (const el of all(doc, sel))
      for (const x of [el, ...el.querySelectorAll('*')]) for (const a of ['class', ...attrs]) x.removeAttribute(a);
  };
/** The element's classes (and id) renamed, as a page rebuild would. */
const rename =
  (sel: string, to: string, attrs: string[] = []): Change =>
  (doc) => {
    for (const el of all(doc, sel)) {
      el.setAttribute('class', to);
      for (const a of ['id', ...attrs]) el.removeAttribute(a);
    }
  };
const empty =
  (sel: string): Change =>
  (doc) =>
    all(doc, sel).forEach((el) => el.replaceChildren());
const edit =
  (sel: string, f: (el: Element) => void): Change =>
  (doc) =>
    all(doc, sel).forEach(f);
const both =
  (...changes: Change[]): Change =>
  (doc) =>
    changes.forEach((c) => c(doc));

interface Case {
  adapter: Adapter;
  fixture: string;
  /** Missing parts: each change must leave exactly this part missing. */
  missing: { list: Change[]; thread: Change[]; input: Change[] };
  /** The page shows no shop (its account element taken away). */
  noShop: Change[];
  /** Legitimately absent or empty: still watching, with these parts. */
  fine: [string, Change, Partial<HealthParts>][];
}

const NOW = 1_788_340_500_000;
const OK: HealthParts = { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' };

const CASES: Record<string, Case> = {
  pdd: {
    adapter: pddAdapter,
    fixture: 'pdd/thread.html',
    missing: {
      list: [
        strip('ul.chat-list > li'), // rows without their classes
        edit('[data-random]', (el) => el.removeAttribute('data-random')), // rows found, none parses
        both(rename('ul.chat-list', 'conv-panel'), strip('.conv-panel li')),
        remove('ul.chat-list'),
      ],
      thread: [
        remove('#msgListContainer'), // the open conversation's message list is gone
        both(rename('#msgListContainer', 'msg-panel'), rename('ul.msg-list', 'message-list-v2')),
        strip('ul.msg-list li', ['id']), // messages found by no selector
        both(empty('ul.chat-list'), remove('#msgListContainer')), // open by its header only
      ],
      input: [remove('textarea')],
    },
    noShop: [remove('.mall-name')],
    fine: [
      ['an empty conversation list', empty('ul.chat-list'), {}],
      ['an open conversation with no messages yet', empty('ul.msg-list'), {}],
      [
        'no conversation open',
        both(
          edit('.chat-item-box.active', (el) => el.classList.remove('active')),
          remove('.chatWindowHeader'),
          remove('#msgListContainer'),
          remove('textarea'),
        ),
        { thread: 'none', input: 'none' },
      ],
    ],
  },
  douyin: {
    adapter: douyinAdapter,
    fixture: 'douyin/workspace.html',
    missing: {
      list: [
        strip('[data-qa-id="qa-conversation-chat-item"]', ['data-qa-id', 'data-btm-id', 'aria-selected', 'title']),
        edit('[data-qa-id="qa-conversation-chat-item"] [class*="nameLine"]', (el) => el.remove()), // no row names
        both(
          strip('#chantListScrollArea', ['data-qa-id', 'data-btm', 'data-btm-id', 'aria-selected', 'title']),
          rename('#chantListScrollArea', 'conversations'),
        ),
        remove('#chantListScrollArea'),
      ],
      thread: [
        remove('[class*="messageList"]'),
        strip('[class*="messageList"] > *', ['data-qa-id', 'data-id', 'style']),
        both(
          rename('[class*="messageList"]', 'chat-history'),
          edit('[data-qa-id="qa-message-warpper"]', (el) => el.removeAttribute('data-qa-id')),
        ),
      ],
      input: [remove('textarea')],
    },
    noShop: [remove('header')],
    fine: [
      ['an empty conversation list', remove('[data-qa-id="qa-conversation-chat-item"]'), {}],
      [
        'a list of pseudo-conversations only (智能客服, 系统通知)',
        edit('[data-qa-id="qa-conversation-chat-item"]', (el) => {
          if (!el.querySelector('[title="智能客服"], [title="系统通知"]')) el.remove();
        }),
        {},
      ],
      ['an open conversation with no messages yet', empty('[class*="messageList"]'), {}],
      [
        'no conversation open',
        both(
          remove('#workspace-chat'),
          edit('[aria-selected="true"]', (el) => {
            el.removeAttribute('aria-selected');
            el.classList.remove('activeCard-kP20aQ');
          }),
        ),
        { thread: 'none', input: 'none' },
      ],
    ],
  },
  ali: {
    adapter: ali1688Adapter,
    fixture: 'ali/thread.html',
    missing: {
      list: [
        strip('.conversation-list > *'),
        both(rename('.conversation-list', 'contacts'), strip('.contacts > *')),
        remove('.conversation-list'),
      ],
      thread: [
        remove('.ww_message'),
        strip('.rc-scrollbars-view > *'), // messages without their classes
        both(rename('.ww_message', 'history'), strip('.history *')),
      ],
      input: [remove('.ww_input')],
    },
    noShop: [remove('.ww_user_panel')],
    fine: [
      ['an empty conversation list', empty('.conversation-list'), {}],
      ['a list of platform notices only', remove('.conversation-item:not(:last-child)'), {}],
      ['an open conversation with no messages yet', empty('.rc-scrollbars-view'), {}],
      [
        'no conversation open (您尚未选择联系人)',
        both(
          edit('.conversation-item.active', (el) => {
            el.classList.remove('active');
            el.removeAttribute('aria-selected');
          }),
          edit('.ww_message', (el) =>
            el.replaceWith(Object.assign(el.ownerDocument.createElement('p'), { textContent: '您尚未选择联系人' })),
          ),
        ),
        { thread: 'none' },
      ],
    ],
  },
  jd: {
    adapter: jdAdapter,
    fixture: 'jd/thread.html',
    missing: {
      list: [
        strip('.list-compatible > *', ['id']),
        both(
          rename('#t-alluser-wrap', 'contacts'),
          rename('.list-compatible', 'contact-list'),
          strip('.contact-list > *', ['id']),
        ),
        remove('#t-alluser-wrap'),
      ],
      thread: [
        remove('#t-chat-scroll'), // the open conversation's message list is gone
        strip('#t-chat-scroll > *', ['id']),
        both(rename('#t-chat-scroll', 'chat-history'), strip('.chat-history > *', ['id'])),
      ],
      input: [remove('.EditorContent')],
    },
    noShop: [remove('.t-user-name')],
    fine: [
      ['an empty conversation list (tabs and heading only)', empty('.list-compatible'), {}],
      ['an open conversation with no messages yet', empty('#t-chat-scroll'), {}],
      [
        'no conversation open',
        both(
          edit('.alluser-item_check', (el) => el.classList.remove('alluser-item_check')),
          remove('.chat-head'),
          remove('#t-chat-scroll'),
          remove('.chat-editor'),
        ),
        { thread: 'none', input: 'none' },
      ],
    ],
  },
  kuaishou: {
    adapter: kuaishouAdapter,
    fixture: 'kuaishou/thread.html',
    missing: {
      list: [
        strip('.SessionStarCard'),
        both(rename('.SessionListGroup', 'sessions'), strip('.sessions .ant-checkbox-group > *')),
        remove('.leftContainer___hCfkc'),
      ],
      thread: [
        remove('.ChatMessageList'),
        strip('.ChatMessageList-ContentWrap > *', ['id']),
        both(
          rename('.ChatMessageList', 'history'),
          rename('.ChatMessageList-ContentWrap', 'history-body'),
          strip('.history-body > *', ['id']),
        ),
      ],
      input: [remove('.SendBox-Editor')],
    },
    noShop: [remove('.WorkbenchHeader-shopName')],
    fine: [
      ['an empty conversation list (group titles only)', remove('.SessionStarCard'), {}],
      ['an open conversation with no messages yet', empty('.ChatMessageList-ContentWrap'), {}],
      [
        'no conversation open',
        both(
          edit('.SessionBaseCard-active', (el) => el.classList.remove('SessionBaseCard-active')),
          remove('.TargetUserHeader'),
          remove('.ChatMessageList'),
          remove('.SendBox'),
        ),
        { thread: 'none', input: 'none' },
      ],
    ],
  },
};

function page(c: Case, change?: Change): Document {
  document.body.innerHTML = readFileSync(join(process.cwd(), 'test/fixtures', c.fixture), 'utf8');
  change?.(document);
  return document;
}

let watchers: Watcher[] = [];
afterEach(() => {
  for (const w of watchers) w.stop();
  watchers = [];
});

/** What a watcher on the page sends first. */
function reported(adapter: Adapter): ToBackground[] {
  const { w, sent } = recordingWatcher(adapter, NOW);
  watchers.push(w);
  return sent;
}

describe.each(Object.entries(CASES))('%s: health per part', (_name, c) => {
  it('the saved workbench: every part read, watching', () => {
    const x = c.adapter.extract(page(c));
    expect(x.parts).toEqual(OK);
    expect(x.health).toBe('watching');
  });

  const STATE = { list: 'noList', thread: 'noThread', input: 'noInput', account: 'noAccount' } as const;
  describe.each(Object.entries(c.missing) as [keyof HealthParts, Change[]][])('%s missing', (part, changes) => {
    it.each(changes.map((ch, i) => [i + 1, ch] as const))('case %i: reported missing, never watching', (_i, ch) => {
      const x = c.adapter.extract(page(c, ch));
      expect(x.parts[part]).toBe('missing');
      expect(x.health).toBe(STATE[part]);
      // What the watcher running the adapter tells the background.
      expect(reported(c.adapter).find((m) => m.type === 'health')).toMatchObject({
        health: STATE[part],
        parts: { [part]: 'missing' },
      });
    });
  });

  it.each(c.noShop.map((ch, i) => [i + 1, ch] as const))(
    'no shop shown (case %i): still watched, under a fallback or an account of its own, never a shared default',
    (_i, ch) => {
      const x = c.adapter.extract(page(c, ch));
      expect(['ok', 'none']).toContain(x.parts.account);
      expect(x.health).toBe('watching');
      expect(x.account ?? '').not.toMatch(/default/);
    },
  );

  it.each(c.fine.map(([what, ch, parts]) => [what, ch, parts] as const))('not blind: %s', (_what, ch, parts) => {
    const x = c.adapter.extract(page(c, ch));
    expect(x.parts).toEqual({ ...OK, ...parts });
    expect(x.health).toBe('watching');
  });
});

describe('the simulated workbenches (demo/, what the e2e tests watch) read as watching', () => {
  useDemoTimers();

  it.each([
    ['pdd', 'pdd.js', pddAdapter],
    ['douyin', 'douyin.js', douyinAdapter],
    ['jd', 'jd.js', jdAdapter],
    ['kuaishou', 'kuaishou.js', kuaishouAdapter],
  ] as const)('%s: on load, after a question, in another conversation', (dir, script, adapter) => {
    const demo = loadDemo(dir, script, NOW);
    expect(adapter.extract(document)).toMatchObject({ health: 'watching', parts: OK });
    const [a, b] = demo.buyers;
    demo.buyerSays(a!.uid, '请问什么时候发货');
    expect(adapter.extract(document)).toMatchObject({ health: 'watching', parts: OK });
    demo.open(b!.uid);
    expect(adapter.extract(document)).toMatchObject({ health: 'watching', parts: OK });
  });
});
