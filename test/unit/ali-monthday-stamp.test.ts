// @vitest-environment jsdom
/** 1688/Taobao: a message stamp with a month-day and no year (12-01 10:00:00) is that day's, never today's. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ali1688Adapter } from '../../lib/platforms/ali';

const china = (s: string) => Date.parse(`${s.replace(' ', 'T')}+08:00`);
const iso = (t: number | null) =>
  t === null ? null : new Date(t + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

function page(stampOf: (i: number) => string, divider?: string) {
  document.body.innerHTML = readFileSync(join(process.cwd(), 'test/fixtures/ali/thread.html'), 'utf8');
  const list = document.querySelector('.ww_message .rc-scrollbars-view')!;
  for (const d of list.querySelectorAll('.time-divider')) d.remove();
  const stamps = [...list.querySelectorAll('.message-item .time')];
  stamps.forEach((s, i) => (s.textContent = stampOf(i)));
  if (divider) list.insertAdjacentHTML('afterbegin', `<div class="time-divider">${divider}</div>`);
  return stamps.length;
}
const pad = (i: number) => String(i).padStart(2, '0');

it.each([undefined, '2026-12-06'])('1688: stamps 12-01 10:0x:00 (divider above: %s) are December 1st', (divider) => {
  const n = page((i) => `12-01 10:${pad(i)}:00`, divider);
  expect(n).toBeGreaterThan(1);
  const ms = ali1688Adapter.extract(document, undefined, china('2026-12-06 10:30:00')).thread!.messages;
  expect(ms.map((m) => iso(m.at))).toEqual(ms.map((_, i) => `2026-12-01 10:${pad(i)}:00`));
});

it('1688: a month-day stamp ends the tab-open run above it (bare times above are not after it)', () => {
  // The first message shows a bare 11:00:00, the rest 12-01 12:0x:00: 11:00 is December 1st's too, not today's.
  page((i) => (i === 0 ? '11:00:00' : `12-01 12:${pad(i)}:00`));
  const ms = ali1688Adapter.extract(document, undefined, china('2026-12-06 10:30:00')).thread!.messages;
  expect(iso(ms[0]!.at)).toBe('2026-12-01 11:00:00');
  expect(iso(ms[1]!.at)).toBe('2026-12-01 12:01:00');
});

it('1688: a month-day later in the year than today is last year’s', () => {
  page((i) => `12-20 10:${pad(i)}:00`);
  const ms = ali1688Adapter.extract(document, undefined, china('2026-12-06 10:30:00')).thread!.messages;
  expect(iso(ms[0]!.at)).toBe('2025-12-20 10:00:00');
});
