/**
 * How long settled clocks stay in view, shared by the background (toolbar badge, in-memory mirror) and the popup's
 * queue. A tiny module of its own: the popup's first-read script must not pull in the background.
 */

/** A breached buyer stays on the badge and in the queue for this long unless answered. */
export const BREACH_SHOWN_MS = 12 * 3600_000;
/** Unknown clocks stay in the queue (and the background re-examines them: late coverage may settle them) this long. */
export const UNKNOWN_SHOWN_MS = 60 * 60_000;
