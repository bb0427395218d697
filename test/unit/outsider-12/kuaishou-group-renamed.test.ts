// @vitest-environment jsdom
/**
 * Kuaishou: a row reads its group's name (已超时 → a wait, when the card's time says nothing else). The group renamed
 * (as a child, textContent: the old text node removed, a new one added; as the node; as a new name element): the
 * buyer's wait is reported as a whole read reports it, and the watcher's page = a fresh read. Pins the fix (a group
 * renamed by a child is read whole): such a rename is a childList record on the list outside every row, where the
 * incremental path found no row under a text node and read nothing. From outsider review 12's probe
 * (`kuaishou-group`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { kuaishouAdapter } from '../../../lib/platforms/kuaishou';
import type { Watcher } from '../../../lib/content/watcher';
import { recordingWatcher, settle } from '../helpers/watcher';
import { WholeReadReference, expectSameWaits } from '../helpers/waits';

const NOW = 1_788_861_600_000;
const html = readFileSync(join(process.cwd(), 'test/fixtures/kuaishou/thread.html'), 'utf8');
let w: Watcher | undefined;
afterEach(() => {
  w?.stop();
  w = undefined;
});
const waits = (x: { conversations: { buyer: string; waitingSec?: number }[] } | null) =>
  x?.conversations.map((c) => `${c.buyer}:${c.waitingSec}`);
const groupNames = () => [...document.querySelectorAll('.SessionListGroupItem-groupName')];

for (const how of ['textContent', 'nodeValue', 'element'] as const)
  it(`kuaishou: 已回复 group renamed 已超时 (${how}): its buyer's wait is reported as a whole read reports it`, async () => {
    document.body.innerHTML = html;
    let sent;
    ({ w, sent } = recordingWatcher(kuaishouAdapter, NOW));
    await settle(w);
    const ref = new WholeReadReference(kuaishouAdapter, NOW);
    expectSameWaits(sent, ref, 'start');
    const g = groupNames().find((e) => e.textContent === '已回复')!;
    // Replies are in; the list regroups by renaming the last group in place (its card's time is a clock time).
    const card = g.closest('.SessionListGroupItem')!.querySelector('.SessionBaseCard-topHeadTime');
    if (card && card.textContent !== '10秒') card.firstChild!.nodeValue = '10秒';
    await settle(w);
    expectSameWaits(sent, ref, 'card time');
    if (how === 'textContent') g.textContent = '已超时';
    else if (how === 'nodeValue') g.firstChild!.nodeValue = '已超时';
    else {
      // a new name element rendered in its place
      const n = g.cloneNode() as Element;
      n.textContent = '已超时';
      g.replaceWith(n);
    }
    await settle(w);
    expectSameWaits(sent, ref, 'renamed');
    expect(waits(w.last), 'reading').toEqual(waits(kuaishouAdapter.extract(document, undefined, NOW)));
  });
