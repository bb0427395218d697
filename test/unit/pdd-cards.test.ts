// @vitest-environment jsdom
/** PDD: the shop's 免拼卡 gift message (seed 004 ⑥) and small-collection message (⑦) are human replies. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractPdd } from '../../lib/adapters/pdd';
import { evaluate } from '../../lib/engine';
import { DEFAULT_RULES } from '../../lib/rules';
import type { ChatEvent } from '../../lib/model';
import { t, watchedAllDay } from './helpers/events';

const load = (html: string) => new DOMParser().parseFromString(html, 'text/html');
const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/cards.html'), 'utf8');

describe('PDD cards the shop sends (seed 004 ⑥ ⑦)', () => {
  it('reads them as human replies: cs-item cards by structure, the platform row by its whole notice', () => {
    const x = extractPdd(load(fixture));
    expect(x.thread!.messages.map((m) => [m.author, m.text])).toEqual([
      ['buyer', '一个人拼不成团怎么办'],
      ['human', '[卡片] 免拼卡'], // ⑥ as the agent's card (no nickname)
      ['buyer', '运费差价怎么补'],
      ['human', '[卡片] 小额收款'], // ⑦ as the agent's card
      ['buyer', '你们给我发免拼卡吗'],
      ['robot', '[卡片] 免拼卡'], // the robot sending it does not count
      ['human', '您已向买家赠送免拼卡'], // ⑥ written by the page as the shop's action
      ['system', '买家领取了免拼卡'], // the buyer's receipt is no reply
      ['buyer', '商家发起了一笔小额收款'], // the same words from the buyer are hers
      ['human', '商家发起了一笔小额收款 ¥5.00'], // ⑦ as the shop's action
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
    const out = evaluate({
      events,
      coverage: watchedAllDay('pdd', '2026-09-08', x.account!),
      rules: DEFAULT_RULES,
      now: t('23:00:00', '2026-09-08'),
      alertLeadSec: 60,
    });
    // 10:00:00 → 免拼卡 10:02:00, 10:10:00 → 小额收款 10:11:40, 11:00:00 → (robot card) → notice 11:01:30,
    // 12:00:00 → notice 12:01:40: every wait within 3 minutes, the consumer passes the day.
    const unit = out.units.find((u) => u.metric === 'pdd.manual3min')!;
    expect(unit.result).toBe('pass');
    expect(out.clocks[0]!.status).toBe('answered');
  });
});
