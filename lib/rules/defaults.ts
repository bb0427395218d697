import type { MetricRule, PlatformRules, RuleSet } from './types';

/**
 * The shipped defaults, from ../shared/docs/platform-rules.md (and the seed articles behind it).
 * Bump RULES_VERSION whenever a value changes; stored results keep the version they were computed with.
 */
export const RULES_VERSION = '2026.12.1';

const hm = (h: number, m = 0): number => h * 60 + m;
const HUMAN = ['human'] as const;
const HUMAN_ASSIST = ['human', 'assist'] as const;
/** Seed 001: human replies, 店小蜜 smart replies and 7x24H smart-response replies (robot); never auto-replies. */
const HUMAN_ASSIST_SMART = ['human', 'assist', 'robot'] as const;

const taobaoNote = {
  zh: '人工回复、店小蜜智能答复、7x24H 响应服务智能答复算（卖家中心文章；有规则中心转载只认辅助模式，可在设置中关闭）；千牛/旺旺自动回复与 0 秒回复不算。千牛自身在 100 秒时提醒。',
  en: 'Human replies, 店小蜜 smart replies and 7x24H smart-response replies count (seller-centre article; one rule-centre copy accepts assist mode only: switchable in the settings); Qianniu/Wangwang auto-replies and 0-second replies do not. Qianniu itself warns at 100 s.',
};

const taobao: PlatformRules = {
  platform: 'taobao',
  label: { zh: '淘宝/天猫', en: 'Taobao / Tmall' },
  primary: 'taobao.ww3min',
  metrics: [
    {
      key: 'taobao.ww3min',
      platform: 'taobao',
      label: { zh: '旺旺3分钟人工响应率', en: 'Wangwang 3-min response rate' },
      unit: 'round',
      judged: 'allRounds',
      formula: 'rate',
      thresholdSec: 180,
      window: { startMin: hm(8), endMin: hm(23) },
      validReply: HUMAN_ASSIST_SMART,
      minReplyDelaySec: 1,
      periodDays: [30],
      minVolume: 100,
      confidence: 'H',
      note: taobaoNote,
    },
    {
      key: 'taobao.avgResp',
      platform: 'taobao',
      label: { zh: '平均人工响应时长', en: 'Average response time' },
      unit: 'round',
      judged: 'allRounds',
      formula: 'cappedAverage',
      thresholdSec: 180,
      capSec: 600,
      window: { startMin: hm(8), endMin: hm(23) },
      validReply: HUMAN_ASSIST_SMART,
      minReplyDelaySec: 1,
      periodDays: [30],
      confidence: 'H',
      note: { zh: '每轮最多计 600 秒，未回复计 600 秒。', en: 'Each round capped at 600 s; unreplied counts 600 s.' },
    },
  ],
};

/** 1688's valid replies (seed 001): human, 店小蜜 smart replies and 7x24H smart-response service (robot); not auto. */
const ALI1688_REPLY = ['human', 'assist', 'robot'] as const;

const ali1688Note = {
  zh: '新灯塔：工作时间 09:00–21:00（旧资料为 08:00–24:00）的有效询盘消息，3分钟内被响应的消息数 ÷ 询盘消息数；首条响应率与平均每条响应率同等重要，买家当天首问最重要。人工、店小蜜智能答复、7x24H 响应服务智能答复有效；旺旺/千牛自动回复无效；官方/小二消息无需回复。指标低于 4 分即为短板。',
  en: 'Lighthouse: valid inquiry messages in working hours 09:00–21:00 (an older source: 08:00–24:00), messages answered within 3 minutes ÷ inquiry messages; the first-message and the per-message rates weigh the same, the buyer’s first question of the day matters most. Human replies, 店小蜜 smart replies and 7x24H smart-response replies count; Wangwang/Qianniu auto-replies do not; official messages need no reply. An indicator under 4 points is a weakness.',
};

const ali1688: PlatformRules = {
  platform: 'ali1688',
  label: { zh: '1688', en: '1688' },
  // Every message has its own 3 minutes: the live clock follows the earliest unanswered one, whose deadline is also
  // the first message's when that one waits.
  primary: 'ali1688.perMsg3min',
  metrics: [
    {
      key: 'ali1688.firstMsg3min',
      platform: 'ali1688',
      label: { zh: '首条响应率（3分钟，新灯塔）', en: 'First-message response rate (3 min, Lighthouse)' },
      unit: 'dayFirstMessage',
      judged: 'firstRound',
      formula: 'rate',
      thresholdSec: 180,
      window: { startMin: hm(9), endMin: hm(21) },
      validReply: ALI1688_REPLY,
      periodDays: [7, 30],
      warnBelow: 0.8,
      confidence: 'M',
      note: {
        zh: '买家当天（北京时间自然日）在 09:00–21:00 内的第一条询盘消息，3分钟内有有效回复即达标。' + ali1688Note.zh,
        en:
          "The buyer's first inquiry message of the China day inside 09:00–21:00 passes when a valid reply follows within 3 minutes. " +
          ali1688Note.en,
      },
    },
    {
      key: 'ali1688.perMsg3min',
      platform: 'ali1688',
      label: { zh: '平均每条响应率（3分钟，新灯塔）', en: 'Per-message response rate (3 min, Lighthouse)' },
      unit: 'message',
      judged: 'allRounds',
      formula: 'rate',
      thresholdSec: 180,
      window: { startMin: hm(9), endMin: hm(21) },
      validReply: ALI1688_REPLY,
      periodDays: [7, 30],
      warnBelow: 0.8,
      confidence: 'M',
      note: {
        zh: '每条询盘消息各自计时，到它之后的第一条有效回复为止。' + ali1688Note.zh,
        en: 'Every inquiry message is timed to the first valid reply after it. ' + ali1688Note.en,
      },
    },
    {
      // Retired in 2026.12.1 (1688 counts messages, not rounds): no longer computed; its stored history stays
      // readable under this label (docs/ARCHITECTURE.md "1688: two message rates").
      key: 'ali1688.ww3min',
      platform: 'ali1688',
      label: {
        zh: '3分钟旺旺响应率（按轮次，旧口径）',
        en: '3-min Wangwang response rate (by round, former definition)',
      },
      unit: 'round',
      judged: 'allRounds',
      formula: 'rate',
      thresholdSec: 180,
      window: { startMin: hm(9), endMin: hm(21) },
      validReply: HUMAN,
      minReplyDelaySec: 1,
      periodDays: [7, 30],
      warnBelow: 0.8,
      confidence: 'M',
      note: {
        zh: '旧口径（2026.12.1 之前）：按对话轮次计。已不再计算，仅显示原有记录；新灯塔按消息计（首条响应率、平均每条响应率）。',
        en: 'Former definition (before 2026.12.1): counted by conversation round. No longer computed, kept for the history recorded with it; Lighthouse counts messages (first-message and per-message rates).',
      },
      retired: '2026.12.1',
    },
  ],
};

const pdd: PlatformRules = {
  platform: 'pdd',
  label: { zh: '拼多多', en: 'Pinduoduo' },
  primary: 'pdd.manual3min',
  metrics: [
    {
      key: 'pdd.manual3min',
      platform: 'pdd',
      label: { zh: '3分钟人工回复率', en: '3-min human reply rate' },
      unit: 'consumerDay',
      judged: 'allRounds',
      formula: 'rate',
      thresholdSec: 180,
      window: { startMin: hm(8), endMin: hm(23) },
      validReply: HUMAN,
      periodDays: [1],
      warnBelow: 0.5,
      confidence: 'H',
      note: {
        zh: '消费者当天任何一条消息超过 3 分钟未获人工回复即为不达标；机器人回复不算，卡片/操作算人工。前一日低于 50% 会提醒。商家文章说：咨询超过 100 次且低于 50% 会罚款 1000 元并限制报名活动，平台没有公开这条规定。',
        en: 'A consumer fails the day if any message waits over 3 minutes for a human reply; robot replies do not count, cards/actions count as human. Warned when the previous day is under 50%. Sellers’ articles say that above 100 consultations this means a ¥1000 fine and no activity sign-up; the platform has not published this.',
      },
    },
    {
      key: 'pdd.answer30s',
      platform: 'pdd',
      label: { zh: '30秒应答率（未核实）', en: '30-s answer rate (unverified)' },
      unit: 'consumerDay',
      judged: 'firstRound',
      formula: 'rate',
      thresholdSec: 30,
      window: { startMin: hm(8), endMin: hm(23) },
      validReply: HUMAN,
      periodDays: [1],
      confidence: 'L',
      note: {
        zh: '首次人工回复不超过 30 秒。平台没有公开具体算法，这是我们的估计。',
        en: 'First human reply within 30 seconds. The platform has not published how it counts; this is our estimate.',
      },
    },
  ],
};

const douyin: PlatformRules = {
  platform: 'douyin',
  label: { zh: '抖店（飞鸽）', en: 'Douyin (Feige)' },
  primary: 'douyin.im3min',
  metrics: [
    {
      key: 'douyin.im3min',
      platform: 'douyin',
      label: { zh: 'IM 3分钟回复率', en: 'IM 3-min reply rate' },
      unit: 'session',
      judged: 'firstRound',
      formula: 'rate',
      thresholdSec: 180,
      sessionGapSec: 1800,
      window: { startMin: hm(8), endMin: hm(23) },
      validReply: HUMAN_ASSIST,
      humanStage: true,
      perfunctoryInvalidFrom: '2026-09-29',
      periodDays: [30, 90],
      confidence: 'M',
      note: {
        zh: '3分钟内已回复会话量 ÷ 用户向人工客服发送会话量，08:00:00–22:59:59 发起的会话。会话以关闭标记或 30 分钟静默切分（估计）。',
        en: 'Sessions replied within 3 min ÷ sessions sent to human agents, sessions started 08:00:00–22:59:59. Sessions split on a close marker or 30 min of silence (an estimate).',
      },
    },
    {
      key: 'douyin.avgResp',
      platform: 'douyin',
      label: { zh: '人工平均响应时长', en: 'Average human response time' },
      unit: 'round',
      judged: 'allRounds',
      formula: 'cappedAverage',
      thresholdSec: 180,
      capSec: 600,
      window: { startMin: hm(8), endMin: hm(23) },
      validReply: HUMAN_ASSIST,
      humanStage: true,
      perfunctoryInvalidFrom: '2026-09-29',
      periodDays: [30, 90],
      confidence: 'H',
      note: {
        zh: '每轮最多计 600 秒，未回复计 600 秒；自动欢迎语不算；2026-09-29 起消极敷衍回复无效。无官方及格线。',
        en: 'Each round capped at 600 s, unreplied counts 600 s; auto welcome does not count; from 2026-09-29 perfunctory replies are invalid. No official pass line.',
      },
    },
  ],
};

const jd: PlatformRules = {
  platform: 'jd',
  label: { zh: '京东咚咚', en: 'JD Dongdong' },
  primary: 'jd.dd30s',
  metrics: [
    {
      key: 'jd.dd30s',
      platform: 'jd',
      label: { zh: '30秒应答率', en: '30-s answer rate' },
      unit: 'session',
      judged: 'firstRound',
      formula: 'rate',
      thresholdSec: 30,
      sessionGapSec: 600,
      window: { startMin: hm(9), endMin: hm(23) },
      validReply: HUMAN,
      periodDays: [30],
      confidence: 'M',
      note: {
        zh: '每次咨询的首次回复 ≤30 秒（10 分钟内回来的买家算同一次咨询）。月度留言率 <50% 且平均响应 <40 秒，否则各扣 2 分。',
        en: 'First reply of each consultation within 30 s (a buyer back within 10 min is the same consultation). Monthly: message rate < 50% and average response < 40 s, else −2 points each.',
      },
    },
  ],
};

const kuaishou: PlatformRules = {
  platform: 'kuaishou',
  label: { zh: '快手小店', en: 'Kuaishou' },
  primary: 'kuaishou.manual3min',
  metrics: [
    {
      key: 'kuaishou.manual3min',
      platform: 'kuaishou',
      label: { zh: '3分钟人工回复率', en: '3-min human reply rate' },
      unit: 'consumerDay',
      judged: 'allRounds',
      formula: 'rate',
      thresholdSec: 180,
      window: { startMin: hm(8), endMin: hm(23) },
      validReply: HUMAN,
      humanStage: true,
      periodDays: [1],
      confidence: 'H',
      note: {
        zh: '与拼多多相同的消费者-日口径，买家进入人工后计入；2023-03 起仅人工回复有效。',
        en: 'Consumer-day, as PDD, counted once the buyer reaches a human; human replies only since 2023-03.',
      },
    },
  ],
};

const xhs: PlatformRules = {
  platform: 'xhs',
  label: { zh: '小红书', en: 'Xiaohongshu' },
  primary: 'xhs.reply3min',
  metrics: [
    {
      key: 'xhs.reply3min',
      platform: 'xhs',
      label: { zh: '3分钟回复率', en: '3-min reply rate' },
      unit: 'session',
      judged: 'allRounds',
      formula: 'rate',
      thresholdSec: 180,
      sessionGapSec: 1800,
      window: { startMin: hm(9), endMin: hm(23) },
      validReply: HUMAN,
      periodDays: [7],
      confidence: 'M',
      note: {
        zh: '按咨询计，口径同拼多多；滚动 7 天。',
        en: 'Per consultation, as PDD; rolling 7 days.',
      },
    },
  ],
};

export const DEFAULT_RULES: RuleSet = {
  version: RULES_VERSION,
  platforms: { taobao, ali1688, pdd, douyin, jd, kuaishou, xhs },
};

/** Every metric, retired ones included (their stored history is still read, shown and exported). */
export function allMetrics(rules: RuleSet): MetricRule[] {
  return Object.values(rules.platforms).flatMap((p) => [...p.metrics]);
}

/** The metrics a platform computes now: its metrics without the retired ones. */
export function computedMetrics(p: PlatformRules): MetricRule[] {
  return p.metrics.filter((m) => m.retired === undefined);
}
