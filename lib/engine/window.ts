/**
 * Long threads: where a conversation can be cut so that evaluating only the part after the cut gives the same
 * clock, and the same units for every day from the cut on, as evaluating the whole thread. The background uses it
 * so that a new message in a thread of thousands costs what the last day or two cost (bench: "large workbench").
 *
 * The cut is a China midnight (`recentCut`: or, when a round runs across it, the first question after it, before which
 * nothing of that day opens a round or moves a night round's clock onto that day: no assignment or transfer). It is
 * only taken when it is provably exact; otherwise the answer is 0 (evaluate everything). Before the cut, every round must be closed by a valid reply of every metric, no message may have been
 * seen later than every message after it, and for session
 * metrics the first buyer message after the cut must start a new session; after it, there must be a timed buyer
 * message (so the clock is built from the same last round, and the latest exact time is after the cut); the
 * clock's last nickname, shop and text must be found after the cut too. What the caller must add (the engine cannot know
 * it): the new messages are all after the cut, and the stored units before the cut are final (not pending or
 * unknown, whose judgement can still change as the thread grows).
 * `test/unit/engine-window.test.ts` checks the equality on random threads of every platform.
 */
import type { ChatEvent } from '../model';
import { computedMetrics } from '../rules/defaults';
import type { PlatformRules } from '../rules/types';
import { isValidReply, OUTGOING, sightedAt } from './rounds';
import { stageCutSafe } from './stage';

const CONVERSATIONAL = (e: ChatEvent) => e.author === 'buyer' || OUTGOING.has(e.author);

/**
 * What a caller may know of a whole thread without walking it (a long thread's cut is checked against everything
 * before it: without these, each check walks the thread, O(thread) per new message). Bounds, not exact values: a
 * message changed or deleted since may have made them loose, never wrong.
 */
export interface ThreadBounds {
  /** At least the latest sighting of any message of the thread (`seenThrough`). */
  seen: number;
  /** False only when no message of the thread has the field (the clock's last nickname, shop, text). */
  has: Record<'buyerNick' | 'shop' | 'text', boolean>;
}

/** The bounds of a thread, walked once (then kept by `widenBounds` as messages are added or changed). */
export function threadBounds(thread: readonly ChatEvent[]): ThreadBounds {
  return widenBounds({ seen: -Infinity, has: { buyerNick: false, shop: false, text: false } }, thread);
}

/** `bounds` of a thread with `events` added or changed (a new object; deleting messages keeps bounds valid). */
export function widenBounds(bounds: ThreadBounds, events: readonly ChatEvent[]): ThreadBounds {
  let { seen } = bounds;
  let { buyerNick, shop, text } = bounds.has;
  for (const e of events) {
    seen = Math.max(seen, sightedAt(e));
    buyerNick ||= e.buyerNick !== undefined;
    shop ||= e.shop !== undefined;
    text ||= e.text !== undefined;
  }
  return { seen, has: { buyerNick, shop, text } };
}

/**
 * The index of the first message at or after `cutAt` in `thread` (thread order) when cutting there is exact,
 * else 0. `bounds` (of `thread`, optional): spares the walks of the part before the cut when they decide nothing,
 * same answer.
 */
export function exactCut(
  thread: readonly ChatEvent[],
  rules: PlatformRules,
  cutAt: number,
  bounds?: ThreadBounds,
): number {
  // First message at or after the cut.
  const cut = firstAtOrAfter(thread, cutAt);
  if (cut === 0 || cut === thread.length) return 0;

  // After the cut: a timed buyer message (it opens the first round there; untimed ones never open one).
  let buyerAfter = -1;
  for (let i = cut; i < thread.length && buyerAfter < 0; i++) if (isTimedBuyer(thread[i]!)) buyerAfter = i;
  if (buyerAfter < 0) return 0;

  // Before the cut: the last timed buyer message (the last one that can have opened or extended a round).
  let lastBuyer = -1;
  for (let i = cut - 1; i >= 0 && lastBuyer < 0; i--) if (isTimedBuyer(thread[i]!)) lastBuyer = i;
  if (lastBuyer >= 0) {
    const b = thread[lastBuyer]!;
    for (const rule of computedMetrics(rules)) {
      let replied = false;
      for (let i = lastBuyer + 1; i < cut && !replied; i++) {
        const e = thread[i]!;
        replied = OUTGOING.has(e.author) && isValidReply(e, rule, b);
      }
      if (!replied) return 0;
    }
  }

  // Human-stage metrics: no robot stage may run across the cut (it would be judged differently after it).
  if (!rules.metrics.every((rule) => stageCutSafe(thread, cut, rule))) return 0;

  // Session metrics: the first buyer message after the cut must open a new session in the whole thread.
  for (const rule of computedMetrics(rules)) {
    if (rule.unit !== 'session') continue;
    // What buildRounds knows at that message: the last conversational message before it (untimed ones count),
    // and whether a session end marker came after the last timed buyer message before it.
    let lastMessageAt: number | null = null;
    let ended = false;
    for (let i = buyerAfter - 1; i >= 0; i--) {
      const e = thread[i]!;
      if (CONVERSATIONAL(e)) lastMessageAt ??= e.at;
      else if (e.marker === 'sessionEnd') ended = true;
      if (isTimedBuyer(e)) break;
    }
    if (lastMessageAt === null) continue;
    const gap = rule.sessionGapSec === undefined ? null : rule.sessionGapSec * 1000;
    const opensSession = ended || (gap !== null && thread[buyerAfter]!.at - lastMessageAt >= gap);
    // With no conversational message before it at all, there is nothing before the cut to group with.
    if (!opensSession && hasConversationalBefore(thread, cut)) return 0;
  }

  // What the page showed of the thread (seenThrough): no sighting before the cut may be later than those after it
  // (history loaded above, after the recent messages were seen).
  // The last message seen at the bounds' latest sighting: nothing of the thread was seen later (no walk at all).
  if (!(bounds && sightedAt(thread.at(-1)!) >= bounds.seen)) {
    let seenAfter = -Infinity;
    for (let i = cut; i < thread.length; i++) seenAfter = Math.max(seenAfter, sightedAt(thread[i]!));
    if (seenLaterBefore(thread, cut, seenAfter, bounds)) return 0;
  }

  // The clock's last nickname, shop and text: found after the cut whenever the whole thread has them.
  for (const k of ['buyerNick', 'shop', 'text'] as const) {
    if (hasAfter(thread, cut, k) || (bounds && !bounds.has[k])) continue;
    for (let i = 0; i < cut; i++) if (thread[i]![k] !== undefined) return 0;
  }
  return cut;
}

/**
 * Where to cut a long thread so that the part after the cut gives the same clock, and the same units from the day of
 * `dayStart` (a China midnight) on, as the whole thread: at that midnight when `exactCut` takes it, else at the first
 * timed buyer message after it. A thread that talks through the night (a question at 23:59 answered at 00:00) has no
 * exact midnight, but by that message the night's last round is closed, and nothing between the midnight and it opens
 * a round. The same checks (`exactCut`) decide both; the later cut also needs no assignment or transfer between the
 * midnight and it (it could date a night round on the cut's day). 0: no exact cut. `bounds`: as for `exactCut`.
 */
export function recentCut(
  thread: readonly ChatEvent[],
  rules: PlatformRules,
  dayStart: number,
  bounds?: ThreadBounds,
): number {
  const cut = exactCut(thread, rules, dayStart, bounds);
  if (cut) return cut;
  let i = firstAtOrAfter(thread, dayStart);
  while (i < thread.length && !isTimedBuyer(thread[i]!)) i++;
  if (i >= thread.length || thread[i]!.at === dayStart) return 0;
  // The caller replaces every stored unit from the day of `dayStart` on, so no round before the cut may be dated on
  // or after it. A unit's day is that of its round's clock (`clockAt`, else its start), and every round before the
  // cut opened before the midnight (no timed buyer message lies between the midnight and the cut). Its clock is set
  // when it opens, when a timed buyer message joins it (counters, consumer-day rules: none after the midnight here),
  // or by an `assigned` marker or the robot's hand-over `transfer` (`StageTracker.assigned`: the clock starts at the
  // marker). So one such marker between the midnight and the cut can date a night round on the cut's day (a question
  // at 23:59 assigned at 08:05), which the part after the cut does not produce: no cut then (any transfer counts,
  // whether it hands over or not, to stay independent of the stage). Without one, every round before the cut has its
  // clock before the midnight (or none, and starts before it). Checking the thread, not the stored units, also keeps
  // consumer-day and session units (grouped by day or session) whole: a stored unit's `startAt` is only its
  // representative round's. Cheap: the same few messages the search for the cut has just walked.
  for (let j = firstAtOrAfter(thread, dayStart); j < i; j++) {
    const m = thread[j]!.marker;
    if (m === 'assigned' || m === 'transfer') return 0;
  }
  return exactCut(thread, rules, thread[i]!.at, bounds);
}

/**
 * Was a message of `thread` before `cut` seen later than `after` (`sightedAt`)? Without a walk when the thread's
 * bounds say nothing of it was.
 */
export function seenLaterBefore(
  thread: readonly ChatEvent[],
  cut: number,
  after: number,
  bounds?: ThreadBounds,
): boolean {
  if (bounds && bounds.seen <= after) return false;
  for (let i = 0; i < cut; i++) if (sightedAt(thread[i]!) > after) return true;
  return false;
}

/** The index of the first message at or after `at` (binary search: thread order is by time first). */
function firstAtOrAfter(thread: readonly ChatEvent[], at: number): number {
  let lo = 0;
  let hi = thread.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (thread[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isTimedBuyer(e: ChatEvent): boolean {
  return e.author === 'buyer' && e.atLatest === undefined;
}

function hasConversationalBefore(thread: readonly ChatEvent[], cut: number): boolean {
  for (let i = 0; i < cut; i++) if (CONVERSATIONAL(thread[i]!)) return true;
  return false;
}

function hasAfter(thread: readonly ChatEvent[], cut: number, k: 'buyerNick' | 'shop' | 'text'): boolean {
  for (let i = thread.length - 1; i >= cut; i--) if (thread[i]![k]) return true;
  return false;
}
