/** Douyin 抖店: its rules (../shared/docs/platform-rules.md). Bump RULES_VERSION (lib/rules/defaults.ts) when a value changes. */
import type { PlatformRules } from '../../rules/types';
import { hm, HUMAN_ASSIST } from '../../rules/shared';

export const douyinRules: PlatformRules = {
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
