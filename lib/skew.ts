/**
 * The PC's clock error (skew): message times are the platform's (server stamps, PDD ids in epoch ms), but `now` is
 * the PC's `Date.now()`. An agent's PC minutes off would count every wait wrong (PC slow: a breach shown as still far
 * off). Pure (no chrome.*, no Date.now(): times come in).
 *
 * - Each workbench tab estimates it (`SkewEstimator`) from messages that arrive live with an exact platform time:
 *   sample = message time − PC time when it appeared. Delivery delay only lowers a sample, so the platform's clock
 *   minus the PC's is about the largest recent sample (a sample far above the others is an outlier: a hostile or
 *   broken stamp, never trusted alone). The tab reports it with its health.
 * - The worker combines the tabs' fresh estimates into one PC offset (`combineOffsets`: the PC's error is the same for
 *   every tab), applied only from SKEW_APPLY_MS (below that it is delivery noise): its `now` is `Date.now() + offset`.
 */
import type { ChatEvent } from './model';

/** The largest skew believed (a page's stamps could say anything). */
export const SKEW_MAX_MS = 12 * 3_600_000;
/** Samples an estimate needs before it is reported. */
export const SKEW_MIN_SAMPLES = 3;
/** Samples kept (the most recent). */
export const SKEW_WINDOW = 20;
/** Samples older than this (by the PC's clock) are dropped. */
export const SKEW_WINDOW_MS = 3_600_000;
/** A sample this far above the window's median is an outlier (delivery delay lowers samples, never raises them). */
export const SKEW_OUTLIER_MS = 30_000;
/** The worker applies an offset from this size on (below: delivery noise). */
export const SKEW_APPLY_MS = 15_000;
/** A tab's estimate counts for this long after its last report (tabs report with every heartbeat). */
export const SKEW_FRESH_MS = 10 * 60_000;

/** Does this event carry an exact platform time seen arriving live (a sample of the skew)? */
export function isSkewSample(e: ChatEvent): boolean {
  if (e.historical || e.atLatest !== undefined) return false;
  // The buyer's messages only: they come from the platform. What the shop sends from this PC may carry the PC's own
  // time (a page that stamps a message it sends before the server does), a sample of 0 that would hide a fast PC.
  if (e.author !== 'buyer') return false;
  // PDD ids are epoch ms. A page's stamp with seconds: a stamp on a whole minute is taken as minute-only (`17:12`,
  // read as 17:12:00 though sent at 17:12:45: one with seconds at :00 is lost, 1 in 60).
  if (e.timeSource === 'id') return true;
  return e.timeSource === 'stamp' && e.at % 60_000 !== 0;
}

export class SkewEstimator {
  /** [sample, PC time it was taken], oldest first. */
  private samples: [number, number][] = [];

  /** A message of platform time `at` appeared at the PC's `pcNow`. */
  add(at: number, pcNow: number): void {
    const s = at - pcNow;
    if (!Number.isFinite(s) || Math.abs(s) > SKEW_MAX_MS) return;
    this.samples.push([s, pcNow]);
    if (this.samples.length > SKEW_WINDOW) this.samples.splice(0, this.samples.length - SKEW_WINDOW);
  }

  /** The events' samples (those `isSkewSample` accepts), seen at `pcNow`. */
  addEvents(events: readonly ChatEvent[], pcNow: number): void {
    for (const e of events) if (isSkewSample(e)) this.add(e.at, pcNow);
  }

  /**
   * The platform's clock minus the PC's (ms), or null with too few samples: the largest recent sample that is no
   * outlier.
   */
  estimate(pcNow: number): number | null {
    this.samples = this.samples.filter(([, t]) => pcNow - t <= SKEW_WINDOW_MS && t <= pcNow + SKEW_WINDOW_MS);
    if (this.samples.length < SKEW_MIN_SAMPLES) return null;
    const sorted = this.samples.map(([s]) => s).sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    const kept = sorted.filter((s) => s <= median + SKEW_OUTLIER_MS);
    if (kept.length < SKEW_MIN_SAMPLES) return null;
    return Math.round(kept[kept.length - 1]!);
  }
}

/** A skew as the protocol takes it: a whole number of ms within ±SKEW_MAX_MS, else none. */
export function saneSkew(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= SKEW_MAX_MS ? Math.round(x) : undefined;
}

/** The one PC offset from the tabs' fresh estimates: their median, 0 below SKEW_APPLY_MS; null when none is fresh. */
export function combineOffsets(estimates: readonly number[]): number | null {
  const ok = estimates.filter((x) => saneSkew(x) !== undefined).sort((a, b) => a - b);
  if (!ok.length) return null;
  const mid = ok.length / 2;
  const median = ok.length % 2 ? ok[Math.floor(mid)]! : (ok[mid - 1]! + ok[mid]!) / 2;
  return Math.abs(median) >= SKEW_APPLY_MS ? Math.round(median) : 0;
}

/**
 * An event from a tab with its PC-clock times moved to the platform's clock (`offset`: platform − PC): when it was
 * seen, and the times taken from the PC's clock (an untimed message seen arriving: `observed`; a list row's counter,
 * counted back from the PC's now). Times the page gave (ids, stamps) are the platform's already.
 */
export function toPlatformClock<E extends ChatEvent>(e: E, offset: number): E {
  if (!offset) return e;
  const x: E = { ...e, observedAt: e.observedAt + offset };
  const pcTimed = e.timeSource === 'counter' || e.timeSource === 'observed';
  if (pcTimed && !e.historical) x.at = e.at + offset;
  if (pcTimed && e.atLatest !== undefined) {
    x.atLatest = e.atLatest + offset;
    x.at = Math.min(x.at, x.atLatest);
  }
  return x;
}

/** The stored offset (`meta.pcOffset`: `{ offset, at }`), validated: a damaged or hostile value is 0. */
export function readPcOffset(value: unknown): number {
  const offset = (value as { offset?: unknown } | null | undefined)?.offset;
  return saneSkew(offset) ?? 0;
}
