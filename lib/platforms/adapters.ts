/** Every workbench adapter, in one list. The content script picks the first that matches the page. */
import { ali1688Adapter, taobaoAdapter } from './ali';
import { douyinAdapter } from './douyin';
import { jdAdapter } from './jd';
import { kuaishouAdapter } from './kuaishou';
import { labAdapter } from './lab';
import { pddAdapter } from './pdd';
import type { Adapter } from './types';

export const ADAPTERS: readonly Adapter[] = [
  pddAdapter,
  douyinAdapter,
  ali1688Adapter,
  taobaoAdapter,
  jdAdapter,
  kuaishouAdapter,
  labAdapter, // demo build's editor lab (localhost /editors/ only): keep last
];

export function adapterFor(url: URL): Adapter | undefined {
  return ADAPTERS.find((a) => a.matches(url));
}
