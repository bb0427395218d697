/**
 * Where each JD 咚咚 selector came from (lib/platforms/sources.ts explains the notes). Checked against
 * ../shared/docs/workbench-dom.md § JD (medium confidence) and test/fixtures/jd/thread.html on 2026-12-04. The
 * fixture's header says it also follows "the public DOM notes [the doc] summarises"; no source in ../shared shows
 * those classes, so they are noted fixture-only.
 */
import { defineSelectorSources, domNote, type SourceNote } from '../sources';
import { JD_PART_CHROME, JD_SELECTORS } from './index';

const doc = (detail?: string): SourceNote => domNote('JD', detail);
const loose = (shown: string): SourceNote => doc(`loosened form of the doc's \`${shown}\``);
const FIXTURE = 'test/fixtures/jd/thread.html';
const fixture = (what: string): SourceNote => `fixture-only: ${FIXTURE} — ${what}; no source in ../shared shows it`;
const DIVIDERS = {
  '.message__date': 'guess: a date separator outside message rows (the fixture’s header marks it a guess)',
  '[class*="time-divider"]': 'guess: the same, another name',
  '[class*="timeDivider"]': 'guess: the same, camel case',
} as const;

export default defineSelectorSources(
  { JD_SELECTORS, JD_PART_CHROME },
  {
    JD_SELECTORS: {
      loginForm: {
        '#loginname': 'guess: the JD passport page’s account field; the doc shows no login page',
        '#formlogin': 'guess: the JD passport page’s form',
        '.login-form': 'guess: a login form',
        'iframe[src*="passport.jd.com"]': 'guess: the JD passport login in an iframe',
      },
      conversationList: {
        '#t-alluser-wrap': fixture('the list container (the doc names only rows)'),
        '.list-compatible': fixture('the list container'),
        '[id*="alluser-wrap"]': fixture('the list container, by id substring'),
      },
      conversationRow: {
        '.alluser-item': doc(),
        '[id^="u_"][class*="item"]': fixture('a row by its id u_<pin>imcustomer<venderId>'),
      },
      rowName: {
        '.alluser-item-name[title]': doc(),
        '.alluser-item-name': loose('.alluser-item-name[title]'),
        '[class*="alluser-item-name"]': loose('.alluser-item-name[title]'),
      },
      rowPreview: {
        '.alluser-item-breifdesc': fixture('the row preview (the typo breif is the fixture’s)'),
        '.alluser-item-briefdesc': 'guess: the same with the typo fixed',
        '[class*="breifdesc"]': fixture('substring of the row preview'),
        '[class*="briefdesc"]': 'guess: the same with the typo fixed',
        '.alluser-item-desc': 'guess: a plainer preview class',
      },
      rowWaiting: {
        '.alluser-item-wait':
          'guess: a "waited NN秒" marker on a row (the fixture plays it; its header marks it a guess)',
        '[class*="alluser-item-wait"]': 'guess: substring of the same',
        '[class*="waitTime"]': 'guess: the same, another name',
        '[class*="wait-time"]': 'guess: the same, kebab case',
      },
      rowActive: {
        '.alluser-item_check': doc(),
        '.t-item-ck': 'guess: a short form of the selected class',
        '[aria-selected="true"]': 'guess: an accessible list',
      },
      threadHeaderName: {
        '.chat-head-name > span': fixture('the open thread’s header name'),
        '.chat-head-name': fixture('the open thread’s header name'),
        '.chat-head-title': 'guess: the header under another class',
      },
      messageList: {
        '#t-chat-scroll': doc(),
        '.chat-scroll-wrap': fixture('the scroller around #t-chat-scroll'),
        '[id*="chat-scroll"]': loose('#t-chat-scroll'),
      },
      message: {
        '.message': doc('`#t-chat-scroll .message`'),
        '.message_left, .message_right, .message_center, .message__system': doc('the four sides it names'),
      },
      buyerSide: { '.message_left': doc(), '[class*="message_left"]': loose('.message_left') },
      shopSide: { '.message_right': doc(), '[class*="message_right"]': loose('.message_right') },
      systemSide: {
        '.message_center': doc(),
        '.message__system': doc(),
        '[class*="message_center"]': loose('.message_center'),
        '[class*="message__system"]': loose('.message__system'),
      },
      messageText: {
        '.message__content': doc(),
        '.message__text': fixture('a text element inside .message__content'),
        '[class*="message__content"]': loose('.message__content'),
        '[class*="message__text"]': fixture('substring of the same'),
      },
      messageTime: {
        '.message__time_str': doc(),
        '[class*="time_str"]': loose('.message__time_str'),
        '.message__time': 'guess: the time without its _str suffix',
      },
      messageNick: {
        '.message__nickname': fixture('the sender’s nickname'),
        '[class*="message__nickname"]': fixture('substring of the same'),
      },
      avatar: {
        '.message__avatar': fixture('the sender’s avatar'),
        '[class*="avatar"]': fixture('any avatar'),
      },
      image: {
        '.message__image-wrap img': fixture('an image message'),
        '.message__image img': 'guess: the same without -wrap',
        '.message__image': 'guess: the same, the element itself',
        '.message__image-wrap': fixture('an image message’s wrapper'),
      },
      card: {
        '.CardWrapper': fixture('a product card'),
        '[class*="CardWrapper"]': fixture('substring of the same'),
        '[class*="ProductCard"]': fixture('a product card’s inner class'),
      },
      quote: {
        '.message__quote': 'guess: a quoted earlier message (the fixture plays it; its header marks it a guess)',
        '[class*="quote"]': 'guess: substring of the same',
        '[class*="Quote"]': 'guess: the same, capitalised',
      },
      timeDivider: DIVIDERS,
      input: {
        '.EditorContent[contenteditable="true"]': doc(),
        '.EditorContent[contenteditable]': loose('.EditorContent[contenteditable=true]'),
        '[class*="EditorContent"][contenteditable="true"]': loose('.EditorContent[contenteditable=true]'),
      },
      sendButton: {
        '.SendButtonGroup > .send-button': doc(),
        '.send-button': loose('.SendButtonGroup > .send-button'),
      },
      account: {
        '.t-user-name': 'guess: the logged-in waiter (the fixture plays it; its header marks it a guess)',
        '.header-user-name': 'guess: a header user name',
        '[class*="waiterName"]': 'guess: JD calls its agents waiters',
        '[class*="waiter-name"]': 'guess: the same, kebab case',
      },
    },
    JD_PART_CHROME: {
      list: {
        '.c_tabs-nav-container': fixture('the list’s tabs (正在咨询 / 历史咨询)'),
        '.c_cas-head': fixture('the list’s heading'),
        '[class*="tabs-nav"]': fixture('substring of the tabs'),
        '[class*="cas-head"]': fixture('substring of the heading'),
        '[class*="empty"]': 'guess: an empty-list placeholder',
      },
      thread: {
        ...DIVIDERS,
        '[class*="empty"]': 'guess: an empty-thread placeholder',
        '[class*="load-more"]': 'guess: a "load earlier messages" row',
        '[class*="loadMore"]': 'guess: the same, camel case',
      },
    },
  },
);
