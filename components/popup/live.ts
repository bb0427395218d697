/** What the popup's live queries need, loaded after its first frame (keeps Dexie out of the popup's first load). */
export { liveQuery, uiDb } from '@/lib/ui/live';
export { readPopupData } from './data';
export { topPhrases, unitsWithResult } from '@/lib/db/queries';
