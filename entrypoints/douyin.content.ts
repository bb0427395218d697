/** The content script for Douyin / Feige (抖店飞鸽): lib/content/main.ts with this platform's adapters only. */
import { douyinAdapter } from '@/lib/platforms/douyin';
import { workbenchScript } from '@/lib/content/main';
import { douyinSite } from '@/lib/platforms/douyin/site';

export default workbenchScript(douyinSite, [douyinAdapter]);
