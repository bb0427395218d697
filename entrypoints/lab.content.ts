/** The content script for the editor lab (demo build only): lib/content/main.ts with this platform's adapters only. */
import { labAdapter } from '@/lib/platforms/lab';
import { workbenchScript } from '@/lib/content/main';
import { labSite } from '@/lib/platforms/lab/site';

export default workbenchScript(labSite, [labAdapter]);
