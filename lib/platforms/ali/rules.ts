/** Taobao/Tmall and 1688: its rules (../shared/docs/platform-rules.md). Bump RULES_VERSION (lib/rules/defaults.ts) when a value changes. */
import type { PlatformRules } from '../../rules/types';
import { hm, HUMAN, HUMAN_ASSIST_SMART } from '../../rules/shared';

const taobaoNote = {
  zh: '人工回复、店小蜜智能答复、7x24H 响应服务智能答复算（卖家中心文章；有规则中心转载只认辅助模式，可在设置中关闭）；千牛/旺旺自动回复与 0 秒回复不算。千牛自身在 100 秒时提醒。',
  en: 'Human replies, 店小蜜 smart replies and 7x24H smart-response replies count (seller-centre article; one rule-centre copy accepts assist mode only: switchable in the settings); Qianniu/Wangwang auto-replies and 0-second replies do not. Qianniu itself warns at 100 s.',
};

export const taobaoRules: PlatformRules = {
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

export const ali1688Rules: PlatformRules = {
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
