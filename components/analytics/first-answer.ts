/**
 * The first-frame worker's side (entrypoints/analytics-worker.ts; the page's side and the messages:
 * `first-worker.ts`): the raw read, its checks and the first frame's figures, answered in messages.
 */
import { analyticsFromRaw, firstFigures, type AnalyticsFirst } from './first-check';
import type { AnalyticsRaw } from './first-raw';
import type { WorkerAnswer, WorkerAsk } from './first-worker';

/**
 * The worker's side: reads (`read`: the raw read), checks and computes, and posts its answers through `post`
 * (`transfer`: the buffers moved with the message). A refusal of the raw read or of a row is posted as `refused`.
 */
export async function answerFirst(
  ask: WorkerAsk,
  read: (now: number, range: number) => Promise<AnalyticsRaw>,
  post: (a: WorkerAnswer, transfer?: Transferable[]) => void,
): Promise<void> {
  let checked: AnalyticsFirst;
  let figures;
  try {
    checked = analyticsFromRaw(await read(ask.now, ask.range));
    figures = firstFigures(checked, ask.range, ask.account);
  } catch (err) {
    post({ type: 'refused', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const { pastStats, todayStats, ...rest } = checked;
  post({ type: 'first', first: { ...rest, figures } });
  const buffers = new Set<ArrayBuffer>();
  for (const r of [...pastStats, ...todayStats]) {
    // By tag, not instanceof (a row read in another realm is one too); never a shared buffer (not transferable).
    if (Object.prototype.toString.call(r.waits.buffer) === '[object ArrayBuffer]')
      buffers.add(r.waits.buffer as ArrayBuffer);
  }
  post({ type: 'rows', rows: { pastStats, todayStats } }, [...buffers]);
}
