import { defineSite } from '../define';

/** Kuaishou 快手小店 客服工作台 (../shared/docs/workbench-dom.md § Kuaishou). */
export const kuaishouSite = defineSite({
  folder: 'kuaishou',
  matches: ['https://im.kwaixiaodian.com/*'],
  demoFolders: ['kuaishou'],
});
