/**
 * The page-cost goal (issue 21) from CPU-profile attribution within one run: the extension's attributable
 * main-thread time on the large workbench is its own script, plus the collections its allocations cause (its
 * page's GC time over the plain page's, the same messages on each), plus the style/layout/paint its badges cause
 * (its page's native time with the badges shown over the same page's with them hidden, in alternating windows).
 * Goal: ≤ 0.5% of its page's busy time and ≤ 1/20 of the naive poller's own script.
 * The badges' difference is small beside its noise: given its 95% interval (paired windows, see mainthread.ts), the
 * verdict is 'met' only if the goal holds at the interval's upper end, 'missed' only if it fails at its lower end
 * (negative ends count 0: hiding the badges cannot make the page cheaper than plain), and 'not resolved' between.
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
  /** Its 95% interval, when measured in pairs (else null: the point value alone decides). */
  badgeRenderCi95: [number, number] | null;
  /** Script + the positive parts of the two deltas. */
  attributableMsPerSec: number;
  /** attributable ÷ the extension page's busy time, in %. */
  sharePercent: number;
  /** attributable ÷ the naive poller's own script. */
  ofNaiveScript: number;
  /** attributable with the badges' term at its interval's ends (max(0, ·)); equal to attributable without one. */
  attributableRangeMsPerSec: [number, number];
  /** 'not resolved' when the goal holds at one end of the badges' interval and fails at the other. */
  verdict: 'met' | 'missed' | 'not resolved';
  met: boolean;
}

export function pageCost(p: {
  extension: PageTimes;
  plain: PageTimes;
  naive: PageTimes;
  badgesShown: Pick<PageTimes, 'programMsPerSec'>;
  badgesHidden: Pick<PageTimes, 'programMsPerSec'>;
  /** The 95% interval of shown − hidden, in the same units (from paired windows). */
  badgeRenderCi95?: readonly [number, number];
}): PageCost {
  const gcDelta = p.extension.gcMsPerSec - p.plain.gcMsPerSec;
  const badgeDelta = p.badgesShown.programMsPerSec - p.badgesHidden.programMsPerSec;
  const ci = p.badgeRenderCi95 && p.badgeRenderCi95.every(Number.isFinite) ? p.badgeRenderCi95 : null;
  const withBadges = (badges: number) => p.extension.scriptMsPerSec + Math.max(0, gcDelta) + Math.max(0, badges);
  const share = (ms: number) => (p.extension.busyMsPerSec > 0 ? (100 * ms) / p.extension.busyMsPerSec : Infinity);
  const ofNaive = (ms: number) => (p.naive.scriptMsPerSec > 0 ? ms / p.naive.scriptMsPerSec : Infinity);
  const within = (ms: number) =>
    share(ms) <= PAGE_COST_GOAL.sharePercent && ofNaive(ms) <= PAGE_COST_GOAL.ofNaiveScript;
  const attributable = withBadges(badgeDelta);
  const range: [number, number] = ci ? [withBadges(ci[0]), withBadges(ci[1])] : [attributable, attributable];
  const verdict = within(range[1]) ? 'met' : within(range[0]) ? 'not resolved' : 'missed';
  return {
    scriptMsPerSec: p.extension.scriptMsPerSec,
    gcDeltaMsPerSec: gcDelta,
    badgeRenderDeltaMsPerSec: badgeDelta,
    badgeRenderCi95: ci ? [ci[0], ci[1]] : null,
    attributableMsPerSec: attributable,
    sharePercent: share(attributable),
    ofNaiveScript: ofNaive(attributable),
    attributableRangeMsPerSec: range,
    verdict,
    met: verdict === 'met',
  };
}
