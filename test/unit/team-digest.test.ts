/**
 * Team sync's per-wait digests (issue 22: days before yesterday, two agents sharing one account in shifts): the owner
 * view's figures from summaries + digests equal those of all the units, whatever the agents saw and in any order.
 */
import { describe, expect, it } from 'vitest';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import { tallyUnits } from '../../lib/engine/rollup';
import type { RollupRow, UnitResult, UnitRow } from '../../lib/model';
import { digestDocs, digestEntry, hash64, mergeDigests, mergeDigestsCached, parseEntry } from '../../lib/sync/digest';
import { asSyncDoc, summaryDoc, unitDoc, type SyncDoc } from '../../lib/sync/docs';
import { ShopDocs, readDigests, shopView } from '../../lib/sync/shop';
import { AGENT_A, AGENT_B, NOW, unit } from './helpers/team';

const AGENT_C = 'cccccccc-0000-4000-8000-000000000003';
const DAY_MS = 86_400_000;
/** Five days before yesterday (all counted from summaries in a 7-day view at NOW). */
const OLD_DAYS = [2, 3, 4, 5, 6].map((back) => chinaDay(NOW - back * DAY_MS));
const WEEK = [6, 5, 4, 3, 2, 1, 0].map((back) => chinaDay(NOW - back * DAY_MS));

/** A small seeded generator (mulberry32): the same seed, the same days. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shop {
  /** Each agent's stored units (its own copies). */
  units: Map<string, UnitRow[]>;
}

/**
 * Generated older days: A and B share account "shop" in shifts that overlap (a wait in the overlap is seen by both,
 * and one copy may have missed the reply: unknown, or seen it later), C alone has "shop2". Two rules.
 */
function generated(seed: number, waitsPerDay = 40): Shop {
  const rnd = random(seed);
  const units = new Map<string, UnitRow[]>([
    [AGENT_A, []],
    [AGENT_B, []],
    [AGENT_C, []],
  ]);
  const results: UnitResult[] = ['pass', 'fail', 'pending', 'unknown', 'notAssessed'];
  for (const day of OLD_DAYS)
    for (let i = 0; i < waitsPerDay; i++) {
      const metric = rnd() < 0.7 ? 'pdd.manual3min' : 'pdd.reply30s';
      const account = rnd() < 0.75 ? 'shop' : 'shop2';
      const startAt = chinaTime(day, 8) + i * 600_000;
      const buyer = `s${seed}-${i}`;
      const result = results[Math.floor(rnd() * 3)]!; // pass, fail or pending as the truth
      const replyAt = result === 'pending' ? null : startAt + Math.floor(rnd() * 300_000);
      const truth = unit({
        id: `${metric}|pdd|${account}|${buyer}|${startAt}`,
        metric,
        account,
        buyer,
        conv: `pdd|${account}|${buyer}`,
        day,
        startAt,
        dueAt: startAt + 180_000,
        replyAt,
        responseSec: replyAt === null ? null : (replyAt - startAt) / 1000,
        result,
      });
      if (account === 'shop2') {
        units.get(AGENT_C)!.push(truth);
        continue;
      }
      const share = rnd();
      const seers = share < 0.4 ? [AGENT_A] : share < 0.8 ? [AGENT_B] : [AGENT_A, AGENT_B];
      for (const agent of seers) {
        const worse = seers.length > 1 && rnd() < 0.5;
        const copy: UnitRow = !worse
          ? truth
          : rnd() < 0.5
            ? { ...truth, result: results[3 + Math.floor(rnd() * 2)]!, replyAt: null, responseSec: null }
            : replyAt === null
              ? truth
              : { ...truth, replyAt: replyAt + 1_000 + Math.floor(rnd() * 60_000) };
        units.get(agent)!.push(copy);
      }
    }
  return { units };
}

/** What the agents push for older days: summaries (from their rollups) and, optionally, digests. */
function pushed(shop: Shop, withDigests: (agent: string) => boolean = () => true): SyncDoc[] {
  const out: SyncDoc[] = [];
  for (const [agent, list] of shop.units) {
    const rollups = new Map<string, RollupRow>();
    tallyUnits(rollups, list, 1, 0);
    for (const day of OLD_DAYS) {
      const own = [...rollups.values()].filter((r) => r.day === day);
      if (own.length) out.push(summaryDoc(agent, day, own));
      if (withDigests(agent)) out.push(...digestDocs(agent, day, list));
    }
  }
  return out;
}

const allUnits = (shop: Shop) => [...shop.units].flatMap(([agent, list]) => list.map((u) => unitDoc(agent, u)));
const figures = (v: ReturnType<typeof shopView>) => ({
  metrics: v.metrics,
  agents: v.agents.map(({ agent, counts, counted }) => ({ agent, counts, counted })),
});
const total = (v: ReturnType<typeof shopView>) =>
  v.metrics.reduce((n, m) => n + Object.values(m.counts).reduce((a, b) => a + b, 0), 0);

describe('digest entries', () => {
  it('pack a unit (hash, result, reply offset) and read back; malformed entries are refused', () => {
    const u = unit();
    const e = digestEntry(u);
    expect(e).toMatch(/^[0-9a-f]{16}p[0-9a-z]+$/);
    expect(parseEntry(e)).toEqual({ hash: hash64(u.id), result: 'pass', reply: u.replyAt! - u.startAt });
    expect(parseEntry(digestEntry({ ...u, result: 'unknown', replyAt: null }))).toEqual({
      hash: hash64(u.id),
      result: 'unknown',
      reply: null,
    });
    for (const bad of ['', 'xyz', `${hash64(u.id)}q`, `${hash64(u.id)}p!!`, `${hash64(u.id).slice(1)}p1`])
      expect(parseEntry(bad)).toBeUndefined();
    // Distinct ids, distinct hashes (a thousand similar ids).
    const ids = Array.from({ length: 1000 }, (_, i) => `pdd.manual3min|pdd|shop|b${i}|${NOW + i}`);
    expect(new Set(ids.map(hash64)).size).toBe(1000);
  });

  it('one document per rule and account of the day, entries sorted: the same units give the same document', () => {
    const shop = generated(7);
    const list = shop.units.get(AGENT_A)!;
    const docs = digestDocs(AGENT_A, OLD_DAYS[0]!, list);
    const keys = new Set(list.filter((u) => u.day === OLD_DAYS[0]).map((u) => `${u.metric}|${u.account}`));
    expect(docs).toHaveLength(keys.size);
    for (const d of docs) {
      const entries = d.waits.split(',');
      expect(entries).toEqual([...entries].sort());
      expect(asSyncDoc(d)).toBe(d);
    }
    expect(digestDocs(AGENT_A, OLD_DAYS[0]!, [...list].reverse())).toEqual(docs);
    // A damaged digest counts what it can read, never throws.
    expect(mergeDigests([{ agent: AGENT_A, waits: `${docs[0]!.waits},garbage` }]).counts).toEqual(
      mergeDigests([docs[0]!]).counts,
    );
  });
});

describe('digest documents as read', () => {
  it('are refused when their id, rule key and fields disagree (they would count into another figure)', () => {
    const [d] = digestDocs(AGENT_A, OLD_DAYS[0]!, [unit({ day: OLD_DAYS[0]! })]);
    expect(asSyncDoc(d)).toBe(d);
    expect(asSyncDoc({ ...d!, account: 'other' })).toBeUndefined();
    expect(asSyncDoc({ ...d!, rollup: `pdd.reply30s|${OLD_DAYS[0]}|pdd|shop` })).toBeUndefined();
    expect(asSyncDoc({ ...d!, agent: AGENT_B })).toBeUndefined();
    expect(asSyncDoc({ ...d!, day: OLD_DAYS[1] })).toBeUndefined();
    expect(asSyncDoc({ ...d!, waits: 5 })).toBeUndefined();
  });

  it('merged once while they are the same documents; a changed one is merged again', () => {
    const shop = generated(13);
    const key = (d: { rollup: string }) => d.rollup.startsWith('pdd.manual3min') && d.rollup.endsWith('|pdd|shop');
    const list = pushed(shop).filter((d) => d.kind === 'digest' && d.day === OLD_DAYS[0] && key(d)) as ReturnType<
      typeof digestDocs
    >;
    expect(list.length).toBe(2);
    const first = mergeDigestsCached(list);
    expect(first).toEqual(mergeDigests(list));
    expect(mergeDigestsCached([...list].reverse())).toBe(first); // remembered, whatever the order given
    const changed = [{ ...list[0]!, waits: list[0]!.waits.split(',').slice(1).join(',') }, list[1]!];
    const again = mergeDigestsCached(changed);
    expect(again).not.toBe(first);
    expect(again).toEqual(mergeDigests(changed));
  });
});

describe('the shop view of older days from digests', () => {
  it('two agents sharing an account in shifts add up exactly (summaries alone counted one shift)', () => {
    const shop = generated(1);
    const exact = shopView(allUnits(shop), WEEK, WEEK);
    const view = shopView(pushed(shop), WEEK, ['2026-11-19', '2026-11-20']);
    expect(figures(view)).toEqual(figures(exact));
    // Without digests (the known limit before): one agent's copy per rule and account: too few waits.
    const before = shopView(
      pushed(shop, () => false),
      WEEK,
      ['2026-11-19', '2026-11-20'],
    );
    expect(total(before)).toBeLessThan(total(exact));
  });

  it('equals the units for generated days, in any arrival order; a wait seen by both counts once', () => {
    for (const seed of [2, 3, 4, 5, 6]) {
      const shop = generated(seed, 60);
      const exact = figures(shopView(allUnits(shop), WEEK, WEEK));
      const docs = pushed(shop);
      expect(figures(shopView(docs, WEEK, []))).toEqual(exact);
      expect(figures(shopView([...docs].reverse(), WEEK, []))).toEqual(exact);
      // Units of the same days next to them change nothing (the view counts older days from summaries, digests).
      expect(figures(shopView([...docs, ...allUnits(shop)], WEEK, []))).toEqual(exact);
    }
  });

  it('an agent without digests (an older version) on a shared account: that key stays on one copy', () => {
    const shop = generated(9);
    const noB = pushed(shop, (agent) => agent !== AGENT_B);
    expect(figures(shopView(noB, WEEK, []))).toEqual(
      figures(
        shopView(
          pushed(shop, () => false),
          WEEK,
          [],
        ),
      ),
    );
  });

  it('the owner view reads only the digests of shared keys, each once, and then shows the units’ figures', async () => {
    const shop = generated(11);
    const server = new Map(pushed(shop).map((d) => [d._id, d]));
    const asked: string[][] = [];
    const remote = {
      allDocs: async (opts: { keys?: string[] }) => {
        asked.push(opts.keys!);
        return { rows: opts.keys!.flatMap((id) => (server.has(id) ? [{ id, key: id, doc: server.get(id) }] : [])) };
      },
    };
    const docs = new ShopDocs(true);
    for (const d of server.values()) if (d.kind === 'summary') docs.apply(d._id, d);
    const n = await readDigests(remote, docs, OLD_DAYS);
    const ids = asked.flat();
    expect(ids.length).toBe(n);
    expect(ids.every((id) => id.includes('|shop') && !id.includes('|shop2'))).toBe(true); // C's key: not shared
    expect(ids.some((id) => id.includes(AGENT_A)) && ids.some((id) => id.includes(AGENT_B))).toBe(true);
    expect(figures(shopView(docs.docs.values(), WEEK, []))).toEqual(figures(shopView(allUnits(shop), WEEK, WEEK)));
    // Asked again: nothing more (found or not).
    server.clear();
    expect(await readDigests(remote, docs, OLD_DAYS)).toBe(0);
  });
});
