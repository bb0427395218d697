/** What the platforms' rules (lib/platforms/<id>/rules.ts) share. */

/** Minutes after midnight. */
export const hm = (h: number, m = 0): number => h * 60 + m;
export const HUMAN = ['human'] as const;
export const HUMAN_ASSIST = ['human', 'assist'] as const;
/** Seed 001: human replies, 店小蜜 smart replies and 7x24H smart-response replies (robot); never auto-replies. */
export const HUMAN_ASSIST_SMART = ['human', 'assist', 'robot'] as const;
