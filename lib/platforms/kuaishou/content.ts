/**
 * The content script for Kuaishou (快手小店): lib/content/main.ts with this folder's adapters only
 * (built as `content-scripts/kuaishou.js`: wxt.config.ts adds every registered folder's content.ts).
 */
import { kuaishouAdapter } from './index';
import { workbenchScript } from '../../content/main';
import { kuaishouSite } from './site';

export default workbenchScript(kuaishouSite, [kuaishouAdapter]);
