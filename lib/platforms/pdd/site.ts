import { defineSite } from '../define';

/** Pinduoduo 商家后台 客服聊天 (../shared/docs/workbench-dom.md § Pinduoduo). */
export const pddSite = defineSite({ folder: 'pdd', matches: ['https://mms.pinduoduo.com/*'], demoFolders: ['pdd'] });
