/** The UI's query module: Dexie's liveQuery and the page's database, loaded on first use (components/useDeferredQuery.ts). */
export { liveQuery } from 'dexie';
export { uiDb } from './db';
