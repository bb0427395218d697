/** The popup's query module: what its deferred queries need, loaded after its first frame (keeps Dexie out of the popup's first load). */
export { liveQuery, uiDb } from '@/lib/ui/query-module';
export { readPopupData } from './data';
export { topPhrases, unitsWithResult } from '@/lib/db/queries';
