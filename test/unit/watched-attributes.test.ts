/**
 * The attributes a watcher observes are each platform's own (Adapter `attributes`): every attribute its selectors
 * match on is among them (a change of it can change what the page reads as), except `src`: only login iframes are
 * matched on it (they are inserted, a change the watcher sees), and no adapter reads an image's `src` (an image reads
 * as [图片] by its presence), so an image loading costs nothing.
 */
import { describe, expect, it } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { douyinAdapter } from '../../lib/platforms/douyin';
import { jdAdapter } from '../../lib/platforms/jd';
import { kuaishouAdapter } from '../../lib/platforms/kuaishou';
import { ali1688Adapter, taobaoAdapter } from '../../lib/platforms/ali';
import { labAdapter } from '../../lib/platforms/lab';
import { watchedAttributes } from '../../lib/platforms/types';

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
