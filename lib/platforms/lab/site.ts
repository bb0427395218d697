import { defineSite } from '../define';

/** The editor lab (test/editor-pages): demo build only, no real site. */
export const labSite = defineSite({ folder: 'lab', matches: [], demoFolders: ['editors'], demoOnly: true });
