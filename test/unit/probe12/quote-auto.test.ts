// @vitest-environment jsdom
/**
 * Review 12: a human reply quoting an auto-reply whose tag the quote shows as an element of its own ([自动回复] in a
 * span, as the platform shows it next to a bubble): JD's quote sits beside the text element (message__quote), so the
 * tag inside it is an "element of its own outside the message text" and the reply reads as the auto-reply (the buyer's
 * clock never stops: outsider review 10 found the same on 1688).
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
