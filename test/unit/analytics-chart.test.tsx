// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LineChart } from '../../components/analytics/Chart';
import * as time from '../../lib/engine/time';

/** uPlot draws on a canvas jsdom does not have: record when it is loaded and what each chart was given instead. */
const seen = vi.hoisted(() => ({
  loaded: 0,
  charts: [] as { y: unknown; data: (number | null)[][] }[],
}));
vi.mock('uplot', () => {
  seen.loaded++;
  class FakePlot {
    static tzDate = (d: Date) => d;
    constructor(opts: { scales: { y: { range: unknown } } }, data: (number | null)[][]) {
      seen.charts.push({ y: opts.scales.y.range, data });
    }
    setSize() {}
    destroy() {}
  }
  return { default: FakePlot };
});
vi.mock('uplot/dist/uPlot.min.css', () => ({}));
/** Counts the days turned into timestamps (the chart's x values). */
vi.mock('../../lib/engine/time', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/engine/time')>();
  return { ...real, chinaDayStart: vi.fn(real.chinaDayStart) };
});

afterEach(cleanup);

const DAYS = ['2026-11-25', '2026-11-26', '2026-11-27'];

describe('a line chart in the analytics page', () => {
  it('neither loads uPlot nor builds its data in the commit that shows it (the page’s first frame), then draws the same figures', async () => {
    const dayStart = vi.mocked(time.chinaDayStart);
    dayStart.mockClear();
    act(() => {
      render(
        <>
          <LineChart
            days={DAYS}
            dayLabel="日期"
            empty="暂无数据"
            unit="%"
            lines={[
              { label: 'rate', values: [0.5, null, 1], color: '#000' },
              { label: 'line', values: [0.8, 0.8, 0.8], color: '#f00', dash: [6, 4] },
            ]}
          />
          <LineChart
            days={DAYS}
            dayLabel="日期"
            empty="暂无数据"
            unit="s"
            lines={[{ label: 'median', values: [30, Infinity, 87], color: '#000' }]}
          />
        </>,
      );
    });
    // The commit, its effects included, is done: nothing of the charts has run yet.
    expect(seen.loaded).toBe(0);
    expect(dayStart).not.toHaveBeenCalled();
    expect(seen.charts).toHaveLength(0);
    expect(document.querySelectorAll('.rs-chart[aria-hidden="true"]')).toHaveLength(2);
    // After the frame: loaded once, each chart drawn with its days as China-midnight timestamps, shares as percent,
    // gaps (null, never answered) as null, and a seconds axis above the largest value.
    await vi.waitFor(() => expect(seen.charts).toHaveLength(2));
    expect(seen.loaded).toBe(1);
    const xs = DAYS.map((d) => time.chinaDayStart(d) / 1000);
    expect(seen.charts[0]).toEqual({ y: [0, 100], data: [xs, [50, null, 100], [80, 80, 80]] });
    expect(seen.charts[1]).toEqual({ y: [0, Math.ceil(87 * 1.15)], data: [xs, [30, null, 87]] });
  });
});
