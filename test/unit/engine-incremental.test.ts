import { describe, expect, it } from 'vitest';
import { evaluate, type EngineInput } from '../../lib/engine';
import { carryWeight, evaluateCarried, type Carry } from '../../lib/engine/incremental';
import { threadCompare, threadOrder } from '../../lib/engine/rounds';
import { chinaDayStart, chinaDay } from '../../lib/engine/time';
import type { Author, ChatEvent, CoverageSpan, Platform } from '../../lib/model';
import { effectiveRules } from '../../lib/rules';
import type { RuleSet } from '../../lib/rules/types';
import { prng } from '../../scripts/bench/synth';
import { t } from './helpers/events';

const RULES = effectiveRules(undefined);
const PLATFORMS = Object.keys(RULES.platforms) as Platform[];

/** The same rules with daily windows (one of them across midnight), so rounds outside them are not assessed. */
function windowed(rules: RuleSet): RuleSet {
  const out = structuredClone(rules);
  for (const p of Object.values(out.platforms))
    p.metrics.forEach((m, i) => {
      m.window = i % 2 ? { startMin: 22 * 60, endMin: 9 * 60 } : { startMin: 8 * 60, endMin: 21 * 60 + 30 };
    });
  return { ...out, version: `${rules.version}-windowed` };
}
const WINDOWED = windowed(RULES);

const AUTHORS: Author[] = [
  'buyer',
  'buyer',
  'buyer',
  'human',
  'human',
  'assist',
  'robot',
  'auto',
  'system',
  'internal',
];

/**
 * A seeded random life of one conversation: mostly messages appended (a few at a time), sometimes one out of order
 * (before the last), a message replaced by a copy with another time, a message deleted, the day's cut moved (the
 * input from a China midnight on), the rules changed; `now` and the coverage move at every step. At every step the
 * carried evaluation must equal a whole `evaluate` of the same input.
 */
function life(platform: Platform, seed: number, steps: number, check: (input: EngineInput, step: string) => void) {
  const next = prng(seed);
  const rand = (k: number) => Math.floor(next() * k);
  let at = t('20:00:00', '2026-11-17');
  let n = 0;
  let thread: ChatEvent[] = [];
  let rules = RULES;
  const coverage: CoverageSpan[] = [];
  let cutBack = rand(3);
  const make = (when: number, extra: Partial<ChatEvent> = {}): ChatEvent => {
    const author = AUTHORS[rand(AUTHORS.length)]!;
    const system = author === 'system' || author === 'internal';
    return {
      platform,
      account: 'shop',
      buyer: 'b',
      messageId: `m${n++}`,
      author,
      at: when,
      timeSource: 'stamp',
      observedAt: when + (rand(10) === 0 ? 3600_000 * rand(20) : 0),
      ...(system && rand(2) === 0 && { marker: (['sessionEnd', 'transfer', 'assigned'] as const)[rand(3)] }),
      ...(rand(3) === 0 && { text: `text ${n}` }),
      ...(author === 'buyer' && rand(4) === 0 && { buyerNick: `nick${rand(3)}` }),
      ...(rand(10) === 0 && { shop: `shop ${rand(2)}` }),
      ...(author === 'buyer' && rand(25) === 0 && { atLatest: when + 60_000 }),
      ...(author === 'buyer' && rand(25) === 0 && { timeSource: 'counter' as const, at: when - (when % 1000) }),
      ...(author === 'buyer' && rand(30) === 0 && { seenAt: when + 600_000 * rand(6) }),
      ...(author !== 'buyer' && !system && rand(12) === 0 && { perfunctory: true }),
      ...(author !== 'buyer' && !system && rand(40) === 0 && { atLatest: when + 90_000 }),
      ...(rand(4) === 0 && { atPrecisionMs: 60_000 }),
      ...extra,
    };
  };
  for (let s = 0; s < steps; s++) {
    const op = rand(40);
    let what = 'append';
    if (op === 0 && thread.length > 2) {
      what = 'out of order';
      const back = thread[thread.length - 1 - rand(Math.min(5, thread.length))]!;
      thread = threadOrder([...thread, make(back.at - 1000 * rand(30))]);
    } else if (op === 1 && thread.length > 2) {
      what = 'replaced';
      const old = thread[rand(thread.length)]!;
      const copy = { ...old, at: old.at + 1000 * (rand(60) - 30), timeSource: 'id' as const };
      delete copy.atLatest;
      thread = threadOrder(thread.filter((e) => e !== old).concat(copy));
    } else if (op === 2 && thread.length > 2) {
      what = 'deleted';
      const gone = thread[rand(thread.length)]!;
      thread = thread.filter((e) => e !== gone);
    } else if (op === 3) {
      what = 'rules';
      rules = rules === RULES ? WINDOWED : RULES;
    } else if (op === 4) {
      what = 'cut';
      cutBack = rand(3);
    } else {
      // Appended: after the last message, seconds to hours later (nights included: day boundaries).
      const added: ChatEvent[] = [];
      for (let k = 1 + rand(3); k > 0; k--) {
        at += rand(5) === 0 ? 0 : 1000 * (rand(8) === 0 ? rand(6 * 3600) : rand(400));
        const e = make(at, { observedAt: Math.max(at, thread.at(-1)?.observedAt ?? 0) + 1 });
        added.push(e);
      }
      const last = thread.at(-1);
      // Kept an append only when it sorts after the thread (as the background's thread cache appends).
      thread = !last || threadCompare(last, added[0]!) < 0 ? thread.concat(added) : threadOrder([...thread, ...added]);
    }
    if (rand(3) === 0) coverage.push({ platform, account: 'shop', from: at - 1000 * rand(3600), to: at + 60_000 });
    const now = at + 1000 * rand(900);
    // The background's cut: the thread from a China midnight on (today's, yesterday's) or whole.
    let events: readonly ChatEvent[] = thread;
    if (cutBack < 2 && thread.length) {
      const midnight = chinaDayStart(chinaDay(now - cutBack * 86_400_000));
      const i = thread.findIndex((e) => e.at >= midnight);
      events = i < 0 ? [] : thread.slice(i);
    }
    check(
      { events, coverage: [...coverage], rules, now, alertLeadSec: 60 },
      `${platform} seed ${seed} step ${s} ${what}`,
    );
  }
}

describe('evaluateCarried (the engine carried from intake to intake)', () => {
  it('equals a whole evaluate at every step of random conversations, carrying most steps', () => {
    let carriedSteps = 0;
    let steps = 0;
    for (const platform of PLATFORMS)
      for (let seed = 1; seed <= 8; seed++) {
        let carry: Carry | undefined;
        life(platform, seed * 7919 + platform.length, 200, (input, step) => {
          const r = evaluateCarried(input, carry);
          const whole = evaluate(input);
          expect(r.out, step).toStrictEqual(whole);
          carry = r.carry;
          steps++;
          if (r.carried > 0) carriedSteps++;
        });
      }
    // The carried path must be the one mostly taken (else this test would compare evaluate with itself).
    expect(carriedSteps / steps).toBeGreaterThan(0.5);
  }, 120_000);

  it('is built anew when the input is not an append of the carried one', () => {
    const e = (id: string, at: number, author: Author = 'buyer'): ChatEvent => ({
      platform: 'pdd',
      account: 'shop',
      buyer: 'b',
      messageId: id,
      author,
      at,
      timeSource: 'id',
      observedAt: at,
    });
    const base = [e('a', t('10:00:00')), e('b', t('10:01:00'), 'human'), e('c', t('10:05:00'))];
    const input = { coverage: [], rules: RULES, now: t('10:06:00'), alertLeadSec: 60 };
    const first = evaluateCarried({ ...input, events: base }, undefined);
    expect(first.carried).toBe(0);
    const appended = evaluateCarried({ ...input, events: [...base, e('d', t('10:07:00'), 'human')] }, first.carry);
    expect(appended.carried).toBe(3);
    // The same message again (a duplicate id), a copy of an earlier one, other rules: all built anew or whole.
    const dup = [...base, e('d', t('10:07:00'), 'human'), e('d', t('10:08:00'), 'human')];
    const again = evaluateCarried({ ...input, events: dup }, appended.carry);
    expect(again.carry).toBeUndefined();
    expect(again.out).toStrictEqual(evaluate({ ...input, events: dup }));
    const moved = [{ ...base[0]! }, ...base.slice(1)];
    const fresh = evaluateCarried({ ...input, events: moved }, first.carry);
    expect(fresh.carried).toBe(0);
    const other = evaluateCarried({ ...input, rules: WINDOWED, events: base }, fresh.carry);
    expect(other.carried).toBe(0);
    expect(other.out).toStrictEqual(evaluate({ ...input, rules: WINDOWED, events: base }));
    // A caller that vouches for unique ids (the worker): no set of them held, still carried and equal.
    const vouched = evaluateCarried({ ...input, events: base }, undefined, { uniqueIds: true });
    expect(vouched.carry?.ids).toBeUndefined();
    const next = [...base, e('d', t('10:07:00'), 'human')];
    const on = evaluateCarried({ ...input, events: next }, vouched.carry, { uniqueIds: true });
    expect(on.carried).toBe(3);
    expect(on.out).toStrictEqual(evaluate({ ...input, events: next }));
    // Such a carry is not resumed by a caller that does not vouch: the repeated id is still refused.
    const unvouched = evaluateCarried({ ...input, events: [...next, e('d', t('10:08:00'), 'human')] }, on.carry);
    expect(unvouched.carried).toBe(0);
    expect(unvouched.carry).toBeUndefined();
    expect(unvouched.out).toStrictEqual(evaluate({ ...input, events: [...next, e('d', t('10:08:00'), 'human')] }));
  });

  it('carryWeight charges what a carry holds: by its rounds, more with a unit per round (Taobao)', () => {
    const thread = (platform: 'pdd' | 'taobao', n: number): ChatEvent[] =>
      Array.from({ length: n }, (_, i) => ({
        platform,
        account: 'shop',
        buyer: 'b',
        messageId: `m${i}`,
        author: i % 2 ? 'human' : 'buyer',
        at: t('09:00:00') + i * 30_000,
        timeSource: 'id',
        observedAt: t('09:00:00') + i * 30_000,
      }));
    const weigh = (platform: 'pdd' | 'taobao', n: number) =>
      carryWeight(
        evaluateCarried(
          { events: thread(platform, n), coverage: [], rules: RULES, now: t('23:00:00'), alertLeadSec: 60 },
          undefined,
          {
            uniqueIds: true,
          },
        ).carry!,
      );
    // pdd: a round per question (half the messages) in one unit per day; Taobao: a unit per round too.
    expect(weigh('pdd', 1000)).toBeGreaterThanOrEqual(300);
    expect(weigh('taobao', 1000)).toBeGreaterThanOrEqual(weigh('pdd', 1000) + 300);
  });
});
