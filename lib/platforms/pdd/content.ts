/**
 * The content script for Pinduoduo (拼多多商家后台): lib/content/main.ts with this folder's adapters only
 * (built as `content-scripts/pdd.js`: wxt.config.ts adds every registered folder's content.ts).
 */
import { pddAdapter } from './index';
import { workbenchScript } from '../../content/main';
import { pddSite } from './site';

export default workbenchScript(pddSite, [pddAdapter]);
