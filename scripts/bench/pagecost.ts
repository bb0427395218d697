/**
 * The page-cost goal (issue 21) from CPU-profile attribution within one run: the extension's attributable
 * main-thread time on the large workbench is its own script, plus the collections its allocations cause (its
 * page's GC time over the plain page's, the same messages on each), plus the style/layout/paint its badges cause
 * (its page's native time with the badges shown over the same page's with them hidden, in alternating windows).
 * Goal: ≤ 0.5% of its page's busy time and ≤ 1/20 of the naive poller's own script.
 */

/** A page's attributed main-thread time, ms per second of profile (scripts/bench/mainthread.ts). */
export interface PageTimes {
  busyMsPerSec: number;
  /** "(program)": style, layout, paint, task overhead. */
  programMsPerSec: number;
  gcMsPerSec: number;
  /** The page's extension's script (for the naive page: the poller's). */
  scriptMsPerSec: number;
}

export const PAGE_COST_GOAL = { sharePercent: 0.5, ofNaiveScript: 1 / 20 } as const;

export interface PageCost {
  scriptMsPerSec: number;
  /** Extension page's GC − plain page's (raw, may be negative: noise). */
  gcDeltaMsPerSec: number;
  /** Native time with badges shown − hidden, on the extension's page (raw, may be negative: noise). */
  badgeRenderDeltaMsPerSec: number;
  /** Script + the positive parts of the two deltas. */
  attributableMsPerSec: number;
  /** attributable ÷ the extension page's busy time, in %. */
  sharePercent: number;
  /** attributable ÷ the naive poller's own script. */
  ofNaiveScript: number;
  met: boolean;
}

export function pageCost(p: {
  extension: PageTimes;
  plain: PageTimes;
  naive: PageTimes;
  badgesShown: Pick<PageTimes, 'programMsPerSec'>;
  badgesHidden: Pick<PageTimes, 'programMsPerSec'>;
}): PageCost {
  const gcDelta = p.extension.gcMsPerSec - p.plain.gcMsPerSec;
  const badgeDelta = p.badgesShown.programMsPerSec - p.badgesHidden.programMsPerSec;
  const attributable = p.extension.scriptMsPerSec + Math.max(0, gcDelta) + Math.max(0, badgeDelta);
  const sharePercent = p.extension.busyMsPerSec > 0 ? (100 * attributable) / p.extension.busyMsPerSec : Infinity;
  const ofNaiveScript = p.naive.scriptMsPerSec > 0 ? attributable / p.naive.scriptMsPerSec : Infinity;
  return {
    scriptMsPerSec: p.extension.scriptMsPerSec,
    gcDeltaMsPerSec: gcDelta,
    badgeRenderDeltaMsPerSec: badgeDelta,
    attributableMsPerSec: attributable,
    sharePercent,
    ofNaiveScript,
    met: sharePercent <= PAGE_COST_GOAL.sharePercent && ofNaiveScript <= PAGE_COST_GOAL.ofNaiveScript,
  };
}
