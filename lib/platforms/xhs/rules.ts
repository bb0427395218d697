/** Xiaohongshu: its rules (../shared/docs/platform-rules.md). Bump RULES_VERSION (lib/rules/defaults.ts) when a value changes. */
import type { PlatformRules } from '../../rules/types';
import { hm, HUMAN } from '../../rules/shared';

export const xhsRules: PlatformRules = {
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
