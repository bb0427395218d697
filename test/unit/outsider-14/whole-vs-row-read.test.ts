// @vitest-environment jsdom
/** Probe 14: a whole read's conversation = its row read alone (the row map now holds the former in place of the latter). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { kuaishouAdapter } from '../../../lib/platforms/kuaishou';
import { jdAdapter } from '../../../lib/platforms/jd';
import { ali1688Adapter, taobaoAdapter } from '../../../lib/platforms/ali';
import { pddAdapter } from '../../../lib/platforms/pdd';
import { douyinAdapter } from '../../../lib/platforms/douyin';
import { liveOf, type Adapter } from '../../../lib/platforms/types';

const NOW = 1_788_861_600_000;
const fx = (p: string) => readFileSync(join(process.cwd(), 'test/fixtures', p), 'utf8');
const CASES: [string, Adapter, string][] = [
  ['kuaishou', kuaishouAdapter, 'kuaishou/thread.html'],
  ['jd', jdAdapter, 'jd/thread.html'],
  ['1688', ali1688Adapter, 'ali/thread.html'],
  ['taobao', taobaoAdapter, 'ali/thread.html'],
  ['pdd', pddAdapter, 'pdd/thread.html'],
  ['douyin', douyinAdapter, 'douyin/workspace.html'],
];
for (const [name, adapter, file] of CASES)
  it(`${name}: whole = row read`, () => {
    document.body.innerHTML = fx(file);
    const x = adapter.extract(document, undefined, NOW);
    const rows = liveOf(x)?.rows;
    if (!rows) return;
    const strip = (c: object | null) => (c ? { ...c, row: undefined } : c);
    for (const c of x.conversations) if (c.row) expect(strip(rows.read(c.row)), c.buyer).toEqual(strip(c));
    const all = rows.all();
    const got = rows.readAll?.(all) ?? all.map((r) => rows.read(r));
    for (const c of x.conversations)
      if (c.row && all.includes(c.row)) expect(strip(got[all.indexOf(c.row)]!), c.buyer).toEqual(strip(c));
  });
