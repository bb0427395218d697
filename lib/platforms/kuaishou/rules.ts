/** Kuaishou: its rules (../shared/docs/platform-rules.md). Bump RULES_VERSION (lib/rules/defaults.ts) when a value changes. */
import type { PlatformRules } from '../../rules/types';
import { hm, HUMAN } from '../../rules/shared';

export const kuaishouRules: PlatformRules = {
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
