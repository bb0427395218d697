/**
 * The human stage (platform-rules.md §3.6, Douyin and Kuaishou) and transfers (§3.5), as `buildRounds` applies them.
 *
 * Human stage: on a rule with `humanStage`, a conversation is assessed only from the moment it reaches a human. The
 * page shows that moment as an `assigned` marker (a transfer from the robot, a direct assignment: "客服 小美 接入")
 * or, in the robot stage, as a `transfer` marker (the robot handing over). A human's own message is evidence too.
 * Per stretch of conversation (reset at a session end and at a new session):
 * - the robot answered (a `robot` message) and nothing shows a human: robot-only, not assessed (neither pass nor fail);
 * - an `assigned` marker (or a transfer in the robot stage): the clock of what waits starts at the marker;
 * - the robot answered, then a human replied with no marker on the page: the hand-over time is not shown, so the
 *   round is judged from the buyer's message as an upper bound: a pass when even that is within the threshold,
 *   else unknown (`stageUnknown`), never a guessed fail;
 * - no robot message and no marker: human from the start (a direct assignment the page does not mark), as before.
 *
 * Transfers (every platform): a `transfer` marker in the human stage closes the open round for the account that held
 * it: unreplied, it is a fail (`transferredAt`), whatever the time. An `assigned` marker gives the round that waits
 * to the receiving account, which starts its own clock at the marker.
 */
import type { ChatEvent } from '../model';
import type { MetricRule } from '../rules/types';
import { inWindow } from './time';

/** What the stage needs of a round (see `Round` in rounds.ts). */
export interface StagedRound {
  startAt: number;
  clockAt: number | null;
  /** Opened before the conversation was known to be with a human; settled by `StageTracker`. */
  preStage?: true;
  /** The page did not show when a human took over: judged from the buyer's message as an upper bound. */
  stageUnknown?: true;
  /**
   * The assignment's latest possible time, when the page showed it without a time (history: `clockAt` is then its
   * earliest): a reply late from `clockAt` but not from this is unknown, not a fail.
   */
  stageLatest?: number;
}

/** The state of one stretch of conversation for one rule, fed in thread order by `buildRounds`. */
export class StageTracker {
  private human: boolean;
  private robotSeen = false;

  constructor(private readonly rule: MetricRule) {
    this.human = !rule.humanStage;
  }

  /** A session end or a new session: the next stretch starts in the robot's hands again (when the rule has a stage). */
  boundary(): void {
    this.human = !this.rule.humanStage;
    this.robotSeen = false;
  }

  /** A new round opens now: before the human stage its clock waits for it. */
  opened(r: StagedRound): void {
    if (!this.human) r.preStage = true;
  }

  /** An outgoing message; `open` is the round that waits, if any. A human's message (valid or not) is a human sign. */
  outgoing(e: ChatEvent, open: StagedRound | null): void {
    if (e.author === 'robot') this.robotSeen = true;
    else if (e.author === 'human' || e.author === 'assist') {
      this.human = true;
      if (open) this.settle(open);
    }
  }

  /** Is a `transfer` marker now the robot's hand-over (the human stage starts), not an account's? */
  isHandOver(): boolean {
    return !this.human;
  }

  /**
   * The conversation reached this account at `at` (an `assigned` marker, or the robot's hand-over): the round that
   * waits, if any, is judged from here.
   */
  assigned(marker: ChatEvent, open: StagedRound | null): void {
    this.human = true;
    this.robotSeen = false;
    if (!open) return;
    delete open.preStage;
    delete open.stageUnknown;
    const at = marker.at;
    open.clockAt = inWindow(at, this.rule.window) ? Math.max(at, open.startAt) : null;
    if (marker.atLatest !== undefined) open.stageLatest = marker.atLatest;
    else delete open.stageLatest;
  }

  /**
   * Settles a round opened before the human stage, at the first human sign or when it closes (ended, transferred) or
   * the thread ends.
   */
  settle(r: StagedRound): void {
    if (!r.preStage) return;
    delete r.preStage;
    if (!this.robotSeen) return; // human from the start: judged as before
    if (this.human)
      r.stageUnknown = true; // a human replied, the page did not show when it took over
    else r.clockAt = null; // robot-only: not assessed
  }
}

/**
 * Can a thread be cut at `cut` without changing the stage of what follows (see `exactCut`)? The part after a cut
 * starts with no stage known; conservative: no robot message may be in the stretch before the cut (back to its last
 * human sign or session end), and nothing whose reading depends on the stage (a robot message, a transfer) in the
 * stretch after it before a human sign or session end.
 */
export function stageCutSafe(thread: readonly ChatEvent[], cut: number, rule: MetricRule): boolean {
  if (!rule.humanStage) return true;
  const human = (e: ChatEvent) => e.author === 'human' || e.author === 'assist' || e.marker === 'assigned';
  for (let i = cut - 1; i >= 0; i--) {
    const e = thread[i]!;
    if (human(e) || e.marker === 'transfer' || e.marker === 'sessionEnd') break;
    if (e.author === 'robot') return false;
  }
  for (let i = cut; i < thread.length; i++) {
    const e = thread[i]!;
    if (human(e) || e.marker === 'sessionEnd') break;
    if (e.author === 'robot' || e.marker === 'transfer') return false;
  }
  return true;
}
