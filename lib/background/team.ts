/**
 * The team view's background side: this installation's agent id, merging another agent's export into the team
 * rollups, removing a source. Plain functions over the database; `Sentinel` runs them in its serial queue.
 */
import { AGENT_ID, planImport, type ExportBundle, type TeamDecision } from '../analytics/team';
import type { SentinelDB } from '../db/schema';
import type { RollupRow } from '../model';

/** How many of a team import's decisions (whose copy of a row counts) its reply lists; the count is always given. */
export const TEAM_DECISIONS_SHOWN = 50;

const AGENT_ID_KEY = 'agentId';

export type TeamImportReply =
  | {
      ok: true;
      added: number;
      replaced: number;
      kept: number;
      /** The first TEAM_DECISIONS_SHOWN of the plan's decisions (whose copy of a row counts), and how many. */
      decisions: TeamDecision[];
      decisionCount: number;
    }
  | { ok: false; error: string };

/**
 * This installation's id for team exports and team sync (`meta.agentId`), created on first use (a malformed one is
 * replaced). Read and created in one read-write transaction: callers at the same time (the first push and the
 * settings page's status read) wait for each other and all get the one id stored, never one each.
 */
export async function agentId(db: SentinelDB): Promise<string> {
  const stored = (row: { value: unknown } | undefined) =>
    typeof row?.value === 'string' && AGENT_ID.test(row.value) ? row.value : undefined;
  const known = stored(await db.meta.get(AGENT_ID_KEY));
  if (known) return known;
  return db.transaction('rw', db.meta, async () => {
    const now = stored(await db.meta.get(AGENT_ID_KEY));
    if (now) return now;
    const id = crypto.randomUUID();
    await db.meta.put({ key: AGENT_ID_KEY, value: id });
    return id;
  });
}

/**
 * Merges another agent's export (already validated by `parseExport`) into the team view, in one transaction:
 * rows keyed by (source, rollup id), replaced rather than added again (a stored row newer than the file's is
 * kept). Our own export (`own`: this installation's agent id) is refused. The reply says which copy won wherever a
 * row came more than once: the stored copy of the same source, or (in the team view) another source's or our own
 * row of the same id.
 */
export async function importTeam(
  db: SentinelDB,
  bundle: ExportBundle,
  own: string,
  now: number,
): Promise<TeamImportReply> {
  if (bundle.source.id === own) return { ok: false, error: 'this file is this computer’s own export' };
  return db.transaction('rw', db.teamRollups, db.rollups, async () => {
    const stored = await db.teamRollups.bulkGet(bundle.rollups.map((r) => [bundle.source.id, r.id]));
    // The other copies of the file's rows: other sources' (by the [metric+day] index) and ours.
    const days = new Map<string, [string, string]>();
    for (const r of bundle.rollups) days.set(`${r.metric}|${r.day}`, [r.metric, r.day]);
    const others = await db.teamRollups
      .where('[metric+day]')
      .anyOf([...days.values()])
      .toArray();
    const ownRows = (await db.rollups.bulkGet(bundle.rollups.map((r) => r.id))).filter(
      (r): r is RollupRow => r !== undefined,
    );
    const plan = planImport(bundle, stored, now, { ownSource: own, own: ownRows, others });
    if (plan.put.length) await db.teamRollups.bulkPut(plan.put);
    return {
      ok: true as const,
      added: plan.added,
      replaced: plan.replaced,
      kept: plan.kept,
      decisions: plan.decisions.slice(0, TEAM_DECISIONS_SHOWN),
      decisionCount: plan.decisions.length,
    };
  });
}

/** Removes everything imported from one source; returns how many rows went. */
export function removeTeamSource(db: SentinelDB, source: string): Promise<number> {
  return db.teamRollups.where('source').equals(source).delete();
}
