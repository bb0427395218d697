/**
 * The attributes a watcher observes are each platform's own (Adapter `attributes`): every attribute its selectors
 * match on is among them (a change of it can change what the page reads as), except `src`: only login iframes are
 * matched on it (they are inserted, a change the watcher sees), and no adapter reads an image's `src` (an image reads
 * as [图片] by its presence), so an image loading costs nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOWN_NAME_ATTRS } from '../../lib/platforms/dom';
import { pddAdapter } from '../../lib/platforms/pdd';
import { douyinAdapter } from '../../lib/platforms/douyin';
import { jdAdapter } from '../../lib/platforms/jd';
import { kuaishouAdapter } from '../../lib/platforms/kuaishou';
import { ali1688Adapter, taobaoAdapter } from '../../lib/platforms/ali';
import { labAdapter } from '../../lib/platforms/lab';
import { watchedAttributes, type Adapter } from '../../lib/platforms/types';

describe('watched attributes', () => {
  it.each([pddAdapter, douyinAdapter, jdAdapter, kuaishouAdapter, ali1688Adapter, taobaoAdapter, labAdapter])(
    '$platform: every attribute its selectors match on is watched',
    (adapter) => {
      const watched = watchedAttributes(adapter);
      const inSelectors = new Set(
        Object.values(adapter.selectors)
          .flat()
          .flatMap((sel) => [...sel.matchAll(/\[\s*([\w-]+)/g)].map((m) => m[1]!)),
      );
      expect([...inSelectors].filter((a) => !watched.includes(a) && a !== 'src')).toEqual([]);
      expect(watched).not.toContain('src');
      expect(watched.slice(0, 2)).toEqual(['class', 'id']);
    },
  );

  it('a platform watches only its own attributes (Douyin does not watch PDD’s data-random)', () => {
    expect(watchedAttributes(pddAdapter)).toContain('data-random');
    expect(watchedAttributes(douyinAdapter)).not.toContain('data-random');
    expect(watchedAttributes(douyinAdapter)).toContain('data-id');
  });
});

/**
 * Convention: an attribute an adapter reads (a literal getAttribute / hasAttribute in its source, or shownName's
 * title / alt / aria-label when it reads names through it) is watched: one filled in after render changes what the
 * page reads as (a shop name in a logo's tooltip). Not read by extract(): the frame's `name` in 1688's acceptsFrame
 * (read once, when the frame is injected).
 */
describe('attribute reads are watched', () => {
  const sources: [Adapter, string][] = [
    [pddAdapter, 'pdd'],
    [douyinAdapter, 'douyin'],
    [jdAdapter, 'jd'],
    [kuaishouAdapter, 'kuaishou'],
    [ali1688Adapter, 'ali'],
    [taobaoAdapter, 'ali'],
    [labAdapter, 'lab'],
  ];
  const notExtract: Record<string, string[]> = { ali: ['name'] };
  it.each(sources)('$platform: its attribute reads are in its watched list', (adapter, dir) => {
    const src = readFileSync(join(process.cwd(), `lib/platforms/${dir}/index.ts`), 'utf8');
    const reads = new Set([...src.matchAll(/(?:get|has)Attribute\(\s*['"]([\w-]+)['"]/g)].map((m) => m[1]!));
    if (/\bshownName\(/.test(src)) for (const a of SHOWN_NAME_ATTRS) reads.add(a);
    const watched = watchedAttributes(adapter);
    expect([...reads].filter((a) => !watched.includes(a) && !(notExtract[dir] ?? []).includes(a))).toEqual([]);
  });
});
