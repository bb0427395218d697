/**
 * Where each Pinduoduo selector came from (lib/platforms/sources.ts explains the notes). Checked against
 * ../shared/docs/workbench-dom.md § Pinduoduo and test/fixtures/pdd/ on 2026-12-04.
 */
import { defineSelectorSources, domNote, type SourceNote } from '../sources';
import { PDD_PART_CHROME, PDD_SELECTORS } from './index';

const doc = (detail?: string): SourceNote => domNote('Pinduoduo', detail);
const loose = (shown: string): SourceNote => doc(`loosened form of the doc's \`${shown}\``);

export default defineSelectorSources(
  { PDD_SELECTORS, PDD_PART_CHROME },
  {
    PDD_SELECTORS: {
      loginForm: {
        '.login-content': 'guess: the doc only says login redirects to /login; a class of its login page',
        'form[class*="login"]': 'guess: any login form, the doc shows none',
        '#usernameId': 'guess: the login page’s user-name field; the doc shows none',
      },
      conversationList: {
        '.chat-list': 'fixture-only: test/fixtures/pdd/thread.html — the doc names no list container',
        'ul.chat-list': 'fixture-only: test/fixtures/pdd/thread.html — the doc names no list container',
        '.conversation-list': 'guess: a generic list class, in case the container is renamed',
        '[class*="chat-list"]': 'fixture-only: test/fixtures/pdd/thread.html — substring of the fixture’s class',
      },
      conversationRow: { 'li.chat-item': doc(), '.chat-item': loose('li.chat-item') },
      rowBox: { 'div.chat-item-box': doc(), '[data-random]': doc('div.chat-item-box[data-random]') },
      rowNick: {
        '.nickname-span': doc(),
        '.nickname': 'guess: the class without its -span suffix (the doc shows `.nickname-span`)',
      },
      rowPreview: { 'p.chat-message-content': doc(), '.chat-message-content': loose('p.chat-message-content') },
      rowWaiting: { '.chat-unreply-time': doc(), '.chat-unreply-over-time': doc() },
      threadHeaderName: {
        '.chatWindowHeader .base-info .name': doc(),
        '.chatWindowHeader .name': loose('.chatWindowHeader .base-info .name'),
      },
      messageList: {
        '#msgListContainer ul.msg-list': doc(),
        '#msgListContainer .msg-list': loose('#msgListContainer ul.msg-list'),
        'ul.msg-list': loose('#msgListContainer ul.msg-list'),
      },
      message: { 'li.onemsg': doc(), 'li[id^="middlePanel_list_"]': doc('id="middlePanel_list_<epoch ms>"') },
      messageTime: { 'p.message-time': doc(), '.message-time': loose('p.message-time') },
      buyerSide: { 'div.buyer-item': doc(), '.buyer-item': loose('div.buyer-item') },
      shopSide: { 'div.cs-item': doc(), '.cs-item': loose('div.cs-item') },
      robotSide: { 'div.cs-item.callback': doc(), '.cs-item.callback': loose('div.cs-item.callback') },
      shopSideNick: {
        'p.nickname > span': doc(),
        '.nickname span': loose('p.nickname > span'),
        'p.nickname': loose('p.nickname > span'),
      },
      messageText: {
        '.quote-new-msg': doc(),
        '.msg-content p.msg-content-box': doc(),
        '.msg-content-box': loose('.msg-content p.msg-content-box'),
        '.msg-content': loose('.msg-content p.msg-content-box'),
        '[class*="system-msg"]': doc('system notices, e.g. `div.system-msg-31`'),
      },
      goodsCard: { '.msg-content.good-card': doc(), '.good-card': loose('.msg-content.good-card') },
      buyerUid: { '[currentuid]': doc('the `currentuid` attribute on an inner div') },
      input: {
        'textarea#replyTextarea': doc(),
        '.reply-box textarea': doc('the reply box of `.reply-box .send-btn`, any textarea in it'),
        'textarea.custom-scroll': doc('the input’s class `custom-scroll`'),
        '.reply-box [contenteditable]:not([contenteditable="false"])':
          'guess: in case the reply box moves to a contenteditable editor (test/fixtures/pdd/thread-contenteditable.html plays it)',
      },
      account: {
        '.mall-name': 'fixture-only: test/fixtures/pdd/thread.html — the doc does not say where the shop name is',
        '.header-mall-name': 'guess: the shop name in the page header, under another class',
        '[class*="mallName"]': 'guess: a camel-case (CSS-module) shop-name class',
        '.user-info .name': 'guess: a user panel’s name',
      },
    },
    PDD_PART_CHROME: {
      list: {
        '[class*="group-title"]': 'guess: the doc names the group titles (已回复 / 已超时 …) but not their class',
        '[class*="groupTitle"]': 'guess: the same, camel case',
        '[class*="list-title"]': 'guess: a list heading',
        '[class*="empty"]': 'guess: an empty-list placeholder',
      },
      thread: {
        '[class*="load-more"]': 'guess: a "load earlier messages" row',
        '[class*="loadMore"]': 'guess: the same, camel case',
        '[class*="empty"]': 'guess: an empty-thread placeholder',
      },
    },
  },
);
