/** The content script for JD (咚咚): lib/content/main.ts with this platform's adapters only. */
import { jdAdapter } from '@/lib/platforms/jd';
import { workbenchScript } from '@/lib/content/main';
import { jdSite } from '@/lib/platforms/jd/site';

export default workbenchScript(jdSite, [jdAdapter]);
