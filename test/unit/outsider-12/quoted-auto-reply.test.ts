// @vitest-environment jsdom
/**
 * A human reply quoting an auto-reply whose tag the quote shows as an element of its own ([自动回复] /
 * [系统自动回复消息] in a span, as the platforms show it next to a bubble) is human, not the auto-reply (whose clock
 * would never stop): JD's quote sits inside the text element (message__content, left out of the label walk); on
 * Kuaishou the quote beside the bubble (shape guessed, as the fixture's quote is) is left out by its quote selectors,
 * and a real auto tag beside a reply that quotes something else still makes it auto. From outsider review 12's probe
 * (`quote-auto`; outsider review 10 found the same on 1688).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { jdAdapter } from '../../../lib/platforms/jd';
import { kuaishouAdapter } from '../../../lib/platforms/kuaishou';

const NOW = 1_788_861_600_000;
const fx = (p: string) => readFileSync(join(process.cwd(), 'test/fixtures', p), 'utf8');

it('jd: a human reply quoting an auto-reply (its tag an element in the quote) is human', () => {
  document.body.innerHTML = fx('jd/thread.html');
  document
    .querySelector('#t-chat-scroll')!
    .insertAdjacentHTML(
      'beforeend',
      '<div class="message"><div class="message_right" id="m-100"><span class="message__nickname">客服01</span><span class="message__time_str">17:40:00</span><div class="message__content"><div class="message__quote"><span class="message__tag">[自动回复]</span>您好，欢迎光临</div><div class="message__text">亲，有货的，马上发</div></div></div></div>',
    );
  const m = jdAdapter.extract(document, undefined, NOW).thread!.messages.find((x) => x.id === 'm-100')!;
  expect(m.text).toBe('亲，有货的，马上发');
  expect(m.author).toBe('human');
});

it('kuaishou: a human reply quoting an auto-reply beside the bubble (its tag an element in the quote) is human', () => {
  document.body.innerHTML = fx('kuaishou/thread.html');
  document
    .querySelector('.ChatMessageList-ContentWrap')!
    .insertAdjacentHTML(
      'beforeend',
      '<div id="0_2290417731_900" class="ChatMessageList-item"><div class="kwaishop-cs-LayoutDefaultWrapper_msgMain"><div class="kwaishop-cs-LayoutDefaultWrapper_lrWrapper kwaishop-cs-LayoutDefaultWrapper__isMine"><div class="kwaishop-cs-LayoutDefaultWrapper_content"><div class="kwaishop-cs-LayoutDefaultWrapper_beforeMsgBody"><span>客服-小美</span><span>09-08 17:40:00</span></div><div class="kwaishop-cs-LayoutDefaultWrapper_msgBody"><div class="kwaishop-cs-TextMessage">马上发货</div></div><div class="kwaishop-cs-ReplyQuote"><span>[系统自动回复消息]</span><span>您好</span></div></div></div></div></div>',
    );
  const m = kuaishouAdapter
    .extract(document, undefined, NOW)
    .thread!.messages.find((x) => x.id === '0_2290417731_900')!;
  expect(m.text).toBe('马上发货');
  expect(m.author).toBe('human');
});

const kuaishouReply = (id: string, beside: string, body = '马上发货') =>
  `<div id="${id}" class="ChatMessageList-item"><div class="kwaishop-cs-LayoutDefaultWrapper_msgMain"><div class="kwaishop-cs-LayoutDefaultWrapper_lrWrapper kwaishop-cs-LayoutDefaultWrapper__isMine"><div class="kwaishop-cs-LayoutDefaultWrapper_content"><div class="kwaishop-cs-LayoutDefaultWrapper_beforeMsgBody"><span>客服-小美</span><span>09-08 17:40:00</span></div><div class="kwaishop-cs-LayoutDefaultWrapper_msgBody"><div class="kwaishop-cs-TextMessage">${body}</div></div>${beside}</div></div></div></div>`;
const kuaishouAuthor = (id: string, html: string) => {
  document.body.innerHTML = fx('kuaishou/thread.html');
  document.querySelector('.ChatMessageList-ContentWrap')!.insertAdjacentHTML('beforeend', html);
  return kuaishouAdapter.extract(document, undefined, NOW).thread!.messages.find((x) => x.id === id)?.author;
};

it('kuaishou: an auto tag beside the bubble, outside a quote, is still an auto-reply', () => {
  expect(kuaishouAuthor('0_2290417731_901', kuaishouReply('0_2290417731_901', '<span>[系统自动回复消息]</span>'))).toBe(
    'auto',
  );
  // ... with a quote of something else beside it too
  expect(
    kuaishouAuthor(
      '0_2290417731_902',
      kuaishouReply(
        '0_2290417731_902',
        '<span>[系统自动回复消息]</span><div class="kwaishop-cs-ReplyQuote"><span>在吗</span></div>',
      ),
    ),
  ).toBe('auto');
});

it('kuaishou: a robot label inside a quote beside the bubble does not make the reply the robot’s', () => {
  expect(
    kuaishouAuthor(
      '0_2290417731_903',
      kuaishouReply(
        '0_2290417731_903',
        '<div class="kwaishop-cs-ReplyQuote"><span>此消息由机器人推荐</span><span>您好</span></div>',
      ),
    ),
  ).toBe('human');
  expect(kuaishouAuthor('0_2290417731_904', kuaishouReply('0_2290417731_904', '<span>此消息由机器人推荐</span>'))).toBe(
    'robot',
  );
});
