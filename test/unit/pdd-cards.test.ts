// @vitest-environment jsdom
/** PDD: the shop's 免拼卡 gift message (seed 004 ⑥) and small-collection message (⑦) are human replies (cs-item cards). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractPdd } from '../../lib/platforms/pdd';
import { evaluate } from '../../lib/engine';
import { DEFAULT_RULES } from '../../lib/rules';
import type { ChatEvent } from '../../lib/model';
import { t, watchedAllDay } from './helpers/events';

const load = (html: string) => new DOMParser().parseFromString(html, 'text/html');
const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/cards.html'), 'utf8');

describe('PDD cards the shop sends (seed 004 ⑥ ⑦)', () => {
  it('reads them as human replies: cs-item cards are the agent’s by structure, whatever their text', () => {
    const x = extractPdd(load(fixture));
    expect(x.thread!.messages.map((m) => [m.author, m.text])).toEqual([
      ['buyer', '一个人拼不成团怎么办'],
      ['human', '免拼卡赠送给您一张免拼卡，可直接成团'], // ⑥, no nickname on the card
      ['buyer', '运费差价怎么补'],
      ['human', '小额收款¥5.00 运费差价'], // ⑦
      ['buyer', '你们给我发免拼卡吗'],
      ['robot', '免拼卡'], // the robot sending it does not count
      ['system', '买家领取了免拼卡'], // platform rows about them are no reply
      ['buyer', '商家发起了一笔小额收款'], // the same words from the buyer are hers
      ['system', '买家已支付小额收款 ¥5.00，请及时处理'],
    ]);
  });

  it('they stop the clock: 3-minute human reply rate', () => {
    const x = extractPdd(load(fixture));
    const events: ChatEvent[] = x.thread!.messages.map((m) => ({
      platform: 'pdd',
      account: x.account!,
      buyer: x.thread!.buyer,
      messageId: m.id,
      author: m.author,
      at: m.at!,
      timeSource: 'id',
      observedAt: m.at!,
    }));
    const day = (evs: ChatEvent[]) =>
      evaluate({
        events: evs,
        coverage: watchedAllDay('pdd', '2026-09-02', x.account!),
        rules: DEFAULT_RULES,
        now: t('23:00:00', '2026-09-02'),
        alertLeadSec: 60,
      }).units.find((u) => u.metric === 'pdd.manual3min')!;
    // 10:00:00 → 免拼卡 10:02:00, 10:10:00 → 小额收款 10:11:40: both waits answered within 3 minutes.
    expect(day(events.slice(0, 4))).toMatchObject({ result: 'pass' });
    // 11:00:00 answered only by the robot's card: the consumer fails the day.
    expect(day(events)).toMatchObject({ result: 'fail', startAt: events[4]!.at });
  });
});
