/**
 * Per-account breakdown (main accounts with their `main:sub` sub-accounts) and the missed-buyer list.
 * Buyer level (1688 L1–L6): the adapters do not read it from the pages yet, so there is no breakdown by level;
 * `BUYER_LEVEL_AVAILABLE` says so and the page shows a "not available yet" state instead of inventing one.
 */
import { sum, type Figure } from '../compliance';
import type { RollupRow, UnitRow } from '../model';
import type { Platform } from '../model';
import type { MetricRule, RuleSet } from '../rules/types';
import { isDecided } from '../engine/rollup';
import { quantileOfSorted, waitsOf, type DayStatRow } from './daystats';
import { inScope, primaryMetrics, splitAccount, type Scope } from './scope';
import { quantile } from './trends';

/** No adapter extracts the buyer's level yet (1688 shows L1–L6 to sellers): no per-level figures. */
export const BUYER_LEVEL_AVAILABLE = false;

export interface AccountFigures {
  account: string;
  /** The sub-account name, null for a main account. */
  sub: string | null;
  /** One figure per metric of the platform, in the rules' order. */
  figures: Figure[];
  /** Median first response (seconds) of the primary metric's decided units; Infinity/null as in trends. */
  medianSec: number | null;
}

export interface AccountGroup {
  main: string;
  /** The main account and its sub-accounts summed, per metric. */
  total: Figure[];
  accounts: AccountFigures[];
}

export interface PlatformAccounts {
  platform: Platform;
  metrics: MetricRule[];
  groups: AccountGroup[];
}

/**
 * Figures per platform → main account → account, from the rollups of the scope (the account filter of the
 * scope, if any, applies). `units` (optional) add the median first response per account.
 */
export function accountBreakdown(
  rules: RuleSet,
  rows: readonly RollupRow[],
  units: readonly UnitRow[],
  scope: Scope,
): PlatformAccounts[] {
  const primary = primaryMetrics(rules);
  const waits = new Map<string, number[]>();
  for (const u of units) {
    if (!primary.has(u.metric) || !inScope(u, scope) || !isDecided(u.result)) continue;
    const k = `${u.platform}|${u.account}`;
    const v = u.responseSec ?? Infinity;
    const list = waits.get(k);
    if (list) list.push(v);
    else waits.set(k, [v]);
  }
  return breakdown(rules, rows, scope, (key) =>
    quantile(
      [...(waits.get(key) ?? [])].sort((a, b) => a - b),
      0.5,
    ),
  );
}

/** `accountBreakdown` with the medians from the per-day aggregates (`dayStats`) instead of the units. */
export function accountBreakdownFromStats(
  rules: RuleSet,
  rows: readonly RollupRow[],
  stats: readonly DayStatRow[],
  scope: Scope,
): PlatformAccounts[] {
  const primary = primaryMetrics(rules);
  const waits = new Map<string, Float64Array[]>();
  for (const r of stats) {
    if (!primary.has(r.metric) || !inScope(r, scope)) continue;
    const k = `${r.platform}|${r.account}`;
    const values = waitsOf(r);
    if (!values) continue; // not a well-formed row (the reads give only checked ones)
    const list = waits.get(k);
    if (list) list.push(values);
    else waits.set(k, [values]);
  }
  return breakdown(rules, rows, scope, (key) => quantileOfSorted(waits.get(key) ?? [], 0.5));
}

function breakdown(
  rules: RuleSet,
  rows: readonly RollupRow[],
  scope: Scope,
  medianOf: (key: string) => number | null,
): PlatformAccounts[] {
  const out: PlatformAccounts[] = [];
  for (const p of Object.values(rules.platforms)) {
    const byAccount = new Map<string, RollupRow[]>();
    for (const r of rows) {
      if (r.platform !== p.platform || !inScope(r, scope)) continue;
      if (!p.metrics.some((m) => m.key === r.metric)) continue;
      const list = byAccount.get(r.account);
      if (list) list.push(r);
      else byAccount.set(r.account, [r]);
    }
    if (!byAccount.size) continue;
    // A retired metric (computed no more) is a column only where the scope holds its stored history.
    const kept = new Set([...byAccount.values()].flat().map((r) => r.metric));
    const metrics = p.metrics.filter((m) => m.retired === undefined || kept.has(m.key));
    const groups = new Map<string, { rows: RollupRow[]; accounts: AccountFigures[] }>();
    for (const [account, list] of [...byAccount].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const { main, sub } = splitAccount(account);
      const g = groups.get(main) ?? { rows: [], accounts: [] };
      groups.set(main, g);
      g.rows.push(...list);
      g.accounts.push({
        account,
        sub,
        figures: metrics.map((m) => sum(list.filter((r) => r.metric === m.key))),
        medianSec: medianOf(`${p.platform}|${account}`),
      });
    }
    out.push({
      platform: p.platform,
      metrics,
      groups: [...groups].map(([main, g]) => ({
        main,
        total: metrics.map((m) => sum(g.rows.filter((r) => r.metric === m.key))),
        // The main account first, then its sub-accounts by name.
        accounts: g.accounts.sort((a, b) => (a.sub === null ? -1 : b.sub === null ? 1 : a.sub < b.sub ? -1 : 1)),
      })),
    });
  }
  return out;
}

export interface MissedBuyer {
  id: string;
  platform: Platform;
  account: string;
  buyer: string;
  buyerNick?: string;
  metric: string;
  day: string;
  /** The buyer message that started the wait. */
  startAt: number;
  dueAt: number | null;
  /** The late reply, or null when none was seen. */
  replyAt: number | null;
  /** Seconds past the deadline when the reply came; null when never answered. */
  lateSec: number | null;
}

/** Buyers who waited too long (failed units of the primary metrics in the scope), newest first. */
export function missedBuyers(rules: RuleSet, units: readonly UnitRow[], scope: Scope): MissedBuyer[] {
  const primary = primaryMetrics(rules);
  return units
    .filter((u) => u.result === 'fail' && primary.has(u.metric) && inScope(u, scope))
    .map((u) => ({
      id: u.id,
      platform: u.platform,
      account: u.account,
      buyer: u.buyer,
      ...(u.buyerNick !== undefined && { buyerNick: u.buyerNick }),
      metric: u.metric,
      day: u.day,
      startAt: u.startAt,
      dueAt: u.dueAt,
      replyAt: u.replyAt,
      lateSec: u.replyAt !== null && u.dueAt !== null ? Math.max(0, (u.replyAt - u.dueAt) / 1000) : null,
    }))
    .sort((a, b) => b.startAt - a.startAt || (a.id < b.id ? -1 : 1));
}
