import { defineSite } from '../define';

/** JD 咚咚 (../shared/docs/workbench-dom.md § JD 咚咚). */
export const jdSite = defineSite({ folder: 'jd', matches: ['https://dongdong.jd.com/*'], demoFolders: ['jd'] });
