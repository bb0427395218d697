import { defineSite } from '../define';

/** Douyin 抖店 飞鸽 (../shared/docs/workbench-dom.md § Douyin). */
export const douyinSite = defineSite({
  folder: 'douyin',
  matches: ['https://im.jinritemai.com/*'],
  demoFolders: ['douyin'],
});
