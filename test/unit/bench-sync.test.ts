/** The team-sync benchmark's pure parts (scripts/bench/sync-model.ts): its synthetic agents, the live window, the matcher. */
import { describe, expect, it } from 'vitest';
import {
  ArrivalMatcher,
  DELETED,
  agentDay,
  businessRatePerSec,
  liveSteps,
  syncMarkersIn,
} from '../../scripts/bench/sync-model';
import { chinaTime } from '../../lib/engine/time';

const DAY = '2026-11-20';

describe('team-sync bench model', () => {
  it('one agent’s day: the asked number of inquiries, buyers and ids tagged with the agent, agents apart', () => {
    const a = agentDay({ agent: 0, day: DAY, perDay: 500, salt: 1 });
    const b = agentDay({ agent: 1, day: DAY, perDay: 500, salt: 1 });
    expect(a.length).toBe(500);
    expect(a.every((t) => t.every((e) => e.buyer.startsWith('a0-') && e.messageId.startsWith('a0-')))).toBe(true);
    const buyersA = new Set(a.map((t) => t[0]!.buyer));
    expect(buyersA.size).toBe(500);
    expect(b.some((t) => buyersA.has(t[0]!.buyer))).toBe(false);
    // Deterministic for the same agent, day and salt.
    expect(agentDay({ agent: 0, day: DAY, perDay: 500, salt: 1 })).toEqual(a);
  });

  it('the steady rate: 5 000 a day is about 0.09 inquiries a second in business hours', () => {
    expect(businessRatePerSec(5000)).toBeCloseTo((5000 * 0.97) / 54_000, 6);
  });

  it('live steps: the messages inside the window only, in time order', () => {
    const threads = agentDay({ agent: 2, day: DAY, perDay: 300, salt: 3 });
    const from = chinaTime(DAY, 14);
    const to = from + 600_000;
    const steps = liveSteps(threads, from, to);
    const inside = threads.flat().filter((e) => e.at > from && e.at <= to).length;
    expect(steps.length).toBe(inside);
    expect(inside).toBeGreaterThan(0);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.at).toBeGreaterThanOrEqual(steps[i - 1]!.at);
    for (const s of steps) expect(threads[s.conv]!.some((e) => e.at === s.at)).toBe(true);
  });

  it('the matcher: a delivery settles its change and earlier ones of the document, nothing else', () => {
    const m = new ArrivalMatcher();
    m.expect('u|1', 'k1', 1000);
    m.expect('u|1', 'k2', 1500);
    m.expect('c|1', 'c1', 1200);
    expect(m.delivered('u|1', 'other', 1800)).toBe(0); // the warm-up's content or another agent's
    expect(m.delivered('x', 'k1', 1800)).toBe(0);
    expect(m.delivered('u|1', 'k2', 2500)).toBe(2); // k1 superseded by k2: both arrived with it
    expect(m.arrivals).toEqual([
      { id: 'u|1', ms: 1500 },
      { id: 'u|1', ms: 1000 },
    ]);
    expect(m.pending()).toBe(1);
    m.expect('c|1', DELETED, 1300);
    expect(m.delivered('c|1', DELETED, 3300)).toBe(2);
    expect(m.pending()).toBe(0);
    expect(m.expected).toBe(4);
  });

  it('the bundle check finds the sync client’s markers and nothing in plain code', () => {
    expect(syncMarkersIn('fetch(u + "/_bulk_docs"); new PouchDB(x) /* pouchdb */')).toEqual(['pouchdb', '_bulk_docs']);
    expect(syncMarkersIn('document.querySelectorAll("li.chat-item")')).toEqual([]);
  });
});
