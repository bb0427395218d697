/**
 * Outsider review 13's seeded chaos against the real ClockPush and ClockListSeq (sim.ts). Worker restarts (1, 2, 5 in a row) with
 * the clock set back or forward; lists held, reordered, duplicated and lost; replies lost; heartbeats lost; frames
 * reloading, going into and out of the back/forward cache; a second frame; two tabs of one shop and tabs of another
 * account and platform; the language changing. At checkpoints everything in flight arrives (dead workers' lists
 * among it), then: (a) one round of clean heartbeats must leave every frame on the live worker's latest list;
 * (b) or, with no heartbeat, one change pushed per account must. Over the whole run no frame goes back within an
 * epoch, and a frame only ever shows exactly a list some worker sent.
 */
import { describe, expect, it } from 'vitest';
import { Frame, Sim, Tab, mulberry32 } from './sim';

/** Seeds per layout and heal (RS_SEEDS for a deep run: outsider review 13 ran 500, all passing). */
const SEEDS = Number(process.env.RS_SEEDS ?? 40);

type Layout = 'one' | 'frames' | 'tabs';
function layout(kind: Layout): Tab[] {
  if (kind === 'one') return [new Tab(7, [new Frame('t7', 'pdd', 'shop-main')])];
  if (kind === 'frames')
    return [new Tab(7, [new Frame('t7top', 'ali1688', 'shop-1688'), new Frame('t7iframe', 'ali1688', 'shop-1688')])];
  return [
    new Tab(7, [new Frame('t7', 'pdd', 'shop-main')]),
    new Tab(8, [new Frame('t8', 'pdd', 'shop-main')]),
    new Tab(9, [new Frame('t9', 'pdd', 'shop-other')]),
    new Tab(10, [new Frame('t10', 'jd', 'shop-main')]),
  ];
}

const stats = { rounds: [0, 0, 0, 0, 0, 0, 0], byChange: [0, 0, 0, 0, 0, 0, 0], takenDead: 0, refusedLive: 0, sent: 0 };

async function run(seed: number, kind: Layout, healBy: 'beat' | 'change') {
  const rnd = mulberry32(seed * 7919 + kind.length);
  const tabs = layout(kind);
  const sim = new Sim(rnd, tabs);
  const frames = tabs.flatMap((t) => t.frames.map((f) => [t, f] as const));
  // The first lists.
  for (const [t, f] of frames) sim.heartbeat(t, f);
  await sim.quiesce();
  const fails: string[] = [];
  for (let step = 1; step <= 120; step++) {
    const a = rnd();
    if (a < 0.3) sim.change();
    else if (a < 0.55 && sim.flights.length) {
      const m = rnd();
      sim.deliver(
        Math.floor(rnd() * sim.flights.length),
        m < 0.08 ? 'lost' : m < 0.14 ? 'lostReply' : m < 0.2 ? 'dup' : 'ok',
      );
    } else if (a < 0.65) {
      const [t, f] = frames[Math.floor(rnd() * frames.length)]!;
      if (rnd() < 0.2) sim.counters.lostHeartbeats++;
      else sim.heartbeat(t, f);
    } else if (a < 0.7) {
      // 1, 2 or 5 restarts in a row, the clock back or forward up to 2 h; the ports reconnect (a health each, some lost).
      const n = [1, 1, 2, 5][Math.floor(rnd() * 4)]!;
      for (let i = 0; i < n; i++) {
        sim.restart(Math.floor((rnd() - 0.6) * 7_200_000));
        if (rnd() < 0.5) sim.change();
        for (const [t, f] of frames) if (rnd() < 0.7) sim.heartbeat(t, f);
        await sim.settle();
        // Some of what is in flight arrives meanwhile.
        while (sim.flights.length && rnd() < 0.4) sim.deliver(Math.floor(rnd() * sim.flights.length));
        await sim.settle();
      }
    } else if (a < 0.74) {
      const [t, f] = frames[Math.floor(rnd() * frames.length)]!;
      f.reload();
      if (rnd() < 0.8) sim.heartbeat(t, f);
    } else if (a < 0.78) {
      const [t, f] = frames[Math.floor(rnd() * frames.length)]!;
      if (f.frozen) {
        f.frozen = false;
        sim.heartbeat(t, f); // restored: the port reconnects, the health goes again
      } else f.frozen = true;
    } else if (a < 0.82) {
      const [t, f] = frames[Math.floor(rnd() * frames.length)]!;
      sim.delay(t, f);
    } else if (a < 0.85 && sim.outbox.length) {
      sim.outbox.shift()!();
    } else if (a < 0.86 && kind !== 'tabs') {
      // The tab's page switches shop (every frame of it); the worker learns it at the next health.
      const t = tabs[0]!;
      for (const f of t.frames) f.account = f.account.endsWith('-alt') ? f.account.slice(0, -4) : `${f.account}-alt`;
      // The health changed: sent at once (Reporter.health).
      for (const f of t.frames) sim.heartbeat(t, f);
    } else if (a < 0.88) {
      sim.view = { ...sim.view, lang: sim.view.lang === 'zh_CN' ? 'en' : 'zh_CN' };
      sim.pushNow();
    }
    await sim.settle();
    if (step % 20 === 0) {
      sim.flushHealth();
      for (const [t, f] of frames)
        if (f.frozen && rnd() < 0.5) {
          f.frozen = false;
          sim.heartbeat(t, f);
        }
      const r = healBy === 'beat' ? await sim.healRounds() : await sim.healByChanges();
      (healBy === 'beat' ? stats.rounds : stats.byChange)[r]!++;
      if (r > 1) fails.push(`step ${step}: ${r} clean ${healBy} rounds to show the live list`);
    }
  }
  stats.takenDead += sim.counters.takenDead;
  stats.refusedLive += sim.counters.refusedLive;
  stats.sent += sim.sent;
  return {
    fails,
    violations: sim.violations,
    back: sim.violations.length,
  };
}

describe('clock lists, seeded chaos: ClockPush × ClockListSeq', () => {
  for (const kind of ['one', 'frames', 'tabs'] as const)
    for (const healBy of ['beat', 'change'] as const)
      it(`${kind}, healed by ${healBy}: never back, never a mix, one clean round heals (${SEEDS} seeds)`, async () => {
        const bad: string[] = [];
        for (let seed = 1; seed <= SEEDS; seed++) {
          const { fails, violations } = await run(seed, kind, healBy);
          for (const x of [...fails, ...violations]) bad.push(`seed ${seed}: ${x}`);
        }
        expect(bad.slice(0, 12)).toEqual([]);
      }, 120_000);
  it('the runs did take dead workers’ lists (so the assertions above test it)', () => {
    expect(stats.takenDead).toBeGreaterThan(0);
  });
});
