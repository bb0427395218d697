import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import { chinaDayStart } from '@/lib/engine/time';

/**
 * uPlot (≈ 50 kB) and its stylesheet are loaded on first use, not with the page's first script: the charts draw in
 * the frames after the page's first paint (issue 21).
 */
let uplotLib: Promise<typeof uPlot> | null = null;
export function loadUplot(): Promise<typeof uPlot> {
  uplotLib ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => m.default);
  return uplotLib;
}

export interface ChartLine {
  label: string;
  /** One value per day; null (or a non-finite value) leaves a gap. */
  values: readonly (number | null)[];
  color: string;
  /** Dashed: threshold lines. */
  dash?: number[];
}

/**
 * A daily line chart (uPlot, ~50 kB, canvas, loaded lazily: the box keeps its height until it draws). The canvas is decorative for assistive technology: every chart
 * on the page comes with the same numbers as a table.
 */
export function LineChart({
  days,
  lines,
  unit,
  dayLabel,
  height = 200,
  empty,
}: {
  days: readonly string[];
  lines: readonly ChartLine[];
  /** The legend's name for the x values ("日期"). */
  dayLabel: string;
  /** `%`: values are shares 0..1, drawn 0–100 %; `s`: seconds. */
  unit: '%' | 's';
  height?: number;
  /** Said instead of an empty chart ("暂无数据") when no data line (threshold lines aside) has a value. */
  empty: string;
}) {
  const hasData = lines.some((l) => !l.dash && l.values.some((v) => v !== null && Number.isFinite(v)));
  const box = useRef<HTMLDivElement>(null);
  // Rebuild only when what is drawn changes.
  const key = JSON.stringify([days, lines, unit, dayLabel, height]);
  useEffect(() => {
    const el = box.current;
    if (!el || !hasData) return;
    const scale = unit === '%' ? 100 : 1;
    const clean = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v * scale);
    const data: uPlot.AlignedData = [
      days.map((d) => chinaDayStart(d) / 1000),
      ...lines.map((l) => l.values.map(clean)),
    ];
    let max = 0;
    for (const l of lines)
      for (const v of l.values) if (v !== null && Number.isFinite(v)) max = Math.max(max, v * scale);
    const fmt = (v: number | null) => (v === null ? '—' : unit === '%' ? `${v.toFixed(1)}%` : `${Math.round(v)} s`);
    // Style and size are read when the chart draws (after the first paint), not in this effect: a read here would
    // force a layout in the middle of the page's first frame.
    const options = (UPlot: typeof uPlot, ink: string): uPlot.Options => ({
      width: Math.max(280, el.clientWidth || 640),
      height,
      tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
      scales: {
        x: { time: true },
        y: { range: unit === '%' ? [0, 100] : [0, Math.max(10, Math.ceil(max * 1.15))] },
      },
      series: [
        {
          label: dayLabel,
          // Without a cursor on the chart (uPlot's legend would say "--"): the days the chart covers.
          value: (_u, _v, _s, idx) =>
            idx == null ? (days.length ? `${days[0]}–${days[days.length - 1]}` : '') : (days[idx] ?? ''),
        },
        ...lines.map((l): uPlot.Series => ({
          label: l.label,
          stroke: l.color,
          width: l.dash ? 1.5 : 2,
          ...(l.dash && { dash: l.dash }),
          points: { show: days.length <= 31 },
          // No cursor: no value (not "--"); a gap under the cursor: "—".
          value: (_u, v, _s, idx) => (idx == null ? '' : fmt(v)),
        })),
      ],
      // Axis text in the page's text colour (light or dark theme); uPlot draws it on the canvas.
      axes: [
        { stroke: ink },
        { stroke: ink, values: (_u, ticks) => ticks.map((v) => (unit === '%' ? `${v}%` : `${v}s`)), size: 56 },
      ],
    });
    let plot: uPlot | undefined;
    let gone = false;
    const onResize = () => plot?.setSize({ width: Math.max(280, el.clientWidth || 640), height });
    // Drawn in a task of its own after the frame that shows the page has been painted (a chart costs tens of ms
    // on a loaded machine: none of it holds back the first paint, and each chart is its own task).
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const draw = (UPlot: typeof uPlot) => {
      if (gone) return;
      plot = new UPlot(options(UPlot, getComputedStyle(el).color || '#1f1f1f'), data, el);
      window.addEventListener('resize', onResize);
    };
    void loadUplot().then((UPlot) => {
      if (gone) return;
      frame = requestAnimationFrame(() => {
        timer = setTimeout(() => draw(UPlot));
      });
    });
    return () => {
      gone = true;
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
      window.removeEventListener('resize', onResize);
      plot?.destroy();
    };
    // `key` stands for days/lines/unit/dayLabel/height (arrays rebuilt every render would redraw needlessly).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, hasData]);
  if (!hasData)
    return (
      <p className="rs-chart rs-chart-empty" role="note" data-empty="">
        {empty}
      </p>
    );
  return <div ref={box} className="rs-chart" aria-hidden="true" style={{ minHeight: height }} />;
}
