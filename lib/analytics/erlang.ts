/**
 * Erlang C (M/M/N queue): how many agents keep the wait under a target, from an arrival rate and a handling
 * time. The model assumes inquiries arrive at random (Poisson), each takes one agent for an exponentially
 * distributed handling time, and waiting buyers are served in order without giving up.
 *
 * - offered load A = λ × AHT (Erlangs: agent-hours of work per hour);
 * - C(N, A) = probability that an inquiry has to wait at all (needs N > A; otherwise the queue grows forever);
 * - P(wait > t) = C(N, A) × e^(−(N − A) × t / AHT);
 * - service level = 1 − P(wait > t).
 *
 * Agents hold several chats at once: the queue's servers are chat places, N of them, and an agent who keeps
 * `chatsPerAgent` chats open is that many places, so the team is ⌈N / chatsPerAgent⌉ agents (1: one chat at a time).
 */

/** Erlang B (blocking probability) by the stable recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)). */
export function erlangB(agents: number, load: number): number {
  check(agents, load);
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (load * b) / (n + load * b);
  return b;
}

/** Erlang C: the probability that an inquiry waits at all; 1 when the agents cannot keep up (N ≤ A). */
export function erlangC(agents: number, load: number): number {
  check(agents, load);
  if (load === 0) return 0;
  if (agents <= load) return 1;
  const b = erlangB(agents, load);
  return (agents * b) / (agents - load * (1 - b));
}

/** P(wait > t seconds) with `agents` agents, offered `load` Erlangs and a mean handling time of `ahtSec`. */
export function waitProbability(agents: number, load: number, ahtSec: number, tSec: number): number {
  if (!(ahtSec > 0)) throw new Error(`handling time must be > 0 seconds: ${ahtSec}`);
  if (!(tSec >= 0)) throw new Error(`target wait must be ≥ 0 seconds: ${tSec}`);
  const c = erlangC(agents, load);
  if (c === 1 && agents <= load) return 1;
  return c * Math.exp((-(agents - load) * tSec) / ahtSec);
}

function check(agents: number, load: number): void {
  if (!Number.isInteger(agents) || agents < 0) throw new Error(`agents must be a whole number ≥ 0: ${agents}`);
  if (!(load >= 0) || !Number.isFinite(load)) throw new Error(`load must be a finite number ≥ 0: ${load}`);
}

export interface StaffingNeed {
  /** Smallest number of agents that meets the target (0 when nothing arrives): ⌈chats / chatsPerAgent⌉. */
  agents: number;
  /** Chat places (the queue's servers) that meet the target: agents × the chats each holds, at most. */
  chats: number;
  /** Offered load in Erlangs (λ × AHT). */
  load: number;
  /** Service level reached with `agents`: the share answered within the target wait. */
  serviceLevel: number;
  /** Share of the chat places' time spent handling (A / N). */
  occupancy: number;
}

/**
 * The smallest number of agents for which P(wait > targetSec) ≤ 1 − targetLevel.
 * `perHour` is the arrival rate (inquiries per hour), `ahtSec` the mean handling time per inquiry, `chatsPerAgent`
 * the chats one agent holds at once (a whole number 1–20).
 * Throws when the target cannot be met with `maxAgents` (a clear error rather than a wrong number).
 */
export function agentsNeeded(
  perHour: number,
  ahtSec: number,
  targetSec: number,
  targetLevel: number,
  maxAgents = 500,
  chatsPerAgent = 1,
): StaffingNeed {
  if (!Number.isInteger(chatsPerAgent) || chatsPerAgent < 1 || chatsPerAgent > 20)
    throw new Error(`chats per agent must be a whole number 1–20: ${chatsPerAgent}`);
  if (!(perHour >= 0) || !Number.isFinite(perHour)) throw new Error(`arrival rate must be ≥ 0 per hour: ${perHour}`);
  if (!(ahtSec > 0) || !Number.isFinite(ahtSec)) throw new Error(`handling time must be > 0 seconds: ${ahtSec}`);
  if (!(targetLevel > 0 && targetLevel < 1)) throw new Error(`service level must be between 0 and 1: ${targetLevel}`);
  if (!(targetSec >= 0)) throw new Error(`target wait must be ≥ 0 seconds: ${targetSec}`);
  const load = (perHour * ahtSec) / 3600;
  if (load === 0) return { agents: 0, chats: 0, load: 0, serviceLevel: 1, occupancy: 0 };
  // Fewer than ⌈A⌉ places can never keep up; start just above the load.
  for (let n = Math.max(1, Math.floor(load) + 1); n <= maxAgents * chatsPerAgent; n++) {
    const sl = 1 - waitProbability(n, load, ahtSec, targetSec);
    // A tiny tolerance so that a service level equal to the target (up to rounding) counts as met.
    if (sl >= targetLevel - 1e-12)
      return { agents: Math.ceil(n / chatsPerAgent), chats: n, load, serviceLevel: sl, occupancy: load / n };
  }
  throw new Error(`more than ${maxAgents} agents would be needed (load ${load.toFixed(1)} Erlangs)`);
}
