/** The content script for Kuaishou (快手小店): lib/content/main.ts with this platform's adapters only. */
import { kuaishouAdapter } from '@/lib/platforms/kuaishou';
import { workbenchScript } from '@/lib/content/main';
import { kuaishouSite } from '@/lib/platforms/kuaishou/site';

export default workbenchScript(kuaishouSite, [kuaishouAdapter]);
