// @vitest-environment jsdom
/**
 * From an outsider review (review 5 of 4bfa402, 2026-12-06): the wait events the watcher sends (incremental path + forced whole read) equal
 * those of a reference that only does whole reads (a fresh EventLedger fed a memo-less extract after each step).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { setContentLang } from '../../lib/i18n/content';
import type { Watcher } from '../../lib/content/watcher';
import type { ToBackground } from '../../lib/messages';
import { recordingWatcher, settle } from './helpers/watcher';
import { counts, waitEvents, WholeReadReference } from './helpers/waits';
import { pddList, pddRowHtml } from './helpers/pdd-rows';
import { mulberry32 } from './helpers/random';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
const NOW = 1_788_340_500_000;
setContentLang('zh_CN');
/** Past the observer's records and the whole read they made the watcher schedule (see settle). */
const tick = () => settle(w!);
const list = pddList;
const rowHtml = pddRowHtml;
const uidOf = (row: Element) => row.querySelector('[data-random]')?.getAttribute('data-random')?.split('-')[0] ?? '';

let w: Watcher | undefined;
let stillHits = 0;
let sent: ToBackground[];
beforeEach(() => {
  document.body.innerHTML = fixture;
});
afterEach(() => {
  w?.stop();
  w = undefined;
});

function setCounter(row: Element, text: string | null) {
  const box = row.querySelector('[data-random]')!;
  const c = box.querySelector('.chat-unreply-time');
  if (text === null) c?.remove();
  else if (c) c.textContent = text;
  else box.insertAdjacentHTML('beforeend', `<span class="chat-unreply-time">${text}</span>`);
}

async function run(seed: number, steps: number, scanEvery = 1) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pool = ['600001', '600002', '600003', '600004'];
  list().insertAdjacentHTML('beforeend', pool.map((b) => rowHtml(b, '10秒')).join(''));
  ({ w, sent } = recordingWatcher(pddAdapter, NOW));
  const rd = (
    w as unknown as { reader: { readIncremental: (...a: unknown[]) => { stillWaiting?: Set<string> } | null } }
  ).reader;
  const orig = rd.readIncremental.bind(rd);
  rd.readIncremental = (...a: unknown[]) => {
    const d = orig(...a);
    if (d?.stillWaiting) stillHits++;
    return d;
  };
  await tick();
  const ref = new WholeReadReference(pddAdapter, NOW);
  ref.read();
  const log: string[] = [];
  let n = 20;
  const one = (): string => {
    const rows = [...document.querySelectorAll('li.chat-item')].filter((r) => uidOf(r) !== '802114');
    const row = rows.length ? pick(rows) : null;
    const r = rand();
    if (!row) return 'none';
    if (r < 0.15) {
      const copy = row.cloneNode(true) as Element;
      copy.querySelector('[data-reply-sentinel-badge]')?.remove();
      list().insertBefore(copy, pick([...list().children, null] as (Element | null)[]));
      return `dup ${uidOf(row)}`;
    }
    if (r < 0.3 && rows.length > 2) {
      row.remove();
      return `remove ${uidOf(row)}`;
    }
    if (r < 0.45) {
      const to = pick([...pool, '733519', '915002']);
      const box = row.querySelector('[data-random]')!;
      const wait = rand() < 0.6;
      const from = uidOf(row);
      box.setAttribute('data-random', `${to}-0-${wait ? 'unTimeout' : 'reply'}`);
      box.querySelector('.nickname-span')!.textContent = `买家${to}`;
      setCounter(row, wait ? `${++n}秒` : null);
      return `recycle ${from}->${to}${wait ? ' w' : ''}`;
    }
    if (r < 0.55) {
      setCounter(row, `${++n}秒`);
      return `counter set ${uidOf(row)}`;
    }
    if (r < 0.65) {
      setCounter(row, null);
      return `counter removed ${uidOf(row)}`;
    }
    if (r < 0.72) {
      setCounter(row, '已回复');
      return `counter nonwait ${uidOf(row)}`;
    }
    if (r < 0.82) {
      list().insertBefore(row, pick([...list().children, null] as (Element | null)[]));
      return `move ${uidOf(row)}`;
    }
    if (r < 0.9) {
      list().insertAdjacentHTML(
        rand() < 0.5 ? 'afterbegin' : 'beforeend',
        rowHtml(pick(pool), rand() < 0.6 ? `${++n}秒` : null),
      );
      return 'add';
    }
    n++;
    for (const c of document.querySelectorAll('.chat-unreply-time')) if (rand() < 0.5) c.textContent = `${n}秒`;
    return 'tick';
  };
  for (let step = 0; step < steps; step++) {
    log.push(
      rand() < 0.3 ? 'batch[' + Array.from({ length: 2 + Math.floor(rand() * 3) }, one).join('; ') + ']' : one(),
    );
    await tick();
    if (step % scanEvery === scanEvery - 1) {
      w!.scan();
      await tick();
    }
    ref.read();
    if (step % scanEvery === scanEvery - 1) {
      const got = waitEvents(sent);
      expect(
        counts(got),
        `seed ${seed} step ${step}: ${log.slice(-5).join(' | ')}\n got ${got}\n ref ${ref.sent}`,
      ).toEqual(counts(ref.sent));
    }
  }
  return w!.stats.incremental;
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8])
  it(`pdd seeded ${seed}: wait events = whole-read reference (scan each step)`, async () => {
    const inc = await run(seed, 60);
    expect(inc).toBeGreaterThan(5);
  }, 120_000);
it('stillWaiting branch exercised by the random runs', () => {
  expect(stillHits).toBeGreaterThan(3);
});
for (const seed of [11, 12, 13, 14])
  it(`pdd seeded ${seed}: wait events = whole-read reference (scan every 4 steps)`, async () => {
    await run(seed, 60, 4);
  }, 120_000);

// Targeted cases.
async function setup(html: string) {
  list().insertAdjacentHTML('beforeend', html);
  ({ w, sent } = recordingWatcher(pddAdapter, NOW));
  await tick();
  const ref = new WholeReadReference(pddAdapter, NOW);
  ref.read();
  return ref;
}
async function step(ref: WholeReadReference, f: () => void, expectIncremental = true) {
  const inc = w!.stats.incremental;
  f();
  await tick();
  if (expectIncremental) expect(w!.stats.incremental, 'read alone').toBe(inc + 1);
  const afterInc = waitEvents(sent).length;
  w!.scan();
  await tick();
  ref.read();
  return { afterInc, all: waitEvents(sent) };
}
const rowsOf = (uid: string) => [...document.querySelectorAll(`[data-random^="${uid}-"]`)].map((b) => b.closest('li')!);

it('three rows: first (waiting) removed, second shows NOT waiting, third waiting: one wait, no resend', async () => {
  const ref = await setup(rowHtml('600001', '10秒') + rowHtml('600001', null) + rowHtml('600001', '12秒'));
  const before = waitEvents(sent);
  expect(counts(before)['600001']).toBe(1);
  const { all } = await step(ref, () => rowsOf('600001')[0]!.remove());
  expect(counts(all)).toEqual(counts(ref.sent));
});

it('buyer removed from one row and added on another row in the same batch (recycle both)', async () => {
  const ref = await setup(rowHtml('600001', '10秒') + rowHtml('600002', null) + rowHtml('600003', '5秒'));
  const { all } = await step(
    ref,
    () => {
      // (the path falls back to a whole read here: buyerRows still points at the old row)
      const [a] = rowsOf('600001');
      const [b] = rowsOf('600002');
      a!.querySelector('[data-random]')!.setAttribute('data-random', '600009-0-reply');
      setCounter(a!, null);
      b!.querySelector('[data-random]')!.setAttribute('data-random', '600001-0-unTimeout');
      setCounter(b!, '3秒');
    },
    false,
  );
  expect(counts(all)).toEqual(counts(ref.sent));
  // then it ends: the row goes not-waiting, a new wait comes back
  const r2 = await step(ref, () => setCounter(rowsOf('600001')[0]!, null));
  expect(counts(r2.all)).toEqual(counts(ref.sent));
  const r3 = await step(ref, () => setCounter(rowsOf('600001')[0]!, '1秒'));
  expect(counts(r3.all)).toEqual(counts(ref.sent));
  expect(counts(r3.all)['600001']).toBe(2);
});

it('buyer removed (row removed) and added on a new row in the same batch', async () => {
  const ref = await setup(rowHtml('600001', '10秒') + rowHtml('600002', '10秒'));
  const { all } = await step(
    ref,
    () => {
      rowsOf('600001')[0]!.remove();
      list().insertAdjacentHTML('beforeend', rowHtml('600001', '2秒'));
    },
    false,
  );
  expect(counts(all)).toEqual(counts(ref.sent));
});

it('two rows waiting: the one row goes not-waiting and the other is removed in one batch: the wait ends', async () => {
  const ref = await setup(rowHtml('600001', '10秒') + rowHtml('600001', '10秒'));
  const [a, b] = rowsOf('600001');
  const r1 = await step(ref, () => {
    setCounter(a!, null);
    b!.remove();
  });
  expect(counts(r1.all)).toEqual(counts(ref.sent));
  const r2 = await step(ref, () => setCounter(a!, '1秒'));
  expect(counts(r2.all)).toEqual(counts(ref.sent));
  expect(counts(r2.all)['600001']).toBe(2);
});

it('two rows waiting, counter removed on one (no scan between), then the other removed: the wait goes on', async () => {
  const ref = await setup(rowHtml('600001', '10秒') + rowHtml('600001', '10秒') + rowHtml('600001', '10秒'));
  const [a, b] = rowsOf('600001');
  setCounter(a!, null);
  await tick();
  b!.remove();
  await tick();
  ref.read();
  w!.scan();
  await tick();
  expect(counts(waitEvents(sent))).toEqual(counts(ref.sent));
});
