// @vitest-environment jsdom
/**
 * JD / Kuaishou: a bare time that would run backwards under a dated stamp of an earlier day is the next day's when that
 * is not after the clock (yesterday shown as a month-day, today as bare times), else null.
 */
import { describe, expect, it } from 'vitest';
import { jdAdapter } from '../../lib/platforms/jd';
import { ThreadClock } from '../../lib/platforms/stamps';

const china = (s: string) => Date.parse(`${s.replace(' ', 'T')}+08:00`);
const iso = (t: number | null) =>
  t === null ? null : new Date(t + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
const row = (side: string, stamp: string, text: string) =>
  `<div class="message"><div class="${side}"><span class="message__time_str">${stamp}</span><div class="message__content"><div class="message__text">${text}</div></div></div></div>`;

describe('JD: yesterday shown as month-day, today as bare times (tab opened today)', () => {
  it.each([
    ['2026-12-06 10:00:00', '12-05 15:00:00', '09:00:00', '2026-12-05', '2026-12-06 09:00:00'],
    ['2027-01-01 00:30:00', '12-31 23:50:00', '00:10:00', '2026-12-31', '2027-01-01 00:10:00'],
  ])('read at %s: [%s] then [%s]', (now, md, bare, mdDay, want) => {
    document.body.innerHTML = `<div id="t-alluser-wrap"><div class="alluser-item alluser-item_check" id="u_buyerAimcustomer1"><div class="alluser-item-name" title="buyerA">买家A</div></div></div><div class="chat-head-name"><span>买家A</span></div><div id="t-chat-scroll">${row('message_left', md, '在吗')}${row('message_right', md.replace(/:00$/, ':30'), '在的')}${row('message_left', bare, '还有货吗')}</div>`;
    const ms = jdAdapter.extract(document, undefined, china(now)).thread!.messages;
    expect(ms.map((m) => [m.text, iso(m.at)])).toEqual([
      ['在吗', `${mdDay} ${md.slice(6)}`],
      ['在的', `${mdDay} ${md.slice(6).replace(/:00$/, ':30')}`],
      ['还有货吗', want],
    ]);
  });
});

describe('ThreadClock: a bare time earlier than the last under a dated stamp', () => {
  it('is the next day when that is not after the clock', () => {
    const c = new ThreadClock(china('2026-12-06 10:00:00'));
    expect(iso(c.read('2026-12-05 15:00:00'))).toBe('2026-12-05 15:00:00');
    expect(iso(c.read('09:00:00'))).toBe('2026-12-06 09:00:00');
    expect(iso(c.read('09:30:00'))).toBe('2026-12-06 09:30:00');
  });
  it('is null when the next day would be after the clock, or with no clock', () => {
    const c = new ThreadClock(china('2026-12-06 08:00:00'));
    c.read('12-05 15:00:00');
    expect(c.read('09:00:00')).toBeNull();
    const noClock = new ThreadClock();
    noClock.read('2026-12-05 15:00:00');
    expect(noClock.read('09:00:00')).toBeNull();
  });
  it('a date row per day (JD fixture scheme) still dates its own times', () => {
    const c = new ThreadClock(china('2026-12-06 10:00:00'));
    c.separator('2026-12-05');
    expect(iso(c.read('15:00:00'))).toBe('2026-12-05 15:00:00');
    c.separator('2026-12-06');
    expect(iso(c.read('09:00:00'))).toBe('2026-12-06 09:00:00');
  });
});
