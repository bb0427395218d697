/**
 * The content script for JD (咚咚): lib/content/main.ts with this folder's adapters only
 * (built as `content-scripts/jd.js`: wxt.config.ts adds every registered folder's content.ts).
 */
import { jdAdapter } from './index';
import { workbenchScript } from '../../content/main';
import { jdSite } from './site';

export default workbenchScript(jdSite, [jdAdapter]);
