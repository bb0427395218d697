/**
 * Where each Kuaishou selector came from (lib/platforms/sources.ts explains the notes). Checked against
 * ../shared/docs/workbench-dom.md § Kuaishou (medium confidence) and test/fixtures/kuaishou/thread.html on
 * 2026-12-04. The fixture's header says it also follows "the public DOM notes [the doc] summarises"; no source in
 * ../shared shows those classes, so they are noted fixture-only.
 */
import { defineSelectorSources, domNote, type SourceNote } from '../sources';
import { KUAISHOU_PART_CHROME, KUAISHOU_SELECTORS } from './index';

const doc = (detail?: string): SourceNote => domNote('Kuaishou', detail);
const loose = (shown: string): SourceNote => doc(`loosened form of the doc's \`${shown}\``);
const FIXTURE = 'test/fixtures/kuaishou/thread.html';
const fixture = (what: string): SourceNote => `fixture-only: ${FIXTURE} — ${what}; no source in ../shared shows it`;
const GROUP_NAMES = {
  '.SessionListGroupItem-groupName': fixture('a group’s name (the doc gives the names, no class)'),
  '.SessionListGroupItem-title': fixture('a group’s title'),
  '[class*="groupName"]': fixture('substring of a group’s name class'),
} as const;
const DIVIDERS = {
  '.ChatMessageList-time': 'guess: a dated separator (the fixture plays it; its header marks it a guess)',
  '[class*="TimeDivider"]': 'guess: a time divider under another name',
  '[class*="timeDivider"]': 'guess: the same, camel case',
  '[class*="TimeLine"]': 'guess: the same, another name',
} as const;

export default defineSelectorSources(
  { KUAISHOU_SELECTORS, KUAISHOU_PART_CHROME },
  {
    KUAISHOU_SELECTORS: {
      loginForm: {
        '.goLogin': 'guess: a "go to login" prompt; the doc shows no login page',
        '[class*="loginWrapper"]': 'guess: a login wrapper (CSS-module name)',
        '.password-form-wrapper': 'guess: a password form',
      },
      conversationList: {
        '.SessionListGroup': fixture('the groups’ container (the doc shows only `.SessionListGroupItem`)'),
        '.SessionListGroup-FolderSessions': fixture('the sessions of a folded group'),
        '.AllSessionList-Sessions': 'guess: the all-sessions list',
        '[class*="SessionListGroup"]': loose('.SessionListGroupItem'),
      },
      group: { '.SessionListGroupItem': doc() },
      groupName: GROUP_NAMES,
      conversationRow: {
        '.SessionBaseCard': doc(),
        '.SessionBaseCard-Static': fixture('a static card variant'),
        '.SessionStarCard': fixture('a starred card'),
      },
      rowName: {
        '.SessionBaseCard-topHeadName': doc(),
        '[class*="topHeadName"]': loose('.SessionBaseCard-topHeadName'),
      },
      rowTime: {
        '.SessionBaseCard-topHeadTime': fixture('a card’s time, beside its name'),
        '[class*="topHeadTime"]': fixture('substring of the same'),
      },
      rowPreview: {
        '.SessionBaseCard-lastMessage': fixture('a card’s last message'),
        '[class*="lastMessage"]': fixture('substring of the same'),
      },
      rowActive: {
        '.SessionBaseCard-active': 'guess: the selected card (the fixture plays it; its header marks it a guess)',
        '.SessionBaseCard-selected': 'guess: the same, another name',
        '[class*="SessionBaseCard-active"]': 'guess: substring of the same',
        '[class*="SessionBaseCard-selected"]': 'guess: substring of the same, another name',
        '[aria-selected="true"]': 'guess: an accessible list',
      },
      threadHeaderName: {
        '.TargetUserHeader .LoginUserInfo-mainTitle-text': fixture('the open buyer’s name in the thread header'),
        '.LoginUserInfo-mainTitle-text': fixture('the same, without the header'),
        '.TargetUserHeader [class*="mainTitle"]': fixture('substring of the same'),
      },
      messageList: {
        '.ChatMessageList-ContentWrap': fixture('the message scroller'),
        '.ChatMessageList': fixture('the message list'),
        '[class*="ChatMessageList"]': fixture('substring of the same'),
      },
      message: {
        '.kwaishop-cs-LayoutDefaultWrapper_msgMain': doc(),
        '[class*="LayoutDefaultWrapper_msgMain"]': loose('.kwaishop-cs-LayoutDefaultWrapper_msgMain'),
        '[class*="_msgMain"]': loose('.kwaishop-cs-LayoutDefaultWrapper_msgMain'),
      },
      middleBody: {
        '.kwaishop-cs-LayoutMiddleWrapper_msgBody': fixture('centred rows (system notices, cards)'),
        '[class*="LayoutMiddleWrapper_msgBody"]': fixture('substring of the same'),
      },
      ownSide: { '[class*="__isMine"]': doc('own side `…__isMine`'), '[class*="isMine"]': loose('…__isMine') },
      otherSide: {
        '[class*="__notMe"]': fixture('the other side (the doc names only `__isMine`)'),
        '[class*="notMe"]': fixture('substring of the same'),
      },
      beforeBody: {
        '.kwaishop-cs-LayoutDefaultWrapper_beforeMsgBody': fixture('what precedes a bubble (name, time)'),
        '[class*="_beforeMsgBody"]': fixture('substring of the same'),
      },
      messageBody: {
        '.kwaishop-cs-LayoutDefaultWrapper_msgBody': fixture('a bubble'),
        '[class*="LayoutDefaultWrapper_msgBody"]': fixture('substring of the same'),
        '.kwaishop-cs-LayoutMiddleWrapper_msgBody': fixture('a centred bubble'),
        '[class*="LayoutMiddleWrapper_msgBody"]': fixture('substring of the same'),
      },
      buyerFromCard: {
        '.kwaishop-cs-bizBuyerFromCard': fixture('the "buyer came from" card'),
        '[class*="bizBuyerFromCard"]': fixture('substring of the same'),
        '[class*="BuyerFromCard"]': fixture('substring of the same, shorter'),
      },
      image: { img: fixture('an image message (any img in a bubble)') },
      quote: {
        '[class*="Quote"]':
          "guess: a quoted earlier message, in the bubble (the fixture plays it; its header marks it a guess) or beside it (outsider review 12, guessed too: its auto tag is not the reply's)",
        '[class*="quote"]': 'guess: the same, lower case',
      },
      timeDivider: DIVIDERS,
      input: {
        '.SendBox-Editor .ql-editor': fixture('the Quill editor inside the send box'),
        'div.ql-editor[contenteditable="true"]': doc('Quill `div.ql-editor`, editable'),
        'div.ql-editor': doc(),
        '.SendBox [contenteditable="true"]': fixture('any editable in the send box'),
      },
      sendButton: {
        '.SendBox-buttonRight .ant-btn-primary': fixture('the send button in the send box'),
        'button.ant-btn-primary': doc(),
      },
      account: {
        '.WorkbenchHeader-shopName': 'guess: the shop name (the fixture plays it; its header marks it a guess)',
        '.CsUserInfo-nickName': 'guess: the agent’s nickname',
        'header [class*="shopName"]': 'guess: a shop name in a header',
        '[class*="WorkbenchHeader"] [class*="shopName"]': 'guess: substring of the first',
        '[class*="CsUserInfo"] [class*="nickName"]': 'guess: substring of the second',
      },
    },
    KUAISHOU_PART_CHROME: {
      list: {
        ...GROUP_NAMES,
        '[class*="GroupItem-title"]': fixture('substring of a group’s title'),
        '[class*="empty"]': 'guess: an empty-list placeholder',
      },
      thread: {
        ...DIVIDERS,
        '[class*="empty"]': 'guess: an empty-thread placeholder',
        '[class*="loadMore"]': 'guess: a "load earlier messages" row',
        '[class*="LoadMore"]': 'guess: the same, capitalised',
      },
    },
  },
);
