/**
 * Where each 1688 / Taobao web Wangwang selector came from (lib/platforms/sources.ts explains the notes). Checked
 * against ../shared/docs/workbench-dom.md § 1688 and test/fixtures/ali/ on 2026-12-04. The fixtures' header quotes
 * public userscripts' paths (`.ww_conversation > .ww_user_panel …`, `.ww_message … .rc-scrollbars-view`); no source
 * in ../shared shows them, so they are noted fixture-only.
 */
import { defineSelectorSources, domNote, type SourceNote } from '../sources';
import { ALI_PART_CHROME, ALI_SELECTORS } from './index';

const doc = (detail?: string): SourceNote => domNote('1688', detail);
const loose = (shown: string): SourceNote => doc(`loosened form of the doc's \`${shown}\``);
const FIXTURE = 'test/fixtures/ali/thread.html';
const userscript = (what: string): SourceNote =>
  `fixture-only: ${FIXTURE} — ${what}, from a public userscript's path its header quotes (not in ../shared)`;
const DIVIDERS = {
  '.message-time-divider': 'guess: a date divider between messages; the doc shows none',
  '.time-divider': 'guess: the same, shorter',
  '.date-divider': 'guess: the same, another name',
  '[class*="time-line"]': 'guess: the same, another name',
} as const;

export default defineSelectorSources(
  { ALI_SELECTORS, ALI_PART_CHROME },
  {
    ALI_SELECTORS: {
      loginForm: {
        '#fm-login-id': 'guess: the Alibaba login form’s account field; the doc shows no login page',
        '#login-form': 'guess: a login form',
        '.login-box': 'guess: a login box',
        'iframe[src*="login.1688.com"]': 'guess: 1688’s login in an iframe',
        'iframe[src*="login.taobao.com"]': 'guess: Taobao’s login in an iframe',
        'iframe[src*="passport.1688.com"]': 'guess: 1688’s passport login in an iframe',
      },
      account: {
        '.ww_user_panel > div > div:nth-child(2)': userscript('the own nick'),
        '.ww_user_panel .nick': 'guess: a nick class in the user panel',
        '.ww_user_panel [class*="name"]': 'guess: a name class in the user panel',
        '.ww_user_panel [class*="nick"]': `fixture-only: ${FIXTURE} — a nick class in the user panel`,
        '.ww_user_panel [title]': `fixture-only: ${FIXTURE} — the nick's title in the user panel`,
      },
      conversationList: {
        '.ww_conversation .conversation-list': userscript('the conversation panel'),
        '.conversation-list': `fixture-only: ${FIXTURE} — the doc shows rows, no list class`,
        '[class*="conversation-list"]': `fixture-only: ${FIXTURE} — substring of the same`,
      },
      conversationRow: { '.conversation-item': doc() },
      rowActive: {
        '.active': `fixture-only: ${FIXTURE} — the doc does not say how the open row is marked`,
        '.selected': 'guess: another usual class for the open row',
        '.current': 'guess: another usual class for the open row',
        '.conversation-item-active': 'guess: a BEM-like active row',
        '[aria-selected="true"]': 'guess: an accessible list',
      },
      rowName: { '.name': doc('`.conversation-item` `.name`') },
      rowTime: { '.time': doc('`.conversation-item` `.time`') },
      rowPreview: { '.desc': doc('`.conversation-item` `.desc`') },
      rowUnread: { '.unread-badge': doc() },
      threadHeaderName: {
        '.ww_header .name': `fixture-only: ${FIXTURE} — the doc names no thread header`,
        '.ww_header .nick': 'guess: the header’s nick under another class',
        '.ww_body .chat-header .name': 'guess: a chat header inside the body',
      },
      messageList: {
        '.ww_message .rc-scrollbars-view': userscript('the message scroller'),
        '.ww_message': userscript('the message panel'),
        '.message-list': 'guess: a generic message list',
        '[class*="message-list"]': 'guess: substring of the same',
      },
      message: { '.message-item': doc() },
      ownMessage: { '.self': doc('`.message-item.self`') },
      messageNick: { '.nick': doc('`.message-item` `.nick`') },
      messageTime: { '.time': doc('`.message-item` `.time`') },
      dateSeparator: DIVIDERS,
      messageContent: { '.content': doc('`.content … pre`') },
      messageText: { pre: doc('`.content … pre`') },
      card: { '[class*="card"]': `fixture-only: ${FIXTURE} — the doc shows no card class` },
      quote: {
        '[class*="quote"]': `fixture-only: ${FIXTURE} — the doc shows no quoted replies`,
        '[class*="reference"]': 'guess: a quoted reply under another name',
      },
      autoTag: {
        '[class*="auto-reply"]': 'guess: a 自动回复 tag by the bubble (the documented sign is the text prefix)',
        '[class*="autoReply"]': 'guess: the same, camel case',
        '[class*="auto_reply"]': 'guess: the same, snake case',
      },
      input: {
        '.ww_input pre.edit[contenteditable="true"]': doc(),
        '.ww_input .biz-expression-editor [contenteditable="true"]': doc(
          'contenteditable inside `.biz-expression-editor`',
        ),
        '.ww_input [contenteditable="true"]': loose('.ww_input pre.edit[contenteditable="true"]'),
      },
      sendButton: {
        '.ww_input button.send-btn': doc('`button.send-btn` in the input box'),
        'button.send-btn': doc(),
      },
    },
    ALI_PART_CHROME: {
      list: {
        '[class*="empty"]': 'guess: an empty-list placeholder',
        '[class*="loading"]': 'guess: a loading row',
      },
      thread: {
        ...DIVIDERS,
        '[class*="empty"]': 'guess: an empty-thread placeholder',
        '[class*="loading"]': 'guess: a loading row',
        '[class*="load-more"]': 'guess: a "load earlier messages" row',
      },
    },
  },
);
