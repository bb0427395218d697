/** The content script for Pinduoduo (拼多多商家后台): lib/content/main.ts with this platform's adapters only. */
import { pddAdapter } from '@/lib/platforms/pdd';
import { workbenchScript } from '@/lib/content/main';
import { pddSite } from '@/lib/platforms/pdd/site';

export default workbenchScript(pddSite, [pddAdapter]);
