/** JD: its rules (../shared/docs/platform-rules.md). Bump RULES_VERSION (lib/rules/defaults.ts) when a value changes. */
import type { PlatformRules } from '../../rules/types';
import { hm, HUMAN } from '../../rules/shared';

export const jdRules: PlatformRules = {
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
