/**
 * The content script for 1688 and Taobao (web Wangwang, same Web IM):
 * lib/content/main.ts with this folder's adapters only
 * (built as `content-scripts/ali.js`: wxt.config.ts adds every registered folder's content.ts).
 */
import { ali1688Adapter, taobaoAdapter } from './index';
import { workbenchScript } from '../../content/main';
import { aliSite } from './site';

export default workbenchScript(aliSite, [ali1688Adapter, taobaoAdapter]);
