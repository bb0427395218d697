/** Pinduoduo: its rules (../shared/docs/platform-rules.md). Bump RULES_VERSION (lib/rules/defaults.ts) when a value changes. */
import type { PlatformRules } from '../../rules/types';
import { hm, HUMAN } from '../../rules/shared';

export const pddRules: PlatformRules = {
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
