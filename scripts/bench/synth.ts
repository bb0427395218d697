/**
 * Synthetic but product-shaped chat traffic for the benchmarks: a day of `inquiries` buyer conversations per
 * shop, spread over China business hours, answered the way a busy shop answers. Deterministic for a seed.
 * Used by the engine benchmark (node) and, bundled, to seed the extension's database inside Chromium.
 */
import { chinaDayStart } from '../../lib/engine/time';
import type { ChatEvent, Platform } from '../../lib/model';

export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Share of inquiries per platform (one shop account each). */
export const PLATFORM_MIX: readonly [Platform, number][] = [
  ['pdd', 0.6],
  ['taobao', 0.25],
  ['douyin', 0.15],
];

export const ACCOUNT = 'bench-shop';

export interface DayOptions {
  /** `YYYY-MM-DD` (China). */
  day: string;
  inquiries: number;
  seed: number;
  /** Only messages before this instant (a day still in progress). Default: the whole day. */
  until?: number;
}

const QUESTIONS = ['请问什么时候发货？', '这个有现货吗', '能便宜一点吗', '尺码偏大还是偏小？', '可以开发票吗'];
const ANSWERS = ['亲，马上为您处理', '亲亲，一般48小时内发货哦', '有现货的亲', '偏大半码，建议拍小一码'];

/**
 * One day of conversations, each a list of events in time order. Per inquiry: 1–3 buyer messages; 88% get a
 * human reply within a minute, 6% within 1–3 min, 3% late (3–10 min), 1% only a robot reply then a human one,
 * 2% no reply at all; a fifth of the answered ones ask a follow-up that is answered.
 */
export function dayConversations(o: DayOptions): ChatEvent[][] {
  const rand = prng(o.seed);
  const start = chinaDayStart(o.day);
  const out: ChatEvent[][] = [];
  for (let i = 0; i < o.inquiries; i++) {
    let r = rand();
    let platform: Platform = PLATFORM_MIX[0]![0];
    for (const [p, share] of PLATFORM_MIX) {
      if (r < share) {
        platform = p;
        break;
      }
      r -= share;
    }
    const buyer = `${o.day.replaceAll('-', '')}-${i}`;
    // Business hours 08:00–23:00 with a few night owls.
    const minute = rand() < 0.97 ? 480 + rand() * 900 : rand() * 1440;
    let t = start + Math.floor(minute * 60_000);
    const events: ChatEvent[] = [];
    let n = 0;
    const add = (author: ChatEvent['author'], at: number, text: string) => {
      if (o.until !== undefined && at > o.until) return;
      events.push({
        platform,
        account: ACCOUNT,
        buyer,
        buyerNick: `买家${i % 1000}`,
        messageId: `${buyer}-${n++}`,
        author,
        at,
        timeSource: 'id',
        observedAt: at,
        text,
      });
    };
    const asks = 1 + Math.floor(rand() * rand() * 3);
    for (let k = 0; k < asks; k++) add('buyer', (t += Math.floor(rand() * 20_000)), QUESTIONS[(i + k) % 5]!);
    const fate = rand();
    const delay =
      fate < 0.88
        ? 3_000 + rand() * 57_000
        : fate < 0.94
          ? 60_000 + rand() * 120_000
          : fate < 0.97
            ? 180_000 + rand() * 420_000
            : fate < 0.98
              ? -1
              : null;
    if (delay === -1) {
      add('robot', t + 2_000, '亲，在的哦，请问有什么可以帮您？');
      add('human', t + 90_000, ANSWERS[i % 4]!);
    } else if (delay !== null) {
      add('human', (t += Math.floor(delay)), ANSWERS[i % 4]!);
      if (rand() < 0.2) {
        add('buyer', (t += 30_000 + Math.floor(rand() * 300_000)), '好的，谢谢');
        add('human', t + 5_000 + Math.floor(rand() * 40_000), '不客气亲');
      }
    }
    if (events.length) out.push(events);
  }
  return out;
}
