import { describe, expect, it } from 'vitest';
import { metricValue, secs } from '../../components/analytics/format';
import { emptyFigure } from '../../lib/compliance';
import { catalogTranslate } from '../../lib/i18n';
import { DEFAULT_RULES, allMetrics } from '../../lib/rules/defaults';

const zh = catalogTranslate('zh_CN');
const en = catalogTranslate('en');
const metrics = allMetrics(DEFAULT_RULES);
const averaged = metrics.find((m) => m.formula === 'cappedAverage')!;
const rate = metrics.find((m) => m.formula === 'rate')!;

describe('analytics figures in words', () => {
  it('medians and P90 are spoken durations, in the page’s language', () => {
    expect(secs(72, zh)).toBe('1 分 12 秒');
    expect(secs(72, en)).toBe('1 min 12 s');
    expect(secs(57.4, zh)).toBe('57 秒');
    expect(secs(120, zh)).toBe('2 分');
    expect(secs(250, en)).toBe('4 min 10 s');
    expect(secs(3900, zh)).toBe('1 小时 5 分');
    expect(secs(0, en)).toBe('0 s');
    // Rounded to the nearest second, as before.
    expect(secs(71.6, zh)).toBe('1 分 12 秒');
  });

  it('none is a dash, a quantile among the never-answered says so', () => {
    expect(secs(null, zh)).toBe('—');
    expect(secs(Infinity, zh)).toBe(zh('popupNoReply'));
    expect(secs(Infinity, en)).toBe(en('popupNoReply'));
  });

  it('a capped average is spoken too; a rate stays a percentage', () => {
    expect(averaged).toBeDefined();
    expect(metricValue(averaged, { ...emptyFigure(), average: 95.2 }, zh)).toBe('1 分 35 秒');
    expect(metricValue(averaged, { ...emptyFigure(), average: 95.2 }, en)).toBe('1 min 35 s');
    expect(metricValue(averaged, emptyFigure(), zh)).toBe('—');
    expect(metricValue(rate, { ...emptyFigure(), rate: 0.5804 }, zh)).toBe('58.0%');
  });
});
