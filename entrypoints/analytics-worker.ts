/**
 * The analytics page's first-frame worker (a dedicated worker started by /analytics-first.js,
 * `startFirstWorker` in components/analytics/first-worker.ts): reads the first frame's rows on raw IndexedDB, checks
 * them and computes the figures the first frame shows, off the page's main thread, and posts them back, then the
 * rows (their packed `waits` transferred). No React, no Dexie, no DOM.
 */
import { answerFirst } from '@/components/analytics/first-answer';
import type { WorkerAnswer, WorkerAsk } from '@/components/analytics/first-worker';
import { readAnalyticsRaw } from '@/components/analytics/first-raw';

/** What this script uses of its worker scope (the project's types are the DOM's, not a worker's). */
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<WorkerAsk>) => void) | null;
}

export default defineUnlistedScript(() => {
  const scope = globalThis as unknown as WorkerScope;
  const post = (a: WorkerAnswer, transfer: Transferable[] = []) => scope.postMessage(a, transfer);
  post({ type: 'alive' });
  scope.onmessage = ({ data }: MessageEvent<WorkerAsk>) => void answerFirst(data, readAnalyticsRaw, post);
});
