// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AnalyticsPage, SHOP_FIRST_HOLD_MS } from '../../components/analytics/AnalyticsPage';
import { readText } from '../../components/analytics/TeamData';
import { ANALYTICS_DEFAULTS, useAnalyticsStore } from '../../components/analytics/store';
import { BOM, buildExport, type TeamDecision } from '../../lib/analytics';
import { addDays } from '../../lib/compliance';
import type { RollupRow, TeamRollupRow, UnitRow } from '../../lib/model';
import { chinaDay, chinaTime } from '../../lib/engine/time';
import type { UnitResult } from '../../lib/model';
import { buildDayStats } from '../../lib/analytics/daystats';
import { uiDb } from '../../lib/ui/db';
import { rollupRow } from './helpers/rollups';
import { unitRow } from './helpers/units';

/** Stores units and the per-day aggregates they give (as the background keeps them). */
async function putUnits(units: UnitRow[]) {
  await uiDb.units.bulkPut(units);
  await uiDb.dayStats.clear();
  await uiDb.dayStats.bulkPut(buildDayStats(await uiDb.units.toArray()));
}

/** uPlot draws on a canvas jsdom does not have: record what each chart was given instead. */
const charts = vi.hoisted(() => [] as { series: { label?: string }[]; data: (number | null)[][] }[]);
vi.mock('uplot', () => {
  class FakePlot {
    static tzDate = (d: Date) => d;
    constructor(opts: { series: { label?: string }[] }, data: (number | null)[][]) {
      charts.push({ series: opts.series, data });
    }
    setSize() {}
    destroy() {}
  }
  return { default: FakePlot };
});
vi.mock('uplot/dist/uPlot.min.css', () => ({}));

/**
 * The page reads its own clock (Date.now) for "today" and its ranges: every test pins it to NOW, a fixed afternoon
 * in China, so the seeded days are the page's days at any hour the suite runs (a run across China midnight included).
 */
const NOW = chinaTime('2026-11-27', 15, 0);
const TODAY = chinaDay(NOW);
const ago = (n: number) => addDays(TODAY, -n);
const OTHER = '22222222-bbbb-4bbb-8bbb-222222222222';

const rollup = (metric: string, day: string, counts: Partial<RollupRow>, account = 'shop') =>
  rollupRow(metric, day, { updatedAt: NOW, ...counts }, account);

const unit = (day: string, h: number, result: UnitResult, responseSec: number | null, extra: Partial<UnitRow> = {}) =>
  unitRow('pdd.manual3min', day, chinaTime(day, h, 0, 0), result, responseSec, extra);

async function seed() {
  await uiDb.rollups.bulkPut([
    rollup('pdd.manual3min', ago(1), { pass: 40, fail: 60 }),
    rollup('pdd.manual3min', ago(2), { pass: 9, fail: 1 }),
    rollup('pdd.manual3min', ago(20), { pass: 50, fail: 0 }), // only in 30 days
    rollup('pdd.manual3min', ago(2), { pass: 1, fail: 1 }, 'shop:小李'),
  ]);
  await putUnits([
    unit(ago(2), 10, 'pass', 30),
    unit(ago(2), 10, 'pass', 60),
    unit(ago(2), 11, 'fail', 250, { buyerNick: '老王' }),
    unit(ago(1), 10, 'fail', null, { buyerNick: '<b>不回</b>' }),
  ]);
}

beforeEach(async () => {
  vi.setSystemTime(NOW);
  fakeBrowser.reset();
  charts.length = 0;
  localStorage.clear();
  useAnalyticsStore.setState({ ...ANALYTICS_DEFAULTS });
  await uiDb.open();
  await Promise.all(uiDb.tables.map((tb) => tb.clear()));
  await uiDb.settings.put({ key: 'language', value: 'zh_CN' });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const card = async (metric: string) =>
  (await screen.findByText(/3分钟人工回复率/, { selector: `[data-metric="${metric}"] h3` })).closest('article')!;

/** The sections below the fold (heatmaps, staffing, accounts, missed buyers, export/import) render after the first paint. */
const belowTheFold = () =>
  vi.waitFor(
    () => {
      expect(document.getElementById('ana-heatmap')).not.toBeNull();
      expect(document.getElementById('ana-data')).not.toBeNull();
    },
    { timeout: 5000 },
  );

describe('Analytics page', () => {
  it('shows each metric’s trend with the platform’s warning line and the range total, and switches ranges', async () => {
    await seed();
    render(<AnalyticsPage />);
    const pdd = await card('pdd.manual3min');
    // 30 days: 40+9+50+1 passed, 60+1+0+1 failed → 100 / 162.
    await vi.waitFor(() => expect(pdd.querySelector('.rs-total')!.textContent).toContain('61.7%'));
    expect(pdd.querySelector('.rs-total')!.textContent).toContain('达标 100 · 未达标 62');
    expect(pdd.textContent).toContain('平台预警线 50.0%');
    // The chart got the daily rates (in %) and a flat 50% line.
    const chart = await vi.waitFor(() => {
      const c = charts.findLast((x) => x.series[2]?.label === '平台预警线 50.0%' && x.data[1]?.length === 30);
      if (!c) throw new Error('no chart yet');
      return c;
    });
    expect(chart.data[1]).toHaveLength(30);
    expect(chart.data[1]!.at(-2)).toBe(40); // yesterday 40/100
    expect(chart.data[1]!.at(-1)).toBeNull(); // today: nothing decided, a gap
    expect(new Set(chart.data[2])).toEqual(new Set([50]));
    // The same numbers as a table.
    const rows = within(pdd).getAllByRole('row');
    expect(rows.find((r) => r.textContent?.startsWith(ago(1)))?.textContent).toContain('40.0%');

    const seven = screen.getByRole('button', { name: '近 7 天' });
    expect(seven.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(seven);
    expect(seven.getAttribute('aria-pressed')).toBe('true');
    await vi.waitFor(async () =>
      expect((await card('pdd.manual3min')).querySelector('.rs-total')!.textContent).toContain('达标 50 · 未达标 62'),
    );
  });

  it('first-response median and p90, heatmaps, missed buyers (as text), buyer level not available', async () => {
    await seed();
    render(<AnalyticsPage />);
    const resp = (await screen.findByText('拼多多', { selector: '[data-response] h3' })).closest('article')!;
    // 30, 60, 250, ∞ → median 155, p90 in the never-answered.
    await vi.waitFor(() => expect(resp.querySelector('.rs-total')!.textContent).toContain('中位数：2 分 35 秒'));
    expect(resp.querySelector('.rs-total')!.textContent).toContain('P90：未回复');
    expect(resp.textContent).toContain('已回复 3 / 共 4');

    await belowTheFold();
    const volume = document.getElementById('ana-heat-volume')!;
    expect(volume.querySelector('caption')!.textContent).toBe('咨询量（合计 4）');
    const wd = (day: string) => (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
    expect(volume.querySelector(`[data-cell="${wd(ago(2))}-10"]`)!.textContent).toBe('2');
    expect(volume.querySelector(`[data-cell="${wd(ago(2))}-11"]`)!.textContent).toBe('1');
    const breaches = document.getElementById('ana-heat-breaches')!;
    expect(breaches.querySelector('caption')!.textContent).toBe('超时（合计 2）');
    expect(breaches.querySelector(`[data-cell="${wd(ago(1))}-10"]`)!.textContent).toBe('1');

    // The count comes with the first paint (from the aggregates); the list is read right after it.
    const missed = screen.getByRole('heading', { name: '超时买家 (2)' }).closest('section')!;
    const lines = (await within(missed).findAllByRole('row', undefined, { timeout: 5000 })).slice(1);
    expect(lines[0]!.textContent).toContain('<b>不回</b>');
    expect(lines[0]!.querySelector('b')).toBeNull(); // page text stays text
    expect(lines[0]!.textContent).toContain('未回复');
    expect(lines[1]!.textContent).toContain('老王');
    expect(lines[1]!.textContent).toContain('11:04 · 晚了 1 分 10 秒');

    expect(document.querySelector('[data-state="not-available"]')!.textContent).toContain('暂不可用');
  });

  it('page text (buyers, accounts, source labels) is isolated in <bdi> without its bidi and zero-width controls', async () => {
    const RLO = '\u202E';
    await uiDb.rollups.bulkPut([
      rollup('pdd.manual3min', ago(1), { pass: 1, fail: 1 }, `sh${RLO}op`),
      rollup('pdd.manual3min', ago(1), { pass: 1 }, `sh${RLO}op:小${RLO}李`),
    ]);
    await putUnits([unit(ago(1), 10, 'fail', null, { buyerNick: `evil${RLO}gnp.exe`, account: `sh${RLO}op` })]);
    await uiDb.teamRollups.put({
      ...rollup('pdd.manual3min', ago(2), { pass: 1 }, 'other'),
      source: OTHER,
      sourceLabel: `小${RLO}王`,
      exportedAt: NOW,
      importedAt: NOW,
    });
    render(<AnalyticsPage />);
    const table = (await screen.findByText('拼多多', { selector: 'table.rs-accounts caption' })).closest('table')!;
    expect([...table.querySelectorAll('th bdi')].map((b) => b.textContent)).toEqual(['shop', 'shop', '小李']);
    const missed = screen.getByRole('heading', { name: '超时买家 (1)' }).closest('section')!;
    await within(missed).findAllByRole('row', undefined, { timeout: 5000 });
    expect([...missed.querySelectorAll('td bdi')].map((b) => b.textContent)).toEqual(['evilgnp.exe', 'shop']);
    const sources = document.querySelector('.rs-sources')!;
    expect(sources.querySelector('bdi')!.textContent).toBe('小王');
    expect(sources.querySelector('button')!.getAttribute('aria-label')).not.toContain(RLO);
    const options = [...screen.getByRole('combobox', { name: '账号' }).querySelectorAll('option')].slice(1);
    expect(options.map((o) => o.textContent)).toEqual(['拼多多 · \u2068shop\u2069', '拼多多 · \u2068shop:小李\u2069']);
    expect(document.body.textContent).not.toContain(RLO);
  });

  it('narrows everything to one account; groups sub-accounts under the main account', async () => {
    await seed();
    render(<AnalyticsPage />);
    const table = (await screen.findByText('拼多多', { selector: 'table.rs-accounts caption' })).closest('table')!;
    const group = table.querySelector('.rs-group')!;
    expect(group.textContent).toContain('shop（主账号合计）');
    expect(group.textContent).toContain('达标 100 · 未达标 62');
    expect(table.querySelector('[data-account="shop:小李"]')!.textContent).toContain('└ 小李');
    expect(table.querySelector('[data-account="shop:小李"]')!.textContent).toContain('50.0%');

    fireEvent.change(screen.getByRole('combobox', { name: '账号' }), { target: { value: 'pdd|shop:小李' } });
    await vi.waitFor(async () =>
      expect((await card('pdd.manual3min')).querySelector('.rs-total')!.textContent).toContain('达标 1 · 未达标 1'),
    );
    expect(screen.getByRole('heading', { name: '超时买家 (0)' })).toBeTruthy();
  });

  it('staffing: no estimate without messages, then the user’s handling time gives an Erlang C table', async () => {
    // 30 inquiries between 10:00 and 11:00 on one observed day: λ = 30 / h.
    const day = ago(3);
    const many = Array.from({ length: 30 }, (_, i) => unit(day, 10, 'pass', 20, { buyer: `s${i}` }));
    await putUnits(many);
    render(<AnalyticsPage />);
    // The estimate reads a week of messages after the first paint.
    expect(await screen.findByText(/消息记录不足/, undefined, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByText(/没有处理时长/)).toBeTruthy();
    const input = screen.getByRole('spinbutton', { name: '每个咨询的处理时长（秒）' });
    fireEvent.change(input, { target: { value: '240' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    const summary = await screen.findByTestId('staffing-summary');
    expect(summary.textContent).toContain('目标 80% 的咨询在 180 秒内回复，每个咨询处理 240 秒');
    const wd = (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
    const cell = document.querySelector(`#ana-staff [data-cell="${wd}-10"]`)!;
    expect(cell.textContent).toBe('4'); // A = 2 Erlangs; 3 agents reach only 79.0%
    expect(cell.getAttribute('title')).toContain('负荷 2.00 Erlang');
    expect(document.querySelector(`#ana-staff [data-cell="${wd}-11"]`)!.textContent).toBe('');
    // 95% within 180 s: 4 agents already reach 96.1%; within 30 s they reach only 86.5% → 5 (95.9%).
    fireEvent.change(screen.getByRole('combobox', { name: '目标：时限内回复的比例' }), { target: { value: '0.95' } });
    await vi.waitFor(() => expect(summary.textContent).toContain('目标 95%'));
    expect(document.querySelector(`#ana-staff [data-cell="${wd}-10"]`)!.textContent).toBe('4');
    const target = screen.getByRole('spinbutton', { name: '时限（秒）' });
    fireEvent.change(target, { target: { value: '30' } });
    fireEvent.blur(target);
    await vi.waitFor(() => expect(document.querySelector(`#ana-staff [data-cell="${wd}-10"]`)!.textContent).toBe('5'));
    expect(screen.getByTestId('staffing-summary').textContent).toContain('在 30 秒内回复');
    // Bad input is refused, not applied.
    fireEvent.change(input, { target: { value: '-3' } });
    fireEvent.blur(input);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(useAnalyticsStore.getState().ahtOverride).toBe(240);
  });

  it('exports CSV with a BOM and imports a colleague’s JSON through the background', async () => {
    await seed();
    const blobs: Blob[] = [];
    URL.createObjectURL = vi.fn((b: Blob) => (blobs.push(b), 'blob:x'));
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const send = vi
      .spyOn(fakeBrowser.runtime, 'sendMessage')
      .mockResolvedValue({ ok: true, added: 1, replaced: 0, kept: 0, decisions: [], decisionCount: 0 } as never);
    render(<AnalyticsPage />);
    await card('pdd.manual3min');
    await belowTheFold();

    fireEvent.click(screen.getByRole('button', { name: '导出每日汇总 CSV' }));
    expect(click).toHaveBeenCalledTimes(1);
    // The file starts with the UTF-8 byte-order mark (a text decoder would hide it).
    const bytes = new Uint8Array(
      await new Promise<ArrayBuffer>((resolve) => {
        const r = new FileReader();
        r.onload = () => resolve(r.result as ArrayBuffer);
        r.readAsArrayBuffer(blobs[0]!);
      }),
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect([...new TextEncoder().encode(BOM)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = await readText(blobs[0]!);
    expect(csv).toContain(`${ago(1)},pdd,shop,pdd.manual3min,40,60,0,0,0,0.4,0,0,,\r\n`);

    const good = buildExport({
      agentId: OTHER,
      label: '小王',
      now: NOW,
      rollups: [rollup('pdd.manual3min', ago(1), { pass: 1 }, 'wang')],
      clocks: [],
    });
    const input = screen.getByLabelText('导入同事的 JSON 导出') as HTMLInputElement;
    await act(async () => {
      fireEvent.change(input, { target: { files: [new File([JSON.stringify(good)], 'x.json')] } });
    });
    await vi.waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('已导入“小王”：新增 1 行，替换 0 行，保留较新的 0 行。'),
    );
    expect(send).toHaveBeenCalledWith({ type: 'teamImport', bundle: good });

    send.mockClear();
    await act(async () => {
      fireEvent.change(input, { target: { files: [new File(['{not json'], 'bad.json')] } });
    });
    await vi.waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('导入失败，未写入任何数据：不是有效的 JSON 文件'),
    );
    await act(async () => {
      fireEvent.change(input, { target: { files: [new File([JSON.stringify({ ...good, version: 7 })], 'v7.json')] } });
    });
    await vi.waitFor(() => expect(screen.getByRole('status').textContent).toContain('unsupported export version 7'));
    expect(send).not.toHaveBeenCalled();
  });

  it('after an import, says which copy counts where the same account and day came more than once', async () => {
    await seed();
    const decision: TeamDecision = {
      kind: 'team',
      id: `pdd.manual3min|${ago(1)}|pdd|shop`,
      metric: 'pdd.manual3min',
      day: ago(1),
      platform: 'pdd',
      account: 'shop',
      kept: { source: OTHER, label: '小王', copy: 'file', updatedAt: NOW },
      over: { source: 'me', label: '', copy: 'own', updatedAt: NOW },
      why: 'moreDecided',
    };
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue({
      ok: true,
      added: 1,
      replaced: 0,
      kept: 0,
      decisions: [decision],
      decisionCount: 3,
    } as never);
    render(<AnalyticsPage />);
    await card('pdd.manual3min');
    await belowTheFold();
    // The views read after the paint (missed buyers, handling estimate) have loaded: no "loading" status left
    // (the import's own status is there, empty, until an import).
    await vi.waitFor(() => expect(screen.queryAllByRole('status').filter((e) => e.textContent)).toEqual([]), {
      timeout: 10_000,
    });
    const file = buildExport({
      agentId: OTHER,
      label: '小王',
      now: NOW,
      rollups: [rollup('pdd.manual3min', ago(1), { pass: 70, fail: 40 })],
      clocks: [],
    });
    await act(async () => {
      fireEvent.change(screen.getByLabelText('导入同事的 JSON 导出'), {
        target: { files: [new File([JSON.stringify(file)], 'wang.json')] },
      });
    });
    await vi.waitFor(() => expect(screen.getByRole('status').textContent).toContain('已导入“小王”'));
    const box = document.querySelector('.rs-decisions')!;
    expect(box.querySelector('p')!.textContent).toBe('同一账号同一天有多份数据（3 处），各只计一份：');
    expect([...box.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      `${ago(1)} · 拼多多 · \u2068shop\u2069 · pdd.manual3min：采用 本文件（\u2068小王\u2069），而非 本机数据（已判定的咨询更多）`,
    ]);
    expect(box.textContent).toContain('……另有 2 处未列出。');
  });

  it('team view: imported accounts add up, the same account and day counts once', async () => {
    await seed();
    const team = (r: RollupRow): TeamRollupRow => ({
      ...r,
      source: OTHER,
      sourceLabel: '小王',
      exportedAt: NOW,
      importedAt: NOW,
    });
    await uiDb.teamRollups.bulkPut([
      team(rollup('pdd.manual3min', ago(1), { pass: 70, fail: 40 })), // same account+day, more decided: replaces ours
      team(rollup('pdd.manual3min', ago(2), { pass: 1 })), // fewer than ours: ignored
      team(rollup('pdd.manual3min', ago(2), { pass: 5, fail: 5 }, 'shop:小王')), // another sub-account: adds up
    ]);
    render(<AnalyticsPage />);
    await belowTheFold();
    expect(
      await screen.findByText((_, el) => /^小王 · 3 行/.test(el?.textContent ?? ''), { selector: 'span' }),
    ).toBeTruthy();
    fireEvent.change(screen.getByRole('combobox', { name: '数据' }), { target: { value: 'team' } });
    // Ours: 40/60 (yesterday) → theirs 70/40; plus 9/1, 50/0, 1/1 and their sub-account 5/5.
    await vi.waitFor(async () =>
      expect((await card('pdd.manual3min')).querySelector('.rs-total')!.textContent).toContain('达标 135 · 未达标 47'),
    );
    expect(screen.getAllByText(/此部分只用本机数据/).length).toBeGreaterThan(0);
  });

  it('speaks English when the language is set to English', async () => {
    await uiDb.settings.put({ key: 'language', value: 'en' });
    await seed();
    render(<AnalyticsPage />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Reply Sentinel · Analytics' })).toBeTruthy();
    const pdd = (
      await screen.findByText(/3-min human reply rate/, { selector: '[data-metric="pdd.manual3min"] h3' })
    ).closest('article')!;
    expect(pdd.querySelector('.rs-total')!.textContent).toContain('Range total');
    expect(pdd.querySelector('.rs-total')!.textContent).toContain('Platform warning line 50.0%');
    expect(screen.getByRole('button', { name: 'last 7 days' })).toBeTruthy();
    await belowTheFold();
    expect(document.querySelector('#ana-heat-volume thead')!.textContent).toContain('MonTueWedThuFriSatSun');
  });

  it('empty database: says so everywhere, nothing breaks', async () => {
    render(<AnalyticsPage />);
    await belowTheFold();
    expect((await screen.findAllByText('所选范围内没有数据。')).length).toBe(3);
    expect(await screen.findByText('所选范围内没有超时的买家。', undefined, { timeout: 5000 })).toBeTruthy();
    expect(document.getElementById('ana-heat-volume')!.querySelector('caption')!.textContent).toBe('咨询量（合计 0）');
    expect(screen.getByText('还没有导入。')).toBeTruthy();
  });
});

describe('Analytics page opened in its team view', () => {
  /** The background's `syncConnect` answer, held until the test gives it (other requests: refused). */
  function holdConnect() {
    const held: { answer?: (reply: unknown) => void } = {};
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(((msg: { type: string }) =>
      msg.type === 'syncConnect'
        ? new Promise((resolve) => (held.answer = resolve))
        : Promise.resolve({ ok: false, error: 'not in this test' })) as never);
    return held;
  }
  const ownFigures = () => document.getElementById('ana-trends');
  /** Longer than any test: the figures come only by what the test does. */
  const FOREVER = 3_600_000;

  it('its own figures wait for the owner view’s first screen or its reason (here: sync off), then come', async () => {
    await seed();
    useAnalyticsStore.setState({ view: 'team' });
    const held = holdConnect();
    render(<AnalyticsPage shopHoldMs={FOREVER} />);
    await vi.waitFor(() => expect(held.answer).toBeDefined(), { timeout: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(screen.getByText('正在读取店铺数据库…')).toBeTruthy();
    expect(ownFigures()).toBeNull();
    expect(screen.getByText('正在读取数据…')).toBeTruthy();
    held.answer!({ ok: false, error: 'team sync is off' });
    await vi.waitFor(() => expect(document.getElementById('ana-shop-off')).not.toBeNull(), { timeout: 3000 });
    await vi.waitFor(() => expect(ownFigures()).not.toBeNull(), { timeout: 3000 });
    await belowTheFold();
  });

  it(`waits at most its bound (${SHOP_FIRST_HOLD_MS} ms) for an owner view that does not answer`, async () => {
    await seed();
    useAnalyticsStore.setState({ view: 'team' });
    const held = holdConnect();
    render(<AnalyticsPage shopHoldMs={200} />);
    await vi.waitFor(() => expect(ownFigures()).not.toBeNull(), { timeout: 5000 });
    expect(held.answer).toBeDefined();
    expect(screen.getByText('正在读取店铺数据库…')).toBeTruthy();
  });

  it('switching to this computer’s view shows its figures at once', async () => {
    await seed();
    useAnalyticsStore.setState({ view: 'team' });
    const held = holdConnect();
    render(<AnalyticsPage shopHoldMs={FOREVER} />);
    await vi.waitFor(() => expect(held.answer).toBeDefined(), { timeout: 3000 });
    expect(ownFigures()).toBeNull();
    fireEvent.change(screen.getByRole('combobox', { name: '数据' }), { target: { value: 'local' } });
    await vi.waitFor(() => expect(ownFigures()).not.toBeNull(), { timeout: 5000 });
    // Back to the team view: its own figures stay (the hold was the page's opening only).
    fireEvent.change(screen.getByRole('combobox', { name: '数据' }), { target: { value: 'team' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ownFigures()).not.toBeNull();
  });

  it('a start the first script began is dropped when the page leaves the team view before the owner view took it', async () => {
    await seed();
    useAnalyticsStore.setState({ view: 'local' });
    const start = { days: [], unitDays: [] } as unknown as NonNullable<typeof globalThis.__rsShopFirst>;
    globalThis.__rsShopFirst = start;
    render(<AnalyticsPage />);
    await vi.waitFor(() => expect(globalThis.__rsShopFirst).toBeUndefined(), { timeout: 3000 });
  });
});
