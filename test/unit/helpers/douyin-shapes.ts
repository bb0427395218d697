/** The Douyin (飞鸽) fixture's conversation list in three shapes, for the live-rows tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOUYIN_SELECTORS, douyinAdapter } from '../../../lib/platforms/douyin';
import type { Adapter } from '../../../lib/platforms/types';

export const NOW = 1_788_340_500_000;
const turn = () => new Promise((r) => setTimeout(r, 0));
/** Past the watcher's whole read, if one was scheduled (a timer of 0 ms set when the observer was called). */
export const tick = async () => {
  for (let i = 0; i < 3; i++) await turn();
};
const fixture = readFileSync(join(process.cwd(), 'test/fixtures/douyin/workspace.html'), 'utf8');
export const ROW = DOUYIN_SELECTORS.conversationRow[0]!;
export const MARKER = DOUYIN_SELECTORS.rowGroup[0]!;
export const GROUPS = ['message_group_name_waitReply', 'message_group_name_overtime', 'message_group_name_recent'];

export type Shape = 'containers' | 'headers' | 'flat';

/** The fixture's list in one of three shapes (the markers as containers of rows, or as headers before them). */
export function shape(s: Shape): void {
  document.body.innerHTML = fixture;
  if (s === 'containers') return;
  for (const box of [...document.querySelectorAll('.group-7sJd2a')]) {
    const b = box.getAttribute('data-btm') ?? 'message_group_name_recent';
    box.removeAttribute('data-btm');
    box.querySelector('.groupTitle-2LkP')!.setAttribute('data-btm', b);
    if (s === 'flat') box.replaceWith(...box.children);
  }
}
export const rowsNow = () => [...document.querySelectorAll(ROW)];
export const markersNow = () => [...document.querySelectorAll(MARKER)];
export const rowOf = (name: string) => rowsNow().find((r) => r.querySelector(`[title="${name}"]`))!;

/** Whole reads only: the extraction without its live part. */
export const wholeAdapter: Adapter = {
  ...douyinAdapter,
  extract: ((...a: Parameters<typeof douyinAdapter.extract>) => {
    const x = douyinAdapter.extract(...a);
    return x && { ...x };
  }) as typeof douyinAdapter.extract,
};
