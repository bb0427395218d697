/**
 * The content script for the editor lab (demo build only): lib/content/main.ts with this folder's adapters only
 * (built as `content-scripts/lab.js`: wxt.config.ts adds every registered folder's content.ts).
 */
import { labAdapter } from './index';
import { workbenchScript } from '../../content/main';
import { labSite } from './site';

export default workbenchScript(labSite, [labAdapter]);
