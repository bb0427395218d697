// @vitest-environment jsdom
/**
 * From an outsider review (review 6 of 390160f, 2026-12-06), Ali (firstPerBuyer: only a buyer's first row counts): the
 * watcher's wait events, with no forced whole read, equal a whole-read-only reference after every step, and each
 * buyer's badge row is the first row a fresh read gives them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ali1688Adapter } from '../../lib/platforms/ali';
import { keyId } from '../../lib/model';
import type { Watcher } from '../../lib/content/watcher';
import type { ToBackground } from '../../lib/messages';
import { recordingWatcher } from './helpers/watcher';
import { waitEvents, WholeReadReference, expectSameWaits } from './helpers/waits';
import { mulberry32 } from './helpers/random';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/ali/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
const turn = () => new Promise((r) => setTimeout(r, 0));
const tick = async () => {
  for (let i = 0; i < 3; i++) await turn();
};
let w: Watcher | undefined;
let sent: ToBackground[];
beforeEach(() => {
  document.body.innerHTML = fixture;
});
afterEach(() => {
  w?.stop();
  w = undefined;
});
const sorted = (xs: readonly string[]) => [...xs].sort();
const list = () => document.querySelector('.conversation-list')!;
const rowsNow = () => [...document.querySelectorAll('.conversation-item')];
const nameOf = (r: Element) => r.querySelector('.name')?.textContent ?? '';
const rowsFor = (n: string) => rowsNow().filter((r) => nameOf(r) === n);
function rowHtml(name: string, wait: number | null): string {
  return (
    `<div class="conversation-item"><div class="avatar"></div><div class="info"><div class="top"><div class="name">${name}</div>` +
    `<div class="time">${wait === null ? '16:58' : `${wait}分钟前`}</div></div><div class="desc">在吗</div></div>` +
    (wait === null ? '' : '<span class="unread-badge">1</span>') +
    '</div>'
  );
}
function mk(name: string, wait: number | null, before: Element | null = null): Element {
  const t = document.createElement('div');
  t.innerHTML = rowHtml(name, wait);
  const r = t.firstElementChild!;
  list().insertBefore(r, before);
  return r;
}
function setWait(row: Element, wait: number | null) {
  row.querySelector('.time')!.textContent = wait === null ? '16:58' : `${wait}分钟前`;
  const u = row.querySelector('.unread-badge');
  if (wait === null) u?.remove();
  else if (!u) row.insertAdjacentHTML('beforeend', '<span class="unread-badge">1</span>');
}
const rename = (row: Element, n: string) => void (row.querySelector('.name')!.textContent = n);
const reader = () => (w as unknown as { reader: { buyerRows: Map<string, Element> } }).reader;

function badgeMismatch(): string[] {
  const x = ali1688Adapter.extract(document, undefined, NOW)!;
  const out: string[] = [];
  for (const c of x.conversations) {
    const got = reader().buyerRows.get(keyId(c.buyer));
    if (got !== c.row)
      out.push(`${c.buyer}: buyerRows row #${rowsNow().indexOf(got!)} vs fresh #${rowsNow().indexOf(c.row!)}`);
  }
  return out;
}

async function start() {
  ({ w, sent } = recordingWatcher(ali1688Adapter, NOW));
  await tick();
  const ref = new WholeReadReference(ali1688Adapter, NOW);
  expectSameWaits(sent, ref, 'start');
  return ref;
}
async function step(ref: WholeReadReference, f: () => void, label: string) {
  f();
  await tick();
  expectSameWaits(sent, ref, label);
  expect(badgeMismatch(), `${label}: badges' rows`).toEqual([]);
}

it('ali: the first row recycled for another buyer in the same batch as a later row of the old buyer starts waiting', async () => {
  mk('甲', null);
  mk('甲', null);
  const ref = await start();
  const inc = w!.stats.incremental;
  await step(
    ref,
    () => {
      rename(rowsFor('甲')[0]!, '乙');
      setWait(rowsFor('甲')[0]!, 5);
    },
    'recycle+wait',
  );
  expect(w!.stats.incremental).toBeGreaterThan(inc); // read alone, not whole
});

it('ali: first row waiting recycled; later row (waiting, other age) becomes first in same batch: no second wait? as reference', async () => {
  mk('甲', 3);
  mk('甲', 7);
  const ref = await start();
  await step(ref, () => rename(rowsFor('甲')[0]!, '乙'), 'recycle first');
  await step(ref, () => setWait(rowsFor('甲')[0]!, null), 'later now not waiting');
  await step(ref, () => setWait(rowsFor('甲')[0]!, 9), 'waits again');
});

it('ali: the first row re-rendered as a new element (replaced in place)', async () => {
  mk('甲', 3);
  mk('甲', null);
  const ref = await start();
  await step(
    ref,
    () => {
      const r = rowsFor('甲')[0]!;
      const c = r.cloneNode(true) as Element;
      r.replaceWith(c);
    },
    'replace same',
  );
  await step(
    ref,
    () => {
      const r = rowsFor('甲')[0]!;
      const c = r.cloneNode(true) as Element;
      setWait(c, null);
      r.replaceWith(c);
    },
    'replace, not waiting',
  );
  await step(
    ref,
    () => {
      const r = rowsFor('甲')[0]!;
      const c = r.cloneNode(true) as Element;
      setWait(c, 4);
      r.replaceWith(c);
    },
    'replace, waiting',
  );
});

it('ali: a row moved above the buyer first row', async () => {
  mk('甲', null);
  mk('乙', null);
  mk('甲', 6);
  const ref = await start();
  await step(ref, () => list().insertBefore(rowsFor('甲')[1]!, rowsFor('甲')[0]!), 'waiting row moved above');
  await step(ref, () => list().insertBefore(rowsFor('甲')[1]!, rowsFor('甲')[0]!), 'not-waiting row moved above');
  await step(ref, () => list().appendChild(rowsFor('甲')[0]!), 'first moved to the end');
});

it('ali: the active conversation rows', async () => {
  const act = rowsFor('采购商小李')[0]!;
  const dup = act.cloneNode(true) as Element;
  dup.classList.remove('active');
  dup.removeAttribute('aria-selected');
  list().appendChild(dup);
  const ref = await start();
  await step(ref, () => setWait(rowsFor('采购商小李')[1]!, 5), 'later non-active row waits');
  await step(ref, () => setWait(rowsFor('采购商小李')[0]!, 2), 'active row waits');
  await step(ref, () => setWait(rowsFor('采购商小李')[0]!, null), 'active row stops');
  await step(ref, () => rowsFor('采购商小李')[0]!.remove(), 'active row removed');
});

async function run(seed: number, steps: number) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const names = ['甲', '乙', '丙', '丁', '采购商小李'];
  for (const nm of names.slice(0, 4))
    mk(nm, rand() < 0.5 ? 1 + Math.floor(rand() * 9) : null, pick([...rowsNow(), null]));
  const ref = await start();
  const log: string[] = [];
  let n = 10;
  const one = (): string => {
    const rows = rowsNow();
    const row = pick(rows);
    const nm = nameOf(row);
    const r = rand();
    if (r < 0.12) {
      const c = row.cloneNode(true) as Element;
      c.classList.remove('active');
      c.removeAttribute('aria-selected');
      c.querySelector('[data-reply-sentinel-badge]')?.remove();
      list().insertBefore(c, pick([...rowsNow(), null]));
      return `dup ${nm}`;
    }
    if (r < 0.22 && rows.length > 4) {
      row.remove();
      return `remove ${nm}`;
    }
    if (r < 0.34 && !row.classList.contains('active')) {
      const to = pick(names);
      rename(row, to);
      return `recycle ${nm}->${to}`;
    }
    if (r < 0.5) {
      const v = rand() < 0.3 ? null : 1 + (++n % 50);
      setWait(row, v);
      return `wait ${nm}=${v}`;
    }
    if (r < 0.62) {
      list().insertBefore(row, pick([...rowsNow(), null]));
      return `move ${nm}`;
    }
    if (r < 0.72) {
      const c = row.cloneNode(true) as Element;
      c.querySelector('[data-reply-sentinel-badge]')?.remove();
      if (rand() < 0.5) setWait(c, rand() < 0.3 ? null : 1 + (++n % 50));
      row.replaceWith(c);
      return `replace ${nm}`;
    }
    if (r < 0.8) {
      // a row of the same buyer moved above the buyer's first row
      const same = rowsFor(nm);
      if (same.length > 1) {
        list().insertBefore(same[same.length - 1]!, same[0]!);
        return `above-first ${nm}`;
      }
      return 'noop';
    }
    if (r < 0.9) {
      const to = pick(names.slice(0, 4));
      mk(to, rand() < 0.5 ? 1 + (++n % 50) : null, pick([...rowsNow(), null]));
      return `add ${to}`;
    }
    // recycle the buyer's first row and make a later one wait, together
    const same = rowsFor(nm);
    if (same.length > 1 && !same[0]!.classList.contains('active')) {
      rename(same[0]!, pick(names.slice(0, 4)));
      setWait(same[1]!, 1 + (++n % 50));
      return `recycle-first+later-waits ${nm}`;
    }
    return 'noop2';
  };
  for (let s = 0; s < steps; s++) {
    let op: string;
    if (rand() < 0.3) op = 'batch[' + Array.from({ length: 2 + Math.floor(rand() * 3) }, one).join('; ') + ']';
    else op = one();
    const e0 = waitEvents(sent).length;
    const i0 = w!.stats.incremental;
    await tick();
    ref.read();
    const got = waitEvents(sent);
    const desc = rowsNow()
      .map((r) => `${nameOf(r)}${r.querySelector('.unread-badge') ? r.querySelector('.time')!.textContent : '-'}`)
      .join(' ');
    log.push(`${s} ${op} {inc ${w!.stats.incremental - i0}: [${got.slice(e0)}]} rows: ${desc}`);
    expect(sorted(got), `seed ${seed} step ${s}:\n${log.slice(-4).join('\n')}\n got ${got}\n ref ${ref.sent}`).toEqual(
      sorted(ref.sent),
    );
    expect(badgeMismatch(), `seed ${seed} step ${s} badges:\n${log.slice(-3).join('\n')}`).toEqual([]);
  }
  return w!.stats.incremental;
}

for (let seed = 1; seed <= 30; seed++)
  it(`ali seeded ${seed}: no forced scan, events = reference each step`, async () => {
    const inc = await run(seed, 60);
    expect(inc).toBeGreaterThan(5);
  }, 120_000);

it('ali: keyId collision — buyers "x|y" and "x¦y" (one badge key); the second starts waiting', async () => {
  mk('x¦y', null);
  mk('x|y', null);
  const ref = await start();
  const scans = w!.stats.scans;
  rowsFor('x|y')[0]!.querySelector('.time')!.textContent = '5分钟前';
  rowsFor('x|y')[0]!.insertAdjacentHTML('beforeend', '<span class="unread-badge">1</span>');
  await tick();
  ref.read();
  expect(w!.stats.scans).toBe(scans + 1); // read whole: the first-row diff cannot tell the two apart
  expect(sorted(waitEvents(sent))).toEqual(sorted(ref.sent));
  expect(ref.sent.some((e) => e.startsWith('x|y:'))).toBe(true);
});

it('ali: first row renamed to a notice (reads null) while a later row waits', async () => {
  mk('甲', null);
  mk('甲', 4);
  const ref = await start();
  await step(ref, () => rename(rowsFor('甲')[0]!, '平台提醒'), 'first -> notice');
  await step(ref, () => rename(rowsFor('平台提醒')[1] ?? rowsFor('平台提醒')[0]!, '甲'), 'notice -> back');
});

it('ali: first row name emptied while a later row waits; then the later row moved out of the list', async () => {
  mk('甲', null);
  mk('甲', 4);
  const ref = await start();
  await step(ref, () => rename(rowsFor('甲')[0]!, ''), 'first emptied');
  await step(ref, () => document.body.appendChild(rowsFor('甲')[0]!), 'waiting row moved out of the list');
});

it('ali: first row moved out of the list (still connected) as the later row waits', async () => {
  mk('甲', null);
  mk('甲', null);
  const ref = await start();
  await step(
    ref,
    () => {
      const [a, b] = rowsFor('甲');
      document.body.appendChild(a!);
      setWait(b!, 3);
    },
    'first out, later waits',
  );
});

it('ali: first removed and a new first inserted above in one batch', async () => {
  mk('甲', 3);
  mk('甲', null);
  const ref = await start();
  await step(
    ref,
    () => {
      const [a] = rowsFor('甲');
      mk('甲', null, list().firstElementChild);
      a!.remove();
    },
    'new first not waiting',
  );
  await step(
    ref,
    () => {
      const [a] = rowsFor('甲');
      mk('甲', 8, list().firstElementChild);
      a!.remove();
    },
    'new first waiting',
  );
});
