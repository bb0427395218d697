/** Export (CSV with BOM, JSON), strict import into the team view through the background, no double counting. */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BOM,
  buildExport,
  chinaDateTime,
  clocksCsv,
  csvCell,
  parseExport,
  planImport,
  rollupIdOf,
  rollupsCsv,
  MAX_ROW_UNITS,
  decisionText,
  maxCappedSec,
  teamSources,
  teamView,
  type ExportBundle,
  type TeamDecision,
} from '../../lib/analytics';
import type { BadgeView } from '../../lib/badge';
import { Sentinel, type SentinelEnv } from '../../lib/background/sentinel';
import { rollupId } from '../../lib/engine/rollup';
import { SentinelDB } from '../../lib/db/schema';
import type { ClockRow, RollupRow, TeamRollupRow } from '../../lib/model';
import { chinaTime } from '../../lib/engine/time';
import { catalogTranslate } from '../../lib/i18n';
import { parseMessage } from '../../lib/protocol';
import { rollupRow } from './helpers/rollups';

const NOW = chinaTime('2026-11-20', 18);
const A = '11111111-aaaa-4aaa-8aaa-111111111111';
const B = '22222222-bbbb-4bbb-8bbb-222222222222';

const rollup = (metric: string, day: string, counts: Partial<RollupRow>, account = 'shop') =>
  rollupRow(metric, day, { updatedAt: NOW - 1000, ...counts }, account);

const clock: ClockRow = {
  key: 'pdd|shop|b1',
  platform: 'pdd',
  account: 'shop',
  buyer: 'b1',
  buyerNick: '=HYPERLINK("x"),"小张"',
  metric: 'pdd.manual3min',
  status: 'breached',
  startedAt: chinaTime('2026-11-20', 9, 0, 5),
  dueAt: chinaTime('2026-11-20', 9, 3, 5),
  alertAt: chinaTime('2026-11-20', 9, 2, 5),
  waitingMessages: 2,
  lastMessageAt: chinaTime('2026-11-20', 9, 1),
  lastText: '我的地址是……',
  alertedFor: 1,
};

function bundle(source: string, rows: RollupRow[], exportedAt = NOW): ExportBundle {
  return buildExport({
    agentId: source,
    label: `agent ${source.slice(0, 4)}`,
    now: exportedAt,
    rollups: rows,
    clocks: [],
  });
}

describe('CSV export', () => {
  it('starts with a BOM, quotes what needs quoting, defuses formulas, writes China times', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    // The same guard as the phrase export (lib/csv.ts): TAB and CR too, controls removed first.
    expect(csvCell('\t=1+1')).toBe(`"'\t=1+1"`);
    expect(csvCell('\u202E=1+1')).toBe("'=1+1");
    expect(csvCell("'=1+1")).toBe("''=1+1");
    expect(chinaDateTime(chinaTime('2026-11-20', 9, 3, 5))).toBe('2026-11-20 09:03:05');

    const csv = clocksCsv([clock]);
    expect(csv.startsWith(BOM)).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'platform,account,buyer,buyerNick,metric,status,startedAt,dueAt,waitingMessages,lastMessageAt',
    );
    expect(lines[1]).toBe(
      `pdd,shop,b1,"'=HYPERLINK(""x""),""小张""",pdd.manual3min,breached,2026-11-20 09:00:05,2026-11-20 09:03:05,2,2026-11-20 09:01:00`,
    );
    expect(csv).not.toContain('我的地址'); // chat text never leaves in an export
    expect(lines[2]).toBe('');
  });

  it('page text loses its bidi and zero-width controls (clock nick, account; rollup account, source label)', () => {
    const csv = clocksCsv([{ ...clock, buyerNick: 'evil\u202Egnp.exe', account: 'sh\u200Bop' }]);
    expect(csv.split('\r\n')[1]).toMatch(/^pdd,shop,b1,evilgnp\.exe,/);
    const rows = rollupsCsv([
      { ...rollup('pdd.manual3min', '2026-11-19', { pass: 1 }, '\u2066店\u2069'), sourceLabel: '\u202E小王' },
    ]);
    expect(rows.split('\r\n')[1]).toMatch(/^2026-11-19,pdd,店,pdd\.manual3min,.*,小王$/);
  });

  it('writes daily rollups oldest first with the rate and the capped average', () => {
    const csv = rollupsCsv([
      rollup('taobao.avgResp', '2026-11-20', { pass: 2, fail: 1, cappedSum: 700, cappedCount: 3 }),
      rollup('pdd.manual3min', '2026-11-19', { pass: 2, fail: 1, pending: 4 }),
      { ...rollup('pdd.manual3min', '2026-11-19', { unknown: 1 }, 'a,b'), sourceLabel: '小王' },
    ]);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toEqual([
      'day,platform,account,metric,pass,fail,pending,unknown,notAssessed,rate,cappedSum,cappedCount,averageSec,source',
      '2026-11-19,pdd,"a,b",pdd.manual3min,0,0,0,1,0,,0,0,,小王',
      '2026-11-19,pdd,shop,pdd.manual3min,2,1,4,0,0,0.6667,0,0,,',
      '2026-11-20,taobao,shop,taobao.avgResp,2,1,0,0,0,0.6667,700,3,233.3,',
    ]);
    expect(rollupsCsv([])).toBe(
      `${BOM}day,platform,account,metric,pass,fail,pending,unknown,notAssessed,rate,cappedSum,cappedCount,averageSec,source\r\n`,
    );
  });
});

describe('JSON export and strict parsing', () => {
  it('round-trips: what we export parses back to the same rows, without chat text', () => {
    const rows = [rollup('pdd.manual3min', '2026-11-19', { pass: 3, fail: 1 })];
    const exp = buildExport({ agentId: A, label: '  小王  ', now: NOW, rollups: rows, clocks: [clock] });
    expect(exp.source).toEqual({ id: A, label: '小王' });
    expect(JSON.stringify(exp)).not.toContain('我的地址');
    expect(exp.clocks[0]).not.toHaveProperty('alertedFor');
    const back = parseExport(JSON.parse(JSON.stringify(exp)));
    expect(back).toEqual({ ok: true, value: exp });
    expect(rollupIdOf(rows[0]!)).toBe(rollupId(rows[0]!)); // the background's id, exactly
  });

  it("1688's message rates and the retired round metric (an older export) round-trip, in JSON and in the CSV", () => {
    const rows = [
      rollup('ali1688.firstMsg3min', '2026-11-19', { pass: 1, fail: 1 }),
      rollup('ali1688.perMsg3min', '2026-11-19', { pass: 5, fail: 1 }),
      rollup('ali1688.ww3min', '2026-11-01', { pass: 9, fail: 1 }),
    ];
    const exp = buildExport({ agentId: A, label: '小王', now: NOW, rollups: rows, clocks: [] });
    expect(parseExport(JSON.parse(JSON.stringify(exp)))).toEqual({ ok: true, value: exp });
    const csv = rollupsCsv(rows).split('\r\n');
    expect(csv.filter((l) => l.includes(',ali1688.')).map((l) => l.split(',').slice(0, 6))).toEqual([
      ['2026-11-01', 'ali1688', 'shop', 'ali1688.ww3min', '9', '1'],
      ['2026-11-19', 'ali1688', 'shop', 'ali1688.firstMsg3min', '1', '1'],
      ['2026-11-19', 'ali1688', 'shop', 'ali1688.perMsg3min', '5', '1'],
    ]);
    // A metric 1688 never had is still refused.
    const bad = JSON.parse(JSON.stringify(exp)) as { rollups: { metric: string; id: string }[] };
    bad.rollups[0]!.metric = 'ali1688.rounds3min';
    bad.rollups[0]!.id = bad.rollups[0]!.id.replace('ali1688.firstMsg3min', 'ali1688.rounds3min');
    expect(parseExport(bad).ok).toBe(false);
  });

  /** A valid export as the file would hold it (plain JSON, so tests can break any part of it). */
  type Row = Record<string, unknown>;
  type Json = { rollups: [Row, ...Row[]]; clocks?: unknown[]; [k: string]: unknown };
  const good = (): Json =>
    JSON.parse(JSON.stringify(bundle(B, [rollup('pdd.manual3min', '2026-11-19', { pass: 3 })]))) as Json;
  const cases: [string, (b: Json) => unknown, RegExp][] = [
    ['not an object', () => [1, 2], /JSON object/],
    ['another format', (b) => ({ ...b, format: 'something' }), /not a Reply Sentinel export/],
    ['a newer version', (b) => ({ ...b, version: 2 }), /unsupported export version 2/],
    ['no source id', (b) => ({ ...b, source: { label: 'x' } }), /source\.id/],
    ['a bad source id', (b) => ({ ...b, source: { id: 'a b', label: 'x' } }), /source\.id/],
    ['rollups not a list', (b) => ({ ...b, rollups: {} }), /rollups must be a list/],
    ['a negative count', (b) => ((b.rollups[0].fail = -1), b), /rollups\[0\]\.fail must be a whole number/],
    ['a fractional count', (b) => ((b.rollups[0].pass = 1.5), b), /rollups\[0\]\.pass/],
    ['an unknown metric', (b) => ((b.rollups[0].metric = 'pdd.other'), b), /known metric of pdd/],
    ['a metric of another platform', (b) => ((b.rollups[0].metric = 'jd.dd30s'), b), /known metric of pdd/],
    ['a bad day', (b) => ((b.rollups[0].day = '2026-02-30'), b), /day must be a date/],
    [
      'an id that does not match',
      (b) => ((b.rollups[0].id = 'x'), b),
      /id must be "pdd\.manual3min\|2026-11-19\|pdd\|shop"/,
    ],
    ['a duplicate id', (b) => (b.rollups.push({ ...b.rollups[0] }), b), /appears twice/],
    ['cappedCount > decided', (b) => ((b.rollups[0].cappedCount = 9), b), /cappedCount cannot exceed/],
    ['a bad clock', (b) => ((b.clocks = [{ key: 'x' }]), b), /clocks\[0\]\.platform/],
    // Implausible values: each error names the row (index and id) and the field.
    [
      'cappedSum 1e300',
      (b) => ((b.rollups[0].cappedSum = 1e300), b),
      /^rollups\[0\]\.cappedSum must be .*0–0 s.* \(row pdd\.manual3min\|2026-11-19\|pdd\|shop\): 1e\+300$/,
    ],
    [
      'pass 2**53-1',
      (b) => ((b.rollups[0].pass = 2 ** 53 - 1), b),
      /^rollups\[0\]\.pass must be a whole number 0–100000 \(row pdd\.manual3min\|2026-11-19\|pdd\|shop\): 9007199254740991$/,
    ],
    ['a count over 100 000', (b) => ((b.rollups[0].notAssessed = 100_001), b), /rollups\[0\]\.notAssessed .*0–100000/],
    [
      'more units than one account-day can hold',
      (b) => ((b.rollups[0].pending = 60_000), (b.rollups[0].unknown = 60_000), b),
      /rollups\[0\] \(row pdd\.manual3min\|2026-11-19\|pdd\|shop\): 120003 units in one row, at most 100000/,
    ],
    [
      'a capped time over cappedCount × the longest cap',
      (b) => ((b.rollups[0].cappedCount = 2), (b.rollups[0].cappedSum = 1200.5), b),
      /rollups\[0\]\.cappedSum must be .*0–1200 s/,
    ],
    [
      'an updatedAt before its day',
      (b) => ((b.rollups[0].updatedAt = chinaTime('2026-11-17', 12)), b),
      /rollups\[0\]\.updatedAt must not be before 2026-11-18/,
    ],
    [
      'an updatedAt after the export',
      (b) => ((b.rollups[0].updatedAt = NOW + 2 * 86_400_000), b),
      /rollups\[0\]\.updatedAt .*after the export/,
    ],
    [
      'a day after the export',
      (b) => (
        (b.rollups[0].day = '2026-11-23'),
        (b.rollups[0].id = 'pdd.manual3min|2026-11-23|pdd|shop'),
        (b.rollups[0].updatedAt = NOW),
        b
      ),
      /rollups\[0\]\.day 2026-11-23 is after the export/,
    ],
    [
      'an implausible second row',
      (b) => (
        b.rollups.push({ ...b.rollups[0], id: 'pdd.manual3min|2026-11-18|pdd|shop', day: '2026-11-18', fail: 1e6 }),
        b
      ),
      /^rollups\[1\]\.fail must be .*\(row pdd\.manual3min\|2026-11-18\|pdd\|shop\)/,
    ],
  ];
  for (const [name, mangle, error] of cases) {
    it(`rejects ${name} with a clear error`, () => {
      const r = parseExport(mangle(good()));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(error);
    });
  }

  it('accepts the largest plausible row: 100 000 units, every one capped at the longest cap', () => {
    const b = good();
    Object.assign(b.rollups[0], { pass: 50_000, fail: 50_000, cappedCount: 100_000, cappedSum: 100_000 * 600 });
    expect(parseExport(b).ok).toBe(true);
    expect(MAX_ROW_UNITS).toBe(100_000);
    expect(maxCappedSec()).toBe(600);
  });

  it('the teamImport message carries only a valid bundle', () => {
    const ok = parseMessage({ type: 'teamImport', bundle: good() });
    expect(ok.ok && ok.value.type === 'teamImport' && ok.value.bundle.rollups.length).toBe(1);
    const bad = parseMessage({ type: 'teamImport', bundle: { ...good(), version: 9 } });
    expect(bad).toEqual({
      ok: false,
      error: 'teamImport: bundle: unsupported export version 9 (this version reads 1)',
    });
    expect(parseMessage({ type: 'teamRemove', source: 'x' }).ok).toBe(false);
    expect(parseMessage({ type: 'teamRemove', source: B })).toEqual({
      ok: true,
      value: { type: 'teamRemove', source: B },
    });
    expect(parseMessage({ type: 'agentId' })).toEqual({ ok: true, value: { type: 'agentId' } });
  });
});

describe('team view: no duplicates, no double counting', () => {
  const team = (source: string, r: RollupRow): TeamRollupRow => ({
    ...r,
    source,
    sourceLabel: source.slice(0, 4),
    exportedAt: NOW,
    importedAt: NOW,
  });

  it('re-importing replaces rows of the same source (a newer stored row is kept)', () => {
    const r1 = rollup('pdd.manual3min', '2026-11-19', { pass: 3, updatedAt: 100 });
    const r2 = rollup('pdd.manual3min', '2026-11-18', { pass: 1, updatedAt: 100 });
    const b = bundle(B, [r1, r2]);
    const first = planImport(b, [undefined, undefined], NOW);
    expect(first).toMatchObject({ added: 2, replaced: 0, kept: 0 });
    expect(first.put.map((r) => [r.source, r.id])).toEqual([
      [B, r2.id],
      [B, r1.id],
    ]);
    const stored = [team(B, { ...r2, updatedAt: 50 }), team(B, { ...r1, updatedAt: 500, pass: 9 })];
    const again = planImport(b, stored, NOW);
    expect(again).toMatchObject({ added: 0, replaced: 1, kept: 1 });
    expect(again.put).toHaveLength(1);
    expect(() => planImport(b, [undefined], NOW)).toThrow();
  });

  it('re-importing one source with different data: deterministic whatever the order, and reported', () => {
    const day = '2026-11-19';
    const id = rollupIdOf(rollup('pdd.manual3min', day, {}));
    // Two exports of B with the same updatedAt but different counts (an edited or replayed file): the later export
    // wins, whichever is imported first.
    const early = bundle(B, [rollup('pdd.manual3min', day, { pass: 3, updatedAt: 100 })], NOW - 5000);
    const late = bundle(B, [rollup('pdd.manual3min', day, { pass: 4, updatedAt: 100 })], NOW);
    const storedFrom = (b: ExportBundle) => planImport(b, [undefined], NOW - 1).put[0]!;
    const lateOverEarly = planImport(late, [storedFrom(early)], NOW);
    const earlyOverLate = planImport(early, [storedFrom(late)], NOW);
    expect(lateOverEarly).toMatchObject({ added: 0, replaced: 1, kept: 0 });
    expect(earlyOverLate).toMatchObject({ added: 0, replaced: 0, kept: 1, put: [] });
    const side = (copy: 'file' | 'stored', updatedAt = 100) => ({ source: B, label: 'agent 2222', copy, updatedAt });
    expect(lateOverEarly.decisions).toEqual([
      {
        kind: 'reimport',
        id,
        metric: 'pdd.manual3min',
        day,
        platform: 'pdd',
        account: 'shop',
        kept: side('file'),
        over: side('stored'),
        why: 'laterExport',
      },
    ]);
    expect(earlyOverLate.decisions).toEqual([
      { ...lateOverEarly.decisions[0], kept: side('stored'), over: side('file'), why: 'laterExport' },
    ]);
    // The same file twice: nothing to report.
    expect(planImport(late, [storedFrom(late)], NOW).decisions).toEqual([]);
    // A newer updatedAt wins over a later export.
    const newer = bundle(B, [rollup('pdd.manual3min', day, { pass: 1, updatedAt: 200 })], NOW - 9000);
    expect(planImport(newer, [storedFrom(late)], NOW).decisions).toMatchObject([
      {
        kind: 'reimport',
        kept: { copy: 'file', updatedAt: 200 },
        over: { copy: 'stored', updatedAt: 100 },
        why: 'newer',
      },
    ]);
  });

  it('the same account and day from two sources (and this computer): the plan says whose row the team view counts', () => {
    const day = '2026-11-19';
    const C = '33333333-cccc-4ccc-8ccc-333333333333';
    const mine = rollup('pdd.manual3min', day, { pass: 5 });
    const fromC = team(C, rollup('pdd.manual3min', day, { pass: 2, fail: 1 }));
    const other = team(C, rollup('pdd.manual3min', '2026-11-18', { pass: 50 })); // another id: not a contender
    const ctx = { ownSource: A, own: [mine], others: [fromC, other] };
    // B's file saw more than both: its row counts.
    const more = planImport(bundle(B, [rollup('pdd.manual3min', day, { pass: 6, fail: 1 })]), [undefined], NOW, ctx);
    expect(more.decisions.map((d) => [d.kind, d.kept.source, d.kept.copy, d.over.source, d.over.copy, d.why])).toEqual([
      ['team', B, 'file', A, 'own', 'moreDecided'],
      ['team', B, 'file', C, 'stored', 'moreDecided'],
    ]);
    // B's file saw less than this computer: ours counts; the row is still stored (the view decides, not the import).
    const less = planImport(bundle(B, [rollup('pdd.manual3min', day, { pass: 1 })]), [undefined], NOW, ctx);
    expect(less.added).toBe(1);
    expect(less.decisions.map((d) => [d.kept.source, d.kept.copy, d.over.source, d.over.copy, d.why])).toEqual([
      [A, 'own', B, 'file', 'moreDecided'],
    ]);
    // Equal counts: this computer's row first, then the smaller source id; the same rule as teamView.
    const tie = planImport(bundle(B, [rollup('pdd.manual3min', day, { pass: 2, fail: 1 })]), [undefined], NOW, {
      ...ctx,
      own: [],
    });
    expect(tie.decisions.map((d) => [d.kept.source, d.over.source, d.why])).toEqual([[B, C, 'sourceId']]);
    const view = teamView([], A, '我', [...tie.put, fromC]);
    expect(view.find((r) => r.day === day)!.source).toBe(B);
    // Said in words, page text isolated (and its controls removed).
    const d: TeamDecision = {
      ...more.decisions[1]!,
      account: 'shop\u202Egnp.exe',
      over: { ...more.decisions[1]!.over, label: '小\u200B李' },
    };
    expect(decisionText(d, catalogTranslate('en'))).toBe(
      '2026-11-19 · Pinduoduo · \u2068shopgnp.exe\u2069 · pdd.manual3min: kept this file (\u2068agent 2222\u2069) over \u2068小李\u2069 (imported before): more decided inquiries',
    );
    expect(decisionText(more.decisions[0]!, catalogTranslate('zh_CN'))).toBe(
      '2026-11-19 · 拼多多 · \u2068shop\u2069 · pdd.manual3min：采用 本文件（\u2068agent 2222\u2069），而非 本机数据（已判定的咨询更多）',
    );
  });

  it('one row per (metric, day, platform, account): the one with the most decided units; accounts add up', () => {
    const mine = [
      rollup('pdd.manual3min', '2026-11-19', { pass: 8, fail: 2 }), // shop, seen by both of us
      rollup('pdd.manual3min', '2026-11-18', { pass: 5 }), // only mine
    ];
    const theirs = [
      team(B, rollup('pdd.manual3min', '2026-11-19', { pass: 9, fail: 3 })), // saw more of the same account
      team(B, rollup('pdd.manual3min', '2026-11-19', { pass: 4, fail: 4 }, 'shop:小李')), // a sub-account: adds up
      team(B, rollup('pdd.manual3min', '2026-11-18', { pass: 2, fail: 1 })), // saw less than me
      team(A, rollup('pdd.manual3min', '2026-11-17', { pass: 99 })), // "our" id among imports: never counted twice
    ];
    const view = teamView(mine, A, '我', theirs);
    expect(view.map((r) => [r.id, r.source, r.pass, r.fail])).toEqual([
      ['pdd.manual3min|2026-11-18|pdd|shop', A, 5, 0],
      ['pdd.manual3min|2026-11-19|pdd|shop', B, 9, 3],
      ['pdd.manual3min|2026-11-19|pdd|shop:小李', B, 4, 4],
    ]);
    // Ties: more units, then our own row.
    const tie = teamView([rollup('jd.dd30s', '2026-11-19', { pass: 1 })], A, '我', [
      team(B, rollup('jd.dd30s', '2026-11-19', { pass: 1, pending: 2 })),
      team('33333333', rollup('jd.dd30s', '2026-11-19', { pass: 1 })),
    ]);
    expect(tie.map((r) => [r.source, r.pending])).toEqual([[B, 2]]);
    const tie2 = teamView([rollup('jd.dd30s', '2026-11-19', { pass: 1 })], A, '我', [
      team(B, rollup('jd.dd30s', '2026-11-19', { pass: 1 })),
    ]);
    expect(tie2[0]!.source).toBe(A);
    expect(teamView([], A, '我', [])).toEqual([]);
  });

  it('lists the imported sources', () => {
    const rows = [
      { ...team(B, rollup('pdd.manual3min', '2026-11-19', {})), importedAt: 5 },
      { ...team(B, rollup('pdd.manual3min', '2026-11-18', {})), importedAt: 9, sourceLabel: '新名字' },
    ];
    expect(teamSources(rows)).toEqual([{ source: B, label: '新名字', rows: 2, exportedAt: NOW, importedAt: 9 }]);
  });
});

class FakeHost implements SentinelEnv {
  clock = NOW;
  t = catalogTranslate('zh_CN');
  now() {
    return this.clock;
  }
  async setBadge(_v: BadgeView) {}
  async setAlarm() {}
  async notify() {}
  async clearNotice() {}
  async playSound() {}
  async sendToTab() {}
  async existingTabIds() {
    return [];
  }
}

describe('importing through the background (Sentinel)', () => {
  let db: SentinelDB;
  let n = 0;
  beforeEach(() => {
    db = new SentinelDB(`team-${++n}`);
  });
  afterEach(() => db.close());

  it('has a stable installation id and refuses its own export', async () => {
    const s = new Sentinel(db, new FakeHost());
    const id = await s.agentId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await s.agentId()).toBe(id);
    const own = bundle(id, [rollup('pdd.manual3min', '2026-11-19', { pass: 1 })]);
    expect(await s.importTeam(own)).toEqual({ ok: false, error: expect.stringMatching(/own export/) });
    expect(await db.teamRollups.count()).toBe(0);
  });

  it('imports atomically, replaces on re-import, and removes a source', async () => {
    const s = new Sentinel(db, new FakeHost());
    const rows = [
      rollup('pdd.manual3min', '2026-11-19', { pass: 3, fail: 1 }),
      rollup('pdd.manual3min', '2026-11-18', { pass: 2 }),
    ];
    const none = { decisions: [], decisionCount: 0 };
    expect(await s.importTeam(bundle(B, rows))).toEqual({ ok: true, added: 2, replaced: 0, kept: 0, ...none });
    expect(await s.importTeam(bundle(B, rows))).toEqual({ ok: true, added: 0, replaced: 2, kept: 0, ...none });
    expect(await db.teamRollups.count()).toBe(2);
    const newer = [{ ...rows[0]!, pass: 4, updatedAt: NOW }];
    expect(await s.importTeam(bundle(B, newer, NOW + 1000))).toMatchObject({
      ok: true,
      added: 0,
      replaced: 1,
      kept: 0,
      decisionCount: 1,
      decisions: [{ kind: 'reimport', kept: { copy: 'file', updatedAt: NOW }, why: 'newer' }],
    });
    expect((await db.teamRollups.get([B, rows[0]!.id]))?.pass).toBe(4);
    // A second agent's rows live next to the first one's.
    await s.importTeam(bundle(A, rows));
    expect(await db.teamRollups.where('source').equals(A).count()).toBe(2);
    expect(await s.removeTeamSource(B)).toBe(2);
    expect(await db.teamRollups.count()).toBe(2);
  });

  it('reports whose row counts when another source or this computer has the same account and day', async () => {
    const s = new Sentinel(db, new FakeHost());
    const own = await s.agentId();
    const day = '2026-11-19';
    await db.rollups.put(rollup('pdd.manual3min', day, { pass: 4 }));
    expect(await s.importTeam(bundle(A, [rollup('pdd.manual3min', day, { pass: 2 })]))).toMatchObject({
      decisionCount: 1,
      decisions: [{ kind: 'team', kept: { source: own, copy: 'own' }, over: { source: A, copy: 'file' } }],
    });
    const reply = await s.importTeam(bundle(B, [rollup('pdd.manual3min', day, { pass: 9 })]));
    expect(reply).toMatchObject({ ok: true, added: 1, decisionCount: 2 });
    if (!reply.ok) return;
    expect(reply.decisions.map((d) => [d.kept.source, d.over.source, d.over.copy, d.why])).toEqual([
      [B, own, 'own', 'moreDecided'],
      [B, A, 'stored', 'moreDecided'],
    ]);
  });

  it('a failure half-way writes nothing', async () => {
    const s = new Sentinel(db, new FakeHost());
    await s.agentId();
    const rows = [
      rollup('pdd.manual3min', '2026-11-19', { pass: 3 }),
      rollup('pdd.manual3min', '2026-11-18', { pass: 2 }),
    ];
    await s.importTeam(bundle(B, [rows[0]!]));
    // The write goes through, then the disk "fills up" before the transaction commits.
    const table = db.teamRollups;
    const put = table.bulkPut.bind(table);
    table.bulkPut = (async (...args: Parameters<typeof put>) => {
      await put(...args);
      throw new Error('QuotaExceededError');
    }) as unknown as typeof table.bulkPut;
    const newer = [{ ...rows[0]!, pass: 7, updatedAt: NOW }, rows[1]!];
    await expect(s.importTeam(bundle(B, newer, NOW + 1))).rejects.toThrow(/Quota/);
    table.bulkPut = put as unknown as typeof table.bulkPut;
    expect(await db.teamRollups.count()).toBe(1);
    expect((await db.teamRollups.get([B, rows[0]!.id]))?.pass).toBe(3);
  });
});

describe('schema version 4', () => {
  it('a database from version 3 gains the team table and keeps its rows', async () => {
    const name = 'team-upgrade';
    const old = new SentinelDB(name, 3);
    await old.open();
    await old.table('rollups').add(rollup('pdd.manual3min', '2026-11-19', { pass: 1 }));
    old.close();
    const db = new SentinelDB(name);
    await db.open();
    expect(await db.rollups.count()).toBe(1);
    const row: TeamRollupRow = {
      ...rollup('pdd.manual3min', '2026-11-19', {}),
      source: B,
      sourceLabel: 'b',
      exportedAt: 1,
      importedAt: 2,
    };
    await db.teamRollups.put(row);
    await db.teamRollups.put({ ...row, pass: 5 }); // same (source, id): replaced
    expect(await db.teamRollups.count()).toBe(1);
    expect(await db.teamRollups.where('[metric+day]').equals(['pdd.manual3min', '2026-11-19']).count()).toBe(1);
    db.close();
  });
});
