/** The content script for 1688 and Taobao (web Wangwang, same Web IM): lib/content/main.ts with this platform's adapters only. */
import { ali1688Adapter, taobaoAdapter } from '@/lib/platforms/ali';
import { workbenchScript } from '@/lib/content/main';
import { aliSite } from '@/lib/platforms/ali/site';

export default workbenchScript(aliSite, [ali1688Adapter, taobaoAdapter]);
