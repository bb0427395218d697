/**
 * The worker's one PC offset (lib/skew.ts): the platform's clock minus the PC's, from the workbench tabs' estimates.
 * The PC's error is the same for every tab: the median of the fresh estimates (SKEW_FRESH_MS), 0 below SKEW_APPLY_MS.
 * With no fresh estimate the last offset holds (the PC's clock did not get right because its tabs closed). Stored in
 * `meta` (PC_OFFSET_KEY, read by the popup too): a worker restart keeps it; a damaged row reads as 0. Free of chrome.*.
 */
import type { SentinelDB } from '../db/schema';
import { PC_OFFSET_KEY } from '../db/meta';
import { SKEW_FRESH_MS, combineOffsets, readPcOffset } from '../skew';

export class PcOffset {
  /** Per tab: its last estimate and when it came (PC time). */
  private reports = new Map<number, { skew: number; at: number }>();
  private applied = 0;

  constructor(private readonly db: SentinelDB) {}

  /** The offset applied now (ms): the worker's now is `Date.now() + offset`. */
  get value(): number {
    return this.applied;
  }

  /** Reads the stored offset back (validated: anything else is 0). Never throws. */
  async load(): Promise<void> {
    const row = await this.db.meta.get(PC_OFFSET_KEY).catch(() => undefined);
    this.applied = readPcOffset(row?.value);
  }

  /**
   * A tab's report (its estimate, or none) at the PC's `pcNow`; returns the change of the applied offset (0: none),
   * stored (when it can be) before it is applied.
   */
  async report(tabId: number, skew: number | undefined, pcNow: number): Promise<number> {
    if (skew !== undefined) this.reports.set(tabId, { skew, at: pcNow });
    for (const [id, r] of this.reports)
      if (pcNow - r.at > SKEW_FRESH_MS || r.at > pcNow + SKEW_FRESH_MS) this.reports.delete(id);
    const next = combineOffsets([...this.reports.values()].map((r) => r.skew));
    if (next === null || next === this.applied) return 0;
    // Applied even when it cannot be stored (a full disk): this worker still counts right.
    await this.db.meta.put({ key: PC_OFFSET_KEY, value: { offset: next, at: pcNow } }).catch(() => undefined);
    const delta = next - this.applied;
    this.applied = next;
    return delta;
  }

  forget(tabId: number): void {
    this.reports.delete(tabId);
  }
}
