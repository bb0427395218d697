/**
 * The analytics page's first frame off its main thread: /analytics-first.js starts /analytics-worker.js
 * (entrypoints/analytics-worker.ts), a dedicated worker that reads the first frame's rows on raw IndexedDB (the same
 * database: same origin), checks them and computes the figures the first frame shows, while the page's main thread
 * loads and evaluates its modules; it posts back only those figures, the rollups and the settings (small), then,
 * for the sections below the fold, the per-day aggregates with their packed `waits` moved (transferred), not copied.
 * The page's first render then only renders (issue 21: the rows' deserialization, checks, unpacking and figures
 * were 150–230 ms of the main thread before its first paint at 90 days × 5 000 inquiries a day).
 */
import type { RangeDays } from '@/lib/analytics/scope';
import type { ComputedFirst, FirstRows } from './first-check';

/** The page's request: the clock, the range and the account it opens with. */
export interface WorkerAsk {
  now: number;
  range: RangeDays;
  account: string;
}

/** The worker's answers, in this order: alive (its script runs), then first and rows, or refused. */
export type WorkerAnswer =
  | { type: 'alive' }
  | { type: 'first'; first: Omit<ComputedFirst, 'rows'> }
  | { type: 'rows'; rows: FirstRows }
  | { type: 'refused'; message: string };

/** A refusal of the rows themselves (no database, an old one, a malformed row): the page reads through Dexie. */
export interface Refused extends Error {
  refused: true;
}
export const isRefused = (err: unknown): err is Refused => (err as Partial<Refused> | null)?.refused === true;

/** How long the worker's script may take to run at all before the page reads on its own (the worker is dropped). */
export const WORKER_START_MS = 1000;

/**
 * The page's side (in /analytics-first.js): starts the worker and gives its first frame. Rejects with a `Refused`
 * when the worker refused the rows (the page reads through Dexie), with another error when the worker could not be
 * started, failed, or its script did not run within `startMs` (the page reads on its own). Its `rows` follow, or
 * undefined when the worker failed after its first answer.
 */
export function startFirstWorker(
  ask: WorkerAsk,
  url = '/analytics-worker.js',
  startMs = WORKER_START_MS,
): Promise<ComputedFirst> {
  return new Promise<ComputedFirst>((resolve, reject) => {
    let giveRows!: (rows: FirstRows | undefined) => void;
    const rows = new Promise<FirstRows | undefined>((r) => (giveRows = r));
    let worker: Worker;
    try {
      worker = new Worker(url);
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const end = (err?: Error) => {
      clearTimeout(timer);
      worker.terminate();
      giveRows(undefined); // no-op once the rows came
      if (err) reject(err); // no-op once the first frame came
    };
    const timer = setTimeout(() => end(new Error('the first-frame worker did not start')), startMs);
    worker.onerror = (e) => {
      e.preventDefault();
      end(new Error(e.message || 'the first-frame worker failed'));
    };
    worker.onmessageerror = () => end(new Error('an unreadable message from the first-frame worker'));
    worker.onmessage = ({ data }: MessageEvent<WorkerAnswer>) => {
      switch (data.type) {
        case 'alive':
          clearTimeout(timer);
          return;
        case 'first':
          resolve({ ...data.first, rows });
          return;
        case 'rows':
          giveRows(data.rows);
          end();
          return;
        case 'refused':
          end(Object.assign(new Error(data.message), { refused: true as const }));
          return;
      }
    };
    worker.postMessage(ask);
  });
}
