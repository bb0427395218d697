/**
 * The content script for Douyin / Feige (抖店飞鸽): lib/content/main.ts with this folder's adapters only
 * (built as `content-scripts/douyin.js`: wxt.config.ts adds every registered folder's content.ts).
 */
import { douyinAdapter } from './index';
import { workbenchScript } from '../../content/main';
import { douyinSite } from './site';

export default workbenchScript(douyinSite, [douyinAdapter]);
