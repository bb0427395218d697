/**
 * Team sync's per-wait digests (issue 22: days before yesterday, two agents sharing one account in shifts): the owner
 * view's figures from summaries + digests equal those of all the units, whatever the agents saw and in any order.
 */
import { describe, expect, it } from 'vitest';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import { tallyUnits } from '../../lib/engine/rollup';
import type { RollupRow, UnitResult, UnitRow } from '../../lib/model';
import {
  DIGEST_MAX_BYTES,
  digestDocs,
  digestEntry,
  hash64,
  mergeDigests,
  mergeDigestsCached,
  parseEntry,
  wholeDigest,
} from '../../lib/sync/digest';
import {
  asSyncDoc,
  digestDocId,
  digestPartId,
  jsonBytes,
  utf8Bytes,
  summaryDoc,
  unitDoc,
  type DigestDoc,
  type DigestPartDoc,
  type SyncDoc,
} from '../../lib/sync/docs';
import { ShopDocs, readDigests, shopView } from '../../lib/sync/shop';
import { AGENT_A, AGENT_B, NOW, unit } from './helpers/team';
import { mulberry32 as random } from './helpers/random';

const AGENT_C = 'cccccccc-0000-4000-8000-000000000003';
const DAY_MS = 86_400_000;
/** Five days before yesterday (all counted from summaries in a 7-day view at NOW). */
const OLD_DAYS = [2, 3, 4, 5, 6].map((back) => chinaDay(NOW - back * DAY_MS));
const WEEK = [6, 5, 4, 3, 2, 1, 0].map((back) => chinaDay(NOW - back * DAY_MS));

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

/** What the agents push for older days: summaries (from their rollups) and, optionally, digests (`maxBytes`: split). */
function pushed(shop: Shop, withDigests: (agent: string) => boolean = () => true, maxBytes?: number): SyncDoc[] {
  const out: SyncDoc[] = [];
  for (const [agent, list] of shop.units) {
    const rollups = new Map<string, RollupRow>();
    tallyUnits(rollups, list, 1, 0);
    for (const day of OLD_DAYS) {
      const own = [...rollups.values()].filter((r) => r.day === day);
      if (own.length) out.push(summaryDoc(agent, day, own));
      if (withDigests(agent)) out.push(...digestDocs(agent, day, list, maxBytes));
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

/**
 * The server's documents read by id (`_all_docs` with `keys`, as `readDigests` asks), each request's ids kept in
 * `asked`; and an owner view's documents holding the server's summaries (the first screen's).
 */
function keyedServer(server: Map<string, SyncDoc>) {
  const asked: string[][] = [];
  const remote = {
    allDocs: async (opts: { keys?: string[] }) => {
      asked.push(opts.keys!);
      return { rows: opts.keys!.flatMap((id) => (server.has(id) ? [{ id, key: id, doc: server.get(id) }] : [])) };
    },
  };
  const docs = new ShopDocs(true);
  for (const d of server.values()) if (d.kind === 'summary') docs.apply(d._id, d);
  return { remote, asked, docs };
}

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
    const { remote, asked, docs } = keyedServer(server);
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

  it('a request that failed is asked again by the next read (its ids and the ones after it), then counted', async () => {
    const shop = generated(11);
    const server = new Map(pushed(shop).map((d) => [d._id, d]));
    const { remote, asked, docs } = keyedServer(server);
    let failing = true;
    const flaky = {
      allDocs: (opts: { keys?: string[] }) => (failing ? Promise.reject(new Error('boom')) : remote.allDocs(opts)),
    };
    await expect(readDigests(flaky, docs, OLD_DAYS)).rejects.toThrow('boom');
    expect(asked).toHaveLength(0);
    failing = false;
    const n = await readDigests(flaky, docs, OLD_DAYS);
    expect(n).toBeGreaterThan(0);
    expect(asked.flat()).toHaveLength(n);
    expect(figures(shopView(docs.docs.values(), WEEK, []))).toEqual(figures(shopView(allUnits(shop), WEEK, WEEK)));
  });
});

describe('digests above the size limit (pushed in parts)', () => {
  /** A 1 kB limit: ~30 entries a part, so A's busiest key of a 300-wait day (~100 waits) is 3 parts or more. */
  const LIMIT = 1024;
  const parts = (docs: SyncDoc[]) => docs.filter((d): d is DigestPartDoc => d.kind === 'digestPart');
  /** A's split digest of the busiest key of the first older day, its parts by number. */
  const splitKey = (docs: SyncDoc[]) => {
    const p = parts(docs).filter((d) => d.agent === AGENT_A && d.day === OLD_DAYS[0]);
    const most = p.reduce((a, b) => (b.parts > a.parts ? b : a));
    return p.filter((d) => d.rollup === most.rollup).sort((a, b) => a.part - b.part);
  };
  const without = (docs: SyncDoc[], gone: readonly SyncDoc[]) => docs.filter((d) => !gone.includes(d));

  it('a large day is split into parts within the limit (ids deterministic); merged, the units’ figures', () => {
    const shop = generated(21, 300);
    const docs = pushed(shop, () => true, LIMIT);
    const split = splitKey(docs);
    expect(split.length).toBeGreaterThanOrEqual(3);
    for (const d of parts(docs)) {
      expect(jsonBytes(d)).toBeLessThanOrEqual(LIMIT);
      expect(asSyncDoc(d)).toBe(d);
    }
    // Part 0 has the digest's own id (the owner view's read by id finds it), the others theirs.
    expect(split.map((d) => d._id)).toEqual(split.map((d, i) => digestPartId(d.day, AGENT_A, d, i)));
    expect(split[0]!._id).toBe(digestDocId(split[0]!.day, AGENT_A, split[0]!));
    expect(new Set(split.map((d) => d.set)).size).toBe(1);
    // The parts hold the whole digest's entries, in order, once each.
    const whole = digestDocs(AGENT_A, split[0]!.day, shop.units.get(AGENT_A)!, Infinity).find(
      (d) => d.rollup === split[0]!.rollup,
    )!;
    expect(split.map((d) => d.waits).join(',')).toBe(whole.waits);
    // The same units in another order: the same documents (a retry writes nothing new).
    const again = pushed({ units: new Map([...shop.units].map(([a, l]) => [a, [...l].reverse()])) }, () => true, LIMIT);
    expect(again).toEqual(docs);
    // Merged: the units' figures, whatever order the parts arrive in.
    const exact = figures(shopView(allUnits(shop), WEEK, WEEK));
    expect(figures(shopView(docs, WEEK, []))).toEqual(exact);
    expect(figures(shopView([...docs].reverse(), WEEK, []))).toEqual(exact);
    const rnd = random(5);
    const shuffled = docs
      .map((d) => ({ d, k: rnd() }))
      .sort((a, b) => a.k - b.k)
      .map(({ d }) => d);
    expect(figures(shopView(shuffled, WEEK, []))).toEqual(exact);
    // Below the limit, a digest is one document as before (what older versions pushed and read).
    expect(parts(pushed(shop))).toEqual([]);
    expect(
      pushed(shop)
        .filter((d) => d.kind === 'digest')
        .every((d) => jsonBytes(d) <= DIGEST_MAX_BYTES),
    ).toBe(true);
  });

  it('a part missing, of another push, or damaged: that agent has no digest of the key, which counts one copy', () => {
    const shop = generated(22, 300);
    const docs = pushed(shop, () => true, LIMIT);
    const split = splitKey(docs);
    // What the view shows when A has no digest of that key at all (one copy, as before digests).
    const fallback = figures(shopView(without(docs, split), WEEK, []));
    expect(fallback).not.toEqual(figures(shopView(docs, WEEK, [])));
    for (const broken of [
      without(docs, [split[1]!]), // a part not (yet) there
      without(docs, [split[0]!]), // part 0 not there: the others name no whole
      without(docs, [split.at(-1)!]),
      // A part of another push of that day (its `set` differs): the whole is not there.
      [...without(docs, [split[1]!]), { ...split[1]!, set: hash64('another push') }],
      // A damaged part (its entries are not those its `set` names).
      [...without(docs, [split[1]!]), { ...split[1]!, waits: split[1]!.waits.split(',').slice(1).join(',') }],
      // Part 0 saying there are more parts than there are.
      [...without(docs, [split[0]!]), { ...split[0]!, parts: split.length + 1 }],
    ])
      expect(figures(shopView(broken, WEEK, []))).toEqual(fallback);
  });

  it('a day that shrank from 3 parts to 1: parts of the older push still there count nothing', () => {
    const shop = generated(23, 300);
    const before = pushed(shop, () => true, LIMIT);
    const split = splitKey(before);
    expect(split.length).toBeGreaterThanOrEqual(3);
    // A's units of that key that day, all but 20 gone (a late reconciliation): one document again.
    let kept = 0;
    const units = shop.units
      .get(AGENT_A)!
      .filter((u) => `${u.metric}|${u.day}|${u.platform}|${u.account}` !== split[0]!.rollup || kept++ < 20);
    const smaller = { units: new Map(shop.units).set(AGENT_A, units) };
    const after = pushed(smaller, () => true, LIMIT);
    const now = after.find((d) => d._id === split[0]!._id)!;
    expect(now.kind).toBe('digest');
    expect(after.some((d) => split.slice(1).some((p) => p._id === d._id))).toBe(false);
    // The owner holds the new digest and, until their deletions arrive, the old parts 1 and 2: the new figures.
    const exact = figures(shopView(allUnits(smaller), WEEK, WEEK));
    expect(figures(shopView([...after, ...split.slice(1)], WEEK, []))).toEqual(exact);
    expect(figures(shopView([...split.slice(1), ...after].reverse(), WEEK, []))).toEqual(exact);
  });

  it('parts as read: refused when their numbers, hash or id disagree', () => {
    const shop = generated(24, 300);
    const [p0, p1] = splitKey(pushed(shop, () => true, LIMIT));
    expect(asSyncDoc(p1)).toBe(p1);
    for (const bad of [
      { ...p1!, part: 0 }, // its id is part 1's
      { ...p1!, parts: 1 },
      { ...p1!, part: p1!.parts },
      { ...p1!, part: 1.5 },
      { ...p1!, set: 'xyz' },
      { ...p0!, parts: 100_000, _id: p0!._id },
      { ...p1!, account: 'other' },
      { ...p1!, waits: undefined },
    ])
      expect(asSyncDoc(bad)).toBeUndefined();
    // A whole digest at a part's id is refused too (it would count beside part 0).
    expect(asSyncDoc({ ...p1!, kind: 'digest' })).toBeUndefined();
    // Remembered while the same objects: the same whole object (so the merge after it is remembered too).
    const split = splitKey(pushed(shop, () => true, LIMIT));
    const w = wholeDigest(split);
    expect(w).toBeDefined();
    expect(wholeDigest([...split].reverse())).toBe(w);
    expect(wholeDigest(split.slice(1))).toBeUndefined();
  });

  it('the owner view reads a split digest’s other parts after its part 0, once, then shows the units’ figures', async () => {
    const shop = generated(25, 300);
    const server = new Map(pushed(shop, () => true, LIMIT).map((d) => [d._id, d]));
    const { remote, asked, docs } = keyedServer(server);
    const n = await readDigests(remote, docs, OLD_DAYS);
    const ids = asked.flat();
    expect(ids.length).toBe(n);
    expect(new Set(ids).size).toBe(ids.length); // each once
    // The other parts: asked after the digests' own ids, which found their part 0.
    const later = ids.filter((id) => id.includes('|#'));
    expect(later.length).toBeGreaterThan(0);
    expect(ids.indexOf(later[0]!)).toBeGreaterThan(
      ids.indexOf(digestDocId(splitKey([...server.values()])[0]!.day, AGENT_A, splitKey([...server.values()])[0]!)),
    );
    expect(figures(shopView(docs.docs.values(), WEEK, []))).toEqual(figures(shopView(allUnits(shop), WEEK, WEEK)));
    expect(await readDigests(remote, docs, OLD_DAYS)).toBe(0);
  });

  it('sizes are the JSON’s UTF-8 bytes (account names are Chinese)', () => {
    expect(utf8Bytes('abc')).toBe(3);
    expect(utf8Bytes('é')).toBe(2);
    expect(utf8Bytes('演示旗舰店')).toBe(15);
    expect(utf8Bytes('😀')).toBe(4);
    const u = unit({ account: '演示旗舰店', day: OLD_DAYS[0]! });
    const many = Array.from({ length: 200 }, (_, i) => ({ ...u, id: `${u.id}-${i}` }));
    const docs = digestDocs(AGENT_A, OLD_DAYS[0]!, many, 1024) as (DigestDoc | DigestPartDoc)[];
    expect(docs.length).toBeGreaterThan(2);
    for (const d of docs) expect(new TextEncoder().encode(JSON.stringify(d)).length).toBeLessThanOrEqual(1024);
  });
});
