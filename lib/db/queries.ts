/** Index reads shared by the background and the UI pages. */
import type { ClockStatus } from '../engine';
import type { ClockRow, SentinelDB } from './schema';

/** Clocks of one status whose deadline (`by: 'dueAt'`) or start (`'startedAt'`) is after `since`: one index range. */
export function clocksSince(
  db: SentinelDB,
  status: ClockStatus,
  since: number,
  by: 'dueAt' | 'startedAt' = 'dueAt',
): Promise<ClockRow[]> {
  return db.clocks.where(`[status+${by}]`).between([status, since], [status, Infinity], false, false).toArray();
}
