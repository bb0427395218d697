// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AnalyticsPage } from '../../components/analytics/AnalyticsPage';
import { analyticsFromRaw } from '../../components/analytics/first-read';
import { readAnalyticsRaw } from '../../components/analytics/first-raw';
import { ANALYTICS_DEFAULTS, useAnalyticsStore } from '../../components/analytics/store';
import { buildDayStats } from '../../lib/analytics/daystats';
import { refreshPastStats } from '../../lib/background/past-stats';
import { addDays } from '../../lib/compliance';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import type { UnitResult } from '../../lib/model';
import { uiDb } from '../../lib/ui/db';
import { rollupRow } from './helpers/rollups';
import { unitRow } from './helpers/units';

/** uPlot draws on a canvas jsdom does not have. */
vi.mock('uplot', () => ({
  default: class {
    static tzDate = (d: Date) => d;
    setSize() {}
    destroy() {}
  },
}));
vi.mock('uplot/dist/uPlot.min.css', () => ({}));

const NOW = chinaTime('2026-11-27', 15, 0);
const TODAY = chinaDay(NOW);
const ago = (n: number) => addDays(TODAY, -n);

let seq = 0;
const unit = (day: string, result: UnitResult, responseSec: number | null) =>
  unitRow('pdd.manual3min', day, chinaTime(day, 9 + (seq++ % 10), 0, 0), result, responseSec);

const rollup = (day: string, pass: number, fail: number) =>
  rollupRow('pdd.manual3min', day, { pass, fail, updatedAt: NOW });

beforeEach(async () => {
  vi.setSystemTime(NOW);
  fakeBrowser.reset();
  localStorage.clear();
  useAnalyticsStore.setState({ ...ANALYTICS_DEFAULTS });
  await uiDb.open();
  await Promise.all(uiDb.tables.map((tb) => tb.clear()));
  await uiDb.settings.put({ key: 'language', value: 'zh_CN' });
  const units = [0, 1, 2, 12, 29].flatMap((d) => [
    unit(ago(d), 'pass', 30 + d),
    unit(ago(d), 'pass', 90),
    unit(ago(d), 'fail', null),
  ]);
  await uiDb.units.bulkPut(units);
  await uiDb.dayStats.bulkPut(buildDayStats(units));
  await uiDb.rollups.bulkPut([0, 1, 2, 12, 29].map((d) => rollup(ago(d), 2, 1)));
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** What the first frame shows: the trends' and the response times' figures. */
const aboveTheFold = () => ({
  trends: [...document.querySelectorAll('#ana-trends .rs-total')].map((e) => e.textContent),
  response: [...document.querySelectorAll('#ana-response .rs-total')].map((e) => e.textContent),
});

describe('analytics page from its first read', () => {
  it('shows the figures in its first render, the same as once its live queries ran, and as without it', async () => {
    const initial = analyticsFromRaw(await readAnalyticsRaw(NOW, 30));
    render(<AnalyticsPage initial={initial} />);
    // No "loading" frame: the figures are in the first commit.
    const first = aboveTheFold();
    expect(screen.queryByText('正在读取数据…')).toBeNull();
    expect(first.trends.join()).toContain('达标 10 · 未达标 5');
    expect(first.response.join()).toMatch(/中位数：(\d+ 分 )?\d+ 秒/);
    // The per-day tables inside the closed <details> come with the frame after the paint.
    expect(document.querySelector('#ana-trends details table')).toBeNull();
    // After the first paint the live queries (Dexie) take over: the missed buyers (failed units) show, and the
    // figures above the fold have not changed.
    await vi.waitFor(() => expect(document.querySelector('#ana-missed tbody tr')).not.toBeNull(), { timeout: 15_000 });
    expect(aboveTheFold()).toEqual(first);
    expect(document.querySelectorAll('#ana-trends details tbody tr').length).toBe(30);
    cleanup();
    // The page without a first read (live queries from the start) shows the same.
    render(<AnalyticsPage />);
    await vi.waitFor(() => expect(document.getElementById('ana-response')).not.toBeNull(), { timeout: 15_000 });
    expect(aboveTheFold()).toEqual(first);
  }, 40_000);

  it('from the past-days summary (issue 21): the same first render as from the rows, the sections below once the rows are in', async () => {
    const fromRows = analyticsFromRaw(await readAnalyticsRaw(NOW, 30));
    expect(fromRows.past).toBeUndefined();
    render(<AnalyticsPage initial={fromRows} />);
    const first = aboveTheFold();
    cleanup();
    expect(await refreshPastStats(uiDb, NOW)).toBe('built');
    const initial = analyticsFromRaw(await readAnalyticsRaw(NOW, 30));
    expect(initial.past).toBeDefined();
    expect(initial.pastStats).toBeUndefined();
    render(<AnalyticsPage initial={initial} />);
    expect(screen.queryByText('正在读取数据…')).toBeNull();
    expect(aboveTheFold()).toEqual(first);
    expect(first.response.join()).toMatch(/中位数：(\d+ 分 )?\d+ 秒/);
    // No heatmap from the summary: it comes with the rows (the live queries after the paint), the figures unchanged.
    expect(document.getElementById('ana-heatmap')).toBeNull();
    await vi.waitFor(() => expect(document.querySelector('#ana-missed tbody tr')).not.toBeNull(), { timeout: 15_000 });
    expect(document.getElementById('ana-heatmap')).not.toBeNull();
    expect(aboveTheFold()).toEqual(first);
  }, 40_000);

  it('a first read still running at the first render: "loading", then its figures, the same as the live queries’', async () => {
    const raw = analyticsFromRaw(await readAnalyticsRaw(NOW, 30));
    let arrive!: (f: typeof raw | undefined) => void;
    render(<AnalyticsPage later={new Promise((r) => (arrive = r))} />);
    expect(screen.getByText('正在读取数据…')).toBeTruthy();
    // Waiting for it: no live query shows anything meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    expect(document.getElementById('ana-trends')).toBeNull();
    arrive(raw);
    await vi.waitFor(() => expect(document.getElementById('ana-trends')).not.toBeNull());
    const first = aboveTheFold();
    expect(first.trends.join()).toContain('达标 10 · 未达标 5');
    await vi.waitFor(() => expect(document.querySelector('#ana-missed tbody tr')).not.toBeNull(), { timeout: 15_000 });
    expect(aboveTheFold()).toEqual(first);
    cleanup();
    // A first read that failed (none came): the live queries read the page's figures.
    render(<AnalyticsPage later={Promise.resolve(undefined)} />);
    await vi.waitFor(() => expect(document.getElementById('ana-trends')).not.toBeNull(), { timeout: 15_000 });
    expect(aboveTheFold()).toEqual(first);
  }, 40_000);

  it('another range chosen while the first read runs: not waited for, and its figures never shown', async () => {
    // The page's figures for 7 days, from the live queries.
    useAnalyticsStore.setState({ range: 7 });
    render(<AnalyticsPage />);
    await vi.waitFor(() => expect(document.getElementById('ana-trends')).not.toBeNull(), { timeout: 15_000 });
    const week = aboveTheFold();
    cleanup();
    // The first read (of 30 days) is still running when the person chooses 7 days.
    useAnalyticsStore.setState({ range: 30 });
    const raw = analyticsFromRaw(await readAnalyticsRaw(NOW, 30));
    let arrive!: (f: typeof raw | undefined) => void;
    render(<AnalyticsPage later={new Promise((r) => (arrive = r))} />);
    useAnalyticsStore.setState({ range: 7 });
    // Not waited for: the live queries show the 7 days before the read is in.
    await vi.waitFor(() => expect(document.getElementById('ana-trends')).not.toBeNull(), { timeout: 15_000 });
    expect(aboveTheFold()).toEqual(week);
    // The 30 days' read arriving now changes nothing on screen.
    arrive(raw);
    await new Promise((r) => setTimeout(r, 300));
    expect(aboveTheFold()).toEqual(week);
  }, 40_000);

  it('a first read of another day or range is not shown (the live queries read the page’s own)', async () => {
    const initial = analyticsFromRaw(await readAnalyticsRaw(NOW, 90)); // the page opens at 30 days
    render(<AnalyticsPage initial={initial} />);
    expect(document.getElementById('ana-trends')).toBeNull();
    await vi.waitFor(() => expect(document.getElementById('ana-trends')).not.toBeNull(), { timeout: 15_000 });
    expect(aboveTheFold().trends.join()).toContain('达标 10 · 未达标 5');
  }, 20_000);
});
