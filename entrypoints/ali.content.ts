/** The content script for 1688 and Taobao (web Wangwang, same Web IM): lib/content/main.ts with this platform's adapters only. */
import { ali1688Adapter, taobaoAdapter } from '@/lib/platforms/ali';
import { workbenchScript } from '@/lib/content/main';

export default workbenchScript('ali', [ali1688Adapter, taobaoAdapter]);
