/**
 * Where each Douyin 飞鸽 selector came from (lib/platforms/sources.ts explains the notes). Checked against
 * ../shared/docs/workbench-dom.md § Douyin and test/fixtures/douyin/workspace.html on 2026-12-04.
 */
import { defineSelectorSources, domNote, type SourceNote } from '../sources';
import { DOUYIN_PART_CHROME, DOUYIN_SELECTORS } from './index';

const doc = (detail?: string): SourceNote => domNote('Douyin', detail);
const loose = (shown: string): SourceNote => doc(`loosened form of the doc's \`${shown}\``);
const FIXTURE = 'test/fixtures/douyin/workspace.html';
const hashed = (what: string): SourceNote =>
  `fixture-only: ${FIXTURE} — a hashed CSS-module class for ${what}; no source shows it, and such classes rotate`;
const TIME_DIVIDER = hashed('the time divider');
const MESSAGE_TIME = hashed('a message’s time');

export default defineSelectorSources(
  { DOUYIN_SELECTORS, DOUYIN_PART_CHROME },
  {
    DOUYIN_SELECTORS: {
      loginForm: {
        'form[class*="login"]': 'guess: the login lives on fxg.jinritemai.com; an expired session may show a form',
        '[class*="loginContainer"]': 'guess: an in-page login container (CSS-module name)',
        '[class*="login-container"]': 'guess: the same, kebab case',
        'input[type="password"]': 'guess: any password field means a login form',
      },
      conversationList: {
        '#chantListScrollArea': `fixture-only: ${FIXTURE} — the doc names no list container`,
        '.list_items': `fixture-only: ${FIXTURE} — the doc names no list container`,
        '[class*="list_items"]': `fixture-only: ${FIXTURE} — substring of the fixture’s class`,
      },
      conversationRow: { '[data-qa-id="qa-conversation-chat-item"]': doc() },
      rowName: {
        '[class*="nameLine"][title]': doc(),
        '[class*="NameContent"]': doc(),
        '[class*="nameLine"]': loose('[class*="nameLine"][title]'),
      },
      rowPreview: { '[class*="msgContent"]': doc() },
      rowTimer: {
        '[class*="timerParticular"]': `fixture-only: ${FIXTURE} — the doc shows no wait timer on rows`,
        '[class*="waitTime"]': 'guess: a wait timer under another name',
        '[class*="timer"]': `fixture-only: ${FIXTURE} — substring of the fixture’s timer class`,
      },
      rowGroup: { '[data-btm^="message_group_name_"]': doc('prefix of the pending groups’ `data-btm`') },
      pendingGroup: {
        '[data-btm="message_group_name_waitReply"]': doc(),
        '[data-btm="message_group_name_overtime"]': doc(),
      },
      activeRow: {
        '[aria-selected="true"]': `fixture-only: ${FIXTURE} — the doc says only that \`data-btm-id\` ends in .current`,
        '[class~="active"]': 'guess: a plain active class',
        '[class~="selected"]': 'guess: a plain selected class',
        '[class^="active"]': 'guess: a CSS-module class starting with active',
        '[class*=" active"]': `fixture-only: ${FIXTURE} — an active class after others`,
        '[class*="Active"]': 'guess: a CSS-module class with Active in it',
        '[class*="Selected"]': 'guess: a CSS-module class with Selected in it',
      },
      openCustomer: { '#topbar-left-info': doc() },
      messageList: {
        '[class*="messageList"]': `fixture-only: ${FIXTURE} — the doc names no message container`,
        '[class*="message-list"]': 'guess: the same, kebab case',
        '#workspace-chat': `fixture-only: ${FIXTURE} — the doc names no message container`,
      },
      message: {
        '[data-qa-id="qa-message-warpper"]': doc('the typo is the page’s'),
        '[data-qa-id="qa-message-wrapper"]': 'guess: the typo fixed one day',
      },
      messageId: {
        ':scope > div[data-id]': doc('`qa-message-warpper > div[data-id]`'),
        ':scope > [data-id]': loose('> div[data-id]'),
        '[data-id]': loose('> div[data-id]'),
      },
      buyerBubble: { '.messageNotMe': doc(), '[class*="messageNotMe"]': loose('.messageNotMe') },
      shopBubble: { '.messageIsMe': doc(), '[class*="messageIsMe"]': loose('.messageIsMe') },
      bubbleText: { pre: `fixture-only: ${FIXTURE} — the doc does not say what holds a bubble’s text` },
      messageTime: {
        '.O4UWWFoQxgMq4AWHMq25': MESSAGE_TIME,
        '[class*="messageTime"]': 'guess: a readable name for the message time',
        '[class*="msgTime"]': 'guess: the same, short',
      },
      timeDivider: {
        '.rcHPT4n3TlQD0Nu4sSiv': TIME_DIVIDER,
        '[class*="timeDivider"]': 'guess: a readable name for time dividers (the doc mentions dividers, no class)',
        '[class*="timeLine"]': 'guess: the same, another name',
      },
      card: {
        '[class*="chatd-card"]': `fixture-only: ${FIXTURE} — the doc shows no card class`,
        '[class*="goodsCard"]': 'guess: a goods card',
        '[class*="productCard"]': 'guess: a product card',
      },
      cardTitle: {
        '[class*="title"]': 'guess: a card’s title',
        '[class*="Title"]': `fixture-only: ${FIXTURE} — a card title class`,
      },
      image: {
        'img:not([alt="头像"])': `fixture-only: ${FIXTURE} — images not the avatar; the doc shows no image markup`,
      },
      input: {
        'textarea[data-qa-id="qa-send-message-textarea"]': doc(),
        '[data-qa-id="qa-send-message-textarea"]': loose('textarea[data-qa-id="qa-send-message-textarea"]'),
        'textarea[placeholder*="发送给"]': `fixture-only: ${FIXTURE} — the placeholder text; no source shows it`,
      },
      account: {
        '[data-qa-id="qa-account-name"]': 'guess: a qa hook like the others; the doc does not say where the shop is',
        'header [class*="shopName"]': `fixture-only: ${FIXTURE} — the doc does not say where the shop name is`,
        '[class*="accountName"]': 'guess: an account-name class',
        'header [class*="ShopName"]': `fixture-only: ${FIXTURE} — the same, another case`,
        '[data-qa-id*="shop-name"]': 'guess: a qa hook for the shop name',
        'header [class*="shopLogo"]': 'guess: the shop logo’s title',
        'header img[class*="shop"]': 'guess: the shop logo’s alt',
      },
    },
    DOUYIN_PART_CHROME: {
      list: {
        '[class*="groupTitle"]': `fixture-only: ${FIXTURE} — the doc shows the groups' data-btm, not a title class`,
        '[class*="GroupTitle"]': 'guess: the same, another case',
        '[class*="groupName"]': 'guess: the same, another name',
        '[class*="empty"]': 'guess: an empty-list placeholder',
      },
      thread: {
        '.rcHPT4n3TlQD0Nu4sSiv': TIME_DIVIDER,
        '[class*="timeDivider"]': 'guess: a readable name for time dividers',
        '[class*="timeLine"]': 'guess: the same, another name',
        '.O4UWWFoQxgMq4AWHMq25': MESSAGE_TIME,
        '[class*="messageTime"]': 'guess: a readable name for the message time',
        '[class*="msgTime"]': 'guess: the same, short',
        '[class*="empty"]': 'guess: an empty-thread placeholder',
        '[class*="loadMore"]': 'guess: a "load earlier messages" row',
      },
    },
  },
);
