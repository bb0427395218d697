// @vitest-environment jsdom
/**
 * From an outsider review (review 5 of 4bfa402, 2026-12-06), Douyin (firstPerBuyer: only a buyer's first row counts):
 * the wait events the watcher sends (incremental path +
 * forced whole read) equal those of a reference doing whole reads only (a fresh EventLedger fed a memo-less extract).
 */
import { afterEach, expect, it } from 'vitest';
import { douyinAdapter } from '../../lib/platforms/douyin';
import type { Watcher } from '../../lib/content/watcher';
import type { ToBackground } from '../../lib/messages';
import { recordingWatcher } from './helpers/watcher';
import { counts, waitEvents, WholeReadReference } from './helpers/waits';
import { mulberry32 } from './helpers/random';
import { NOW, ROW, rowOf, rowsNow, shape, tick } from './helpers/douyin-shapes';

let w: Watcher | undefined;
let sent: ToBackground[];
afterEach(() => {
  w?.stop();
  w = undefined;
});

const groups = () => [
  document.querySelector('.group-7sJd2a[data-btm="message_group_name_waitReply"]')!,
  document.querySelector('.group-7sJd2a[data-btm="message_group_name_overtime"]')!,
  document.querySelector('.group-7sJd2a:not([data-btm])')!,
];
let serial = 0;
/** A row for `name` (cloned from lily_0612's), in group gi (0 waitReply, 1 overtime, 2 recent), before `before`. */
function mkRow(name: string, timer: string, gi: number, before: Element | null = null): Element {
  const like = rowOf('lily_0612') ?? rowsNow().find((r) => r.getAttribute('aria-selected') !== 'true')!;
  const c = like.cloneNode(true) as Element;
  c.querySelector('[data-reply-sentinel-badge]')?.remove();
  c.setAttribute('data-btm-id', `p.${serial++}.recent`);
  rename(c, name);
  if (!c.querySelector('.timerParticular-x8Hy'))
    c.querySelector('.topLine-0aPq')?.insertAdjacentHTML('beforeend', '<div class="timerParticular-x8Hy"></div>');
  c.querySelector('.timerParticular-x8Hy')!.textContent = timer;
  const g = groups()[gi]!;
  g.insertBefore(c, before && before.parentElement === g ? before : null);
  return c;
}
function rename(row: Element, name: string) {
  const nm = row.querySelector('.nameLine-Q8PQwE')!;
  nm.setAttribute('title', name);
  const sp = nm.querySelector('span');
  if (sp) sp.textContent = name;
}
const rowsFor = (name: string) => rowsNow().filter((r) => r.querySelector(`[title="${name}"]`));

function start() {
  ({ w, sent } = recordingWatcher(douyinAdapter, NOW));
}
async function setup(f: () => void) {
  shape('containers');
  f();
  start();
  await tick();
  const ref = new WholeReadReference(douyinAdapter, NOW);
  ref.read();
  expect(counts(waitEvents(sent)), 'start').toEqual(counts(ref.sent));
  return ref;
}
async function step(ref: WholeReadReference, f: () => void, expectIncremental = true) {
  const inc = w!.stats.incremental;
  f();
  await tick();
  if (expectIncremental) expect(w!.stats.incremental, 'read alone').toBe(inc + 1);
  ref.read();
  const afterInc = waitEvents(sent);
  w!.scan();
  await tick();
  return { afterInc, all: waitEvents(sent) };
}

it('douyin: first row (waiting) removed while the second waits: one wait, not sent again', async () => {
  const ref = await setup(() => {
    mkRow('甲', '30秒', 0);
    mkRow('甲', '20秒', 1);
  });
  const r = await step(ref, () => rowsFor('甲')[0]!.remove());
  expect(counts(r.afterInc)).toEqual(counts(ref.sent));
  expect(counts(r.all)).toEqual(counts(ref.sent));
});

it('douyin: first row (NOT waiting) removed while the second waits: the wait is reported (on the incremental path)', async () => {
  const ref = await setup(() => {
    mkRow('乙', '16:58', 2, groups()[2]!.firstElementChild);
    mkRow('乙', '20秒', 0);
  });
  // the recent group comes after the waiting ones: make the not-waiting row first by putting it in group 0's top? No:
  // group order is waitReply, overtime, recent — so put the not-waiting row first explicitly.
  expect(counts(waitEvents(sent))['乙']).toBe(counts(ref.sent)['乙']);
  const r = await step(ref, () => rowsFor('乙')[0]!.remove(), false);
  expect(counts(r.all), 'after scan').toEqual(counts(ref.sent));
  expect(counts(r.afterInc), 'incremental step alone').toEqual(counts(ref.sent));
});

it('douyin: first row NOT waiting (recent group, moved to top), second waits: removing the first reports the wait', async () => {
  const ref = await setup(() => {
    const waiting = mkRow('丙', '20秒', 0);
    const notWaiting = mkRow('丙', '16:58', 2);
    // A plain row above the groups would have no group: put the not-waiting one in the recent group placed first.
    const list = document.querySelector('.list_items')!;
    list.insertBefore(notWaiting.parentElement!, list.firstElementChild);
    void waiting;
  });
  expect(counts(ref.sent)['丙'] ?? 0, 'whole read: first row counts (not waiting)').toBe(0);
  expect(counts(waitEvents(sent))['丙'] ?? 0).toBe(0);
  const r = await step(ref, () => rowsFor('丙')[0]!.remove());
  expect(counts(ref.sent)['丙']).toBe(1);
  expect(counts(r.afterInc), 'incremental step alone').toEqual(counts(ref.sent));
  expect(counts(r.all), 'after scan').toEqual(counts(ref.sent));
});

it('douyin: a second (non-first) row of a buyer starts waiting while the first does not: no wait (first row counts)', async () => {
  const ref = await setup(() => {
    const notWaiting = mkRow('丁', '16:58', 2);
    const list = document.querySelector('.list_items')!;
    list.insertBefore(notWaiting.parentElement!, list.firstElementChild);
    mkRow('丁', '16:59', 2); // second, not waiting
  });
  expect(counts(ref.sent)['丁'] ?? 0).toBe(0);
  // the second row moves into the waitReply group (re-read alone): the whole read still has no wait (first row)
  const r = await step(ref, () => groups()[1]!.appendChild(rowsFor('丁')[1]!), false);
  expect(counts(ref.sent)['丁'] ?? 0).toBe(0);
  expect(counts(r.afterInc)['丁'] ?? 0, 'incremental step alone').toBe(0);
  expect(counts(r.all)['丁'] ?? 0, 'after scan').toBe(0);
});

it('douyin: a second (non-first) waiting row ticks while the first is not waiting: no wait, and no resend later', async () => {
  const ref = await setup(() => {
    const notWaiting = mkRow('戊', '16:58', 2);
    const list = document.querySelector('.list_items')!;
    list.insertBefore(notWaiting.parentElement!, list.firstElementChild);
    mkRow('戊', '20秒', 0); // second, waiting, does not count
  });
  expect(counts(ref.sent)['戊'] ?? 0).toBe(0);
  const r = await step(
    ref,
    () => {
      const t = rowsFor('戊')[1]!.querySelector('.timerParticular-x8Hy')!;
      t.textContent = '5分59秒';
    },
    false,
  );
  expect(counts(r.afterInc)['戊'] ?? 0, 'incremental step alone').toBe(0);
  expect(counts(r.all)['戊'] ?? 0, 'after scan').toBe(0);
});

it('douyin: three rows, first waiting removed, second NOT waiting, third waiting: the wait ends (first row counts)', async () => {
  const ref = await setup(() => {
    mkRow('己', '20秒', 0);
    mkRow('己', '16:58', 2);
    mkRow('己', '30秒', 2);
  });
  // make the order waiting, not-waiting, waiting: second and third in the recent group; the third needs a waiting
  // group: move a waitReply-group copy after the recent group.
  const list = document.querySelector('.list_items')!;
  const g = document.createElement('div');
  g.className = 'group-7sJd2a';
  g.setAttribute('data-btm', 'message_group_name_waitReply');
  list.appendChild(g);
  g.appendChild(rowsFor('己')[2]!);
  await tick();
  w!.scan();
  await tick();
  ref.read();
  expect(counts(waitEvents(sent))).toEqual(counts(ref.sent));
  const r = await step(ref, () => rowsFor('己')[0]!.remove());
  expect(counts(r.afterInc), 'incremental step alone').toEqual(counts(ref.sent));
  expect(counts(r.all), 'after scan').toEqual(counts(ref.sent));
  // the remaining first row waits again: a new wait
  const r2 = await step(ref, () => groups()[0]!.appendChild(rowsFor('己')[0]!), false);
  expect(counts(r2.all), 'after scan 2').toEqual(counts(ref.sent));
});

it('douyin: buyer removed from one row and added on another in one batch (rename both)', async () => {
  const ref = await setup(() => {
    mkRow('庚', '20秒', 0);
    mkRow('辛', '30秒', 1);
  });
  const r = await step(
    ref,
    () => {
      rename(rowsFor('庚')[0]!, '壬');
      rename(rowsFor('辛')[0]!, '庚');
    },
    false,
  );
  expect(counts(r.all)).toEqual(counts(ref.sent));
});

async function run(seed: number, steps: number, scanEvery = 1) {
  shape('containers');
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const names = ['甲', '乙', '丙', '丁'];
  for (const nm of names) mkRow(nm, rand() < 0.5 ? '20秒' : '16:58', Math.floor(rand() * 3));
  start();
  await tick();
  const ref = new WholeReadReference(douyinAdapter, NOW);
  ref.read();
  const log: string[] = [];
  let n = 10;
  const one = (): string => {
    const rows = rowsNow().filter((r) => r.getAttribute('aria-selected') !== 'true' && !r.closest('[aria-selected]'));
    if (!rows.length) return 'none';
    const row = pick(rows);
    const nm = () => row.querySelector('.nameLine-Q8PQwE')?.getAttribute('title');
    const r = rand();
    if (r < 0.15) {
      const c = row.cloneNode(true) as Element;
      c.querySelector('[data-reply-sentinel-badge]')?.remove();
      c.setAttribute('data-btm-id', `d.${serial++}.recent`);
      const g = pick(groups());
      g.insertBefore(c, pick([...g.querySelectorAll(ROW), null]));
      return `dup ${nm()}`;
    }
    if (r < 0.3 && rows.length > 3) {
      row.remove();
      return `remove ${nm()}`;
    }
    if (r < 0.45) {
      const to = pick(names);
      const from = nm();
      rename(row, to);
      return `recycle ${from}->${to}`;
    }
    if (r < 0.55) {
      const timer = row.querySelector('.timerParticular-x8Hy');
      if (timer) timer.textContent = `${++n % 60}秒`;
      return `timer ${nm()}`;
    }
    if (r < 0.62) {
      const timer = row.querySelector('.timerParticular-x8Hy');
      if (timer) timer.textContent = '16:58';
      return `timer nonwait ${nm()}`;
    }
    if (r < 0.8) {
      const g = pick(groups());
      g.insertBefore(row, pick([...g.querySelectorAll(ROW), null]));
      return `move ${nm()} to group ${groups().indexOf(g)}`;
    }
    if (r < 0.9) {
      mkRow(pick(names), rand() < 0.5 ? `${++n % 60}秒` : '16:58', Math.floor(rand() * 3));
      return 'add';
    }
    row.querySelector('.timerParticular-x8Hy')?.remove();
    return `timer removed ${nm()}`;
  };
  for (let s = 0; s < steps; s++) {
    let op: string;
    if (rand() < 0.3) {
      const k = 2 + Math.floor(rand() * 3);
      op = 'batch[' + Array.from({ length: k }, one).join('; ') + ']';
    } else op = one();
    const e0 = waitEvents(sent).length;
    const i0 = w!.stats.incremental;
    await tick();
    const e1 = waitEvents(sent).length;
    const i1 = w!.stats.incremental;
    if (s % scanEvery === scanEvery - 1) {
      w!.scan();
      await tick();
    }
    const all = waitEvents(sent);
    const rowsDesc = douyinAdapter
      .extract(document, undefined, NOW)!
      .conversations.filter((c) => names.includes(c.buyer))
      .map((c) => `${c.buyer}${c.waitingSec ?? '-'}`)
      .join(' ');
    const every = rowsNow()
      .map(
        (r) =>
          r.querySelector('.nameLine-Q8PQwE')?.getAttribute('title') +
          '@' +
          (r.closest('[data-btm]')?.getAttribute('data-btm')?.slice(19, 23) ?? '?'),
      )
      .filter((x) => names.some((n) => x.startsWith(n)))
      .join(' ');
    log.push(
      `${s} ${op} {inc ${i1 - i0}: [${all.slice(e0, e1)}] scan: [${all.slice(e1)}]} list: ${rowsDesc} rows: ${every}`,
    );
    ref.read();
    if (s % scanEvery === scanEvery - 1) {
      const got = waitEvents(sent);
      expect(
        counts(got),
        `seed ${seed} step ${s}: ${'\n' + log.slice(-4).join('\n')}\n got ${got}\n ref ${ref.sent}`,
      ).toEqual(counts(ref.sent));
    }
  }
  return w!.stats.incremental;
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
  it(`douyin seeded ${seed}: wait events = whole-read reference (scan each step)`, async () => {
    const inc = await run(seed, 60);
    expect(inc).toBeGreaterThan(5);
  }, 120_000);

/** The recent group (with a not-waiting row of `name`) moved to the top of the list: that row is the buyer's first. */
function notWaitingFirst(name: string) {
  const nw = mkRow(name, '16:58', 2);
  const list = document.querySelector('.list_items')!;
  list.insertBefore(nw.parentElement!, list.firstElementChild);
  return nw;
}

it('douyin T1: first row not waiting; a later row of the buyer gets a counter: no wait sent (only the first row counts)', async () => {
  const ref = await setup(() => {
    notWaitingFirst('癸');
    const b = mkRow('癸', '1秒', 0);
    b.querySelector('.timerParticular-x8Hy')!.remove();
  });
  expect(counts(ref.sent)['癸'] ?? 0, 'whole read: no wait at start').toBe(0);
  expect(counts(waitEvents(sent))['癸'] ?? 0).toBe(0);
  const r = await step(ref, () => {
    rowsFor('癸')[1]!
      .querySelector('.topLine-0aPq')!
      .insertAdjacentHTML('beforeend', '<div class="timerParticular-x8Hy">20秒</div>');
  });
  expect(counts(ref.sent)['癸'] ?? 0, 'whole read: still no wait').toBe(0);
  expect(counts(r.afterInc)['癸'] ?? 0, 'incremental step: no wait event').toBe(0);
});

it('douyin T1b: ...and when the first row then starts waiting, one wait only (not a second)', async () => {
  const ref = await setup(() => {
    notWaitingFirst('癸');
    const b = mkRow('癸', '1秒', 0);
    b.querySelector('.timerParticular-x8Hy')!.remove();
  });
  await step(ref, () => {
    rowsFor('癸')[1]!
      .querySelector('.topLine-0aPq')!
      .insertAdjacentHTML('beforeend', '<div class="timerParticular-x8Hy">20秒</div>');
  });
  // the first row moves into the waiting group (a real wait begins on the row that counts)
  const r = await step(
    ref,
    () => {
      const a = rowsFor('癸')[0]!;
      a.querySelector('.timerParticular-x8Hy')!.textContent = '5秒';
      groups()[0]!.insertBefore(a, groups()[0]!.firstElementChild);
    },
    false,
  );
  expect(counts(ref.sent)['癸'], 'whole reads: one wait').toBe(1);
  expect(counts(r.all)['癸'], 'watcher: one wait').toBe(1);
});

it('douyin T3: first row (not waiting) moved below the waiting second row: the wait is reported on the incremental path', async () => {
  const ref = await setup(() => {
    notWaitingFirst('子');
    mkRow('子', '20秒', 0);
  });
  expect(counts(ref.sent)['子'] ?? 0).toBe(0);
  const r = await step(
    ref,
    () => {
      const first = rowsFor('子')[0]!;
      first.parentElement!.appendChild(first); // stays in its (recent) group, which is on top: still first. Move the group.
      const list = document.querySelector('.list_items')!;
      list.appendChild(first.parentElement!);
    },
    false,
  );
  expect(counts(ref.sent)['子'], 'whole read: wait').toBe(1);
  expect(counts(r.afterInc)['子'] ?? 0, 'incremental step alone').toBe(1);
});
