// @vitest-environment jsdom
/**
 * Probe 14 (Kuaishou classify, fd15d45): a genuine auto-reply / robot message whose wrapper, bubble or toolbar has a
 * class containing "quote"/"Quote" stays auto / robot; a human reply quoting an auto-reply stays human.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { kuaishouAdapter } from '../../../lib/platforms/kuaishou';

const NOW = 1_788_861_600_000;
const fx = (p: string) => readFileSync(join(process.cwd(), 'test/fixtures', p), 'utf8');
const L = 'kwaishop-cs-LayoutDefaultWrapper';
const reply = (
  id: string,
  o: { beside?: string; content?: string; lr?: string; body?: string; before?: string; bodyText?: string } = {},
) =>
  `<div id="${id}" class="ChatMessageList-item"><div class="${L}_msgMain"><div class="${L}_lrWrapper ${L}__isMine ${o.lr ?? ''}"><div class="${L}_content ${o.content ?? ''}"><div class="${L}_beforeMsgBody"><span>客服-小美</span><span>09-08 17:40:00</span>${o.before ?? ''}</div><div class="${L}_msgBody ${o.body ?? ''}"><div class="kwaishop-cs-TextMessage">${o.bodyText ?? '您好，欢迎光临'}</div></div>${o.beside ?? ''}</div></div></div></div>`;
const author = (id: string, html: string) => {
  document.body.innerHTML = fx('kuaishou/thread.html');
  document.querySelector('.ChatMessageList-ContentWrap')!.insertAdjacentHTML('beforeend', html);
  return kuaishouAdapter.extract(document, undefined, NOW).thread!.messages.find((x) => x.id === id)?.author;
};
const TAG = '<span>[系统自动回复消息]</span>';
const ROBOT = '<span>此消息由机器人推荐</span>';
const BTN = '<div class="kwaishop-cs-MsgToolbar"><span class="kwaishop-cs-QuoteButton">引用</span></div>';

it.each([
  ['content wrapper "quoteable"', { content: 'quoteable', beside: TAG }],
  ['lrWrapper "msgQuoteable"', { lr: 'msgQuoteable', beside: TAG }],
  ['bubble "quoteable"', { body: 'quoteable', beside: TAG }],
  ['a QuoteButton toolbar beside', { beside: TAG + BTN }],
  ['a QuoteButton in the sender line, tag there too', { before: TAG + '<span class="QuoteButton">引用</span>' }],
  [
    'tag and QuoteButton in one footer',
    { beside: `<div class="${L}_afterMsgBody">${TAG}<span class="QuoteButton">引用</span></div>` },
  ],
  ['tag holding a quote icon', { beside: '<span class="autoTag">[系统自动回复消息]<i class="icon-quote"></i></span>' }],
  ['tag in a "quoteable" footer', { beside: `<div class="msgFooter-quoteable">${TAG}</div>` }],
])('kuaishou: an auto-reply with %s stays auto', (_n, o) => {
  expect(author('0_2290417731_950', reply('0_2290417731_950', o))).toBe('auto');
});

it.each([
  ['a QuoteButton toolbar beside', { beside: ROBOT + BTN }],
  ['content wrapper "quoteable"', { content: 'quoteable', beside: ROBOT }],
  [
    'label holding a quote icon',
    { beside: '<span class="robotTag">此消息由机器人推荐<i class="icon-quote"></i></span>' },
  ],
])('kuaishou: a robot message with %s stays robot', (_n, o) => {
  expect(author('0_2290417731_960', reply('0_2290417731_960', o))).toBe('robot');
});

it('kuaishou: a human reply quoting an auto-reply beside a QuoteButton toolbar stays human', () => {
  expect(
    author(
      '0_2290417731_970',
      reply('0_2290417731_970', {
        bodyText: '马上发货',
        beside: `<div class="kwaishop-cs-ReplyQuote">${TAG}<span>您好</span></div>${BTN}`,
      }),
    ),
  ).toBe('human');
});
