import { defineSite } from '../define';

/** Alibaba's web Wangwang, one script for 1688 and Taobao/Tmall (../shared/docs/workbench-dom.md § 1688). */
export const aliSite = defineSite({
  folder: 'ali',
  matches: ['https://air.1688.com/*', 'https://air.taobao.com/*', 'https://web.wangwang.taobao.com/*'],
  demoFolders: ['ali1688', 'taobao'],
});
